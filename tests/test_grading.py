"""The grading-day command (gradekit.grading): a whole class in parallel,
on this machine and on a Dask cluster with a PostgreSQL gradebook.

Every run here grades real submissions with the course's own pipeline
(sandbox, limits, trusted regrade) and checks the points against the ones
the accuracy catalogue says each submission must earn.
"""

import csv
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import nbformat
import pytest

from conftest import ROOT, gradekit_command
from gccourse import course, submissions, synthetic
from gccourse.mistakes import REGISTRY
from gradekit import grading, localservices, report
from gccourse.demo import copy_course

# The grading-day command: classes on several workers, a Dask cluster, PostgreSQL.
pytestmark = pytest.mark.cluster

HOSTILE = ROOT / "tests" / "hostile"
QUIET = {"progress_stream": open(os.devnull, "w"), "echo": lambda *a: None}


def earned(root, db_url=None):
    _, rows = report.grade_table(db_url or grading.default_db_url(root), course.ASSIGNMENT)
    return {row["student"]: row["scores"] for row in rows}


def cell_grades(db_url):
    """Every (student, cell) -> (auto score, needs manual grade) in a gradebook."""
    from nbgrader.api import Gradebook
    with Gradebook(db_url, "gradient-checking") as gradebook:
        assignment = gradebook.find_assignment(course.ASSIGNMENT)
        return {(s.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                for s in assignment.submissions for n in s.notebooks for g in n.grades}


# ---------------------------------------------------------------- one machine

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A synthetic class of 10, a vandal that attacks its neighbours, and a
    damaged notebook, graded on two local workers with feedback and export."""
    root, expected = synthetic.new_class(tmp_path_factory.mktemp("class") / "course", 10)
    vandal = submissions.load(HOSTILE / "hostile_vandalises_neighbours.py")
    base = submissions.load(course.DEMO_STUDENTS / "complete.py")
    submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                dataclasses.replace(vandal, cells={**base.cells, **vandal.cells}))
    damaged = submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, base, "damaged")
    damaged.write_text('{"cells": [ this is not JSON')
    result = grading.run(root, workers=2, **QUIET)
    return root, expected, result


@pytest.mark.hostile
def test_every_submission_earns_the_catalogues_points_on_two_workers(graded_class):
    root, expected, result = graded_class
    points = earned(root)
    for student, wanted in expected.items():
        assert points[student] == wanted, student
    assert result.workers == 2
    assert len({o.worker for o in result.outcomes}) == 2, "both workers graded"


@pytest.mark.hostile
def test_a_vandal_graded_in_parallel_harms_no_neighbour(graded_class):
    root, expected, _ = graded_class
    vandal = "hostile_vandalises_neighbours"
    assert sum(earned(root)[vandal].values()) == 20  # its own answers are right
    for student in expected:
        notebook = root / "submitted" / student / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
        assert "vandalised" not in notebook.read_text()[:20]
        nbformat.read(notebook, as_version=4)


@pytest.mark.hostile
def test_a_damaged_notebook_fails_with_its_reason_and_stops_nothing(graded_class):
    root, expected, result = graded_class
    outcome = next(o for o in result.outcomes if o.student == "damaged")
    assert not outcome.graded
    assert outcome.status.startswith("failed:") and "not a readable notebook" in outcome.status
    assert len(result.outcomes) == len(expected) + 2
    summary = result.summary()
    assert "failed:               1" in summary and "damaged: " in summary
    assert f"graded:               {len(expected) + 1}" in summary


@pytest.mark.hostile
def test_feedback_and_the_grade_export_are_written_for_every_graded_submission(graded_class):
    root, expected, _ = graded_class
    for student in [*expected, "hostile_vandalises_neighbours"]:
        page = root / "feedback" / student / course.ASSIGNMENT / f"{course.NOTEBOOK}.html"
        assert page.exists(), student
    with open(root / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    for student, wanted in expected.items():
        assert float(rows[student]["raw_score"]) == sum(wanted.values())
        assert rows[student]["status"] == "graded"
    assert rows["damaged"]["status"].startswith("failed: ")


@pytest.mark.hostile
def test_the_summary_names_the_slowest_submissions_and_peak_memory(graded_class):
    _, _, result = graded_class
    summary = result.summary()
    slowest = max(result.outcomes, key=lambda o: o.seconds)
    assert f"slowest: {slowest.student} " in summary
    assert "peak memory per worker" in summary
    for outcome in result.outcomes:
        assert 50 * 2 ** 20 < outcome.worker_peak_rss < 2 ** 31
        assert 0 < outcome.worker_rss <= outcome.worker_peak_rss
        if outcome.graded:
            # a kernel with numpy and matplotlib loaded, held to the sandbox's
            # limit of 2 GiB of address space
            assert 30 * 2 ** 20 < outcome.child_peak_rss < 2 * 1024 ** 3


@pytest.mark.hostile
def test_running_again_grades_nothing_twice(graded_class):
    root, expected, first = graded_class
    graded_files = {p: p.stat().st_mtime_ns for p in (root / "autograded").rglob("*.ipynb")}
    again = grading.run(root, workers=1, export=False, **QUIET)
    assert again.outcomes == []
    assert sorted(again.skipped) == sorted(o.student for o in first.outcomes)
    assert {p: p.stat().st_mtime_ns for p in (root / "autograded").rglob("*.ipynb")} == graded_files


def test_a_changed_submission_is_graded_again(tmp_path):
    root, expected = synthetic.new_class(tmp_path / "course", 2)
    grading.run(root, workers=1, feedback=False, export=False, **QUIET)
    student = sorted(expected)[0]
    empty = submissions.load(course.DEMO_STUDENTS / "empty.py")
    submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, empty, student)
    again = grading.run(root, workers=1, feedback=False, export=False, **QUIET)
    assert [o.student for o in again.outcomes] == [student]
    assert sum(earned(root)[student].values()) == 0


def test_demo_class_graded_in_parallel_gets_the_committed_grades(tmp_path):
    """./course grade --course demo grades the demo's own course root (its
    gradebook, its grades.csv) and leaves the top level alone."""
    root = copy_course(tmp_path / "course")
    demo_root = root / course.DEMO
    shutil.copytree(ROOT / course.DEMO / "submitted", demo_root / "submitted")
    result = gradekit_command("grade", "--course", str(demo_root), "--workers", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    with open(ROOT / course.DEMO / "grades.csv") as handle:
        committed = {row["student_id"]: row["raw_score"] for row in csv.DictReader(handle)}
    with open(demo_root / "grades.csv") as handle:
        ours = {row["student_id"]: row["raw_score"] for row in csv.DictReader(handle)}
    assert ours == committed and set(ours) == {"complete", "empty", "partly_wrong"}
    assert earned(demo_root).keys() == ours.keys()
    for name in ("submitted", "autograded", "feedback", "grading_status", "gradebook.db",
                 "grades.csv"):
        assert not (root / name).exists(), f"grading the demo wrote {name} at the top level"


def test_the_demo_root_finds_its_one_assignment_in_the_shared_source(tmp_path):
    root = copy_course(tmp_path / "course")
    assert not (root / course.DEMO / "source").exists()
    assert grading.only_assignment(root / course.DEMO) == course.ASSIGNMENT
    assert grading.only_assignment(root) == course.ASSIGNMENT


# ---------------------------------------------------------------- interruption

def test_ctrl_c_then_running_again_resumes_without_losing_or_repeating_a_grade(tmp_path):
    """Ctrl-C after two submissions are graded. Every submission after the
    first two ends in a cell that sleeps 4 s (it earns the same points), so
    the interrupt lands while the third is being graded rather than racing
    a fast machine to the end of the class."""
    root, expected = synthetic.new_class(tmp_path / "course", 8)
    for student in sorted(expected)[2:]:
        path = root / "submitted" / student / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
        notebook = nbformat.read(path, 4)
        notebook.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(4)"))
        nbformat.write(notebook, path)
    command = [sys.executable, "-m", "gccourse", "grade", "--course", str(root), "--workers", "1",
               "--no-feedback"]
    first = subprocess.Popen(command, env=course.environment(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if sum(grading.is_done(root, course.ASSIGNMENT, s) for s in expected) >= 2:
            break
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = first.communicate(timeout=120)
    assert first.returncode == 130, output
    assert "INTERRUPTED" in output
    done = {s for s in expected if grading.is_done(root, course.ASSIGNMENT, s)}
    assert 2 <= len(done) < len(expected), output
    kept = earned(root)
    for student in done:
        assert kept[student] == expected[student]

    second = grading.run(root, workers=2, feedback=False, **QUIET)
    assert set(second.skipped) == done
    assert {o.student for o in second.outcomes} == set(expected) - done
    assert earned(root) == expected


# ---------------------------------------------------------------- LMS download

def test_an_lms_archive_is_collected_into_submitted_and_graded(tmp_path):
    root = copy_course(tmp_path / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    release = nbformat.read(root / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb", 4)
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for student, name, filename in [("ada", "complete", "Gradient_Checking.ipynb"),
                                        ("bob", "empty", "my homework (2).ipynb")]:
            answers = submissions.load(course.DEMO_STUDENTS / f"{name}.py")
            bundle.writestr(f"{student}_{filename}",
                            nbformat.writes(submissions.fill(release, answers)))
        bundle.writestr("README.txt", "not a submission")
    result = grading.run(root, workers=1, archive=archive, feedback=False, **QUIET)
    for student in ("ada", "bob"):
        assert (root / "submitted" / student / course.ASSIGNMENT
                / f"{course.NOTEBOOK}.ipynb").exists()
    points = earned(root)
    assert sum(points["ada"].values()) == 20 and sum(points["bob"].values()) == 0
    assert {o.student for o in result.outcomes} == {"ada", "bob"}


def test_the_file_name_pattern_is_configurable(tmp_path):
    from gradekit.collect import collect
    root = copy_course(tmp_path / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    folder = tmp_path / "download"
    folder.mkdir()
    release = (root / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb").read_text()
    (folder / "Gradient Checking--carol--attempt 1.ipynb").write_text(release)
    collect(root, course.ASSIGNMENT, folder, pattern=r".*--(?P<student_id>\w+)--(?P<file_id>.*)")
    assert (root / "submitted" / "carol" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb").exists()


# ---------------------------------------------------------------- a cluster

def grade_command(root, *args):
    return gradekit_command("grade", "--course", str(root), *args, timeout=300)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    root, _ = synthetic.new_class(tmp_path / "course", 1)
    result = grade_command(root, "--scheduler", f"tcp://127.0.0.1:{localservices.free_port()}")
    assert result.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_clear_error(tmp_path):
    root, _ = synthetic.new_class(tmp_path / "course", 1)
    result = grade_command(root, "--db", f"postgresql://nobody@127.0.0.1:{localservices.free_port()}/gradebook")
    assert result.returncode == 1
    assert "cannot open the gradebook postgresql://nobody@127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "autograded").exists()


@pytest.fixture(scope="module")
def postgres():
    """A real PostgreSQL server on a free loopback port, for this module."""
    with localservices.postgres_server() as db_url:
        yield db_url


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return localservices.tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def dask_cluster(tls):
    """A Dask scheduler and two workers, each a separate process started
    with the ``dask`` command, as an instructor would, with mutual TLS as
    the cluster guide shows."""
    with localservices.dask_cluster(workers=2, tls=tls) as address:
        yield address


def test_the_cluster_refuses_a_client_without_a_certificate_of_its_ca(tmp_path, dask_cluster, tls):
    """Nobody else on the network can submit work to the graders: a client
    with no certificate, or one its CA did not sign, cannot connect."""
    from distributed import Client
    from distributed.security import Security
    other = localservices.tls_files(tmp_path / "other")
    attempts = [{}, {"security": Security(tls_ca_file=tls["ca"], tls_client_cert=other["cert"],
                                          tls_client_key=other["key"], require_encryption=True)}]
    for kwargs in attempts:
        with pytest.raises((OSError, TimeoutError)):
            Client(dask_cluster.replace("tls://", "tcp://") if not kwargs else dask_cluster,
                   timeout=5, **kwargs)


def test_a_local_cluster_listens_on_loopback_only():
    """Every socket the scheduler, the nannies and the workers listen on
    (Dask's own and its HTTP servers) is on 127.0.0.1."""
    import psutil
    me = psutil.Process()
    others = {p.pid for p in me.children(recursive=True)}  # (other fixtures' services)
    cluster = grading.local_cluster(2)
    try:
        addresses = [cluster.scheduler_address, *cluster.scheduler_info["workers"]]
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
        ours = {me.pid, *(p.pid for p in me.children(recursive=True))} - others
        listening = [c.laddr for c in psutil.net_connections("inet")
                     if c.pid in ours and c.status == psutil.CONN_LISTEN]
        assert len(listening) >= 5 and all(a.ip == "127.0.0.1" for a in listening), listening
    finally:
        cluster.close()


def test_a_two_worker_cluster_with_postgresql_grades_like_a_serial_run(
        tmp_path, postgres, dask_cluster, tls):
    root, expected = synthetic.new_class(tmp_path / "cluster", 12)
    result = grading.run(root, scheduler=dask_cluster, db_url=postgres,
                         security=grading.tls_security(tls["ca"], tls["cert"], tls["key"]),
                         mistakes=REGISTRY, **QUIET)
    assert result.workers == 2
    assert len({o.worker for o in result.outcomes}) == 2, "both workers graded"
    assert earned(root, postgres) == expected
    assert earned(root) == {}, "no grade went to the course's SQLite gradebook"
    # the class report, read from the PostgreSQL gradebook and the status records
    with open(root / "reports" / course.ASSIGNMENT / "students.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["student_id"], row["exercise"]): float(row["points"]) for row in rows} == {
        (student, cell.removeprefix("test_")): points
        for student, cells in expected.items() for cell, points in cells.items()}
    assert all(bool(row["mistake_id"]) == (row["points"] != row["max_points"]) for row in rows)

    serial_root = copy_course(tmp_path / "serial")
    shutil.copytree(root / "submitted", serial_root / "submitted")
    # the same class, graded serially by `nbgrader autograde` with the same pipeline
    course.nbgrader(serial_root, "generate_assignment", course.ASSIGNMENT, "--force")
    course.nbgrader(serial_root, "autograde", course.ASSIGNMENT)
    assert cell_grades(postgres) == cell_grades(grading.default_db_url(serial_root))
    with open(root / "grades.csv") as handle:
        assert {row["student_id"] for row in csv.DictReader(handle)} == set(expected)
