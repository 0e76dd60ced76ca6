"""Collecting from nbgrader's exchange trusts nothing a student put in
inbound/ (gradekit.exchange.SafeExchangeCollect).

On a JupyterHub the exchange's inbound/ folder is shared by every student
(mode 0733): anyone can make a folder there under any name. Each test below
is an attack on ``nbgrader collect`` with our collector, run as a separate
process with a timeout and a memory limit, against a real exchange folder
in a temporary directory:

* a folder forged in another student's name, with a time in its name that
  makes it the newest (nbgrader only logs a warning);
* entries whose name, kind or depth made nbgrader's collect stop for the
  whole class;
* a submitted ``timestamp.txt`` that is a link to /dev/zero or to a FIFO,
  or that holds garbage, read by the next ``collect --update``;
* an old submission renamed to claim a later time.

Each asserts the honest outcome (the honest students' submissions are
collected intact), that the attack is skipped with a warning naming it,
and that nothing outside submitted/ changed.
"""

import hashlib
import os
import pwd
import resource
import subprocess
import sys
import time

import pytest

from gccourse import course
from gradekit import safefiles
from gradekit.commands import environment

COURSE = "exchange-test"
ASSIGNMENT = course.ASSIGNMENT
NOTEBOOK = f"{course.NOTEBOOK}.ipynb"
COLLECTOR = "gradekit.exchange.SafeExchangeCollect"
HONEST = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "honest": true}'
FORGED = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "forged": true}'
#: Two system accounts: the honest student and the forger (no new accounts).
VICTIM, FORGER = pwd.getpwnam("nobody"), pwd.getpwnam("daemon")


def _memory_limit():
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


def collect(root, exchange, *options, timeout=60):
    """``nbgrader collect`` with our collector; a read that blocks fails the
    test (TimeoutExpired), one that never ends runs out of memory."""
    args = [sys.executable, "-m", "nbgrader", "collect", ASSIGNMENT,
            f"--Exchange.root={exchange}", f"--CourseDirectory.course_id={COURSE}",
            f"--CourseDirectory.root={root}", f"--ExchangeFactory.collect={COLLECTOR}", *options]
    result = subprocess.run(args, cwd=root, env=environment(), capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL, preexec_fn=_memory_limit)
    return result.returncode, result.stdout + result.stderr


def tree(folder):
    """Every entry under ``folder``: its kind and content (a link's text, a
    file's hash), owner and mode; never follows a link or opens a FIFO."""
    found = {}
    for entry in safefiles.walk(folder):
        info = os.stat(entry.name, dir_fd=entry.dir_fd, follow_symlinks=False)
        content = entry.link
        if entry.kind == "regular file":
            content = hashlib.sha256(safefiles.read_bytes(entry.name, entry.dir_fd)).hexdigest()
        found[entry.path] = (entry.kind, content, info.st_uid, info.st_mode)
    return found


def outside_submitted(root):
    """The course folder's entries other than submitted/ and what collect
    itself writes (the gradebook)."""
    return {path: what for path, what in tree(root).items()
            if path.split("/")[0] not in ("submitted", "gradebook.db")}


@pytest.fixture
def place(tmp_path):
    """A course folder and an exchange with inbound/ as on a hub (0733)."""
    root, exchange = tmp_path / "course", tmp_path / "exchange"
    inbound = exchange / COURSE / "inbound"
    root.mkdir()
    inbound.mkdir(parents=True)
    os.chmod(exchange, 0o777)
    os.chmod(inbound, 0o733)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("the instructor's secret\n")
    return root, exchange, inbound


def submit(inbound, student, claimed, notebook=HONEST, owner=None, suffix=""):
    """A submission folder as nbgrader submit makes it, owned by ``owner``
    (a pwd entry; None: root), its name claiming the time ``claimed``."""
    folder = inbound / f"{student}+{ASSIGNMENT}+{claimed}{suffix}"
    folder.mkdir()
    (folder / NOTEBOOK).write_text(notebook)
    (folder / "timestamp.txt").write_text(claimed)
    (folder / "submission_secret.txt").write_text("0123456789abcdef")
    if owner is not None:
        for path in (folder, *folder.iterdir()):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    return folder


def collected(root, student):
    return root / "submitted" / student / ASSIGNMENT


# ------------------------------------------------------------------ forged submissions

