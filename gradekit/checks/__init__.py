"""Hidden tests of the course's assignments, called from nbgrader test cells.

Each ``check_*`` function takes the student's function, runs it on inputs
whose right answer is known, and raises ``AssertionError`` with a message a
student can act on when something is wrong. The functions a student's answer
calls (forward passes, helpers) are replaced by this package's own reference
versions for the duration of the check, so each exercise is graded on its own.
"""
