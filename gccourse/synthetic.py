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


# ------------------------------------------------------------ a graded class, written directly

#: what the synthetic graded class's odd submissions hold: every FAILED-th
#: failed to grade, every CRASHED-th had a kernel crash (graded all the
#: same), every LATE-th reached its deadline before its last two tests
FAILED, CRASHED, LATE = 40, 53, 71
DAMAGED = ("'Gradient_Checking.ipynb' is not a readable notebook (the file is damaged or not "
           "a notebook)")
SEGFAULT = {"event": "kernel died", "cell": 12,
            "why": "it crashed with a segmentation fault (SIGSEGV)"}


def graded_class(folder, n, seed=0):
    """A new course in ``folder`` whose gradebook and status records hold a
    graded class of ``n`` students, written directly (nothing is graded):
    the class report's input at any scale, in seconds.

    Students cycle through the accuracy catalogue's entries as write_class
    does; each gets its entry's points and diagnoses (EXPECTED, MISTAKE),
    a grading time and a status record as a grading run leaves them. Some
    are odd (FAILED, CRASHED, LATE above). A grading run's record
    (grading_status/<assignment>/_run.json) is written too.

    Returns:
    (root, expected): expected is dict student -> dict grade_id -> (points,
    mistake id or "" for full points, or None for a failed submission)
    """
    import json
    import random
    import uuid

    from nbgrader.api import (Comment, Gradebook, Grade, Student, SubmittedAssignment,
                              SubmittedNotebook)

    from gradekit import status
    from .mistakes import REGISTRY

    root = new_course(folder)
    full = submissions.full_marks(root)
    entries = submissions.load_all(CATALOGUE)
    correct = itertools.cycle([e for e in entries if e.name.startswith("correct_")])
    mistakes = itertools.cycle([e for e in entries if e.name.startswith("mistake_")])
    late_cells = list(full)[-2:]
    rng = random.Random(seed)
    expected, seconds = {}, 0.0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment(course.ASSIGNMENT)
        notebook = assignment.notebooks[0]
        grade_cells = {cell.name: cell.id for cell in notebook.grade_cells}
        solution_cells = [cell.id for cell in notebook.solution_cells]
        rows = {"student": [], "assignment": [], "notebook": [], "grade": [], "comment": []}
        for i in range(n):
            entry = next(correct if i % 2 == 0 else mistakes)
            student = f"s{i:05d}-{entry.name.replace('_', '-')}"
            points = {cell: entry.expected.get(cell, maximum) for cell, maximum in full.items()}
            diagnoses = dict(entry.mistakes)
            record = {"student": student, "problems": [], "warnings": [], "events": [],
                      "graded_from": uuid.uuid4().hex, "seconds": round(rng.lognormvariate(1.8, 0.25), 3)}
            if i % FAILED == FAILED - 1:
                record = {"student": student, "problems": [DAMAGED], "warnings": [],
                          "graded_from": record["graded_from"], "seconds": 0.4}
                points, diagnoses = {cell: 0.0 for cell in full}, None
            else:
                if i % CRASHED == CRASHED - 1:
                    record["events"].append(SEGFAULT)
                if i % LATE == LATE - 1:
                    record["events"].append({"event": "deadline reached", "why": (
                        "grading took its whole 300 s; tests not verified in time (no points): "
                        + ", ".join(late_cells))})
                    for cell in late_cells:
                        points[cell] = 0.0
                        diagnoses[cell] = f"{REGISTRY.exercise_of(cell)}.not_verified"
                record["diagnoses"] = diagnoses
            status.save(root, course.ASSIGNMENT, student, record)
            seconds += record["seconds"]
            expected[student] = {cell: (points[cell], None if diagnoses is None else
                                        diagnoses.get(cell, "")) for cell in full}
            submitted, submitted_notebook = uuid.uuid4().hex, uuid.uuid4().hex
            rows["student"].append({"id": student})
            rows["assignment"].append({"id": submitted, "assignment_id": assignment.id,
                                       "student_id": student})
            rows["notebook"].append({"id": submitted_notebook, "assignment_id": submitted,
                                     "notebook_id": notebook.id, "flagged": False,
                                     "late_submission_penalty": None})
            rows["grade"] += [{"id": uuid.uuid4().hex, "notebook_id": submitted_notebook,
                               "cell_id": cell_id, "auto_score": points[cell] if diagnoses is not None
                               else None, "manual_score": None, "extra_credit": None,
                               "needs_manual_grade": False}
                              for cell, cell_id in grade_cells.items()]
            rows["comment"] += [{"id": uuid.uuid4().hex, "notebook_id": submitted_notebook,
                                 "cell_id": cell_id, "auto_comment": None, "manual_comment": None}
                                for cell_id in solution_cells]
        session = gradebook.db
        for key, table in (("student", Student), ("assignment", SubmittedAssignment),
                           ("notebook", SubmittedNotebook), ("grade", Grade), ("comment", Comment)):
            if rows[key]:
                session.execute(table.__table__.insert(), rows[key])
        session.commit()
    run = {"graded": n, "skipped": 0, "workers": 2, "interrupted": False,
           "seconds": round(seconds / 2, 3), "finished": "2026-01-01T12:00:00+00:00"}
    status.status_path(root, course.ASSIGNMENT, "_run").write_text(json.dumps(run, indent=1) + "\n")
    return root, expected
