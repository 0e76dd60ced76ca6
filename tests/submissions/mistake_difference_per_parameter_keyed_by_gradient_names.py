"""The report keyed 'dW1', 'db1', ... instead of 'W1', 'b1', ...."""
EXPECTED = {'test_difference_per_parameter': 0}
MESSAGE = {'test_difference_per_parameter': 'keys should be'}
MISTAKE = {'test_difference_per_parameter': 'difference_per_parameter.keyed_by_gradient_names'}

# %% [difference_per_parameter]
def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        thetaplus = np.copy(parameters_values)
        thetaplus[i] += epsilon
        thetaminus = np.copy(parameters_values)
        thetaminus[i] -= epsilon
        J_plus_i, _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))
        J_minus_i, _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus))
        gradapprox[i] = (J_plus_i - J_minus_i) / (2 * epsilon)
    report = {}
    for name, rows in parameter_slices().items():
        numerator = np.linalg.norm(grad[rows] - gradapprox[rows])
        denominator = np.linalg.norm(grad[rows]) + np.linalg.norm(gradapprox[rows])
        report['d' + name] = numerator / denominator
    return report
