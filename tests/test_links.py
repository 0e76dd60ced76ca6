"""No links, no special files: a submission holding a symbolic link (to the
instructor's solutions, to /etc/passwd, to another student's folder) or a
named pipe is refused at intake with a reason naming it, and nothing on
the host side (nbgrader's copies, our fingerprint, the exchange collector)
ever follows a link or opens a FIFO.

The link fixtures (tests/hostile/*links*, broken_submits_a_fifo) are graded
with an honest bystander in one class, by our pipeline and by stock
nbgrader (nbgrader's own pipelines and no intake hook), so that each test
shows what stock nbgrader falls for.
"""

import csv
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory

from conftest import ROOT, SOURCE_NOTEBOOK
from gccourse import catalogue, course, demo, submissions
from gradekit import grading, safefiles, status
from gradekit.exchange import SafeExchangeCollect

HOSTILE = ROOT / "tests" / "hostile"
BASELINE = course.DEMO_STUDENTS / "complete.py"
FAST = ("--Execute.timeout=5", "--GuardedExecute.notebook_timeout=150", "--TrustedRegrade.timeout=3")

#: Each fixture, and the entry its refusal must name.
ATTACKS = {
    "hostile_links_its_notebook_to_the_solutions": "'Gradient_Checking.ipynb' is a symbolic link",
    "hostile_links_an_extra_file_to_the_solutions": "'solutions.txt' is a symbolic link",
    "hostile_links_an_extra_file_to_etc_passwd": "'passwd.txt' is a symbolic link",
    "hostile_links_a_folder_to_a_neighbour": "'neighbour' is a symbolic link",
    "broken_submits_a_fifo": "'pipe' is a named pipe (FIFO)",
}

#: Text only the instructor's source notebook has (not the release, not the
#: baseline answers every fixture starts from): found in a student's
#: folder, it came from the solutions.
SOLUTION_TEXT = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "thetaplus = theta + epsilon",
                 "J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))")
PASSWD_LINE = Path("/etc/passwd").read_text().splitlines()[0]

#: Appended for the stock comparison: no intake hook either.
STOCK = catalogue.STOCK_AUTOGRADE + "\nc.Autograde.pre_convert_hook = None\n"


def _hashes(root):
    files = [root / "nbgrader_config.py", *sorted(p for p in (root / "source").rglob("*")
                                                  if p.is_file() and "__pycache__" not in p.parts)]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def grade(tmp_path_factory, stock):
    """Grade the bystander and every link fixture in one class."""
    workdir = tmp_path_factory.mktemp("links-stock" if stock else "links")
    folder = workdir / "submissions"
    folder.mkdir()
    for name in ("aaa_bystander", *ATTACKS):
        (folder / f"{name}.py").write_text((HOSTILE / f"{name}.py").read_text())
    before = {}
    new_course = demo.new_course

    def recording_new_course(*args, **kwargs):  # the course's files as grading found them
        root = new_course(*args, **kwargs)
        before.update(_hashes(root))
        return root

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "new_course", recording_new_course)
        patch.setattr(catalogue, "STOCK_AUTOGRADE", STOCK)
        outcomes = catalogue.run(folder, BASELINE, workdir=workdir, echo=lambda *a: None,
                                 nbgrader_args=FAST, stock=stock)
    root = workdir / "course"
    with open(root / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"root": root, "outcomes": {o.name: o for o in outcomes}, "rows": rows,
            "before": before, "after": _hashes(root)}


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return grade(tmp_path_factory, stock=False)


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return grade(tmp_path_factory, stock=True)


def received(run, name):
    """The text of every regular file under the student's autograded/ and
    feedback/ folders (HTML also without its tags), and the links there."""
    texts, links = [], []
    for step in ("autograded", "feedback"):
        folder = run["root"] / step / name
        if not folder.exists():
            continue
        for entry in safefiles.walk(folder):
            if entry.link is not None:
                links.append(entry.path)
            elif entry.kind == "regular file":
                text = safefiles.read_bytes(entry.name, entry.dir_fd).decode("utf-8", "replace")
                texts += [text, html.unescape(re.sub(r"<[^>]+>", "", text))]
    return "\n".join(texts), links


def leaked(text):
    return [t for t in (*SOLUTION_TEXT, PASSWD_LINE) if t in text]


