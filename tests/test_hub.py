"""A semester on a real JupyterHub, end to end, in Debian's chromium.

The hub is installed the way docs/hub.md tells an administrator
(gradekit.hub through gccourse.hub: its own venv from Debian's Python, the
proxy from npm, an exchange, a control group delegated to the instructor),
with real local accounts for one instructor and three students, made for
this test and removed after it. Playwright logs each of them in through the
hub's login page:

1. the instructor generates and releases the assignment in formgrader;
2. each student fetches it in the Assignments panel, fills it in the page
   (one correct, one partly wrong, one hostile: scripts in every output),
   validates and submits;
3. the instructor collects, autogrades each submission with formgrader's
   button (the instructor's own server, not root: sandboxed and with the
   per-submission limits in the delegated group), and ``./course grade``
   on a copy of the collected class gives the same scores;
4. the instructor opens the hostile submission in formgrader: none of its
   scripts runs;
5. the instructor generates and releases feedback; each student fetches it
   and sees their scores and messages, never the hidden tests' code.

Screenshots of each step are saved in artifacts/hub/.
"""

import json
import os
import pwd
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from gccourse import course, submissions
from gccourse import hub as course_hub
from gradekit.localservices import free_port

pytestmark = pytest.mark.hub

ROOT = course.ROOT
ARTIFACTS = ROOT / "artifacts" / "hub"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
UI = 60_000
SLOW = 300_000
RELEASE = ROOT / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
FIXTURES = {
    "correct": ROOT / "demo" / "students" / "complete.py",
    "partly_wrong": ROOT / "demo" / "students" / "partly_wrong.py",
    "hostile": ROOT / "tests" / "hostile" / "hostile_scripts_in_outputs.py",
}
MARK = "STOLEN_BY_ATTACKER"


def _answers(fixture):
    """The answer cells a student types: a hostile fixture's cells go on top
    of the correct answers (as in the accuracy catalogue)."""
    cells = dict(submissions.load(FIXTURES[fixture]).cells)
    if fixture == "hostile":
        cells = {**submissions.load(FIXTURES["correct"]).cells, **cells}
    return cells


def _total():
    release = nbformat.read(RELEASE, as_version=4)
    return sum(cell.metadata["nbgrader"]["points"] for cell in release.cells
               if cell.metadata.get("nbgrader", {}).get("grade"))


def _points(fixture):
    """What a fixture must earn: full marks less what EXPECTED takes away."""
    submission = submissions.load(FIXTURES[fixture])
    release = nbformat.read(RELEASE, as_version=4)
    total = 0
    for cell in release.cells:
        grade = cell.metadata.get("nbgrader", {})
        if grade.get("grade"):
            total += submission.expected.get(grade["grade_id"], grade["points"])
    return total


@pytest.fixture(scope="module")
def semester():
    """The hub, its accounts and a browser; removed afterwards."""
    if os.geteuid() != 0:
        pytest.fail("the hub test makes local accounts and runs JupyterHub: run it as root",
                    pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium", pytrace=False)
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    tag = secrets.token_hex(3)
    instructor = f"gkt-teach-{tag}"
    students = {f"gkt-s{n}-{tag}": fixture
                for n, fixture in enumerate(("correct", "partly_wrong", "hostile"), 1)}
    prefix = Path(tempfile.mkdtemp(prefix="gradekit-hub-test-"))
    os.chmod(prefix, 0o755)
    hub = course_hub.make_hub(prefix, [instructor], list(students))
    before = _host_state()
    try:
        passwords = course_hub.set_up(hub, log=lambda *a: None)
        hub.start(free_port())
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_FLAGS)
            try:
                yield Semester(hub, browser, instructor, students, passwords)
            finally:
                browser.close()
    finally:
        hub.remove()
        shutil.rmtree(prefix, ignore_errors=True)
        after = _host_state()
        assert after == before, "the hub test left accounts or control groups behind"


def _host_state():
    accounts = sorted(entry.pw_name for entry in pwd.getpwall())
    groups = sorted(str(p) for p in Path("/sys/fs/cgroup").glob("*/gradekit-*"))
    return accounts, groups


class Semester:
    def __init__(self, hub, browser, instructor, students, passwords):
        self.hub, self.browser = hub, browser
        self.instructor, self.students, self.passwords = instructor, students, passwords
        self.shots = 0
        self.formgrader_scores = {}

    def login(self, user):
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(UI)
        page.goto(f"{self.hub.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", self.passwords[user])
        page.click("#login_submit")
        page.wait_for_url(re.compile(r".*/lab.*"), timeout=SLOW)
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for()
        return page

    def shot(self, page, what):
        self.shots += 1
        path = ARTIFACTS / f"{self.shots:02d}-{what}.png"
        page.screenshot(path=str(path))
        return path

    def user_url(self, user, path=""):
        return f"{self.hub.url}/user/{user}/{path}"

    def course_root(self):
        return self.hub.course_roots[self.instructor]


