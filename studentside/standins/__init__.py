"""Stand-ins: what a check binds in a student's function in place of the
functions it calls, so that each exercise is graded on its own.

A check names a stand-in by a spec, plain data that can cross the wire:
``("gradient_checking:cubic_cost", 21)`` means
``studentside.standins.gradient_checking.STANDINS["cubic_cost"](21)``.
Each course keeps its stand-ins in a module of this package. They are the
helpers every student is given (or known test functions): they run in the
sandbox, where a student's code can read and change them, so none of them
may compute an exercise's answer.
"""

import importlib
import re

_SPEC = re.compile(r"^([a-z_][a-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)$")


def spec(module, name, *args):
    """The spec of stand-in ``name`` of module ``module``, with ``args``."""
    return (f"{module}:{name}", *args)


def resolve_one(one):
    """The object a spec stands for; ValueError for anything else."""
    if not isinstance(one, (list, tuple)) or not one or not isinstance(one[0], str):
        raise ValueError(f"not a stand-in spec: {one!r}")
    match = _SPEC.match(one[0])
    if match is None:
        raise ValueError(f"not a stand-in name: {one[0]!r}")
    module = importlib.import_module(f"{__name__}.{match.group(1)}")
    factory = module.STANDINS.get(match.group(2))
    if factory is None:
        raise ValueError(f"no stand-in {one[0]!r}")
    return factory(*one[1:])


def resolve(names):
    """dict name -> object for a dict name -> spec."""
    return {str(name): resolve_one(one) for name, one in names.items()}
