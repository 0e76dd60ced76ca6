"""The self-study reader's check: ./course check NOTEBOOK grades a filled
notebook with the hidden tests and prints a per-exercise table."""

import nbformat

from conftest import RELEASE_NOTEBOOK, gradekit_command
from gccourse import course, selfcheck, submissions


def filled(tmp_path, name):
    release = nbformat.read(RELEASE_NOTEBOOK, as_version=4)
    path = tmp_path / f"{name}.ipynb"
    answers = submissions.load(course.DEMO_STUDENTS / f"{name}.py")
    nbformat.write(submissions.fill(release, answers), path)
    return path


def run_check(path):
    return gradekit_command("check", str(path))


def test_a_complete_notebook_passes_every_exercise(tmp_path):
    result = run_check(filled(tmp_path, "complete"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for exercise in ("forward_propagation", "backward_propagation", "gradient_check",
                     "gradient_check_n", "difference_per_parameter", "backward_propagation_n"):
        assert any(line.startswith(exercise + " ") and line.endswith("passed") for line in lines)
    assert lines[-1].split() == ["total", "20", "/", "20"]


def test_a_wrong_notebook_shows_each_failure_message_but_no_hidden_code(tmp_path):
    results = selfcheck.check(filled(tmp_path, "partly_wrong"))
    table = {name: (earned, points, message) for name, earned, points, message in results}
    assert table["forward_propagation"][0] == 0
    assert "forward_propagation(2, 4) returned 6; J = theta * x is 8" in table["forward_propagation"][2]
    assert "one-sided difference" in table["gradient_check_n"][2]
    assert table["gradient_check"] == (4, 4, "")
    assert sum(earned for _, earned, _, _ in results) == 5
    printed = run_check(filled(tmp_path, "partly_wrong")).stdout
    for secret in ("BEGIN HIDDEN TESTS", "gccourse", "check_forward_propagation", "import "):
        assert secret not in printed


def test_a_file_that_is_not_a_notebook_is_a_clear_error(tmp_path):
    path = tmp_path / "Gradient_Checking.ipynb"
    path.write_text("{ not json")
    result = run_check(path)
    assert result.returncode == 2
    assert "not a readable notebook" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_control_group_a_student_can_still_check_their_own_work(tmp_path, monkeypatch):
    """On a student's own machine no control group may be offered: the
    self-check then grades in the sandbox without the whole-submission
    limits, instead of refusing."""
    from gradekit import limits

    def nowhere(*args, **kwargs):
        raise limits.LimitsUnavailable("no control group can be made (test)")
    monkeypatch.setattr(limits, "hierarchy", nowhere)
    monkeypatch.setattr(limits, "_PROBED", set())
    results = selfcheck.check(filled(tmp_path, "complete"))
    assert results and all(earned == points for _, earned, points, _ in results), results
