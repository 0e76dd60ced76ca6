"""The class report (gradekit.classreport): what the class got wrong, read
from the gradebook and the status records.

* A synthetic graded class (gccourse.synthetic.graded_class, written
  straight into a gradebook, with failed, crashed and late submissions)
  checks the numbers, the CSV files, the anonymous option and that
  everything a submission brings is shown as data.
* The whole accuracy catalogue graded as a class with the grading command:
  mistakes.csv and students.csv hold exactly what the catalogue says.
* A class with crashed, failed and late submissions shows them with their
  reasons.
* The page in Debian's chromium: opens from disk with the network cut off,
  every figure is an image that loads and has alt text, every table is
  there. A screenshot goes to artifacts/report/.
"""

import csv
import dataclasses
import html.parser
import io
import os
import shutil
from collections import Counter

import pytest

from conftest import ROOT, gradekit_command
from gccourse import course, submissions, synthetic
from gccourse.mistakes import REGISTRY
from gradekit import classreport, grading, status

CATALOGUE = ROOT / "tests" / "submissions"
HOSTILE = ROOT / "tests" / "hostile"
BASELINE = ROOT / "demo" / "students" / "complete.py"
ARTIFACTS = ROOT / "artifacts" / "report"
QUIET = {"progress_stream": io.StringIO(), "echo": lambda *a: None}
SIZE = 300


class Tables(html.parser.HTMLParser):
    """The text of every cell of every table of a page, by the table's id."""

    def __init__(self, page):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self.current is not None:
            self.row = []
            self.current.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def counts_in(folder):
    """mistake id -> students, from mistakes.csv."""
    header, *rows = read_csv(folder / "mistakes.csv")
    assert header == ["exercise", "mistake_id", "description", "students"]
    found = {}
    for exercise, mistake, description, students in rows:
        assert mistake not in found, f"{mistake} twice"
        assert mistake.startswith(exercise + ".") and description
        found[mistake] = int(students)
    return found


def rows_in(folder):
    """(student, exercise) -> (points, max points, mistake id), from students.csv."""
    header, *rows = read_csv(folder / "students.csv")
    assert header == ["student_id", "exercise", "points", "max_points", "mistake_id"]
    found = {}
    for student, exercise, points, maximum, mistake in rows:
        assert (student, exercise) not in found
        found[(student, exercise)] = (float(points), float(maximum), mistake)
    return found


# ---------------------------------------------------------------- a synthetic class

@pytest.fixture(scope="module")
def synthetic_class(tmp_path_factory):
    root, expected = synthetic.graded_class(tmp_path_factory.mktemp("synthetic") / "course", SIZE)
    folder = classreport.write(root, course.ASSIGNMENT, registry=REGISTRY)
    return root, expected, folder


def wanted_counts(expected):
    wanted = Counter()
    for cells in expected.values():
        for cell, (_, mistake) in cells.items():
            if mistake is None:
                wanted[f"{REGISTRY.exercise_of(cell)}.not_graded"] += 1
            elif mistake:
                wanted[mistake] += 1
    return wanted


def test_mistakes_csv_counts_exactly_what_the_class_holds(synthetic_class):
    _, expected, folder = synthetic_class
    found = counts_in(folder)
    wanted = wanted_counts(expected)
    assert {m: n for m, n in found.items() if n} == dict(wanted)
    assert set(m.id for m in REGISTRY) <= set(found), "every registered mistake has a row"


def test_students_csv_has_one_row_per_student_and_exercise_with_its_id(synthetic_class):
    _, expected, folder = synthetic_class
    full = submissions.full_marks(synthetic_class[0])
    wanted = {}
    for student, cells in expected.items():
        for cell, (points, mistake) in cells.items():
            exercise = REGISTRY.exercise_of(cell)
            wanted[(student, exercise)] = (points, full[cell], mistake if mistake is not None
                                           else f"{exercise}.not_graded")
    assert rows_in(folder) == wanted
    assert len(wanted) == SIZE * len(REGISTRY.exercises)


