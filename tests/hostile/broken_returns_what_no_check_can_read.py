"""Returns values that break numpy inside a check (a ragged list where a
number belongs, a string where a gradient array belongs): those two tests
fail with a message; the notebook is still graded, every other exercise
keeps its points."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation_n": 0}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return [[1.0], [1.0, 2.0]]

# %% [backward_propagation_n]
def backward_propagation_n(X, Y, cache):
    return {"dZ3": 0, "dW3": "not a number", "db3": [[1.0], [1.0, 2.0]], "dA2": 0, "dZ2": 0,
            "dW2": None, "db2": 0, "dA1": 0, "dZ1": 0, "dW1": "x", "db1": "y"}
