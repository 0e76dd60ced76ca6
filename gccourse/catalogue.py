"""Grade a catalogue of submissions with the real nbgrader and compare each
with what it should earn.

Every catalogue file (see gccourse.submissions for the format) changes one
or more answer cells of a correct baseline submission; cells it leaves out
keep the baseline's answer. Besides ``EXPECTED`` (points that each named
test cell must earn; all other cells must earn full marks) a file may give
``MESSAGE`` (read by gccourse.submissions): for a test cell, a regular expression that its failure message
must match, in the autograded notebook and in the student's feedback; and
``MISTAKE``: the id of the mistake its check must diagnose, as recorded in
the submission's status (gradekit.status, gccourse.mistakes).
"""

import dataclasses
import html
import re
import tempfile
from pathlib import Path

import nbformat

from gradekit import report, status

from . import course, submissions


@dataclasses.dataclass
class Outcome:
    """How one catalogue entry was graded.

    Attributes:
    name, description -- from the file
    expected -- dict test cell -> points it must earn (every test cell)
    earned -- dict test cell -> points it earned (empty if it was not
              graded at all, which counts as earning 0 everywhere)
    messages -- dict test cell -> failure message shown for it ("" if none)
    wanted_messages -- dict test cell -> regex the message must match
    feedback -- str, the text of the student's feedback page
    mistakes -- dict test cell -> id of the mistake diagnosed (as recorded
                in the status; only cells that failed)
    wanted_mistakes -- dict test cell -> the id it must be
    """

    name: str
    description: str
    expected: dict
    earned: dict
    messages: dict
    wanted_messages: dict
    feedback: str

    @property
    def kind(self):
        return "correct" if all(self.expected[c] == self.full[c] for c in self.expected) else "mistake"

    full: dict = dataclasses.field(default_factory=dict)
    mistakes: dict = dataclasses.field(default_factory=dict)
    wanted_mistakes: dict = dataclasses.field(default_factory=dict)

    def problems(self):
        """Why this outcome is not what its file says, as a list of str."""
        found = []
        for cell, points in self.expected.items():
            if self.earned.get(cell, 0) != points:  # not graded at all: nothing earned
                found.append(f"{cell}: earned {self.earned.get(cell, 0)}, expected {points}")
        for cell, pattern in self.wanted_messages.items():
            message = self.messages.get(cell, "")
            if not re.search(pattern, message):
                found.append(f"{cell}: message {message!r} does not match {pattern!r}")
            elif not re.search(pattern, self.feedback):
                found.append(f"{cell}: the feedback does not show a message matching {pattern!r}")
        for cell, mistake in self.wanted_mistakes.items():
            if self.mistakes.get(cell) != mistake:
                found.append(f"{cell}: diagnosed as {self.mistakes.get(cell)!r}, expected {mistake!r}")
        return found


