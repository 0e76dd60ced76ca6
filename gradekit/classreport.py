"""The class report: what a class got wrong, from the gradebook and the
status records alone.

``write`` reads every score of one assignment from the nbgrader gradebook
(SQLite or PostgreSQL, one query), and from each submission's status
record (gradekit.status) the mistake each failing test cell was diagnosed
as, what cut its grading short and how long it took; it never regrades and
never opens a notebook. It writes ``reports/<assignment>/`` in the course
folder:

* ``index.html``, one page that needs nothing but itself (its figures are
  PNG images inside it, drawn with matplotlib's Agg backend in the
  Okabe-Ito colours, which colour-blind readers can tell apart; every
  image has alt text): the score distribution; per exercise, how many
  students got full, partial and zero points; per exercise, the mistakes
  diagnosed, with counts, share of the class and the message students saw
  (from the course's registry, gradekit.mistakes); the submissions that
  failed or were cut short, with their reasons; grading time per
  submission and the last run's totals. The page names no student: reasons
  that hold a student's id show ``<student>`` instead;
* ``mistakes.csv``: ``exercise, mistake_id, description, students``, one
  row per exercise and mistake of the registry (and any other id found),
  ``students`` the number of students diagnosed with it;
* ``students.csv``: ``student_id, exercise, points, max_points,
  mistake_id``, one row per student and exercise (mistake_id empty where
  the exercise earned full points). With ``anonymous`` it is not written
  (an earlier one is removed): the folder can then be shared.

Everything taken from a submission is data: it is escaped in the page
(``html.escape``, after gradekit.escape.for_terminal makes control
characters visible) and neutralised in the CSV files
(gradekit.escape.for_spreadsheet, every field quoted). The page holds no
student code: messages come from the registry, reasons from the grader.

Ids: a submission that failed to grade gets ``<exercise>.not_graded`` in
every exercise; a test cell that lost points without a recorded diagnosis
(graded by hand, or before diagnoses were recorded) gets
``<exercise>.not_diagnosed``.
"""

import base64
import csv
import dataclasses
import datetime
import glob
import html
import io
import json
import os
import re
import statistics
from collections import Counter
from pathlib import Path

from . import mistakes as mistakes_module
from . import status
from .escape import for_spreadsheet, for_terminal

REPORTS = "reports"
RUN_RECORD = "_run.json"   # in grading_status/<assignment>/, next to the students' records

#: Okabe & Ito's colours (colour-blind safe)
ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, BLACK, GREY = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#999999")

#: status events that mean grading was cut short: event -> what happened
CUT_SHORT = {
    "kernel died": "crash",
    "kernel died during replay": "crash",
    "kernel stuck": "hang",
    "not run": "time limit",
    "deadline reached": "deadline",
    "limit reached": "limit",
    "output truncated": "output cut",
}
KINDS = ["failed", "crash", "hang", "time limit", "deadline", "limit", "output cut"]


# ------------------------------------------------------------------ reading

@dataclasses.dataclass
class Student:
    """One student's submission as the report sees it."""
    id: str
    graded: bool                                     # False: it failed (``reasons`` say why)
    points: dict = dataclasses.field(default_factory=dict)      # grade_id -> points
    diagnoses: dict = dataclasses.field(default_factory=dict)   # grade_id -> mistake id
    reasons: list = dataclasses.field(default_factory=list)     # why it failed
    cut_short: list = dataclasses.field(default_factory=list)   # (kind, what happened)
    seconds: float = None                            # grading time, if recorded


