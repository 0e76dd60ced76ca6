"""Hidden tests for Gradient_Checking.ipynb.

Every check takes the student's function and raises AssertionError with a
plain-language message when it misbehaves, a CheckFailed naming the
mistake it recognised (its id is in gccourse.mistakes, the course's one
registry of them); each is registered under the grade_id of the test cell
it grades (gradekit.harness). The names the student's function
looks up while it runs (``forward_propagation``, ``dictionary_to_vector``,
...) are bound to stand-ins (studentside.standins.gradient_checking) for the duration of the
call, so a mistake in one exercise costs points in that exercise only.
"""

import copy

import numpy as np

from gradekit.harness import CheckFailed, call as _call, real as _real, register as _register
from studentside.standins import spec

from . import reference as ref
from .mistakes import REGISTRY, words


def register(grade_id, function):
    return _register(grade_id, function, mistakes=REGISTRY)

THRESHOLD = ref.THRESHOLD
RECOMMENDED_EPSILON = ref.RECOMMENDED_EPSILON
_cubic_forward, _cubic_backward = ref.cubic_forward, ref.cubic_backward
_linear_backward = ref.linear_backward


def S(name, *args):
    """The spec of one of this course's stand-ins (studentside.standins)."""
    return spec("gradient_checking", name, *args)


ND_HELPERS = {
    "dictionary_to_vector": S("roll_with_keys"),
    "vector_to_dictionary": S("unroll"),
    "gradients_to_vector": S("roll_gradients"),
}


def _number(value, call):
    """The student's result as a float, or a failure saying why not."""
    if value is None:
        raise CheckFailed(f"{call} returned None: did you forget to return "
                          "the difference, or leave a placeholder?", "returned_none")
    number = _real(value)
    if number is None:
        if isinstance(value, np.ndarray) or isinstance(value, (list, tuple)):
            raise CheckFailed(
                f"{call} should return one number, the relative difference, but it "
                f"returned {type(value).__name__} with shape {np.shape(value)}: take "
                "the norm of the whole difference vector, not of each entry", "returned_an_array")
        kind = getattr(value, "type_name", type(value).__name__)  # wire.Opaque
        raise CheckFailed(f"{call} returned a {kind}, which is not a number",
                          "returned_a_non_number")
    if not np.isfinite(number):
        raise CheckFailed(f"{call} returned {number}: check the denominator",
                          "returned_nan_or_infinity")
    return number


def _close(actual, expected, rtol):
    return abs(actual - expected) <= rtol * abs(expected)


def _relative(grad, approx):
    grad, approx = np.asarray(grad, float), np.asarray(approx, float)
    return float(np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx)))


def _difference_variants(grad, approx):
    """What the usual ways of getting formula (2) wrong return: a list of
    (mistake, result)."""
    grad, approx = np.asarray(grad, float), np.asarray(approx, float)
    numerator = np.linalg.norm(grad - approx)
    return [
        ("no_denominator", float(numerator)),
        ("norm_of_the_sum", float(numerator / np.linalg.norm(grad + approx))),
        ("squared_norms", float(numerator ** 2 / (np.linalg.norm(grad) ** 2
                                                  + np.linalg.norm(approx) ** 2))),
        ("returns_gradapprox", float(np.linalg.norm(approx))),
    ]


def _mistake(function, name):
    """The failure for the diagnosed mistake ``name`` (gccourse.mistakes)."""
    return CheckFailed(f"{function}: {words(name)}", name)


def _no_constant_answer(function, results):
    """Fail when different inputs all gave one and the same result (other
    than 0 or 1, which mistakes in the computation itself produce)."""
    if len(results) > 1 and len(set(results)) == 1 and results[0] not in (0, 1):
        raise _mistake(function, "hard_coded")


def _diagnose(function, actual, models, situation, expected, advice):
    """Fail with the name of the mistake whose prediction matches ``actual``.

    Arguments:
    function -- str, the student's function's name
    actual -- float, what it returned
    models -- list of (mistake, what that mistake would have returned); a
              mistake may come more than once (two ways of making it)
    situation -- str, the case that was run, for the fallback message
    expected -- float, the right answer there
    advice -- str, what to check when no mistake matches
    """
    if actual == 0:
        raise _mistake(function, "grad_is_gradapprox")
    matches = [(abs(actual - predicted) / abs(predicted), mistake)
               for mistake, predicted in models
               if predicted and np.isfinite(predicted) and _close(actual, predicted, 2e-3)]
    if matches:
        raise _mistake(function, min(matches, key=lambda match: match[0])[1])
    raise CheckFailed(
        f"{situation} the relative difference should be {expected:.6g}, but {function} "
        f"gave {actual:.6g}: {advice}", "unrecognised")


