"""What happened to each submission, kept beside the gradebook.

Every submission ends up with a status in the grade export: ``graded``,
``graded with warnings: ...`` or ``failed: ...``; a failed submission is
never shown as a plain 0. The record of one submission lives in
``grading_status/<assignment>/<student>.json`` under the course root:

* ``intake`` (nbgrader's pre-convert hook, before anything runs) checks the
  submitted files: a submission holding anything but regular files and
  real folders (a symbolic link, a FIFO, a socket, a device), or that is
  itself a link, is refused with a reason naming the entry, and nbgrader
  neither copies nor grades any of it; a notebook that is not valid JSON
  fails with that reason; a single notebook under another name (``Homework
  (1).ipynb``, as browsers save a second download) is graded under the
  expected name, with a warning, its original left where it was; extra
  files are noted;
* ``gradekit.collect`` (an LMS download) keeps its word on the student
  under ``lms_intake``: files left out of an upload and older uploads not
  filed are warnings; an upload that could not be filed at all is a
  problem (the student fails with that reason even with no submission);
* ``RecordStatus`` (the last autograde step) adds what happened while
  grading: kernels that died, cells that hung, truncated output, tests the
  trusted regrade overruled; and ``diagnoses``, the id of the mistake each
  failing test cell's check diagnosed (grade_id -> id, gradekit.mistakes).
  A record that has ``events`` is one whose autograde ran to its end;
  intake starts every autograde with a new record, so a regrade replaces
  the diagnoses together with the grades, never leaving stale ones;
* ``StatusCsvExportPlugin`` (``nbgrader export``) writes nbgrader's usual
  CSV with a ``status`` column, and a row for every submitted folder that
  nbgrader could not grade at all (and every student whose LMS upload
  could not be filed). Every field is quoted and no text field can start a
  formula (gradekit.escape), so an id can neither add a column nor run in
  a spreadsheet.
"""

import csv
import glob
import json
import os
import stat
import sys
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor

from . import coursepaths, safefiles
from .escape import for_spreadsheet

STATUS_FOLDER = "grading_status"
KEPT = ("lms_intake",)   # what intake keeps of an earlier record (the LMS intake's word)


def status_path(root, assignment, student):
    return Path(root) / STATUS_FOLDER / assignment / f"{student}.json"


def load(root, assignment, student):
    """The student's status record; a new one when there is none, or when
    what is there is not a record (damaged, or written by something else,
    such as an unsandboxed run of a hostile submission)."""
    path = status_path(root, assignment, student)
    try:
        record = json.loads(path.read_text()) if path.exists() else None
    except (OSError, ValueError):
        record = None
    if isinstance(record, dict):
        return record
    return {"student": student, "problems": [], "warnings": []}


