"""Squared norms in numerator and denominator."""
EXPECTED = {'test_gradient_check': 0}
MESSAGE = {'test_gradient_check': 'squared norms'}
MISTAKE = {'test_gradient_check': 'gradient_check.squared_norms'}

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, thetaminus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox) ** 2
    denominator = np.linalg.norm(grad) ** 2 + np.linalg.norm(gradapprox) ** 2
    difference = numerator / denominator
    return difference
