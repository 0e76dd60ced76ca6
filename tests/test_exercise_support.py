"""exercise_support: placeholders are found, substitutions are undone."""

import sys

import pytest

from conftest import SOURCE_NOTEBOOK

sys.path.insert(0, str(SOURCE_NOTEBOOK.parent))
import exercise_support  # noqa: E402

UNFINISHED = '''
def gradient_check(x, theta, epsilon=1e-7):
    # x = None here is only a comment
    ### START CODE HERE ### (approx. 2 lines)
    thetaplus = None  # Step 1
    thetaplus[i], _ = None
    ### END CODE HERE ###
    other = None
    return thetaplus
'''


def define(code):
    """Define functions from code whose source inspect can read back."""
    import linecache
    filename = f"<cell-{abs(hash(code))}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {}
    exec(compile(code, filename, "exec"), namespace)
    return namespace


def test_placeholders_are_the_none_lines_between_the_markers_only():
    ns = define(UNFINISHED)
    assert exercise_support.unfinished_lines(ns["gradient_check"]) == [
        "thetaplus = None  # Step 1", "thetaplus[i], _ = None"]


def test_a_finished_exercise_has_no_placeholders():
    ns = define(UNFINISHED.replace("thetaplus = None", "thetaplus = theta + epsilon")
                .replace("thetaplus[i], _ = None", "thetaplus[i], _ = 1, 2"))
    assert exercise_support.unfinished_exercises(ns) == {}


def test_explanation_names_the_unfinished_exercise_the_error_came_from():
    ns = define(UNFINISHED)
    try:
        ns["gradient_check"](1, 2)
    except TypeError as error:
        message = exercise_support.explain_unfinished(error, error.__traceback__, ns)
    assert "`gradient_check` is not finished yet" in message
    assert "thetaplus = None  # Step 1" in message


def test_errors_unrelated_to_unfinished_exercises_are_left_alone():
    ns = define(UNFINISHED)
    cell = define("def other_cell():\n    return 1 / 0\n")
    try:
        cell["other_cell"]()
    except ZeroDivisionError as error:
        # in IPython the traceback starts at the cell; skip this test's frame
        cell_traceback = error.__traceback__.tb_next
        assert exercise_support.explain_unfinished(error, cell_traceback, ns) is None


def test_substitute_rebinds_names_and_puts_everything_back_even_after_an_error():
    ns = define("def f():\n    return g()\n\ndef g():\n    return 'mine'\n")
    with pytest.raises(RuntimeError):
        with exercise_support.substitute(ns["f"], g=lambda: "known", h=1):
            assert ns["f"]() == "known"
            raise RuntimeError
    assert ns["f"]() == "mine" and "h" not in ns


def test_half_square_cost_has_the_parameters_as_its_gradient():
    import numpy as np
    cost, cache = exercise_support.half_square_cost(None, None, {"a": np.array([3.0, 4.0])})
    assert cost == 12.5 and cache is None
