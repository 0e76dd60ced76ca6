"""Support code for Gradient_Checking.ipynb.

Two things live here:

* ``install_friendly_errors()``: when a cell fails because an exercise still
  holds its ``None`` placeholders, show one plain sentence that names the
  exercise and the unfinished lines, instead of a TypeError from deep inside
  numpy.
* ``substitute(function, **names)``: run a function with some of the global
  names it looks up temporarily replaced, so a test of ``gradient_check`` can
  use known forward and backward passes instead of yours.
"""

import contextlib
import inspect
import linecache
import re

#: The functions students write in the notebook, in the order they meet them.
EXERCISES = (
    "forward_propagation",
    "backward_propagation",
    "gradient_check",
    "backward_propagation_n",
    "gradient_check_n",
    "difference_per_parameter",
)

_START = "### START CODE HERE ###"
_END = "### END CODE HERE ###"
_PLACEHOLDER = re.compile(r"^[^#]*=\s*None\s*(#.*)?$")


def unfinished_lines(function):
    """The placeholder lines still left in an exercise.

    Arguments:
    function -- a function defined in a notebook cell

    Returns:
    list of str: every ``... = None`` line between the START CODE HERE and
    END CODE HERE markers of its source, stripped; empty when the exercise
    is finished or its source cannot be read
    """
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return []
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(_START):
            inside = True
        elif stripped.startswith(_END):
            inside = False
        elif inside and _PLACEHOLDER.match(stripped):
            lines.append(stripped)
    return lines


def unfinished_exercises(namespace):
    """Map exercise name -> its placeholder lines, for each unfinished
    exercise defined in ``namespace`` (a dict such as the notebook's
    globals)."""
    found = {}
    for name in EXERCISES:
        function = namespace.get(name)
        if inspect.isfunction(function):
            lines = unfinished_lines(function)
            if lines:
                found[name] = lines
    return found


def _exercises_in_traceback(tb, namespace):
    """Exercises to blame for an error, best evidence first.

    Returns:
    list of lists of names: the exercises whose own frames the traceback
    passes through, then the exercises the failing code calls (for a notebook
    cell, anywhere in the cell: IPython runs a cell's statements one by one)
    """
    inside, called = [], []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in EXERCISES and tb.tb_frame.f_globals is namespace:
            inside.append(code.co_name)
        cell = "".join(linecache.getlines(code.co_filename))
        called.extend(n for n in EXERCISES if n in code.co_names
                      or re.search(rf"\b{n}\s*\(", cell))
        tb = tb.tb_next
    return [inside, called]


def explain_unfinished(error, tb, namespace):
    """A friendly explanation when ``error`` came from an unfinished
    exercise, else None.

    Arguments:
    error -- the exception raised by a cell
    tb -- its traceback
    namespace -- the notebook's global names

    Returns:
    str or None
    """
    unfinished = unfinished_exercises(namespace)
    if not unfinished:
        return None
    for group in _exercises_in_traceback(tb, namespace):
        involved = [n for n in dict.fromkeys(group) if n in unfinished]
        if involved:
            break
    else:
        return None
    lines = []
    for name in involved:
        lines.append(f"The exercise `{name}` is not finished yet. "
                     f"These lines still hold placeholders:")
        lines.extend(f"    {line}" for line in unfinished[name])
    lines.append("")
    lines.append("Replace each None between ### START CODE HERE ### and "
                 "### END CODE HERE ###, run that cell again, then run this one.")
    lines.append(f"(Python's own error was {type(error).__name__}: {error})")
    return "\n".join(lines)


def install_friendly_errors():
    """Show ``explain_unfinished`` instead of a traceback in IPython.

    Errors stay errors: the cell still fails (and scores no points when
    graded); only the text shown changes. Calling it again changes nothing;
    outside IPython it does nothing.
    """
    try:
        shell = get_ipython()  # noqa: F821 -- defined inside IPython only
    except NameError:
        return
    show = getattr(shell._showtraceback, "_plain", shell._showtraceback)

    def friendly_showtraceback(etype, evalue, stb):
        try:
            message = explain_unfinished(evalue, evalue.__traceback__, shell.user_ns)
        except Exception:  # never let the explanation hide the error itself
            message = None
        if message is not None:
            stb = ["\x1b[1;31mNot finished yet\x1b[0m", message]
        return show(etype, evalue, stb)

    friendly_showtraceback._plain = show
    shell._showtraceback = friendly_showtraceback


@contextlib.contextmanager
def substitute(function, **names):
    """Temporarily rebind global names that ``function`` looks up.

    Example::

        with substitute(gradient_check, forward_propagation=my_forward):
            gradient_check(2, 4)

    Arguments:
    function -- a Python function; its module's (or notebook's) globals change
    names -- name=value pairs to bind while the ``with`` block runs

    Everything is put back afterwards, even when the block raises.
    """
    namespace = function.__globals__
    absent = object()
    saved = {name: namespace.get(name, absent) for name in names}
    namespace.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is absent:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def half_square_cost(X, Y, parameters):
    """A test cost with a known gradient: J = ||theta||^2 / 2.

    Use it in place of ``forward_propagation_n`` (same arguments; X and Y are
    ignored). Its gradient with respect to every parameter array is that array
    itself, and a centred difference of it is exact up to rounding.

    Returns:
    (cost, None) -- real number, and no cache
    """
    total = 0.0
    for array in parameters.values():
        total += 0.5 * float((array ** 2).sum())
    return total, None