@dataclasses.dataclass
class ClassData:
    """Everything the report shows, read from the gradebook and the records."""
    assignment: str
    cells: list            # (grade_id, exercise, max points), in the notebook's order
    students: list         # Student, sorted by id
    run: dict              # the last grading run's record ({} if none)
    registry: object = None

    def mistake(self, student, grade_id, exercise, maximum):
        """The mistake id of one student's exercise ("" for full points)."""
        if not student.graded:
            return mistakes_module.qualified(exercise, "not_graded")
        if student.points.get(grade_id, 0) >= maximum:
            return ""
        found = student.diagnoses.get(grade_id)
        return found if isinstance(found, str) and mistakes_module.ID.fullmatch(found) \
            else mistakes_module.qualified(exercise, "not_diagnosed")

    def rows(self):
        """(student, exercise, points, max points, mistake id) for every
        student and exercise."""
        for student in self.students:
            for grade_id, exercise, maximum in self.cells:
                yield (student.id, exercise, student.points.get(grade_id, 0.0), maximum,
                       self.mistake(student, grade_id, exercise, maximum))


def _exercise_name(registry, grade_id):
    return registry.exercise_of(grade_id) if registry is not None else grade_id


def _gradebook(db_url, assignment):
    """(cells, scores): cells as in ClassData; scores student -> grade_id ->
    points, for every submission of the assignment (one query)."""
    from nbgrader.api import (Assignment, Gradebook, Grade, GradeCell, MissingEntry,
                              SubmittedAssignment, SubmittedNotebook)
    with Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return [], {}
        cells = [(cell.name, cell.max_score) for notebook in found.notebooks
                 for cell in notebook.grade_cells]
        query = (gradebook.db.query(SubmittedAssignment.student_id, GradeCell.name, Grade.score)
                 .select_from(Grade)
                 .join(GradeCell, Grade.cell_id == GradeCell.id)
                 .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                 .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .filter(Assignment.name == assignment))
        scores = {student: {} for (student,) in
                  gradebook.db.query(SubmittedAssignment.student_id)
                  .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                  .filter(Assignment.name == assignment)}
        for student, grade_id, score in query:
            scores.setdefault(student, {})[grade_id] = float(score or 0.0)
    return cells, scores


def _records(root, assignment):
    """student -> status record, for every record of the assignment."""
    found = {}
    folder = Path(root) / status.STATUS_FOLDER / assignment
    for path in glob.glob(os.path.join(glob.escape(str(folder)), "*.json")):
        name = Path(path).stem
        if name.startswith("_"):   # the run's own records (_intake.json, _run.json)
            continue
        try:
            found[name] = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            found[name] = None
        if not isinstance(found[name], dict):
            found[name] = {"problems": ["its status record could not be read"]}
    return found


def _cut_short(record):
    """(kind, what happened) for each event that cut grading short."""
    found = []
    for event in record.get("events", []):
        if not isinstance(event, dict) or event.get("event") not in CUT_SHORT:
            continue
        where = f" in cell {event['cell']}" if "cell" in event else ""
        why = f": {event['why']}" if "why" in event else ""
        found.append((CUT_SHORT[event["event"]], f"{event['event']}{where}{why}"))
    return list(dict.fromkeys(found))


def gather(root, assignment, db_url, registry=None):
    """The report's data (ClassData) for ``assignment`` of the course in
    ``root``, from the gradebook at ``db_url`` and the status records."""
    cells, scores = _gradebook(db_url, assignment)
    records = _records(root, assignment)
    students = []
    for student in sorted(set(scores) | set(records)):
        record = records.get(student)
        problems = [*status.lms_problems(record), *record.get("problems", [])] if record else []
        if problems:
            reasons = problems
        elif record is not None and "events" not in record:
            # intake starts each autograde with a new record; its last step adds the events
            reasons = ["its grading did not finish (nbgrader could not grade it; see the "
                       "autograde log)"]
        elif student not in scores:
            reasons = ["it is not in the gradebook"]
        else:
            reasons = []
        seconds = record.get("seconds") if record else None
        students.append(Student(
            id=student, graded=not reasons, points=scores.get(student, {}),
            diagnoses=dict(record.get("diagnoses", {})) if record and not reasons else {},
            reasons=[str(r) for r in reasons],
            cut_short=_cut_short(record) if record and not reasons else [],
            seconds=float(seconds) if isinstance(seconds, (int, float)) else None))
    run_path = Path(root) / status.STATUS_FOLDER / assignment / RUN_RECORD
    try:
        run = json.loads(run_path.read_text())
    except (OSError, ValueError):
        run = {}
    return ClassData(assignment,
                     [(grade_id, _exercise_name(registry, grade_id), maximum)
                      for grade_id, maximum in cells],
                     students, run if isinstance(run, dict) else {}, registry)


