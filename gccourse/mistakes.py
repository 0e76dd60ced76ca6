"""Every mistake the course's hidden checks (gccourse.checks) can diagnose.

This is the one registry of the course's mistake ids (gradekit.mistakes):
for each id, its exercise, a description for the instructor and the
message the student is shown (``…`` where the case's numbers and names
go). The checks take the words of a diagnosed mistake from here
(``words``), so what a student reads and what the class report shows are
one text. An id is ``<exercise>.<name>``; the exercises are the student's
functions, graded by the test cells ``test_<exercise>``.
"""

from gradekit.mistakes import Mistake, Registry

EXERCISES = ["forward_propagation", "backward_propagation", "gradient_check",
             "gradient_check_n", "difference_per_parameter", "backward_propagation_n"]

#: Mistakes recognised by comparing the student's result with what the
#: mistake would return: name -> (description, the student's words). The
#: student sees "<function>: <words>".
DIAGNOSED = {
    "one_sided_difference": (
        "one-sided difference (J(theta + eps) - J(theta)) / eps instead of the centred one",
        "your difference shrinks like epsilon, not epsilon squared: this looks like a one-sided "
        "difference; use (J(theta + eps) - J(theta - eps)) / (2 eps)"),
    "divides_by_epsilon": (
        "divides J_plus - J_minus by epsilon instead of 2 * epsilon",
        "gradapprox comes out twice the derivative: divide J_plus - J_minus by 2 * epsilon, "
        "not by epsilon"),
    "operator_precedence": (
        "(J_plus - J_minus) / 2 * epsilon: multiplies by epsilon instead of dividing",
        "gradapprox comes out far too small: (J_plus - J_minus) / 2 * epsilon multiplies by "
        "epsilon; write (J_plus - J_minus) / (2 * epsilon)"),
    "cost_not_perturbed": (
        "J_plus and J_minus are the same cost (the perturbed values are never used, or theta + "
        "epsilon on both sides), so gradapprox is 0",
        "J_plus and J_minus came out equal, so gradapprox is 0: evaluate the cost at theta + "
        "epsilon and at theta - epsilon, using the perturbed values"),
    "grad_is_gradapprox": (
        "compares gradapprox with itself: grad taken from gradapprox, not from the backward pass",
        "the difference is exactly 0 where the centred difference is not exact: grad must come "
        "from the backward pass, not be gradapprox"),
    "no_denominator": (
        "returns ||grad - gradapprox|| without dividing by ||grad|| + ||gradapprox||",
        "your result is ||grad - gradapprox|| alone: divide it by ||grad|| + ||gradapprox||"),
    "norm_of_the_sum": (
        "divides by ||grad + gradapprox|| instead of ||grad|| + ||gradapprox||",
        "your denominator looks like ||grad + gradapprox||; formula (2) uses "
        "||grad|| + ||gradapprox||"),
    "squared_norms": (
        "squared norms in the numerator and the denominator",
        "your result looks like it uses squared norms; formula (2) uses the norms themselves"),
    "returns_gradapprox": (
        "returns (the norm of) gradapprox instead of the relative difference",
        "the function returned gradapprox, not the relative difference"),
    "backward_at_shifted_theta": (
        "takes grad from the backward pass at theta + epsilon instead of theta",
        "grad must be the backward pass at theta itself, not at theta + epsilon"),
    "relative_step": (
        "nudges theta by theta * epsilon instead of epsilon",
        "you nudge theta by theta * epsilon, not by epsilon: use theta + epsilon and "
        "theta - epsilon"),
    "ignores_epsilon": (
        "ignores its epsilon argument (a fixed step of its own)",
        "the result does not change with epsilon: the function ignores its epsilon argument "
        "(use the epsilon it is given)"),
    "thetaminus_not_a_fresh_copy": (
        "J_minus evaluated at theta: thetaminus is not a fresh copy (aliased to thetaplus or "
        "the original vector)",
        "J_minus was evaluated at theta itself: thetaminus must be a fresh copy of "
        "parameters_values (np.copy), not thetaplus or the original vector"),
    "every_parameter_at_once": (
        "perturbs the whole vector at once instead of one entry at a time",
        "gradapprox is the same for every entry: perturb one entry at a time, not the whole "
        "vector"),
    "missed_entries": (
        "the loop skips an entry of gradapprox (range starts at 1 or stops one short)",
        "some entries of gradapprox were never computed: loop over all num_parameters entries "
        "(check the loop's range)"),
    "weights_only": (
        "checks only the weights' entries, never the biases'",
        "the biases' entries of gradapprox were never computed: every parameter, W and b, has "
        "to be checked"),
    "single_precision": (
        "the copies are cast to float32",
        "your numbers look rounded to single precision (float32): keep the copies in float64, "
        "np.copy does"),
    "whole_vector_for_each_array": (
        "gives every array the relative difference of the whole vector",
        "each value should be the relative difference of that array's entries only (grad[rows] "
        "and gradapprox[rows]), not of the whole vector"),
    "hard_coded": (
        "returns the same number for every input (a published value copied in)",
        "the function returns the same number whatever it is given: compute the difference, "
        "don't copy a published value"),
}

