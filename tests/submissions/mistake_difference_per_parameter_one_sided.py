"""A one-sided difference in the report."""
EXPECTED = {'test_difference_per_parameter': 0}
MESSAGE = {'test_difference_per_parameter': 'one-sided difference'}
MISTAKE = {'test_difference_per_parameter': 'difference_per_parameter.one_sided_difference'}

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
        J_plus_i, _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))
        J_minus_i, _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus))
        gradapprox[i] = (J_plus_i - J_minus_i) / epsilon
    report = {}
    for name, rows in parameter_slices().items():
        numerator = np.linalg.norm(grad[rows] - gradapprox[rows])
        denominator = np.linalg.norm(grad[rows]) + np.linalg.norm(gradapprox[rows])
        report[name] = numerator / denominator
    return report
