"""nbgrader configuration for the gradient-checking course.

Run nbgrader from this folder (the course root), with the virtual
environment that `./course setup` creates:  .venv/bin/nbgrader ...
"""
import os

from nbgrader.preprocessors import (
    CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
    ComputeChecksums, IncludeHeaderFooter, InstantiateTests, LockCells, SaveCells)

from gradekit.stubs import StubSolutions

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "gradient-checking"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.assignment_id = ""

# The student version shows "### START CODE HERE ### (approx. N lines)" with
# "name = None" placeholders instead of nbgrader's "raise NotImplementedError()":
# StubSolutions takes ClearSolutions' place in nbgrader's own list.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    StubSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
]

# Generated files never belong in the release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Each cell gets 30 s (nbgrader's default); the whole notebook runs in a few.
c.Execute.timeout = 30

# No per-cell execution timestamps in autograded notebooks: the demo results
# committed under autograded/ and feedback/ stay byte-for-byte reproducible.
c.Execute.record_timing = False
