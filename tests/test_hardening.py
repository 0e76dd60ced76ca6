"""Hostile and broken submissions (tests/hostile/) graded with our hardened
pipeline and, for comparison, with nbgrader's stock one.

Each submission is owed its honest score and nothing more; an innocent
bystander graded in the same run must keep its grades and files. Where
stock nbgrader is fooled or harmed, the test shows that too, so it fails
without the hardening.
"""

import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from gccourse import catalogue, course

HOSTILE = ROOT / "tests" / "hostile"
BASELINE = course.DEMO_STUDENTS / "complete.py"
FAST = ("--Execute.timeout=5", "--GuardedExecute.notebook_timeout=150", "--TrustedRegrade.timeout=3")
LISTENER_PORT = 47963  # the port hostile_phones_home.py tries to reach


class Listener:
    """A TCP server on the loopback address that records what it receives."""

    def __init__(self):
        self.received = b""
        self.server = socket.create_server(("127.0.0.1", LISTENER_PORT))
        self.server.settimeout(0.5)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                try:
                    self.received += connection.recv(4096)
                except OSError:
                    pass

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


#: Submissions that damage the course or other students when they succeed.
DESTRUCTIVE = ("hostile_rewrites_gradebook", "hostile_vandalises_neighbours", "hostile_phones_home")
#: Never graded without our sandbox: unsandboxed, they would act on the machine running the tests.
OURS_ONLY = ("hostile_plants_links_for_the_grader",)


def host_snapshot():
    """sha256 of what a submission must never change on the grading host:
    the repository's configuration and course files, and this Python
    environment's scripts (a rewritten ``activate`` runs a student's
    commands as the instructor)."""
    files = [ROOT / "nbgrader_config.py", *sorted((ROOT / "source").rglob("*")),
             *sorted((Path(sys.prefix) / "bin").glob("activate*"))]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def grade(tmp_path_factory, stock, names, folder=HOSTILE, args=FAST):
    """Grade the bystander and the named submissions in one class."""
    workdir = tmp_path_factory.mktemp("stock" if stock else "hardened")
    submissions = workdir / "submissions"
    submissions.mkdir()
    shutil.copy(HOSTILE / "aaa_bystander.py", submissions)
    for name in names:
        shutil.copy(folder / f"{name}.py", submissions)
    listener = Listener()
    before = host_snapshot()
    started = time.monotonic()
    try:
        outcomes = catalogue.run(submissions, BASELINE, workdir=workdir, echo=lambda *a: None,
                                 nbgrader_args=args, stock=stock)
    finally:
        listener.close()
    return {"root": workdir / "course", "outcomes": {o.name: o for o in outcomes},
            "received": listener.received, "host_before": before, "host_after": host_snapshot(),
            "seconds": time.monotonic() - started}


ALL = sorted(p.stem for p in HOSTILE.glob("*.py") if p.stem != "aaa_bystander")


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """Everything in one class: the attacks must not touch anyone else."""
    return grade(tmp_path_factory, False, ALL)


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    """Stock nbgrader, with the destructive submissions graded in a class of
    their own so that the other comparisons keep their evidence."""
    harmful = grade(tmp_path_factory, True, DESTRUCTIVE)
    rest = grade(tmp_path_factory, True, [n for n in ALL if n not in DESTRUCTIVE + OURS_ONLY])
    return {"harmful": harmful, "rest": rest}


def total(run, name):
    return sum(run["outcomes"][name].earned.values())


def autograded(run, name):
    return run["root"] / "autograded" / name / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"


@pytest.mark.hostile
@pytest.mark.parametrize("name", ["aaa_bystander", *ALL])
def test_every_submission_earns_its_honest_score_when_hardened(hardened, name):
    outcome = hardened["outcomes"][name]
    assert not outcome.problems(), outcome.problems()


@pytest.mark.hostile
def test_reading_the_instructors_solutions_earns_nothing(hardened, stock):
    assert hardened["outcomes"]["hostile_steals_solutions"].earned["test_forward_propagation"] == 0
    assert stock["rest"]["outcomes"]["hostile_steals_solutions"].earned["test_forward_propagation"] == 1


@pytest.mark.hostile
def test_the_gradebook_is_out_of_reach(hardened, stock):
    assert total(hardened, "aaa_bystander") == 20
    assert total(stock["harmful"], "aaa_bystander") == 0  # zeroed by hostile_rewrites_gradebook


