"""The process that runs a student's code for the trusted regrade.

``python -m studentside.server`` runs in the sandbox. The first line on its
stdin is the spec (JSON: the notebook's code cells to run and a time limit
per cell); it runs those cells, then answers call requests from
gradekit.trusted (the grader's side), one JSON line each way, until its
stdin closes. No file is shared with the grader: the sandbox has nothing of
the host it can write.

It starts once per submission, so it imports as little as it can: the
standard library, studentside.wire (numpy) and the stand-ins. Modules that cost a lot to import and that only drawing
needs (matplotlib) are imported lazily: ``import matplotlib.pyplot as
plt`` in a cell binds a module that loads on first use, so code that draws
still works.
"""

import importlib
import importlib.machinery
import json
import os
import signal
import sys
import types

from . import wire
from .binding import bound, has_placeholders
from .standins import resolve

#: imported on first use instead of at ``import`` (see the module doc)
LAZY_MODULES = ("matplotlib", "matplotlib.pyplot")


class LazyModule(types.ModuleType):
    """Stands in for a module until its first use, then forwards every
    attribute to the real module, imported at that moment. Its own
    ``__spec__`` and ``__path__`` answer the import system without loading
    anything, so ``import matplotlib.pyplot as plt`` costs nothing."""

    def _load(self):
        real = self.__dict__.get("_real_module")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real_module"] = real
        return real

    def __getattr__(self, attribute):  # only for what the stand-in does not hold
        return getattr(self._load(), attribute)

    def __setattr__(self, attribute, value):
        setattr(self._load(), attribute, value)

    def __dir__(self):
        return dir(self._load())


def import_lazily(names=LAZY_MODULES):
    """Put LazyModule stand-ins for ``names`` into sys.modules (a submodule
    after its package); a module not installed is left alone."""
    for name in names:
        if name in sys.modules:
            continue
        parent, _, child = name.rpartition(".")
        if parent and not isinstance(sys.modules.get(parent), LazyModule):
            continue
        path = sys.modules[parent].__dict__.get("__path__") if parent else None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            continue
        module = LazyModule(name)
        module.__dict__.update(__spec__=spec, __loader__=spec.loader, __package__=spec.parent,
                               __file__=spec.origin)
        if spec.submodule_search_locations is not None:
            module.__dict__["__path__"] = list(spec.submodule_search_locations)
        sys.modules[name] = module
        if parent:
            sys.modules[parent].__dict__[child] = module


def serve():
    """Run in the sandbox: read the spec, execute the cells, then answer
    call requests.

    Requests come on stdin and answers go to stdout, one JSON line each; the
    student's own printing is sent to /dev/null so it cannot garble them.
    (Student code can still find these pipes and write on them: the grader
    reads them as untrusted data, with a size limit.)"""
    requests = os.fdopen(os.dup(0), "r")
    spec = json.loads(requests.readline())
    answers = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)

    def say(message):
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    def on_alarm(signum, frame):
        raise TimeoutError("the call took too long")

    signal.signal(signal.SIGALRM, on_alarm)
    # What the server itself needs, taken before any student code runs: a
    # cell may replace modules in sys.modules or attributes on them.
    for module in spec.get("standins", []):
        importlib.import_module(f"studentside.standins.{module}")
    trusted = (resolve, has_placeholders, bound)
    encode, decode = wire.encode, wire.decode
    import_lazily()
    namespace = {"__name__": "__main__"}
    sys.path.insert(0, os.getcwd())
    for index, source in spec["cells"]:
        say({"cell": index})
        signal.alarm(spec["timeout"])
        try:
            exec(compile(source, f"<cell {index}>", "exec"), namespace)
        except BaseException:  # the student's cell failed; so it did in the notebook
            pass
        finally:
            signal.alarm(0)
    say({"ready": True})
    for line in requests:
        request = json.loads(line)
        say(_answer(request, namespace, spec["timeout"], trusted, encode, decode))


def _answer(request, namespace, timeout, trusted, encode, decode):
    reply = {"id": request["id"]}
    function = namespace.get(request["function"])
    if not isinstance(function, types.FunctionType):
        reply.update(ok=False, error=f"NameError: {request['function']} is not defined",
                     unfinished=False)
        return reply
    resolve, has_placeholders, bound = trusted
    signal.alarm(timeout)
    try:
        args = decode(request["args"])
        kwargs = decode(request["kwargs"])
        names = resolve({k: tuple(v) for k, v in request["names"].items()})
        with bound(function, names):
            result = function(*args, **kwargs)
        reply.update(ok=True, result=encode(result), args=encode(list(args)))
    except BaseException as error:
        reply.update(ok=False, error=f"{type(error).__name__}: {error}",
                     unfinished=has_placeholders(function))
    finally:
        signal.alarm(0)
    return reply


if __name__ == "__main__":
    serve()
