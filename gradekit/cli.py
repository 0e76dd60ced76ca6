"""Command line: python -m gradekit <command>.

Commands:
  demo      regenerate the release and the demo class's graded results, and
            print the grade table (the instructor's main job)
  release   regenerate release/ from source/
  catalogue grade every submission in tests/submissions/ with nbgrader and
            print variant, expected and earned points, and message
"""

import argparse
import sys

from . import catalogue, course, demo

CATALOGUE = course.ROOT / "tests" / "submissions"
BASELINE = course.ROOT / "demo" / "complete.py"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="gradekit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="regenerate the release and the demo class's results")
    commands.add_parser("release", help="regenerate release/ from source/")
    commands.add_parser("catalogue", help="grade the accuracy catalogue and print its table")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            demo.run()
        elif args.command == "release":
            course.nbgrader(course.ROOT, "generate_assignment", course.ASSIGNMENT, "--force")
            print(f"release/{course.ASSIGNMENT} regenerated")
        elif args.command == "catalogue":
            outcomes = catalogue.run(CATALOGUE, BASELINE)
            print(catalogue.format_table(outcomes))
            return 1 if any(o.problems() for o in outcomes) else 0
    except course.NbgraderFailed as error:
        print(error, file=sys.stderr)
        return 1
    return 0
