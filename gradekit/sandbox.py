"""Run student code inside a bubblewrap sandbox.

What a sandboxed process sees:

* the Python installation and this virtual environment, read-only, and the
  system's ``/usr``, read-only; of our own code, only the ``studentside``
  package (the engine, ``gradekit``, and the course's checks are hidden
  under empty read-only folders even when they are installed in the
  environment);
* the submission's folder (the notebook and the instructor's helper
  modules), read-only, as its working directory;
* for a kernel, its runtime folder (connection file and the sockets the
  grader bound), read-only;
* a private, empty, writable ``/tmp`` (its home directory lives there);
* a network namespace of its own, with nothing in it: no network at all;
* its own process, IPC and hostname namespaces; it runs as an unprivileged
  user (uid 65534) with no capabilities;
* limits: address space (``memory_limit`` bytes, so a memory bomb becomes a
  MemoryError in the cell that allocates) and CPU seconds (``cpu_limit``,
  after which the process is killed).

It shares no writable path with the host: nothing it can write is ever
opened by the grader afterwards. The kernel does not bind its sockets (that
would need a writable folder): the grader binds them in a folder of its own
(mode 0700) and the kernel connects (studentside.kernel). Every message the
grader receives from a kernel is refused by ZeroMQ above
``max_message_bytes``, before it is read into memory.

What it does not see: the course's ``source/`` (solutions and hidden
tests), the gradebook, other students' work, the instructor's home folder,
the rest of ``/etc``, or any other kernel's runtime folder.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq
from zmq.utils.monitor import parse_monitor_message
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Type

import studentside

from .exceptions import SandboxUnavailable  # noqa: F401 -- raised here, defined with the others

BWRAP = "bwrap"
SANDBOX_UID = 65534
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3
DEFAULT_CPU_LIMIT = 600
#: largest message the grader accepts from a kernel (ZMQ_MAXMSGSIZE)
DEFAULT_MAX_MESSAGE_BYTES = 1024 ** 2
#: messages that may wait, unread, on the grader's shell or iopub socket
#: (so at most this many times the largest message is ever queued)
QUEUED_MESSAGES = 8
#: how long (ms) a request to a kernel waits for the kernel to connect
SEND_WAIT_MS = 10_000
#: our own packages a sandbox never sees, besides those a course names
ALWAYS_HIDDEN = ("gradekit",)


def _existing(paths):
    return [p for p in dict.fromkeys(paths) if p and os.path.exists(p)]


def read_only_paths():
    """Host paths every sandboxed process needs to read (and nothing more)."""
    package = str(Path(studentside.__file__).resolve().parent)
    return _existing([sys.base_prefix, sys.prefix, package,
                      os.path.realpath(sys.executable)])


def package_folder(name):
    """The folder of top-level package ``name`` on this host, found without
    importing it, or None."""
    try:
        spec = importlib.util.find_spec(name.split(".")[0])
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def hidden_packages(config):
    """Top-level packages of the course's checks (TrustedRegrade.check_modules
    in ``config``), which a sandbox must never see."""
    modules = config.get("TrustedRegrade", {}).get("check_modules", [])
    return tuple(dict.fromkeys(str(name).split(".")[0] for name in modules))


def hidden_paths(packages=()):
    """Folders of our packages (the engine and the course's checks) that
    lie inside a folder the sandbox reads, such as a non-editable install
    in site-packages: each is covered by an empty read-only folder."""
    bound = [os.path.realpath(p) for p in read_only_paths()]
    found = []
    for name in (*ALWAYS_HIDDEN, *packages):
        folder = package_folder(name)
        if folder and any(folder == b or folder.startswith(b.rstrip("/") + "/") for b in bound):
            found.append(folder)
    return list(dict.fromkeys(found))


def command(argv, workdir, runtime_dir=None, memory_limit=DEFAULT_MEMORY_LIMIT,
            cpu_limit=DEFAULT_CPU_LIMIT, env=None, hide=(), limits=None, group=None,
            part="kernel"):
    """The bwrap command line that runs ``argv`` in the sandbox.

    Arguments:
    argv -- list of str, the program and its arguments (paths as on the host)
    workdir -- str, folder bound read-only and used as working directory
    runtime_dir -- str, folder bound read-only at the same path (a kernel's
                   connection file and the sockets the grader bound), or None
    memory_limit -- int, bytes of address space (RLIMIT_AS)
    cpu_limit -- int, CPU seconds (RLIMIT_CPU)
    env -- dict of extra environment variables for the sandboxed program
    hide -- names of packages (the course's checks) to hide besides gradekit
    limits -- gradekit.limits.SubmissionLimits: sizes of /tmp and /dev/shm,
              largest file, open files (default: its defaults)
    group -- gradekit.limits.SubmissionGroup to run in (the submission's
             memory, process and CPU limits), or None
    part -- str, which of the submission's sandboxes this is ("kernel",
            "regrade"): each gets half the submission's processes

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
    if limits is None:
        from .limits import SubmissionLimits
        limits = SubmissionLimits()
    # The private /tmp comes first: mounted later, it would hide every bind
    # below it (a course, or its .venv, that lives under /tmp).
    # --disable-userns: no user namespace inside, so no capability there:
    # the sandbox cannot mount a cgroup (or any) file system of its own to
    # leave, freeze or loosen its control group
    cmd = [BWRAP, "--unshare-all", "--unshare-user", "--disable-userns",
           "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
           "--die-with-parent", "--new-session", "--clearenv",
           "--size", str(int(limits.tmp_bytes)), "--tmpfs", "/tmp", "--dir", "/tmp/home",
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
    for path in hidden_paths(hide):
        cmd += ["--tmpfs", path, "--remount-ro", path]
    # /dev is a tmpfs of bwrap's that the sandbox's user owns: read-only,
    # with a sized /dev/shm of its own on it
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--size", str(int(limits.shm_bytes)), "--tmpfs", "/dev/shm",
            "--ro-bind", str(workdir), str(workdir)]
    # The notebooks there hold the hidden blocks nbgrader restored; the
    # sandboxed processes get their cells as messages, never from the file.
    for notebook in sorted(Path(workdir).glob("*.ipynb")):
        cmd += ["--ro-bind", "/dev/null", str(notebook)]
    if runtime_dir:
        cmd += ["--ro-bind", str(runtime_dir), str(runtime_dir)]
    # the sandbox's root folder (bwrap's own tmpfs, owned by the sandbox's
    # user) is read-only: /tmp and /dev/shm are the only places to write
    cmd += ["--remount-ro", "/", "--chdir", str(workdir)]
    for key, value in environment.items():
        cmd += ["--setenv", key, value]
    cmd += ["--", "prlimit", f"--as={int(memory_limit)}", f"--cpu={int(cpu_limit)}",
            "--core=0", f"--nofile={int(limits.open_files)}",
            f"--fsize={int(limits.file_bytes)}", "--", *argv]
    return group.wrap(cmd, part) if group is not None else cmd


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
        probe = command([sys.executable, "-c", "print('ok')"], workdir)
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or result.stdout.strip() != "ok":
        raise SandboxUnavailable(
            "bubblewrap is installed but could not start a sandbox here "
            f"(exit {result.returncode}): {result.stderr.strip()[:500]}. Grading stops "
            "rather than run student code unsandboxed; see docs/threat-model.md.")


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


def note_peak(nbytes):
    """Note a peak measured elsewhere (a submission's whole control group)."""
    _PEAK["bytes"] = max(_PEAK["bytes"], int(nbytes))


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


def _bound_socket(owner, channel, identity=None, suffix=""):
    """A ZeroMQ socket of ``owner`` (a kernel manager or client) for
    ``channel``, *bound* at the kernel's IPC address (plus ``suffix``),
    refusing messages above ``owner.max_message_bytes`` before reading them."""
    url = owner._make_url(channel) + suffix
    if isinstance(owner, SandboxedKernelManager):
        # a synchronous socket: jupyter_client's Session.send writes to an
        # asyncio socket through a plain shadow of it, past any override
        sock = owner.context.socket(_SOCKET_TYPES[channel], socket_class=_DroppingSocket)
    else:
        sock = owner.context.socket(_SOCKET_TYPES[channel])
        if _SOCKET_TYPES[channel] == zmq.DEALER:
            # the client's shell socket: a send waits for the kernel to
            # connect (a request sent while it starts is delivered at once),
            # but at most SEND_WAIT_MS; then it fails (zmq.Again, dropped by
            # _DroppingChannel) instead of waiting for a kernel that may
            # never connect
            sock.setsockopt(zmq.SNDTIMEO, SEND_WAIT_MS)
    sock.linger = 1000
    # Only the shell and iopub channels carry a kernel's results; the
    # manager's control socket is never read, so it may queue one small
    # message per connection at most.
    small = channel not in ("shell", "iopub")
    sock.setsockopt(zmq.MAXMSGSIZE, 65536 if small else int(owner.max_message_bytes))
    sock.setsockopt(zmq.RCVHWM, 1 if small else QUEUED_MESSAGES)
    if identity:
        sock.identity = identity
    sock.bind(url)
    return sock


class _DroppingSocket(zmq.Socket):
    """A DEALER socket the grader binds (the manager's control socket, the
    client's shell socket). A bound socket with no peer blocks a send until
    one connects; when the kernel has died (or never started: a submission
    that used up its processes), none will, and jupyter_client's restart,
    which first sends an interrupt, or its first kernel_info request would
    wait forever. So a message that cannot be queued at once is dropped:
    with no kernel connected there is nobody to receive it, and the wait
    for its reply has a timeout."""

    def send_multipart(self, msg_parts, flags=0, copy=True, track=False, **kwargs):
        parts = list(msg_parts)
        try:
            self.send(parts[0], flags | zmq.NOBLOCK | (zmq.SNDMORE if len(parts) > 1 else 0),
                      copy=copy, track=track)
        except zmq.Again:
            return None
        # the first frame was taken: the rest of the message follows it at once
        for k, part in enumerate(parts[1:], 2):
            self.send(part, flags | (zmq.SNDMORE if k < len(parts) else 0), copy=copy, track=track)
        return None


class _DroppingChannel(AsyncZMQSocketChannel):
    """The client's shell channel: a request that its socket could not
    queue at once (no kernel connected: it died, or never started, say a
    submission that used up its processes) is dropped; the wait for its
    reply has a timeout (nbclient's, then the kernel counts as dead)."""

    def send(self, msg):
        try:
            super().send(msg)
        except zmq.Again:
            pass


_SOCKET_TYPES = {"hb": zmq.REQ, "shell": zmq.DEALER, "iopub": zmq.SUB, "stdin": zmq.DEALER,
                 "control": zmq.DEALER}


def _watch(sock):
    """A monitor socket that reports ``sock``'s accepted and dropped connections."""
    address = f"inproc://gradekit-monitor-{id(sock)}"
    sock.monitor(address, zmq.EVENT_ACCEPTED | zmq.EVENT_DISCONNECTED)
    monitor = zmq.Context.shadow(sock.context.underlying).socket(zmq.PAIR)
    monitor.connect(address)
    return monitor


class SandboxedKernelClient(AsyncKernelClient):
    """A kernel client that binds its sockets where the sandboxed kernel
    connects (see the module doc), with a cap on message size."""

    shell_channel_class = Type(_DroppingChannel)

    max_message_bytes = Integer(DEFAULT_MAX_MESSAGE_BYTES,
                                help="Largest message accepted from the kernel").tag(config=True)

    def _create_connected_socket(self, channel, identity=None):
        # The manager's own control socket takes the kernel's control
        # address; a client control socket (never started here) would bind
        # beside it.
        return _bound_socket(self, channel, identity, "-client" if channel == "control" else "")

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
        # Only shell and iopub: stdin is never read while grading (nbclient
        # does not allow input), liveness comes from the manager (the
        # process), and the control channel is the manager's. A socket
        # that is bound but never read would queue whatever a kernel sent.
        super().start_channels(shell=shell, iopub=iopub, stdin=False, hb=False, control=False)
        # ZeroMQ drops the connection of a peer that sends a message above
        # MAXMSGSIZE, and once sealed (see seal) the kernel cannot connect
        # again: that channel is gone for this kernel, which costs only its
        # own output. Watch for it, so a refused message is reported, and
        # for the kernel's first connections, which seal waits for.
        self._monitors = [_watch(channel.socket) for channel in (self.shell_channel, self.iopub_channel)]
        self._accepted = [0] * len(self._monitors)

    def seal(self, manager, seconds=10):
        """Once the kernel has connected to the shell, iopub and control
        sockets, remove their socket files: no second connection (a kernel
        opening more, to queue messages in the grader) can be made. The
        grader's folder is its own, so this removes nothing else. Waits at
        most ``seconds`` for the kernel's connections."""
        control = getattr(manager, "_control_monitor", None)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._drain()
            control_seen = control is None or manager._control_accepted(0)
            if all(self._accepted) and control_seen:
                break
            time.sleep(0.01)
        for channel in ("shell", "iopub", "control"):
            port = getattr(self, f"{channel}_port", 0)
            try:
                os.unlink(f"{self.ip}-{port}")
            except OSError:
                pass

    def _drain(self):
        """Read the monitors' events; returns how many disconnections."""
        disconnected = 0
        for k, monitor in enumerate(getattr(self, "_monitors", [])):
            while monitor.poll(0):
                event = parse_monitor_message(monitor.recv_multipart())["event"]
                if event == zmq.EVENT_ACCEPTED:
                    self._accepted[k] += 1
                elif event == zmq.EVENT_DISCONNECTED:
                    disconnected += 1
        return disconnected

    def _started(self):
        """The channels this client started (reading a channel property
        would create, and bind, one that was never wanted)."""
        names = ("shell", "iopub", "stdin", "hb", "control")
        return [c for c in (getattr(self, f"_{n}_channel", None) for n in names) if c is not None]

    @property
    def channels_running(self):
        return any(channel.is_alive() for channel in self._started())

    def refused_messages(self):
        """How many times, since the last call, the kernel's connection was
        dropped (a message above ``max_message_bytes``, or the kernel gone)."""
        return self._drain()

    def stop_channels(self):
        for monitor in getattr(self, "_monitors", []):
            monitor.close(linger=0)
        self._monitors = []
        for channel in self._started():
            if channel.is_alive():
                channel.stop()
        if self._created_context and not self.context.closed:
            self.context.destroy(linger=100)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox (see module doc).

    Each kernel start gets a private runtime folder (mode 0700) for its
    connection file and the sockets this side binds; the sandbox sees it
    read-only. It is removed when the kernel is cleaned up.
    """

    memory_limit = Integer(DEFAULT_MEMORY_LIMIT, help="Bytes of address space").tag(config=True)
    cpu_limit = Integer(DEFAULT_CPU_LIMIT, help="CPU seconds per kernel").tag(config=True)
    max_message_bytes = Integer(DEFAULT_MAX_MESSAGE_BYTES,
                                help="Largest message accepted from the kernel").tag(config=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("client_class", "gradekit.sandbox.SandboxedKernelClient")
        super().__init__(**kwargs)
        self._runtime_dirs = []
        self.hide = ()
        #: gradekit.limits: the submission's settings and control group
        self.limits = None
        self.group = None

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        kc.max_message_bytes = self.max_message_bytes
        return kc

    def _create_connected_socket(self, channel, identity=None):
        sock = _bound_socket(self, channel, identity)
        if channel == "control":
            self._control_monitor, self._control_seen = _watch(sock), 0
        return sock

    def _control_accepted(self, timeout=0):
        """Whether the kernel has connected to the control socket."""
        monitor = getattr(self, "_control_monitor", None)
        while monitor is not None and monitor.poll(timeout):
            if parse_monitor_message(monitor.recv_multipart())["event"] == zmq.EVENT_ACCEPTED:
                self._control_seen += 1
        return getattr(self, "_control_seen", 0) > 0

    def _close_control_socket(self):
        monitor = getattr(self, "_control_monitor", None)
        if monitor is not None:
            monitor.close(linger=0)
            self._control_monitor = None
        super()._close_control_socket()

    async def _async_pre_start_kernel(self, **kw):
        runtime = tempfile.mkdtemp(prefix="gradekit-kernel-")  # mode 0700, ours alone
        self._runtime_dirs.append(runtime)
        self.connection_file = os.path.join(runtime, "kernel.json")
        self.ip = os.path.join(runtime, "ipc")
        # A signal would reach bwrap, not the kernel: interrupt by message.
        self.kernel_spec.interrupt_mode = "message"
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        # the kernel connects to the sockets we bind (studentside.kernel)
        # -I: the working folder (the student's files) is not on sys.path
        # while our launcher and ipykernel start (ipykernel adds it for the
        # notebook's own imports)
        cmd = ["studentside.kernel" if part == "ipykernel_launcher" else part for part in cmd]
        if cmd[1:2] == ["-m"]:
            cmd.insert(1, "-I")
        workdir = kw.pop("cwd", None) or os.getcwd()
        cmd = command(cmd, workdir, runtime, self.memory_limit, self.cpu_limit, hide=self.hide,
                      limits=self.limits, group=self.group)
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        # what the kernel prints on its own (start-up notes) is noise to a grader
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return cmd, kw

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        while self._runtime_dirs:
            shutil.rmtree(self._runtime_dirs.pop(), ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