def test_the_page_has_the_numbers_of_the_csv_files(synthetic_class):
    _, expected, folder = synthetic_class
    tables = Tables((folder / "index.html").read_text()).tables
    found = counts_in(folder)
    for exercise in REGISTRY.exercises:
        header, *rows = tables[f"mistakes-{exercise}"]
        assert header == ["mistake", "what it is", "students", "share", "message students saw"]
        shown = {f"{exercise}.{row[0]}": int(row[2]) for row in rows}
        assert shown == {m: n for m, n in found.items() if n and m.startswith(exercise + ".")
                         and m != f"{exercise}.not_graded"}   # (those are under failed)
        for row in rows:
            mistake = REGISTRY[f"{exercise}.{row[0]}"]
            assert row[1] == mistake.description and row[4] == mistake.message
            assert row[3] == f"{100 * int(row[2]) / SIZE:.1f}%"
    outcomes = {row[0]: row[2:6] for row in tables["exercise-outcomes"][1:]}
    for cell in submissions.full_marks(synthetic_class[0]):
        exercise = REGISTRY.exercise_of(cell)
        kinds = Counter("not graded" if mistake is None else "zero" if mistake else "full"
                        for points, mistake in (s[cell] for s in expected.values()))
        assert outcomes[exercise] == [str(kinds["full"]), "0", str(kinds["zero"]),
                                      str(kinds["not graded"])]
    graded = [sum(p for p, _ in cells.values()) for cells in expected.values()
              if all(m is not None for _, m in cells.values())]
    summary = tables["score-summary"][1]
    assert summary[0] == str(len(graded)) and summary[3] == f"{min(graded):g}"


def test_failed_crashed_and_late_submissions_are_shown_with_their_reasons(synthetic_class):
    _, _, folder = synthetic_class
    rows = Tables((folder / "index.html").read_text()).tables["failed-submissions"][1:]
    failed = [i for i in range(SIZE) if i % synthetic.FAILED == synthetic.FAILED - 1]
    crashed = [i for i in range(SIZE) if i % synthetic.CRASHED == synthetic.CRASHED - 1
               and i not in failed]
    late = [i for i in range(SIZE) if i % synthetic.LATE == synthetic.LATE - 1 and i not in failed]
    assert ["failed", synthetic.DAMAGED, str(len(failed))] in rows
    assert ["crash", "kernel died in cell 12: it crashed with a segmentation fault (SIGSEGV)",
            str(len(crashed))] in rows
    deadline = [row for row in rows if row[0] == "deadline"]
    assert len(deadline) == 1 and deadline[0][2] == str(len(late))
    assert "tests not verified in time" in deadline[0][1]


def test_the_anonymous_report_names_no_student_anywhere(synthetic_class, tmp_path):
    root, expected, folder = synthetic_class
    copy = tmp_path / "shared"
    shutil.copytree(folder, copy)                      # (with its students.csv)
    classreport.write(root, course.ASSIGNMENT, registry=REGISTRY, anonymous=True, folder=copy)
    assert sorted(p.name for p in copy.iterdir()) == ["index.html", "mistakes.csv"]
    for path in copy.iterdir():
        text = path.read_text()
        assert not [s for s in expected if s in text], path.name
    # and the page never names one, anonymous or not
    page = (folder / "index.html").read_text()
    assert not [s for s in expected if s in page]


def test_what_a_submission_brings_is_data_in_the_page_and_the_csv(synthetic_class, tmp_path):
    root, _, _ = synthetic_class
    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    student = "=cmd|calc"
    status.save(copy, course.ASSIGNMENT, student, {
        "student": student, "warnings": [],
        "problems": [f"<script>alert(1)</script> in 'submitted/{student}/x', \x1b[2J cleared",
                     f"ignored the extra file '{student}_notes.txt'"]})
    folder = classreport.write(copy, course.ASSIGNMENT, registry=REGISTRY)
    page = (folder / "index.html").read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "in &#x27;submitted/&lt;student&gt;/x&#x27;, \\x1b[2J cleared" in page
    assert "file &#x27;&lt;student&gt;_notes.txt&#x27;" in page
    assert student not in page and "\x1b" not in page
    ids = {row[0] for row in read_csv(folder / "students.csv")[1:]}
    assert "'=cmd|calc" in ids and student not in ids


