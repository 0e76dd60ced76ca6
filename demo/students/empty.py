"""The release notebook submitted as it was downloaded: nothing attempted."""
EXPECTED = {
    "test_forward_propagation": 0,
    "test_backward_propagation": 0,
    "test_gradient_check": 0,
    "test_backward_propagation_n": 0,
    "test_gradient_check_n": 0,
    "test_difference_per_parameter": 0,
}
