"""Shared fixtures: temporary copies of the course, and one real run of the
instructor's demo job per test session."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gccourse import course, demo
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


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo job run for real (generate_assignment, autograde,
    generate_feedback, export) in a fresh copy of the course.

    Returns:
    (root, columns, rows) -- the copy's folder and the grade table
    """
    root = copy_course(tmp_path_factory.mktemp("demo") / "course")
    columns, rows = demo.run(root, echo=lambda *args: None)
    return root, columns, rows


def pytest_terminal_summary(terminalreporter, config):
    """Print the accuracy catalogue's table after the run, when it was graded."""
    table = getattr(config, "catalogue_table", None)
    if table:
        terminalreporter.section("grading accuracy catalogue")
        terminalreporter.write_line(table)