# ---------------------------------------------------------------- 1-D part

@register("test_forward_propagation", function="forward_propagation")
def check_forward_propagation(forward_propagation):
    """J = theta * x for fresh numbers, including negative ones and zero."""
    rng = np.random.default_rng(11)
    cases = [(2.0, 4.0), (0.0, 3.0), (-1.5, 2.0)] + [
        tuple(rng.normal(scale=5, size=2)) for _ in range(5)]
    for x, theta in cases:
        J = _number(_call(forward_propagation, (x, theta)),
                    f"forward_propagation({x:.4g}, {theta:.4g})")
        if not (_close(J, theta * x, 1e-12) or J == theta * x):
            raise CheckFailed(f"forward_propagation({x:.4g}, {theta:.4g}) returned {J:.6g}; "
                              f"J = theta * x is {theta * x:.6g}", "unrecognised")


@register("test_backward_propagation", function="backward_propagation")
def check_backward_propagation(backward_propagation):
    """dJ/dtheta = x, whatever theta is."""
    rng = np.random.default_rng(12)
    for x, theta in [(2.0, 4.0), (-3.0, 0.5)] + [
            tuple(rng.normal(scale=5, size=2)) for _ in range(5)]:
        dtheta = _number(_call(backward_propagation, (x, theta)),
                         f"backward_propagation({x:.4g}, {theta:.4g})")
        if not _close(dtheta, x, 1e-12):
            raise CheckFailed(
                f"backward_propagation({x:.4g}, {theta:.4g}) returned {dtheta:.6g}; "
                f"the derivative of J = theta * x with respect to theta is x = {x:.6g}",
                "unrecognised")


def _gradient_check_1d(gradient_check, x, theta, epsilon, forward, backward):
    call = f"gradient_check({x}, {theta}, epsilon={epsilon:g})"
    result = _call(gradient_check, (x, theta), {"epsilon": epsilon, "print_msg": False},
                   {"forward_propagation": forward, "backward_propagation": backward})
    return _number(result, call)


def _one_d_models(x, theta, epsilon):
    """What the recognisable 1-D mistakes return for J = x * theta**3."""
    f, b = _cubic_forward, _cubic_backward
    grad = b(x, theta)
    up, down, here = f(x, theta + epsilon), f(x, theta - epsilon), f(x, theta)
    centred = (up - down) / (2 * epsilon)
    tiny = 1e-7
    return [
        ("one_sided_difference", _relative(grad, (up - here) / epsilon)),
        ("divides_by_epsilon", _relative(grad, (up - down) / epsilon)),
        ("operator_precedence", _relative(grad, (up - down) / 2 * epsilon)),
        ("cost_not_perturbed", 1.0),
        ("backward_at_shifted_theta", _relative(b(x, theta + epsilon), centred)),
        ("relative_step", _relative(grad, (f(x, theta * (1 + epsilon)) - f(x, theta * (1 - epsilon)))
                                    / (2 * epsilon))),
        ("ignores_epsilon", _relative(grad, (f(x, theta + tiny) - f(x, theta - tiny)) / (2 * tiny))),
        ("thetaminus_not_a_fresh_copy", _relative(grad, (up - here) / (2 * epsilon))),
        *_difference_variants(grad, centred),
    ]