def test_a_submission_forged_in_another_students_name_is_skipped(place):
    """``daemon`` makes a folder named as ``nobody``'s, claiming 2099 (so it
    is the newest), with a blank notebook: skipped with a warning, since
    ``nobody`` is a local account and does not own it; ``nobody``'s own
    submission is collected intact. A student id that is not a local
    account (``student7``, submitted as root) is collected as before."""
    root, exchange, inbound = place
    honest = submit(inbound, "nobody", "2024-05-01 10:00:00.000000 UTC", owner=VICTIM)
    forged = submit(inbound, "nobody", "2099-01-01 00:00:00.000000 UTC", notebook=FORGED,
                    owner=FORGER, suffix="+x")
    other = submit(inbound, "student7", "2024-05-01 11:00:00.000000 UTC")
    before = tree(place[1])
    code, log = collect(root, exchange)
    assert code == 0, log
    assert (collected(root, "nobody") / NOTEBOOK).read_text() == HONEST, log
    assert {path: what[:2] for path, what in tree(collected(root, "nobody")).items()} == \
        {path: what[:2] for path, what in tree(honest).items()}
    assert (collected(root, "student7") / NOTEBOOK).read_text() == HONEST
    assert f"'{forged.name}'" in log and "owned by daemon" in log, log
    assert sorted(os.listdir(root / "submitted")) == ["nobody", "student7"]
    assert tree(place[1]) == before and other.exists()
    assert outside_submitted(root) == {}


def test_the_owner_check_can_be_turned_off(place):
    """(So that the test above shows the check at work.)"""
    root, exchange, inbound = place
    submit(inbound, "nobody", "2024-05-01 10:00:00.000000 UTC", owner=VICTIM)
    submit(inbound, "nobody", "2099-01-01 00:00:00.000000 UTC", notebook=FORGED, owner=FORGER)
    code, log = collect(root, exchange, "--SafeExchangeCollect.require_owner=False")
    assert code == 0, log
    assert (collected(root, "nobody") / NOTEBOOK).read_text() == FORGED


def test_a_link_in_inbound_is_never_collected(place):
    """A link named as a submission (to another student's folder, or to a
    folder outside the exchange): skipped with a warning, even for a student
    id that is not a local account."""
    root, exchange, inbound = place
    honest = submit(inbound, "student7", "2024-05-01 10:00:00.000000 UTC")
    os.symlink(honest, inbound / f"student8+{ASSIGNMENT}+2024-05-01 11:00:00.000000 UTC")
    os.symlink(place[1].parent / "elsewhere",
               inbound / f"student7+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC")
    code, log = collect(root, exchange)
    assert code == 0, log
    assert (collected(root, "student7") / NOTEBOOK).read_text() == HONEST
    assert not os.path.lexists(collected(root, "student8"))
    assert log.count("is a symbolic link") == 2, log
    assert outside_submitted(root) == {}


# ------------------------------------------------------------------ bad entries

def _deep(folder, depth):
    """A folder ``depth`` levels deep (made relative to each parent, so that
    no path is too long)."""
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


BAD_ENTRIES = {
    # name (after "<id>+"), how it is made, and what the warning says
    "time": (f"x+{ASSIGNMENT}+zzz", "file", "does not parse"),
    "date": (f"y+{ASSIGNMENT}+2024-13-45 99:00:00 UTC", "folder", "does not parse"),
    "root": (f"z+{ASSIGNMENT}+2024-05-01 10:00:00.000000 UTC", "link to /", "symbolic link"),
    "deep": (f"w+{ASSIGNMENT}+2024-05-01 10:00:00.000000 UTC", "deep", "cannot be measured"),
}


@pytest.mark.parametrize("case", BAD_ENTRIES)
def test_one_bad_entry_does_not_stop_collection_for_the_class(place, case):
    """nbgrader's collect stops for everyone at a name whose time does not
    parse, or when measuring an entry fails (a link to /, a folder nested
    deeper than Python's recursion limit): the entry is now skipped with a
    warning naming it, and everyone else is collected."""
    root, exchange, inbound = place
    name, kind, reason = BAD_ENTRIES[case]
    submit(inbound, "aaa", "2024-05-01 10:00:00.000000 UTC")
    submit(inbound, "zzz", "2024-05-01 10:00:00.000000 UTC")
    entry = inbound / name
    if kind == "file":
        entry.write_text("")
    elif kind == "folder":
        entry.mkdir()
    elif kind == "link to /":
        os.symlink("/", entry)
    else:
        _deep(entry, 1500)
    try:
        code, log = collect(root, exchange, timeout=120)
    finally:
        if kind == "deep":
            subprocess.run(["rm", "-rf", "--", str(entry)], check=True)
    assert code == 0, log
    for student in ("aaa", "zzz"):
        assert (collected(root, student) / NOTEBOOK).read_text() == HONEST, log
    assert sorted(os.listdir(root / "submitted")) == ["aaa", "zzz"]
    assert f"'{name}'" in log and reason in log, log
    assert outside_submitted(root) == {}


