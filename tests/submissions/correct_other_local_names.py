"""Every local variable named differently."""
EXPECTED = {}  # full marks everywhere

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    right = forward_propagation(x, theta + epsilon)
    left = forward_propagation(x, theta - epsilon)
    slope = (right - left) / (2 * epsilon)
    exact = backward_propagation(x, theta)
    gap = np.linalg.norm(exact - slope)
    scale = np.linalg.norm(exact) + np.linalg.norm(slope)
    return gap / scale
