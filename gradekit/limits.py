"""Limits for a whole submission: one control group per submission.

Each submission's sandboxes (its kernel, the trusted regrade's process and
every process they start) run in a control group of their own, created
when grading of the submission starts and removed when it ends. The group
has

* a memory limit that counts all its processes and what they keep in
  their private ``/tmp`` and ``/dev/shm`` (tmpfs pages are charged to the
  group that wrote them), with no swap;
* a limit on processes (tasks: processes and threads together);
* a CPU quota (at most ``cpu_cores`` cores' worth of time, however many
  processes it starts) and the same CPU weight as every other
  submission's group, so that no submission starves another graded
  beside it.

The limits are the kernel's, not ours: a process cannot leave its group
(the sandbox sees no ``/sys``), and a child is in its parent's group from
its first instruction on. A process is put in the group before it becomes
the sandbox: ``wrap`` prefixes its command with a tiny shell that writes
its own pid into the group's ``cgroup.procs`` and then execs the sandbox.

Both cgroup versions work:

* **v2** (the unified hierarchy, ``/sys/fs/cgroup`` on current
  distributions): groups are made under ``cgroup_parent``; by default
  ``/sys/fs/cgroup/gradekit`` when grading as root, else the grader's own
  group when it has been delegated to the grading user (systemd
  ``Delegate=yes``), whose processes are then moved into a leaf
  ``gradekit-grader`` as cgroup v2 requires;
* **v1** (separate ``memory``, ``pids`` and ``cpu`` hierarchies, as on
  this machine): groups are made under ``cgroup_parent`` in each of the
  three (default ``gradekit``), which a non-root grader needs to own.

Where no group can be made, grading refuses to start, saying why and how
to opt out (``--SubmissionLimits.enabled=False``), as it does when the
sandbox is missing.
"""

import itertools
import logging
import os
import secrets
import signal
import time
from pathlib import Path

from traitlets import Bool, Float, Integer, Unicode
from traitlets.config import LoggingConfigurable

from .exceptions import SandboxUnavailable

CONTROLLERS = ("memory", "pids", "cpu")
#: the v2 leaf a delegated grader's own processes move into
GRADER_LEAF = "gradekit-grader"
#: exit status of the wrapper when it could not join the group
JOIN_FAILED = 125
GiB = 1024 ** 3
MiB = 1024 ** 2


class LimitsUnavailable(SandboxUnavailable):
    """No control group can be made here for a submission's limits."""


class SubmissionLimits(LoggingConfigurable):
    """What one submission may use in all, whatever it does."""

    enabled = Bool(
        True, help="Run each submission's sandboxes in a control group of their own, with the "
                   "limits below. Switch off only where no control group can be made and you "
                   "accept that one submission may take the machine's memory, processes and "
                   "CPU: each process then keeps only its own limits.").tag(config=True)
    memory_bytes = Integer(
        2 * GiB, help="Bytes of memory for the whole submission: all its processes and the "
                      "files in its /tmp and /dev/shm together (no swap).").tag(config=True)
    processes = Integer(
        128, help="Processes and threads the submission may run at once (its kernel alone "
                  "uses about 10).").tag(config=True)
    cpu_cores = Float(
        2.0, help="CPU time the submission may use, in cores: its processes together get at "
                  "most this much, however many they are (2: its kernel and its trusted "
                  "regrade run side by side; 0: no cap). Besides this cap, every submission's group has "
                  "the same CPU weight, so when the CPUs are busy each submission graded at "
                  "the same time gets an equal share: none can starve the others.").tag(config=True)
    tmp_bytes = Integer(256 * MiB, help="Size of each sandbox's private /tmp").tag(config=True)
    shm_bytes = Integer(64 * MiB, help="Size of each sandbox's private /dev/shm").tag(config=True)
    file_bytes = Integer(
        128 * MiB, help="Largest file a sandboxed process may write (RLIMIT_FSIZE)").tag(config=True)
    open_files = Integer(256, help="Open files per sandboxed process (RLIMIT_NOFILE)").tag(config=True)
    cgroup_parent = Unicode(
        "", help="The control group under which each submission's group is made: a path under "
                 "the cgroup v2 mount, or (cgroup v1) a name under each of the memory, pids "
                 "and cpu hierarchies. Empty: 'gradekit' at the top when grading as root; "
                 "otherwise (v2) the grader's own group if it was delegated to this user, "
                 "(v1) 'gradekit', which must be owned by this user.").tag(config=True)