@pytest.mark.hostile
def test_there_is_no_network(hardened, stock):
    assert hardened["received"] == b""
    assert stock["harmful"]["received"] == b"hello from a graded notebook"


@pytest.mark.hostile
def test_other_students_files_and_the_course_cannot_be_written(hardened, stock):
    for run, intact in ((hardened, True), (stock["harmful"], False)):
        victims = [autograded(run, "aaa_bystander"),
                   run["root"] / "source" / course.ASSIGNMENT / "gc_utils.py"]
        assert all(("vandalised" != p.read_text()) == intact for p in victims), run["root"]


@pytest.mark.hostile
def test_tags_that_skip_test_cells_are_ignored(hardened, stock):
    assert total(hardened, "hostile_skips_its_tests") == 0
    assert total(stock["rest"], "hostile_skips_its_tests") == 20


@pytest.mark.hostile
def test_grading_cannot_be_told_apart_from_a_students_own_run(hardened, stock):
    assert total(hardened, "hostile_grading_aware") == 19
    assert total(stock["rest"], "hostile_grading_aware") == 20


@pytest.mark.hostile
def test_objects_that_lie_about_comparisons_earn_nothing(hardened):
    earned = hardened["outcomes"]["hostile_lies"].earned
    assert earned["test_gradient_check"] == 0 and earned["test_gradient_check_n"] == 0


@pytest.mark.hostile
@pytest.mark.parametrize("name, killed", [
    ("broken_dies_midway", "exited with status 3"),
    ("broken_segfaults", "segmentation fault"),
])
def test_a_dying_kernel_costs_only_the_cell_that_killed_it(hardened, stock, name, killed):
    cells = json.loads(autograded(hardened, name).read_text())["cells"]
    deaths = [o["evalue"] for c in cells for o in c.get("outputs", [])
              if o.get("ename") == "KernelDied"]
    assert len(deaths) == 1 and killed in deaths[0]
    assert total(hardened, name) == sum(hardened["outcomes"][name].expected.values())
    assert total(stock["rest"], name) == 0


@pytest.mark.hostile
def test_a_cell_that_ignores_interrupts_gets_a_new_kernel(hardened, stock):
    assert total(hardened, "broken_ignores_interrupts") == 20
    assert total(stock["rest"], "broken_ignores_interrupts") == 0


@pytest.mark.hostile
def test_an_endless_loop_times_out_and_the_rest_is_graded(hardened):
    assert total(hardened, "broken_loops_forever") == 20
    cells = json.loads(autograded(hardened, "broken_loops_forever").read_text())["cells"]
    assert any(o.get("ename") == "CellTimeoutError" for c in cells for o in c.get("outputs", []))


@pytest.mark.hostile
def test_a_memory_bomb_is_a_memory_error_in_its_cell(hardened, stock):
    def errors(run):
        cells = json.loads(autograded(run, "broken_memory_bomb").read_text())["cells"]
        return [o.get("ename") for c in cells for o in c.get("outputs", [])]
    assert "MemoryError" in errors(hardened) and total(hardened, "broken_memory_bomb") == 20
    # stock: no limit, 3.2 GB were simply taken; on a loaded machine that can
    # cost stock nbgrader the whole notebook (a cell over its 30 s), which
    # shows the same: nothing stopped the bomb
    if autograded(stock["rest"], "broken_memory_bomb").exists():
        assert "MemoryError" not in errors(stock["rest"])


@pytest.mark.hostile
def test_gigantic_output_is_graded_and_the_stored_notebook_stays_small(hardened, stock):
    assert total(hardened, "broken_floods_output") == 20
    assert autograded(hardened, "broken_floods_output").stat().st_size < 1_000_000
    assert autograded(stock["rest"], "broken_floods_output").stat().st_size > 20_000_000


def test_grading_stops_with_a_clear_error_when_the_sandbox_cannot_start(course_copy, monkeypatch):
    course.nbgrader(course_copy, "generate_assignment", course.ASSIGNMENT, "--force")
    from gccourse import submissions
    submissions.write_submitted(course_copy, course.ASSIGNMENT, course.NOTEBOOK,
                                submissions.load(BASELINE))
    monkeypatch.setenv("PATH", "/nonexistent")  # no bwrap to be found
    output = course.nbgrader(course_copy, "autograde", course.ASSIGNMENT, check=False)
    assert "bubblewrap (bwrap) is not installed" in output
    assert not autograded({"root": course_copy}, "complete").exists()


