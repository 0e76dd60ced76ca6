"""Names and paths of this course, and a way to run nbgrader on it.

The repository's top level is the instructor's course root (their class:
submitted/, gradebook.db, ...). The demo class is a course root of its own,
demo/, which shares the top level's source/ and release/
(demo/nbgrader_config.py).
"""

from pathlib import Path

from gradekit.commands import environment, nbgrader  # noqa: F401 -- used through this module
from gradekit.exceptions import NbgraderFailed  # noqa: F401

ASSIGNMENT = "gradient_checking"
NOTEBOOK = "Gradient_Checking"
ROOT = Path(__file__).resolve().parent.parent   # the instructor's course root
DEMO = "demo"               # the demo class's own course root, inside ROOT
STUDENTS = "students"       # in it: one file per demo student (gccourse.submissions)
DEMO_STUDENTS = ROOT / DEMO / STUDENTS