def settings(config=None):
    """The SubmissionLimits for ``config`` (a traitlets Config or None)."""
    return SubmissionLimits(config=config)


def describe_bytes(n):
    if n % GiB == 0:
        return f"{n // GiB} GiB"
    if n % MiB == 0:
        return f"{n // MiB} MiB"
    return f"{n:,} bytes"


# ---------------------------------------------------------------- finding cgroups

def _mounts(mounts_file="/proc/self/mounts"):
    """(v2 mount point or None, {controller: v1 mount point})."""
    v2, v1 = None, {}
    try:
        lines = Path(mounts_file).read_text().splitlines()
    except OSError:
        return None, {}
    for line in lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        point, kind, options = fields[1].replace("\\040", " "), fields[2], fields[3].split(",")
        if kind == "cgroup2" and v2 is None:
            v2 = point
        elif kind == "cgroup":
            for name in CONTROLLERS:
                if name in options:
                    v1.setdefault(name, point)
    return v2, v1


def _read(path, default=""):
    try:
        return Path(path).read_text()
    except OSError:
        return default


def _write(path, value):
    with open(path, "w") as handle:
        handle.write(str(value))


def _counters(path):
    """A flat-keyed cgroup file ("key value" lines) as a dict of ints."""
    found = {}
    for line in _read(path).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            found[parts[0]] = int(parts[1])
    return found


def _own_group(version_key, cgroup_file="/proc/self/cgroup"):
    """This process's group in one hierarchy ("" for v2's, else a controller)."""
    for line in _read(cgroup_file).splitlines():
        number, controllers, path = line.split(":", 2)
        if version_key == "" and number == "0" and controllers == "":
            return path
        if version_key and version_key in controllers.split(","):
            return path
    return None


class Hierarchy:
    """Where submission groups are made, and how their limits are written."""

    version = None

    def directories(self, name):
        """The group ``name``'s folders (one per hierarchy)."""
        raise NotImplementedError

    def procs_files(self, name):
        return [os.path.join(d, "cgroup.procs") for d in self.directories(name)]


class V2(Hierarchy):
    version = 2

    def __init__(self, parent):
        self.parent = parent

    def directories(self, name):
        return [os.path.join(self.parent, name)]

    def apply_part(self, folder, processes):
        _write(os.path.join(folder, "pids.max"), processes)

    def prepare_parts(self, folder):
        _enable_controllers(folder)

    def apply(self, folder, limits):
        _write(os.path.join(folder, "memory.max"), limits.memory_bytes)
        if os.path.exists(os.path.join(folder, "memory.swap.max")):
            _write(os.path.join(folder, "memory.swap.max"), 0)
        _write(os.path.join(folder, "pids.max"), limits.processes)
        period = 100_000
        if limits.cpu_cores > 0:
            _write(os.path.join(folder, "cpu.max"), f"{int(limits.cpu_cores * period)} {period}")

    def hits(self, folder):
        memory = _counters(os.path.join(folder, "memory.events"))
        pids = _counters(os.path.join(folder, "pids.events"))
        return {"memory": memory.get("oom_kill", 0) + memory.get("oom_group_kill", 0),
                "processes": pids.get("max", 0)}

    def peak(self, folder):
        return int(_read(os.path.join(folder, "memory.peak"), "0").strip() or 0)


