"""Collecting from nbgrader's exchange without following students' links.

``nbgrader collect`` copies each student's folder from the exchange's
inbound/ into submitted/ with ``shutil.copytree``, which follows symbolic
links (a link to the instructor's solutions arrives as the solutions) and
blocks forever on a named pipe (FIFO). ``SafeExchangeCollect`` copies with
``copy_tree`` instead:

* a symbolic link is recreated as a symbolic link with the same text, never
  followed (intake then refuses the submission, naming the link);
* a FIFO, socket or device is never opened and not copied; the collector
  records it in the student's status record (``collect_refusals``), and
  intake refuses the submission with that reason (gradekit.status);
* regular files are read with O_NOFOLLOW and written with O_EXCL, real
  folders are walked through descriptors (gradekit.safefiles).

nbgrader's own limits (``CourseDirectory.ignore``, ``include``,
``max_file_size``, ``max_dir_size``) still apply. Configure it with::

    c.ExchangeFactory.collect = "gradekit.exchange.SafeExchangeCollect"
"""

import fnmatch
import os
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns

from . import safefiles, status
from .status import REFUSAL


def copy_tree(source, target, ignore=None, exclude=(), log=None):
    """Copy the folder ``source`` to ``target`` (which must not exist)
    without following any link.

    Arguments:
    ignore -- like shutil.copytree's: a function (folder, names) -> names to
              leave out; it is only shown regular files and folders
    exclude -- glob patterns of names left out whatever they are (links too)
    log -- logging.Logger for what was left out, or None

    Returns:
    list of (relative path, kind) of the special files (FIFOs, sockets,
    devices) that were not copied; ``source`` itself being a link is
    recreated as a link at ``target``.
    """
    skipped = []
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
        return skipped
    if not stat.S_ISDIR(info.st_mode):
        return [(".", safefiles.kind(info.st_mode))]
    os.makedirs(target)
    left_out = set()  # relative paths of folders not copied (their entries neither)
    for entry in safefiles.walk(source):
        parent = os.path.dirname(entry.path)
        if parent in left_out:
            left_out.add(entry.path)
            continue
        destination = os.path.join(target, entry.path)
        if any(fnmatch.fnmatch(entry.name, pattern) for pattern in exclude) or (
                ignore is not None and safefiles.is_plain(entry.mode)
                and entry.name in ignore(os.path.join(source, parent), [entry.name])):
            left_out.add(entry.path)
            continue
        if stat.S_ISLNK(entry.mode):
            os.symlink(entry.link, destination)
        elif stat.S_ISDIR(entry.mode):
            os.mkdir(destination)
        elif stat.S_ISREG(entry.mode):
            with os.fdopen(safefiles.open_regular(entry.name, entry.dir_fd), "rb") as reader:
                fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             (stat.S_IMODE(entry.mode) & 0o777) | 0o600)
                with os.fdopen(fd, "wb") as writer:
                    while chunk := reader.read(1 << 20):
                        writer.write(chunk)
        else:
            skipped.append((entry.path, entry.kind))
            left_out.add(entry.path)
            if log:
                log.warning("Not copying %s: it is a %s", os.path.join(source, entry.path), entry.kind)
    return skipped


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's exchange collector, copying with ``copy_tree`` (see the
    module doc): links arrive as links, special files not at all, and
    either way intake refuses the submission with a reason."""

    def do_copy(self, src, dest, log=None):
        size = self.get_size(src)  # nbgrader's: os.walk, links skipped
        if size > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size is "
                               f"{1000 * self.coursedir.max_dir_size}")
        ignore = ignore_patterns(include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        skipped = copy_tree(src, dest, ignore=ignore, exclude=self.coursedir.ignore, log=self.log)
        self._record(dest, skipped)
        if self.coursedir.groupshared:  # nbgrader's, minus links (chmod would follow them)
            for dirname, _, filenames in os.walk(dest):
                for path in [dirname, *(os.path.join(dirname, f) for f in filenames)]:
                    mode = os.lstat(path).st_mode
                    wanted = 0o2770 if stat.S_ISDIR(mode) else 0o660
                    if stat.S_ISLNK(mode) or mode & wanted == wanted:
                        continue
                    try:
                        os.chmod(path, (mode | wanted) & (0o2777 if stat.S_ISDIR(mode) else 0o777))
                    except PermissionError:
                        self.log.warning("Could not update permissions of %s to make it groupshared",
                                         path)

    def _record(self, dest, skipped):
        """Keep what was not copied in the student's status record, where
        intake finds it (a fresh collect replaces what an earlier one kept)."""
        folder = os.path.normpath(dest)
        assignment, student = os.path.basename(folder), os.path.basename(os.path.dirname(folder))
        root = self.coursedir.root
        if not skipped and not status.status_path(root, assignment, student).exists():
            return
        record = status.load(root, assignment, student)
        record.pop("collect_refusals", None)
        if skipped:
            record["collect_refusals"] = [
                f"'{path}' is a {kind} (left out when collecting); {REFUSAL}" for path, kind in skipped]
        status.save(root, assignment, student, record)
