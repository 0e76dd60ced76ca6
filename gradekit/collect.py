"""Taking submissions straight from an LMS download, whatever it holds.

An LMS gives the instructor one archive (a ``.zip``) or folder of files,
each named after the student who uploaded it: ``<student>_<anything>`` by
default. ``collect`` files them as ``submitted/<student>/<assignment>/``
with its own extraction (gradekit.unpack: streamed, capped, links and
devices refused, mode 0o644 whatever the archive says), never with
``nbgrader zip_collect``. The rules:

* **Who.** A student id comes only from the name of a file directly in
  the download (a zip whose entries all sit in one folder is read from
  inside that folder), matched whole by ``named_regexp`` (groups
  ``student_id``, optionally ``file_id`` and ``timestamp``) and then
  checked against ``student_id_regexp``: by default ASCII letters, digits
  and ``. _ @ + -``, at most 64 characters, starting with a letter or a
  digit. Anything else (no match, a bad id, a name that is not valid UTF-8,
  holds a control character, is longer than 255 bytes, sits in a folder,
  climbs out with ``..`` or is absolute; a link, a folder, a hidden file)
  is an error for that file alone. Two ids that differ only in case are an
  error for both. Names inside an upload never name anyone.
* **What.** An upload is a notebook (``.ipynb``) or an archive (``.zip``,
  ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``, or one
  compressed file: ``.gz``, ``.bz2``, ``.xz``), archives nested at most
  ``max_depth`` deep; every notebook in it is the uploader's, whatever its
  name. Any other file is reported, not filed.
* **Which notebook.** When the assignment has one notebook, the notebook a
  student hands in is filed under that name. Of several notebooks in one
  upload, the one named like the assignment's notebook (exactly, else but
  for case; the least deeply nested) is filed and the others are left out
  with a warning; if none is named so, nothing is filed and the student's
  status says why. With several released notebooks, every notebook is
  filed under its own name. The upload's other files keep their paths (a
  zipped folder's own folder removed).
* **Several uploads.** When one student has several uploads, the newest is
  filed: by the pattern's ``timestamp`` group when every upload has one,
  else by the date the download records for each file, else (and on a
  tie) by name, "attempt 10" after "attempt 9". The others are named in the
  student's status as warnings, and in the summary.
* **Caps** (gradekit.unpack, counted while writing): ``max_file_bytes``
  (100 MiB) a file, ``max_upload_bytes`` (200 MiB) an upload,
  ``max_total_bytes`` (2 GiB) the whole intake, ``max_ratio`` (100) the
  compression ratio of a file once past ``ratio_min_bytes`` (1 MiB), and
  ``max_entries`` (1000) an upload. An upload past a cap, or whose archive
  is unreadable, is not filed at all.
* **Where.** Everything is unpacked inside ``submitted/``, under a
  ``.lms-intake-*`` folder (which ``submitted_students`` and the export
  ignore, and which is removed at the end, and at the next start after a
  crash); a student's upload then replaces their previous
  ``submitted/<student>/<assignment>`` with one rename.
* **Reports.** Every problem is reported per file and the intake goes on
  with everyone else: in the returned IntakeReport (the grading summary
  prints it), in the student's status record (``lms_intake`` in
  ``grading_status/<assignment>/<student>.json``: warnings when the student
  was filed, problems, shown as "failed", when nothing was), and all of it
  in ``grading_status/<assignment>/_intake.json``. Only an archive that
  cannot be read at all stops the intake (IntakeError).

Options are traits of ``LmsIntake``: set them in nbgrader_config.py
(``c.LmsIntake.max_ratio = 200``); ``--pattern`` sets ``named_regexp``.
"""

import contextlib
import dataclasses
import io
import json
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from traitlets import Float, Integer, Unicode
from traitlets.config import Configurable

from . import coursepaths, safefiles, status, unpack
from .escape import for_terminal, quoted
from .exceptions import GradingError
from .unpack import Caps, Counted, Refused, check_path, is_hidden, is_junk

DEFAULT_PATTERN = r"(?P<student_id>[^_]+)_(?P<file_id>.+)"
STUDENT_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}"
STAGING_PREFIX = ".lms-intake-"
RUN_RECORD = "_intake.json"