# ------------------------------------------------------------------ counting

def mistake_counts(data):
    """exercise -> Counter of mistake id -> students."""
    counts = {exercise: Counter() for _, exercise, _ in data.cells}
    for _, exercise, _, _, mistake in data.rows():
        if mistake:
            counts[exercise][mistake] += 1
    return counts


def ranked(data, exercise, counts, every=False):
    """(mistake id, students) of one exercise, most frequent first, then in
    the registry's order; with ``every``, the registry's ids that nobody
    made too (with 0)."""
    known = data.registry.ids(exercise) if data.registry is not None else []
    ids = list(dict.fromkeys([*known, *sorted(counts)]))
    order = {mistake: i for i, mistake in enumerate(ids)}
    return [(mistake, counts[mistake]) for mistake in sorted(ids, key=lambda m: (-counts[m], order[m]))
            if every or counts[mistake]]


def mistake_rows(data):
    """(exercise, mistake id, description, students) for mistakes.csv: every
    id the registry has for each exercise (0 for those nobody made), and
    any other id found."""
    counts = mistake_counts(data)
    return [(exercise, mistake, _description(data.registry, mistake), n)
            for _, exercise, _ in data.cells
            for mistake, n in ranked(data, exercise, counts[exercise], every=True)]


def _description(registry, mistake):
    found = registry.get(mistake) if registry is not None else None
    if found is not None:
        return found.description
    engine = mistakes_module.ENGINE.get(mistake.split(".", 1)[-1])
    return engine[0] if engine else "(not in the course's registry of mistakes)"


def _message(registry, mistake):
    found = registry.get(mistake) if registry is not None else None
    if found is not None:
        return found.message
    engine = mistakes_module.ENGINE.get(mistake.split(".", 1)[-1])
    return engine[1] if engine else ""


def outcomes(data):
    """exercise -> Counter with "full", "partial", "zero", "not graded"."""
    found = {exercise: Counter() for _, exercise, _ in data.cells}
    for student in data.students:
        for grade_id, exercise, maximum in data.cells:
            points = student.points.get(grade_id, 0.0)
            found[exercise]["not graded" if not student.graded else "full" if points >= maximum
                            else "zero" if points <= 0 else "partial"] += 1
    return found


def problem_rows(data):
    """(kind, what happened, submissions) of the failed and cut-short
    submissions, student ids replaced by ``<student>``."""
    counts = Counter()
    for student in data.students:
        seen = set()
        items = [("failed", r) for r in student.reasons] + student.cut_short
        for kind, reason in items:
            key = (kind, _without_id(reason, student.id))
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    return sorted(((kind, reason, n) for (kind, reason), n in counts.items()),
                  key=lambda row: (KINDS.index(row[0]) if row[0] in KINDS else len(KINDS),
                                   -row[2], row[1]))


#: what may stand next to a student's id in a reason: the ends of a path
#: component, a quoted name or a file name (not a space on both sides: an
#: id that is also a word, "damaged", is left alone in prose)
_EDGE = "/'\"_.-"


def _without_id(text, student, limit=400):
    """A reason as the page shows it: control characters made visible, the
    student's id (as a path component, in quotes, or starting a file name)
    replaced by <student>, at most ``limit`` characters."""
    text = for_terminal(text)
    student = for_terminal(student)

    def replace(match):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "<student>" if (before in _EDGE or after in _EDGE) else match.group()
    if student:
        text = re.sub(r"(?<![A-Za-z0-9])" + re.escape(student) + r"(?![A-Za-z0-9])", replace, text)
    return text if len(text) <= limit else text[:limit] + " ..."


