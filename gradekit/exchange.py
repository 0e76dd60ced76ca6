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
``max_file_size``, ``max_dir_size``) still apply.

Nothing in inbound/ is trusted either. On a hub, inbound/ (mode 0733) is
shared by every student, and nbgrader takes a submission's student id and
time from its folder's name. ``SafeExchangeCollect`` skips, with a warning
naming the entry (escaped: gradekit.escape), every entry

* whose name does not parse (``<id>+<assignment>+<time>[+...]``), or whose
  id is not a plain name (``.``, ``..``, a ``/``, a control character);
* that is not a real folder (a link, even to a folder; a file);
* whose id is a local account (``pwd.getpwnam``) that does not own it, so
  that nobody can submit in another student's name
  (``SafeExchangeCollect.require_owner``; an id that is not a local
  account, as with an external authenticator, is collected as before);
* that cannot be measured (unreadable, nested more than ``MAX_DEPTH``
  folders deep) or is above ``max_dir_size``.

Everyone else is collected: nbgrader's collect stops for the whole class at
the first such entry. Of a student's submissions the newest is the one
whose folder or entries changed last (their newest ``st_ctime``, which a
student cannot set back); the time in the name, which the student chose,
only breaks ties (and is what ``--update`` compares, as in nbgrader). A
submitted ``timestamp.txt`` is read with O_NOFOLLOW, only as a regular
file, and at most ``TIMESTAMP_CAP`` bytes; a bad one counts as missing.

Without the sticky bit on inbound/ (``chmod 1733``), any student can still
delete or rename another's folder; a rename changes a folder's st_ctime,
so it can make that student's older submission their newest.

Configure it with::

    c.ExchangeFactory.collect = "gradekit.exchange.SafeExchangeCollect"
"""

import datetime
import fnmatch
import os
import pwd
import shutil
import stat
from collections import defaultdict

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode, ignore_patterns, parse_utc
from traitlets import Bool

from . import safefiles, status
from .escape import for_terminal, quoted
from .status import REFUSAL

#: At most this many bytes of a timestamp.txt are read.
TIMESTAMP_CAP = 256
#: An inbound folder nested deeper than this is not collected.
MAX_DEPTH = 64


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
                log.warning("Not copying %s: it is a %s", quoted(os.path.join(source, entry.path), 300),
                            entry.kind)
    return skipped


class Unmeasurable(Exception):
    """An inbound folder that ``measure`` cannot walk."""


def measure(folder, max_depth=MAX_DEPTH):
    """(bytes in regular files, newest st_ctime) of the real folder
    ``folder`` and everything in it, never following a link.

    Raises Unmeasurable (with the reason) if it cannot be walked: not a real
    folder, unreadable, or nested more than ``max_depth`` folders deep.
    """
    try:
        info = os.lstat(folder)
        size, newest = 0, info.st_ctime
        for entry in safefiles.walk(folder):
            if entry.path.count("/") >= max_depth:
                raise Unmeasurable(f"it is nested more than {max_depth} folders deep")
            if stat.S_ISREG(entry.mode):
                size += entry.size
            newest = max(newest, entry.ctime)
    except (OSError, RecursionError) as error:
        raise Unmeasurable(str(error)) from None
    return size, newest


def read_timestamp(folder, log=None):
    """The time in ``folder``'s timestamp.txt as nbgrader reads it (naive
    UTC), or None if there is none or it is bad: a link, anything but a
    regular file, longer than TIMESTAMP_CAP bytes, or not a time (each with
    a warning to ``log``). ``folder`` itself is not followed if a link."""
    path = os.path.join(folder, "timestamp.txt")

    def bad(reason):
        if log:
            log.warning("Ignoring %s: %s", quoted(path, 300), for_terminal(reason))

    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        return bad(f"its folder cannot be opened ({error.strerror})")
    try:
        fd = safefiles.open_regular("timestamp.txt", folder_fd)
    except FileNotFoundError:
        return None
    except OSError as error:  # NotRegularFile, EACCES, ...
        return bad(str(error))
    finally:
        os.close(folder_fd)
    try:
        data = os.read(fd, TIMESTAMP_CAP + 1)
    except OSError as error:
        return bad(str(error))
    finally:
        os.close(fd)
    if len(data) > TIMESTAMP_CAP:
        return bad(f"it is longer than {TIMESTAMP_CAP} bytes")
    text = data.decode("utf-8", "replace").strip()
    if not text:
        return bad("it is empty")
    try:
        return parse_utc(text)
    except (ValueError, OverflowError, TypeError, LookupError):
        return bad(f"{quoted(text)} is not a time")


def plain_name(name):
    """A student id that is safe as one folder's name (and to show)."""
    return name not in ("", ".", "..") and "/" not in name and for_terminal(name) == name


