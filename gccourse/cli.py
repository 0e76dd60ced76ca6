"""Command line: python -m gccourse <command>.

Commands:
  demo      regenerate the release and the demo class's graded results in
            its own course root, demo/, and print the grade table
  release   regenerate release/ from source/
  check     grade your own filled-in notebook locally and print, per exercise,
            the points and the failure messages (never the hidden tests' code)
  grade     grading day: autograde every submission in parallel (all cores,
            or a Dask cluster), write feedback, grades.csv and the class
            report, print a summary
  report    write the class report (reports/<assignment>/) from the gradebook
            and the status records, without grading anything
  catalogue grade every submission in tests/submissions/ with nbgrader and
            print variant, expected and earned points, and message
  hub       (as root) a JupyterHub on this machine with a demo instructor and
            demo students, for trying a semester; Ctrl-C stops it
"""

import argparse
import sys

from gradekit import grading
from gradekit.escape import for_terminal
from gradekit.exceptions import GradingError, NbgraderFailed, SandboxUnavailable

from . import catalogue, course, demo, selfcheck
from .mistakes import REGISTRY

CATALOGUE = course.ROOT / "tests" / "submissions"
BASELINE = course.DEMO_STUDENTS / "complete.py"


def grading_default_pattern():
    from gradekit.collect import DEFAULT_PATTERN
    return DEFAULT_PATTERN.replace("%", "%%")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="regenerate the release and the demo class's results")
    commands.add_parser("release", help="regenerate release/ from source/")
    commands.add_parser("catalogue", help="grade the accuracy catalogue and print its table")
    check = commands.add_parser(
        "check", help="grade your own notebook locally, with the hidden tests",
        description="Grade a filled-in Gradient_Checking.ipynb with the hidden tests, in the "
                    "sandbox, and print each exercise's points and failure message.")
    check.add_argument("notebook", help="path of your Gradient_Checking.ipynb")
    grade = commands.add_parser(
        "grade", help="autograde the class in parallel, then feedback, grades.csv and the "
                      "class report",
        description="Autograde every submission in submitted/ in parallel, write every score "
                    "into the gradebook, generate feedback, export grades.csv, write the class "
                    "report (reports/<assignment>/) and print a summary. Run it again after an "
                    "interruption: it resumes.")
    grade.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on this existing Dask cluster instead of this machine")
    for flag, what in (("--tls-ca-file", "the CA certificate that signed the cluster's"),
                       ("--tls-cert", "this client's certificate, signed by that CA"),
                       ("--tls-key", "this client's private key")):
        grade.add_argument(flag, metavar="FILE",
                           help=f"with --scheduler tls://...: {what} (Dask mutual TLS; "
                                "give all three)")
    grade.add_argument("--zip", metavar="ARCHIVE",
                       help="first collect submissions from this LMS download: a .zip, or a "
                            "folder, of files named <student>_<anything>, each a notebook or "
                            "an archive (.zip, .tar.gz, .gz, ...); problems are reported per "
                            "file (see gradekit.collect)")
    grade.add_argument("--pattern", metavar="REGEX",
                       help="file-name pattern for --zip, with the group student_id and "
                            "optionally file_id and timestamp "
                            f"(default: {grading_default_pattern()})")
    grade.add_argument("--no-feedback", action="store_true", help="do not generate feedback")
    report = commands.add_parser(
        "report", help="write the class report from the gradebook, without grading",
        description="Write reports/<assignment>/ (index.html, mistakes.csv, students.csv): what "
                    "the class got wrong, per exercise, from the gradebook and the status "
                    "records of the last grading. Nothing is graded again.")
    report.add_argument("--anonymous", action="store_true",
                        help="leave student ids out entirely (no students.csv), to share the "
                             "report with colleagues")
    for sub in (grade, report):
        sub.add_argument("--db", metavar="URL",
                         help="the gradebook's database URL, e.g. postgresql://user@host/gradebook "
                              "(default: sqlite:///gradebook.db in the course folder)")
        sub.add_argument("--course", default=str(course.ROOT), metavar="FOLDER",
                         help="the course root (default: this repository's top level, "
                              "the instructor's class; demo: the demo class)")
        sub.add_argument("--assignment", default=course.ASSIGNMENT, help=argparse.SUPPRESS)
    hub = commands.add_parser(
        "hub", help="(as root) a local JupyterHub with a demo instructor and students",
        description="Install the course's JupyterHub (its own venv and proxy, under --prefix), "
                    "make a demo instructor and three demo students with new passwords, and "
                    "start the hub on 127.0.0.1. Ctrl-C stops it and removes the demo accounts. "
                    "See docs/hub.md.")
    hub.add_argument("--port", type=int, default=8000, help="the hub's port (default: 8000)")
    hub.add_argument("--prefix", default="/opt/gradekit-hub", metavar="FOLDER",
                     help="where the hub is installed (default: /opt/gradekit-hub)")
    hub.add_argument("--python", default="/usr/bin/python3.11", metavar="PYTHON",
                     help="a Python 3.11 every account can run (default: Debian's)")
    hub.add_argument("--keep-accounts", action="store_true",
                     help="keep the demo accounts and their files when the hub stops")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            demo.run()
        elif args.command == "release":
            course.nbgrader(course.ROOT, "generate_assignment", course.ASSIGNMENT, "--force")
            print(f"release/{course.ASSIGNMENT} regenerated")
        elif args.command == "check":
            try:
                results = selfcheck.check(args.notebook)
            except (OSError, ValueError) as error:
                print(f"check: {error}", file=sys.stderr)
                return 2
            print(selfcheck.format_results(results))
            return 0 if all(earned == points for _, earned, points, _ in results) else 1
        elif args.command == "grade":
            tls = [args.tls_ca_file, args.tls_cert, args.tls_key]
            if any(tls) and not all(tls):
                parser.error("--tls-ca-file, --tls-cert and --tls-key go together")
            security = grading.tls_security(*tls) if all(tls) else None
            result = grading.run(args.course, args.assignment, workers=args.workers,
                                 scheduler=args.scheduler, db_url=args.db, archive=args.zip,
                                 pattern=args.pattern, feedback=not args.no_feedback,
                                 security=security, mistakes=REGISTRY)
            return 130 if result.interrupted else 0
        elif args.command == "report":
            from gradekit import classreport
            folder = classreport.write(args.course, args.assignment, args.db, REGISTRY,
                                       anonymous=args.anonymous)
            print(f"Class report: {for_terminal(folder / 'index.html')}"
                  + ("" if args.anonymous else
                     " (students.csv names students: use --anonymous to share it)"))
        elif args.command == "hub":
            from . import hub as course_hub
            return course_hub.main(args.prefix, args.port, args.python, args.keep_accounts)
        elif args.command == "catalogue":
            outcomes = catalogue.run(CATALOGUE, BASELINE)
            print(catalogue.format_table(outcomes))
            return 1 if any(o.problems() for o in outcomes) else 0
    except (NbgraderFailed, GradingError, SandboxUnavailable) as error:
        print(for_terminal(error, newlines=True), file=sys.stderr)
        return 1
    return 0