def totals(data):
    """The graded submissions' total points, and the largest total possible."""
    return ([sum(s.points.get(grade_id, 0.0) for grade_id, _, _ in data.cells)
             for s in data.students if s.graded],
            sum(maximum for _, _, maximum in data.cells))


# ------------------------------------------------------------------ figures

def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width, height):
    from matplotlib.figure import Figure
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _number(value):
    return f"{value:.3g}" if isinstance(value, float) and value != int(value) else f"{value:g}"


def score_figure(scores, maximum):
    """(png base64, alt text): histogram of the graded totals, mean and median."""
    figure, axes = _figure(8, 3.6)
    bins = [x - 0.5 for x in range(int(maximum) + 2)] if maximum and maximum <= 60 else 20
    axes.hist(scores, bins=bins, color=BLUE, edgecolor="white", label="students")
    mean, median = statistics.fmean(scores), statistics.median(scores)
    axes.axvline(mean, color=VERMILLION, linestyle="--", linewidth=2, label=f"mean {_number(mean)}")
    axes.axvline(median, color=BLACK, linestyle=":", linewidth=2, label=f"median {_number(median)}")
    axes.set_xlabel(f"total points (out of {_number(maximum)})")
    axes.set_ylabel("students")
    axes.set_title("Score distribution of the graded submissions")
    axes.legend(loc="upper left")
    axes.yaxis.get_major_locator().set_params(integer=True)
    alt = (f"Histogram of the total points of {len(scores)} graded submissions, out of "
           f"{_number(maximum)}: mean {_number(mean)}, median {_number(median)}, lowest "
           f"{_number(min(scores))}, highest {_number(max(scores))}.")
    return _png(figure), alt


def outcome_figure(found, exercises):
    """(png, alt): per exercise, students with full, partial, zero points and not graded."""
    figure, axes = _figure(8, 0.55 * len(exercises) + 1.6)
    left = [0] * len(exercises)
    labels = list(reversed(exercises))
    colours = {"full": GREEN, "partial": ORANGE, "zero": VERMILLION, "not graded": GREY}
    hatches = {"full": "", "partial": "//", "zero": "xx", "not graded": ".."}
    for kind in ("full", "partial", "zero", "not graded"):
        values = [found[e][kind] for e in labels]
        axes.barh(labels, values, left=left, color=colours[kind], hatch=hatches[kind],
                  edgecolor="white", label=f"{kind} points" if kind != "not graded" else kind)
        left = [a + b for a, b in zip(left, values)]
    axes.set_xlabel("students")
    axes.set_ylabel("exercise")
    axes.set_title("Points per exercise")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=4, frameon=False)
    alt = "Stacked bars, one per exercise, of students with full, partial and zero points " \
          "and not graded: " + "; ".join(
              f"{e}: {found[e]['full']} full, {found[e]['partial']} partial, "
              f"{found[e]['zero']} zero, {found[e]['not graded']} not graded" for e in exercises) + "."
    return _png(figure), alt


NOT_A_DIAGNOSIS = ("unrecognised", "not_diagnosed")


def mistakes_figure(exercise, top):
    """(png, alt): the mistakes ``top`` ((id, students), most common first)
    of one exercise."""
    names = [mistake.split(".", 1)[-1] for mistake, _ in reversed(top)]
    values = [n for _, n in reversed(top)]
    colours = [PURPLE if name in NOT_A_DIAGNOSIS else SKY_BLUE for name in names]
    figure, axes = _figure(8, 0.42 * len(top) + 1.4)
    axes.barh(names, values, color=colours, edgecolor=BLACK, linewidth=0.5)
    for y, value in enumerate(values):
        axes.annotate(str(value), (value, y), xytext=(3, 0), textcoords="offset points",
                      va="center")
    axes.set_xlabel("students")
    axes.set_ylabel("mistake")
    axes.set_title(f"Most common mistakes in {exercise}")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.margins(x=0.12)
    alt = f"Bar chart of the most common mistakes in {exercise}: " + "; ".join(
        f"{mistake.split('.', 1)[-1]}: {n} students" for mistake, n in top) + "."
    return _png(figure), alt


