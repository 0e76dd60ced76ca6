"""An nbgrader course on a JupyterHub on this machine: what a hub
administrator sets up once, and the hub itself.

    hub = Hub(prefix, course_id="...", instructors=["ann"], students=["bo", "cy"])
    hub.install(python, requirements, project)   # its own venv and proxy
    passwords = hub.add_accounts()                 # local accounts, PAM log-in
    hub.prepare(course_files, course_folder)       # exchange, course copy, cgroups
    with hub.running(port):                        # JupyterHub and its proxy
        ...
    hub.remove()                                   # accounts, groups, exchange

Everything here runs as root (a hub with local accounts starts each
user's server as that user). Each user's server then runs as that user,
not root: the instructor's formgrader grades with the same sandbox and
per-submission limits as ``nbgrader autograde`` anywhere else, in a control
group the administrator delegated to the instructor (``delegate_cgroup``).

The hub's Python must be one every account can run (Debian's
``/usr/bin/python3.11`` by default): the course's own venv often lives in
a home folder other accounts cannot enter.
"""

import contextlib
import json
import os
import pwd
import resource
import secrets
import shutil
import signal
import stat
import subprocess
import time
import urllib.request
from pathlib import Path

from .exceptions import HubError
from .limits import CONTROLLERS, _mounts

#: configurable-http-proxy, JupyterHub's proxy, from the npm registry
PROXY_PACKAGE = "configurable-http-proxy@5.0.1"
#: the prefix of every cgroup v1 group delegated to a hub account
CGROUP_PREFIX = "gradekit-"
#: the group whose members (the instructors) may read the course's own
#: package in the hub's venv: its checks and reference answers
INSTRUCTOR_GROUP = "gradekit-teach"
#: processes and threads each student's server may have in all
STUDENT_PROCESSES = 256


def _run(cmd, **kwargs):
    kwargs.setdefault("check", True)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    try:
        return subprocess.run(cmd, **kwargs)
    except subprocess.CalledProcessError as error:
        raise HubError(f"{' '.join(map(str, cmd))} failed: {(error.stderr or '').strip()[-2000:]}") from None


def _check_root_only(path):
    """Refuse a hub folder that another account could have prepared or
    could change: root runs what it finds there. Every existing folder on
    the way must be root's, and not writable by others unless it is sticky
    (like /tmp) and what lies in it is root's."""
    path = Path(os.path.abspath(path))
    for folder in [*reversed(path.parents), path]:
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or info.st_uid != 0:
            raise HubError(f"{folder} is not a folder of root's: choose a --prefix that only "
                           "root can change")
        if info.st_mode & 0o022 and not (info.st_mode & stat.S_ISVTX):
            raise HubError(f"{folder} can be changed by other accounts: choose a --prefix that "
                           "only root can change")


def others_can_enter(path):
    """Whether an account other than the owner could reach ``path``'s
    contents (every folder on the way open to others)."""
    path = Path(os.path.abspath(path))
    return all(os.stat(folder).st_mode & stat.S_IXOTH for folder in [*path.parents, path])


def _check_port_free(port):
    import socket
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise HubError(f"port {port} on 127.0.0.1 is taken: another program listens there "
                           "(choose another with --port)") from None


