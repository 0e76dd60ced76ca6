"""Shared fixtures: temporary copies of the course, and one real run of the
instructor's demo job per test session."""

import collections
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gccourse import course, demo, submissions
from gccourse.demo import copy_course

ROOT = course.ROOT
SOURCE_NOTEBOOK = ROOT / "source" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
RELEASE_NOTEBOOK = ROOT / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
def validate(notebook, invert=False):
    """What `nbgrader validate` prints for a notebook (it always exits 0, so
    its verdict has to be read from its output)."""
    args = [sys.executable, "-m", "nbgrader", "validate", str(notebook)]
    if invert:
        args.append("--invert")
    result = subprocess.run(args, cwd=ROOT, env=course.environment(), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=600)
    return result.stdout


def read(path):
    return nbformat.read(str(path), as_version=4)


def gradekit_command(*args, timeout=600):
    """Run ``python -m gccourse <args>`` as a user would; returns the
    CompletedProcess (stdout and stderr as text)."""
    return subprocess.run([sys.executable, "-m", "gccourse", *args], env=course.environment(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def course_copy(tmp_path):
    return copy_course(tmp_path / "course")


def tree_digest(folder, skip=()):
    """dict relative path -> sha256 of every file under ``folder`` (a link:
    of its target; a folder: of nothing), leaving out the top-level names in
    ``skip``."""
    folder = Path(folder)
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if here == folder:
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in dirnames:
            found[(here / name).relative_to(folder).as_posix() + "/"] = ""
        for name in filenames:
            path = here / name
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return found


DemoRun = collections.namedtuple("DemoRun", "root demo columns rows instructor_before")
INSTRUCTOR_STUDENT = "instructor_student"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo job run for real (generate_assignment, autograde,
    generate_feedback, export) in a fresh copy of the course, beside an
    instructor's class: the top-level root's gradebook knows the assignment
    and one student (INSTRUCTOR_STUDENT) has submitted.

    Returns:
    DemoRun -- the copy's folder (root), its demo root (demo), the grade
    table (columns, rows) and tree_digest of the top level, release/ and
    demo/ left out, taken just before the demo ran (instructor_before)
    """
    root = copy_course(tmp_path_factory.mktemp("demo") / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                submissions.load(course.DEMO_STUDENTS / "complete.py"),
                                INSTRUCTOR_STUDENT)
    before = tree_digest(root, skip=("release", course.DEMO))
    columns, rows = demo.run(root, echo=lambda *args: None)
    return DemoRun(root, root / course.DEMO, columns, rows, before)


def pytest_terminal_summary(terminalreporter, config):
    """Print the accuracy catalogue's table after the run, when it was graded."""
    table = getattr(config, "catalogue_table", None)
    if table:
        terminalreporter.section("grading accuracy catalogue")
        terminalreporter.write_line(table)
