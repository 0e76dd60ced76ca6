"""gradapprox built with a list comprehension instead of an explicit loop."""
EXPECTED = {}  # full marks everywhere

# %% [gradient_check_n]
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)

    def cost_at(i, step):
        nudged = np.copy(theta)
        nudged[i] += step
        return forward_propagation_n(X, Y, vector_to_dictionary(nudged))[0]

    gradapprox = np.array([(cost_at(i, epsilon) - cost_at(i, -epsilon)) / (2 * epsilon)
                           for i in range(len(theta))]).reshape(-1, 1)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
