"""One deadline per submission, for everything the grader waits on.

The kernel running the notebook, the trusted regrade's process and each
call into it all share one absolute deadline, set when grading of the
submission starts (``start``) and kept in nbgrader's ``resources``. At the
deadline the sandboxes are killed; what was verified before it keeps its
points, and the submission's status says the deadline was reached.
"""

import time

from traitlets import Integer
from traitlets.config import LoggingConfigurable


class SubmissionDeadline(LoggingConfigurable):
    """How long grading one submission may take in all."""

    seconds = Integer(
        300, help="Seconds that grading one submission may take in all: running its notebook, "
                  "the trusted regrade and every call into the student's code. At the deadline "
                  "its sandboxes are killed; tests verified before it keep their points.",
    ).tag(config=True)


def start(resources, config=None):
    """The submission's deadline (time.monotonic() seconds), set on the
    first call for this submission and returned unchanged afterwards."""
    gradekit = resources.setdefault("gradekit", {})
    if "deadline" not in gradekit:
        seconds = SubmissionDeadline(config=config).seconds
        gradekit["deadline"] = time.monotonic() + seconds
        gradekit["deadline_seconds"] = seconds
    return gradekit["deadline"]


def left(deadline):
    """Seconds until ``deadline`` (never negative)."""
    return max(0.0, deadline - time.monotonic())
