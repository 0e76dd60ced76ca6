"""What the grading hardening costs per submission, measured side by side.

Grades the same class of N copies of the complete demo submission, in one
run, four ways:

  stock        nbgrader's own autograde pipeline (no sandbox, scores read
               from the test cells' outputs)
  unsandboxed  our pipeline with --GuardedExecute.sandbox=False (scores
               from the trusted verdict, which cannot be switched off)
  no groups    our full pipeline without the per-submission control groups
               (--SubmissionLimits.enabled=False)
  hardened     our full pipeline (the default): sandboxes for the kernel and
               the regrade in one control group per submission (memory,
               processes, CPU), no shared writable path, one deadline,
               capped messages, sanitised outputs

and prints seconds per submission for each and the ratios to stock.
Usage:  .venv/bin/python benchmarks/sandbox_cost.py [N]     (default N=8)
"""

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from gccourse import course, submissions
from gccourse.catalogue import STOCK_AUTOGRADE
from gccourse.demo import copy_course

VARIANTS = {
    "stock": ([], True),
    "unsandboxed": (["--GuardedExecute.sandbox=False"], False),
    "no groups": (["--SubmissionLimits.enabled=False"], False),
    "hardened": ([], False),
}


def grade_class(root, n, args, stock):
    if stock:
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(STOCK_AUTOGRADE)
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    complete = submissions.load(course.DEMO_STUDENTS / "complete.py")
    for i in range(n):
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                    dataclasses.replace(complete, name=f"student{i:03d}"))
    started = time.perf_counter()
    course.nbgrader(root, "autograde", course.ASSIGNMENT, *args)
    return (time.perf_counter() - started) / n


def main(n=8):
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, (args, stock) in VARIANTS.items():
            root = copy_course(Path(scratch) / name)
            results[name] = grade_class(root, n, args, stock)
    print(f"seconds per submission, {n} submissions each (one run, side by side):")
    for name, seconds in results.items():
        print(f"  {name:12} {seconds:6.2f} s   {seconds / results['stock']:5.2f}x stock")
    print(f"the sandboxes cost {results['hardened'] - results['unsandboxed']:+.2f} s per submission, "
          f"of which the control groups {results['hardened'] - results['no groups']:+.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