def _formgrader_action(page, row, glyph):
    row.locator(f".glyphicon-{glyph}").click()
    modal = page.locator("#success-modal, #error-modal")
    modal.wait_for(timeout=SLOW)
    ok = page.locator("#success-modal").count() == 1
    text = modal.inner_text()
    return ok, text


def _close_modal(page):
    page.locator(".modal.in button", has_text="OK").click()
    page.locator(".modal.in").wait_for(state="detached")


def _open_assignments(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    page.locator("#released_assignments_list").wait_for()


def _fill(page, fixture):
    """Type the fixture's answers into the open notebook's cells."""
    release = nbformat.read(RELEASE, as_version=4)
    answers = _answers(fixture)
    cells = page.locator(".jp-Notebook .jp-Cell")
    for index, cell in enumerate(release.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in answers:
            continue
        target = cells.nth(index)
        target.scroll_into_view_if_needed()
        editor = target.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(answers[grade_id])
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)


def test_a_semester_on_the_hub(semester):
    s = semester
    for fixture in FIXTURES.values():
        assert fixture.exists(), fixture

    # 1. the instructor generates and releases in formgrader ----------------
    teacher = s.login(s.instructor)
    teacher.goto(s.user_url(s.instructor, "formgrader"))
    row = teacher.locator("tr", has_text=course.ASSIGNMENT)
    row.wait_for()
    ok, text = _formgrader_action(teacher, row, "education")
    s.shot(teacher, "instructor-generated")
    assert ok, text
    _close_modal(teacher)
    ok, text = _formgrader_action(teacher, row, "cloud-upload")
    s.shot(teacher, "instructor-released")
    assert ok, text
    _close_modal(teacher)

    # 2. each student fetches, fills in, validates and submits --------------
    for student, fixture in s.students.items():
        page = s.login(student)
        _open_assignments(page)
        released = page.locator("#released_assignments_list")
        released.locator("button", has_text="Fetch").click()
        fetched = page.locator("#fetched_assignments_list")
        fetched.locator("a.assignment-notebooks-link").wait_for()
        s.shot(page, f"{fixture}-fetched")
        _open_notebook(page, fetched)
        _fill(page, fixture)
        s.shot(page, f"{fixture}-filled")
        page.locator(".validate-button").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=SLOW)
        s.shot(page, f"{fixture}-validated")
        validation = dialog.inner_text()
        if fixture == "partly_wrong":
            assert "failed" in validation, validation
        else:  # the hostile answers are right: only their outputs are an attack
            assert "Success" in validation, validation
        dialog.locator("button").last.click()
        _open_assignments(page)
        page.locator("#fetched_assignments_list button", has_text="Submit").click()
        page.locator("#submitted_assignments_list .item_name").filter(
            has_text=re.compile(f"^{course.ASSIGNMENT}$")).first.wait_for(timeout=SLOW)
        s.shot(page, f"{fixture}-submitted")
        page.context.close()

    # 3. the instructor collects and autogrades with formgrader's button ----
    teacher.goto(s.user_url(s.instructor, "formgrader"))
    row = teacher.locator("tr", has_text=course.ASSIGNMENT)
    row.wait_for()
    ok, text = _formgrader_action(teacher, row, "cloud-download")
    s.shot(teacher, "instructor-collected")
    assert ok, text
    _close_modal(teacher)
    teacher.goto(s.user_url(s.instructor, f"formgrader/manage_submissions/{course.ASSIGNMENT}"))
    for student in s.students:
        line = teacher.locator("tr", has_text=student)
        line.wait_for()
        line.locator("td.autograde a").click()
        modal = teacher.locator("#success-modal, #error-modal")
        modal.wait_for(timeout=SLOW)
        assert teacher.locator("#success-modal").count() == 1, modal.inner_text()
        _close_modal(teacher)
    teacher.reload()
    for student in s.students:
        teacher.locator("tr", has_text=student).locator("td", has_text="/").first.wait_for()
    s.shot(teacher, "instructor-autograded")
    for student, fixture in s.students.items():
        cells = teacher.locator("tr", has_text=student).locator("td").all_inner_texts()
        score = next(c for c in cells if re.fullmatch(r"\s*[\d.]+ / [\d.]+\s*", c))
        earned, total = (float(x) for x in score.split("/"))
        s.formgrader_scores[student] = earned
        assert (earned, total) == (_points(fixture), _total()), (student, fixture, score)

    # graded in the instructor's own server, as the instructor, sandboxed,
    # with a group per submission under the delegated one
    status_dir = s.course_root() / "grading_status" / course.ASSIGNMENT
    for student in s.students:
        record = json.loads((status_dir / f"{student}.json").read_text())
        assert record.get("state", "graded") != "failed", record
        assert record["peak_memory_bytes"] > 0 if "peak_memory_bytes" in record else True
    assert pwd.getpwuid(os.stat(s.course_root() / "gradebook.db").st_uid).pw_name == s.instructor

    # ./course grade on a copy of the collected class: the same scores
    copy = Path(pwd.getpwnam(s.instructor).pw_dir) / "regrade"
    subprocess.run(["runuser", "-u", s.instructor, "--", "mkdir", str(copy)], check=True)
    for item in ("source", "nbgrader_config.py", "submitted"):
        subprocess.run(["runuser", "-u", s.instructor, "--", "cp", "-r",
                        str(s.course_root() / item), str(copy / item)], check=True)
    done = subprocess.run(
        ["runuser", "-u", s.instructor, "--", str(s.hub.venv / "bin" / "python"), "-m",
         "gccourse", "grade", "--course", str(copy), "--workers", "2", "--no-feedback"],
        capture_output=True, text=True, timeout=600, cwd="/",
        env={"PATH": f"{s.hub.venv / 'bin'}:/usr/bin:/bin", "HOME": str(copy.parent),
             "JUPYTER_CONFIG_PATH": str(s.hub.etc)})
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(copy / "gradebook.db") as db:
        rows = dict(db.execute(
            "select submitted_assignment.student_id, sum(coalesce(grade.manual_score, grade.auto_score)) "
            "from grade join submitted_notebook on grade.notebook_id = submitted_notebook.id "
            "join submitted_assignment on submitted_notebook.assignment_id = submitted_assignment.id "
            "group by submitted_assignment.student_id").fetchall())
    assert rows == s.formgrader_scores, (rows, s.formgrader_scores)

    # 4. the hostile submission in formgrader: no script of it runs ---------
    hostile = next(st for st, f in s.students.items() if f == "hostile")
    dialogs = []
    teacher.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    teacher.goto(s.user_url(s.instructor, f"formgrader/manage_students/{hostile}/{course.ASSIGNMENT}"))
    teacher.locator("a", has_text=course.NOTEBOOK).first.click()
    teacher.wait_for_load_state("networkidle")
    teacher.wait_for_timeout(2000)
    s.shot(teacher, "instructor-opens-hostile")
    ran = teacher.evaluate(f"""() => Object.keys(window).filter(k => k.startsWith("{MARK}"))""")
    html = teacher.content()
    assert not ran and not dialogs
    assert not re.search(rf"<script[^>]*>[^<]*{MARK}", html)
    assert not re.search(rf"on\w+\s*=\s*[\"']?{MARK}", html)

    # 5. feedback: generated and released in formgrader, fetched by students
    teacher.goto(s.user_url(s.instructor, "formgrader"))
    row = teacher.locator("tr", has_text=course.ASSIGNMENT)
    row.wait_for()
    for glyph in ("comment", "envelope"):
        ok, text = _formgrader_action(teacher, row, glyph)
        assert ok, text
        _close_modal(teacher)
    s.shot(teacher, "instructor-released-feedback")
    for student, fixture in s.students.items():
        page = s.login(student)
        _open_assignments(page)
        page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").click()
        page.locator("#submitted_assignments_list a", has_text="view feedback").wait_for(timeout=SLOW)
        s.shot(page, f"{fixture}-fetched-feedback")
        home = Path(pwd.getpwnam(student).pw_dir)
        pages = list((home / course.ASSIGNMENT / "feedback").rglob(f"{course.NOTEBOOK}.html"))
        assert len(pages) == 1, pages
        text = pages[0].read_text()
        assert f"Score: {_points(fixture):g}" in text or f"{_points(fixture):g} / {_total()}" in text, \
            fixture
        assert "check_" not in text and "gccourse" not in text and "### BEGIN HIDDEN" not in text
        if fixture == "partly_wrong":
            assert "one-sided" in text.lower() or "one sided" in text.lower()
        relative = pages[0].relative_to(home)
        page.goto(s.user_url(student, f"files/{relative}"))
        page.wait_for_load_state()
        s.shot(page, f"{fixture}-reads-feedback")
        page.context.close()


def _open_notebook(page, fetched):
    """Open the fetched notebook from the Assignments panel."""
    fetched.locator("a.assignment-notebooks-link").click()
    link = fetched.locator("a", has_text=re.compile(f"^{course.NOTEBOOK}$"))
    link.wait_for()
    link.click()
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=SLOW)
    page.wait_for_timeout(1000)
