"""The demo class graded through the real nbgrader autograde: every score is
the one its submission file expects, the committed results are current, and
the demo lives in its own course root (demo/), apart from the instructor's
class at the top level."""

import csv
import shutil

import pytest
from nbgrader.api import Gradebook

from conftest import INSTRUCTOR_STUDENT, ROOT, copy_course, gradekit_command, tree_digest
from test_release import differing_files
from gccourse import course, demo, submissions

DEMO = submissions.load_all(course.DEMO_STUDENTS)
NAMES = {s.name for s in DEMO}
DEMO_ROOT = ROOT / course.DEMO
FULL_MARKS = {"test_forward_propagation": 1, "test_backward_propagation": 1,
              "test_gradient_check": 4, "test_gradient_check_n": 6,
              "test_difference_per_parameter": 4, "test_backward_propagation_n": 4}


def test_demo_class_has_a_complete_a_partly_wrong_and_an_empty_submission():
    assert [s.name for s in DEMO] == ["complete", "empty", "partly_wrong"]


def test_grade_table_has_every_test_cell_with_its_points(demo_run):
    columns, rows = demo_run.columns, demo_run.rows
    assert columns == list(FULL_MARKS)
    assert all(row["max"] == sum(FULL_MARKS.values()) for row in rows)


@pytest.mark.parametrize("submission", DEMO, ids=lambda s: s.name)
def test_each_demo_submission_earns_exactly_its_expected_score(demo_run, submission):
    rows = demo_run.rows
    row = next(r for r in rows if r["student"] == submission.name)
    expected = {cell: submission.expected.get(cell, points) for cell, points in FULL_MARKS.items()}
    assert row["scores"] == expected
    assert row["total"] == sum(expected.values())


def test_complete_scores_full_marks_empty_scores_zero_partly_wrong_in_between(demo_run):
    rows = demo_run.rows
    totals = {row["student"]: row["total"] for row in rows}
    assert totals == {"complete": 20, "empty": 0, "partly_wrong": 5}


@pytest.mark.parametrize("step", ["submitted", "autograded", "feedback", "grading_status"])
def test_committed_demo_results_are_what_the_demo_job_makes(demo_run, step):
    stale = differing_files(DEMO_ROOT / step, demo_run.demo / step)
    assert not stale, f"{course.DEMO}/{step}/ is stale, run ./course demo: {stale}"


def test_committed_grade_export_is_what_the_demo_job_makes(demo_run):
    assert (DEMO_ROOT / "grades.csv").read_text() == (demo_run.demo / "grades.csv").read_text()


def test_the_demo_root_holds_its_configuration_its_students_and_what_the_job_makes(demo_run):
    made = {p.name for p in demo_run.demo.iterdir()}
    assert made == {"nbgrader_config.py", course.STUDENTS, *demo.GENERATED}
    committed = {p.name for p in DEMO_ROOT.iterdir()} - {"gradebook.db", "__pycache__"}
    assert committed == made - {"gradebook.db"}


def test_the_demo_shares_the_top_levels_release_and_regenerates_it_identically(demo_run):
    assert not (demo_run.demo / "release").exists() and not (demo_run.demo / "source").exists()
    stale = differing_files(ROOT / "release", demo_run.root / "release")
    assert not stale, f"the demo's release differs from the committed one: {stale}"


def test_feedback_is_generated_for_every_demo_student(demo_run):
    for submission in DEMO:
        html = (demo_run.demo / "feedback" / submission.name / course.ASSIGNMENT
                / f"{course.NOTEBOOK}.html")
        assert html.is_file() and "Gradient Checking" in html.read_text()


def test_generated_results_do_not_depend_on_where_the_course_lives(demo_run):
    """Tracebacks used to carry the absolute path of gradekit's checks: the
    committed results then went stale in every other checkout."""
    for folder in (demo_run.root, ROOT):
        for step in ("release", "demo/submitted", "demo/autograded", "demo/feedback",
                     "demo/grading_status"):
            for path in (folder / step).rglob("*"):
                if path.is_file():
                    text = path.read_text(encoding="utf-8", errors="replace")
                    assert str(folder) not in text and "site-packages" not in text, path