class IntakeError(GradingError):
    """The download as a whole cannot be read (or the options are wrong); says why."""


@dataclasses.dataclass
class Problem:
    """One file of the download (or one entry of an upload) not filed.

    Attributes (all escaped for a terminal):
    file -- the file's name in the download
    reason -- why it was not filed
    student -- the uploader's id, when the name gives a valid one
    entry -- the entry inside the upload ("" for the file itself)
    """
    file: str
    reason: str
    student: str = ""
    entry: str = ""

    def __str__(self):
        return f"{quoted(self.file)}{' > ' + quoted(self.entry) if self.entry else ''}: {self.reason}"


@dataclasses.dataclass
class Superseded:
    """A student's older uploads, not filed: ``kept`` was newer (by ``rule``)."""
    student: str
    kept: str
    ignored: list
    rule: str

    def __str__(self):
        return (f"{len(self.ignored) + 1} uploads: filed {quoted(self.kept)}, the newest by "
                f"{self.rule}; ignored {', '.join(quoted(name) for name in self.ignored)}")


@dataclasses.dataclass
class IntakeReport:
    """What one intake did (see the module doc)."""
    archive: str
    filed: dict = dataclasses.field(default_factory=dict)      # student -> files filed
    problems: list = dataclasses.field(default_factory=list)   # Problem
    superseded: list = dataclasses.field(default_factory=list)  # Superseded
    bytes_written: int = 0   # everything written while unpacking, refused uploads too

    def problems_of(self, student):
        return [p for p in self.problems if p.student == student]

    def headline(self):
        return (f"Collected {len(self.filed)} submission(s) from {for_terminal(self.archive)}: "
                f"{len(self.problems)} problem(s), {len(self.superseded)} student(s) with "
                "several uploads")

    def summary_lines(self):
        """The lines the grading summary shows (escaped for a terminal)."""
        lines = [f"LMS intake from {for_terminal(self.archive)}: {len(self.filed)} filed, "
                 f"{len(self.problems)} problem(s)"]
        if self.problems:
            lines.append("  not filed (per file):")
            lines += [f"    {for_terminal(p.student or '(no student id)')}: {for_terminal(str(p))}"
                      for p in self.problems]
        if self.superseded:
            lines.append("  several uploads from one student:")
            lines += [f"    {for_terminal(s.student)}: {for_terminal(str(s))}" for s in self.superseded]
        return lines


@dataclasses.dataclass
class _Upload:
    name: str          # its name in the download (may hold surrogates: then it is refused)
    date: datetime     # the date the download records for it, or None
    opener: object     # () -> context manager of (reader, meter, seekable)
    student: str = ""
    inner: str = ""    # the name it is unpacked as (its file_id)
    timestamp: datetime = None


def _natural(name):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name)]


def _parse_time(text):
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            from dateutil import parser
            value = parser.parse(text)
        except (ImportError, ValueError, OverflowError):
            return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _newest(uploads):
    """(the upload to file, the others, the rule that chose it)."""
    if all(u.timestamp for u in uploads):
        rule, key = "the time in its name", lambda u: (u.timestamp, _natural(u.name))
    elif all(u.date for u in uploads):
        rule, key = "the date the download records", lambda u: (u.date, _natural(u.name))
    else:
        rule, key = "name", lambda u: _natural(u.name)
    ordered = sorted(uploads, key=key)
    return ordered[-1], ordered[:-1], rule