class V1(Hierarchy):
    version = 1

    def __init__(self, parents):
        self.parents = parents  # controller -> folder

    def directories(self, name):
        return [os.path.join(self.parents[c], name) for c in CONTROLLERS]

    def apply_part(self, folders, processes):
        _write(os.path.join(folders[1], "pids.max"), processes)

    def prepare_parts(self, folders):
        pass

    def apply(self, folders, limits):
        memory, pids, cpu = folders
        _write(os.path.join(memory, "memory.limit_in_bytes"), limits.memory_bytes)
        if os.path.exists(os.path.join(memory, "memory.memsw.limit_in_bytes")):
            _write(os.path.join(memory, "memory.memsw.limit_in_bytes"), limits.memory_bytes)
        _write(os.path.join(pids, "pids.max"), limits.processes)
        period = 100_000
        if limits.cpu_cores > 0:
            _write(os.path.join(cpu, "cpu.cfs_period_us"), period)
            _write(os.path.join(cpu, "cpu.cfs_quota_us"), int(limits.cpu_cores * period))

    def hits(self, folders):
        memory, pids, _ = folders
        oom = _counters(os.path.join(memory, "memory.oom_control"))
        return {"memory": oom.get("oom_kill", 0),
                "processes": _counters(os.path.join(pids, "pids.events")).get("max", 0)}

    def peak(self, folders):
        return int(_read(os.path.join(folders[0], "memory.max_usage_in_bytes"), "0").strip() or 0)


def _is_root():
    return os.geteuid() == 0


def _refuse(why):
    raise LimitsUnavailable(
        f"no control group can be made for each submission's limits: {why}. Grading stops "
        "rather than let one submission take the machine's memory, processes or CPU. Give the "
        "grading user a control group (docs/limits.md: as root nothing is needed; otherwise a "
        "delegated cgroup v2 group, or a cgroup v1 'gradekit' group it owns, named with "
        "--SubmissionLimits.cgroup_parent), or grade with --SubmissionLimits.enabled=False to "
        "keep only per-process limits, on a machine you trust the submissions not to harm.")


def _enable_controllers(folder):
    """Turn on memory, pids and cpu for ``folder``'s children (v2)."""
    available = _read(os.path.join(folder, "cgroup.controllers")).split()
    missing = [c for c in CONTROLLERS if c not in available]
    if missing:
        _refuse(f"the cgroup v2 group {folder} does not offer the {', '.join(missing)} "
                "controller(s)")
    enabled = _read(os.path.join(folder, "cgroup.subtree_control")).split()
    wanted = [c for c in CONTROLLERS if c not in enabled]
    if wanted:
        try:
            _write(os.path.join(folder, "cgroup.subtree_control"),
                   " ".join(f"+{c}" for c in wanted))
        except OSError as error:
            _refuse(f"cannot enable {', '.join(wanted)} for the children of {folder} ({error})")


def _v2_hierarchy(mount, parent_setting):
    if parent_setting:
        parent = parent_setting if parent_setting.startswith("/") else os.path.join(mount, parent_setting)
        parent = os.path.normpath(parent)
        if not os.path.isdir(parent):
            _refuse(f"the configured cgroup_parent {parent} does not exist")
        _enable_controllers(parent)
        return V2(parent)
    if _is_root():
        try:
            _enable_controllers(mount)
            parent = os.path.join(mount, "gradekit")
            os.makedirs(parent, exist_ok=True)
            _enable_controllers(parent)
            _weigh_parent(os.path.join(parent, "cpu.weight"), 100, 10000)
            return V2(parent)
        except (LimitsUnavailable, OSError):
            # in a container with a cgroup namespace of its own, the mount's
            # top is not the machine's root group and holds processes (the
            # no-internal-process rule): then as for a delegated group
            pass
    return _v2_own_group(mount)