def test_the_solution_text_is_only_in_the_instructors_notebook():
    """(So that finding it in a student's folder proves a leak.)"""
    source = SOURCE_NOTEBOOK.read_text()
    others = (ROOT / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb").read_text() + \
        BASELINE.read_text()
    assert all(t in source and t not in others for t in SOLUTION_TEXT)


# ------------------------------------------------------------------ our pipeline

@pytest.mark.hostile
def test_the_bystander_is_graded_as_usual(ours):
    assert sum(ours["outcomes"]["aaa_bystander"].earned.values()) == 20
    assert ours["rows"]["aaa_bystander"]["status"] == "graded"
    with Gradebook(f"sqlite:///{ours['root'] / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(course.ASSIGNMENT, "aaa_bystander").score == 20


@pytest.mark.hostile
@pytest.mark.parametrize("name", ATTACKS)
def test_a_link_or_a_fifo_is_refused_with_a_reason_naming_it(ours, name):
    row = ours["rows"][name]
    assert row["status"] == (f"failed: {ATTACKS[name]}; links and special files are not "
                             "accepted (submit the file itself)")
    assert not ours["outcomes"][name].earned and not ours["outcomes"][name].problems()


@pytest.mark.hostile
@pytest.mark.parametrize("name", ATTACKS)
def test_nothing_is_copied_for_a_refused_submission(ours, name):
    """No autograded or feedback folder at all: nbgrader never got as far as
    copying (so it followed nothing), let alone running anything."""
    for step in ("autograded", "feedback"):
        assert not (ours["root"] / step / name).exists()


@pytest.mark.hostile
def test_a_grading_run_task_refuses_it_the_same_way(ours):
    """gradekit.grading's task (nbgrader's Autograde in-process, as on a Dask
    worker) lists the submission and refuses it with the same reason,
    copying nothing."""
    root, name = ours["root"], "hostile_links_an_extra_file_to_etc_passwd"
    assert name in grading.submitted_students(root, course.ASSIGNMENT)
    outcome = grading.grade_one(root, course.ASSIGNMENT, name, grading.default_db_url(root))
    assert not outcome.graded and outcome.status == ours["rows"][name]["status"]
    assert not (root / "autograded" / name).exists() and not (root / "feedback" / name).exists()


@pytest.mark.hostile
def test_the_course_files_are_unchanged(ours, stock):
    for run in (ours, stock):
        assert run["before"] and run["before"] == run["after"]


# ------------------------------------------------------------------ stock nbgrader

@pytest.mark.hostile
def test_stock_grades_a_notebook_that_links_to_the_solutions_as_the_solutions(ours, stock):
    """Stock nbgrader reads the link's target (the instructor's source
    notebook): full marks, and the solutions and hidden tests land in the
    student's autograded notebook and feedback."""
    name = "hostile_links_its_notebook_to_the_solutions"
    text, _ = received(stock, name)
    assert set(SOLUTION_TEXT) <= set(leaked(text))
    assert sum(stock["outcomes"][name].earned.values()) == 20
    assert leaked(received(ours, name)[0]) == []


@pytest.mark.hostile
@pytest.mark.parametrize("name, what", [
    ("hostile_links_an_extra_file_to_the_solutions", SOLUTION_TEXT),
    ("hostile_links_an_extra_file_to_etc_passwd", (PASSWD_LINE,)),
])
def test_stock_copies_what_an_extra_link_points_to_into_the_feedback(ours, stock, name, what):
    """Stock nbgrader's copy of the extra files follows the link: the
    target's content arrives as a regular file in the student's autograded
    and feedback folders (the submission is graded: 20 points)."""
    extra = ATTACKS[name].split("'")[1]
    for step in ("autograded", "feedback"):
        copied = stock["root"] / step / name / course.ASSIGNMENT / extra
        assert not copied.is_symlink() and all(t in copied.read_text() for t in what)
    assert sum(stock["outcomes"][name].earned.values()) == 20
    assert leaked(received(ours, name)[0]) == []


@pytest.mark.hostile
def test_stock_does_not_copy_a_folder_link_but_grades_past_it(stock):
    """nbgrader's copy walks with os.walk, which does not enter a linked
    folder: the neighbour's files are not copied, and the submission is
    graded on its own notebook (20 points), the link unremarked."""
    name = "hostile_links_a_folder_to_a_neighbour"
    text, links = received(stock, name)
    assert links == [] and not (stock["root"] / "autograded" / name / course.ASSIGNMENT
                                / "neighbour").exists()
    assert sum(stock["outcomes"][name].earned.values()) == 20
    assert stock["rows"][name]["status"] == "graded"


@pytest.mark.hostile
def test_stock_fails_a_fifo_without_a_reason(stock):
    """nbgrader's shutil.copy refuses a FIFO (SpecialFileError) rather than
    blocking on it, but the submission then just has no grade: nothing says
    why."""
    name = "broken_submits_a_fifo"
    assert not stock["outcomes"][name].earned
    assert "pipe" not in stock["rows"][name]["status"]


# ------------------------------------------------------------------ intake, one submission

def _one_submission(root, name="student"):
    """A course folder with a release and one complete submission; returns
    the submission's folder and its notebook."""
    release = root / "release" / course.ASSIGNMENT
    release.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), release / f"{course.NOTEBOOK}.ipynb")
    (release / "gc_utils.py").write_text("# utilities\n")
    folder = root / "submitted" / name / course.ASSIGNMENT
    folder.mkdir(parents=True)
    notebook = folder / f"{course.NOTEBOOK}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    (folder / "gc_utils.py").write_text("# utilities\n")
    return folder, notebook


