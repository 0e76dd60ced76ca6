"""The trusted verdict: every test cell is graded on the grader's side.

A student's notebook runs in one Python process with whatever its test
cells call, so a cell can replace anything a test relies on, and whatever
reaches a test cell's outputs (an ``execute_result``, a write to stderr)
decides its score in stock nbgrader. No test that runs in that kernel, and
no output of it, can be trusted. So:

* the kernel runs each test cell without its hidden block (gradekit.execute);
* ``TrustedRegrade`` runs each test cell's registered check
  (gradekit.harness) in this, the grader's, process, which never runs
  student code. The check calls the student's functions in a fresh
  sandboxed process (``python -m studentside.server``), which ran the
  notebook's other code cells; arguments and results cross a pipe as plain
  data (studentside.wire), read with a size limit, so whatever the
  student's code patches there only changes what their own functions
  return;
* the test cell's outputs are then rebuilt from the verdict alone: what the
  cell printed in the kernel, as plain text, followed by the verdict (a
  pass note, or the failure as the cell's only error). Nothing the
  student's code printed, displayed or published can raise or lower the
  score, and a passing test whose code wrote to stderr keeps its points.

One deadline (gradekit.deadline) covers the kernel, the trusted process and
every call: tests not verified by then get no points, and the status says
why.
"""

import json
import os
import re
import secrets
import select
import signal
import subprocess
import sys
import time

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, List, Unicode

from studentside import wire

from . import deadline as deadlines
from . import limits
from . import harness, mistakes, sandbox
from .exceptions import StudentError
from .execute import is_skipped


#: where a limit the trusted regrade's process reached is said to be reached
REGRADE_RUN = "the trusted regrade's run of the notebook's code cells"


class DeadlineReached(Exception):
    """The submission's deadline passed while a check waited on the student's code."""


class TrustedRegradeError(RuntimeError):
    """The trusted regrade cannot grade this notebook (its process cannot
    start, or a test cell has no registered check)."""


# ------------------------------------------------------------ grader side

