"""How fast a whole class is graded, measured side by side in one run.

Generates a class of N synthetic submissions (a mix of the accuracy
catalogue's correct variants and mistakes, gradekit.synthetic) and grades
it three ways, each in a fresh copy of the course:

  stock      nbgrader's own `nbgrader autograde`, serially, with its stock
             pipeline (no sandbox, no regrade)
  1 worker   our grading command (gradekit.grading.run) on one worker
  all cores  our grading command with one worker per core

and, with --cluster, a fourth way: our command on a Dask scheduler and two
workers started as separate processes, with the gradebook in a PostgreSQL
server started for the run (gradekit.localservices).

Feedback and the CSV export are left out of all three: only autograding is
compared. It also measures the floor: starting one sandboxed kernel and
executing a complete submission with nbclient alone (median of 5). It
prints seconds per submission, the speed-up of all cores over stock, our
one-worker cost against the floor, and peak memory per worker; and it
checks that both of our runs gave every student exactly the points the
catalogue says (exit status 1 if not).

Usage:  .venv/bin/python benchmarks/grading_speed.py [N] [--cluster]   (default N=40)
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gccourse import course, synthetic
from gradekit import grading, localservices, report
from gradekit.sandbox import SandboxedKernelManager


def floor(root, repeats=5):
    """Median seconds to start a sandboxed kernel and run a complete
    submission's notebook with nbclient alone."""
    folder = root / "floor"
    shutil.copytree(root / "submitted" / next(iter(sorted(os.listdir(root / "submitted"))))
                    / course.ASSIGNMENT, folder)
    os.chmod(folder, 0o755)
    notebook = nbformat.read(folder / f"{course.NOTEBOOK}.ipynb", as_version=4)
    times = []
    for _ in range(repeats):
        copy = nbformat.from_dict(notebook)
        started = time.perf_counter()
        NotebookClient(copy, timeout=30, kernel_manager_class=SandboxedKernelManager,
                       resources={"metadata": {"path": str(folder)}}).execute()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def check(root, expected, label, db_url=None):
    """Problems: students whose points differ from the catalogue's."""
    _, rows = report.grade_table(db_url or grading.default_db_url(root), course.ASSIGNMENT)
    earned = {row["student"]: row["scores"] for row in rows}
    return [f"{label}: {student} earned {earned.get(student)}, expected {points}"
            for student, points in expected.items() if earned.get(student) != points]


def ours(scratch, n, label, **where):
    """Grade a fresh class with our command; returns (seconds per
    submission, problems, memory figures)."""
    root, expected = synthetic.new_class(scratch / label.replace(" ", "-"), n)
    started = time.perf_counter()
    run = grading.run(root, feedback=False, export=False,
                      progress_stream=open(os.devnull, "w"), echo=lambda *a: None, **where)
    seconds = (time.perf_counter() - started) / n
    problems = check(root, expected, label, where.get("db_url"))
    problems += [f"{label}: {o.student} {o.status}" for o in run.outcomes if not o.graded]
    # ru_maxrss so far, as each submission finished: the first and the
    # last show whether a worker grows while it grades
    memory = (min(o.worker_peak_rss for o in run.outcomes),
              max(o.worker_peak_rss for o in run.outcomes),
              max(o.child_peak_rss for o in run.outcomes))
    return seconds, problems, memory


def main(n=40, cluster=False):
    cores = os.cpu_count() or 1
    seconds, problems, memory = {}, [], {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        # the first complete submission of the class is the floor's notebook
        root, expected = synthetic.new_class(scratch / "floor-course", 1)
        floor_seconds = floor(root)

        root, expected = synthetic.new_class(scratch / "stock", n, stock=True)
        started = time.perf_counter()
        course.nbgrader(root, "autograde", course.ASSIGNMENT)
        seconds["stock nbgrader, serial"] = (time.perf_counter() - started) / n

        for label, workers in (("ours, 1 worker", 1), (f"ours, all {cores} cores", cores)):
            seconds[label], wrong, memory[label] = ours(scratch, n, label, workers=workers)
            problems += wrong
        if cluster:
            label = "ours, 2-worker Dask cluster + PostgreSQL"
            with localservices.postgres_server() as db_url, \
                    localservices.dask_cluster(workers=2) as address:
                seconds[label], wrong, memory[label] = ours(scratch, n, label, scheduler=address,
                                                            db_url=db_url)
            problems += wrong

    stock, one, every = list(seconds.values())[:3]
    print(f"{n} synthetic submissions, {cores} cores, graded side by side in one run "
          "(seconds per submission, autograding only):")
    for label, value in seconds.items():
        print(f"  {label:42} {value:6.2f} s")
    print(f"  {'floor (kernel + nbclient)':42} {floor_seconds:6.2f} s")
    print(f"all cores vs stock serial:  {stock / every:.2f}x faster   (target >= 1.8x)")
    print(f"1 worker vs the floor:      {one / floor_seconds:.2f}x        (target <= 1.3x)")
    for label, (first, last, child) in memory.items():
        print(f"peak memory, {label}: worker process {first / 2**20:.0f} MiB after its first "
              f"submission, {last / 2**20:.0f} MiB after its last; largest submission (all its processes) "
              f"{child / 2**20:.0f} MiB (limit 2048 MiB)")
    if problems:
        print("WRONG GRADES:\n  " + "\n  ".join(problems))
        return 1
    print("every student's points equal the catalogue's, in every run of ours")
    return 0


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    sys.exit(main(int(numbers[0]) if numbers else 40, cluster="--cluster" in sys.argv[1:]))
