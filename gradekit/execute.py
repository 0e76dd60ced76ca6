"""nbgrader's Execute preprocessor, hardened for grading untrusted notebooks.

``GuardedExecute`` replaces nbgrader's ``Execute`` in
``Autograde.autograde_preprocessors`` (see nbgrader_config.py). It

* runs the kernel in the bubblewrap sandbox (gradekit.sandbox), and stops
  with a clear error when the sandbox cannot start, unless ``sandbox`` is
  explicitly switched off;
* runs test cells without their hidden block: the hidden checks run on the
  grader's side (gradekit.trusted), and a test cell's score is their
  verdict alone;
* survives a kernel that dies (os._exit, a segfault, the memory or CPU
  limit): the cell that killed it gets an error saying so, a new kernel is
  started, the cells before it are run again silently to rebuild the state,
  and grading goes on with the next cell;
* bounds each notebook's total running time (``notebook_timeout``, and the
  submission's deadline, gradekit.deadline) on top of nbgrader's per-cell
  timeout: cells not reached in time are marked as such;
* keeps at most ``max_output_bytes`` of output per cell, so a cell that
  prints gigabytes is still graded and the stored notebook stays small;
* does not run the locked cells named in ``skip_cells``, which only draw
  figures: no test needs them, and drawing costs a third of a notebook's
  running time.

What happened (crashes, timeouts, truncations) is recorded in
``resources["gradekit"]["events"]`` for the grading report.
"""

import signal
import time

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from traitlets import Bool, Integer, List

from nbgrader.preprocessors import Execute

from . import deadline as deadlines
from . import limits
from .harness import visible_source
from .sandbox import (DEFAULT_CPU_LIMIT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MEMORY_LIMIT,
                      SandboxedKernelManager, ensure_available, hidden_packages, record_peak)


def is_skipped(cell, grade_ids):
    """Whether ``cell`` is a locked cell named in ``grade_ids`` (figure cells
    that grading does not run). OverwriteCells has restored every locked
    cell's source from the gradebook, so such a cell is the instructor's code."""
    nbgrader = cell.metadata.get("nbgrader", {})
    return bool(nbgrader.get("locked")) and nbgrader.get("grade_id") in grade_ids


def _why_it_died(code):
    """Plain words for a kernel's exit status."""
    if code is None:
        return "it stopped responding"
    if code > 128 and code - 128 in signal.Signals._value2member_map_:
        code = -(code - 128)  # bwrap reports a child killed by signal N as 128 + N
    if code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number == signal.SIGSEGV:
            return "it crashed with a segmentation fault (SIGSEGV)"
        if number == signal.SIGXCPU:
            return "it used up its CPU-time limit (SIGXCPU)"
        if number == signal.SIGKILL:
            return "it was killed (SIGKILL), usually for running out of memory or CPU time"
        return f"it was killed by signal {name}"
    return f"it exited with status {code} (for example through os._exit or sys.exit)"