@pytest.mark.hostile
@pytest.mark.parametrize("name", ["hostile_rewrites_a_test", "hostile_deletes_tests"])
def test_edited_emptied_or_deleted_test_cells_earn_nothing(hardened, stock, name):
    """nbgrader's own sanitizing (OverwriteCells restores test cells from the
    gradebook; a missing test cell scores 0) already gets these right: our
    pipeline keeps it, and this test makes sure it stays that way."""
    expected = sum(hardened["outcomes"][name].expected.values())
    assert total(hardened, name) == expected == total(stock["rest"], name)


@pytest.mark.hostile
@pytest.mark.parametrize("name, cheated", [
    ("hostile_patches_numpy_and_the_checks", "test_gradient_check_n"),
    ("hostile_replaces_a_module", "test_gradient_check"),
    ("hostile_import_hook", "test_difference_per_parameter"),
    ("hostile_swallows_errors", "test_forward_propagation"),
])
def test_tests_that_a_student_cell_neutered_are_graded_again_out_of_its_reach(
        hardened, stock, name, cheated):
    """In the kernel these cells pass (stock nbgrader gives full marks); the
    trusted regrade runs the hidden checks in a process student code never
    touched, and the cell loses its points, and only that cell."""
    assert stock["rest"]["outcomes"][name].earned[cheated] > 0
    assert hardened["outcomes"][name].earned[cheated] == 0
    assert not hardened["outcomes"][name].problems()
    events = json.loads((autograded(hardened, name)).read_text())
    assert any(o.get("evalue") for c in events["cells"] for o in c.get("outputs", [])
               if o.get("ename") == "AssertionError")


@pytest.mark.hostile
def test_the_grade_export_says_what_happened_to_each_submission(hardened):
    import csv
    with open(hardened["root"] / "grades.csv") as handle:
        status = {row["student_id"]: row["status"] for row in csv.DictReader(handle)}
    assert status["aaa_bystander"] == "graded"
    assert status["broken_dies_midway"].startswith("graded with warnings: while grading, kernel died")
    assert "exited with status 3" in status["broken_dies_midway"]
    assert "kernel stuck" in status["broken_ignores_interrupts"]
    assert "trusted regrade overruled the notebook in cell test_forward_propagation" in \
        status["hostile_swallows_errors"]
    assert "output truncated" in status["broken_floods_output"]


@pytest.mark.hostile
def test_a_submission_cannot_choose_the_mistake_ids_recorded_for_it(tmp_path_factory):
    """It prints fake ids and grader lines, raises its own CheckFailed with a
    mistake attribute and an AssertionError whose text is an id, and
    returns an id as a result: the ids in its status record (which the
    class report counts) are the grader's own, decided from what happened
    to each call, and its right answers get none."""
    from gradekit import status
    name = "hostile_fake_mistake_ids_are_not_recorded"
    run = grade(tmp_path_factory, False, [name])
    outcome = run["outcomes"][name]
    assert not outcome.problems(), outcome.problems()
    diagnoses = status.load(run["root"], course.ASSIGNMENT, name)["diagnoses"]
    assert diagnoses == outcome.wanted_mistakes == {
        "test_backward_propagation": "backward_propagation.raises_an_error",
        "test_gradient_check": "gradient_check.raises_an_error",
        "test_gradient_check_n": "gradient_check_n.returned_a_non_number"}
    assert status.load(run["root"], course.ASSIGNMENT, "aaa_bystander")["diagnoses"] == {}


def test_a_trusted_regrade_process_that_cannot_start_is_an_error_not_a_pass(tmp_path):
    from gradekit.trusted import StudentProcess
    process = StudentProcess([], ["no.such.module"], tmp_path, 3, use_sandbox=False)
    try:
        with pytest.raises(RuntimeError, match="could not start"):
            process.start()
    finally:
        process.close()


