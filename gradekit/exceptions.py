"""The errors the grading engine raises, in one place."""


class GradekitError(RuntimeError):
    """Base class: a problem the engine explains in plain words."""


class NbgraderFailed(GradekitError):
    """An nbgrader command exited with an error."""


class SandboxUnavailable(GradekitError):
    """The sandbox cannot start on this machine."""


class GradingError(GradekitError):
    """A grading run cannot start (no scheduler, no database, no sandbox); says why."""


class ReleaseError(GradekitError):
    """The assignment cannot be released as it is (a test cell the trusted
    regrade cannot grade, for example)."""


class StudentError(Exception):
    """The student's function failed when a check called it (raised, hung,
    or returned something that is not a value)."""

    def __init__(self, text, unfinished=False):
        super().__init__(text)
        self.unfinished = unfinished
