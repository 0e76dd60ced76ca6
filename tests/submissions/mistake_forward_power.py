"""forward_propagation returns theta ** x."""
EXPECTED = {'test_forward_propagation': 0}
MESSAGE = {'test_forward_propagation': 'J = theta \\* x is'}
MISTAKE = {'test_forward_propagation': 'forward_propagation.unrecognised'}

# %% [forward_propagation]
def forward_propagation(x, theta):
    J = theta ** x
    return J
