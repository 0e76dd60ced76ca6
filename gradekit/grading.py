"""Grading day: autograde a whole class in parallel, then feedback and grades.

``run`` grades every submission in ``submitted/`` (optionally collected
first from an LMS archive, see gradekit.collect) on a Dask cluster: a
``LocalCluster`` with one single-threaded worker process per core by
default, or an existing cluster (``scheduler="tcp://host:port"``).

Each submission is one task, and a task is exactly what ``nbgrader
autograde <assignment> --student <id>`` does, with the course's own
nbgrader_config.py (so the sandbox, the limits, crash recovery and the
trusted regrade all apply), run inside the worker process: nbgrader's
configuration, imports and sandbox check are paid once per worker, not
once per submission. Every score goes into the course's nbgrader
gradebook (``db_url``: SQLite by default, PostgreSQL for a cluster), so
formgrader, ``nbgrader export`` and ``generate_feedback`` work as usual.
The task then writes the student's feedback.

A finished submission is recorded in its status file (gradekit.status)
with a fingerprint of the files it was graded from and the seconds it
took. Running again skips those, so an interrupted run (Ctrl-C) resumes
where it stopped, and a submission that changed since is graded again.

After a run that was not interrupted, the class report is written
(gradekit.classreport: reports/<assignment>/), with the run's totals kept
in grading_status/<assignment>/_run.json.
"""

import hashlib
import logging
import os
import resource
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import commands, coursepaths, safefiles, status
from .escape import for_terminal
from .exceptions import GradingError


# ------------------------------------------------------------------ worker side

_CONFIGS = {}


def course_config(root, db_url):
    """The course's nbgrader configuration, loaded once per process, the way
    nbgrader loads it: every ``nbgrader_config.py`` on Jupyter's config path
    (the machine's, the environment's, the user's: where a hub administrator
    sets the exchange or an instructor's delegated control group), then the
    course's own, which wins."""
    key = (str(root), db_url)
    if key not in _CONFIGS:
        from jupyter_core.paths import jupyter_config_path
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader
        config = Config()
        for folder in [*reversed(jupyter_config_path()), str(root)]:
            if os.path.isfile(os.path.join(folder, "nbgrader_config.py")):
                config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = db_url
        _CONFIGS[key] = config
    return _CONFIGS[key]


def forget_config(root, db_url):
    """Read the course's configuration again on next use (it was changed)."""
    _CONFIGS.pop((str(root), db_url), None)


def warm_up(root, db_url):
    """Start-up work of a worker, done once: imports, configuration and the
    sandbox check (which raises SandboxUnavailable, saying why)."""
    from nbgrader.converters import Autograde, GenerateFeedback  # noqa: F401
    from .harness import load
    from .sandbox import ensure_available
    # nbgrader's gradebook code trips this SQLAlchemy 2 warning on every
    # submission (harmless; the nbgrader command line hides it as well)
    import warnings
    from sqlalchemy.exc import SAWarning
    warnings.filterwarnings("ignore", category=SAWarning)
    config = course_config(root, db_url)
    load(config.TrustedRegrade.get("check_modules", []))  # the course's checks, imported once
    if config.GuardedExecute.get("sandbox", True):
        ensure_available()
        from .limits import ensure
        ensure(config)  # the per-submission control groups (LimitsUnavailable if none)
    return os.getpid()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@dataclass
class Outcome:
    """What grading one submission gave."""
    student: str
    graded: bool             # nbgrader graded it (False: it failed; ``status`` says why)
    status: str              # "graded", "graded with warnings: ...", "failed: ..."
    seconds: float
    worker: str = ""
    worker_rss: int = 0        # bytes, the worker process when it finished this one
    worker_peak_rss: int = 0   # bytes, the worker process so far
    child_peak_rss: int = 0    # bytes, this submission's peak: its control group (all its processes
                               # and files), else its largest sandboxed process
    fingerprint: str = ""


def fingerprint(root, assignment, student):
    """sha256 of a submission's files (names, kinds and contents).

    Nothing is followed: a symbolic link contributes its own text (where it
    points), never its target's content; a FIFO, socket or device contributes
    its kind only (it is never opened); regular files are read with
    O_NOFOLLOW (gradekit.safefiles). A submission folder (or student
    folder) that is itself a link is fingerprinted by its link text."""
    digest = hashlib.sha256()
    folder = Path(root) / "submitted" / student / assignment
    for path in (folder.parent, folder):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return digest.hexdigest()
        if stat.S_ISLNK(info.st_mode):
            digest.update(b"link\0" + os.fsencode(path.relative_to(folder.parent.parent))
                          + b"\0" + os.fsencode(os.readlink(path)) + b"\0")
            return digest.hexdigest()
    for entry in safefiles.walk(folder):
        digest.update(entry.path.encode() + b"\0")
        if stat.S_ISREG(entry.mode):
            digest.update(safefiles.read_bytes(entry.name, entry.dir_fd) + b"\0")
        elif stat.S_ISLNK(entry.mode):
            digest.update(b"link\0" + os.fsencode(entry.link) + b"\0")
        elif not stat.S_ISDIR(entry.mode):
            digest.update(entry.kind.encode() + b"\0")
    return digest.hexdigest()


