"""The instructor's main job on the demo class, end to end.

The demo class is a course root of its own, ``demo/`` (course.DEMO), apart
from the instructor's class at the top level. Its nbgrader_config.py extends
the top level's and shares its source/ and release/. Each run rebuilds
everything the demo root holds but its configuration and its students:

1. generate the release from source/ (nbgrader generate_assignment, run in
   the demo root: it writes the shared release/ and the demo's gradebook),
2. build each demo student's submission from the release and
   demo/students/<student>.py,
3. autograde them all with nbgrader autograde,
4. generate their feedback and export demo/grades.csv,
5. print the grade table.

Nothing of the top-level course root is read or written but source/ and
release/.
"""

import shutil
from pathlib import Path

from gradekit import report

from . import course, submissions


#: a course's own files (no gradebook, no student work), the demo root's included
COURSE_FILES = ("source", "release", "nbgrader_config.py",
                f"{course.DEMO}/nbgrader_config.py", f"{course.DEMO}/{course.STUDENTS}")
#: what the demo job makes in the demo root; all of it is rebuilt on each run
GENERATED = ("submitted", "autograded", "feedback", "grading_status", "gradebook.db",
             "grades.csv")


def copy_course(destination, root=course.ROOT):
    """A fresh copy of the course's own files (no gradebook, no student work,
    of the demo root only its configuration and students) in
    ``destination``; returns its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        path = Path(root) / name
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, target,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy(path, target)
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


def run(root=course.ROOT, echo=print):
    """Regenerate the demo class's results in the demo root of the course
    folder ``root`` (``root``/demo).

    Returns:
    (columns, rows) of the grade table (see report.grade_table)
    """
    demo = Path(root) / course.DEMO
    students = submissions.load_all(demo / course.STUDENTS)

    # The demo root holds the demo class alone: its old results, gradebook
    # included, go first (nbgrader would refuse to regenerate a notebook
    # whose cells changed while the gradebook holds submissions of it).
    for name in GENERATED:
        path = demo / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)

    echo("Generating the release from source/ ...")
    course.nbgrader(demo, "generate_assignment", course.ASSIGNMENT, "--force")

    echo(f"Writing {len(students)} demo submissions to {course.DEMO}/submitted/ ...")
    for student in students:
        submissions.write_submitted(demo, course.ASSIGNMENT, course.NOTEBOOK, student)

    echo("Autograding (nbgrader autograde) ...")
    course.nbgrader(demo, "autograde", course.ASSIGNMENT, "--force")
    echo("Generating feedback (nbgrader generate_feedback) ...")
    course.nbgrader(demo, "generate_feedback", course.ASSIGNMENT, "--force")
    echo(f"Exporting {course.DEMO}/grades.csv (nbgrader export) ...")
    course.nbgrader(demo, "export", "--to", "grades.csv")

    columns, rows = report.grade_table(f"sqlite:///{demo / 'gradebook.db'}", course.ASSIGNMENT)
    echo("")
    echo(report.format_table(columns, rows))
    return columns, rows