def arrange(files, released):
    """Where an upload's files go in the submission folder.

    Arguments:
    files -- relative paths ("/"-separated) of the files unpacked
    released -- names of the assignment's notebooks ("Homework.ipynb")

    Returns:
    (placement, notes, problem) -- dict relative path -> path in the
    submission, list of (relative path, why it is left out), and a str saying
    why nothing can be filed (else None); see the module doc
    """
    base = lambda path: path.rsplit("/", 1)[-1]  # noqa: E731
    notebooks = sorted((f for f in files if f.lower().endswith(".ipynb")),
                       key=lambda p: (p.count("/"), p))
    if not notebooks:
        found = ", ".join(quoted(f) for f in files[:5]) + (", ..." if len(files) > 5 else "")
        return {}, [], f"there is no notebook (.ipynb) in it (it holds: {found or 'nothing'})"
    split = [f.split("/") for f in files]
    strip = 0
    while all(len(parts) > strip + 1 for parts in split) and len({p[strip] for p in split}) == 1:
        strip += 1
    placement, notes = {}, []
    if len(released) == 1:
        name = released[0]
        if len(notebooks) == 1:
            chosen = notebooks[0]
        else:
            named = [p for p in notebooks if base(p) == name] or \
                    [p for p in notebooks if base(p).casefold() == name.casefold()]
            if not named:
                listed = ", ".join(quoted(p) for p in notebooks[:5])
                return {}, [], (f"it holds {len(notebooks)} notebooks ({listed}) and none is named "
                                f"{quoted(name)}: which one to grade is not clear")
            chosen = named[0]
        placement[chosen] = name
        notes += [(other, f"only one notebook is filed: {quoted(chosen)}, as {quoted(name)}")
                  for other in notebooks if other != chosen]
    else:
        seen = {}
        for notebook in notebooks:
            key = base(notebook).casefold()
            if key in seen:
                notes.append((notebook, f"another notebook of that name is filed: {quoted(seen[key])}"))
            else:
                seen[key] = notebook
                placement[notebook] = base(notebook)
    for other in files:
        if not other.lower().endswith(".ipynb"):
            placement[other] = "/".join(other.split("/")[strip:])
    return placement, notes, None