@register("test_gradient_check", function="gradient_check")
def check_gradient_check(gradient_check):
    """Centred difference and relative difference, on functions whose answer
    is known exactly, at several steps; independent of the student's own
    forward_propagation and backward_propagation."""
    # J = x theta^3: the centred difference is off by exactly x eps^2, so the
    # relative difference must be eps^2 / (6 theta^2 + eps^2).
    runs = []
    for x, theta in [(1.3, 1.7), (-0.8, 2.5), (2.2, -0.6)]:
        for epsilon in (1e-3, 2e-3):
            expected = epsilon ** 2 / (6 * theta ** 2 + epsilon ** 2)
            actual = _gradient_check_1d(gradient_check, x, theta, epsilon,
                                        S("cubic_forward"), S("cubic_backward"))
            runs.append((x, theta, epsilon, expected, actual))
    _no_constant_answer("gradient_check", [run[-1] for run in runs])
    for x, theta, epsilon, expected, actual in runs:
        if not _close(actual, expected, 1e-3):
            _diagnose("gradient_check", actual, _one_d_models(x, theta, epsilon),
                      f"for J = x * theta**3 with x = {x}, theta = {theta} and "
                      f"epsilon = {epsilon:g}", expected,
                      "check gradapprox = (J_plus - J_minus) / (2 * epsilon) and "
                      "difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||)")

    # A backward pass that is wrong must score high: twice the true slope
    # gives exactly 1/3, any slope of the wrong sign exactly 1.
    for factor, expected, what in [
            (2, 1 / 3, "twice the true gradient"),
            (-2, 1.0, "twice the true gradient with the wrong sign")]:
        actual = _gradient_check_1d(gradient_check, 1.5, -2.0, 1e-4, S("linear_forward"),
                                    S("scaled_linear_backward", factor))
        if not _close(actual, expected, 1e-6):
            grad, approx = factor * _linear_backward(1.5, -2.0), _linear_backward(1.5, -2.0)
            _diagnose("gradient_check", actual, _difference_variants(grad, approx),
                      f"when the backward pass returns {what}", expected,
                      "check the denominator, ||grad|| + ||gradapprox||")

    # The default step is 1e-7 and the published case stays far below 1e-7.
    with_default = _number(
        _call(gradient_check, (2, 4), {},
              {"forward_propagation": S("linear_forward"),
               "backward_propagation": S("linear_backward")}),
        "gradient_check(2, 4)")
    if not with_default < 1e-9:
        raise CheckFailed(f"gradient_check(2, 4) with J = theta * x returned {with_default:.3g}; "
                          "a correct check gives about 3e-10 there", "wrong_default_step")


# ---------------------------------------------------------------- N-D part

def _gradient_check_n(gradient_check_n, forward, parameters, gradients, epsilon=None):
    kwargs = {"print_msg": False}
    if epsilon is not None:
        kwargs["epsilon"] = epsilon
    X, Y = np.zeros((4, 3)), np.zeros((1, 3))
    names = dict(ND_HELPERS, forward_propagation_n=forward)
    result = _call(gradient_check_n, (parameters, gradients, X, Y), kwargs, names)
    return _number(result, f"gradient_check_n(..., epsilon={epsilon})")


def _unchanged(before, after, what, function):
    for key, value in before.items():
        if not (key in after and np.array_equal(np.asarray(after[key]), value)):
            raise CheckFailed(f"the {what} you were given changed after the call ({key} is "
                              f"different): {function} must work on copies, e.g. np.copy(...)",
                              "changes_its_inputs")


def _n_d_models(cost, epsilon):
    """What the recognisable N-D mistakes return for a CubicCost."""
    theta, grad = cost.theta, cost.gradient()

    def J(vector):
        return cost(None, None, ref.unroll(vector))[0]

    def nudged(i, step, base=theta):
        vector = base.copy()
        vector[i] += step
        return vector

    n = theta.shape[0]
    here = J(theta)
    up = np.array([J(nudged(i, epsilon)) for i in range(n)]).reshape(-1, 1)
    down = np.array([J(nudged(i, -epsilon)) for i in range(n)]).reshape(-1, 1)
    centred = (up - down) / (2 * epsilon)
    single = theta.astype(np.float32)
    step32 = np.float32(epsilon)
    rounded = np.array([(J(nudged(i, step32, single).astype(np.float32))
                         - J(nudged(i, -step32, single).astype(np.float32))) / (2 * step32)
                        for i in range(n)]).reshape(-1, 1)
    whole = np.full_like(theta, (J(theta + epsilon) - J(theta - epsilon)) / (2 * epsilon))
    weights_only = centred.copy()
    for name, (start, stop) in ref.offsets().items():
        if name.startswith("b"):
            weights_only[start:stop] = 0
    tiny = 1e-7
    ignoring = np.array([(J(nudged(i, tiny)) - J(nudged(i, -tiny))) / (2 * tiny)
                         for i in range(n)]).reshape(-1, 1)
    models = [
        ("one_sided_difference", _relative(grad, (up - here) / epsilon)),
        ("divides_by_epsilon", _relative(grad, (up - down) / epsilon)),
        ("operator_precedence", _relative(grad, (up - down) / 2 * epsilon)),
        ("cost_not_perturbed", 1.0),
        ("thetaminus_not_a_fresh_copy", _relative(grad, (up - here) / (2 * epsilon))),
        ("every_parameter_at_once", _relative(grad, whole)),
        ("weights_only", _relative(grad, weights_only)),
        ("single_precision", _relative(grad, rounded)),
        ("ignores_epsilon", _relative(grad, ignoring)),
        *_difference_variants(grad, centred),
    ]
    for missing in (0, n - 1):  # the loop starts at 1, or stops one short
        partial = centred.copy()
        partial[missing] = 0
        models.append(("missed_entries", _relative(grad, partial)))
    return models


