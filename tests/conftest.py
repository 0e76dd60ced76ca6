"""Shared fixtures: temporary copies of the course, and one real run of the
instructor's demo job per test session.

Also the suite's own rules (see pyproject.toml for the marks):
- a test that needs a Debian package that is missing fails at once and
  names the package (DEBIAN_PACKAGES);
- ./course test runs the suite in two phases (--phase): every test not
  marked serial on two pytest-xdist workers (--dist loadfile: the tests of
  one file stay together, so a module's fixtures are built once and its
  fixed resources, such as test_hardening's listening port, are not shared),
  then the serial ones alone.
"""

import collections
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gccourse import course, demo, submissions
from gccourse.demo import copy_course

ROOT = course.ROOT
SOURCE_NOTEBOOK = ROOT / "source" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
RELEASE_NOTEBOOK = ROOT / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
def validate(notebook, invert=False):
    """What `nbgrader validate` prints for a notebook (it always exits 0, so
    its verdict has to be read from its output)."""
    args = [sys.executable, "-m", "nbgrader", "validate", str(notebook)]
    if invert:
        args.append("--invert")
    result = subprocess.run(args, cwd=ROOT, env=course.environment(), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=600)
    return result.stdout


def read(path):
    return nbformat.read(str(path), as_version=4)


def gradekit_command(*args, timeout=600):
    """Run ``python -m gccourse <args>`` as a user would; returns the
    CompletedProcess (stdout and stderr as text)."""
    return subprocess.run([sys.executable, "-m", "gccourse", *args], env=course.environment(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def course_copy(tmp_path):
    return copy_course(tmp_path / "course")


def tree_digest(folder, skip=()):
    """dict relative path -> sha256 of every file under ``folder`` (a link:
    of its target; a folder: of nothing), leaving out the top-level names in
    ``skip``."""
    folder = Path(folder)
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if here == folder:
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in dirnames:
            found[(here / name).relative_to(folder).as_posix() + "/"] = ""
        for name in filenames:
            path = here / name
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return found


DemoRun = collections.namedtuple("DemoRun", "root demo columns rows instructor_before")
INSTRUCTOR_STUDENT = "instructor_student"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo job run for real (generate_assignment, autograde,
    generate_feedback, export) in a fresh copy of the course, beside an
    instructor's class: the top-level root's gradebook knows the assignment
    and one student (INSTRUCTOR_STUDENT) has submitted.

    Returns:
    DemoRun -- the copy's folder (root), its demo root (demo), the grade
    table (columns, rows) and tree_digest of the top level, release/ and
    demo/ left out, taken just before the demo ran (instructor_before)
    """
    root = copy_course(tmp_path_factory.mktemp("demo") / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                submissions.load(course.DEMO_STUDENTS / "complete.py"),
                                INSTRUCTOR_STUDENT)
    before = tree_digest(root, skip=("release", course.DEMO))
    columns, rows = demo.run(root, echo=lambda *args: None)
    return DemoRun(root, root / course.DEMO, columns, rows, before)


def pytest_terminal_summary(terminalreporter, config):
    """Print the accuracy catalogue's table after the run, when it was graded."""
    table = getattr(config, "catalogue_table", None)
    if table:
        terminalreporter.section("grading accuracy catalogue")
        terminalreporter.write_line(table)


def pytest_sessionfinish(session):
    """On a pytest-xdist worker, send the catalogue's table to the controller."""
    table = getattr(session.config, "catalogue_table", None)
    if table and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["catalogue_table"] = table


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """(pytest-xdist, on the controller) A worker ended: keep its table."""
    table = getattr(node, "workeroutput", {}).get("catalogue_table")
    if table:
        node.config.catalogue_table = table


# ------------------------------------------------------------ Debian packages

def _python_venv():
    """Debian's Python can make a venv: ensurepip is there (python3.11-venv)."""
    try:
        return subprocess.run(["/usr/bin/python3.11", "-c", "import ensurepip, venv"],
                              capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


#: Debian packages some tests need (./course test installs them as root):
#: package -> (is it installed?, what needs it: a fixture's name or "mark:NAME")
DEBIAN_PACKAGES = {
    "chromium": (lambda: os.access(os.environ.get("CHROMIUM", "/usr/bin/chromium"), os.X_OK),
                 {"browser"}),
    "postgresql": (lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")), {"postgres"}),
    "openssl": (lambda: shutil.which("openssl") is not None, {"tls"}),
    "npm": (lambda: shutil.which("npm") is not None, {"mark:hub"}),
    "python3.11-venv": (_python_venv, {"mark:hub"}),
}
_installed = {}


def missing_packages(item):
    """The Debian packages this test needs that are not installed."""
    marks = {f"mark:{m.name}" for m in item.iter_markers()}
    found = []
    for package, (installed, needs) in DEBIAN_PACKAGES.items():
        if needs & (set(item.fixturenames) | marks):
            if package not in _installed:
                _installed[package] = installed()
            if not _installed[package]:
                found.append(package)
    return found


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Fail at once, naming the package, when this test needs a missing one."""
    missing = missing_packages(item)
    if missing:
        names = " ".join(missing)
        other = " (or set CHROMIUM=/path/to/chromium)" if "chromium" in missing else ""
        pytest.fail(f"this test needs the Debian package{'s' if len(missing) > 1 else ''} "
                    f"{names}, not installed here: install with `apt-get install -y {names}` "
                    f"as root{other}; ./course test does it when run as root", pytrace=False)


# ------------------------------------------------------------ phases and workers

def pytest_addoption(parser):
    group = parser.getgroup("course", "the course's test phases (./course test)")
    group.addoption("--phase", choices=("parallel", "serial"),
                    help="parallel: leave out the tests marked serial; serial: run only those")
    group.addoption("--serial-list", metavar="FILE",
                    help="with --phase=parallel: write the ids of the serial tests left out to FILE")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """With --phase, keep only that phase's tests (after -m and -k)."""
    phase = config.getoption("phase")
    if phase:
        keep, left = [], []
        for item in items:
            (keep if (item.get_closest_marker("serial") is not None) == (phase == "serial")
             else left).append(item)
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = keep
        target = config.getoption("serial_list")
        if phase == "parallel" and target:
            partial = f"{target}.{os.getpid()}"
            Path(partial).write_text("".join(f"{item.nodeid}\n" for item in left))
            os.replace(partial, target)  # (every xdist worker writes the same list)