def _v2_own_group(mount):
    """The grader's own group as the parent (delegated to this user, or a
    container's own top group): its processes move into a leaf of their
    own, as cgroup v2 requires of a group whose children get controllers."""
    own = _own_group("")
    if own is None:
        _refuse("this process is in no cgroup v2 group")
    own_folder = os.path.normpath(mount + own)
    if os.path.basename(own_folder) == GRADER_LEAF:
        parent = os.path.dirname(own_folder)  # moved there by an earlier grading process
    else:
        parent = own_folder
        if not os.access(os.path.join(parent, "cgroup.procs"), os.W_OK) or \
                not os.access(os.path.join(parent, "cgroup.subtree_control"), os.W_OK):
            _refuse(f"the grader's own cgroup {parent} is not delegated to this user")
        # cgroup v2 allows no process in a group whose children get
        # controllers: the grader's processes move into a leaf of their own
        leaf = os.path.join(parent, GRADER_LEAF)
        os.makedirs(leaf, exist_ok=True)
        # a process may start in the group meanwhile: move, then try again
        for attempt in range(5):
            for pid in _read(os.path.join(parent, "cgroup.procs")).split():
                try:
                    _write(os.path.join(leaf, "cgroup.procs"), pid)
                except OSError:
                    pass  # a process that ended meanwhile
            try:
                _enable_controllers(parent)
                break
            except LimitsUnavailable:
                if attempt == 4:
                    raise
                time.sleep(0.05)
        return V2(parent)
    _enable_controllers(parent)
    return V2(parent)


def _v1_hierarchy(mounts, parent_setting):
    missing = [c for c in CONTROLLERS if c not in mounts]
    if missing:
        _refuse(f"the cgroup v1 {', '.join(missing)} controller(s) are not mounted")
    name = parent_setting.strip("/") or "gradekit"
    parents = {}
    for controller in CONTROLLERS:
        folder = os.path.join(mounts[controller], name)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            _refuse(f"cannot make the cgroup v1 group {folder} ({error})")
        if not os.access(os.path.join(folder, "cgroup.procs"), os.W_OK):
            _refuse(f"the cgroup v1 group {folder} is not writable by this user")
        parents[controller] = folder
    _weigh_parent(os.path.join(parents["cpu"], "cpu.shares"), 1024)
    if _read(os.path.join(parents["memory"], "memory.use_hierarchy"), "1").strip() != "1":
        try:
            _write(os.path.join(parents["memory"], "memory.use_hierarchy"), 1)
        except OSError:
            _refuse(f"memory.use_hierarchy is off in {parents['memory']}")
    return V1(parents)


def _weigh_parent(path, one_task, most=None):
    """Give the parent of the submissions' groups the CPU weight of one
    busy task per core. The parent competes with the grading processes as
    one entity; at the default weight, all the sandboxes together would
    get no more CPU than one grading process, however many submissions
    are graded at once. (The submissions' own groups keep equal weights.)"""
    weight = one_task * (os.cpu_count() or 1)
    if most:
        weight = min(weight, most)
    try:
        _write(path, weight)
    except OSError:
        pass  # a parent delegated to us: its weight is its owner's to set


_HIERARCHIES = {}


def hierarchy(limits, mounts_file="/proc/self/mounts"):
    """The Hierarchy to make this process's submission groups in (looked up
    once per process); LimitsUnavailable, saying why, if there is none."""
    key = (limits.cgroup_parent, mounts_file)
    if ".." in Path(limits.cgroup_parent).parts:
        _refuse(f"cgroup_parent {limits.cgroup_parent!r} must name a group inside the cgroup "
                "hierarchy (no '..')")
    if key not in _HIERARCHIES:
        v2, v1 = _mounts(mounts_file)
        v2_controllers = _read(os.path.join(v2, "cgroup.controllers")).split() if v2 else []
        if v2 and all(c in v2_controllers for c in CONTROLLERS):
            _HIERARCHIES[key] = _v2_hierarchy(v2, limits.cgroup_parent)
        elif v1:
            _HIERARCHIES[key] = _v1_hierarchy(v1, limits.cgroup_parent)
        elif v2:
            _refuse(f"the cgroup v2 hierarchy at {v2} offers only "
                    f"{', '.join(v2_controllers) or 'no controllers'} to this user")
        else:
            _refuse("no cgroup filesystem is mounted")
    return _HIERARCHIES[key]


# ---------------------------------------------------------------- one submission

