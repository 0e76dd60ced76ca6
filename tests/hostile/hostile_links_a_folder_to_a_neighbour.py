"""An extra folder that is a symbolic link to another student's submitted
folder (the bystander's): followed, the neighbour's work would be read,
fingerprinted or copied as this student's. Refused at intake."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0, "test_gradient_check": 0,
            "test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}  # refused at intake: nothing is graded
LINKS = {"neighbour": "{submitted}/aaa_bystander/gradient_checking"}
