"""np.dot and np.multiply in the 1-D passes."""
EXPECTED = {}  # full marks everywhere

# %% [forward_propagation]
def forward_propagation(x, theta):
    J = np.dot(theta, x)
    return J

# %% [backward_propagation]
def backward_propagation(x, theta):
    dtheta = np.multiply(1.0, x)
    return dtheta