def test_the_report_command_writes_it_from_the_gradebook_alone(synthetic_class, tmp_path):
    root, expected, folder = synthetic_class
    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    shutil.rmtree(copy / classreport.REPORTS)
    result = gradekit_command("report", "--course", str(copy))
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout and "--anonymous" in result.stdout
    written = copy / classreport.REPORTS / course.ASSIGNMENT
    for name in ("mistakes.csv", "students.csv"):
        assert (written / name).read_text() == (folder / name).read_text()
    assert not (copy / "autograded").exists(), "nothing was graded"
    result = gradekit_command("report", "--course", str(copy), "--anonymous")
    assert result.returncode == 0 and not (written / "students.csv").exists()


# ---------------------------------------------------------------- the catalogue as a class

@pytest.fixture(scope="module")
def catalogue_class(tmp_path_factory):
    """Every catalogue fixture a student of one class, graded with the
    grading command (two workers), which writes the report."""
    from gccourse.demo import new_course
    root = new_course(tmp_path_factory.mktemp("catalogue-class") / "course")
    base = submissions.load(BASELINE)
    entries = submissions.load_all(CATALOGUE)
    for entry in entries:
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                    dataclasses.replace(entry, cells={**base.cells, **entry.cells}))
    result = grading.run(root, workers=2, feedback=False, mistakes=REGISTRY, **QUIET)
    return root, entries, result


@pytest.mark.catalogue  # the whole catalogue, graded as a class on two workers
def test_the_catalogue_graded_as_a_class_has_exactly_its_mistakes(catalogue_class):
    root, entries, result = catalogue_class
    assert len(result.outcomes) == len(entries) and all(o.graded for o in result.outcomes)
    folder = root / classreport.REPORTS / course.ASSIGNMENT
    wanted = Counter(mistake for entry in entries for mistake in entry.mistakes.values())
    assert sum(wanted.values()) == sum(len(e.expected) for e in entries)  # one id per lost test
    found = counts_in(folder)
    assert {m: found[m] for m in found} == {m: wanted.get(m, 0) for m in found}
    assert set(wanted) <= set(found)


@pytest.mark.catalogue  # the whole catalogue, graded as a class on two workers
def test_every_catalogue_fixture_carries_its_expected_id_in_students_csv(catalogue_class):
    root, entries, _ = catalogue_class
    full = submissions.full_marks(root)
    rows = rows_in(root / classreport.REPORTS / course.ASSIGNMENT)
    assert len(rows) == len(entries) * len(full)
    for entry in entries:
        for cell, maximum in full.items():
            exercise = REGISTRY.exercise_of(cell)
            assert rows[(entry.name, exercise)] == (
                entry.expected.get(cell, maximum), maximum, entry.mistakes.get(cell, "")), \
                (entry.name, exercise)


@pytest.mark.catalogue  # the whole catalogue, graded as a class on two workers
def test_the_report_of_a_graded_class_has_its_times_and_can_be_rewritten_without_grading(
        catalogue_class):
    root, entries, result = catalogue_class
    folder = root / classreport.REPORTS / course.ASSIGNMENT
    tables = Tables((folder / "index.html").read_text()).tables
    totals = dict(row for row in tables["run-totals"][1:])
    assert totals["last run: submissions graded"] == str(len(entries))
    assert totals["last run: workers"] == "2"
    graded = {p: p.stat().st_mtime_ns for p in (root / "autograded").rglob("*.ipynb")}
    before = {name: (folder / name).read_text() for name in ("mistakes.csv", "students.csv")}
    command = gradekit_command("report", "--course", str(root))
    assert command.returncode == 0, command.stderr
    assert {name: (folder / name).read_text() for name in before} == before
    assert {p: p.stat().st_mtime_ns for p in (root / "autograded").rglob("*.ipynb")} == graded


# ---------------------------------------------------------------- crashes, failures, deadlines

BROKEN = [HOSTILE / "aaa_bystander.py", HOSTILE / "broken_dies_midway.py",
          HOSTILE / "broken_segfaults.py", HOSTILE / "deadline" / "hostile_stalls_the_trusted_regrade.py",
          HOSTILE / "hostile_links_its_notebook_to_the_solutions.py"]
FAST = """
c.Execute.timeout = 5
c.TrustedRegrade.timeout = 3
c.SubmissionDeadline.seconds = 25
"""