class Hub:
    """One hub: its folder (``prefix``), its course and its accounts."""

    def __init__(self, prefix, course_id, instructors, students, comment="gradekit hub",
                 group=INSTRUCTOR_GROUP):
        self.prefix = Path(prefix)
        self.course_id = course_id
        self.instructors = list(instructors)
        self.students = list(students)
        self.comment = comment
        self.venv = self.prefix / "venv"
        self.proxy = self.prefix / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
        self.exchange = self.prefix / "exchange"
        self.etc = self.prefix / "etc" / "jupyter"
        self.state = self.prefix / "hub"
        self.port = None
        self.course_roots = {}
        self.private_packages = []
        self.group = group
        self._made_group = False
        self._process = None

    @property
    def users(self):
        return self.instructors + self.students

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------
    # installation (once per machine)
    # ------------------------------------------------------------------
    def install(self, python, requirements, project, private_packages=(), log=print):
        """The hub's own venv (from ``python``, which every account can run),
        with ``requirements`` and ``project`` (installed as a copy, not
        linked to the folder it came from), and the proxy from npm. The
        ``private_packages`` (the course's checks and answers) are readable
        by the instructors' group only."""
        if os.geteuid() != 0:
            raise HubError("a hub with local accounts runs as root (sudo ./course hub)")
        for program in ("runuser", "useradd", "userdel", "chpasswd"):
            if not shutil.which(program):
                raise HubError(f"{program} is missing (Debian: apt-get install passwd util-linux)")
        if not shutil.which("npm"):
            raise HubError("npm is missing: JupyterHub's proxy comes from npm "
                           "(Debian: apt-get install npm)")
        _check_root_only(self.prefix)
        self.prefix.mkdir(parents=True, exist_ok=True)
        os.chmod(self.prefix, 0o755)
        _check_root_only(self.prefix)  # made by root, in a folder only root may change
        if not (self.venv / "bin" / "python").exists():
            log(f"hub: creating {self.venv} from {python} ...")
            _run([python, "-m", "venv", str(self.venv)])
        wanted = "".join(Path(r).read_text() for r in requirements)
        stamp = self.venv / ".installed"
        if not stamp.exists() or stamp.read_text() != wanted:
            log("hub: installing the course's requirements into the hub's venv ...")
            pip = [str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            _run([*pip, "--upgrade", "pip"])
            _run([*pip, *sum((["-r", str(r)] for r in requirements), [])])
            stamp.write_text(wanted)
        log("hub: installing the course's packages into the hub's venv ...")
        _run([str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--no-deps", "--force-reinstall", str(project)])
        if not self.proxy.exists():
            log(f"hub: installing {PROXY_PACKAGE} with npm ...")
            _run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                  "--prefix", str(self.prefix / "proxy"), PROXY_PACKAGE])
        # JupyterLab as a course needs it: no news or update pop-ups over the
        # notebook, and every cell on the page (no virtual scrolling)
        overrides = self.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
        overrides.parent.mkdir(parents=True, exist_ok=True)
        overrides.write_text(json.dumps({
            "@jupyterlab/apputils-extension:notification": {
                "fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
        }, indent=1))
        for folder in (self.venv, self.prefix / "proxy"):
            _run(["chmod", "-R", "a+rX,go-w", str(folder)])
        for package in private_packages:
            # the course's checks and reference answers: the instructors'
            # servers import them to grade; no student may read them
            found = _run([str(self.venv / "bin" / "python"), "-c",
                          "import importlib.util, sys, os; "
                          "print(os.path.dirname(importlib.util.find_spec(sys.argv[1]).origin))",
                          package]).stdout.strip()
            self.private_packages.append(Path(found))
        self._ensure_group()
        for folder in self.private_packages:
            _run(["chgrp", "-R", "--no-dereference", self.group, str(folder)])
            _run(["chmod", "-R", "o-rwx", str(folder)])

    def _ensure_group(self):
        if subprocess.run(["getent", "group", self.group], capture_output=True).returncode:
            _run(["groupadd", "--system", self.group])
            self._made_group = True

    # ------------------------------------------------------------------
    # accounts
    # ------------------------------------------------------------------
    def add_accounts(self):
        """Local accounts for every user, each with a new random password
        (returned as {user: password}); an account that already exists and
        was not made by a hub is refused, never taken over."""
        passwords = {}
        for user in self.users:
            try:
                existing = pwd.getpwnam(user)
            except KeyError:
                # a home only its owner can enter: no student reads another's
                # work, or the instructor's course (solutions, gradebook)
                _run(["useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell",
                      "/bin/bash", "--comment", self.comment, user])
            else:
                if existing.pw_gecos.split(",")[0] != self.comment:
                    raise HubError(f"the account {user} exists and is not one this hub made")
            if user in self.instructors:
                self._ensure_group()
                _run(["usermod", "--append", "--groups", self.group, user])
            passwords[user] = secrets.token_urlsafe(12)
            _run(["chpasswd"], input=f"{user}:{passwords[user]}\n")
        return passwords

    def remove_accounts(self):
        """Remove the accounts this hub made, with their homes, after every
        process of theirs has ended (all of them at once, until none is
        left, so that none can outlive the others' removal)."""
        mine = []
        for user in self.users:
            try:
                existing = pwd.getpwnam(user)
            except KeyError:
                continue
            if existing.pw_gecos.split(",")[0] == self.comment:
                mine.append(existing)  # never remove an account a hub did not make
        for attempt in range(100):
            alive = [e for e in mine
                     if not subprocess.run(["pgrep", "-U", str(e.pw_uid)],
                                           capture_output=True).returncode]
            if not alive:
                break
            for entry in alive:
                subprocess.run(["pkill", "-KILL", "-U", str(entry.pw_uid)], capture_output=True)
            time.sleep(0.1)
        failed = []
        for entry in mine:
            done = subprocess.run(["userdel", "--remove", entry.pw_name],
                                  capture_output=True, text=True)
            if done.returncode not in (0, 12):  # 12: the home was already gone
                failed.append(f"{entry.pw_name} ({done.stderr.strip()})")
        if failed:
            raise HubError("could not remove the account(s) " + ", ".join(failed))

    # ------------------------------------------------------------------
    # what the administrator sets up once
    # ------------------------------------------------------------------
    def prepare(self, course_files, course_folder):
        """The exchange, the configuration every server reads, each
        instructor's copy of the course (``course_files`` copied into
        ``~/<course_folder>``) and their delegated control groups; each
        student's server without the instructor's tools."""
        self.exchange.mkdir(parents=True, exist_ok=True)
        os.chmod(self.exchange, 0o1777)  # anyone may add, no one may remove another's
        # the course's folder in the exchange exists before any student can
        # make it: whoever made it would own what every student fetches
        course_exchange = self.exchange / self.course_id
        owner = pwd.getpwnam(self.instructors[0])
        try:
            course_exchange.mkdir()
        except FileExistsError:
            made = course_exchange.lstat()
            if not stat.S_ISDIR(made.st_mode) or made.st_uid not in (0, owner.pw_uid):
                raise HubError(f"{course_exchange} was made by someone else: remove it") from None
        os.chown(course_exchange, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
        os.chmod(course_exchange, 0o755)
        # inbound/: anyone may hand in, no one may list it (nbgrader's 0733),
        # and no one may remove or rename another's submission (sticky);
        # nbgrader keeps the mode of a folder that exists
        inbound = course_exchange / "inbound"
        try:
            inbound.mkdir()
        except FileExistsError:
            pass
        made = inbound.lstat()
        if not stat.S_ISDIR(made.st_mode) or made.st_uid not in (0, owner.pw_uid):
            raise HubError(f"{inbound} was made by someone else: remove it")
        os.chown(inbound, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
        os.chmod(inbound, 0o1733)
        self.etc.mkdir(parents=True, exist_ok=True)
        (self.etc / "nbgrader_config.py").write_text(
            "# Read by every server on the hub (JUPYTER_CONFIG_PATH); written by gradekit.hub.\n"
            "c = get_config()  # noqa: F821\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n"
            f"c.CourseDirectory.course_id = {self.course_id!r}\n")
        _run(["chmod", "-R", "a+rX,go-w", str(self.prefix / "etc")])
        for user in self.instructors:
            home = Path(pwd.getpwnam(user).pw_dir)
            root = home / course_folder
            os.chmod(home, 0o700)
            if not os.path.lexists(root):
                # made and filled by root, then given to the instructor;
                # a course folder that exists already is theirs, untouched
                root.mkdir(mode=0o700)
                for item in course_files:
                    item = Path(item)
                    if item.is_dir():
                        shutil.copytree(item, root / item.name, symlinks=False,
                                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
                    else:
                        shutil.copy(item, root / item.name)
                _run(["chown", "-R", "--no-dereference", f"{user}:{user}", str(root)])
            self.course_roots[user] = root
            parent = self.delegate_cgroup(user)
            self._config_file(user, "nbgrader_config.py",
                              "# Written by gradekit.hub for this instructor.\n"
                              "c = get_config()  # noqa: F821\n"
                              f"c.CourseDirectory.root = {str(root)!r}\n"
                              + (f"c.SubmissionLimits.cgroup_parent = {parent!r}\n" if parent else ""))
            # formgrader's own pages escape what they show (gradekit.formgrader_guard)
            self._config_file(user, "jupyter_server_config.json", json.dumps({
                "ServerApp": {"jpserver_extensions": {
                    "gradekit.formgrader_guard": True}}}, indent=1))
        for user in self.students:
            # the students' servers have no formgrader, course list or
            # assignment-creation tools (nbgrader's documented way)
            self._config_file(user, "jupyter_server_config.json", json.dumps({
                "ServerApp": {"jpserver_extensions": {
                    "nbgrader.server_extensions.formgrader": False,
                    "nbgrader.server_extensions.course_list": False}}}, indent=1))
            self._config_file(user, "labconfig/page_config.json", json.dumps({
                "disabledExtensions": {
                    "@jupyter/nbgrader:formgrader": True,
                    "@jupyter/nbgrader:course-list": True,
                    "@jupyter/nbgrader:create-assignment": True}}, indent=1))
        _run(["chmod", "-R", "a+rX,go-w", str(self.etc.parent)])

    def user_config(self, user):
        """The folder of ``user``'s own Jupyter configuration: root's, not in
        their home (nothing is written into a home, where its owner could
        make the write fail or lead elsewhere)."""
        return self.etc.parent / "users" / user

    def _config_file(self, user, relative, text):
        path = self.user_config(user) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def delegate_cgroup(self, user):
        """A control group of the instructor's own, under which grading makes
        one group per submission. cgroup v1: ``gradekit-<user>`` in the
        memory, pids and cpu hierarchies, owned by the user (returned, for
        ``c.SubmissionLimits.cgroup_parent``). cgroup v2: the group
        ``gradekit-<user>`` with cgroup.procs and cgroup.subtree_control
        owned by the user; the hub starts the instructor's server in it
        (``CourseSpawner``), and grading uses it as its own, delegated group.
        Returns None on v2 (the server's own group is the parent)."""
        entry = pwd.getpwnam(user)
        v2, v1 = _mounts()
        name = CGROUP_PREFIX + user
        if v2 and all(c in (Path(v2) / "cgroup.controllers").read_text().split() for c in CONTROLLERS):
            folder = Path(v2) / name
            folder.mkdir(exist_ok=True)
            for entry_name in ("", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"):
                os.chown(folder / entry_name, entry.pw_uid, entry.pw_gid)
            return None
        missing = [c for c in CONTROLLERS if c not in v1]
        if missing:
            raise HubError(f"no cgroup {', '.join(missing)} controller to delegate")
        for controller in CONTROLLERS:
            folder = Path(v1[controller]) / name
            folder.mkdir(exist_ok=True)
            if controller == "memory":
                (folder / "memory.use_hierarchy").write_text("1")
            _run(["chown", "-R", f"{user}:{user}", str(folder)])
        return name

    def cgroup_folders(self, user):
        v2, v1 = _mounts()
        name = CGROUP_PREFIX + user
        folders = [Path(v1[c]) / name for c in CONTROLLERS if c in v1]
        if v2:
            folders.append(Path(v2) / name)
        return [f for f in folders if f.is_dir()]

    def remove_cgroups(self):
        for user in self.instructors:
            for folder in self.cgroup_folders(user):
                for below in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                    if below.is_dir():
                        with contextlib.suppress(OSError):
                            below.rmdir()
                with contextlib.suppress(OSError):
                    folder.rmdir()

    def remove(self):
        """Undo ``add_accounts`` and ``prepare``: accounts and their homes,
        the delegated groups, the exchange. The installation stays."""
        self.stop()
        self.remove_accounts()
        self.remove_cgroups()
        try:
            _check_root_only(self.prefix)
        except HubError:
            return  # a prefix install() refused: nothing in it is the hub's to remove
        shutil.rmtree(self.exchange, ignore_errors=True)
        # the hub's database (sessions, tokens) and cookie secret, and the
        # users' configuration: nothing of these accounts outlives them
        shutil.rmtree(self.state, ignore_errors=True)
        shutil.rmtree(self.etc.parent / "users", ignore_errors=True)
        # the instructors' group goes too; the course's package stays root's
        for folder in getattr(self, "private_packages", []):
            _run(["chgrp", "-R", "--no-dereference", "root", str(folder)], check=False)
        if self._made_group:
            subprocess.run(["groupdel", self.group], capture_output=True)

    # ------------------------------------------------------------------
    # running
    # ------------------------------------------------------------------
    def write_config(self, port, hub_port, api_port):
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o700)
        settings = {
            "port": port, "hub_port": hub_port, "api_port": api_port,
            "proxy": str(self.proxy), "venv": str(self.venv), "etc": str(self.etc),
            "state": str(self.state), "instructors": self.instructors,
            "students": self.students, "cgroup_prefix": CGROUP_PREFIX,
            "users_config": str(self.etc.parent / "users"),
        }
        (self.state / "settings.json").write_text(json.dumps(settings, indent=1))
        (self.state / "jupyterhub_config.py").write_text(
            "# Written by gradekit.hub; the settings are in settings.json beside it.\n"
            "import os\n"
            "from gradekit.hub import configure\n"
            "configure(get_config(), os.path.join(os.path.dirname(__file__), 'settings.json'))  # noqa: F821\n")
        return self.state / "jupyterhub_config.py"

    def start(self, port, hub_port=None, api_port=None, timeout=90):
        from .localservices import free_port
        _check_port_free(port)
        self.port = port
        # every start is a new hub: no session, token or cookie of an
        # earlier one (and its accounts) is still good
        for stale in ("jupyterhub.sqlite", "jupyterhub_cookie_secret"):
            with contextlib.suppress(FileNotFoundError):
                (self.state / stale).unlink()
        config = self.write_config(port, hub_port or free_port(), api_port or free_port())
        log = open(self.state / "jupyterhub.log", "ab")
        self._process = subprocess.Popen(
            [str(self.venv / "bin" / "jupyterhub"), "-f", str(config)],
            cwd=self.state, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={"PATH": f"{self.venv / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin",
                 "LANG": "C.UTF-8"})
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise HubError(f"JupyterHub stopped at start; see {self.state / 'jupyterhub.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2) as answer:
                    if answer.status == 200 and self._process.poll() is None:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise HubError(f"JupyterHub did not answer within {timeout} s; "
                       f"see {self.state / 'jupyterhub.log'}")

    def stop(self, timeout=30):
        """Stop the hub (it stops every user's server and the proxy)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # a proxy or server left behind by a hub killed mid-way
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    @contextlib.contextmanager
    def running(self, port, **kwargs):
        self.start(port, **kwargs)
        try:
            yield self
        finally:
            self.stop()


# ----------------------------------------------------------------------
# inside the hub: jupyterhub_config.py calls configure()
# ----------------------------------------------------------------------
def configure(c, settings_file):
    """JupyterHub's configuration for the course's hub."""
    settings = json.loads(Path(settings_file).read_text())
    state = Path(settings["state"])
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings["hub_port"]
    c.ConfigurableHTTPProxy.command = [settings["proxy"]]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['api_port']}"
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.Authenticator.allowed_users = set(settings["instructors"] + settings["students"])
    # no admin (nbgrader needs none: an admin's session would reach every
    # account's server), and no one but the listed accounts
    c.Authenticator.admin_users = set()
    c.Authenticator.allow_existing_users = False
    c.PAMAuthenticator.open_sessions = False
    c.JupyterHub.spawner_class = _course_spawner()
    c.Spawner.cmd = [str(Path(settings["venv"]) / "bin" / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.notebook_dir = "~"
    c.Spawner.environment = {
        # nbgrader runs alembic by name: the venv's programs come first
        "PATH": f"{Path(settings['venv']) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": settings["etc"],  # CourseSpawner puts the user's own first
    }
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90
    c.CourseSpawner.cgroup_prefix = settings["cgroup_prefix"]
    c.CourseSpawner.instructors = settings["instructors"]
    c.CourseSpawner.users_config = settings["users_config"]


def _course_spawner():
    from jupyterhub.spawner import LocalProcessSpawner
    from traitlets import List, Unicode

    class CourseSpawner(LocalProcessSpawner):
        """Starts each user's server as that user; on cgroup v2, an
        instructor's server starts in the group delegated to them, so that
        grading can make one group per submission below it."""

        cgroup_prefix = Unicode(CGROUP_PREFIX, config=True,
                                help="prefix of the control group delegated to each instructor")
        instructors = List(Unicode(), config=True,
                           help="accounts whose servers start in their delegated group (cgroup v2)")
        users_config = Unicode("", config=True,
                               help="folder of each user's own Jupyter configuration "
                                    "(<folder>/<user>), put first on JUPYTER_CONFIG_PATH")

        def get_env(self):
            env = super().get_env()
            if self.users_config:
                own = os.path.join(self.users_config, self.user.name)
                env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
                    p for p in (own, env.get("JUPYTER_CONFIG_PATH", "")) if p)
            return env

        def make_preexec_fn(self, name):
            drop = super().make_preexec_fn(name)
            folder = None
            if name in self.instructors:
                v2, _ = _mounts()
                candidate = Path(v2 or "/nonexistent") / (self.cgroup_prefix + name)
                if v2 and candidate.is_dir():
                    folder = candidate / "cgroup.procs"

            student = name not in self.instructors

            def preexec():
                if folder is not None:
                    folder.write_text(str(os.getpid()))
                if student:  # a fork bomb in one student's server stops at their own share
                    resource.setrlimit(resource.RLIMIT_NPROC,
                                       (STUDENT_PROCESSES, STUDENT_PROCESSES))
                drop()
            return preexec

    return CourseSpawner


def __getattr__(name):
    if name == "CourseSpawner":  # jupyterhub is only in the hub's venv
        return _course_spawner()
    raise AttributeError(name)