@pytest.mark.hostile
def test_one_submission_cannot_take_more_than_its_time_budget(tmp_path_factory):
    """Six looping cells at a 4 s cell timeout: stock nbgrader waits out all
    of them; with a 10 s notebook budget ours stops and marks the rest as
    not run (the status says so)."""
    import csv
    folder = HOSTILE / "budget"
    ran = {}
    for stock in (False, True):
        workdir = tmp_path_factory.mktemp("budget-stock" if stock else "budget")
        catalogue.run(folder, BASELINE, workdir=workdir, echo=lambda *a: None, stock=stock,
                      nbgrader_args=("--Execute.timeout=4", "--GuardedExecute.notebook_timeout=10",
                                     "--TrustedRegrade.timeout=3"))
        cells = json.loads(autograded({"root": workdir / "course"},
                                      "broken_loops_everywhere").read_text())["cells"]
        ran[stock] = [o.get("ename") for c in cells for o in c.get("outputs", [])]
        if not stock:
            with open(workdir / "course" / "grades.csv") as handle:
                status = next(csv.DictReader(handle))["status"]
            assert "not run" in status
    assert "NotRun" in ran[False] and ran[False].count("CellTimeoutError") < 6
    assert "NotRun" not in ran[True] and ran[True].count("CellTimeoutError") >= 6


# ------------------------------------------------------------ the trust boundary

def solution_lines():
    """Distinctive lines of the instructor's solutions (between BEGIN and
    END SOLUTION in the source notebook) that no fixture's answer contains."""
    import nbformat
    notebook = nbformat.read(ROOT / "source" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb", 4)
    answers = "\n".join(p.read_text() for p in [BASELINE, *HOSTILE.rglob("*.py")])
    lines = []
    for cell in notebook.cells:
        for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
            lines += [line.strip() for line in block.splitlines()
                      if len(line.strip()) > 25 and line.strip() not in answers]
    assert len(lines) > 10
    return lines


def files_under(run, step, name):
    folder = run["root"] / step / name
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()] if folder.exists() else []


@pytest.mark.hostile
@pytest.mark.parametrize("name", ALL)
def test_no_solution_line_reaches_an_attackers_graded_files_or_feedback(hardened, name):
    wanted = solution_lines()
    for path in files_under(hardened, "autograded", name) + files_under(hardened, "feedback", name):
        text = path.read_text(errors="replace")
        leaked = [line for line in wanted if line in text]
        assert not leaked, (path, leaked[:3])


@pytest.mark.hostile
def test_nothing_on_the_host_changed(hardened, stock):
    """Not the repository's configuration, its course files, nor this
    environment's activate scripts; and the gradebook still opens with the
    bystander's full marks (checked by the bystander's own test)."""
    assert hardened["host_after"] == hardened["host_before"]
    assert stock["rest"]["host_after"] == stock["rest"]["host_before"]
    config = (hardened["root"] / "nbgrader_config.py").read_text()
    assert config == (ROOT / "nbgrader_config.py").read_text()


@pytest.mark.hostile
def test_results_published_into_a_test_cell_cannot_claim_full_marks(hardened, stock):
    """nbgrader reads a test cell's score from its outputs, and the first
    execute_result wins; the student's function publishes one into every
    test cell that calls it. Only the trusted verdict counts."""
    assert total(hardened, "hostile_publishes_full_marks") == 0
    assert total(stock["rest"], "hostile_publishes_full_marks") == 20


@pytest.mark.hostile
def test_a_passing_test_whose_code_writes_to_stderr_keeps_its_points(hardened, stock):
    assert total(hardened, "honest_logs_to_stderr") == 20
    earned = stock["rest"]["outcomes"]["honest_logs_to_stderr"].earned
    assert earned["test_forward_propagation"] == 0 and earned["test_backward_propagation"] == 0


