"""The instructor's main job on the demo class, end to end.

1. generate the release from source/ (nbgrader generate_assignment),
2. build each demo student's submission from the release and demo/<student>.py,
3. autograde them all with nbgrader autograde,
4. generate their feedback and export grades.csv,
5. print the grade table.
"""

import shutil
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from gradekit import report, status

from . import course, submissions


COURSE_FILES = ("source", "release", "demo", "nbgrader_config.py")


def copy_course(destination, root=course.ROOT):
    """A fresh copy of the course's own files (no gradebook, no student work)
    in ``destination``; returns its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        path = Path(root) / name
        if path.is_dir():
            shutil.copytree(path, destination / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy(path, destination / name)
    return destination


def new_course(folder, stock=False):
    """copy_course into ``folder``, then generate the release (and the
    gradebook); with ``stock``, grading uses nbgrader's own pipelines
    (catalogue.STOCK_AUTOGRADE). Returns the course root."""
    root = copy_course(folder)
    if stock:
        from .catalogue import STOCK_AUTOGRADE
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(STOCK_AUTOGRADE)
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    return root


def forget_students(root, names):
    """Remove these students and their submissions from the course's gradebook."""
    database = Path(root) / "gradebook.db"
    if not database.exists():
        return
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for name in names:
            try:
                gradebook.remove_student(name)
            except MissingEntry:
                pass


def run(root=course.ROOT, demo_folder=None, echo=print):
    """Regenerate the demo class's results in the course folder ``root``.

    Returns:
    (columns, rows) of the grade table (see report.grade_table)
    """
    root = Path(root)
    demo_folder = Path(demo_folder or root / "demo")
    students = submissions.load_all(demo_folder)

    # nbgrader refuses to regenerate a notebook whose cells changed while
    # the gradebook holds submissions of it; the demo students' old grades
    # are about to be replaced anyway, so they go first (and only they).
    forget_students(root, [student.name for student in students])

    echo("Generating the release from source/ ...")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")

    echo(f"Writing {len(students)} demo submissions to submitted/ ...")
    for student in students:
        for step in ("submitted", "autograded", "feedback"):
            shutil.rmtree(root / step / student.name, ignore_errors=True)
        status.status_path(root, course.ASSIGNMENT, student.name).unlink(missing_ok=True)
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, student)

    echo("Autograding (nbgrader autograde) ...")
    course.nbgrader(root, "autograde", course.ASSIGNMENT, "--force")
    echo("Generating feedback (nbgrader generate_feedback) ...")
    course.nbgrader(root, "generate_feedback", course.ASSIGNMENT, "--force")
    echo("Exporting grades.csv (nbgrader export) ...")
    course.nbgrader(root, "export", "--to", "grades.csv")

    columns, rows = report.grade_table(f"sqlite:///{root / 'gradebook.db'}", course.ASSIGNMENT)
    echo("")
    echo(report.format_table(columns, rows))
    return columns, rows
