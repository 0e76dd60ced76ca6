"""gradient_check_n returns 0.0; its cell makes np.isclose always true and
turns the hidden check into a no-op by assigning to the checks module."""
EXPECTED = {"test_gradient_check_n": 0}

# %% [gradient_check_n]
import numpy


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    return 0.0


numpy.isclose = lambda *args, **kwargs: True
import gccourse.checks as checks  # noqa: E402
checks.check_gradient_check_n = lambda function: None