def grade_one(root, assignment, student, db_url, feedback=True):
    """Autograde one submission in this process (then its feedback).

    Returns:
    Outcome; a submission nbgrader cannot grade gives ``graded=False`` and a
    "failed: ..." status, never an exception
    """
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from .sandbox import take_peak
    started = time.monotonic()
    root = str(root)
    config = course_config(root, db_url)
    take_peak()
    prints = fingerprint(root, assignment, student)
    log = logging.getLogger("gradekit.grading.task")  # one logger, its records per task
    log.propagate = False
    collected = _Collect()
    log.handlers = [collected]
    coursedir = CourseDirectory(config=config, root=root)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    graded = True
    try:
        Autograde(coursedir=coursedir, config=config, log=log, force=True).start()
        if feedback:
            GenerateFeedback(coursedir=coursedir, config=config, log=log, force=True).start()
    except Exception as error:  # nbgrader's own "could not grade": the reason is logged
        graded = False
        reasons = [r.getMessage().strip().splitlines()[-1] for r in collected.records
                   if r.levelno >= logging.ERROR and r.exc_info is None]
        record = status.load(root, assignment, student)
        if not record.get("refused"):  # (a refused one's record already says why)
            record["problems"].append("nbgrader could not grade it: " + (
                next((r for r in reasons if not r.startswith("There was an error")), "")
                or str(error)))
            status.save(root, assignment, student, record)
    # (RUSAGE_CHILDREN would not do: a child's peak includes this process's
    # size when it was forked; and Linux updates ru_maxrss lazily, so it can
    # trail the current size)
    rss = _current_rss()
    peak = max(rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    return Outcome(student=student, graded=graded, status=status.status_of(root, assignment, student),
                   seconds=time.monotonic() - started, worker=f"{os.uname().nodename}:{os.getpid()}",
                   worker_rss=rss, worker_peak_rss=peak,
                   child_peak_rss=take_peak(), fingerprint=prints)


def _current_rss():
    """Bytes of this process's resident memory now (Linux)."""
    with open("/proc/self/status") as status_file:
        for line in status_file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------ driver side

def is_done(root, assignment, student):
    """Whether this submission, as it is now, has been graded by a run."""
    record = status.load(root, assignment, student)
    return bool(record.get("graded_from")) and \
        record["graded_from"] == fingerprint(root, assignment, student)


def mark_done(root, assignment, outcome):
    record = status.load(root, assignment, outcome.student)
    record["graded_from"] = outcome.fingerprint
    record["seconds"] = round(outcome.seconds, 3)
    status.save(root, assignment, outcome.student, record)


def submitted_students(root, assignment):
    """The students with a submission of ``assignment`` in submitted/.

    Found without following links, but a submission that is a link (or
    whose student folder is one) is listed all the same: it is not read,
    and grading it makes intake refuse it with that reason
    (gradekit.status), so that it is in the grade export as failed instead
    of silently missing."""
    found = []
    try:
        entries = list(os.scandir(Path(root) / "submitted"))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.is_symlink():
            if os.path.lexists(Path(entry.path) / assignment):
                found.append(entry.name)
        elif entry.is_dir(follow_symlinks=False):
            try:
                mode = os.lstat(Path(entry.path) / assignment).st_mode
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
                found.append(entry.name)
    return sorted(found)


class Progress:
    """A one-line progress bar on a terminal (a line every 10 s otherwise):
    submissions done, failed, rate and time left."""

    def __init__(self, total, stream=sys.stderr, width=30):
        self.total, self.stream, self.width = total, stream, width
        self.done = self.failed = 0
        self.started = self.last_line = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def line(self):
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else None
        filled = int(self.width * self.done / self.total) if self.total else self.width
        eta = "--:--" if left is None else f"{int(left // 60):d}:{int(left % 60):02d}"
        return (f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} done, "
                f"{self.failed} failed, {rate:.2f}/s, {eta} left")

    def update(self, outcome):
        self.done += 1
        self.failed += not outcome.graded
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif now - self.last_line >= 10 or self.done == self.total:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_line = now

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Report:
    """A run's results: the outcomes of what it graded and what it skipped,
    and what the LMS intake reported (gradekit.collect.IntakeReport, when
    the run collected a download)."""
    outcomes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)   # already graded by an earlier run
    interrupted: bool = False
    seconds: float = 0.0
    workers: int = 0
    intake: object = None

    def summary(self, slowest=5):
        """The summary printed at the end of a run. Every id, file name and
        status in it is escaped (gradekit.escape.for_terminal): nothing a
        student named can move the cursor, clear or recolour the screen."""
        shown = for_terminal
        graded = [o for o in self.outcomes if o.status == "graded"]
        warned = [o for o in self.outcomes if o.status.startswith("graded with warnings")]
        failed = [o for o in self.outcomes if o.status.startswith("failed")]
        lines = [f"{len(self.outcomes)} submissions graded in {self.seconds:.1f} s on "
                 f"{self.workers} worker(s)"
                 + (f"; {len(self.skipped)} already graded by an earlier run, skipped"
                    if self.skipped else "")
                 + (" (INTERRUPTED: run the same command again to resume)"
                    if self.interrupted else ""),
                 f"  graded:               {len(graded)}",
                 f"  graded with warnings: {len(warned)}"]
        lines += [f"    {shown(o.student)}: {shown(o.status.removeprefix('graded with warnings: '))}"
                  for o in warned]
        lines.append(f"  failed:               {len(failed)}")
        lines += [f"    {shown(o.student)}: {shown(o.status.removeprefix('failed: '))}" for o in failed]
        if self.outcomes:
            lines.append("  slowest: " + ", ".join(
                f"{shown(o.student)} {o.seconds:.1f} s"
                for o in sorted(self.outcomes, key=lambda o: -o.seconds)[:slowest]))
            by_worker = {}
            for o in self.outcomes:
                peak = by_worker.setdefault(o.worker, [0, 0])
                peak[0], peak[1] = max(peak[0], o.worker_peak_rss), max(peak[1], o.child_peak_rss)
            lines.append("  peak memory per worker (worker process / largest submission, all its processes): "
                         + ", ".join(f"{shown(w)} {a / 2**20:.0f} MiB / {b / 2**20:.0f} MiB"
                                     for w, (a, b) in sorted(by_worker.items())))
        if self.intake is not None:
            lines = [*self.intake.summary_lines(), *lines]
        return "\n".join(lines)


