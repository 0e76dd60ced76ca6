"""The check harness: how a course's hidden checks plug into the engine.

A course writes one *check* per test cell and registers it under that
cell's grade_id::

    from gradekit.harness import call, real, register
    from studentside.standins import spec

    @register("test_forward_propagation", function="forward_propagation")
    def check_forward_propagation(forward_propagation):
        \"\"\"J = theta * x for fresh numbers.\"\"\"
        J = real(call(forward_propagation, (2.0, 4.0)))
        assert J == 8.0, f"forward_propagation(2, 4) returned {J}, not 8"

and names the check in the cell's hidden block, so that the instructor's
own run of the source notebook calls it too::

    ### BEGIN HIDDEN TESTS
    from mycourse import checks as hidden_checks
    hidden_checks.check_forward_propagation(forward_propagation)
    ### END HIDDEN TESTS

The rules a check lives by:

* It receives the student's function (or, when grading, a stand-in for it
  that runs it in the sandbox) and calls it only through ``call``, with
  plain-data arguments. ``names`` binds stand-ins (studentside.standins
  specs) in the function's globals for the call, so one exercise is graded
  apart from the others.
* It reads what comes back strictly: ``real`` for one number, never the
  value's own methods (a student's object could lie).
* It raises ``AssertionError`` with a message for the student when the
  answer is wrong; ``CheckFailed(message, mistake=name)`` also names the
  mistake it recognised (gradekit.mistakes), and a failure that names none
  is ``unrecognised``. Anything else a check raises is a bug in the check.

The engine (gradekit.trusted) runs the registered checks on the grader's
side, where no student code runs; a test cell's score is the verdict of its
check alone. ``CheckHiddenTests`` refuses to release an assignment with a
test cell whose hidden block does not call its registered check.
"""

import dataclasses
import functools
import importlib
import re
import warnings

import numpy as np

from studentside.binding import bound, has_placeholders
from studentside.standins import resolve

from . import mistakes as _mistakes
from .exceptions import StudentError

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_HIDDEN_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(\w+)\s+as\s+(\w+)\s*$", re.M)
_HIDDEN_CALL = re.compile(r"^(\w+)\.(\w+)\((\w+)\)\s*$", re.M)


class CheckFailed(AssertionError):
    """A check's failure: the message the student sees, and the name of the
    mistake the check recognised (``mistake``, a name of the check's
    exercise in the course's registry, gradekit.mistakes). Only grader-side
    code raises it: whatever the student's function raises reaches a check
    as text, through ``call``, never as an exception of its own."""

    def __init__(self, message, mistake=_mistakes.UNRECOGNISED):
        super().__init__(message)
        self.mistake = mistake


@dataclasses.dataclass(frozen=True)
class Check:
    """A registered check.

    Attributes:
    grade_id -- str, the test cell it grades
    run -- the check function; takes the student's function
    function -- str, the name of the student's function it checks
    module, name -- where the check lives (what the hidden block calls)
    exercise -- str, the exercise it grades (the first part of its mistakes' ids)
    mistakes -- frozenset of the ids it may report (None: any well-formed one)
    """

    grade_id: str
    run: object
    function: str
    module: str
    name: str
    exercise: str = ""
    mistakes: frozenset = None

    def mistake_id(self, failure):
        """The id of what ``failure`` (an exception the check ended with)
        diagnosed: ``<exercise>.<name>`` for a CheckFailed naming a mistake
        of this check, else ``<exercise>.unrecognised``. Decided from the
        exception's class and its ``mistake`` attribute, both set by
        grader-side code; never from its message."""
        name = failure.mistake if isinstance(failure, CheckFailed) else _mistakes.UNRECOGNISED
        if not isinstance(name, str) or not _mistakes.NAME.fullmatch(name):
            name = _mistakes.UNRECOGNISED
        found = _mistakes.qualified(self.exercise, name)
        if self.mistakes is not None and found not in self.mistakes:
            warnings.warn(f"check {self.module}.{self.name} reported {found!r}, which is not in "
                          "the course's registry of mistakes; counted as unrecognised")
            found = _mistakes.qualified(self.exercise, _mistakes.UNRECOGNISED)
        return found


#: grade_id -> Check, for every check module imported so far
CHECKS = {}


def register(grade_id, function, mistakes=None):
    """Decorator: register a check for test cell ``grade_id`` that checks
    the student's function named ``function``. The registered (and
    returned) function reports failures as their message alone (see
    ``quiet``).

    ``mistakes`` is the course's registry (gradekit.mistakes.Registry): it
    names the exercise the cell grades and the ids its check may report.
    Without one, the exercise is the function's name and any well-formed
    mistake name is taken."""
    if mistakes is not None:
        if grade_id not in mistakes.grade_ids.values():
            raise ValueError(f"the registry of mistakes has no exercise graded by {grade_id!r}")
        exercise = mistakes.exercise_of(grade_id)
        allowed = frozenset(mistakes.ids(exercise))
    else:
        exercise, allowed = function, None

    def decorate(check):
        wrapped = quiet(check)
        if grade_id in CHECKS and CHECKS[grade_id].run.__wrapped__ is not check:
            existing = CHECKS[grade_id]
            raise ValueError(f"two checks for {grade_id!r}: {existing.module}.{existing.name} "
                             f"and {check.__module__}.{check.__name__}")
        CHECKS[grade_id] = Check(grade_id, wrapped, function, check.__module__, check.__name__,
                                 exercise, allowed)
        return wrapped
    return decorate


