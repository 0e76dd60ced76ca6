"""Command line: python -m gradekit <command>.

Commands:
  demo      regenerate the release and the demo class's graded results, and
            print the grade table (the instructor's main job)
  release   regenerate release/ from source/
"""

import argparse
import sys

from . import course, demo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="gradekit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="regenerate the release and the demo class's results")
    commands.add_parser("release", help="regenerate release/ from source/")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            demo.run()
        elif args.command == "release":
            course.nbgrader(course.ROOT, "generate_assignment", course.ASSIGNMENT, "--force")
            print(f"release/{course.ASSIGNMENT} regenerated")
    except course.NbgraderFailed as error:
        print(error, file=sys.stderr)
        return 1
    return 0
