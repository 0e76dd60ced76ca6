"""Running nbgrader's command line on a course folder."""

import os
import subprocess
import sys

from .exceptions import NbgraderFailed


def environment():
    """os.environ with this interpreter's bin folder first on PATH: nbgrader
    runs the ``alembic`` command by name when it creates a gradebook."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(root, *args, check=True):
    """Run ``nbgrader <args>`` in the course folder ``root``.

    Returns:
    str, everything nbgrader printed; with ``check`` (the default) raises
    NbgraderFailed (with that text) when it exits with an error
    """
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=root, env=environment(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    if check and result.returncode != 0:
        raise NbgraderFailed(
            f"nbgrader {' '.join(args)} failed (exit {result.returncode}):\n{result.stdout}")
    return result.stdout
