"""Synthetic classes for grading at scale (the benchmark and the tests).

A class of ``n`` students is a realistic mix drawn from the accuracy
catalogue (tests/submissions/): about half of the students hand in a
correct variant, the rest one of the catalogued mistakes, cycling through
both lists. Each student's expected points come from the catalogue file.
"""

import dataclasses
import itertools

from . import course, submissions
from .demo import new_course

CATALOGUE = course.ROOT / "tests" / "submissions"
BASELINE = course.DEMO_STUDENTS / "complete.py"


def new_class(folder, n, stock=False):
    """A new course in ``folder`` (see demo.new_course) with a class of ``n``
    submissions; returns (course root, what write_class returns)."""
    root = new_course(folder, stock)
    return root, write_class(root, n)


def write_class(root, n, catalogue=CATALOGUE, baseline=BASELINE):
    """Write ``n`` submissions into ``root``/submitted/ (the release must exist).

    Returns:
    dict student id -> dict test-cell grade_id -> points it must earn
    """
    base = submissions.load(baseline)
    entries = submissions.load_all(catalogue)
    correct = itertools.cycle([e for e in entries if e.name.startswith("correct_")])
    mistakes = itertools.cycle([e for e in entries if e.name.startswith("mistake_")])
    full = submissions.full_marks(root)
    expected = {}
    for i in range(n):
        entry = next(correct if i % 2 == 0 else mistakes)
        student = f"s{i:04d}-{entry.name.replace('_', '-')}"
        merged = dataclasses.replace(entry, cells={**base.cells, **entry.cells})
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, merged, student)
        expected[student] = {cell: entry.expected.get(cell, points) for cell, points in full.items()}
    return expected