def save(root, assignment, student, record):
    path = status_path(root, assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def _readable(path):
    """Whether ``path`` is a regular file holding a notebook (read without
    following a link or opening anything else)."""
    try:
        nbformat.reads(safefiles.read_bytes(path).decode("utf-8"), as_version=4)
        return True
    except Exception:  # not JSON, not a notebook, unreadable: all the same to a student
        return False


class SubmissionRefused(Exception):
    """Intake refused a submission (a link or special file in it); its status
    record says why."""


REFUSAL = "links and special files are not accepted (submit the file itself)"


def refusals(folder, root=None):
    """Why the submission ``folder`` must not be read, as a list of str
    (empty if it holds only regular files and real folders). Nothing is
    followed or opened: the submission folder, its student folder and each
    entry are lstat'ed, sub-folders walked through descriptors."""
    folder = Path(folder)
    found = []
    for path in (folder.parent, folder):
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if not stat.S_ISDIR(mode):
            shown = path.relative_to(root) if root else path
            found.append(f"the folder '{shown.as_posix()}' is a {safefiles.kind(mode)}; {REFUSAL}")
    if found:
        return found
    try:
        for entry in safefiles.walk(folder):
            if not safefiles.is_plain(entry.mode):
                found.append(f"'{entry.path}' is a {entry.kind}; {REFUSAL}")
    except OSError as error:  # changed while it was being looked at
        found.append(f"the submission could not be read safely ({error.strerror or error})")
    return found


def _converter_of(notebooks):
    """The nbgrader converter running this hook: the caller whose
    ``notebooks`` list is the very list the hook was given (None if intake
    was called some other way)."""
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if candidate is not None and getattr(candidate, "notebooks", None) is notebooks:
            return candidate
        frame = frame.f_back
    return None


def _release_folder(converter, root, assignment):
    """The assignment's release folder: where the running converter's
    CourseDirectory puts it (a course root may use another root's release/,
    see gradekit.coursepaths), else ``root``/release."""
    directory = getattr(converter, "coursedir", None)
    if directory is None:
        return Path(root) / "release" / assignment
    return coursepaths.step_folder(directory, "release", assignment)


def _refuse(converter, reason):
    """Make ``converter`` give up this one submission.

    nbgrader swallows whatever a pre-convert hook raises (it logs it and goes
    on to copy and grade), so the refusal is raised where nbgrader does catch
    it student by student: in its next step, ``init_assignment``, which is
    the step that would copy the submission's files. The override removes
    itself, so the next student is handled as usual."""
    def refused(*args, **kwargs):
        converter.__dict__.pop("init_assignment", None)
        raise SubmissionRefused(reason)
    converter.init_assignment = refused


def intake(assignment=None, student=None, notebooks=None, **ignored):
    """nbgrader pre-convert hook: check one submission's files (see the
    module doc). ``notebooks`` is nbgrader's own list of the paths it is
    about to grade; it is corrected in place (emptied for a refused
    submission, which also raises SubmissionRefused)."""
    if not notebooks:
        return
    converter = _converter_of(notebooks)
    if converter is not None:
        converter.__dict__.pop("init_assignment", None)  # a refusal never outlives its student
    folder = Path(notebooks[0]).parent
    assignment_id, student_id = folder.name, folder.parent.name
    root = folder.parent.parent.parent
    # what the exchange collector would not copy (gradekit.exchange), then what is here
    previous = load(root, assignment_id, student_id)
    kept = {key: previous[key] for key in KEPT if key in previous}
    collected = previous.get("collect_refusals", [])
    refused = [*collected, *refusals(folder, root)]
    if refused:
        save(root, assignment_id, student_id, {
            "student": student_id, "problems": refused, "warnings": [], "refused": True,
            **({"collect_refusals": collected} if collected else {}), **kept})
        notebooks.clear()
        reason = "; ".join(refused)
        if converter is not None:
            _refuse(converter, reason)
        raise SubmissionRefused(reason)
    release = _release_folder(converter, root, assignment_id)
    expected = sorted(p.stem for p in release.glob("*.ipynb"))
    record = {"student": student_id, "problems": [], "warnings": [], **kept}
    present = {Path(p).stem: p for p in notebooks}
    strangers = [name for name in present if name not in expected]
    missing = [name for name in expected if name not in present]
    if len(missing) == 1 and len(strangers) == 1:
        stranger, name = strangers[0], missing[0]
        target = str(folder / f"{name}.ipynb")
        safefiles.copy_file(present[stranger], target)
        notebooks[notebooks.index(present[stranger])] = target
        present[name] = target
        del present[stranger]
        record["warnings"].append(f"the notebook was named '{stranger}.ipynb'; it was graded "
                                  f"as '{name}.ipynb'")
    else:
        for stranger in strangers:
            record["warnings"].append(f"ignored the extra notebook '{stranger}.ipynb'")
    for name in expected:
        if name not in present:
            found = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
            record["problems"].append(f"no notebook named '{name}.ipynb' was submitted "
                                      f"(the folder holds: {found})")
        elif not _readable(present[name]):
            record["problems"].append(f"'{name}.ipynb' is not a readable notebook (the file "
                                      "is damaged or not a notebook)")
            notebooks.remove(present[name])
    release_files = {p.name for p in release.iterdir()}
    for path in sorted(folder.iterdir()):
        if path.suffix != ".ipynb" and path.name not in release_files and not path.name.startswith("."):
            record["warnings"].append(f"ignored the extra file '{path.name}'")
    save(root, assignment_id, student_id, record)


class RecordStatus(NbGraderPreprocessor):
    """Last autograde step: store the grading events of this submission."""

    def preprocess(self, nb, resources):
        events = resources.get("gradekit", {}).get("events", [])
        info = resources["nbgrader"]
        root = CourseDirectory(config=self.config).root
        record = load(root, info["assignment"], info["student"])
        record["events"] = events
        record["diagnoses"] = dict(resources.get("gradekit", {}).get("diagnoses", {}))
        record["warnings"] = [w for w in record["warnings"] if not w.startswith("while grading")]
        for event in events:
            where = f" in cell {event['cell']}" if "cell" in event else ""
            why = f": {event['why']}" if "why" in event else ""
            record["warnings"].append(f"while grading, {event['event']}{where}{why}")
        save(root, info["assignment"], info["student"], record)
        return nb, resources


def lms_problems(record):
    """What the LMS intake could not file for this student (gradekit.collect)."""
    return [f"LMS intake: {p}" for p in record.get("lms_intake", {}).get("problems", [])]


def _notebooks(*folder):
    return glob.glob(os.path.join(glob.escape(os.path.join(*map(str, folder))), "*.ipynb"))


def status_of(root, assignment, student):
    """'graded', 'graded with warnings: ...' or 'failed: ...' for one submission."""
    record = load(root, assignment, student)
    graded = _notebooks(root, "autograded", student, assignment)
    problems = [*lms_problems(record), *record["problems"]]
    if not graded and not problems:
        submitted = _notebooks(root, "submitted", student, assignment)
        problems.append("no notebook was submitted" if not submitted else
                        "nbgrader could not grade it (see the autograde log)")
    if problems:
        return "failed: " + "; ".join(problems)
    warnings = [*(f"LMS intake: {w}" for w in record.get("lms_intake", {}).get("warnings", [])),
                *record["warnings"]]
    if warnings:
        return "graded with warnings: " + "; ".join(warnings)
    return "graded"


COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
           "email", "raw_score", "late_submission_penalty", "score", "max_score"]
