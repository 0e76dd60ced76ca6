"""Taking submissions straight from an LMS download (nbgrader's zip_collect).

An LMS gives the instructor one archive of files named after the student,
``<student>_<anything>.ipynb`` by default. ``collect`` puts the archive where
``nbgrader zip_collect`` looks for it (``downloaded/<assignment>/archive/``)
and runs it with ``NotebookCollector``, which files each notebook as
``submitted/<student>/<assignment>/<notebook>.ipynb``.
"""

import functools
import os
import re
import shutil
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

from . import commands

DEFAULT_PATTERN = r"(?P<student_id>[^_]+)_(?P<file_id>.+)"


class NotebookCollector(FileNameCollectorPlugin):
    """nbgrader's file-name collector, matched against the file's own name
    (not its whole path), with a default pattern for ``<student>_<anything>``.

    LMSs rename what they pass on (``Homework-1.ipynb``, a student's
    own name for the file): when the assignment has a single notebook, any
    notebook a student hands in is filed under that notebook's name."""

    named_regexp = Unicode(
        DEFAULT_PATTERN,
        help="Regular expression with the groups student_id and file_id (and optionally "
             "timestamp), matched against each file's name",
    ).tag(config=True)

    def _match(self, filename):
        match = re.fullmatch(self.named_regexp, os.path.basename(filename))
        if not match or "student_id" not in match.groupdict():
            self.log.warning("File name does not match '%s': %s", self.named_regexp, filename)
            return None
        return match.groupdict()

    def collect(self, submitted_file):
        info = super().collect(submitted_file)
        if info is None:
            return None
        info.setdefault("file_id", os.path.basename(submitted_file))
        if submitted_file.endswith(".ipynb") and len(self._released) == 1:
            info["file_id"] = self._released[0].name
        return info

    @functools.cached_property
    def _released(self):
        """The release's notebooks (looked up once, not once a file)."""
        coursedir = self.parent.coursedir
        return sorted(Path(coursedir.format_path(coursedir.release_directory, ".",
                                                 coursedir.assignment_id)).glob("*.ipynb"))


def collect(root, assignment, archive, pattern=None, db_args=()):
    """File the submissions in ``archive`` (a .zip from an LMS, or a folder of
    such files) under ``root``/submitted/.

    Arguments:
    root -- course folder
    assignment -- str, assignment id
    archive -- path of a .zip file or of a folder of files and archives
    pattern -- regular expression with groups student_id and file_id, matched
               against each file name (default DEFAULT_PATTERN)

    Returns:
    str, what nbgrader zip_collect printed
    """
    archive = Path(archive)
    if not archive.exists():
        raise FileNotFoundError(f"no such archive or folder: {archive}")
    target = Path(root) / "downloaded" / assignment / "archive"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if archive.is_dir():
        shutil.copytree(archive, target, dirs_exist_ok=True)
    else:
        shutil.copy(archive, target / archive.name)
    args = ["zip_collect", assignment, "--force",
            "--ZipCollectApp.collector_plugin=gradekit.collect.NotebookCollector", *db_args]
    if pattern:
        args.append(f"--NotebookCollector.named_regexp={pattern}")
    return commands.nbgrader(root, *args)
