"""The hidden checks accept right answers, reject wrong ones with a message a
student can act on, and grade each exercise on its own."""

import sys

import numpy as np
import pytest

from conftest import SOURCE_NOTEBOOK
from gccourse import reference as ref
from gccourse import checks

sys.path.insert(0, str(SOURCE_NOTEBOOK.parent))
import gc_utils  # noqa: E402  (the helpers students get)

ONE_D = '''
def forward_propagation(x, theta):
    return theta * x

def backward_propagation(x, theta):
    return x

def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
'''

N_D = '''
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    approx = np.zeros_like(values)
    for i in range(values.shape[0]):
        up = np.copy(values); up[i] += epsilon
        down = np.copy(values); down[i] -= epsilon
        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]
                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))

def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    approx = np.zeros_like(values)
    for i in range(values.shape[0]):
        up = np.copy(values); up[i] += epsilon
        down = np.copy(values); down[i] -= epsilon
        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]
                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)
    report = {}
    for name, rows in parameter_slices().items():
        report[name] = np.linalg.norm(grad[rows] - approx[rows]) / (
            np.linalg.norm(grad[rows]) + np.linalg.norm(approx[rows]))
    return report
'''


def notebook(code, **replace):
    """Define functions as a notebook cell would, in a fresh namespace."""
    for old, new in replace.items():
        assert old in code, old
        code = code.replace(old, new)
    namespace = {"np": np, **{name: getattr(gc_utils, name) for name in [
        "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector", "parameter_slices"]}}
    exec(code, namespace)
    return namespace


def test_correct_answers_pass_every_check():
    ns = notebook(ONE_D + N_D)
    checks.check_forward_propagation(ns["forward_propagation"])
    checks.check_backward_propagation(ns["backward_propagation"])
    checks.check_gradient_check(ns["gradient_check"])
    checks.check_gradient_check_n(ns["gradient_check_n"])
    checks.check_difference_per_parameter(ns["difference_per_parameter"])
    checks.check_backward_propagation_n(ref.backward)


def test_gradient_check_is_graded_without_the_students_own_forward_pass():
    ns = notebook(ONE_D, **{"return theta * x": "return theta + x"})
    with pytest.raises(AssertionError):
        checks.check_forward_propagation(ns["forward_propagation"])
    checks.check_gradient_check(ns["gradient_check"])
    # and the student's own function is back in place afterwards
    assert ns["forward_propagation"](2, 4) == 6


def test_gradient_check_n_is_graded_without_the_notebooks_helpers():
    ns = notebook(N_D)
    ns["vector_to_dictionary"] = lambda theta: None   # broken by a student cell
    checks.check_gradient_check_n(ns["gradient_check_n"])
    assert ns["vector_to_dictionary"](None) is None


@pytest.mark.parametrize("replace, message", [
    ({"J_minus = forward_propagation(x, theta - epsilon)": "J_minus = forward_propagation(x, theta)",
      "/ (2 * epsilon)": "/ epsilon"}, "one-sided"),
    ({"grad = backward_propagation(x, theta)": "grad = gradapprox"}, "not be gradapprox"),
    ({"    J_plus = forward_propagation(x, theta + epsilon)":
      "    epsilon = 1e-7\n    J_plus = forward_propagation(x, theta + epsilon)"}, "ignores its epsilon"),
    ({"/ (2 * epsilon)": "/ 2 * epsilon"}, "far too small"),
    ({"(np.linalg.norm(grad) + np.linalg.norm(gradapprox))": "np.linalg.norm(grad + gradapprox)"},
     "denominator"),
], ids=["one-sided", "grad=gradapprox", "ignores epsilon", "precedence", "norm of sum"])
def test_gradient_check_mistakes_fail_with_a_message_that_names_them(replace, message):
    ns = notebook(ONE_D, **replace)
    with pytest.raises(AssertionError, match=message):
        checks.check_gradient_check(ns["gradient_check"])


