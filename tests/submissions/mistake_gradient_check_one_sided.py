"""A one-sided difference (J(theta + eps) - J(theta)) / eps."""
EXPECTED = {'test_gradient_check': 0}
MESSAGE = {'test_gradient_check': 'one-sided difference'}
MISTAKE = {'test_gradient_check': 'gradient_check.one_sided_difference'}

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, theta)
    gradapprox = (J_plus - J_minus) / epsilon
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    return difference
