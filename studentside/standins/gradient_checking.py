"""Stand-ins for the gradient-checking course's checks.

Everything here is either given to every student (the network's forward
pass, rolling parameters into a vector and back) or a test function whose
answer the check computes on the grader's side (``CubicCost`` here only
evaluates the cost; its gradient and its centred differences live in the
course's reference, which is never mounted in the sandbox).

Shapes: X is (4, m), Y is (1, m) or (m,), and the parameters are
W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1): 47 numbers.
"""

import numpy as np

#: (name, shape) in the order the assignment rolls parameters into a vector.
SHAPES = (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)),
          ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))
NAMES = tuple(name for name, _ in SHAPES)
SIZE = sum(int(np.prod(shape)) for _, shape in SHAPES)


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
    """Cost (mean binary cross-entropy) and cache of the 4-5-3-1 network:
    the notebook's given ``forward_propagation_n``."""
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


class CubicCost:
    """J(theta) = sum_k a_k theta_k^3 / 3 + c_k theta_k over the 47 rolled
    parameters, with a, c and the point theta drawn from ``seed``.

    Use an instance in place of ``forward_propagation_n``: it takes
    (X, Y, parameters) and returns (cost, None), ignoring X and Y."""

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


def cubic_forward(x, theta):
    """J = x * theta**3, a 1-D cost whose centred difference is known."""
    return x * theta ** 3


def cubic_backward(x, theta):
    """dJ/dtheta of cubic_forward."""
    return 3 * x * theta ** 2


def linear_forward(x, theta):
    """J = x * theta (the notebook's own 1-D cost)."""
    return x * theta


def linear_backward(x, theta):
    """dJ/dtheta of linear_forward."""
    return x


#: name -> factory of the stand-in (see studentside.standins)
STANDINS = {
    "cubic_forward": lambda: cubic_forward,
    "cubic_backward": lambda: cubic_backward,
    "linear_forward": lambda: linear_forward,
    "linear_backward": lambda: linear_backward,
    "scaled_linear_backward": lambda factor: (lambda x, theta: factor * linear_backward(x, theta)),
    "cubic_cost": lambda seed: CubicCost(int(seed)),
    "reference_forward": lambda: forward,
    "roll_with_keys": lambda: roll_with_keys,
    "unroll": lambda: unroll,
    "roll_gradients": lambda: (lambda gradients: roll(gradients, prefix="d")),
}