NUMERIC = {"raw_score", "late_submission_penalty", "score", "max_score"}


class StatusCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export with a ``status`` column (see the module doc):
    nbgrader's columns and values, computed as nbgrader's CsvExportPlugin
    does, but written with the csv module, every field quoted, text fields
    neutralised (gradekit.escape.for_spreadsheet)."""

    def _rows(self, gradebook):
        """nbgrader's rows: every (assignment, student) of the gradebook."""
        from nbgrader.api import MissingEntry
        rows = []
        for assignment in gradebook.assignments:
            if self.assignment and assignment.name not in map(str, self.assignment):
                continue
            for student in gradebook.students:
                if self.student and student.id not in map(str, self.student):
                    continue
                row = {"assignment": assignment.name, "duedate": assignment.duedate,
                       "student_id": student.id, "last_name": student.last_name,
                       "first_name": student.first_name, "email": student.email,
                       "max_score": assignment.max_score}
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = submission.late_submission_penalty
                    row.update(timestamp=submission.timestamp, raw_score=submission.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, submission.score - penalty))
                rows.append({key: "" if value is None else str(value) for key, value in row.items()})
        return rows

    def _wanted(self, assignment, student):
        return (not self.assignment or assignment in map(str, self.assignment)) and \
            (not self.student or student in map(str, self.student))

    def export(self, gradebook):
        root = CourseDirectory(config=self.config).root
        path = self.to or "grades.csv"  # nbgrader's own default
        self.log.info("Exporting grades to %s", path)
        rows = self._rows(gradebook)
        seen = {(row["assignment"], row["student_id"]) for row in rows}
        # a submitted folder nbgrader could not grade; a student whose LMS
        # upload could not be filed
        found = [(Path(folder).name, Path(folder).parent.name)
                 for folder in glob.glob(os.path.join(glob.escape(str(root)), "submitted", "*", "*"))]
        for record in sorted(glob.glob(os.path.join(glob.escape(str(root)), STATUS_FOLDER, "*", "*.json"))):
            student = Path(record).stem
            if not student.startswith("_") and lms_problems(load(root, Path(record).parent.name, student)):
                found.append((Path(record).parent.name, student))
        for assignment, student in sorted(set(found)):
            if (assignment, student) not in seen and self._wanted(assignment, student):
                seen.add((assignment, student))
                rows.append({**{c: "" for c in COLUMNS}, "assignment": assignment,
                             "student_id": student})
        for row in rows:
            submitted = Path(root) / "submitted" / row["student_id"] / row["assignment"]
            row["status"] = (status_of(root, row["assignment"], row["student_id"])
                             if os.path.lexists(submitted) or lms_problems(
                                 load(root, row["assignment"], row["student_id"]))
                             else "no submission")
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
            writer.writerow([*COLUMNS, "status"])
            for row in sorted(rows, key=lambda r: (r["assignment"], r["student_id"])):
                writer.writerow([for_spreadsheet(row[column], column in NUMERIC)
                                 for column in [*COLUMNS, "status"]])
