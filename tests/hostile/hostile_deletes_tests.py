"""Answers nothing, deletes the two 1-D test cells, and adds a cell that
prints what passing tests print."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0,
            "test_gradient_check": 0, "test_gradient_check_n": 0,
            "test_difference_per_parameter": 0, "test_backward_propagation_n": 0}
DELETE = ["test_forward_propagation", "test_backward_propagation"]
EXTRA = {"backward_propagation": "print('forward_propagation: visible tests passed')\\nprint('backward_propagation: visible tests passed')"}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return None

# %% [backward_propagation]
def backward_propagation(x, theta):
    return None

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    return None

# %% [gradient_check_n]
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    return None

# %% [difference_per_parameter]
def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    return None

# %% [backward_propagation_n]
def backward_propagation_n(X, Y, cache):
    return None