def time_figure(seconds):
    """(png, alt): histogram of grading seconds per submission."""
    figure, axes = _figure(8, 3.2)
    axes.hist(seconds, bins=min(40, max(5, len(seconds) // 5)), color=ORANGE, edgecolor="white",
              label="submissions")
    median = statistics.median(seconds)
    axes.axvline(median, color=BLACK, linestyle=":", linewidth=2,
                 label=f"median {median:.1f} s")
    axes.set_xlabel("seconds to grade one submission")
    axes.set_ylabel("submissions")
    axes.set_title("Grading time per submission")
    axes.legend(loc="upper right")
    axes.yaxis.get_major_locator().set_params(integer=True)
    alt = (f"Histogram of the grading time of {len(seconds)} submissions: median "
           f"{median:.1f} s, fastest {min(seconds):.1f} s, slowest {max(seconds):.1f} s.")
    return _png(figure), alt


# ------------------------------------------------------------------ writing

def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for row in rows:
            writer.writerow([for_spreadsheet(value if not isinstance(value, float) else f"{value:g}",
                                             isinstance(value, (int, float)))
                             for value in row])


def e(text):
    """Text for the page: control characters shown, then HTML-escaped."""
    return html.escape(for_terminal(text))


def _image(png, alt, caption):
    return (f'<figure><img src="data:image/png;base64,{png}" alt="{e(alt)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>")


def _table(table_id, header, rows, numeric=(), classes=None):
    """A table; columns ``numeric`` right-aligned, ``classes``: column -> class."""
    classes = {**{i: "num" for i in numeric}, **(classes or {})}
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="{classes[i]}">{e(v)}</td>' if i in classes else f"<td>{e(v)}</td>"
                         for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<table id="{e(table_id)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1a1a1a;
       background: #fff; line-height: 1.45; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.6rem; }
nav a { margin-right: 1rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; color: #444; }
table { border-collapse: collapse; margin: 0.8rem 0; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88rem; }
.note { color: #444; }
.message { white-space: pre-wrap; }
"""


def _percent(n, total):
    return f"{100 * n / total:.1f}%" if total else "-"


def render(data, files):
    """The page (str) for ``data``; ``files`` names the CSV files beside it."""
    students = len(data.students)
    graded = [s for s in data.students if s.graded]
    failed = students - len(graded)
    exercises = [exercise for _, exercise, _ in data.cells]
    scores, maximum = totals(data)
    parts = [f"<h1>What the class got wrong: {e(data.assignment)}</h1>"]
    if students:
        lede = (f"{students} students: {len(graded)} graded, {failed} failed. ")
        if scores:
            lede += (f"Mean {_number(statistics.fmean(scores))} and median "
                     f"{_number(statistics.median(scores))} of {_number(maximum)} points.")
        parts.append(f'<p class="lede">{e(lede)}</p>')
    else:
        parts.append('<p class="lede">No submissions of this assignment are in the gradebook.</p>')
    parts.append('<nav><a href="#scores">Scores</a><a href="#exercises">Exercises</a>'
                 '<a href="#mistakes">Mistakes</a><a href="#problems">Failed or cut short</a>'
                 '<a href="#timing">Grading time</a></nav>')

    # scores
    parts.append('<section id="scores"><h2>Score distribution</h2>')
    if scores:
        png, alt = score_figure(scores, maximum)
        parts.append(_image(png, alt, f"Total points of the {len(scores)} graded submissions"
                     + (f" ({failed} failed submissions are not in it)." if failed else ".")))
        ordered = sorted(scores)
        parts.append(_table("score-summary", ["graded", "mean", "median", "lowest", "highest",
                                              "full marks", "zero"],
                            [[len(scores), _number(statistics.fmean(scores)),
                              _number(statistics.median(scores)), _number(ordered[0]),
                              _number(ordered[-1]), sum(s >= maximum for s in scores),
                              sum(s <= 0 for s in scores)]],
                            numeric=range(7)))
    else:
        parts.append('<p class="note">No graded submission.</p>')
    parts.append("</section>")

    # per exercise
    found = outcomes(data)
    parts.append('<section id="exercises"><h2>Points per exercise</h2>')
    if exercises and students:
        png, alt = outcome_figure(found, exercises)
        parts.append(_image(png, alt, "Students with full, partial and zero points in each "
                                      "exercise (not graded: the submission failed)."))
    parts.append(_table("exercise-outcomes", ["exercise", "points", "full", "partial", "zero",
                                              "not graded", "full (share)"],
                        [[exercise, _number(maximum_), found[exercise]["full"],
                          found[exercise]["partial"], found[exercise]["zero"],
                          found[exercise]["not graded"], _percent(found[exercise]["full"], students)]
                         for _, exercise, maximum_ in data.cells], numeric=range(1, 7)))
    parts.append("</section>")

    # mistakes
    counts = mistake_counts(data)
    parts.append('<section id="mistakes"><h2>Mistakes per exercise</h2>'
                 '<p class="note">What the hidden tests diagnosed in each exercise that lost '
                 'points, most common first. <span class="id">unrecognised</span>: the test failed '
                 'in a way no known mistake matches. Share: of all '
                 f'{students} students. The message is what those students were shown '
                 '(… stands for numbers or names of their case). Submissions that failed '
                 'to grade are under "Failed or cut short" (not_graded in the CSV '
                 'files).</p>')
    for _, exercise, _ in data.cells:
        parts.append(f'<h3 id="exercise-{e(exercise)}">{e(exercise)}</h3>')
        # (failed submissions are in "Failed or cut short", not here)
        here = [(m, n) for m, n in ranked(data, exercise, counts[exercise])
                if m.split(".", 1)[-1] != "not_graded"]
        if here:
            shown = here[:10]
            png, alt = mistakes_figure(exercise, shown)
            parts.append(_image(png, alt, (
                f"The {len(shown)} most common of the {len(here)} mistakes found in {exercise}"
                if len(here) > len(shown) else f"The mistakes found in {exercise}")
                + ("; purple: not a diagnosis (no known mistake matched, or none was "
                   "recorded)." if any(m.split(".", 1)[-1] in NOT_A_DIAGNOSIS for m, _ in shown)
                   else ".")))
        rows = [[mistake.split(".", 1)[-1], _description(data.registry, mistake), n,
                 _percent(n, students), _message(data.registry, mistake)]
                for mistake, n in here]
        if rows:
            parts.append(_table(f"mistakes-{exercise}", ["mistake", "what it is", "students",
                                                         "share", "message students saw"],
                                rows, numeric=(2, 3), classes={0: "id", 4: "message"}))
        else:
            parts.append(f'<table id="mistakes-{e(exercise)}"><tbody><tr><td>Every student got '
                         'full points.</td></tr></tbody></table>' if students else
                         f'<table id="mistakes-{e(exercise)}"><tbody><tr><td>No submissions.'
                         '</td></tr></tbody></table>')
    parts.append("</section>")

    # failed or cut short
    problems = problem_rows(data)
    parts.append('<section id="problems"><h2>Failed or cut short</h2>'
                 '<p class="note">Submissions that could not be graded (failed: no points), and '
                 'graded submissions whose grading was cut short (a crash, a hang, a time, '
                 'memory or process limit, the deadline). Who they are: the status column of '
                 'grades.csv' + ('; students.csv marks the failed ones not_graded'
                                 if "students.csv" in files else '') + '.</p>')
    if problems:
        parts.append(_table("failed-submissions", ["what happened", "reason", "submissions"],
                            problems, numeric=(2,)))
    else:
        parts.append('<table id="failed-submissions"><tbody><tr><td>Every submission was graded '
                     'in full.</td></tr></tbody></table>')
    parts.append("</section>")

    # timing
    seconds = [s.seconds for s in data.students if s.seconds is not None]
    parts.append('<section id="timing"><h2>Grading time</h2>')
    if seconds:
        png, alt = time_figure(seconds)
        parts.append(_image(png, alt, "Seconds spent grading each submission (its last grading)."))
    else:
        parts.append('<p class="note">No grading times are recorded (they are when the class is '
                     'graded with the grading command).</p>')
    run = data.run
    rows = [["submissions in this report", students],
            ["graded / failed", f"{len(graded)} / {failed}"]]
    if seconds:
        rows += [["grading time, all submissions", f"{sum(seconds):.1f} s"],
                 ["per submission: mean / median / slowest",
                  f"{statistics.fmean(seconds):.1f} s / {statistics.median(seconds):.1f} s / "
                  f"{max(seconds):.1f} s"]]
    if run:
        rows += [["last run: submissions graded", run.get("graded", "")],
                 ["last run: skipped (graded before)", run.get("skipped", "")],
                 ["last run: wall-clock time", f"{float(run.get('seconds', 0)):.1f} s"],
                 ["last run: workers", run.get("workers", "")],
                 ["last run: finished", run.get("finished", "")]]
        if run.get("interrupted"):
            rows.append(["last run", "interrupted"])
    parts.append(_table("run-totals", ["total", "value"], rows, numeric=(1,)))
    parts.append("</section>")

    links = ", ".join(f'<a href="{e(name)}">{e(name)}</a>' for name in files)
    parts.append(f'<footer><p class="note">Data: {links}. Made from the gradebook and the '
                 'status records (grading_status/); no submission was regraded.</p></footer>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Class report: {e(data.assignment)}</title><style>{STYLE}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")


def write(root, assignment, db_url=None, registry=None, anonymous=False, folder=None):
    """Write the report (see the module doc); returns its folder.

    Arguments:
    root -- the course folder (its grading_status/ is read)
    assignment -- str
    db_url -- the gradebook (default: root/gradebook.db)
    registry -- the course's gradekit.mistakes.Registry (exercises, ids,
                descriptions, messages); without it, exercises are test cells
    anonymous -- leave student ids out entirely (no students.csv)
    folder -- where to write (default: root/reports/<assignment>)
    """
    root = Path(root)
    db_url = db_url or f"sqlite:///{root.resolve() / 'gradebook.db'}"
    folder = Path(folder) if folder else root / REPORTS / assignment
    folder.mkdir(parents=True, exist_ok=True)
    data = gather(root, assignment, db_url, registry)
    _csv(folder / "mistakes.csv", ["exercise", "mistake_id", "description", "students"],
         mistake_rows(data))
    files = ["mistakes.csv"]
    students_csv = folder / "students.csv"
    if anonymous:
        students_csv.unlink(missing_ok=True)
    else:
        _csv(students_csv, ["student_id", "exercise", "points", "max_points", "mistake_id"],
             data.rows())
        files.append("students.csv")
    (folder / "index.html").write_text(render(data, files), encoding="utf-8")
    return folder


def run_record(root, assignment, report):
    """Keep a grading run's totals (gradekit.grading.Report) for the class
    report: grading_status/<assignment>/_run.json."""
    path = Path(root) / status.STATUS_FOLDER / assignment / RUN_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "graded": len(report.outcomes), "skipped": len(report.skipped),
        "seconds": round(report.seconds, 3), "workers": report.workers,
        "interrupted": report.interrupted,
        "finished": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }, indent=1, sort_keys=True) + "\n")