class LmsIntake(Configurable):
    """Collects an LMS download into submitted/ (see gradekit.collect)."""

    named_regexp = Unicode(
        DEFAULT_PATTERN,
        help="Regular expression matched against the whole name of each file directly in the "
             "download, with the group student_id, and optionally file_id (the name the "
             "upload is unpacked as) and timestamp (which of a student's uploads is newest)",
    ).tag(config=True)
    student_id_regexp = Unicode(
        STUDENT_ID_PATTERN,
        help="Regular expression a student id must match whole (ASCII letters, digits and "
             ". _ @ + -, at most 64, starting with a letter or digit). Whatever it says, an id "
             "never holds '/', a control character, or starts with '.'",
    ).tag(config=True)
    max_file_bytes = Integer(100 * 2 ** 20, help="Largest file an upload may unpack to (bytes)"
                             ).tag(config=True)
    max_upload_bytes = Integer(200 * 2 ** 20, help="Most bytes one upload may unpack to, "
                               "nested archives included").tag(config=True)
    max_total_bytes = Integer(2 * 2 ** 30, help="Most bytes the whole intake may file"
                              ).tag(config=True)
    max_ratio = Float(100.0, help="Largest compression ratio of a file (bytes unpacked per "
                      "compressed byte), checked once it is past ratio_min_bytes").tag(config=True)
    ratio_min_bytes = Integer(2 ** 20, help="Size past which a file's compression ratio is "
                              "checked (smaller notebooks may compress as well as they like)"
                              ).tag(config=True)
    max_entries = Integer(1000, help="Most entries (files, folders) one upload may hold"
                          ).tag(config=True)
    max_depth = Integer(2, help="Deepest nesting of archives in an upload (an upload that is an "
                        "archive is 1)").tag(config=True)

    # ------------------------------------------------------------------ options

    def _patterns(self):
        try:
            pattern = re.compile(self.named_regexp)
            ids = re.compile(self.student_id_regexp)
        except re.error as error:
            raise IntakeError(f"the file-name pattern is not a regular expression: {error}") from None
        if "student_id" not in pattern.groupindex:
            raise IntakeError(f"the file-name pattern {for_terminal(self.named_regexp)} has no "
                              "group student_id")
        return pattern, ids

    def _id_ok(self, ids, student):
        return bool(ids.fullmatch(student)) and not student.startswith((".", "-", "_")) \
            and "/" not in student and "\\" not in student and len(student.encode()) <= 255 \
            and check_path(student)[1] is None

    # ------------------------------------------------------------------ the download

    def _zip_uploads(self, archive, stack, report):
        try:
            counted = stack.enter_context(Counted(open(archive, "rb")))
            bundle, undecodable = unpack.open_zip(counted)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            raise IntakeError(f"cannot read the archive {for_terminal(archive)}: it is not a "
                              f"readable zip file ({unpack.why(error)})") from None
        stack.enter_context(bundle)
        entries = [(unpack.zip_name(info, i in undecodable), info)
                   for i, info in enumerate(bundle.infolist())]
        checked = [(name, info, *check_path(name)) for name, info in entries]
        files = [parts for _, info, parts, bad in checked
                 if not bad and not is_junk(parts) and not _is_folder(info)]
        strip = 1 if len({parts[0] for parts in files}) == 1 and \
            all(len(parts) > 1 for parts in files) else 0  # all in one folder: read inside it
        uploads = []
        for name, info, parts, bad in checked:
            if not bad and is_junk(parts):
                continue
            if bad:
                self._bad_name(report, name, f"its name is not accepted: {bad}")
                continue
            parts = parts[strip:]
            kind = unpack.zip_file_type(info)
            if _is_folder(info):
                continue
            if len(parts) != 1:
                report.problems.append(Problem(for_terminal(name), "it is inside a folder of the "
                                               "download; only files directly in it are uploads"))
                continue
            if kind not in (0, stat.S_IFREG):
                self._bad_name(report, parts[0], f"it is a {unpack.KINDS.get(kind, 'special file')}"
                               "; only files are uploads")
                continue
            try:
                date = datetime(*info.date_time)
            except ValueError:
                date = None
            uploads.append(_Upload(parts[0], date, lambda info=info: _zip_member(bundle, info, counted)))
        return uploads

    def _folder_uploads(self, archive, stack, report):
        fd = os.open(archive, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        stack.callback(os.close, fd)
        uploads = []
        for name in sorted(os.listdir(fd)):
            if is_junk([name]):
                continue
            try:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode):
                self._bad_name(report, name, f"it is a {safefiles.kind(info.st_mode)}; only files "
                               "directly in the download are uploads")
                continue
            uploads.append(_Upload(name, datetime.fromtimestamp(info.st_mtime),
                                   lambda name=name: _folder_member(fd, name)))
        return uploads

    def _bad_name(self, report, name, reason):
        """A file of the download that is not filed; its student named when
        its name (a single valid name) gives a valid id."""
        student = ""
        if "/" not in name and unpack.bad_character(name) != "it is not valid UTF-8":
            match = self._pattern.fullmatch(name)
            if match and match.group("student_id") and self._id_ok(self._ids, match.group("student_id")):
                student = match.group("student_id")
        report.problems.append(Problem(for_terminal(name), reason, student))

    # ------------------------------------------------------------------ collecting

    def collect(self, root, assignment, archive):
        """File the uploads of the download ``archive`` (a .zip or a folder)
        into ``root``/submitted/; returns an IntakeReport."""
        self._pattern, self._ids = self._patterns()
        root, archive = Path(root), Path(archive)
        if not archive.exists():
            raise IntakeError(f"no such archive or folder: {for_terminal(archive)}")
        report = IntakeReport(archive=str(archive))
        release = coursepaths.step_folder(coursepaths.coursedir(root, self.config), "release",
                                          assignment)
        released = sorted(p.name for p in release.glob("*.ipynb"))
        submitted = root / "submitted"
        submitted.mkdir(mode=0o755, exist_ok=True)
        _remove_staging(submitted)
        with contextlib.ExitStack() as stack:
            if archive.is_dir():
                uploads = self._folder_uploads(archive, stack, report)
            else:
                uploads = self._zip_uploads(archive, stack, report)
            chosen = self._choose(uploads, report)
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=submitted))
            try:
                self._file_all(chosen, staging, submitted, assignment, released, report)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        students = {p.student for p in report.problems if p.student} | set(chosen) \
            | {s.student for s in report.superseded}
        for student in sorted(students):
            self._record(root, assignment, student, report)
        folder = root / status.STATUS_FOLDER / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_RECORD).write_text(json.dumps(
            {"when": time.strftime("%Y-%m-%d %H:%M:%S"), **dataclasses.asdict(report)},
            indent=1, sort_keys=True) + "\n")
        return report

    def _choose(self, uploads, report):
        """dict student -> the upload to file; everything else into report."""
        by_student = {}
        for upload in uploads:
            name = upload.name
            parts, bad = check_path(name)
            if bad:
                self._bad_name(report, name, f"its name is not accepted: {bad}")
                continue
            if is_hidden(parts):
                self._bad_name(report, name, "hidden files are not uploads")
                continue
            match = self._pattern.fullmatch(name)
            if not match or not match.group("student_id"):
                report.problems.append(Problem(for_terminal(name), "its name does not match the "
                                               f"file-name pattern {for_terminal(self.named_regexp)}"))
                continue
            student = match.group("student_id")
            if not self._id_ok(self._ids, student):
                report.problems.append(Problem(for_terminal(name), f"the student id {quoted(student)} "
                                               "is not accepted (an id is ASCII letters, digits and "
                                               ". _ @ + -, at most 64, starting with a letter or digit)"))
                continue
            groups = match.groupdict()
            inner = groups.get("file_id") or name
            if check_path(inner)[1] or "/" in inner or "\\" in inner or inner.startswith("."):
                inner = name
            if not (inner.lower().endswith(".ipynb") or unpack.archive_kind(inner)):
                if not (name.lower().endswith(".ipynb") or unpack.archive_kind(name)):
                    report.problems.append(Problem(
                        for_terminal(name), "it is neither a notebook (.ipynb) nor an archive (.zip, "
                        ".tar.gz, .gz, ...)", student))
                    continue
                inner = name
            upload = dataclasses.replace(upload, student=student, inner=inner,
                                         timestamp=_parse_time(groups.get("timestamp")))
            by_student.setdefault(student, []).append(upload)
        spellings = {}
        for student in by_student:
            spellings.setdefault(student.casefold(), []).append(student)
        chosen = {}
        for student, uploads in sorted(by_student.items()):
            twins = [s for s in spellings[student.casefold()] if s != student]
            if twins:
                for upload in uploads:
                    report.problems.append(Problem(
                        for_terminal(upload.name), f"the student id {quoted(student)} differs from "
                        f"{', '.join(quoted(t) for t in twins)} only in case: neither is filed", student))
                continue
            newest, older, rule = _newest(uploads)
            chosen[student] = newest
            if older:
                report.superseded.append(Superseded(student, for_terminal(newest.name),
                                                    [for_terminal(u.name) for u in older], rule))
        return chosen

    def _file_all(self, chosen, staging, submitted, assignment, released, report):
        kept = 0
        for number, (student, upload) in enumerate(sorted(chosen.items())):
            work = staging / str(number)
            for folder in ("raw", "scratch", "out", "old"):
                (work / folder).mkdir(mode=0o700 if folder in ("scratch", "old") else 0o755,
                                      parents=True)
            (work / "raw").chmod(0o755)
            (work / "out").chmod(0o755)
            caps = Caps(max_file_bytes=self.max_file_bytes, max_upload_bytes=self.max_upload_bytes,
                        total_left=self.max_total_bytes - kept, max_ratio=self.max_ratio,
                        ratio_min_bytes=self.ratio_min_bytes, max_entries=self.max_entries,
                        max_depth=self.max_depth)
            unpacker = unpack.Unpacker(work / "raw", work / "scratch", caps)
            shown = for_terminal(upload.name)
            try:
                try:
                    with upload.opener() as (reader, meter, seekable):
                        unpacker.unpack(upload.inner, reader, meter, seekable, shown=upload.name)
                except Refused as why:
                    report.problems.append(Problem(shown, f"not filed: {why}", student))
                    continue
                except (OSError, zipfile.BadZipFile, ValueError, RuntimeError,
                        NotImplementedError, EOFError) as error:
                    report.problems.append(Problem(shown, "not filed: it could not be read "
                                                   f"({unpack.why(error)})", student))
                    continue
                finally:
                    report.bytes_written += unpacker.written
                for entry, why in unpacker.left_out:
                    report.problems.append(Problem(shown, f"left out: {why}", student,
                                                   for_terminal(entry)))
                placement, notes, problem = arrange(unpacker.files, released)
                if problem:
                    report.problems.append(Problem(shown, f"not filed: {problem}", student))
                    continue
                for relative, why in notes:
                    report.problems.append(Problem(shown, f"left out: {why}", student,
                                                   for_terminal(relative)))
                filed = []
                for relative, target in sorted(placement.items(), key=lambda item: item[1]):
                    if _move(work / "raw", relative, work / "out", target):
                        filed.append(target)
                        kept += os.lstat(work / "out" / target).st_size
                    else:
                        report.problems.append(Problem(shown, "left out: its place in the "
                                                       f"submission is taken ({quoted(target)})",
                                                       student, for_terminal(relative)))
                _replace(work / "out", submitted, student, assignment, work / "old")
                report.filed[student] = sorted(filed)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def _record(self, root, assignment, student, report):
        """The student's status record gets this intake's word on them."""
        filed = student in report.filed
        messages = [str(p) for p in report.problems_of(student)]
        superseded = [str(s) for s in report.superseded if s.student == student]
        record = status.load(root, assignment, student)
        record["lms_intake"] = {
            "archive": for_terminal(report.archive),
            "filed": report.filed.get(student, []),
            "problems": [] if filed else messages,
            "warnings": superseded + (messages if filed else []),
        }
        status.save(root, assignment, student, record)