def _utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(tzinfo=None)


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's exchange collector, trusting nothing in inbound/ (see the
    module doc): forged, malformed and unmeasurable entries are skipped
    with a warning, timestamps are read safely, and copies are made with
    ``copy_tree``: links arrive as links, special files not at all, and
    either way intake refuses the submission with a reason."""

    require_owner = Bool(
        True,
        help="Collect a submission whose student id is a local account (pwd.getpwnam) "
             "only if that account owns its folder in inbound/; skip the rest with a "
             "warning. Without it, anyone who can write to inbound/ can submit in "
             "another student's name. Student ids that are not local accounts are "
             "collected whoever owns the folder.",
    ).tag(config=True)

    def _skip(self, name, reason):
        self.log.warning("Skipping %s in inbound/: %s", quoted(name, 300), reason)

    def _inbound_record(self, name):
        """nbgrader's record of the inbound entry ``name`` (username,
        filename, timestamp) plus ``changed`` (the newest st_ctime in it, as
        naive UTC) and ``identity``; None, with a warning, to skip it."""
        assignment = self.coursedir.assignment_id
        for splits in (3, 2):  # <id>+<assignment>+<time>+<random>, then <id>+<assignment>+<time>
            parts = name.rsplit("+", splits)
            if len(parts) == splits + 1 and parts[1] == assignment:
                username, claimed = parts[0], parts[2]
                break
        else:
            return self._skip(name, "its name does not parse as <student>+<assignment>+<time>")
        if not plain_name(username):
            return self._skip(name, f"the student id {quoted(username)} is not a plain name")
        if not fnmatch.fnmatchcase(username, self.coursedir.student_id or "*"):
            return None  # (another student's, whose id holds this one's pattern)
        try:
            timestamp = parse_utc(claimed)
        except (ValueError, OverflowError, TypeError, LookupError):
            return self._skip(name, f"its name does not parse: {quoted(claimed)} is not a time")
        path = os.path.join(self.inbound_path, name)
        try:
            info = os.lstat(path)
        except OSError as error:
            return self._skip(name, f"it cannot be read ({for_terminal(error.strerror)})")
        if not stat.S_ISDIR(info.st_mode):
            return self._skip(name, f"it is a {safefiles.kind(info.st_mode)}, not a folder")
        if self.require_owner:
            try:
                account = pwd.getpwnam(username)
            except KeyError:
                account = None  # not a local account: anyone's folder may carry the id
            if account is not None and info.st_uid != account.pw_uid:
                try:
                    owner = pwd.getpwuid(info.st_uid).pw_name
                except KeyError:
                    owner = f"uid {info.st_uid}"
                return self._skip(name, f"it claims to be a submission of {quoted(username)} "
                                        f"but is owned by {for_terminal(owner)}")
        try:
            size, newest = measure(path)
        except Unmeasurable as error:
            return self._skip(name, f"it cannot be measured ({for_terminal(error)})")
        if size > 1000 * self.coursedir.max_dir_size:
            return self._skip(name, f"it holds {size} bytes, more than the "
                                    f"{1000 * self.coursedir.max_dir_size} of max_dir_size")
        return {"username": username, "filename": name, "timestamp": timestamp,
                "changed": _utc(newest), "identity": (info.st_dev, info.st_ino, info.st_uid)}

    def _sort_by_timestamp(self, records):
        return sorted(records, key=lambda r: (r["changed"], r["timestamp"]), reverse=True)

    def init_src(self):
        """nbgrader's, but each inbound entry is checked (``_inbound_record``)
        and the newest is the one changed last."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(
                self.inbound_path))
        pattern = f"*+{self.coursedir.assignment_id}+*"
        usergroups = defaultdict(list)
        for name in sorted(os.listdir(self.inbound_path)):
            if fnmatch.fnmatchcase(name, pattern):
                record = self._inbound_record(name)
                if record is not None:
                    usergroups[record["username"]].append(record)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for records in usergroups.values():
            records = self._sort_by_timestamp(records)
            if self.duedate is not None and self.before_duedate:
                records = [r for r in records if r["changed"] <= self.duedate] or records
            self.src_records.append(records[0])

    def copy_files(self):
        """nbgrader's, but reading submitted/'s timestamp.txt safely, checking
        that each inbound folder is still the one checked, and going on with
        the next student when one cannot be copied."""
        assignment = self.coursedir.assignment_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect",
                             assignment, self.coursedir.course_id)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'",
                          len(self.src_records), assignment, self.coursedir.course_id)
        for rec in self.src_records:
            student_id = rec["username"]
            src_path = os.path.join(self.inbound_path, rec["filename"])
            try:
                info = os.lstat(src_path)
            except OSError:
                info = None
            if info is None or (info.st_dev, info.st_ino, info.st_uid) != rec["identity"]:
                self._skip(rec["filename"], "it was replaced while collecting")
                continue
            if self.check_owner:  # nbgrader's warning, for ids that are not local accounts
                try:
                    owner = pwd.getpwuid(info.st_uid).pw_name
                except KeyError:
                    owner = "unknown id"
                if student_id != owner:
                    self.log.warning("%s claims to be submitted by %s but is owned by %s",
                                     quoted(src_path, 300), quoted(student_id), owner)
            dest_path = self.coursedir.format_path(self.coursedir.submitted_directory,
                                                   student_id, assignment)
            os.makedirs(os.path.dirname(dest_path), exist_ok=True)
            copy = updating = False
            if os.path.isdir(dest_path):
                existing_timestamp = read_timestamp(dest_path, self.log)
                new_timestamp = rec["timestamp"]
                if self.update and (existing_timestamp is None
                                    or new_timestamp > existing_timestamp):
                    copy = updating = True
                elif self.before_duedate and existing_timestamp != new_timestamp:
                    copy = updating = True
            else:
                copy = True
            if not copy:
                self.log.info("No newer submission to collect: %s %s" if self.update else
                              "Submission already exists, use --update to update: %s %s",
                              student_id, assignment)
                continue
            self.log.info("%s submission: %s %s", "Updating" if updating else "Collecting",
                          student_id, assignment)
            try:
                if updating:
                    shutil.rmtree(dest_path)
                self.do_copy(src_path, dest_path)
            except (OSError, RuntimeError, RecursionError) as error:
                self.log.error("Could not collect %s: %s", quoted(rec["filename"], 300),
                               for_terminal(error))
                if os.path.lexists(dest_path):
                    shutil.rmtree(dest_path, ignore_errors=True)

    def get_size(self, root):
        """The bytes in the regular files under ``root``, following no link
        (nbgrader's follows a link given as ``root``)."""
        return measure(root)[0]

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