_NAMES = itertools.count()
#: names of the groups this process made (the only ones it never sweeps)
_MADE = set()
log = logging.getLogger("gradekit.limits")


class SubmissionGroup:
    """The control group of one submission (see the module doc).

    ``wrap(argv)`` gives the command that runs ``argv`` inside it;
    ``limit_hits()`` what limits its processes have run into so far;
    ``close()`` kills whatever still runs in it and removes it."""

    def __init__(self, limits, where=None):
        self.limits = limits
        self.where = where or hierarchy(limits)
        _sweep(self.where)
        # a random part: a group left by an earlier process that had this
        # pid is never taken for one of ours (and is swept as stale)
        self.name = f"gradekit-{os.getpid()}-{next(_NAMES)}{secrets.token_hex(3)}"
        _MADE.add(self.name)
        self.folders = self.where.directories(self.name)
        self.parts = {}
        made = []
        try:
            for folder in self.folders:
                os.mkdir(folder)
                made.append(folder)
            self.where.apply(self._target(), limits)
        except OSError as error:
            for folder in reversed(made):
                _remove(folder)
            _refuse(f"cannot make or limit the group {self.folders[0]} ({error})")
        self.closed = False

    def _target(self, name=None):
        folders = self.where.directories(name or self.name)
        return folders[0] if self.where.version == 2 else folders

    def _part(self, part):
        """The sub-group ``part`` ("kernel", "regrade") of this group, made
        on first use: each of the submission's two sandboxes may start at
        most half its processes, so that neither can keep the other from
        starting."""
        name = f"{self.name}/{part}"
        if part not in self.parts:
            if not self.parts:
                self.where.prepare_parts(self._target())
            for folder in self.where.directories(name):
                os.mkdir(folder)
            self.parts[part] = name
            self.where.apply_part(self._target(name), max(1, self.limits.processes // 2))
        return name

    def wrap(self, argv, part="kernel"):
        """``argv`` run in this group (in its sub-group ``part``): a shell
        joins it (writing its own pid into each hierarchy's cgroup.procs),
        then becomes ``argv``."""
        procs = self.where.procs_files(self._part(part))
        script = ('n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit '
                  f'{JOIN_FAILED}; shift; n=$((n-1)); done; exec "$@"')
        return ["/bin/sh", "-c", script, "gradekit-limits", str(len(procs)), *procs, *argv]

    def limit_hits(self, part=None):
        """{"memory": times the submission's memory limit killed a process,
        "processes": times a new process or thread was refused}, for the
        processes of sub-group ``part`` only, or of the whole group when
        None. Only ever compared with an earlier count."""
        total = {"memory": 0, "processes": 0}
        if self.closed:
            return total
        if part is not None:
            # a process killed for memory is counted in its own group, and
            # each sandbox's processes are in its sub-group
            return self.where.hits(self._target(self.parts[part])) if part in self.parts else total
        for name in (self.name, *self.parts.values()):
            for key, value in self.where.hits(self._target(name)).items():
                total[key] += value
        return total

    def peak_memory(self):
        """Bytes: the most memory the whole submission held at once."""
        return 0 if self.closed else self.where.peak(self._target())

    def pids(self):
        found = set()
        for name in (self.name, *self.parts.values()):
            for path in self.where.procs_files(name):
                found.update(int(p) for p in _read(path).split())
        return found

    def kill(self):
        """Kill every process in the group (at most a few seconds)."""
        kill_file = os.path.join(self.folders[0], "cgroup.kill")
        if self.where.version == 2 and os.path.exists(kill_file):
            try:
                _write(kill_file, 1)
            except OSError:
                pass
        until = time.monotonic() + 5
        while time.monotonic() < until:
            left = self.pids()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def close(self):
        if self.closed:
            return
        self.kill()
        left = [folder for folder in self.where.directories(self.name) if not _remove(folder)]
        if left:
            log.warning("could not remove the control group(s) %s; the next grading run "
                        "tries again", ", ".join(left))
        self.closed = True
        _MADE.discard(self.name)


def _remove(folder):
    """rmdir a group and every group under it, deepest first, waiting
    briefly for the kernel to let go of each. Returns whether it is gone."""
    for entry in _subfolders(folder):
        _remove(os.path.join(folder, entry))
    for _ in range(50):
        try:
            os.rmdir(folder)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.01)
    return False


def _sweep(where):
    """Remove groups left by grading processes that have ended (killed
    before they could clean up), with whatever still runs in them."""
    names = set()
    for parent in where.directories(""):
        names.update(_subfolders(parent))
    for name in sorted(names):
        parts = name.split("-")
        if len(parts) != 3 or parts[0] != "gradekit" or not parts[1].isdigit():
            continue
        owner = int(parts[1])
        if name in _MADE or (owner != os.getpid() and _alive(owner)):
            continue
        stale = object.__new__(SubmissionGroup)
        stale.where, stale.name, stale.closed = where, name, False
        stale.folders = where.directories(name)
        stale.parts = {part: f"{name}/{part}" for part in _subfolders(stale.folders[0])}
        stale.close()


def _subfolders(folder):
    try:
        return [entry.name for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------- nbgrader's side

_PROBED = set()


def ensure(config=None):
    """Once per process and setting: check that a submission's group can be
    made and joined (LimitsUnavailable, saying why, if not). Does nothing
    when limits are off."""
    import subprocess
    limits = settings(config)
    key = (limits.enabled, limits.cgroup_parent)
    if not limits.enabled or key in _PROBED:
        return
    group = SubmissionGroup(limits)
    try:
        result = subprocess.run(group.wrap(["/bin/sh", "-c", "exit 0"]), capture_output=True,
                                text=True, timeout=60)
    finally:
        group.close()
    if result.returncode != 0:
        _refuse(f"a process could not join the group {group.folders[0]} "
                f"({result.stderr.strip()[:300] or 'exit ' + str(result.returncode)})")
    _PROBED.add(key)


def start(resources, config=None):
    """The submission's group, made on the first call for this submission
    (kept in nbgrader's ``resources``), or None when limits are off."""
    gradekit = resources.setdefault("gradekit", {})
    if "limits" not in gradekit:
        limits = settings(config)
        gradekit["limits"] = SubmissionGroup(limits) if limits.enabled else None
        gradekit["limit_hits"] = {}
    return gradekit["limits"]


def note_hits(resources, where, part=None):
    """Add a status event for each limit the processes of sandbox ``part``
    ("kernel", "regrade") ran into since the last look, naming ``where``
    (say "cell 7 (setup)")."""
    gradekit = resources.get("gradekit", {})
    group = gradekit.get("limits")
    if group is None:
        return []
    seen = gradekit.setdefault("limit_hits", {})
    now = group.limit_hits(part)
    notes = []
    if now["memory"] > seen.get(f"memory:{part}", 0):
        notes.append(f"memory limit of {describe_bytes(group.limits.memory_bytes)} for the whole "
                     f"submission reached in {where}: a process was killed")
    if now["processes"] > seen.get(f"processes:{part}", 0):
        each = max(1, group.limits.processes // 2) if part else group.limits.processes
        notes.append(f"process limit reached in {where}: {each} processes and threads for each "
                     f"of the submission's two sandboxes ({group.limits.processes} in all); "
                     "new ones were refused")
    seen[f"memory:{part}"], seen[f"processes:{part}"] = now["memory"], now["processes"]
    events = gradekit.setdefault("events", [])
    for note in notes:
        events.append({"event": "limit reached", "why": note})
    return notes


def finish(resources, where="the trusted regrade's checks"):
    """Note any last limit hits, keep the submission's peak memory, kill
    what is left and remove the group."""
    gradekit = resources.get("gradekit", {})
    group = gradekit.get("limits")
    if group is None:
        return
    for part in ("kernel", "regrade"):
        note_hits(resources, where, part)
    gradekit["peak_memory"] = group.peak_memory()
    from .sandbox import note_peak
    note_peak(gradekit["peak_memory"])
    group.close()
    gradekit["limits"] = None