@register("test_gradient_check_n", function="gradient_check_n")
def check_gradient_check_n(gradient_check_n):
    """Centred differences over all 47 parameters against a cost whose
    gradient and truncation error are known; wrong gradients score high;
    the inputs are left unchanged; the real network passes at the taught
    step and the planted bugs fail."""
    runs = []
    for seed in (21, 22):
        cost = ref.CubicCost(seed)
        parameters, gradients = cost.parameters(), cost.gradients()
        kept_p, kept_g = copy.deepcopy(parameters), copy.deepcopy(gradients)
        for epsilon in (1e-3, 2e-3):
            expected = ref.relative_difference(cost.gradient(), cost.centred(epsilon))
            actual = _gradient_check_n(gradient_check_n, S("cubic_cost", seed), parameters,
                                       gradients, epsilon)
            _unchanged(kept_p, parameters, "parameters", "gradient_check_n")
            _unchanged(kept_g, gradients, "gradients", "gradient_check_n")
            runs.append((cost, epsilon, expected, actual))
    _no_constant_answer("gradient_check_n", [run[-1] for run in runs])
    for cost, epsilon, expected, actual in runs:
        if not _close(actual, expected, 1e-3):
            _diagnose("gradient_check_n", actual, _n_d_models(cost, epsilon),
                      f"on a test cost with a known gradient and epsilon = {epsilon:g}",
                      expected, "perturb one entry at a time, on a fresh copy, by "
                      "+epsilon and -epsilon, and compare all 47 entries")

    # Wrong gradients: spoiling two arrays gives a known, large difference.
    cost = ref.CubicCost(23)
    spoiled = cost.gradients({"dW2": 2, "db1": 4})
    expected = ref.relative_difference(ref.roll(spoiled, "d"), cost.centred(1e-4))
    actual = _gradient_check_n(gradient_check_n, S("cubic_cost", 23), cost.parameters(),
                               spoiled, 1e-4)
    if not _close(actual, expected, 1e-4):
        raise CheckFailed(f"with dW2 doubled and db1 four times too large the relative "
                          f"difference is {expected:.6g}, but gradient_check_n returned "
                          f"{actual:.6g}", "misjudges_wrong_gradients")

    # The real network: correct gradients pass at the taught step, the
    # planted bugs are far above the threshold at the default one.
    for seed in (31, 32):
        X, Y, parameters = ref.random_case(seed)
        gradients = ref.backward(X, Y, ref.forward(X, Y, parameters)[1])
        names = dict(ND_HELPERS, forward_propagation_n=S("reference_forward"))
        good = _number(_call(gradient_check_n, (parameters, gradients, X, Y),
                             {"epsilon": RECOMMENDED_EPSILON, "print_msg": False}, names),
                       "gradient_check_n(...)")
        if not good < THRESHOLD:
            raise CheckFailed(
                f"on a fresh network with correct gradients gradient_check_n returned "
                f"{good:.3g} at epsilon = {RECOMMENDED_EPSILON:g}; it should be below "
                f"{THRESHOLD:g}", "fails_on_a_correct_network")
        bad = _number(_call(gradient_check_n,
                            (parameters, ref.with_planted_bugs(gradients), X, Y),
                            {"print_msg": False}, names),
                      "gradient_check_n(...)")
        if not bad > 1e-2:
            raise CheckFailed(f"with the two planted bugs gradient_check_n returned only "
                              f"{bad:.3g} on a fresh network", "misses_the_planted_bugs")


