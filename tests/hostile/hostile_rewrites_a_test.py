"""Leaves the 1-D passes unanswered, replaces their first test cell with a
bare 'pass' and empties the second."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return None

# %% [backward_propagation]
def backward_propagation(x, theta):
    return None

# %% [test_forward_propagation]
pass

# %% [test_backward_propagation]

