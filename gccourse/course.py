"""Names and paths of this course, and a way to run nbgrader on it."""

from pathlib import Path

from gradekit.commands import environment, nbgrader  # noqa: F401 -- used through this module
from gradekit.exceptions import NbgraderFailed  # noqa: F401

ASSIGNMENT = "gradient_checking"
NOTEBOOK = "Gradient_Checking"
ROOT = Path(__file__).resolve().parent.parent
