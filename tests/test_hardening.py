"""Hostile and broken submissions (tests/hostile/) graded with our hardened
pipeline and, for comparison, with nbgrader's stock one.

Each submission is owed its honest score and nothing more; an innocent
bystander graded in the same run must keep its grades and files. Where
stock nbgrader is fooled or harmed, the test shows that too, so it fails
without the hardening.
"""

import json
import shutil
import socket
import threading

import pytest

from conftest import ROOT
from gccourse import catalogue, course

HOSTILE = ROOT / "tests" / "hostile"
BASELINE = ROOT / "demo" / "complete.py"
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


def grade(tmp_path_factory, stock, names):
    """Grade the bystander and the named submissions in one class."""
    workdir = tmp_path_factory.mktemp("stock" if stock else "hardened")
    folder = workdir / "submissions"
    folder.mkdir()
    for name in ("aaa_bystander", *names):
        shutil.copy(HOSTILE / f"{name}.py", folder)
    listener = Listener()
    try:
        outcomes = catalogue.run(folder, BASELINE, workdir=workdir, echo=lambda *a: None,
                                 nbgrader_args=FAST, stock=stock)
    finally:
        listener.close()
    return {"root": workdir / "course", "outcomes": {o.name: o for o in outcomes},
            "received": listener.received}


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
    rest = grade(tmp_path_factory, True, [n for n in ALL if n not in DESTRUCTIVE])
    return {"harmful": harmful, "rest": rest}


def total(run, name):
    return sum(run["outcomes"][name].earned.values())


def autograded(run, name):
    return run["root"] / "autograded" / name / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"


@pytest.mark.parametrize("name", ["aaa_bystander", *ALL])
def test_every_submission_earns_its_honest_score_when_hardened(hardened, name):
    outcome = hardened["outcomes"][name]
    assert not outcome.problems(), outcome.problems()


def test_reading_the_instructors_solutions_earns_nothing(hardened, stock):
    assert hardened["outcomes"]["hostile_steals_solutions"].earned["test_forward_propagation"] == 0
    assert stock["rest"]["outcomes"]["hostile_steals_solutions"].earned["test_forward_propagation"] == 1


def test_the_gradebook_is_out_of_reach(hardened, stock):
    assert total(hardened, "aaa_bystander") == 20
    assert total(stock["harmful"], "aaa_bystander") == 0  # zeroed by hostile_rewrites_gradebook


def test_there_is_no_network(hardened, stock):
    assert hardened["received"] == b""
    assert stock["harmful"]["received"] == b"hello from a graded notebook"


def test_other_students_files_and_the_course_cannot_be_written(hardened, stock):
    for run, intact in ((hardened, True), (stock["harmful"], False)):
        victims = [autograded(run, "aaa_bystander"),
                   run["root"] / "source" / course.ASSIGNMENT / "gc_utils.py"]
        assert all(("vandalised" != p.read_text()) == intact for p in victims), run["root"]


def test_tags_that_skip_test_cells_are_ignored(hardened, stock):
    assert total(hardened, "hostile_skips_its_tests") == 0
    assert total(stock["rest"], "hostile_skips_its_tests") == 20


def test_grading_cannot_be_told_apart_from_a_students_own_run(hardened, stock):
    assert total(hardened, "hostile_grading_aware") == 19
    assert total(stock["rest"], "hostile_grading_aware") == 20


def test_objects_that_lie_about_comparisons_earn_nothing(hardened):
    earned = hardened["outcomes"]["hostile_lies"].earned
    assert earned["test_gradient_check"] == 0 and earned["test_gradient_check_n"] == 0


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


def test_a_cell_that_ignores_interrupts_gets_a_new_kernel(hardened, stock):
    assert total(hardened, "broken_ignores_interrupts") == 19
    assert total(stock["rest"], "broken_ignores_interrupts") == 0


def test_an_endless_loop_times_out_and_the_rest_is_graded(hardened):
    assert total(hardened, "broken_loops_forever") == 20
    cells = json.loads(autograded(hardened, "broken_loops_forever").read_text())["cells"]
    assert any(o.get("ename") == "CellTimeoutError" for c in cells for o in c.get("outputs", []))


def test_a_memory_bomb_is_a_memory_error_in_its_cell(hardened, stock):
    def errors(run):
        cells = json.loads(autograded(run, "broken_memory_bomb").read_text())["cells"]
        return [o.get("ename") for c in cells for o in c.get("outputs", [])]
    assert "MemoryError" in errors(hardened) and total(hardened, "broken_memory_bomb") == 20
    assert "MemoryError" not in errors(stock["rest"])  # no limit: 3.2 GB were simply taken


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


@pytest.mark.parametrize("name", ["hostile_rewrites_a_test", "hostile_deletes_tests"])
def test_edited_emptied_or_deleted_test_cells_earn_nothing(hardened, stock, name):
    """nbgrader's own sanitizing (OverwriteCells restores test cells from the
    gradebook; a missing test cell scores 0) already gets these right: our
    pipeline keeps it, and this test makes sure it stays that way."""
    expected = sum(hardened["outcomes"][name].expected.values())
    assert total(hardened, name) == expected == total(stock["rest"], name)


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


def test_a_trusted_regrade_process_that_cannot_start_is_an_error_not_a_pass(tmp_path):
    from gradekit.trusted import StudentProcess
    process = StudentProcess([], ["no.such.module"], tmp_path, 3, use_sandbox=False)
    try:
        with pytest.raises(RuntimeError, match="could not start"):
            process.start()
    finally:
        process.close()


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