@register("test_difference_per_parameter", function="difference_per_parameter")
def check_difference_per_parameter(difference_per_parameter):
    """One relative difference per parameter array, keyed W1, b1, ..., b3
    in that order, each matching the known answer; inputs left unchanged."""
    cost = ref.CubicCost(41)
    spoiled = cost.gradients({"dW2": 2, "db1": 4, "db3": -1})
    parameters = cost.parameters()
    kept_p, kept_g = copy.deepcopy(parameters), copy.deepcopy(spoiled)
    names = dict(ND_HELPERS, forward_propagation_n=S("cubic_cost", 41))
    X, Y = np.zeros((4, 3)), np.zeros((1, 3))
    epsilon = 1e-3
    report = _call(difference_per_parameter, (parameters, spoiled, X, Y),
                   {"epsilon": epsilon}, names)
    _unchanged(kept_p, parameters, "parameters", "difference_per_parameter")
    _unchanged(kept_g, spoiled, "gradients", "difference_per_parameter")
    if not isinstance(report, dict):
        raise CheckFailed(f"difference_per_parameter should return a dict, not "
                          f"{type(report).__name__}", "not_a_dict")
    report = {key: dict.__getitem__(report, key) for key in dict.keys(report)}
    keys, names = list(report), list(ref.NAMES)
    if keys != names:
        raise CheckFailed(
            f"the report's keys should be {names} in that order, but they are {keys}",
            "keys_in_the_wrong_order" if sorted(map(str, keys)) == sorted(names) else
            "keyed_by_gradient_names" if sorted(map(str, keys)) == sorted("d" + n for n in names)
            else "wrong_keys")
    grad, approx = ref.roll(spoiled, "d"), cost.centred(epsilon)
    J = cost(None, None, parameters)[0]
    one_sided = np.array([cost(None, None, ref.unroll(cost.theta + epsilon * np.eye(ref.SIZE)[:, [i]]))[0]
                          for i in range(ref.SIZE)]).reshape(-1, 1)
    one_sided = (one_sided - J) / epsilon
    for name, (start, stop) in ref.offsets().items():
        rows = slice(start, stop)
        expected = ref.relative_difference(grad[rows], approx[rows])
        actual = _number(report[name], f"report[{name!r}]")
        tolerance = 1e-6 if expected > 1e-3 else 1e-3
        if not _close(actual, expected, tolerance):
            _diagnose("difference_per_parameter", actual,
                      [("one_sided_difference", _relative(grad[rows], one_sided[rows])),
                       ("whole_vector_for_each_array", _relative(grad, approx))],
                      f"report[{name!r}] should be the relative difference of the {name} "
                      "entries only:", expected, "use grad[rows] and gradapprox[rows]")


@register("test_backward_propagation_n", function="backward_propagation_n")
def check_backward_propagation_n(backward_propagation_n):
    """Both planted bugs fixed and nothing else changed: the gradients equal
    the true ones on fresh networks and batch sizes."""
    for seed, m in [(51, 1), (52, 3), (53, 8)]:
        X, Y, parameters = ref.random_case(seed, m)
        cache = ref.forward(X, Y, parameters)[1]
        expected = ref.backward(X, Y, cache)
        got = _call(backward_propagation_n, (X, Y, cache))
        if not isinstance(got, dict):
            raise CheckFailed("backward_propagation_n should return a dict", "not_a_dict")
        got = {key: dict.__getitem__(got, key) for key in dict.keys(got)}
        planted = ref.with_planted_bugs(expected)
        wrong, left = [], []   # wrong gradients; those of them that are the planted bug
        for key in ("dW1", "db1", "dW2", "db2", "dW3", "db3"):
            if key not in got:
                raise CheckFailed(f"backward_propagation_n no longer returns {key!r}",
                                  "missing_gradient")
            value = np.array(got[key], dtype=float, subok=False)
            if not _same(value, expected[key]):
                wrong.append(key)
                if key in ("dW2", "db1") and _same(value, planted[key]):
                    left.append(key)
        if wrong:
            raise CheckFailed(
                "the gradient check still disagrees with backward_propagation_n in: "
                + ", ".join(wrong) + f" (on a fresh network with {m} example{'s' * (m != 1)}); "
                "derive those gradients again and compare them with the code",
                _planted_bug_mistake(wrong, left))


def _same(value, expected):
    return value.shape == expected.shape and np.allclose(value, expected, rtol=1e-9, atol=1e-12)


def _planted_bug_mistake(wrong, left):
    """Which mistake of backward_propagation_n leaves the gradients ``wrong``
    (``left``: those of them still exactly the planted bug)."""
    if set(wrong) - {"dW2", "db1"}:
        return "breaks_a_correct_line"
    if set(wrong) != set(left):
        return "planted_bug_fixed_wrongly"
    return {frozenset({"dW2", "db1"}): "both_bugs_left", frozenset({"dW2"}): "dw2_bug_left",
            frozenset({"db1"}): "db1_bug_left"}[frozenset(left)]
