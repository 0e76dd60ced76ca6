"""Where a course root's folders are, as nbgrader places them.

nbgrader places each step's folder with ``CourseDirectory.format_path``: by
default ``<root>/<step>/<student>/<assignment>``. A course root's
nbgrader_config.py may move a step elsewhere, for example
``c.CourseDirectory.release_directory = "../release"``. Two course roots can
so share one source/ and one release/ (a demo class beside the real one).
The engine asks here for an assignment's source and release folders instead
of assuming ``<root>/source`` and ``<root>/release``. It still expects
submitted/, autograded/, feedback/ and grading_status/ in the root itself,
at nbgrader's default names.
"""

from pathlib import Path

from traitlets.config import Config


def load_config(root):
    """The nbgrader_config.py of the course root ``root``, loaded as nbgrader
    loads it (an empty Config when there is none)."""
    path = Path(root) / "nbgrader_config.py"
    if not path.exists():
        return Config()
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader(path.name, path=str(root)).load_config()


def coursedir(root, config=None):
    """nbgrader's CourseDirectory of the course root ``root``, configured by
    ``config`` (default: the root's own nbgrader_config.py)."""
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=load_config(root) if config is None else config,
                           root=str(Path(root).resolve()))


def step_folder(directory, step, assignment, student="."):
    """The folder of ``step`` ("source", "release", "submitted", ...) for
    ``assignment`` (and ``student``), as the CourseDirectory ``directory``
    places it. A ``..`` in it is kept: the system resolves it as nbgrader
    does."""
    return Path(directory.format_path(getattr(directory, f"{step}_directory"), student, assignment))
