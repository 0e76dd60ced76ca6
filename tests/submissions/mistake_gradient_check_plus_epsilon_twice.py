"""theta + epsilon on both sides."""
EXPECTED = {'test_gradient_check': 0}
MESSAGE = {'test_gradient_check': 'came out equal'}
MISTAKE = {'test_gradient_check': 'gradient_check.cost_not_perturbed'}

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    thetaplus = theta + epsilon
    thetaminus = theta + epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, thetaminus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    return difference