def load(modules):
    """Import the course's check modules (which register their checks);
    returns CHECKS."""
    for name in modules:
        importlib.import_module(name)
    return CHECKS


# ------------------------------------------------------------ hidden blocks

def hidden_block(source):
    """The text between a test cell's hidden-test markers ("" if none)."""
    if HIDDEN_BEGIN not in source:
        return ""
    return source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0]


def visible_source(source):
    """A test cell's source without its hidden block: what a student's
    kernel runs (the hidden checks run on the grader's side)."""
    lines, hidden = [], False
    for line in source.splitlines(keepends=True):
        if line.strip().startswith(HIDDEN_BEGIN):
            hidden = True
        elif line.strip().startswith(HIDDEN_END):
            hidden = False
        elif not hidden:
            lines.append(line)
    return "".join(lines)


def hidden_calls(source):
    """The (module, check name, function name) calls of a hidden block."""
    block = hidden_block(source)
    aliases = {alias: f"{package}.{module}" for package, module, alias in _HIDDEN_IMPORT.findall(block)}
    return [(aliases[alias], check, function) for alias, check, function in _HIDDEN_CALL.findall(block)
            if alias in aliases]


def check_for(grade_id, source):
    """The registered check of a test cell, or a ValueError saying why the
    cell cannot be graded on the trusted side."""
    check = CHECKS.get(grade_id)
    if check is None:
        raise ValueError(f"test cell {grade_id!r} has no registered check (register one with "
                         "gradekit.harness.register and list its module in "
                         "TrustedRegrade.check_modules)")
    wanted = [(check.module, check.name, check.function)]
    if hidden_calls(source) != wanted:
        raise ValueError(
            f"the hidden block of test cell {grade_id!r} must call exactly its registered "
            f"check, {check.module}.{check.name}({check.function}); it calls "
            f"{['%s.%s(%s)' % c for c in hidden_calls(source)] or 'nothing'}")
    return check


def checks_of(notebook, modules):
    """(index, cell, Check) of every test cell of ``notebook``, with the
    check modules ``modules`` imported; ValueError naming every test cell
    that has no registered check its hidden block calls."""
    load(modules)
    found, problems = [], []
    for index, cell in enumerate(notebook.cells):
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("grade"):
            try:
                found.append((index, cell, check_for(nbgrader.get("grade_id"), cell.source)))
            except ValueError as error:
                problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return found


# ------------------------------------------------------------ running checks

def quiet(check):
    """Run a check with numpy's floating-point warnings and Python warnings
    silenced, and report a failure as its message alone: the check's own
    frames are hidden from IPython's traceback, so a student sees their cell
    and what is wrong, never the check's code."""
    @functools.wraps(check)
    def quiet_check(*args, **kwargs):
        __tracebackhide__ = True  # noqa: F841 -- read by IPython
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return check(*args, **kwargs)
        except AssertionError as failure:
            message = str(failure)
            mistake = failure.mistake if isinstance(failure, CheckFailed) else _mistakes.UNRECOGNISED
        _hidden_test_failed(message, mistake)
    return quiet_check


# IPython always shows the frame that raises. Compiled under a pseudo-file
# name, that frame shows no path and no code of ours: just the message.
_namespace = {"CheckFailed": CheckFailed}
exec(compile("def hidden_test_failed(message, mistake):\n    raise CheckFailed(message, mistake)\n",
             "<hidden test>", "exec"), _namespace)
_hidden_test_failed = _namespace["hidden_test_failed"]


def _shown(args, kwargs):
    return ", ".join([repr(a) if isinstance(a, (int, float)) else "..." for a in args]
                     + [f"{k}={v!r}" for k, v in kwargs.items()])


def call(function, args, kwargs=None, names=None):
    """Call the student's function with ``names`` (name -> stand-in spec)
    bound in its globals; its exceptions become failures that say which
    call broke (or that the exercise is unfinished).

    ``function`` is either the function itself (an instructor's run of the
    source notebook) or an object with a ``call(args, kwargs, names)``
    method that runs it in the sandbox and returns plain data
    (gradekit.trusted.Remote)."""
    kwargs = kwargs or {}
    names = names or {}
    try:
        if hasattr(function, "call"):
            return function.call(args, kwargs, names)
        with bound(function, resolve(names)):
            try:
                return function(*args, **kwargs)
            except Exception as error:  # the student's bug, reported as a failure
                raise StudentError(f"{type(error).__name__}: {error}",
                                   has_placeholders(function), StudentError.RAISED) from None
    except StudentError as error:
        if error.unfinished:
            raise CheckFailed(
                f"{function.__name__} is not finished yet: replace every None between "
                "### START CODE HERE ### and ### END CODE HERE ###", "unfinished") from None
        raise CheckFailed(f"{function.__name__}({_shown(args, kwargs)}) stopped with {error}",
                          error.kind) from None


def real(value):
    """The value as a Python float, read without calling any of its own
    methods (a float subclass or an object that "equals everything" cannot
    lie its way through), or None when it is not one real number."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, float):                 # also numpy.float64
        return float.__float__(value)
    if isinstance(value, int):
        return float(int.__index__(value))
    if isinstance(value, (np.floating, np.integer)):
        return float(np.float64(np.ndarray.item(np.asarray(value))))
    if type(value) is np.ndarray and value.ndim == 0 and value.dtype.kind in "fiu":
        return float(np.ndarray.item(value))
    return None
