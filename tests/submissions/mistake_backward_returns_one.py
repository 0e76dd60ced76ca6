"""backward_propagation returns 1."""
EXPECTED = {'test_backward_propagation': 0}
MESSAGE = {'test_backward_propagation': 'with respect to theta is x'}
MISTAKE = {'test_backward_propagation': 'backward_propagation.unrecognised'}

# %% [backward_propagation]
def backward_propagation(x, theta):
    dtheta = 1
    return dtheta
