"""Run student kernels inside a bubblewrap sandbox.

What a sandboxed kernel sees:

* the Python installation, this virtual environment and the ``gradekit``
  package, read-only, and the system's ``/usr``, read-only;
* the submission's folder (the notebook and the instructor's helper modules),
  read-only, as its working directory;
* a private, empty, writable ``/tmp`` (its home directory lives there);
* a network namespace of its own, with nothing in it: no network at all;
* its own process, IPC and hostname namespaces; it runs as an unprivileged
  user (uid 65534) with no capabilities;
* limits: address space (``memory_limit`` bytes, so a memory bomb becomes a
  MemoryError in the cell that allocates) and CPU seconds (``cpu_limit``,
  after which the kernel is killed).

What it does not see: the course's ``source/`` (solutions and hidden
tests), the gradebook, other students' work, the instructor's home folder,
the rest of ``/etc``, or any other kernel's connection file.

The kernel talks to nbgrader over IPC (unix sockets) in a private runtime
folder bound into the sandbox, because it has no network to use TCP on.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

import gradekit

BWRAP = "bwrap"
SANDBOX_UID = 65534
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3
DEFAULT_CPU_LIMIT = 600


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start on this machine."""


def _existing(paths):
    return [p for p in dict.fromkeys(paths) if p and os.path.exists(p)]


def read_only_paths():
    """Host paths every sandboxed kernel needs to read (and nothing more)."""
    package = str(Path(gradekit.__file__).resolve().parent)
    return _existing([sys.base_prefix, sys.prefix, package,
                      os.path.realpath(sys.executable)])


def command(argv, workdir, runtime_dir, memory_limit=DEFAULT_MEMORY_LIMIT,
            cpu_limit=DEFAULT_CPU_LIMIT, env=None):
    """The bwrap command line that runs ``argv`` in the sandbox.

    Arguments:
    argv -- list of str, the program and its arguments (paths as on the host)
    workdir -- str, folder bound read-only and used as working directory
    runtime_dir -- str, folder bound read-write at the same path (the
                   kernel's connection file and sockets), or None
    memory_limit -- int, bytes of address space (RLIMIT_AS)
    cpu_limit -- int, CPU seconds (RLIMIT_CPU)
    env -- dict of extra environment variables for the sandboxed program

    Returns:
    list of str
    """
    environment = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": "/tmp/home/matplotlib",
        "IPYTHONDIR": "/tmp/home/ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    environment.update(env or {})
    # The private /tmp comes first: mounted later, it would hide every bind
    # below it (a course, or its .venv, that lives under /tmp).
    cmd = [BWRAP, "--unshare-all", "--unshare-user",
           "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
           "--die-with-parent", "--new-session", "--clearenv",
           "--tmpfs", "/tmp", "--dir", "/tmp/home",
           "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        target = os.path.join("/", name)
        if os.path.islink(target):
            cmd += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            cmd += ["--ro-bind", target, target]
    for path in _existing(["/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/fonts"]):
        cmd += ["--ro-bind", path, path]
    for path in read_only_paths():
        cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--ro-bind", str(workdir), str(workdir)]
    if runtime_dir:
        cmd += ["--bind", str(runtime_dir), str(runtime_dir)]
    cmd += ["--chdir", str(workdir)]
    for key, value in environment.items():
        cmd += ["--setenv", key, value]
    cmd += ["--", "prlimit", f"--as={int(memory_limit)}", f"--cpu={int(cpu_limit)}",
            "--core=0", "--", *argv]
    return cmd


def check_available():
    """Raise SandboxUnavailable, saying why and what to do, unless a
    sandboxed program can run here."""
    if shutil.which(BWRAP) is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student code cannot be sandboxed. "
            "Install it (Debian/Ubuntu: apt-get install bubblewrap; ./course setup does "
            "this when run as root), or run nbgrader with --GuardedExecute.sandbox=False "
            "to grade WITHOUT a sandbox on a machine you trust the submissions not to harm.")
    with tempfile.TemporaryDirectory() as workdir:
        probe = command([sys.executable, "-c", "print('ok')"], workdir, None)
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or result.stdout.strip() != "ok":
        raise SandboxUnavailable(
            "bubblewrap is installed but could not start a sandbox here "
            f"(exit {result.returncode}): {result.stderr.strip()[:500]}. Grading stops "
            "rather than run student code unsandboxed; see README, 'Sandbox'.")


_AVAILABLE = False

#: the largest peak memory of a sandboxed process measured since take_peak()
_PEAK = {"bytes": 0}


def record_peak(pid):
    """Note the peak resident memory (VmHWM) of process ``pid`` and of its
    descendants (a sandbox is bwrap, its init, then the program), while they
    are still alive."""
    import psutil
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for process in processes:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        _PEAK["bytes"] = max(_PEAK["bytes"], int(line.split()[1]) * 1024)
        except OSError:
            continue


def take_peak():
    """Bytes: the largest peak recorded since the last call (0 if none)."""
    peak, _PEAK["bytes"] = _PEAK["bytes"], 0
    return peak


def ensure_available():
    """check_available, once per process (its answer does not change)."""
    global _AVAILABLE
    if not _AVAILABLE:
        check_available()
        _AVAILABLE = True


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox (see module doc).

    Each kernel gets a private runtime folder for its connection file and
    IPC sockets; it is removed when the kernel is cleaned up.
    """

    memory_limit = Integer(DEFAULT_MEMORY_LIMIT, help="Bytes of address space").tag(config=True)
    cpu_limit = Integer(DEFAULT_CPU_LIMIT, help="CPU seconds per kernel").tag(config=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        self._runtime_dirs = []

    async def _async_pre_start_kernel(self, **kw):
        runtime = tempfile.mkdtemp(prefix="gradekit-kernel-")
        os.chmod(runtime, 0o777)  # the sandbox user creates its sockets here
        self._runtime_dirs.append(runtime)
        self.connection_file = os.path.join(runtime, "kernel.json")
        self.ip = os.path.join(runtime, "ipc")
        # A signal would reach bwrap, not the kernel: interrupt by message.
        self.kernel_spec.interrupt_mode = "message"
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        workdir = kw.pop("cwd", None) or os.getcwd()
        cmd = command(cmd, workdir, runtime, self.memory_limit, self.cpu_limit)
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        # what the kernel prints on its own (start-up notes) is noise to a grader
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return cmd, kw

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        while self._runtime_dirs:
            shutil.rmtree(self._runtime_dirs.pop(), ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
