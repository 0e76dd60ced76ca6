"""How long the class report takes for a large class.

Builds a synthetic graded class of N students (default 10,000) in a fresh
course (gccourse.synthetic.graded_class: a gradebook and status records
as a grading run leaves them, drawn from the accuracy catalogue, with some
failed, crashed and late submissions), then times
gradekit.classreport.write on it, as ``./course report`` runs it, three
times. Prints the seconds of each run, checks the written mistakes.csv
against what the synthetic class holds, and exits with status 1 if the
median run takes a minute or more.

Usage:  .venv/bin/python benchmarks/report_scale.py [N]   (default N=10000)
"""

import csv
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from gccourse import course, synthetic
from gccourse.mistakes import REGISTRY
from gradekit import classreport

LIMIT = 60.0


def main(n=10_000, repeats=3):
    with tempfile.TemporaryDirectory(prefix="report-scale-") as scratch:
        started = time.perf_counter()
        root, expected = synthetic.graded_class(Path(scratch) / "course", n)
        print(f"built a graded class of {n:,} in {time.perf_counter() - started:.1f} s")
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            folder = classreport.write(root, course.ASSIGNMENT, registry=REGISTRY)
            times.append(time.perf_counter() - started)
            print(f"  report written in {times[-1]:.2f} s")
        wanted = Counter()
        for cells in expected.values():
            for cell, (_, mistake) in cells.items():
                exercise = REGISTRY.exercise_of(cell)
                if mistake is None:
                    wanted[f"{exercise}.not_graded"] += 1
                elif mistake:
                    wanted[mistake] += 1
        with open(folder / "mistakes.csv", newline="") as handle:
            found = {row["mistake_id"]: int(row["students"]) for row in csv.DictReader(handle)}
        right = {k: v for k, v in found.items() if v} == dict(wanted)
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        median = statistics.median(times)
        print(f"class of {n:,}: median {median:.2f} s (limit {LIMIT:.0f} s); files: "
              + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sorted(sizes.items()))
              + f"; mistakes.csv {'matches' if right else 'DOES NOT MATCH'} the class")
        return 0 if median < LIMIT and right else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
