"""Binding stand-ins in a student's function, and telling an unfinished
exercise from a wrong one. Used on both sides of the boundary: by the
grader's harness when a check runs in-process (the instructor's own run of
the source notebook), and by ``studentside.server`` in the sandbox."""

import contextlib
import inspect
import re

#: The markers around an exercise's code in the student's version.
START, END = "### START CODE HERE ###", "### END CODE HERE ###"
_STUB = re.compile(re.escape(START) + r"(.*?)" + re.escape(END), re.S)
_PLACEHOLDER = re.compile(r"=\s*None\s*(#.*)?$", re.M)


@contextlib.contextmanager
def bound(function, names):
    """Bind ``names`` (name -> object) in the globals ``function`` looks
    up while the block runs, then put back what was there (or nothing)."""
    namespace = function.__globals__
    missing = object()
    saved = {name: namespace.get(name, missing) for name in names}
    namespace.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def has_placeholders(function):
    """Whether the function still holds the release's ``name = None`` stubs
    between the START and END CODE HERE markers."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    stub = _STUB.search(source)
    return bool(stub and _PLACEHOLDER.search(stub.group(1)))