class FakeConverter:
    """nbgrader's order of work for one student: the pre-convert hook (whose
    exceptions nbgrader only logs), then init_assignment (the copy)."""

    def __init__(self, notebooks):
        self.notebooks = notebooks
        self.copied = False

    def init_assignment(self, assignment_id, student_id):
        self.copied = True

    def convert(self):
        try:
            status.intake(assignment=course.ASSIGNMENT, student="", notebooks=self.notebooks)
        except Exception:
            pass
        self.init_assignment(course.ASSIGNMENT, "student")


def test_a_refusal_stops_nbgraders_next_step_for_that_student_only(tmp_path):
    folder, notebook = _one_submission(tmp_path)
    os.symlink("/etc/passwd", folder / "passwd.txt")
    converter = FakeConverter([str(notebook)])
    with pytest.raises(status.SubmissionRefused, match="'passwd.txt' is a symbolic link"):
        converter.convert()
    assert not converter.copied and converter.notebooks == []
    os.remove(folder / "passwd.txt")
    converter.notebooks = [str(notebook)]
    converter.convert()
    assert converter.copied  # the next student is handled as usual


@pytest.mark.parametrize("where", ["assignment", "student"])
def test_a_submission_folder_that_is_a_link_is_refused(tmp_path, where):
    """A student folder, or a submission folder, that is itself a link to
    someone else's: listed for grading (so it is in the export), refused
    with that reason, and its fingerprint is the link, not the neighbour's
    files."""
    folder, _ = _one_submission(tmp_path, "neighbour")
    if where == "student":
        os.symlink(folder.parent, tmp_path / "submitted" / "attacker")
        shown = "submitted/attacker"
    else:
        (tmp_path / "submitted" / "attacker").mkdir()
        os.symlink(folder, tmp_path / "submitted" / "attacker" / course.ASSIGNMENT)
        shown = f"submitted/attacker/{course.ASSIGNMENT}"
    assert grading.submitted_students(tmp_path, course.ASSIGNMENT) == ["attacker", "neighbour"]
    notebook = tmp_path / "submitted" / "attacker" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    with pytest.raises(status.SubmissionRefused):
        status.intake(notebooks=[str(notebook)])
    assert status.status_of(tmp_path, course.ASSIGNMENT, "attacker") == (
        f"failed: the folder '{shown}' is a symbolic link; links and special files are not "
        "accepted (submit the file itself)")
    before = grading.fingerprint(tmp_path, course.ASSIGNMENT, "attacker")
    (folder / "gc_utils.py").write_text("# changed\n")
    assert grading.fingerprint(tmp_path, course.ASSIGNMENT, "attacker") == before


