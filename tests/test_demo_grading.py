"""The demo class graded through the real nbgrader autograde: every score is
the one its submission file expects, and the committed results are current."""

import pytest

from conftest import ROOT
from test_release import differing_files
from gccourse import course, submissions

DEMO = submissions.load_all(ROOT / "demo")
FULL_MARKS = {"test_forward_propagation": 1, "test_backward_propagation": 1,
              "test_gradient_check": 4, "test_gradient_check_n": 6,
              "test_difference_per_parameter": 4, "test_backward_propagation_n": 4}


def test_demo_class_has_a_complete_a_partly_wrong_and_an_empty_submission():
    assert [s.name for s in DEMO] == ["complete", "empty", "partly_wrong"]


def test_grade_table_has_every_test_cell_with_its_points(demo_run):
    _, columns, rows = demo_run
    assert columns == list(FULL_MARKS)
    assert all(row["max"] == sum(FULL_MARKS.values()) for row in rows)


@pytest.mark.parametrize("submission", DEMO, ids=lambda s: s.name)
def test_each_demo_submission_earns_exactly_its_expected_score(demo_run, submission):
    _, _, rows = demo_run
    row = next(r for r in rows if r["student"] == submission.name)
    expected = {cell: submission.expected.get(cell, points) for cell, points in FULL_MARKS.items()}
    assert row["scores"] == expected
    assert row["total"] == sum(expected.values())


def test_complete_scores_full_marks_empty_scores_zero_partly_wrong_in_between(demo_run):
    _, _, rows = demo_run
    totals = {row["student"]: row["total"] for row in rows}
    assert totals == {"complete": 20, "empty": 0, "partly_wrong": 5}


@pytest.mark.parametrize("step", ["submitted", "autograded", "feedback", "grading_status"])
def test_committed_demo_results_are_what_the_demo_job_makes(demo_run, step):
    root, _, _ = demo_run
    stale = differing_files(ROOT / step, root / step)
    assert not stale, f"{step}/ is stale, run ./course demo: {stale}"


def test_committed_grade_export_is_what_the_demo_job_makes(demo_run):
    root, _, _ = demo_run
    assert (ROOT / "grades.csv").read_text() == (root / "grades.csv").read_text()


def test_feedback_is_generated_for_every_demo_student(demo_run):
    root, _, _ = demo_run
    for submission in DEMO:
        html = root / "feedback" / submission.name / course.ASSIGNMENT / f"{course.NOTEBOOK}.html"
        assert html.is_file() and "Gradient Checking" in html.read_text()


def test_generated_results_do_not_depend_on_where_the_course_lives(demo_run):
    """Tracebacks used to carry the absolute path of gradekit's checks: the
    committed results then went stale in every other checkout."""
    root, _, _ = demo_run
    for folder in (root, ROOT):
        for step in ("release", "submitted", "autograded", "feedback"):
            for path in (folder / step).rglob("*"):
                if path.is_file():
                    text = path.read_text(encoding="utf-8", errors="replace")
                    assert str(folder) not in text and "site-packages" not in text, path


def test_feedback_shows_messages_and_points_but_never_test_code(demo_run):
    from test_release import _regions
    from conftest import SOURCE_NOTEBOOK, read
    hidden = {line for cell in read(SOURCE_NOTEBOOK).cells
              for line in _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")}
    root, _, _ = demo_run
    page = (root / "feedback" / "partly_wrong" / course.ASSIGNMENT / f"{course.NOTEBOOK}.html").read_text()
    assert hidden and not [line for line in hidden if line in page]
    assert "BEGIN HIDDEN TESTS" not in page and "most recent call last" not in page
    assert "looks like a one-sided difference" in page          # the message
    assert "Check gradient_check_n on J" in page                 # the test's purpose
    assert "is not finished yet" in page                         # the unattempted exercise
