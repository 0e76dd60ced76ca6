"""Reference implementation of the gradient-checking assignment's network.

Written independently of the notebook and of ``gc_utils.py`` so that the
hidden tests never trust code a student could have changed or broken.

Shapes: X is (4, m), Y is (1, m) or (m,), and the parameters are
W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1): 47 numbers.
"""

import numpy as np

#: (name, shape) in the order the assignment rolls parameters into a vector.
SHAPES = (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)),
          ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))
NAMES = tuple(name for name, _ in SHAPES)
SIZE = sum(int(np.prod(shape)) for _, shape in SHAPES)

#: The threshold the course uses to call a gradient correct.
THRESHOLD = 1e-7
#: The step the notebook teaches for the N-D check (see its epsilon section).
RECOMMENDED_EPSILON = 1e-5


def offsets():
    """dict name -> (start, stop) of that array inside the rolled vector."""
    result, start = {}, 0
    for name, shape in SHAPES:
        stop = start + int(np.prod(shape))
        result[name] = (start, stop)
        start = stop
    return result


def roll(arrays, prefix=""):
    """Parameters (or, with prefix "d", gradients) as one (47, 1) vector."""
    return np.vstack([np.asarray(arrays[prefix + name], dtype=float).reshape(-1, 1)
                      for name in NAMES])


def roll_with_keys(parameters):
    """(theta, keys) exactly as ``dictionary_to_vector`` returns them."""
    keys = []
    for name, (start, stop) in offsets().items():
        keys += [name] * (stop - start)
    return roll(parameters), keys


def unroll(theta):
    """A (47, 1) or (47,) vector as a dict of fresh arrays."""
    flat = np.asarray(theta).reshape(-1)
    return {name: flat[start:stop].reshape(shape).copy()
            for (name, shape), (start, stop) in zip(SHAPES, offsets().values())}


def forward(X, Y, parameters):
    """Cost (mean binary cross-entropy) and cache of the 4-5-3-1 network."""
    p = parameters
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = np.maximum(Z2, 0)
    Z3 = p["W3"] @ A2 + p["b3"]
    A3 = 1 / (1 + np.exp(-Z3))
    m = X.shape[1]
    cost = -np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / m
    cache = (Z1, A1, p["W1"], p["b1"], Z2, A2, p["W2"], p["b2"],
             Z3, A3, p["W3"], p["b3"])
    return float(cost), cache


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


class CubicCost:
    """A cost with a known gradient and a known centred-difference error.

    J(theta) = sum_k a_k theta_k^3 / 3 + c_k theta_k over the 47 rolled
    parameters, so dJ/dtheta_k = a_k theta_k^2 + c_k, and the centred
    difference with step eps is exact up to its truncation term
    a_k eps^2 / 3, while a one-sided one is off by a_k theta_k eps.

    Use an instance in place of ``forward_propagation_n``: it takes
    (X, Y, parameters) and returns (cost, None), ignoring X and Y.
    """

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.a = rng.uniform(0.5, 1.5, size=(SIZE, 1)) * rng.choice([-1, 1], size=(SIZE, 1))
        self.c = rng.uniform(-1, 1, size=(SIZE, 1))
        self.theta = rng.uniform(0.5, 1.5, size=(SIZE, 1)) * rng.choice([-1, 1], size=(SIZE, 1))

    def parameters(self):
        """Fresh parameter arrays holding this cost's point theta."""
        return unroll(self.theta)

    def __call__(self, X, Y, parameters):
        theta = roll(parameters)
        return float(np.sum(self.a * theta ** 3 / 3 + self.c * theta)), None

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
