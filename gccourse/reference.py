"""Reference implementation of the gradient-checking assignment's network.

Written independently of the notebook and of ``gc_utils.py`` so that the
hidden tests never trust code a student could have changed or broken. The
given parts (shapes, rolling, the forward pass, the test cost's value) are
shared with the sandbox's stand-ins; the answers (the backward pass, the
relative difference, centred differences) are only here, on the grader's
side.

Shapes: X is (4, m), Y is (1, m) or (m,), and the parameters are
W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1): 47 numbers.
"""

import numpy as np

from studentside.standins.gradient_checking import (  # noqa: F401 -- shared, given code
    NAMES, SHAPES, SIZE, cubic_backward, cubic_forward, forward, linear_backward, linear_forward,
    offsets, roll, roll_with_keys, unroll)
from studentside.standins.gradient_checking import CubicCost as _CubicCostValue

#: The threshold the course uses to call a gradient correct.
THRESHOLD = 1e-7
#: The step the notebook teaches for the N-D check (see its epsilon section).
RECOMMENDED_EPSILON = 1e-5


def backward(X, Y, cache):
    """Correct gradients of ``forward``'s cost, keyed like the notebook's."""
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    m = X.shape[1]
    grads = {"dZ3": A3 - Y}
    grads["dW3"] = grads["dZ3"] @ A2.T / m
    grads["db3"] = grads["dZ3"].sum(axis=1, keepdims=True) / m
    grads["dA2"] = W3.T @ grads["dZ3"]
    grads["dZ2"] = grads["dA2"] * (Z2 > 0)
    grads["dW2"] = grads["dZ2"] @ A1.T / m
    grads["db2"] = grads["dZ2"].sum(axis=1, keepdims=True) / m
    grads["dA1"] = W2.T @ grads["dZ2"]
    grads["dZ1"] = grads["dA1"] * (Z1 > 0)
    grads["dW1"] = grads["dZ1"] @ X.T / m
    grads["db1"] = grads["dZ1"].sum(axis=1, keepdims=True) / m
    return grads


def with_planted_bugs(gradients, dW2=True, db1=True):
    """The gradients the shipped buggy backward pass returns: dW2 doubled,
    db1 four times too large."""
    buggy = dict(gradients)
    if dW2:
        buggy["dW2"] = gradients["dW2"] * 2
    if db1:
        buggy["db1"] = gradients["db1"] * 4
    return buggy


def relative_difference(a, b):
    """||a - b|| / (||a|| + ||b||) for arrays of equal shape."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def numerical_gradient(cost, theta, epsilon):
    """Centred differences of cost(theta_vector) at theta, shape (47, 1)."""
    approx = np.zeros_like(theta, dtype=float)
    for i in range(theta.shape[0]):
        up, down = theta.copy(), theta.copy()
        up[i] += epsilon
        down[i] -= epsilon
        approx[i] = (cost(up) - cost(down)) / (2 * epsilon)
    return approx


def published_case():
    """X, Y and parameters of the original course's test case (seed 1)."""
    state = np.random.RandomState(1)
    X = state.randn(4, 3)
    Y = np.array([1, 1, 0])
    parameters = {}
    for name, shape in SHAPES:
        parameters[name] = state.randn(*shape)
    return X, Y, parameters


def random_case(seed, m=5):
    """A fresh network and data set: X (4, m), Y (1, m) of 0/1 labels.

    The first layer is biased upwards so that most ReLU units fire and the
    gradient has few exact zeros.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    parameters = {name: rng.normal(scale=0.8, size=shape) for name, shape in SHAPES}
    parameters["b1"] = np.abs(parameters["b1"]) + 0.5
    parameters["b2"] = np.abs(parameters["b2"]) + 0.5
    return X, Y, parameters


class CubicCost(_CubicCostValue):
    """A cost with a known gradient and a known centred-difference error.

    J(theta) = sum_k a_k theta_k^3 / 3 + c_k theta_k over the 47 rolled
    parameters, so dJ/dtheta_k = a_k theta_k^2 + c_k, and the centred
    difference with step eps is exact up to its truncation term
    a_k eps^2 / 3, while a one-sided one is off by a_k theta_k eps.

    The cost itself (what a student's function calls) is the sandbox's
    stand-in; its answers (gradient, centred differences) are only here.
    """

    def gradient(self):
        """The exact gradient at theta, shape (47, 1)."""
        return self.a * self.theta ** 2 + self.c

    def gradients(self, scale=None):
        """The exact gradient as the notebook's dict of "dW1" ... arrays;
        ``scale`` maps a name such as "dW2" to a factor that spoils it."""
        grads = {"d" + name: array for name, array in unroll(self.gradient()).items()}
        for name, factor in (scale or {}).items():
            grads[name] = grads[name] * factor
        return grads

    def centred(self, epsilon):
        """What an exact centred difference with step epsilon gives."""
        return self.gradient() + self.a * epsilon ** 2 / 3