# ---------------------------------------------------------------------- helpers

def _is_folder(info):
    return info.orig_filename.endswith(("/", "\\")) or unpack.zip_file_type(info) == stat.S_IFDIR


@contextlib.contextmanager
def _zip_member(bundle, info, counted):
    with bundle.open(info) as reader:
        yield reader, counted, False


@contextlib.contextmanager
def _folder_member(dir_fd, name):
    with Counted(io.FileIO(safefiles.open_regular(name, dir_fd), "rb")) as counted:
        yield counted, counted, True


def _remove_staging(submitted):
    """Staging folders a crashed intake left behind."""
    for entry in os.scandir(submitted):
        if entry.name.startswith(STAGING_PREFIX):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _move(source, relative, destination, target):
    """Move source/relative to destination/target (folders made 0o755);
    False if that place is taken."""
    parts = target.split("/")
    folder = destination
    for part in parts[:-1]:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            os.mkdir(folder, 0o755)
            os.chmod(folder, 0o755)
            continue
        if not stat.S_ISDIR(info.st_mode):
            return False
    path = folder / parts[-1]
    if os.path.lexists(path):
        return False
    os.rename(source / relative, path)
    return True


def _replace(out, submitted, student, assignment, trash):
    """Make ``out`` the student's submission: whatever was at
    submitted/<student>/<assignment> (or a link or file at
    submitted/<student>) goes to ``trash``."""
    folder = submitted / student
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        os.rename(folder, trash / "student")
        info = None
    if info is None:
        os.mkdir(folder, 0o755)
        os.chmod(folder, 0o755)
    target = folder / assignment
    if os.path.lexists(target):
        os.rename(target, trash / "submission")
    os.rename(out, target)


def collect(root, assignment, archive, pattern=None, db_args=(), config=None, **settings):
    """File the uploads in ``archive`` (an LMS download: a .zip, or a folder
    of files and archives) under ``root``/submitted/ (see the module doc).

    Arguments:
    root -- course folder
    assignment -- str, assignment id
    archive -- path of a .zip file or of a folder
    pattern -- regular expression with the group student_id (and optionally
               file_id, timestamp), matched against each file's whole name
               (default: the course's LmsIntake.named_regexp, else DEFAULT_PATTERN)
    db_args -- ignored (nothing here touches the gradebook)
    config -- traitlets Config (default: the course's nbgrader_config.py)
    settings -- LmsIntake traits to override (max_ratio=50, ...)

    Returns:
    IntakeReport; raises IntakeError when the download cannot be read at all
    """
    intake = LmsIntake(config=config if config is not None else coursepaths.load_config(root))
    if pattern:
        intake.named_regexp = pattern
    for name, value in settings.items():
        if not intake.has_trait(name):
            raise TypeError(f"LmsIntake has no option {name!r}")
        setattr(intake, name, value)
    return intake.collect(root, assignment, archive)