@pytest.mark.hostile
def test_a_class_with_crashed_failed_and_late_submissions_shows_them_with_reasons(tmp_path):
    from gccourse.demo import new_course
    root = new_course(tmp_path / "course")
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(FAST)
    base = submissions.load(BASELINE)
    for path in BROKEN:
        entry = submissions.load(path)
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK,
                                    dataclasses.replace(entry, cells={**base.cells, **entry.cells}))
    damaged = submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, base, "damaged")
    damaged.write_text('{"cells": [ this is not JSON')
    grading.run(root, workers=2, feedback=False, mistakes=REGISTRY, **QUIET)

    folder = root / classreport.REPORTS / course.ASSIGNMENT
    page = (folder / "index.html").read_text()
    rows = Tables(page).tables["failed-submissions"][1:]
    assert all(row[2] == "1" for row in rows), rows
    reasons = {(kind, reason.split(":")[0].split(";")[0]) for kind, reason, _ in rows}
    assert reasons >= {
        ("failed", "'Gradient_Checking.ipynb' is not a readable notebook (the file is damaged "
                   "or not a notebook)"),   # (a student named "damaged" stays a word in prose)
        ("failed", "'Gradient_Checking.ipynb' is a symbolic link"),
        ("deadline", "deadline reached")}, rows
    assert Counter(kind for kind, _ in reasons) == {"failed": 2 + 1, "crash": 2, "deadline": 1}
    crashes = " ".join(reason for kind, reason, _ in rows if kind == "crash")
    assert "exited with status 3" in crashes and "segmentation fault (SIGSEGV)" in crashes
    assert not [p.stem for p in BROKEN if p.stem in page]

    ids = rows_in(folder)
    for student in ("damaged", "hostile_links_its_notebook_to_the_solutions"):
        assert {ids[(student, e)][2] for e in REGISTRY.exercises} == \
            {f"{e}.not_graded" for e in REGISTRY.exercises}
    assert ids[("broken_segfaults", "gradient_check_n")][2] == "gradient_check_n.raises_an_error"
    assert ids[("broken_dies_midway", "difference_per_parameter")][2] == \
        "difference_per_parameter.raises_an_error"
    assert ids[("hostile_stalls_the_trusted_regrade", "backward_propagation_n")][2] == \
        "backward_propagation_n.not_verified"
    assert all(ids[("aaa_bystander", e)][2] == "" for e in REGISTRY.exercises)


# ---------------------------------------------------------------- in a browser

@pytest.mark.browser
def test_the_page_opens_from_disk_in_chromium_with_every_figure_and_table(synthetic_class):
    from test_browser import CHROMIUM, CHROMIUM_FLAGS
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: this test needs Debian's chromium "
                    "(apt-get install chromium), or CHROMIUM=/path/to/chromium", pytrace=False)
    from playwright.sync_api import sync_playwright
    _, _, folder = synthetic_class
    page_path = folder / "index.html"
    with_mistakes = [e for e in REGISTRY.exercises
                     if any(n for m, n in counts_in(folder).items()
                            if m.startswith(e + ".") and m != f"{e}.not_graded")]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            asked = []

            def only_files(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:   # the page must need nothing from a network
                    asked.append(route.request.url)
                    route.abort()
            context.route("**/*", only_files)
            page = context.new_page()
            page.goto(page_path.as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => ({complete: e.complete, width: e.naturalWidth, "
                       "alt: e.alt, src: e.getAttribute('src').slice(0, 22)}))")
            figures = page.eval_on_selector_all(
                "figure", "els => els.map(e => e.querySelectorAll('img').length)")
            tables = page.eval_on_selector_all(
                "table", "els => els.map(e => [e.id, e.getBoundingClientRect().height > 0, "
                         "e.querySelectorAll('tr').length])")
            page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
        finally:
            browser.close()
    assert asked == []
    assert len(images) == 3 + len(with_mistakes), images   # scores, exercises, time, mistakes
    for image in images:
        assert image["complete"] and image["width"] > 300, image
        assert image["src"] == "data:image/png;base64," and len(image["alt"]) > 40, image
    assert figures == [1] * len(images)
    wanted = {"score-summary", "exercise-outcomes", "failed-submissions", "run-totals",
              *(f"mistakes-{e}" for e in REGISTRY.exercises)}
    shown = {table_id: (visible, rows) for table_id, visible, rows in tables}
    assert set(shown) == wanted
    assert all(visible and rows >= 1 for visible, rows in shown.values()), shown
