"""Every answer is wrong, but each function, when a test cell calls it,
publishes a result into that cell that nbgrader reads as full marks (an
execute_result it cannot read as a number), and writes to stderr, which
zeroes a cell: neither may move a score. Stock nbgrader gives 20/20."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0,
            "test_gradient_check": 0, "test_gradient_check_n": 0,
            "test_difference_per_parameter": 0, "test_backward_propagation_n": 0}

# %% [forward_propagation]
import sys


def claim_full_marks():
    """Put an execute_result into the running cell, first."""
    try:
        sys.displayhook("full marks")
    except Exception:
        pass


def forward_propagation(x, theta):
    claim_full_marks()
    return theta + x

# %% [backward_propagation]
def backward_propagation(x, theta):
    claim_full_marks()
    return theta

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    claim_full_marks()
    return 0.5

# %% [gradient_check_n]
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    claim_full_marks()
    return 0.5

# %% [difference_per_parameter]
def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    claim_full_marks()
    return {name: 0.5 for name in ("W1", "b1", "W2", "b2", "W3", "b3")}

# %% [backward_propagation_n]
def backward_propagation_n(X, Y, cache):
    claim_full_marks()
    return {"dW1": 0, "db1": 0, "dW2": 0, "db2": 0, "dW3": 0, "db3": 0}