def _db_args(db_url):
    return [f"--CourseDirectory.db_url={db_url}"]


def ensure_assignment(root, assignment, db_url):
    """Make sure the gradebook knows the assignment (a new PostgreSQL
    gradebook does not): if not, generate it from source/ into it."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SQLAlchemyError
    config = course_config(root, db_url)
    try:
        with Gradebook(db_url, config.CourseDirectory.course_id) as gradebook:
            try:
                if gradebook.find_assignment(assignment).notebooks:
                    return False
            except MissingEntry:
                pass
    except (SQLAlchemyError, ImportError) as error:
        raise GradingError(f"cannot open the gradebook {db_url}: "
                           f"{str(error).strip().splitlines()[0]}") from None
    commands.nbgrader(root, "generate_assignment", assignment, "--force", *_db_args(db_url))
    return True


def default_db_url(root):
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


#: where a local cluster's scheduler and workers listen: this machine only
LOOPBACK = "127.0.0.1"


def local_cluster(workers=None):
    """A Dask LocalCluster for grading on this machine: one single-threaded
    worker process per core (or ``workers``), its scheduler and workers
    listening on the loopback address only, so that nobody else on the
    network can submit work to them."""
    import dask
    from dask.distributed import LocalCluster
    # Dask's statistical profiler keeps a sample tree that grows with
    # every task (about 0.6 MiB per submission); grading needs none
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                            processes=True, host=LOOPBACK, dashboard_address=None,
                            # a worker's heartbeat that races the cluster's
                            # close logs a traceback at ERROR; what grading
                            # needs to know comes from the tasks' results
                            silence_logs=logging.CRITICAL)


def tls_security(ca_file, cert, key):
    """Dask's mutual-TLS settings for a client of a cluster started with
    these files (see docs: the scheduler and every worker use the same CA,
    and refuse any peer whose certificate it did not sign)."""
    from distributed.security import Security
    for path in (ca_file, cert, key):
        if not Path(path).is_file():
            raise GradingError(f"TLS file not found: {path}")
    return Security(tls_ca_file=str(ca_file), tls_client_cert=str(cert),
                    tls_client_key=str(key), require_encryption=True)


def _grade_on_cluster(report, root, assignment, todo, workers, scheduler, db_url, feedback,
                      progress_stream, echo, security=None):
    """Grade the students ``todo`` on the cluster, adding to ``report``."""
    from dask.distributed import Client, as_completed

    cluster = None
    if scheduler:
        if security is None and not scheduler.startswith("tls://"):
            echo(f"Warning: the scheduler at {for_terminal(scheduler)} is not using TLS: anyone "
                 "who can reach it can run code on the grading machines. See the cluster "
                 "guide (docs/grading-day.md) for --tls-ca-file, --tls-cert and --tls-key.")
        try:
            client = Client(scheduler, timeout=30, security=security)
        except (OSError, TypeError, ValueError) as error:
            raise GradingError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    else:
        cluster = local_cluster(workers)
        client = Client(cluster)
    futures = []
    try:
        if scheduler:
            try:
                client.wait_for_workers(1, timeout=120)
            except TimeoutError:
                raise GradingError(f"no Dask worker joined {scheduler} within 120 s") from None
        client.run(warm_up, str(root), db_url)
        report.workers = len(client.scheduler_info()["workers"])
        echo(f"Grading on {report.workers} worker(s)"
             + (f" of the cluster at {scheduler}" if scheduler else "") + " ...")
        progress = Progress(len(todo), progress_stream)
        futures = [client.submit(grade_one, str(root), assignment, student, db_url, feedback,
                                 key=f"grade-{assignment}-{student}", pure=False)
                   for student in todo]
        try:
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as error:  # the worker itself failed (killed, lost)
                    student = future.key.removeprefix(f"grade-{assignment}-")
                    outcome = Outcome(student=student, graded=False, seconds=0.0,
                                      status=f"failed: the grading worker failed ({error!r}); "
                                             "run again to retry")
                if outcome.fingerprint:  # graded, or failed for a reason of its own
                    mark_done(root, assignment, outcome)
                report.outcomes.append(outcome)
                progress.update(outcome)
        finally:
            progress.close()
    finally:
        if futures:
            client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


def only_assignment(root, config=None):
    """The name of the course's one assignment (the single folder in its
    source/, wherever ``config`` puts it: gradekit.coursepaths);
    GradingError when there is not exactly one."""
    directory = coursepaths.coursedir(root, config)
    source = Path(directory.root) / directory.source_directory
    found = sorted(p.name for p in source.iterdir()
                   if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")) \
        if source.is_dir() else []
    if len(found) != 1:
        raise GradingError(f"name the assignment to grade: {source} holds "
                           f"{', '.join(found) or 'none'}")
    return found[0]


def run(root, assignment=None, workers=None, scheduler=None,
        db_url=None, archive=None, pattern=None, feedback=True, export=True,
        progress_stream=sys.stderr, echo=print, security=None, report=True, mistakes=None):
    """Grade the class in ``root``; returns a Report (see the module doc).

    Arguments:
    assignment -- str, the assignment (default: the course's only one)
    workers -- int, worker processes of the local cluster (default: one per core)
    scheduler -- str, address of an existing Dask scheduler instead
    security -- distributed.Security for it (tls_security: mutual TLS)
    db_url -- str, the gradebook (default: the course's gradebook.db)
    archive, pattern -- collect submissions from this LMS download first
                        (gradekit.collect; its problems go into the summary)
    feedback, export -- also write feedback/ and grades.csv
    report -- also write the class report (gradekit.classreport)
    mistakes -- the course's registry of mistakes, for the report
                (gradekit.mistakes.Registry)
    """
    root = Path(root).resolve()
    db_url = db_url or default_db_url(root)
    assignment = assignment or only_assignment(root, course_config(root, db_url))
    result = Report()
    if archive:
        echo(f"Collecting submissions from {for_terminal(archive)} ...")
        from .collect import collect
        result.intake = collect(root, assignment, archive, pattern,
                                config=course_config(root, db_url))
        echo(result.intake.headline() + (" (listed in the summary)" if result.intake.problems
                                         else ""))
    if ensure_assignment(root, assignment, db_url):
        echo("The gradebook did not know the assignment: generated it from source/")
    students = submitted_students(root, assignment)
    done = {s for s in students if is_done(root, assignment, s)}
    result.skipped = [s for s in students if s in done]
    todo = [s for s in students if s not in done]
    echo(f"{len(students)} submissions in submitted/: {len(todo)} to grade"
         + (f", {len(result.skipped)} already graded (resuming)" if result.skipped else ""))

    started = time.monotonic()
    try:
        if todo:
            _grade_on_cluster(result, root, assignment, todo, workers, scheduler, db_url,
                              feedback, progress_stream, echo, security)
    except KeyboardInterrupt:
        result.interrupted = True
    result.seconds = time.monotonic() - started
    if todo:
        from .classreport import run_record
        run_record(root, assignment, result)
    if export and not result.interrupted:
        commands.nbgrader(root, "export", "--to", str(root / "grades.csv"), *_db_args(db_url))
    echo(result.summary())
    if report and not result.interrupted:
        from .classreport import write
        folder = write(root, assignment, db_url, mistakes)
        echo(f"Class report: {for_terminal(folder / 'index.html')}")
    return result