@pytest.mark.parametrize("replace, message", [
    ({"down = np.copy(values); down[i] -= epsilon": "down = np.copy(values)",
      "/ (2 * epsilon)\n    return np.linalg.norm(grad - approx)": "/ epsilon\n    return np.linalg.norm(grad - approx)"},
     "one-sided"),
    ({"up = np.copy(values); up[i] += epsilon\n        down = np.copy(values); down[i] -= epsilon\n"
      "        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n"
      "                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n"
      "    return np.linalg": "up = values; up[i] += epsilon\n        down = values; down[i] -= epsilon\n"
      "        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n"
      "                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n"
      "    return np.linalg"}, "came out equal"),
    ({"return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))\n\ndef":
      "return np.abs(grad - approx) / (np.abs(grad) + np.abs(approx))\n\ndef"}, "one number"),
    ({"for i in range(values.shape[0]):\n        up = np.copy(values); up[i] += epsilon\n        down = np.copy(values); down[i] -= epsilon\n        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n    return":
      "for i in range(values.shape[0] - 1):\n        up = np.copy(values); up[i] += epsilon\n        down = np.copy(values); down[i] -= epsilon\n        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n    return"},
     "never computed"),
], ids=["one-sided", "no copy", "element-wise", "off by one"])
def test_gradient_check_n_mistakes_fail(replace, message):
    ns = notebook(N_D, **replace)
    with pytest.raises(AssertionError, match=message):
        checks.check_gradient_check_n(ns["gradient_check_n"])


def test_changing_the_callers_parameters_fails():
    ns = notebook(N_D, **{"values, _ = dictionary_to_vector(parameters)\n    grad = gradients_to_vector(gradients)\n    approx = np.zeros_like(values)\n    for i in range(values.shape[0]):\n        up = np.copy(values); up[i] += epsilon\n        down = np.copy(values); down[i] -= epsilon\n        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n    return":
                          "values, _ = dictionary_to_vector(parameters)\n    parameters['W1'] += 0\n    parameters['b1'] *= 1.0000001\n    grad = gradients_to_vector(gradients)\n    approx = np.zeros_like(values)\n    for i in range(values.shape[0]):\n        up = np.copy(values); up[i] += epsilon\n        down = np.copy(values); down[i] -= epsilon\n        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(up))[0]\n                     - forward_propagation_n(X, Y, vector_to_dictionary(down))[0]) / (2 * epsilon)\n    return"})
    with pytest.raises(AssertionError, match="parameters you were given changed"):
        checks.check_gradient_check_n(ns["gradient_check_n"])


@pytest.mark.parametrize("replace, message", [
    ({"report[name] =": "report['d' + name] ="}, "keys should be"),
    ({"for name, rows in parameter_slices().items():": "for name, rows in reversed(parameter_slices().items()):"},
     "in that order"),
    ({"report[name] = np.linalg.norm(grad[rows] - approx[rows]) / (\n            np.linalg.norm(grad[rows]) + np.linalg.norm(approx[rows]))":
      "report[name] = np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))"},
     "entries only"),
], ids=["keyed wrongly", "ordered wrongly", "whole vector"])
def test_per_parameter_report_mistakes_fail(replace, message):
    ns = notebook(N_D, **replace)
    with pytest.raises(AssertionError, match=message):
        checks.check_difference_per_parameter(ns["difference_per_parameter"])


@pytest.mark.parametrize("spoil, named", [
    ({"dW2": 2}, "dW2"), ({"db1": 4}, "db1"), ({"dW2": 2, "db1": 4}, "db1, dW2"),
    ({"dW3": -1}, "dW3")], ids=["only dW2 left", "only db1 left", "no fix", "a correct line broken"])
def test_backward_propagation_n_names_every_wrong_gradient(spoil, named):
    def backward(X, Y, cache):
        grads = ref.backward(X, Y, cache)
        return {k: v * spoil.get(k, 1) for k, v in grads.items()}
    with pytest.raises(AssertionError, match=f"disagrees with backward_propagation_n in: {named} "):
        checks.check_backward_propagation_n(backward)


def test_a_crashing_answer_fails_with_the_call_that_broke():
    def forward_propagation(x, theta):
        raise ZeroDivisionError("oops")
    with pytest.raises(AssertionError, match=r"forward_propagation\(2.0, 4.0\) stopped with ZeroDivisionError: oops"):
        checks.check_forward_propagation(forward_propagation)


def test_reference_gradients_match_centred_differences_on_fresh_networks():
    for seed in range(3):
        X, Y, parameters = ref.random_case(seed)
        grads = ref.backward(X, Y, ref.forward(X, Y, parameters)[1])
        numeric = ref.numerical_gradient(lambda t: ref.forward(X, Y, ref.unroll(t))[0],
                                         ref.roll(parameters), 1e-5)
        assert ref.relative_difference(ref.roll(grads, "d"), numeric) < 1e-8


def test_reference_rolls_like_the_students_helpers():
    X, Y, parameters = gc_utils.nd_test_case()
    theta, keys = gc_utils.dictionary_to_vector(parameters)
    ref_theta, ref_keys = ref.roll_with_keys(parameters)
    assert np.array_equal(theta, ref_theta) and keys == ref_keys
    back = gc_utils.vector_to_dictionary(theta)
    assert all(np.array_equal(back[k], ref.unroll(theta)[k]) for k in ref.NAMES)