def join_streams(outputs):
    """The kernel's consecutive pieces of one stream as one output. How a
    print reaches the grader in pieces depends on timing; the graded
    notebook must not (the demo's committed results are compared byte for
    byte). Only the kernel's own outputs are joined: the grader's notes,
    added later, stay outputs of their own."""
    joined = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (last is not None and output.get("output_type") == "stream"
                and last.get("output_type") == "stream" and output.get("name") == last.get("name")
                and isinstance(output.get("text"), str) and isinstance(last.get("text"), str)):
            last["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def cell_name(cell, index):
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


class GuardedExecute(Execute):
    """Execute, sandboxed and able to recover from a dying kernel."""

    sandbox = Bool(
        True,
        help="Run student kernels in the bubblewrap sandbox. Switch off only on a machine "
             "where you trust the submissions: their code then runs as you.",
    ).tag(config=True)
    memory_limit = Integer(DEFAULT_MEMORY_LIMIT, help="Bytes of memory a kernel may use").tag(config=True)
    cpu_limit = Integer(DEFAULT_CPU_LIMIT, help="CPU seconds a kernel may use").tag(config=True)
    notebook_timeout = Integer(
        300, help="Seconds one notebook may run in all; cells not reached are not run").tag(config=True)
    max_output_bytes = Integer(
        100_000, help="Output kept per cell; the rest is dropped with a note").tag(config=True)
    max_message_bytes = Integer(
        DEFAULT_MAX_MESSAGE_BYTES,
        help="Largest single message accepted from a kernel; ZeroMQ refuses a larger one "
             "before it is read, so no output can grow the grader's memory").tag(config=True)
    max_restarts = Integer(3, help="Kernel restarts per notebook before giving up").tag(config=True)
    skip_cells = List(
        [], help="grade_ids of locked cells that only draw figures: not run while grading "
                 "(a student cannot change a locked cell, and no test needs a figure)",
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        try:
            if self.sandbox:
                ensure_available()
                limits.ensure(self.config)
        except Exception:
            # the regrade's process may have started already, in its group
            limits.finish(resources, "the notebook")
            raise
        if self.sandbox:
            self.kernel_manager_class = SandboxedKernelManager
        else:
            self.log.warning("Grading WITHOUT a sandbox: student code runs as you.")
            self.kernel_manager_class = AsyncKernelManager
        self._events = resources.setdefault("gradekit", {}).setdefault("events", [])
        self._started = time.monotonic()
        self._deadline = deadlines.start(resources, self.config)
        self._group = limits.start(resources, self.config) if self.sandbox else None
        self._restarts = 0
        self._dead_cells = set()
        self._output_bytes = {}
        finished = False
        try:
            result = super().preprocess(nb, resources, km)
            finished = True
            return result
        finally:
            # cells that killed or hung the kernel: the trusted regrade skips them too
            resources["gradekit"]["dead_cells"] = sorted(self._dead_cells)
            if not finished:  # no regrade follows: nothing of this submission may go on running
                limits.finish(resources, "the notebook")

    def _record_peak(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            record_peak(process.pid)

    def _cleanup_kernel(self):
        self._record_peak()
        super()._cleanup_kernel()

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if hasattr(self.kc, "seal"):
            self.kc.seal(self.km)  # no further connections to the grader's sockets
        return kc

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if isinstance(km, SandboxedKernelManager):
            km.memory_limit = self.memory_limit
            km.cpu_limit = self.cpu_limit
            km.max_message_bytes = self.max_message_bytes
            km.hide = hidden_packages(self.config)
            km.limits = limits.settings(self.config)
            km.group = self._group
        return km

    # ------------------------------------------------------------ time budget
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._skipped(cell):
            cell.outputs = [new_output("stream", name="stdout",
                                       text="[figure not drawn while grading]\n")]
            return cell, resources
        if self._restarts > self.max_restarts:
            self._not_run(cell, "the kernel died too often before this cell")
            return cell, resources
        if deadlines.left(self._deadline) <= 0:
            self._not_run(cell, "grading this submission used up all its time")
            return cell, resources
        if self._left() <= 0:
            self._not_run(cell, f"the notebook used up its {self.notebook_timeout} s of running time")
            return cell, resources
        source = cell.source
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = visible_source(source)  # the hidden checks run on the grader's side
        try:
            result = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died(cell, index)
            return cell, resources
        except CellTimeoutError:
            # interrupted, and still no answer: nbclient gives up on it
            self._kernel_stuck(cell, index)
            return cell, resources
        finally:
            cell.source = source
            limits.note_hits(resources, cell_name(cell, index), "kernel")
        self._note_truncation(cell, index)
        cell.outputs = join_streams(cell.outputs)
        timed_out = any(o.output_type == "error" and o.ename == "CellTimeoutError"
                        for o in cell.outputs)
        if timed_out and not self._responsive():
            # nbclient interrupted the kernel, but it did not stop (it may
            # ignore SIGINT): replace it, or every later cell would time out.
            self._kernel_stuck(cell, index)
        return result

    def _left(self):
        """Seconds this notebook may still run: its own budget and the
        submission's deadline, whichever comes first."""
        own = self.notebook_timeout - (time.monotonic() - self._started)
        return min(own, deadlines.left(self._deadline))

    def _get_timeout(self, cell):
        """nbclient's per-cell timeout, cut short by the time left."""
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._left()) + 1)
        return left if timeout is None else min(timeout, left)

    def _skipped(self, cell):
        return is_skipped(cell, self.skip_cells)

    def _kernel_stuck(self, cell, index):
        message = (f"This cell did not finish within {self.timeout} s and did not stop when "
                   "interrupted. The grader replaced the kernel, ran the cells above again "
                   "and went on with the next cell.")
        cell.outputs.append(new_output("error", ename="CellTimeoutError", evalue=message,
                                       traceback=[message]))
        self._events.append({"event": "kernel stuck", "cell": index})
        self._dead_cells.add(index)
        self._restart_and_replay(index)

    def _responsive(self, seconds=5):
        """Whether the kernel answers a trivial request within ``seconds``."""
        msg_id = self.kc.execute("pass", silent=True, store_history=False)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:  # queue.Empty or a closed channel: no answer
                return False
            if reply["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    def _not_run(self, cell, why):
        cell.outputs = [new_output("error", ename="NotRun", evalue=f"This cell was not run: {why}.",
                                   traceback=[f"This cell was not run: {why}."])]
        self._events.append({"event": "not run", "why": why})

    # ------------------------------------------------------------ crashes
    def _kernel_died(self, cell, index):
        process = getattr(self.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        why = _why_it_died(code)
        message = (f"The kernel died while running this cell: {why}. The grader started a "
                   "new kernel, ran the cells above again and went on with the next cell.")
        cell.outputs.append(new_output("error", ename="KernelDied", evalue=message,
                                       traceback=[message]))
        self._events.append({"event": "kernel died", "cell": index, "why": why})
        self._dead_cells.add(index)
        self._restart_and_replay(index)

    def _restart_and_replay(self, index):
        while self._restarts <= self.max_restarts:
            self._restarts += 1
            self._record_peak()
            run_sync(self.km.restart_kernel)(now=True)
            self.kc.stop_channels()
            run_sync(self.async_start_new_kernel_client)()
            try:
                for earlier in range(index):
                    if earlier not in self._dead_cells:
                        self._replay(self.nb.cells[earlier])
                return
            except DeadKernelError:
                self._dead_cells.add(earlier)
                self._events.append({"event": "kernel died during replay", "cell": earlier})

    def _replay(self, cell):
        """Run a cell again in the new kernel, leaving its outputs alone."""
        if cell.cell_type != "code" or not cell.source.strip() or self._skipped(cell):
            return
        source = visible_source(cell.source) if cell.metadata.get("nbgrader", {}).get("grade") \
            else cell.source
        msg_id = self.kc.execute(source, silent=True, store_history=False,
                                 allow_stdin=False, stop_on_error=False)
        run_sync(self.async_wait_for_reply)(msg_id, cell)

    # ------------------------------------------------------------ output cap
    def output(self, outs, msg, display_id, cell_index):
        size = len(str(msg.get("content", "")))
        used = self._output_bytes.get(cell_index, 0) + size
        self._output_bytes[cell_index] = used
        if used > self.max_output_bytes and msg["msg_type"] in (
                "stream", "display_data", "execute_result", "update_display_data", "error"):
            return None
        return super().output(outs, msg, display_id, cell_index)

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widgets are not kept while grading: a kernel could send comm
        messages without end, and nothing graded reads them."""
        return None

    def _note_truncation(self, cell, index):
        refused = self.kc.refused_messages() if hasattr(self.kc, "refused_messages") else 0
        if refused:
            cell.outputs.append(new_output(
                "stream", name="stdout",
                text=f"\n[output refused by the grader: this cell sent a message larger than "
                     f"{self.max_message_bytes:,} bytes; it was not read]\n"))
            self._events.append({"event": "output truncated", "cell": index,
                                 "why": f"a message over {self.max_message_bytes:,} bytes was refused"})
        used = self._output_bytes.get(index, 0)
        if used > self.max_output_bytes:
            cell.outputs.append(new_output(
                "stream", name="stdout",
                text=f"\n[output truncated by the grader: this cell printed {used:,} bytes; "
                     f"the first {self.max_output_bytes:,} are kept]\n"))
            self._events.append({"event": "output truncated", "cell": index, "bytes": used})