@pytest.mark.hostile
def test_links_planted_for_the_grader_are_never_written_through(hardened, stock):
    """The attack finds no folder it can write that the grader uses (the
    kernel's runtime folder and the trusted regrade's pipes are not shared):
    its answers keep their points, the bystander its grades, the course its
    configuration; the status says its kernel died."""
    assert not hardened["outcomes"]["hostile_plants_links_for_the_grader"].problems()
    assert total(hardened, "aaa_bystander") == 20
    assert hardened["host_after"] == hardened["host_before"]
    assert (hardened["root"] / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\x00"


@pytest.mark.hostile
def test_the_reference_and_the_checks_are_out_of_reach(hardened, stock):
    """In the sandbox neither the course's reference implementation nor its
    checks can be imported or read by path, so calling them earns nothing
    and their source reaches no feedback; stock nbgrader runs the notebook
    on the host, where the attacker imports the reference and scores."""
    assert hardened["outcomes"]["hostile_calls_the_reference"].earned["test_backward_propagation_n"] == 0
    assert stock["rest"]["outcomes"]["hostile_calls_the_reference"].earned["test_backward_propagation_n"] == 4
    secrets = ["def with_planted_bugs", "def numerical_gradient", "def check_backward_propagation_n"]
    for run, leaks in ((hardened, False), (stock["rest"], True)):
        texts = [p.read_text(errors="replace") for p in
                 files_under(run, "autograded", "hostile_calls_the_reference")
                 + files_under(run, "feedback", "hostile_calls_the_reference")]
        assert any(s in t for s in secrets for t in texts) == leaks


@pytest.mark.hostile
def test_a_flood_on_the_regrade_pipe_costs_only_those_calls(hardened):
    """64 MB with no newline, and a line nested 200,000 deep, written on the
    pipe the answers go back on: the grader stops reading at the cap (that
    call fails, and its test), and a line it cannot parse is skipped (the
    real answer that follows it counts)."""
    outcome = hardened["outcomes"]["hostile_floods_the_regrade_pipe"]
    assert not outcome.problems()
    assert sum(outcome.earned.values()) == 19


def test_inside_a_sandboxed_kernel_the_engine_and_the_checks_cannot_be_imported_or_read(tmp_path):
    """The trust boundary, checked from inside: a sandboxed kernel started
    the way grading starts one cannot import gradekit or the course's
    checks, cannot read their files by path, and can write nothing the
    grader uses, nor read the notebook file nbgrader restored the hidden
    blocks into."""
    import asyncio

    import gccourse
    import gradekit

    from gradekit.sandbox import SandboxedKernelManager

    (tmp_path / "Notebook.ipynb").write_text("### BEGIN HIDDEN TESTS")
    probe = f"""
import importlib, os, json
found = {{}}
try:
    found["notebook"] = open("Notebook.ipynb").read()
except OSError as error:
    found["notebook"] = type(error).__name__
for name in ("gradekit", "gradekit.harness", "gccourse", "gccourse.checks", "gccourse.reference"):
    try:
        importlib.import_module(name)
        found[name] = "imported"
    except Exception as error:
        found[name] = type(error).__name__
for path in ({str(Path(gradekit.__file__).parent / "trusted.py")!r},
             {str(Path(gccourse.__file__).parent / "reference.py")!r},
             {str(Path(gccourse.__file__).parent / "checks.py")!r}):
    try:
        open(path).read()
        found[path] = "read"
    except OSError as error:
        found[path] = type(error).__name__
runtime = os.path.dirname(get_ipython().config["IPKernelApp"]["connection_file"])
try:
    open(os.path.join(runtime, "planted"), "w")
    found["runtime"] = "written"
except OSError as error:
    found["runtime"] = type(error).__name__
import studentside.server
found["studentside"] = "imported"
print(json.dumps(found))
"""

    async def run():
        km = SandboxedKernelManager(kernel_name="python3")
        km.hide = ("gccourse",)
        await km.start_kernel(cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            lines = []
            await kc.execute_interactive(
                probe, timeout=60,
                output_hook=lambda m: lines.append(m["content"].get("text", "") or m["content"].get("evalue", "")))
            printed = [line for line in lines if line.startswith("{")]
            assert printed, lines
            return json.loads(printed[-1])
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    found = asyncio.run(run())
    assert found.pop("notebook") in ("", "PermissionError"), "the notebook, with its hidden blocks, was readable"
    assert found.pop("studentside") == "imported"
    assert found.pop("runtime") == "OSError", "the kernel could write its runtime folder"
    assert all(v in ("ModuleNotFoundError", "FileNotFoundError", "PermissionError")
               for v in found.values()), found


def test_our_packages_are_hidden_even_when_installed_where_the_sandbox_reads(tmp_path, monkeypatch):
    """A non-editable install puts gradekit and the checks in site-packages,
    which the sandbox reads: each is covered by an empty folder there, while
    studentside stays readable."""
    from gradekit import sandbox
    site = tmp_path / "site"
    for name in ("gradekit", "gccourse", "studentside"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(f"SECRET = {name!r}\n")
    monkeypatch.setattr(sandbox, "read_only_paths", lambda: [sys.base_prefix, sys.prefix, str(site)])
    monkeypatch.setattr(sandbox, "package_folder", lambda name: str(site / name.split(".")[0]))
    hidden = sandbox.hidden_paths(("gccourse",))
    assert sorted(Path(p).name for p in hidden) == ["gccourse", "gradekit"]
    argv = sandbox.command([sys.executable, "-c", (
        "import os, sys; print(*[sorted(os.listdir(f)) for f in sys.argv[1:]])"),
        str(site / "gradekit"), str(site / "gccourse"), str(site / "studentside")],
        str(tmp_path / "work"), hide=("gccourse",))
    (tmp_path / "work").mkdir()
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[] [] ['__init__.py']", result.stdout + result.stderr


# ------------------------------------------------------------ deadlines and memory

DEADLINE = ("--Execute.timeout=5", "--TrustedRegrade.timeout=3", "--SubmissionDeadline.seconds=25")


@pytest.mark.hostile
def test_one_deadline_bounds_a_submission_that_stalls_the_trusted_regrade(tmp_path_factory):
    """Every call sleeps just under the per-call timeout: without one
    deadline for the whole submission the grader waits call after call (and
    gives full marks at the end). With it, grading stops at 25 s, the
    exercises verified before keep their points, and the status says so."""
    import csv
    folder = HOSTILE / "deadline"
    run = grade(tmp_path_factory, False, ["hostile_stalls_the_trusted_regrade"], folder, DEADLINE)
    outcome = run["outcomes"]["hostile_stalls_the_trusted_regrade"]
    assert not outcome.problems(), outcome.problems()
    assert sum(outcome.earned.values()) == 6
    assert total(run, "aaa_bystander") == 20
    with open(run["root"] / "grades.csv") as handle:
        status = {row["student_id"]: row["status"] for row in csv.DictReader(handle)}
    assert "deadline reached" in status["hostile_stalls_the_trusted_regrade"]
    assert "test_gradient_check_n" in status["hostile_stalls_the_trusted_regrade"]
    assert status["aaa_bystander"] == "graded"
    assert run["seconds"] < 150, run["seconds"]


MEASURE = """
import json, resource, sys, warnings
from gradekit import grading
root, db_url = sys.argv[1], sys.argv[2]
grading.warm_up(root, db_url)
peaks = {}
for student in sys.argv[3:]:
    outcome = grading.grade_one(root, "gradient_checking", student, db_url, feedback=False)
    peaks[student] = [outcome.graded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024]
print(json.dumps(peaks))
"""


@pytest.mark.hostile
@pytest.mark.parametrize("stock, flood", [
    (False, "broken_prints_one_huge_message"), (True, "broken_prints_one_huge_message"),
    (False, "broken_floods_the_grader_with_errors"), (True, "broken_floods_the_grader_with_errors")])
def test_a_flood_of_output_does_not_grow_the_grader(tmp_path, stock, flood):
    """A cell prints 150 MB in one message, or sends hundreds of error
    messages of 3 MiB and of just under the cap, and opens extra
    connections to the grader's sockets. The
    grading process is measured (its own peak resident memory) after
    grading a bystander and then after the flood: ZeroMQ refuses a message
    above the cap before it is read, nothing is queued on a socket no one
    reads, and outputs of every kind count against the cell's cap, so the
    grader grows by a few MiB at most; stock nbgrader reads it all."""
    from gccourse import demo, submissions
    root = demo.new_course(tmp_path / "course", stock)
    base = submissions.load(BASELINE)
    for path in (HOSTILE / "aaa_bystander.py", HOSTILE / "memory" / f"{flood}.py"):
        entry = submissions.load(path)
        merged = __import__("dataclasses").replace(entry, cells={**base.cells, **entry.cells})
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, merged)
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    result = subprocess.run([sys.executable, "-c", MEASURE, str(root), db_url, "aaa_bystander",
                             flood], capture_output=True, text=True,
                            timeout=600, env=course.environment())
    peaks = json.loads(result.stdout.strip().splitlines()[-1])
    (_, after_bystander), (graded, after_flood) = peaks["aaa_bystander"], peaks[flood]
    growth = after_flood - after_bystander
    if stock:
        assert growth > 150_000_000, growth
    else:
        assert graded and growth < 24 * 1024 ** 2, growth