def test_ids_that_are_not_plain_names_are_refused(place):
    """``.``, ``..`` and an id with an escape sequence: refused with a
    warning that shows the escape as text; the rest is collected."""
    root, exchange, inbound = place
    submit(inbound, "aaa", "2024-05-01 10:00:00.000000 UTC")
    for student in (".", "..", "\x1b[2Jevil"):
        submit(inbound, student, "2024-05-01 10:00:00.000000 UTC")
    code, log = collect(root, exchange)
    assert code == 0, log
    assert sorted(os.listdir(root / "submitted")) == ["aaa"]
    assert not (root / "submitted" / ASSIGNMENT).exists() and not (root / ASSIGNMENT).exists()
    assert "\x1b" not in log and "'\\x1b[2Jevil+" in log, log
    assert log.count("not a plain name") == 3, log
    assert outside_submitted(root) == {}


# ------------------------------------------------------------------ timestamps

@pytest.mark.parametrize("timestamp", ["link to /dev/zero", "link to a FIFO", "garbage"])
def test_a_submitted_timestamp_is_read_safely_on_update(place, timestamp):
    """A student submits a ``timestamp.txt`` that is a link (to /dev/zero,
    or to a FIFO of theirs); our copy keeps it as a link in submitted/.
    They submit again, and the instructor collects with --update (as
    formgrader does): nbgrader reads the old ``timestamp.txt`` through the
    link, so it reads /dev/zero until memory runs out, or waits for ever on
    the FIFO; a garbage timestamp stops the collect. Now the bad timestamp
    counts as missing, with a warning, and the new submission is collected."""
    root, exchange, inbound = place
    first = submit(inbound, "student7", "2024-05-01 10:00:00.000000 UTC")
    os.remove(first / "timestamp.txt")
    if timestamp == "link to /dev/zero":
        os.symlink("/dev/zero", first / "timestamp.txt")
    elif timestamp == "link to a FIFO":
        os.mkfifo(place[1].parent / "elsewhere" / "pipe")
        os.symlink(place[1].parent / "elsewhere" / "pipe", first / "timestamp.txt")
    else:
        (first / "timestamp.txt").write_text("zzz")
    submit(inbound, "bystander", "2024-05-01 10:00:00.000000 UTC")
    code, log = collect(root, exchange)
    assert code == 0, log
    time.sleep(0.01)
    second = submit(inbound, "student7", "2024-05-02 10:00:00.000000 UTC",
                    notebook=HONEST.replace("true", "false"))
    code, log = collect(root, exchange, "--update", timeout=30)
    assert code == 0, log
    assert (collected(root, "student7") / NOTEBOOK).read_text() == HONEST.replace("true", "false")
    assert (collected(root, "student7") / "timestamp.txt").read_text() == second.name.split("+")[2]
    assert (collected(root, "bystander") / NOTEBOOK).read_text() == HONEST
    assert "timestamp.txt" in log and "Updating submission: student7" in log, log
    assert outside_submitted(root) == {}


def test_the_newest_submission_is_the_one_made_last_whatever_its_name_claims(place):
    """A student's first submission, named to claim 2099, is not taken for
    the newest: the order is the time each folder last changed, which a
    student cannot set (nbgrader takes the time in the name)."""
    root, exchange, inbound = place
    submit(inbound, "nobody", "2099-01-01 00:00:00.000000 UTC", notebook=FORGED, owner=VICTIM)
    time.sleep(0.05)
    submit(inbound, "nobody", "2024-05-02 10:00:00.000000 UTC", owner=VICTIM)
    code, log = collect(root, exchange)
    assert code == 0, log
    assert (collected(root, "nobody") / NOTEBOOK).read_text() == HONEST
