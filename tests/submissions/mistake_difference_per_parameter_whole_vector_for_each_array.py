"""Every array gets the difference of the whole vector."""
EXPECTED = {'test_difference_per_parameter': 0}
MESSAGE = {'test_difference_per_parameter': 'entries only'}
MISTAKE = {'test_difference_per_parameter': 'difference_per_parameter.whole_vector_for_each_array'}

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
        numerator = np.linalg.norm(grad - gradapprox)
        denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
        report[name] = numerator / denominator
    return report
