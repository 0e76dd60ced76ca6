"""Diagnosed mistakes: the ids a course's checks give their failures.

A failing check says two things: a message for the student, and which
mistake it recognised, as a stable id ``<exercise>.<name>`` (say
``my_exercise.divides_by_two``). A check raises ``gradekit.harness.
CheckFailed(message, mistake=name)`` with the name alone; the engine adds
the check's exercise. The course keeps every id in one ``Registry``:
the exercise each belongs to, a description for the instructor, and the
message the student is shown (with ``…`` where the case's numbers go).

Besides the course's own mistakes, every exercise has the failures the
engine recognises by itself (``ENGINE``): its function stopped with an
error, was left unfinished, never returned, returned what no check can
read, was not verified before the deadline, or failed in a way no known
mistake matches (``unrecognised``). A registry adds these to every
exercise, so each failing test cell has an id.

Ids are chosen on the grader's side only: by the check's own code (a
literal name), or by the engine from what happened to the call. Nothing the
student's code prints, returns or raises is read as an id.
"""

import dataclasses
import re

#: the form of an id: exercise, a dot, a name (lower case, digits, underscores)
ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
NAME = re.compile(r"[a-z][a-z0-9_]*")

UNRECOGNISED = "unrecognised"

#: failures the engine recognises itself, in every exercise:
#: name -> (description for the instructor, what the student is shown)
ENGINE = {
    UNRECOGNISED: ("failed in a way no known mistake matches",
                   "(the check's own words: what it expected and what it got)"),
    "unfinished": ("left unfinished: a placeholder (None) is still in the answer",
                   "… is not finished yet: replace every None between ### START CODE HERE ### "
                   "and ### END CODE HERE ###"),
    "raises_an_error": ("the function stopped with an exception of its own (or is not defined)",
                        "…(…) stopped with …"),
    "did_not_return": ("the call did not come back: it hung, ran out of time or killed its process",
                       "…(…) stopped with the call did not come back (it hung or the process died)\n"
                       "…(…) stopped with the process running your code had stopped"),
    "unreadable_result": ("returned something the check could not read as a value",
                          "…(…) stopped with it sent back something that is not a value\n"
                          "… returned something the test could not read (…)"),
    "not_verified": ("not verified: grading the submission ran out of time before this test",
                     "This test was not verified: grading this submission used up all its time "
                     "before it got here."),
    "not_graded": ("the submission could not be graded at all (see the failed submissions)", ""),
    "not_diagnosed": ("lost points with no diagnosis recorded (graded by hand, or graded before "
                      "diagnoses were recorded)", ""),
}


@dataclasses.dataclass(frozen=True)
class Mistake:
    """One diagnosable mistake.

    Attributes:
    id -- str, "<exercise>.<name>"
    exercise -- str, the exercise it belongs to
    description -- str, what it is, for the instructor
    message -- str, what the student is shown ("…" where numbers or names
               go; one line for each wording, when there are several)
    """

    id: str
    exercise: str
    description: str
    message: str = ""

    @property
    def name(self):
        return self.id.split(".", 1)[1]

    def fits(self, shown):
        """Whether the message ``shown`` to a student is one that a line of
        this mistake's ``message`` describes (each ``…`` standing for any
        text)."""
        return any(re.fullmatch(".*".join(re.escape(part) for part in wording.split("…")),
                                shown, re.S)
                   for wording in self.message.splitlines() if wording)


class Registry:
    """Every mistake of a course, by id, with its exercises in order.

    Arguments:
    exercises -- dict exercise -> grade_id of the test cell that grades it,
                 in the notebook's order
    mistakes -- iterable of Mistake; the ENGINE failures are added for every
                exercise (a course may give its own wording for one of them)
    """

    def __init__(self, exercises, mistakes=()):
        self.grade_ids = dict(exercises)
        self._exercise_of = {grade_id: exercise for exercise, grade_id in self.grade_ids.items()}
        self._mistakes = {}
        for mistake in mistakes:
            self._add(mistake)
        for exercise in self.grade_ids:
            for name, (description, message) in ENGINE.items():
                if f"{exercise}.{name}" not in self._mistakes:
                    self._add(Mistake(f"{exercise}.{name}", exercise, description, message))

    def _add(self, mistake):
        if not ID.fullmatch(mistake.id):
            raise ValueError(f"{mistake.id!r} is not an id of the form exercise.name")
        if not mistake.id.startswith(mistake.exercise + "."):
            raise ValueError(f"{mistake.id!r} does not start with its exercise {mistake.exercise!r}")
        if mistake.exercise not in self.grade_ids:
            raise ValueError(f"{mistake.id!r}: no exercise {mistake.exercise!r}")
        if mistake.id in self._mistakes:
            raise ValueError(f"{mistake.id!r} is registered twice")
        self._mistakes[mistake.id] = mistake

    @property
    def exercises(self):
        """The exercises, in the notebook's order."""
        return list(self.grade_ids)

    def exercise_of(self, grade_id):
        """The exercise a test cell grades (its grade_id if none is registered)."""
        return self._exercise_of.get(grade_id, grade_id)

    def ids(self, exercise):
        """The ids of one exercise, in the registry's order."""
        return [m.id for m in self._mistakes.values() if m.exercise == exercise]

    def get(self, mistake_id):
        return self._mistakes.get(mistake_id)

    def __getitem__(self, mistake_id):
        return self._mistakes[mistake_id]

    def __contains__(self, mistake_id):
        return mistake_id in self._mistakes

    def __iter__(self):
        return iter(self._mistakes.values())

    def __len__(self):
        return len(self._mistakes)


def qualified(exercise, name):
    """The id of mistake ``name`` of ``exercise``."""
    return f"{exercise}.{name}"
