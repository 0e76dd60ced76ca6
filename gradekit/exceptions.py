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


class HubError(GradekitError):
    """Something a course's JupyterHub needs is missing or unsafe
    (gradekit.hub); the message says what to do."""


class StudentError(Exception):
    """The student's function failed when a check called it (raised, hung,
    or returned something that is not a value).

    ``kind`` says which, as the name of the engine's mistake
    (gradekit.mistakes.ENGINE); it is set by the grader's code from what
    happened to the call, never read from the student's text."""

    RAISED = "raises_an_error"
    NO_REPLY = "did_not_return"
    UNREADABLE = "unreadable_result"

    def __init__(self, text, unfinished=False, kind=RAISED):
        super().__init__(text)
        self.unfinished = unfinished
        self.kind = kind
