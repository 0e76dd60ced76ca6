"""Grade your own notebook, as the instructor's grader would, and see why.

``./course check path/to/Gradient_Checking.ipynb`` copies the course into a
temporary folder, hands the notebook in there as student ``you``, and
grades it with the course's own pipeline (sandbox, hidden tests, trusted
regrade; gradekit.grading.grade_one). It prints one line per exercise: the
points earned and, for a test that failed, its message. The hidden tests'
code is never printed, only what a failing test says.
"""

import shutil
import tempfile
from pathlib import Path

import nbformat

from gradekit import grading, report
from gradekit.limits import LimitsUnavailable

from . import course, submissions
from .catalogue import failure_message
from .demo import new_course

STUDENT = "you"


def check(notebook):
    """Grade ``notebook`` (a path); returns a list of (exercise, earned,
    points, message) in notebook order, and raises FileNotFoundError or
    ValueError for a file that is missing or not a notebook."""
    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"no such notebook: {notebook}")
    try:
        nbformat.read(notebook, as_version=4)
    except Exception as error:
        raise ValueError(f"{notebook} is not a readable notebook: {error}") from None
    with tempfile.TemporaryDirectory(prefix="gradekit-check-") as scratch:
        root = new_course(Path(scratch) / "course")
        folder = root / "submitted" / STUDENT / course.ASSIGNMENT
        shutil.copytree(root / "release" / course.ASSIGNMENT, folder,
                        ignore=shutil.ignore_patterns("*.ipynb"))
        shutil.copy(notebook, folder / f"{course.NOTEBOOK}.ipynb")
        db_url = grading.default_db_url(root)
        try:
            grading.warm_up(str(root), db_url)
        except LimitsUnavailable:
            # your own code on your own machine: the sandbox stays, the
            # whole-submission limits (which need a control group) go
            with open(root / "nbgrader_config.py", "a") as config:
                config.write("\nc.SubmissionLimits.enabled = False\n")
            grading.forget_config(str(root), db_url)
            grading.warm_up(str(root), db_url)
        outcome = grading.grade_one(str(root), course.ASSIGNMENT, STUDENT, db_url, feedback=False)
        if not outcome.graded:
            raise ValueError(outcome.status)
        columns, rows = report.grade_table(db_url, course.ASSIGNMENT)
        scores = rows[0]["scores"]
        graded = nbformat.read(root / "autograded" / STUDENT / course.ASSIGNMENT
                               / f"{course.NOTEBOOK}.ipynb", as_version=4)
        found = []
        for cell in graded.cells:
            grade_id = submissions.grade_id(cell)
            if grade_id in columns:
                points = cell.metadata["nbgrader"]["points"]
                earned = scores.get(grade_id, 0)
                message = failure_message(cell) if earned < points else ""
                found.append((grade_id.removeprefix("test_"), earned, points, message))
        return found


def format_results(results):
    """The table a student sees, with a total line."""
    width = max(len(name) for name, *_ in results)
    lines = [f"{'exercise':{width}}  points  message", "-" * (width + 40)]
    for name, earned, points, message in results:
        lines.append(f"{name:{width}}  {earned:g} / {points:g}"
                     + (f"  {message.removeprefix('AssertionError: ')}" if message else "  passed"))
    total = sum(r[1] for r in results)
    full = sum(r[2] for r in results)
    lines.append("-" * (width + 40))
    lines.append(f"{'total':{width}}  {total:g} / {full:g}")
    return "\n".join(lines)
