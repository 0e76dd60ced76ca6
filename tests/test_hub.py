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
def private_checkout():
    """The checkout holds every answer: the hub refuses one that other
    accounts can read, so it is private while these tests run."""
    mode = ROOT.stat().st_mode
    os.chmod(ROOT, mode & ~0o007)
    try:
        yield
    finally:
        os.chmod(ROOT, mode)


@pytest.fixture(scope="module")
def semester(private_checkout):
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
    hub = course_hub.make_hub(prefix, [instructor], list(students), group=f"gkt-group-{tag}")
    before = _host_state()
    try:
        passwords = course_hub.set_up(hub, log=lambda *a: None)
        delegated = Path("/sys/fs/cgroup/memory") / f"gradekit-{instructor}"
        assert int((delegated / "memory.max_usage_in_bytes").read_text()) == 0
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
    import grp
    accounts = sorted(entry.pw_name for entry in pwd.getpwall())
    groups = sorted(entry.gr_name for entry in grp.getgrall())
    cgroups = sorted(str(p) for p in Path("/sys/fs/cgroup").glob("*/gradekit-*"))
    return accounts, groups, cgroups


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

    # graded in the instructor's own server, as the instructor: the gradebook
    # is theirs, and the submissions' processes ran in groups below the one
    # delegated to them (its memory high-water mark counts its children's)
    assert pwd.getpwuid(os.stat(s.course_root() / "gradebook.db").st_uid).pw_name == s.instructor
    servers = subprocess.run(["pgrep", "-u", s.instructor, "-f", "jupyterhub-singleuser"],
                             capture_output=True, text=True).stdout.split()
    assert servers, "the instructor's server is not running as the instructor"
    delegated = Path("/sys/fs/cgroup/memory") / f"gradekit-{s.instructor}"
    assert int((delegated / "memory.max_usage_in_bytes").read_text()) > 10 * 2 ** 20
    assert not [p for p in delegated.iterdir() if p.is_dir()], "a submission's group was left"

    # ./course grade on a copy of the collected class: the same scores
    copy = Path(pwd.getpwnam(s.instructor).pw_dir) / "regrade"
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    subprocess.run([runuser, "-u", s.instructor, "--", "mkdir", str(copy)], check=True)
    for item in ("source", "nbgrader_config.py", "submitted"):
        subprocess.run([runuser, "-u", s.instructor, "--", "cp", "-r",
                        str(s.course_root() / item), str(copy / item)], check=True)
    done = subprocess.run(
        [runuser, "-u", s.instructor, "--", str(s.hub.venv / "bin" / "python"), "-m",
         "gccourse", "grade", "--course", str(copy), "--workers", "2", "--no-feedback"],
        capture_output=True, text=True, timeout=600, cwd="/",
        env={"PATH": f"{s.hub.venv / 'bin'}:/usr/bin:/bin", "HOME": str(copy.parent),
             # as in a terminal of the instructor's JupyterLab
             "JUPYTER_CONFIG_PATH": f"{s.hub.user_config(s.instructor)}:{s.hub.etc}"})
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
    teacher.get_by_text('_attack("definition")').first.scroll_into_view_if_needed()
    s.shot(teacher, "instructor-opens-hostile")
    ran = teacher.evaluate(f"""() => Object.keys(window).filter(k => k.startsWith("{MARK}"))""")
    html = teacher.content()
    assert not ran and not dialogs
    assert not re.search(rf"<script[^>]*>[^<]*{MARK}", html)
    assert not re.search(rf"on\w+\s*=\s*[\"']?{MARK}", html)

    # a link a student sends the instructor: an id that closes formgrader's
    # script string (stock nbgrader runs it; gradekit.formgrader_guard)
    teacher.goto(s.user_url(s.instructor, "formgrader/manage_students/"
                            f"%22;window.{MARK}_link=1;%22/{course.ASSIGNMENT}"))
    teacher.wait_for_load_state("networkidle")
    s.shot(teacher, "instructor-follows-a-students-link")
    assert teacher.evaluate(f"() => window.{MARK}_link") is None
    assert not dialogs

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
        assert f"Score: {_points(fixture):.1f} / {_total():.1f}" in text, fixture
        assert "hidden_checks" not in text and "gccourse" not in text and "BEGIN HIDDEN" not in text
        if fixture == "partly_wrong":  # the diagnosis of its gradient_check_n
            assert "this looks like a one-sided difference" in text
        relative = pages[0].relative_to(home)
        page.goto(s.user_url(student, f"files/{relative}"))
        page.wait_for_load_state()
        s.shot(page, f"{fixture}-reads-feedback")
        if fixture == "partly_wrong":
            page.get_by_text("this looks like a one-sided difference").first.scroll_into_view_if_needed()
            s.shot(page, f"{fixture}-reads-a-diagnosis")
        page.context.close()