def failure_message(cell):
    """The last line of a test cell's error (its exception and message)."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
    return ""


def _text_of_html(page):
    return html.unescape(re.sub(r"<[^>]+>", "", page))


#: Appended to a course copy's nbgrader_config.py: nbgrader's own autograde
#: pipelines, without any of gradekit's hardening (for comparisons).
STOCK_AUTOGRADE = """
from nbgrader.preprocessors import Execute
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata]
"""


def run(folder, baseline, workdir=None, echo=print, nbgrader_args=(), stock=False):
    """Build, autograde and give feedback on every catalogue entry.

    Arguments:
    folder -- folder of catalogue files
    baseline -- path of the correct submission the entries start from
    workdir -- empty folder for the temporary course (default: a temp dir,
               removed afterwards; pass one to look at the results)
    nbgrader_args -- extra command-line options for nbgrader autograde
    stock -- grade with nbgrader's own autograde pipelines instead of ours

    Returns:
    list of Outcome, in file-name order; a submission nbgrader could not
    grade at all (or that intake refused) has no earned points and no messages
    """
    from .demo import new_course  # the course files a grading run needs

    entries = submissions.load_all(folder)
    base = submissions.load(baseline)
    with tempfile.TemporaryDirectory() as scratch:
        root = new_course(Path(workdir or scratch) / "course", stock)
        # read before grading: a hostile submission graded without the
        # sandbox can overwrite the course's files
        full = submissions.full_marks(root)
        for entry in entries:
            merged = dataclasses.replace(entry, cells={**base.cells, **entry.cells})
            submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, merged)
        echo(f"Autograding {len(entries)} catalogue submissions ...")
        # Broken submissions make nbgrader exit with an error after grading
        # the others; what each one earned is read from the gradebook below.
        # Ours fails only for submissions that intake refused (links,
        # special files: gradekit.status); any other failure is an error.
        try:
            course.nbgrader(root, "autograde", course.ASSIGNMENT, "--force", *nbgrader_args,
                            check=not stock)
        except course.NbgraderFailed as error:
            failed = set(re.findall(r"There was an error processing assignment '[^']*' for "
                                    r"student '([^']*)'", str(error)))
            if not failed or not all(status.load(root, course.ASSIGNMENT, student).get("refused")
                                     for student in failed):
                raise
        course.nbgrader(root, "generate_feedback", course.ASSIGNMENT, "--force", check=False)
        course.nbgrader(root, "export", check=False)
        columns, rows = report.grade_table(f"sqlite:///{root / 'gradebook.db'}", course.ASSIGNMENT)
        earned = {row["student"]: row["scores"] for row in rows}
        outcomes = []
        for entry in entries:
            graded_path = (root / "autograded" / entry.name / course.ASSIGNMENT
                           / f"{course.NOTEBOOK}.ipynb")
            messages = {}
            try:
                graded = nbformat.read(graded_path, as_version=4)
            except (OSError, ValueError):  # missing, or overwritten by another submission
                graded = None
            if graded is not None:
                messages = {submissions.grade_id(c): failure_message(c) for c in graded.cells
                            if c.metadata.get("nbgrader", {}).get("grade")}
            page_path = (root / "feedback" / entry.name / course.ASSIGNMENT
                         / f"{course.NOTEBOOK}.html")
            page = page_path.read_text(encoding="utf-8") if page_path.exists() else ""
            outcomes.append(Outcome(
                name=entry.name, description=entry.description,
                expected={c: entry.expected.get(c, full[c]) for c in columns},
                earned=earned.get(entry.name, {}), messages=messages,
                wanted_messages=entry.messages,
                feedback=_text_of_html(page), full=full,
                mistakes=status.load(root, course.ASSIGNMENT, entry.name).get("diagnoses", {}),
                wanted_mistakes=entry.mistakes))
    return outcomes


def format_table(outcomes):
    """One line per entry: variant, expected, earned, verdict, message."""
    lines = [f"{'variant':44} {'expected':>8} {'earned':>6}  {'ok':4} message"]
    for o in outcomes:
        total = sum(o.expected.values())
        got = sum(o.earned.values())
        losing = [c for c in o.expected if o.earned.get(c) != o.full.get(c)]
        message = o.messages.get(losing[0], "") if losing else ""
        message = message.removeprefix("AssertionError: ")
        verdict = "ok" if not o.problems() else "FAIL"
        lines.append(f"{o.name:44} {total:8g} {got:6g}  {verdict:4} {message[:110]}")
    correct = [o for o in outcomes if o.kind == "correct"]
    mistakes = [o for o in outcomes if o.kind == "mistake"]
    lines.append("")
    lines.append(
        f"{sum(not o.problems() for o in correct)} of {len(correct)} correct variants earn full marks; "
        f"{sum(not o.problems() for o in mistakes)} of {len(mistakes)} mistakes lose exactly "
        "their own exercise's points, with the expected message.")
    return "\n".join(lines)
