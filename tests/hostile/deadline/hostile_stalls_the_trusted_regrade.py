"""Correct, but in the trusted regrade's process each call of its N-D
functions sleeps just under the per-call timeout, so that the grader waits
call after call. One deadline per submission ends it: the exercises
verified before it keep their points, the rest get none."""
EXPECTED = {"test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}

# %% [gradient_check_n]
import sys
import time


def stall():
    if "ipykernel" not in sys.modules:   # only in the trusted regrade's process
        time.sleep(2.7)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    stall()
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        plus, minus = np.copy(theta), np.copy(theta)
        plus[i, 0] += epsilon
        minus[i, 0] -= epsilon
        J_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(plus))
        J_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(minus))
        gradapprox[i, 0] = (J_plus - J_minus) / (2 * epsilon)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
