"""nbgrader configuration of the demo class: a course root of its own.

The demo's students, gradebook and results live here, apart from the
instructor's class at the top level. Everything else is the top-level
course's configuration, read from ../nbgrader_config.py: only the course
root and the place of source/ and release/ differ. Both roots share the one
source/ and release/ of the top level.

Run nbgrader from this folder as from the top level:
    cd demo && ../.venv/bin/nbgrader autograde gradient_checking
"""
import os

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.path.join(TOP, "nbgrader_config.py")

# traitlets' load_subconfig passes silently over a missing file, which
# would leave nbgrader's stock (unsandboxed) pipelines: refuse instead.
if not os.path.isfile(SHARED):
    raise FileNotFoundError(f"the demo's configuration extends {SHARED}, which is missing")
load_subconfig(SHARED)  # noqa: F821 -- provided by traitlets when it loads this file

c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = os.path.join(os.pardir, "source")
c.CourseDirectory.release_directory = os.path.join(os.pardir, "release")