#: What a result that is not one finite number is diagnosed as:
#: name -> (description, message)
NOT_A_NUMBER = {
    "returned_none": ("returned None (no return, or a placeholder left in)",
                      "… returned None: did you forget to return the difference, or leave a "
                      "placeholder?"),
    "returned_an_array": ("returned an array or a list where one number is expected",
                          "… should return one number, the relative difference, but it returned "
                          "… with shape …: take the norm of the whole difference vector, not of "
                          "each entry"),
    "returned_a_non_number": ("returned something that is not a number",
                              "… returned a …, which is not a number"),
    "returned_nan_or_infinity": ("returned nan or an infinity",
                                 "… returned …: check the denominator"),
}

CHANGES_INPUTS = ("changes the dictionaries it is given (no copies)",
                  "the … you were given changed after the call (… is different): … must work on "
                  "copies, e.g. np.copy(...)")

#: The check's own account when no known mistake matches, per exercise.
UNRECOGNISED = {
    "forward_propagation": "forward_propagation(…, …) returned …; J = theta * x is …",
    "backward_propagation": "backward_propagation(…, …) returned …; the derivative of J = "
                            "theta * x with respect to theta is x = …",
    "gradient_check": "… the relative difference should be …, but gradient_check gave …: …",
    "gradient_check_n": "… the relative difference should be …, but gradient_check_n gave …: …",
    "difference_per_parameter": "report[…] should be the relative difference of the … entries "
                                "only: the relative difference should be …, but "
                                "difference_per_parameter gave …: use grad[rows] and "
                                "gradapprox[rows]",
}

