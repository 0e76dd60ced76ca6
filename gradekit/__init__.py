"""The grading engine: nbgrader plug-ins that grade untrusted notebooks.

It names no course. A course plugs in through nbgrader_config.py: its
checks register under the grade_ids of its test cells (gradekit.harness),
and its stand-ins live in the student-side package (studentside), the only
code of ours that is ever mounted into the sandbox.
"""

__version__ = "0.2.0"
