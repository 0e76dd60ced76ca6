"""Grade the hidden tests again, where student code cannot reach them.

A student's notebook runs in one Python process with the tests, so a cell
can replace anything a test relies on: numpy's functions, ``sys.modules``,
the checks themselves, IPython's error reporting. No test that runs in that
kernel can be trusted. So after nbgrader has executed a notebook,
``TrustedRegrade`` runs every hidden check again:

* in this (the grader's) process, which never runs student code, run the
  check functions themselves;
* in a fresh sandboxed process (``python -m gradekit.student_server``), run the
  notebook's other code cells, then call the student's functions when a
  check asks, with the check's stand-ins bound in their globals. Arguments
  and results cross the pipe as plain data (gradekit.wire): whatever the
  student's code patches there only changes what their own functions
  return.

A test cell keeps its points only if it passed in the notebook *and* here.
When the notebook said "passed" but the trusted run did not, the cell gets
the trusted failure as its error, and the event is recorded.
"""

import importlib
import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, List

from . import sandbox, wire
from .execute import is_skipped
from .checks.gradient_checking import StudentError

HIDDEN_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(\w+)\s+as\s+(\w+)\s*$", re.M)
HIDDEN_CALL = re.compile(r"^(\w+)\.(check_\w+)\((\w+)\)\s*$", re.M)


def hidden_calls(source):
    """The (module, check, function name) calls of a test cell's hidden block."""
    block = source.split("### BEGIN HIDDEN TESTS")[-1].split("### END HIDDEN TESTS")[0] \
        if "### BEGIN HIDDEN TESTS" in source else ""
    aliases = {alias: f"{package}.{module}" for package, module, alias in HIDDEN_IMPORT.findall(block)}
    return [(aliases[alias], check, function) for alias, check, function in HIDDEN_CALL.findall(block)
            if alias in aliases]


# ------------------------------------------------------------ grader side