def _open_notebook(page, fetched):
    """Open the fetched notebook from the Assignments panel."""
    fetched.locator("a.assignment-notebooks-link").click()
    link = fetched.locator("a", has_text=re.compile(f"^{course.NOTEBOOK}$"))
    link.wait_for()
    link.click()
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=SLOW)
    page.wait_for_timeout(1000)


HOSTILE_SCRIPT = ROOT / "tests" / "hostile" / "hub" / "refused_reaching_past_the_own_account.sh"


def _digest(folder):
    import hashlib
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        digest.update(str(path).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_a_student_reaches_nothing_past_their_own_account(semester):
    """Run after the semester: every line of the attack fails, as the
    hostile student, and the instructor's course, the neighbour's work, the
    exchange and the delegated group are as they were."""
    s = semester
    hostile = next(st for st, f in s.students.items() if f == "hostile")
    neighbour = next(st for st, f in s.students.items() if f == "correct")
    instructor_home = Path(pwd.getpwnam(s.instructor).pw_dir)
    values = {
        "instructor_home": instructor_home,
        "neighbour_home": pwd.getpwnam(neighbour).pw_dir,
        "exchange": s.hub.exchange, "course_id": course_hub.COURSE_ID,
        "cgroup": Path("/sys/fs/cgroup/memory") / f"gradekit-{s.instructor}",
        "answers": next(iter(s.hub.private_packages)),
        "checkout": ROOT,
    }
    watched = [s.course_root(), Path(values["neighbour_home"]) / course.ASSIGNMENT, s.hub.exchange]
    before = [_digest(folder) for folder in watched]
    limit = (values["cgroup"] / "memory.limit_in_bytes").read_text()
    assert (s.hub.exchange / course_hub.COURSE_ID / "outbound").is_dir()
    inbound = (s.hub.exchange / course_hub.COURSE_ID / "inbound").stat()
    assert inbound.st_mode & 0o7777 == 0o1733  # hand in; no listing, no removing another's
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    attempts = [line for line in HOSTILE_SCRIPT.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert len(attempts) >= 10
    for line in attempts:
        command = line.format(**values)
        done = subprocess.run([runuser, "-u", hostile, "--", "sh", "-c", command],
                              capture_output=True, text=True, timeout=30, cwd="/")
        assert done.returncode != 0, f"as a student, this worked: {command}"
    assert [_digest(folder) for folder in watched] == before
    assert (values["cgroup"] / "memory.limit_in_bytes").read_text() == limit
    assert not Path("/tmp/stolen.db").exists()
    assert s.formgrader_scores, "the semester test did not run first"


def test_course_hub_starts_with_printed_passwords_and_stops_cleanly(private_checkout):
    """`./course hub`: the demo accounts' printed passwords log in (PAM, as
    the hub checks them), the hub answers, and Ctrl-C stops it, removing the
    accounts, their processes and their control groups."""
    import signal
    import sys
    import time
    import urllib.request
    prefix = Path(tempfile.mkdtemp(prefix="gradekit-course-hub-"))
    os.chmod(prefix, 0o755)
    port = free_port()
    before = _host_state()
    process = subprocess.Popen(
        [sys.executable, "-m", "gccourse", "hub", "--prefix", str(prefix), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        cwd=ROOT)
    try:
        lines, deadline = [], time.monotonic() + 600
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        output = "".join(lines)
        assert "Press Ctrl-C" in output, output
        passwords = dict(re.findall(r"^\s+(gk-\S+)\s+(\S+)\s", output, re.MULTILINE))
        assert sorted(passwords) == sorted([course_hub.INSTRUCTOR, *course_hub.STUDENTS])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/health", timeout=10) as answer:
            assert answer.status == 200
        for user, password in passwords.items():
            checked = subprocess.run(
                [str(prefix / "venv" / "bin" / "python"), "-c",
                 "import pamela, sys; pamela.authenticate(sys.argv[1], sys.argv[2])",
                 user, password], capture_output=True, text=True)
            assert checked.returncode == 0, checked.stderr
        uids = [pwd.getpwnam(user).pw_uid for user in passwords]
        os.killpg(process.pid, signal.SIGINT)
        rest, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output + rest
        assert "stopping" in rest
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(prefix, ignore_errors=True)
    assert _host_state() == before
    for uid in uids:  # the accounts are gone: look their processes up by number
        assert subprocess.run(["pgrep", "-U", str(uid)], capture_output=True).returncode == 1
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/health", timeout=5)


def test_the_hub_refuses_a_checkout_others_can_read(tmp_path, monkeypatch):
    """Every answer is in the checkout: a hub installed from one that other
    accounts can enter would hand them to every student."""
    from gradekit.hub import HubError, others_can_enter
    checkout = Path(tempfile.mkdtemp(prefix="gradekit-checkout-"))  # in /tmp: open to all
    try:
        os.chmod(checkout, 0o755)
        assert others_can_enter(checkout)
        monkeypatch.setattr(course_hub.course, "ROOT", checkout)
        hub = course_hub.make_hub(tmp_path / "prefix", ["gkt-never-made"], [])
        with pytest.raises(HubError, match="make it private first"):
            course_hub.set_up(hub, log=lambda *a: None)
        os.chmod(checkout, 0o750)
        assert not others_can_enter(checkout)
    finally:
        shutil.rmtree(checkout)
    assert not (tmp_path / "prefix").exists()
    with pytest.raises(KeyError):
        pwd.getpwnam("gkt-never-made")


def test_the_hub_refuses_a_prefix_another_account_could_prepare(tmp_path):
    """Root runs what it finds in the hub's folder: a --prefix in a folder
    another account owns or may write is refused before anything runs."""
    from gradekit.hub import HubError, _check_root_only
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)  # writable by everyone, not sticky
    with pytest.raises(HubError, match="changed by other accounts"):
        _check_root_only(shared / "gkhub")
    owned = tmp_path / "owned"
    owned.mkdir()
    os.chown(owned, pwd.getpwnam("nobody").pw_uid, -1)
    with pytest.raises(HubError, match="not a folder of root's"):
        _check_root_only(owned / "gkhub")
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    with pytest.raises(HubError, match="not a folder of root's"):
        _check_root_only(link / "gkhub")
    _check_root_only(tmp_path / "fine" / "gkhub")  # root's folders, /tmp sticky
    # and removing such a hub deletes nothing in the folder it was refused
    (shared / "gkhub" / "exchange").mkdir(parents=True)
    (shared / "gkhub" / "exchange" / "theirs.txt").write_text("a file of someone else's")
    course_hub.make_hub(shared / "gkhub", ["gkt-never-made"], []).remove()
    assert (shared / "gkhub" / "exchange" / "theirs.txt").exists()