class StudentProcess:
    """The sandboxed process that runs one notebook's cells
    (studentside.server).

    ``launch`` starts it and returns at once, so it can run the cells while
    the notebook's kernel runs them too; ``wait_until_ready`` then waits for
    it. ``close`` stops it. Everything it says is read as untrusted data:
    lines longer than ``max_line_bytes`` end it, and every wait ends at the
    submission's ``deadline`` (time.monotonic() seconds)."""

    def __init__(self, cells, standins, workdir, timeout, deadline=None, use_sandbox=True,
                 memory_limit=None, cpu_limit=None, hide=(), max_line_bytes=1024 ** 2,
                 limits=None, group=None, on_ready=None):
        self.limits, self.group = limits, group  # gradekit.limits: settings, control group
        #: called when it has run the notebook's cells
        self.on_ready = on_ready
        self.cells, self.standins, self.workdir = cells, list(standins), str(workdir)
        self.timeout, self.use_sandbox, self.hide = timeout, use_sandbox, tuple(hide)
        self.memory_limit, self.cpu_limit = memory_limit, cpu_limit
        self.deadline = deadline if deadline is not None else time.monotonic() + 10 * timeout + 60
        self.max_line_bytes = max_line_bytes
        self.process = None
        self.skipped = set()

    def _left(self, seconds):
        """``seconds``, or less if the deadline comes first; raises
        DeadlineReached when it has passed."""
        left = deadlines.left(self.deadline)
        if left <= 0:
            raise DeadlineReached()
        return min(seconds, left)

    def wait_until_ready(self):
        """Wait until it has run the cells; a cell that kills or hangs it is
        left out and it starts again. Raises TrustedRegradeError if it
        cannot start at all (then grading of this submission fails, loudly,
        rather than go unchecked), DeadlineReached at the deadline."""
        if self.process is None:
            self.launch()
        while True:
            culprit = self._wait_for_cells()
            if culprit is None:
                return
            self.stop()
            if culprit == -1 or culprit in self.skipped:
                raise TrustedRegradeError("the trusted regrade could not start the process that "
                                          "runs the student's code")
            self.skipped.add(culprit)
            self.launch()

    def start(self):
        """Launch it and wait until it is ready."""
        self.launch()
        self.wait_until_ready()

    def launch(self):
        """Start it (without the cells that killed or hung it before) and
        send it its spec on stdin: no file is shared with the sandbox."""
        cells = [c for c in self.cells if c[0] not in self.skipped]
        spec = {"cells": cells, "standins": self.standins, "timeout": self.timeout}
        # -I: the working folder (which holds the student's files) is not on
        # sys.path while our code starts; the server adds it for the cells.
        argv = [sys.executable, "-I", "-m", "studentside.server"]
        if self.use_sandbox:
            sandbox.ensure_available()
            argv = sandbox.command(argv, self.workdir, None,
                                   self.memory_limit or sandbox.DEFAULT_MEMORY_LIMIT,
                                   self.cpu_limit or sandbox.DEFAULT_CPU_LIMIT,
                                   env={"MPLBACKEND": "Agg"}, hide=self.hide,
                                   limits=self.limits, group=self.group, part="regrade")
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            env = dict(os.environ, MPLBACKEND="Agg")
        self._buffer = b""
        self.process = subprocess.Popen(argv, cwd=self.workdir, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self._send(spec)

    def _send(self, message):
        """Write one line to it, without ever blocking past the deadline
        (a process that does not read would fill the pipe)."""
        data = (json.dumps(message) + "\n").encode()
        fd = self.process.stdin.fileno()
        os.set_blocking(fd, False)
        while data:
            left = deadlines.left(self.deadline)
            if left <= 0:
                return False
            _, ready, _ = select.select([], [fd], [], left)
            if not ready:
                return False
            try:
                data = data[os.write(fd, data[:65536]):]
            except BlockingIOError:
                continue
            except OSError:
                return False
        return True

    def _read(self, seconds):
        """The next message (a dict), or None if none came in time, it
        died, or it said something that is not one (then it is stopped).

        Reads the pipe's raw bytes into a buffer of its own (select() on a
        buffered file says "nothing to read" while a whole line may already
        sit in the file's buffer), and never more than ``max_line_bytes``
        before a line ends."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            if len(self._buffer) > self.max_line_bytes:
                self.stop()
                return None
            left = min(deadline - time.monotonic(), deadlines.left(self.deadline))
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
        if len(line) > self.max_line_bytes:
            self.stop()
            return None
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            return {"garbled": True}
        return message if isinstance(message, dict) else {"garbled": True}

    def _wait_for_cells(self):
        """None when ready; else the index of the cell that it died or hung in."""
        current = None
        while True:
            message = self._read(self._left(self.timeout + 3))
            if message is None:
                self._left(0)  # DeadlineReached if that is why
                return current if current is not None else -1
            if isinstance(message.get("cell"), int):
                current = message["cell"]
            elif message.get("ready") is True:
                if self.on_ready:
                    self.on_ready()
                return None

    def request(self, payload):
        """Send one call; returns its reply dict, or raises StudentError
        (DeadlineReached at the deadline).

        A call that hangs or kills the process fails; the process is started
        again for the next call, so one bad function costs only its own
        checks."""
        self._left(0)
        if self.process.poll() is not None:
            self.start()
        payload = dict(payload, id=secrets.token_hex(8))
        if not self._send(payload):
            raise StudentError("the process running your code had stopped", kind=StudentError.NO_REPLY)
        wait = self._left(self.timeout + 3)
        until = time.monotonic() + wait
        while time.monotonic() < until:
            reply = self._read(max(0.1, until - time.monotonic()))
            if reply is None:
                break
            if reply.get("id") == payload["id"]:
                return reply
        self.stop()
        self._left(0)
        raise StudentError("the call did not come back (it hung or the process died)",
                           kind=StudentError.NO_REPLY)

    def stop(self):
        if self.process and self.process.poll() is None:
            sandbox.record_peak(self.process.pid)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def close(self):
        self.stop()
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass


class Remote:
    """Stands in for a student's function inside a check: calls it in the
    StudentProcess and returns plain data."""

    def __init__(self, name, process):
        self.__name__ = name
        self.process = process

    def call(self, args, kwargs, names):
        reply = self.process.request({
            "function": self.__name__,
            "args": wire.encode(list(args)), "kwargs": wire.encode(dict(kwargs)),
            "names": {k: list(v) for k, v in names.items()}})
        if reply.get("ok") is not True:
            # (the text is the student's; the kind is ours: it raised)
            raise StudentError(str(reply.get("error", "it failed"))[:2000],
                               reply.get("unfinished") is True, StudentError.RAISED)
        try:
            result = wire.decode(reply["result"])
            after = wire.decode(reply["args"])
        except Exception:  # anything malformed: KeyError, ValueError, RecursionError, ...
            raise StudentError("it sent back something that is not a value",
                               kind=StudentError.UNREADABLE) from None
        if isinstance(after, list):
            for original, changed in zip(args, after):
                if isinstance(original, dict) and isinstance(changed, dict):
                    original.clear()
                    original.update(changed)  # so a check sees what the call did to its inputs
        return result


_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(outputs, limit=10_000):
    """What a cell showed, as plain text: streams, text/plain results and
    errors' one-line summaries, without terminal escapes or control
    characters, at most ``limit`` characters."""
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
        elif kind in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain", "")
            text = text + "\n" if text else ""
        elif kind == "error":
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}\n"
        else:
            text = ""
        parts.append(text if isinstance(text, str) else "".join(map(str, text)))
    text = _CONTROL.sub("", "".join(parts))
    if len(text) > limit:
        text = text[:limit] + f"\n[... {len(text) - limit:,} more characters not shown]\n"
    return text


class TrustedRegrade(NbGraderPreprocessor):
    """Grade every test cell with its registered check, out of the student's
    reach, and rebuild its outputs from the verdict (see the module doc);
    put this right after the execute step, and ``StartTrustedRegrade``
    right before it."""

    check_modules = List(
        Unicode(), [], help="Modules holding the course's checks, registered by grade_id "
                            "(gradekit.harness); imported on the grader's side only").tag(config=True)
    skip_cells = List(
        [], help="grade_ids of locked cells not needed to grade (figures only)").tag(config=True)
    timeout = Integer(30, help="Seconds for one cell or one call into the student's code").tag(config=True)
    max_reply_bytes = Integer(
        1024 ** 2, help="Largest message accepted from the process that runs the student's "
                        "code; a longer one ends that process").tag(config=True)
    enabled = Bool(True, help="Must stay True: test cells are graded only by their trusted "
                              "verdict. Turning it off is refused.").tag(config=True)

    def _tests(self, nb):
        """(index, cell, Check) of each test cell; TrustedRegradeError for a
        test cell that has no registered check."""
        try:
            return harness.checks_of(nb, self.check_modules)
        except ValueError as error:
            raise TrustedRegradeError(str(error)) from None

    def _student_process(self, nb, resources, tests, leave_out=()):
        """A StudentProcess, launched, for the notebook's code cells other
        than the tests, the skipped cells and ``leave_out`` (indices)."""
        if not self.enabled:
            raise TrustedRegradeError("TrustedRegrade.enabled is False: test cells can only be "
                                      "graded by their trusted verdict")
        test_indices = {index for index, _, _ in tests}
        cells = [[i, c.source] for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and i not in test_indices and i not in leave_out
                 and not is_skipped(c, self.skip_cells)]
        guarded = self.config.get("GuardedExecute", {})
        use_sandbox = guarded.get("sandbox", True)
        if use_sandbox:
            sandbox.ensure_available()
            limits.ensure(self.config)  # LimitsUnavailable, saying why, if no group can be made
        student = StudentProcess(
            cells, (), resources["metadata"]["path"], self.timeout,
            deadline=deadlines.start(resources, self.config),
            use_sandbox=use_sandbox,
            memory_limit=guarded.get("memory_limit"), cpu_limit=guarded.get("cpu_limit"),
            hide=sandbox.hidden_packages(self.config), max_line_bytes=self.max_reply_bytes,
            limits=limits.settings(self.config),
            group=limits.start(resources, self.config) if use_sandbox else None,
            # (the process runs ahead of what is read from its pipe, so its
            # limits are looked at once it has run the cells, not per cell)
            on_ready=lambda: limits.note_hits(resources, REGRADE_RUN, "regrade"))
        student.launch()
        return student

    def preprocess(self, nb, resources):
        gradekit = resources.setdefault("gradekit", {})
        student = gradekit.pop("trusted_process", None)
        try:
            tests = self._tests(nb)
            if not tests:
                return nb, resources
            if student is None:
                # not started early: leave out the cells that killed or hung the kernel
                student = self._student_process(nb, resources, tests, gradekit.get("dead_cells", []))
            verdicts, diagnoses = self._verdicts(student, tests)
        finally:
            if student is not None:
                student.close()
            # the submission's last sandbox has ended: its group goes too
            limits.finish(resources)
        # what each failing test cell diagnosed, for the status record
        # (gradekit.status.RecordStatus) and the class report
        gradekit["diagnoses"] = diagnoses
        events = gradekit.setdefault("events", [])
        late = [cell.metadata["nbgrader"]["grade_id"] for _, cell, _ in tests
                if verdicts[id(cell)] is DeadlineReached]
        if late:
            seconds = gradekit.get("deadline_seconds")
            events.append({"event": "deadline reached", "why": (
                f"grading took its whole {seconds} s; tests not verified in time (no points): "
                + ", ".join(late))})
        for _, cell, _ in tests:
            self._rebuild(cell, verdicts[id(cell)], events)
        return nb, resources

    def _verdicts(self, student, tests):
        """(verdicts, diagnoses): id(cell) -> None (passed), a failure
        message, or DeadlineReached; and grade_id -> the id of the mistake
        each failing test cell diagnosed (gradekit.mistakes), decided here,
        on the grader's side, from the check's own exception or from what
        happened (never from anything the student's code printed or said)."""
        verdicts, diagnoses = {}, {}
        late = False
        try:
            student.wait_until_ready()
        except DeadlineReached:
            late = True
        for _, cell, check in tests:
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            if late:
                verdicts[id(cell)] = DeadlineReached
                diagnoses[grade_id] = mistakes.qualified(check.exercise, "not_verified")
                continue
            try:
                check.run(Remote(check.function, student))
                verdicts[id(cell)] = None
            except AssertionError as failure:
                verdicts[id(cell)] = str(failure)
                diagnoses[grade_id] = check.mistake_id(failure)
            except DeadlineReached:
                late = True
                student.stop()
                verdicts[id(cell)] = DeadlineReached
                diagnoses[grade_id] = mistakes.qualified(check.exercise, "not_verified")
            except Exception as error:  # what the function returned broke the check itself
                self.log.warning("check %s.%s raised %r: a check should fail with "
                                 "AssertionError", check.module, check.name, error)
                verdicts[id(cell)] = (
                    f"{check.function} returned something the test could not read "
                    f"({type(error).__name__}: {str(error)[:300]})")
                diagnoses[grade_id] = mistakes.qualified(check.exercise, "unreadable_result")
        return verdicts, diagnoses

    @staticmethod
    def _rebuild(cell, verdict, events):
        """The test cell's outputs, from its verdict alone."""
        kernel_failed = any(o.get("output_type") == "error" or
                            (o.get("output_type") == "stream" and o.get("name") == "stderr")
                            for o in cell.outputs)
        printed = plain_text(cell.outputs)
        cell.outputs = [new_output("stream", name="stdout", text=printed)] if printed else []
        if verdict is None:
            cell.outputs.append(new_output("stream", name="stdout",
                                           text="[grader] All of this test's checks passed.\n"))
            return
        if verdict is DeadlineReached:
            message = ("This test was not verified: grading this submission used up all its "
                       "time before it got here.")
        else:
            message = verdict
            if not kernel_failed:
                events.append({"event": "trusted regrade overruled the notebook",
                               "cell": cell.metadata["nbgrader"]["grade_id"], "message": message})
        cell.outputs.append(new_output("error", ename="AssertionError", evalue=message,
                                       traceback=[f"AssertionError: {message}"]))


class StartTrustedRegrade(TrustedRegrade):
    """Put right before the execute step: starts the submission's deadline
    and the trusted process at once, so that it runs the notebook's cells
    while the kernel does, instead of after it. Takes TrustedRegrade's
    settings; TrustedRegrade uses the process it started. Cells that kill
    or hang the process are left out of it by the process's own restarts
    (see StudentProcess.wait_until_ready)."""

    def preprocess(self, nb, resources):
        deadlines.start(resources, self.config)
        tests = self._tests(nb)
        if tests:
            resources.setdefault("gradekit", {})["trusted_process"] = \
                self._student_process(nb, resources, tests)
        return nb, resources