#: The rest, per exercise: name -> (description, message); a name of
#: DIAGNOSED or NOT_A_NUMBER maps to None (its text is above).
OWN = {
    "forward_propagation": {**dict.fromkeys(NOT_A_NUMBER)},
    "backward_propagation": {**dict.fromkeys(NOT_A_NUMBER)},
    "gradient_check": {
        **dict.fromkeys(NOT_A_NUMBER),
        **dict.fromkeys(["hard_coded", "one_sided_difference", "divides_by_epsilon",
                         "operator_precedence", "cost_not_perturbed", "grad_is_gradapprox",
                         "backward_at_shifted_theta", "relative_step", "ignores_epsilon",
                         "thetaminus_not_a_fresh_copy", "no_denominator", "norm_of_the_sum",
                         "squared_norms", "returns_gradapprox"]),
        "wrong_default_step": (
            "right at the steps it is given, wrong with its default step (epsilon=1e-7 changed?)",
            "gradient_check(2, 4) with J = theta * x returned …; a correct check gives about "
            "3e-10 there"),
    },
    "gradient_check_n": {
        **dict.fromkeys(NOT_A_NUMBER),
        "changes_its_inputs": CHANGES_INPUTS,
        **dict.fromkeys(["hard_coded", "one_sided_difference", "divides_by_epsilon",
                         "operator_precedence", "cost_not_perturbed",
                         "thetaminus_not_a_fresh_copy", "every_parameter_at_once",
                         "weights_only", "single_precision", "ignores_epsilon", "missed_entries",
                         "no_denominator", "norm_of_the_sum", "squared_norms",
                         "returns_gradapprox", "grad_is_gradapprox"]),
        "misjudges_wrong_gradients": (
            "with gradients known to be wrong, not the known relative difference",
            "with dW2 doubled and db1 four times too large the relative difference is …, but "
            "gradient_check_n returned …"),
        "fails_on_a_correct_network": (
            "above the threshold on a real network with correct gradients",
            "on a fresh network with correct gradients gradient_check_n returned … at epsilon "
            "= …; it should be below …"),
        "misses_the_planted_bugs": (
            "does not flag the planted bugs on a real network",
            "with the two planted bugs gradient_check_n returned only … on a fresh network"),
    },
    "difference_per_parameter": {
        "changes_its_inputs": CHANGES_INPUTS,
        "not_a_dict": ("the report is not a dict",
                       "difference_per_parameter should return a dict, not …"),
        "keyed_by_gradient_names": (
            "the report keyed by the gradients' names (dW1, db1, ...) instead of W1, b1, ...",
            "the report's keys should be […] in that order, but they are …"),
        "keys_in_the_wrong_order": (
            "the right keys, in another order than W1, b1, ..., b3",
            "the report's keys should be […] in that order, but they are …"),
        "wrong_keys": ("the report's keys are not W1, b1, ..., b3",
                       "the report's keys should be […] in that order, but they are …"),
        **dict.fromkeys(NOT_A_NUMBER),
        **dict.fromkeys(["one_sided_difference", "whole_vector_for_each_array",
                         "grad_is_gradapprox"]),
    },
    "backward_propagation_n": {
        "not_a_dict": ("the gradients are not a dict",
                       "backward_propagation_n should return a dict"),
        "missing_gradient": ("a gradient is missing from the returned dict",
                             "backward_propagation_n no longer returns …"),
        "both_bugs_left": (
            "neither planted bug fixed (dW2 still doubled, db1 still four times too large)",
            "the gradient check still disagrees with backward_propagation_n in: db1, dW2 (…); "
            "derive those gradients again and compare them with the code"),
        "dw2_bug_left": (
            "db1 fixed, but dW2 still doubled",
            "the gradient check still disagrees with backward_propagation_n in: dW2 (…); "
            "derive those gradients again and compare them with the code"),
        "db1_bug_left": (
            "dW2 fixed, but db1 still four times too large",
            "the gradient check still disagrees with backward_propagation_n in: db1 (…); "
            "derive those gradients again and compare them with the code"),
        "planted_bug_fixed_wrongly": (
            "dW2 or db1 changed, but still wrong (not the planted bug, not the right gradient)",
            "the gradient check still disagrees with backward_propagation_n in: … (…); derive "
            "those gradients again and compare them with the code"),
        "breaks_a_correct_line": (
            "a gradient that was right (not dW2 or db1) is wrong now",
            "the gradient check still disagrees with backward_propagation_n in: … (…); derive "
            "those gradients again and compare them with the code"),
    },
}


def _entries():
    for exercise in EXERCISES:
        for name, text in OWN[exercise].items():
            if text is None and name in DIAGNOSED:
                description, words = DIAGNOSED[name]
                text = (description, f"{exercise}: {words}")
            elif text is None:
                text = NOT_A_NUMBER[name]
            yield Mistake(f"{exercise}.{name}", exercise, *text)
        if exercise in UNRECOGNISED:  # (else the engine's own wording)
            yield Mistake(f"{exercise}.unrecognised", exercise,
                          "failed in a way no known mistake matches", UNRECOGNISED[exercise])


REGISTRY = Registry({exercise: f"test_{exercise}" for exercise in EXERCISES}, _entries())


def words(name):
    """What the student is told for the diagnosed mistake ``name``."""
    return DIAGNOSED[name][1]
