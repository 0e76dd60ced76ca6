"""The hidden checks accept right answers, reject wrong ones with a message a
student can act on, and grade each exercise on its own."""

import sys

import numpy as np
import pytest

from conftest import SOURCE_NOTEBOOK
from gccourse import reference as ref
from gccourse import checks
from gccourse.mistakes import REGISTRY
from gradekit import harness
from gradekit.exceptions import StudentError
from gradekit.harness import CheckFailed

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


@pytest.mark.parametrize("replace, message, mistake", [
    ({"J_minus = forward_propagation(x, theta - epsilon)": "J_minus = forward_propagation(x, theta)",
      "/ (2 * epsilon)": "/ epsilon"}, "one-sided", "one_sided_difference"),
    ({"grad = backward_propagation(x, theta)": "grad = gradapprox"}, "not be gradapprox",
     "grad_is_gradapprox"),
    ({"    J_plus = forward_propagation(x, theta + epsilon)":
      "    epsilon = 1e-7\n    J_plus = forward_propagation(x, theta + epsilon)"}, "ignores its epsilon",
     "ignores_epsilon"),
    ({"/ (2 * epsilon)": "/ 2 * epsilon"}, "far too small", "operator_precedence"),
    ({"(np.linalg.norm(grad) + np.linalg.norm(gradapprox))": "np.linalg.norm(grad + gradapprox)"},
     "denominator", "norm_of_the_sum"),
    ({"/ (2 * epsilon)": "/ (3 * epsilon)"}, "should be", "unrecognised"),
], ids=["one-sided", "grad=gradapprox", "ignores epsilon", "precedence", "norm of sum",
        "unrecognised"])
def test_gradient_check_mistakes_fail_with_a_message_that_names_them(replace, message, mistake):
    ns = notebook(ONE_D, **replace)
    with pytest.raises(CheckFailed, match=message) as failed:
        checks.check_gradient_check(ns["gradient_check"])
    assert failed.value.mistake == mistake
    assert REGISTRY[f"gradient_check.{mistake}"].fits(str(failed.value))


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


@pytest.mark.parametrize("spoil, named, mistake", [
    ({"dW2": 2}, "dW2", "dw2_bug_left"), ({"db1": 4}, "db1", "db1_bug_left"),
    ({"dW2": 2, "db1": 4}, "db1, dW2", "both_bugs_left"),
    ({"dW3": -1}, "dW3", "breaks_a_correct_line"),
    ({"db1": 3}, "db1", "planted_bug_fixed_wrongly"),
    ({"dW2": 2, "db2": 2}, "dW2, db2", "breaks_a_correct_line")],
    ids=["only dW2 left", "only db1 left", "no fix", "a correct line broken", "db1 fixed wrongly",
         "dW2 left and db2 broken"])
def test_backward_propagation_n_names_every_wrong_gradient(spoil, named, mistake):
    def backward(X, Y, cache):
        grads = ref.backward(X, Y, cache)
        return {k: v * spoil.get(k, 1) for k, v in grads.items()}
    with pytest.raises(CheckFailed, match=f"disagrees with backward_propagation_n in: {named} ") as failed:
        checks.check_backward_propagation_n(backward)
    assert failed.value.mistake == mistake


def test_a_crashing_answer_fails_with_the_call_that_broke():
    def forward_propagation(x, theta):
        raise ZeroDivisionError("oops")
    with pytest.raises(AssertionError, match=r"forward_propagation\(2.0, 4.0\) stopped with ZeroDivisionError: oops") as failed:
        checks.check_forward_propagation(forward_propagation)
    assert failed.value.mistake == "raises_an_error"


def test_an_answer_cannot_choose_its_own_mistake_id():
    """Whatever the student's function raises reaches the check as text: an
    exception that is a CheckFailed naming a mistake, or whose text is an
    id, is a function that raised, nothing else."""
    def forward_propagation(x, theta):
        raise CheckFailed("forward_propagation.hard_coded", "hard_coded")

    def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
        raise AssertionError("gradient_check.one_sided_difference")
    with pytest.raises(CheckFailed) as failed:
        checks.check_forward_propagation(forward_propagation)
    assert failed.value.mistake == "raises_an_error"
    with pytest.raises(CheckFailed) as failed:
        checks.check_gradient_check(gradient_check)
    assert failed.value.mistake == "raises_an_error"
    check = harness.CHECKS["test_gradient_check"]
    assert check.mistake_id(failed.value) == "gradient_check.raises_an_error"


@pytest.mark.parametrize("error, mistake", [
    (StudentError("TypeError: ...", unfinished=True), "unfinished"),
    (StudentError("the call did not come back (it hung or the process died)",
                  kind=StudentError.NO_REPLY), "did_not_return"),
    (StudentError("it sent back something that is not a value", kind=StudentError.UNREADABLE),
     "unreadable_result"),
    (StudentError("AssertionError: forward_propagation.hard_coded"), "raises_an_error"),
], ids=["unfinished", "no reply", "unreadable", "raised"])
def test_what_happened_to_the_call_names_the_mistake(error, mistake):
    """The grader's side of a call (gradekit.trusted.Remote) says what
    happened as a kind it sets itself; the student's text is only text."""
    class Remote:
        __name__ = "forward_propagation"

        def call(self, args, kwargs, names):
            raise error
    with pytest.raises(CheckFailed) as failed:
        checks.check_forward_propagation(Remote())
    assert failed.value.mistake == mistake
    assert REGISTRY[f"forward_propagation.{mistake}"].fits(str(failed.value))


def test_every_check_reports_only_ids_of_its_own_exercise_in_the_registry():
    """The engine turns a name the registry does not know, or any plain
    AssertionError, into <exercise>.unrecognised; a name it knows into the
    exercise's id."""
    check = harness.CHECKS["test_gradient_check_n"]
    assert check.exercise == "gradient_check_n"
    assert check.mistakes == frozenset(REGISTRY.ids("gradient_check_n"))
    assert check.mistake_id(CheckFailed("m", "weights_only")) == "gradient_check_n.weights_only"
    assert check.mistake_id(AssertionError("gradient_check_n.weights_only")) == \
        "gradient_check_n.unrecognised"
    with pytest.warns(UserWarning, match="not in the course's registry"):
        assert check.mistake_id(CheckFailed("m", "relative_step")) == "gradient_check_n.unrecognised"
    assert check.mistake_id(CheckFailed("m", "../../etc")) == "gradient_check_n.unrecognised"


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