def test_feedback_shows_messages_and_points_but_never_test_code(demo_run):
    from test_release import _regions
    from conftest import SOURCE_NOTEBOOK, read
    hidden = {line for cell in read(SOURCE_NOTEBOOK).cells
              for line in _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")}
    page = (demo_run.demo / "feedback" / "partly_wrong" / course.ASSIGNMENT
            / f"{course.NOTEBOOK}.html").read_text()
    assert hidden and not [line for line in hidden if line in page]
    assert "BEGIN HIDDEN TESTS" not in page and "most recent call last" not in page
    assert "looks like a one-sided difference" in page          # the message
    assert "Check gradient_check_n on J" in page                 # the test's purpose
    assert "is not finished yet" in page                         # the unattempted exercise


# ---------------------------------------------------------------- the instructor's class

def students_in_gradebook(root):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return sorted(student.id for student in gradebook.students)


def test_the_demo_leaves_the_instructors_course_root_untouched(demo_run):
    """Every file of the top-level root (but the shared release/, which the
    demo regenerates) is byte for byte what it was before ./course demo."""
    after = tree_digest(demo_run.root, skip=("release", course.DEMO))
    added = sorted(set(after) - set(demo_run.instructor_before))
    before = demo_run.instructor_before
    changed = sorted(p for p in before if after.get(p) != before[p])
    assert not added and not changed, f"the demo added {added} and changed {changed}"


def test_no_demo_student_is_in_the_instructors_class(demo_run):
    root = demo_run.root
    for step in ("submitted", "autograded", "feedback"):
        found = {p.name for p in (root / step).iterdir()} if (root / step).exists() else set()
        assert not found & NAMES, f"{step}/ holds demo students {found & NAMES}"
    assert {p.name for p in (root / "submitted").iterdir()} == {INSTRUCTOR_STUDENT}
    statuses = root / "grading_status" / course.ASSIGNMENT
    assert not statuses.exists() or not {p.stem for p in statuses.iterdir()} & NAMES
    assert not set(students_in_gradebook(root)) & NAMES
    assert not (root / "grades.csv").exists()
    # while the demo's own root has them all
    assert students_in_gradebook(demo_run.demo) == sorted(NAMES)


def test_grading_the_instructors_class_grades_and_exports_only_its_students(tmp_path):
    """./course grade on the top level, with the committed demo class in
    demo/: only the instructor's one student is graded and exported, and
    demo/ is left as it was."""
    root = copy_course(tmp_path / "course")
    for name in demo.GENERATED:
        path = DEMO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, root / course.DEMO / name)
        elif path.exists():
            shutil.copy(path, root / course.DEMO / name)
    demo_before = tree_digest(root / course.DEMO)
    complete = submissions.load(course.DEMO_STUDENTS / "complete.py")
    submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, complete, "alice")

    result = gradekit_command("grade", "--course", str(root), "--workers", "1")
    assert result.returncode == 0, result.stdout + result.stderr

    with open(root / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["student_id"], r["raw_score"], r["status"]) for r in rows] == \
        [("alice", "20.0", "graded")]
    assert students_in_gradebook(root) == ["alice"]
    for step in ("submitted", "autograded", "feedback"):
        assert [p.name for p in (root / step).iterdir()] == ["alice"], step
    assert sorted(p.name for p in (root / "grading_status" / course.ASSIGNMENT).iterdir()) == \
        ["_run.json", "alice.json"]  # the student's record, and the run's totals
    with open(root / "reports" / course.ASSIGNMENT / "students.csv", newline="") as handle:
        assert {row["student_id"] for row in csv.DictReader(handle)} == {"alice"}
    assert tree_digest(root / course.DEMO) == demo_before, "grading the class changed demo/"


def test_course_grade_grades_the_top_level_unless_told_the_demo(monkeypatch):
    """Which root `./course grade` and `./course demo` act on, without
    grading anything: the top level by default, demo/ when asked."""
    import inspect
    from types import SimpleNamespace

    from gccourse import cli
    assert inspect.signature(demo.run).parameters["root"].default == ROOT  # it acts on ROOT/demo
    graded, demos = [], []
    monkeypatch.setattr(cli.grading, "run", lambda root, *a, **k: graded.append(root)
                        or SimpleNamespace(interrupted=False))
    monkeypatch.setattr(cli.demo, "run", lambda *a, **k: demos.append((a, k)))
    assert cli.main(["grade"]) == 0 and cli.main(["grade", "--course", "demo"]) == 0
    assert graded == [str(ROOT), "demo"]
    assert cli.main(["demo"]) == 0 and demos == [((), {})]