class StudentProcess:
    """The sandboxed process that runs one notebook's cells (see
    gradekit.student_server).

    ``launch`` starts it and returns at once, so it can run the cells while
    the notebook's kernel runs them too; ``wait_until_ready`` then waits for
    it. ``close`` stops it and removes its scratch folder."""

    def __init__(self, cells, modules, workdir, timeout, use_sandbox=True, memory_limit=None,
                 cpu_limit=None):
        self.cells, self.modules, self.workdir, self.timeout = cells, modules, str(workdir), timeout
        self.use_sandbox, self.memory_limit, self.cpu_limit = use_sandbox, memory_limit, cpu_limit
        self.scratch = tempfile.mkdtemp(prefix="gradekit-trusted-")
        os.chmod(self.scratch, 0o755)
        self.process = None
        self.skipped = set()

    def wait_until_ready(self):
        """Wait until it has run the cells; a cell that kills or hangs it is
        left out and it starts again. Raises RuntimeError if it cannot start
        at all (then grading of this submission fails, loudly, rather than
        go unchecked)."""
        if self.process is None:
            self.launch()
        while True:
            culprit = self._wait_for_cells()
            if culprit is None:
                return
            self.stop()
            if culprit == -1 or culprit in self.skipped:
                raise RuntimeError("the trusted regrade could not start the process that runs "
                                   "the student's code")
            self.skipped.add(culprit)
            self.launch()

    def start(self):
        """Launch it and wait until it is ready."""
        self.launch()
        self.wait_until_ready()

    def launch(self):
        """Start it (without the cells that killed or hung it before)."""
        cells = [c for c in self.cells if c[0] not in self.skipped]
        spec = os.path.join(self.scratch, "spec.json")
        with open(spec, "w") as handle:
            json.dump({"cells": cells, "modules": self.modules, "timeout": self.timeout}, handle)
        argv = [sys.executable, "-m", "gradekit.student_server", spec]
        if self.use_sandbox:
            sandbox.ensure_available()
            argv = sandbox.command(argv, self.workdir, self.scratch,
                                   self.memory_limit or sandbox.DEFAULT_MEMORY_LIMIT,
                                   self.cpu_limit or sandbox.DEFAULT_CPU_LIMIT,
                                   env={"MPLBACKEND": "Agg"})
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            env = dict(os.environ, MPLBACKEND="Agg")
        self._buffer = b""
        self.process = subprocess.Popen(argv, cwd=self.workdir, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        start_new_session=True)

    def _read(self, seconds):
        """The next message, or None if none came in time or it died.

        Reads the pipe's raw bytes into a buffer of its own: select() on a
        buffered file says "nothing to read" while a whole line may already
        sit in the file's buffer."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"garbled": line[:200].decode(errors="replace")}

    def _wait_for_cells(self):
        """None when ready; else the index of the cell that it died or hung in."""
        current = None
        while True:
            message = self._read(self.timeout + 3)
            if message is None:
                return current if current is not None else -1
            if "cell" in message:
                current = message["cell"]
            elif message.get("ready"):
                return None

    def request(self, payload):
        """Send one call; returns its reply dict, or raises StudentError.

        A call that hangs or kills the process fails; the process is started
        again for the next call, so one bad function costs only its own
        checks."""
        if self.process.poll() is not None:
            self.start()
        payload = dict(payload, id=secrets.token_hex(8))
        try:
            self.process.stdin.write((json.dumps(payload) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise StudentError("the process running your code had stopped") from None
        deadline = time.monotonic() + self.timeout + 3
        while time.monotonic() < deadline:
            reply = self._read(max(0.1, deadline - time.monotonic()))
            if reply is None:
                break
            if reply.get("id") == payload["id"]:
                return reply
        self.stop()
        raise StudentError("the call did not come back (it hung or the process died)")

    def stop(self):
        if self.process and self.process.poll() is None:
            sandbox.record_peak(self.process.pid)
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def close(self):
        self.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


class Remote:
    """Stands in for a student's function inside a check: calls it in the
    StudentProcess and returns plain data."""

    def __init__(self, name, process, module):
        self.__name__ = name
        self.process, self.module = process, module

    def call(self, args, kwargs, names):
        reply = self.process.request({
            "function": self.__name__, "module": self.module,
            "args": wire.encode(list(args)), "kwargs": wire.encode(dict(kwargs)),
            "names": {k: list(v) for k, v in names.items()}})
        if not reply.get("ok"):
            raise StudentError(str(reply.get("error", "it failed")), bool(reply.get("unfinished")))
        try:
            result = wire.decode(reply["result"])
            after = wire.decode(reply["args"])
        except (KeyError, ValueError, TypeError):
            raise StudentError("it sent back something that is not a value") from None
        for original, changed in zip(args, after):
            if isinstance(original, dict) and isinstance(changed, dict):
                original.clear()
                original.update(changed)  # so a check sees what the call did to its inputs
        return result


class TrustedRegrade(NbGraderPreprocessor):
    """Run every test cell's hidden checks again in a trusted process (see
    the module doc); put this right after the execute step, and
    ``StartTrustedRegrade`` right before it."""

    enabled = Bool(True, help="Regrade hidden tests outside the student's kernel").tag(config=True)
    skip_cells = List(
        [], help="grade_ids of locked cells not needed to grade (figures only)").tag(config=True)
    timeout = Integer(30, help="Seconds for one cell or one call").tag(config=True)

    @staticmethod
    def _tests(nb):
        """(index, cell, hidden calls) of each test cell that has hidden checks."""
        tests = [(index, cell, hidden_calls(cell.source)) for index, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")]
        return [t for t in tests if t[2]]

    def _student_process(self, nb, resources, tests, leave_out=()):
        """A StudentProcess, launched, for the notebook's code cells other
        than the tests, the skipped cells and ``leave_out`` (indices)."""
        test_indices = {index for index, _, _ in tests}
        cells = [[i, c.source] for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and i not in test_indices and i not in leave_out
                 and not is_skipped(c, self.skip_cells)]
        guarded = self.config.get("GuardedExecute", {})
        student = StudentProcess(
            cells, sorted({module for _, _, calls in tests for module, _, _ in calls}),
            resources["metadata"]["path"], self.timeout,
            use_sandbox=guarded.get("sandbox", True),
            memory_limit=guarded.get("memory_limit"), cpu_limit=guarded.get("cpu_limit"))
        student.launch()
        return student

    def preprocess(self, nb, resources):
        gradekit = resources.setdefault("gradekit", {})
        student = gradekit.pop("trusted_process", None)
        tests = self._tests(nb) if self.enabled else []
        if not tests:
            if student is not None:
                student.close()
            return nb, resources
        events = gradekit.setdefault("events", [])
        if student is None:
            # not started early: leave out the cells that killed or hung the kernel
            student = self._student_process(nb, resources, tests, gradekit.get("dead_cells", []))
        try:
            student.wait_until_ready()
            for index, cell, calls in tests:
                message = self._check(student, calls)
                passed_in_notebook = not any(
                    o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")
                    for o in cell.outputs)
                if message is not None and passed_in_notebook:
                    cell.outputs.append(new_output(
                        "error", ename="AssertionError", evalue=message,
                        traceback=[f"AssertionError: {message}"]))
                    events.append({"event": "trusted regrade overruled the notebook",
                                   "cell": cell.metadata["nbgrader"]["grade_id"],
                                   "message": message})
        finally:
            student.close()
        return nb, resources

    @staticmethod
    def _check(student, calls):
        """None if every check passes, else the first failure's message."""
        for module_name, check_name, function_name in calls:
            check = getattr(importlib.import_module(module_name), check_name)
            try:
                check(Remote(function_name, student, module_name))
            except AssertionError as failure:
                return str(failure)
        return None


class StartTrustedRegrade(TrustedRegrade):
    """Put right before the execute step: starts the trusted process at once,
    so that it runs the notebook's cells while the kernel does, instead of
    after it. Takes TrustedRegrade's settings; TrustedRegrade uses the
    process it started. Cells that kill or hang the process are left out of
    it by the process's own restarts (see StudentProcess.wait_until_ready)."""

    def preprocess(self, nb, resources):
        tests = self._tests(nb) if self.enabled else []
        if tests:
            resources.setdefault("gradekit", {})["trusted_process"] = \
                self._student_process(nb, resources, tests)
        return nb, resources