def test_a_misnamed_notebook_that_is_a_link_is_refused_not_copied(tmp_path):
    folder, notebook = _one_submission(tmp_path)
    os.remove(notebook)
    os.symlink(SOURCE_NOTEBOOK, folder / f"{course.NOTEBOOK} (1).ipynb")
    with pytest.raises(status.SubmissionRefused, match=r"Gradient_Checking \(1\).ipynb' is a "
                                                        "symbolic link"):
        status.intake(notebooks=[str(folder / f"{course.NOTEBOOK} (1).ipynb")])
    assert not notebook.exists()


def test_intake_never_opens_a_fifo_even_in_a_sub_folder(tmp_path):
    folder, notebook = _one_submission(tmp_path)
    (folder / "data").mkdir()
    os.mkfifo(folder / "data" / "pipe")
    result = _run_with_timeout(
        "from gradekit import status\n"
        f"try: status.intake(notebooks=[{str(notebook)!r}])\n"
        "except status.SubmissionRefused as e: print(e)\n")
    assert "'data/pipe' is a named pipe (FIFO)" in result


# ------------------------------------------------------------------ fingerprint, exchange

def _run_with_timeout(code, timeout=30):
    """Run ``code`` in a fresh interpreter; a read that blocks fails the test
    (TimeoutExpired) instead of hanging it."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_fingerprint_reads_a_links_text_never_its_target(tmp_path):
    folder, _ = _one_submission(tmp_path)
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"the instructor's secret" * 1000)
    os.symlink(secret, folder / "answers.txt")
    os.symlink(tmp_path / "release", folder / "a_folder")
    before = grading.fingerprint(tmp_path, course.ASSIGNMENT, "student")
    secret.write_bytes(b"something else entirely")
    (tmp_path / "release" / "gc_utils.py").write_text("# changed\n")
    assert grading.fingerprint(tmp_path, course.ASSIGNMENT, "student") == before
    os.remove(folder / "answers.txt")
    os.symlink(tmp_path / "elsewhere", folder / "answers.txt")
    assert grading.fingerprint(tmp_path, course.ASSIGNMENT, "student") != before  # the link counts


def test_the_fingerprint_does_not_hang_on_a_fifo(tmp_path):
    folder, _ = _one_submission(tmp_path)
    os.mkfifo(folder / "pipe")
    os.symlink(folder / "pipe", folder / "link_to_pipe")
    printed = _run_with_timeout(
        "from gradekit import grading\n"
        f"print(grading.fingerprint({str(tmp_path)!r}, {course.ASSIGNMENT!r}, 'student'))\n")
    assert re.fullmatch(r"[0-9a-f]{64}\n", printed)


def test_the_exchange_copy_keeps_links_as_links_and_leaves_fifos_out(tmp_path):
    """gradekit.exchange.copy_tree (SafeExchangeCollect's copy): a link is
    recreated with its own text, a FIFO is listed as left out, never
    opened; regular files and folders are copied."""
    source = tmp_path / "inbound" / "student+gradient_checking+2024-01-01 00:00:00 UTC"
    (source / "sub").mkdir(parents=True)
    (source / "Gradient_Checking.ipynb").write_text("{}")
    (source / "sub" / "notes.txt").write_text("notes")
    (source / ".ipynb_checkpoints").mkdir()
    os.symlink("/etc/passwd", source / "passwd.txt")
    os.symlink(tmp_path, source / "sub" / "up")
    os.mkfifo(source / "pipe")
    target = tmp_path / "submitted" / "student" / course.ASSIGNMENT
    printed = _run_with_timeout(
        "from gradekit.exchange import copy_tree\n"
        f"print(copy_tree({str(source)!r}, {str(target)!r}, exclude=['.ipynb_checkpoints']))\n")
    assert printed.strip() == "[('pipe', 'named pipe (FIFO)')]"
    assert os.readlink(target / "passwd.txt") == "/etc/passwd"
    assert os.readlink(target / "sub" / "up") == str(tmp_path)
    assert (target / "sub" / "notes.txt").read_text() == "notes"
    assert (target / "Gradient_Checking.ipynb").read_text() == "{}"
    assert not os.path.lexists(target / "pipe") and not (target / ".ipynb_checkpoints").exists()
    refused = status.refusals(target)
    assert refused == ["'passwd.txt' is a symbolic link; links and special files are not "
                       "accepted (submit the file itself)",
                       "'sub/up' is a symbolic link; links and special files are not "
                       "accepted (submit the file itself)"]


def test_the_exchange_collector_records_what_it_left_out_and_intake_refuses_it(tmp_path):
    folder, notebook = _one_submission(tmp_path)
    source = tmp_path / "inbound" / "student"
    source.mkdir(parents=True)
    (source / f"{course.NOTEBOOK}.ipynb").write_bytes(notebook.read_bytes())
    os.mkfifo(source / "pipe")
    shutil.rmtree(folder)
    collector = SafeExchangeCollect(coursedir=CourseDirectory(root=str(tmp_path)))
    collector.do_copy(str(source), str(folder))
    assert not os.path.lexists(folder / "pipe")
    with pytest.raises(status.SubmissionRefused):
        status.intake(notebooks=[str(notebook)])
    assert status.status_of(tmp_path, course.ASSIGNMENT, "student") == (
        "failed: 'pipe' is a named pipe (FIFO) (left out when collecting); links and special "
        "files are not accepted (submit the file itself)")


def test_fixtures_can_hold_links_and_fifos(tmp_path):
    entry = submissions.parse('"""x"""\nLINKS = {"a/b.txt": "{root}/x"}\nFIFOS = ["p"]\n', "x")
    assert entry.links == {"a/b.txt": "{root}/x"} and entry.fifos == ["p"]
    assert submissions.parse('"""x"""\n', "x").links == {}


def _collect(root, exchange, collector=None):
    """``nbgrader collect`` from ``exchange`` into the course folder ``root``
    (stock, or with ``collector``); a blocking read fails the test."""
    args = [sys.executable, "-m", "nbgrader", "collect", course.ASSIGNMENT,
            f"--Exchange.root={exchange}", "--CourseDirectory.course_id=links",
            f"--CourseDirectory.root={root}"]
    if collector:
        args.append(f"--ExchangeFactory.collect={collector}")
    return subprocess.run(args, cwd=root, env=course.environment(), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_nbgrader_collect_with_the_safe_collector_follows_no_link(tmp_path):
    """A submission in the exchange with a link to a secret file, a link to
    /dev/zero (an endless read) and a FIFO: collected with
    SafeExchangeCollect, the links arrive as links and the FIFO not at all
    (the status record keeps it); stock nbgrader collect (copytree) copies
    the secret's content as the student's file, and gives up on the FIFO."""
    exchange = tmp_path / "exchange"
    inbound = exchange / "links" / "inbound"
    secret = tmp_path / "secret.txt"
    secret.write_text("the instructor's secret\n")

    def submit():
        if inbound.exists():
            shutil.rmtree(inbound)
        folder = inbound / f"alice+{course.ASSIGNMENT}+2024-01-01 00:00:00.000000 UTC"
        folder.mkdir(parents=True)
        (folder / f"{course.NOTEBOOK}.ipynb").write_text("{}")
        os.symlink(secret, folder / "notes.txt")
        return folder

    ours, stock = tmp_path / "ours", tmp_path / "stock"
    ours.mkdir(), stock.mkdir()
    folder = submit()
    os.symlink("/dev/zero", folder / "zero")
    os.mkfifo(folder / "pipe")
    result = _collect(ours, exchange, "gradekit.exchange.SafeExchangeCollect")
    collected = ours / "submitted" / "alice" / course.ASSIGNMENT
    assert (collected / f"{course.NOTEBOOK}.ipynb").read_text() == "{}", result.stdout + result.stderr
    assert os.readlink(collected / "notes.txt") == str(secret)
    assert os.readlink(collected / "zero") == "/dev/zero"
    assert not os.path.lexists(collected / "pipe")
    assert status.load(ours, course.ASSIGNMENT, "alice")["collect_refusals"] == [
        "'pipe' is a named pipe (FIFO) (left out when collecting); links and special files are "
        "not accepted (submit the file itself)"]

    folder = submit()  # (stock would read /dev/zero for ever)
    os.mkfifo(folder / "pipe")
    result = _collect(stock, exchange)
    collected = stock / "submitted" / "alice" / course.ASSIGNMENT
    assert not (collected / "notes.txt").is_symlink()
    assert (collected / "notes.txt").read_text() == "the instructor's secret\n"
    assert "is a named pipe" in result.stdout + result.stderr
