"""The LMS intake (gradekit.collect, gradekit.unpack): a download of any
archives, any names, collected per file, safely.

Each attack is a builder in tests/hostile/intake/ (see its README), named
by what must happen to it: every one is collected alone here, and all of
them together, in one download next to an honest bystander, graded end to
end by the real command.
"""

import bz2
import csv
import gzip
import importlib.util
import io
import json
import lzma
import os
import re
import stat
import tarfile
import zipfile

import nbformat
import pytest

from conftest import ROOT, gradekit_command
from gccourse import course, submissions
from gccourse.demo import copy_course
from gradekit import collect as intake_module
from gradekit import grading, report as grade_report
from gradekit.collect import IntakeError, arrange, collect
from gradekit.escape import for_spreadsheet, for_terminal
from gradekit.status import StatusCsvExportPlugin
from gradekit.unpack import check_path

INTAKE = ROOT / "tests" / "hostile" / "intake"
NOTEBOOK = f"{course.NOTEBOOK}.ipynb"
ESCAPED = ("gradekit-escaped.txt", "gradekit-escaped-2.txt", "gradekit-absolute.txt",
           "gradekit-windows.txt")
# what no terminal output may hold: C0 (but tab and newline), DEL, C1, bidi controls
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def load_builder(path):
    spec = importlib.util.spec_from_file_location(f"intake_attack_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ATTACKS = {path.stem: load_builder(path) for path in sorted(INTAKE.glob("*.py"))}


@pytest.fixture(scope="module")
def notebook():
    """The bytes of a complete submission (20/20)."""
    release = nbformat.read(ROOT / "release" / course.ASSIGNMENT / NOTEBOOK, 4)
    answers = submissions.load(course.DEMO_STUDENTS / "complete.py")
    return nbformat.writes(submissions.fill(release, answers)).encode()


def download(path, notebook, *attacks, extra=()):
    """An LMS download at ``path`` holding these attacks' files and ``extra``
    (name, bytes) pairs."""
    with zipfile.ZipFile(path, "w") as lms:
        for name in attacks:
            ATTACKS[name].write(lms, notebook)
        for name, data in extra:
            lms.writestr(name, data)
    return path


def snapshot(folder, skip=()):
    """Every path under ``folder`` (but those under ``skip``, relative
    paths) -> (mode, size, mtime) (a folder: its mode)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        relative = os.path.relpath(dirpath, folder)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(relative, d)) not in skip]
        for name in dirnames + filenames:
            info = os.lstat(os.path.join(dirpath, name))
            found[os.path.normpath(os.path.join(relative, name))] = (
                (info.st_mode,) if stat.S_ISDIR(info.st_mode)  # (its entries are compared)
                else (info.st_mode, info.st_size, info.st_mtime_ns))
    return found


def escaped_anywhere(*folders):
    """Files written where a traversal entry of the attacks points."""
    return [os.path.join(d, f) for folder in folders for d, _, files in os.walk(folder)
            for f in files if f in ESCAPED]


def texts(report, student):
    """Everything the report says about ``student`` ("" : files without an id)."""
    return [str(p) for p in report.problems if p.student == student] + \
           [str(s) for s in report.superseded if s.student == student]


def lines_of(text):
    return "\n".join(line.split(": ", 1)[1] for line in text.splitlines() if ": " in line)


def assert_only_plain_files(submitted):
    """Filed files are regular 0o644, folders 0o755, nothing else, no staging left."""
    for dirpath, dirnames, filenames in os.walk(submitted):
        for name in dirnames:
            mode = os.lstat(os.path.join(dirpath, name)).st_mode
            assert stat.S_ISDIR(mode) and stat.S_IMODE(mode) == 0o755, (dirpath, name, oct(mode))
        for name in filenames:
            mode = os.lstat(os.path.join(dirpath, name)).st_mode
            assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o644, (dirpath, name, oct(mode))
    assert not [p for p in os.listdir(submitted) if p.startswith(".")], "staging left behind"


# ---------------------------------------------------------------- each attack alone

@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_alone_is_filed_or_reported_as_its_name_says(attack, notebook, tmp_path):
    builder = ATTACKS[attack]
    root = copy_course(tmp_path / "course")
    archive = download(tmp_path / "download.zip", notebook, attack)
    before = snapshot(tmp_path, skip={"course/submitted", "course/grading_status"})
    report = collect(root, course.ASSIGNMENT, archive)
    assert snapshot(tmp_path, skip={"course/submitted", "course/grading_status"}) == before
    assert not escaped_anywhere(tmp_path.parent) and \
        not any(os.path.exists(f"/tmp/{name}") for name in ESCAPED)
    assert {p.name for p in (root / "grading_status" / course.ASSIGNMENT).iterdir()} <= \
        {"_intake.json", *(f"{s}.json" for s in ["kim", "Kim", builder.UPLOADER] if s)}
    submitted = root / "submitted"
    assert_only_plain_files(submitted)
    assert attack.startswith("filed_" if builder.FILED else "reported_")
    if builder.FILED:
        assert set(report.filed) == {builder.UPLOADER}
        path = submitted / builder.UPLOADER / course.ASSIGNMENT / NOTEBOOK
        assert path.read_bytes() == notebook
    else:
        assert report.filed == {}
        assert os.listdir(submitted) == []
    for other in getattr(builder, "NOT_FILED", []):
        assert not (submitted / other).exists()
    said = texts(report, builder.UPLOADER)
    if builder.REASON:
        assert any(builder.REASON in text for text in said), said
    else:
        assert said == []
    if builder.UPLOADER:
        record = json.loads((root / "grading_status" / course.ASSIGNMENT
                             / f"{builder.UPLOADER}.json").read_text())["lms_intake"]
        kept = record["warnings"] if builder.FILED else record["problems"]
        assert not builder.REASON or any(builder.REASON in text for text in kept), record
        assert builder.FILED or record["problems"], "a student with nothing filed fails"
    run = json.loads((root / "grading_status" / course.ASSIGNMENT / "_intake.json").read_text())
    assert len(run["problems"]) == len(report.problems)


# ---------------------------------------------------------------- particular cases

def test_set_uid_entries_are_written_as_plain_0o644_files(notebook, tmp_path):
    root = copy_course(tmp_path / "course")
    collect(root, course.ASSIGNMENT, download(tmp_path / "d.zip", notebook,
                                              "filed_without_setuid_bits"))
    folder = root / "submitted" / "sam" / course.ASSIGNMENT
    for name in (NOTEBOOK, "run.sh"):
        mode = os.lstat(folder / name).st_mode
        assert stat.S_IMODE(mode) == 0o644 and not mode & (stat.S_ISUID | stat.S_ISGID), oct(mode)


@pytest.mark.parametrize("attack", ["reported_zip_bomb", "reported_gzip_bomb"])
def test_a_bomb_is_refused_after_little_is_written(attack, notebook, tmp_path):
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, download(tmp_path / "d.zip", notebook, attack))
    assert report.bytes_written < 4 * 2 ** 20, report.bytes_written  # of 64 MiB
    assert "zip bomb" in str(report.problems[0])


def test_a_well_compressed_small_notebook_passes_and_the_caps_are_configurable(tmp_path):
    """A notebook of 800 KB of one repeated line compresses hundreds of
    times: under ratio_min_bytes it passes; with a lower minimum it is
    refused; a lower file cap refuses it too."""
    bulky = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)\n" * 45_000)])
    data = nbformat.writes(bulky).encode()
    assert 800_000 < len(data) < 2 ** 20 and len(data) > 100 * len(gzip.compress(data))
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as lms:
        lms.writestr("uma_Gradient_Checking.ipynb", data)
    root = copy_course(tmp_path / "course")
    assert set(collect(root, course.ASSIGNMENT, archive).filed) == {"uma"}
    root = copy_course(tmp_path / "strict")
    report = collect(root, course.ASSIGNMENT, archive, ratio_min_bytes=2 ** 16)
    assert report.filed == {} and "expands more than 100 times" in str(report.problems[0])
    report = collect(copy_course(tmp_path / "small"), course.ASSIGNMENT, archive,
                     max_file_bytes=2 ** 19)
    assert report.filed == {} and "the cap on one file" in str(report.problems[0])
    with pytest.raises(TypeError):
        collect(root, course.ASSIGNMENT, archive, max_everything=1)


def test_a_bomb_in_a_tar_is_refused_while_it_streams(tmp_path):
    """A .tar.gz whose member declares 64 MiB: stopped by the ratio while
    writing (tar members are checked as they stream, like zip entries)."""
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as upload:
        info = tarfile.TarInfo("Gradient_Checking.ipynb")
        info.size = 64 * 2 ** 20
        upload.addfile(info, io.BytesIO(bytes(info.size)))
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w") as lms:
        lms.writestr("tom_hw.tgz", inner.getvalue())
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, archive)
    assert report.filed == {} and "zip bomb" in str(report.problems[0])
    assert report.bytes_written < 4 * 2 ** 20


def test_every_kind_of_archive_is_unpacked_and_a_huge_tar_header_refused(notebook, tmp_path):
    def tar(mode, name="hw/Gradient_Checking.ipynb"):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode=mode, format=tarfile.PAX_FORMAT) as bundle:
            info = tarfile.TarInfo(name)
            info.size = len(notebook)
            bundle.addfile(info, io.BytesIO(notebook))
        return buffer.getvalue()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as bundle:
        bundle.writestr("Gradient_Checking.ipynb", notebook)
    folder = tmp_path / "download"
    folder.mkdir()
    uploads = {"al_hw.tar": tar("w"), "bo_hw.tar.bz2": tar("w:bz2"), "cy_hw.tar.xz": tar("w:xz"),
               "di_hw.tgz": tar("w:gz"), "ed_nb.ipynb.bz2": bz2.compress(notebook),
               "fy_nb.ipynb.xz": lzma.compress(notebook), "gu_hw.zip.gz": gzip.compress(zipped.getvalue()),
               "hal_hw.tar": tar("w", "x" * 100_000 + ".ipynb")}
    for name, data in uploads.items():
        (folder / name).write_bytes(data)
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, folder)
    assert set(report.filed) == {name.split("_")[0] for name in uploads} - {"hal"}
    for student in report.filed:
        assert (root / "submitted" / student / course.ASSIGNMENT / NOTEBOOK).read_bytes() == notebook
    assert [(p.student, p.reason) for p in report.problems] == [
        ("hal", "not filed: a tar header in it is larger than 64 KiB")]


def test_a_download_zipped_as_one_folder_is_read_inside_it(notebook, tmp_path):
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w") as lms:
        lms.writestr("Assignment 1/", b"")
        lms.writestr("Assignment 1/ada_Gradient_Checking.ipynb", notebook)
        lms.writestr("Assignment 1/ben_hw.zip", download(tmp_path / "ben.zip", notebook, extra=[
            ("Gradient_Checking.ipynb", notebook)]).read_bytes())
        lms.writestr("__MACOSX/Assignment 1/._ada_Gradient_Checking.ipynb", b"\0")
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, archive)
    assert set(report.filed) == {"ada", "ben"} and report.problems == []


def test_a_folder_download_with_bad_names_links_and_fifos(notebook, tmp_path):
    """A folder as the download: a name that is not UTF-8 (made with bytes),
    a link and a FIFO (never opened) are reported; the others are filed."""
    folder = tmp_path / "download"
    folder.mkdir()
    (folder / "ada_Gradient_Checking.ipynb").write_bytes(notebook)
    fd = os.open(os.fsencode(folder) + b"/bea_\xff\xfe.ipynb", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, notebook)
    os.close(fd)
    os.symlink(ROOT / "source" / course.ASSIGNMENT / NOTEBOOK, folder / "lou_Gradient_Checking.ipynb")
    os.mkfifo(folder / "fifi_Gradient_Checking.ipynb")
    (folder / "sub").mkdir()
    (folder / "sub" / "sid_Gradient_Checking.ipynb").write_bytes(notebook)
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, folder)
    assert set(report.filed) == {"ada"}
    said = "\n".join(str(p) for p in report.problems)
    assert "'bea_\\xff\\xfe.ipynb': its name is not accepted: it is not valid UTF-8" in said
    assert "symbolic link" in said and "named pipe (FIFO)" in said and "is a folder" in said
    assert {p.student for p in report.problems} == {"", "lou", "fifi"}
    assert_only_plain_files(root / "submitted")


def test_several_uploads_keep_the_newest_by_the_timestamp_group(notebook, tmp_path):
    """The pattern's timestamp wins over the download's dates (which say the
    opposite here); attempt 10 comes after attempt 9 when only names tell."""
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w") as lms:
        lms.writestr(zipfile.ZipInfo("amy_20240301T100000_a.ipynb", (2020, 1, 1, 0, 0, 0)), notebook)
        lms.writestr(zipfile.ZipInfo("amy_20240201T100000_b.ipynb", (2024, 12, 1, 0, 0, 0)), b"old")
        lms.writestr(zipfile.ZipInfo("bo_19990101T000000_attempt 10.ipynb", (2024, 1, 1, 0, 0, 0)),
                     notebook)
        lms.writestr(zipfile.ZipInfo("bo_19990101T000000_attempt 9.ipynb", (2024, 1, 1, 0, 0, 0)),
                     b"old")
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, archive,
                     pattern=r"(?P<student_id>[^_]+)_(?P<timestamp>\d{8}T\d{6})_(?P<file_id>.+)")
    for student in ("amy", "bo"):
        assert (root / "submitted" / student / course.ASSIGNMENT / NOTEBOOK).read_bytes() == notebook
    rules = {s.student: (s.kept, s.ignored, s.rule) for s in report.superseded}
    assert rules["amy"] == ("amy_20240301T100000_a.ipynb", ["amy_20240201T100000_b.ipynb"],
                            "the time in its name")
    assert rules["bo"][0] == "bo_19990101T000000_attempt 10.ipynb"
    record = json.loads((root / "grading_status" / course.ASSIGNMENT / "amy.json").read_text())
    assert record["lms_intake"]["problems"] == []
    assert "2 uploads: filed 'amy_20240301T100000_a.ipynb'" in record["lms_intake"]["warnings"][0]


def test_a_previous_submission_is_replaced_and_a_planted_link_is_not_followed(notebook, tmp_path):
    root = copy_course(tmp_path / "course")
    old = root / "submitted" / "ada" / course.ASSIGNMENT
    old.mkdir(parents=True)
    (old / "old draft.ipynb").write_text("{}")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / course.ASSIGNMENT).mkdir(parents=True)
    (elsewhere / course.ASSIGNMENT / "keep.txt").write_text("not the intake's")
    os.symlink(elsewhere, root / "submitted" / "ben")
    stale = root / "submitted" / ".lms-intake-crashed"
    stale.mkdir()
    (stale / "left.txt").write_text("from a run that was killed")
    archive = download(tmp_path / "d.zip", notebook,
                       extra=[("ada_Gradient_Checking.ipynb", notebook),
                              ("ben_Gradient_Checking.ipynb", notebook)])
    collect(root, course.ASSIGNMENT, archive)
    assert sorted(os.listdir(old)) == [NOTEBOOK]
    assert not (root / "submitted" / "ben").is_symlink()
    assert (elsewhere / course.ASSIGNMENT / "keep.txt").read_text() == "not the intake's"
    assert sorted(os.listdir(root / "submitted")) == ["ada", "ben"]
    assert_only_plain_files(root / "submitted")


def test_unreadable_and_clashing_entries_inside_an_upload_are_left_out(notebook, tmp_path):
    """Inside an upload, a damaged nested archive, a second entry that
    differs only in case, and an encrypted entry are each left out with a
    warning (what the damaged archive had unpacked is removed); the
    notebook is filed."""
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as inner:
        inner.writestr("data.txt", "kept")
    truncated = io.BytesIO()
    with tarfile.open(fileobj=truncated, mode="w:gz") as inner:
        info = tarfile.TarInfo("part.txt")
        info.size = 100_000
        inner.addfile(info, io.BytesIO(os.urandom(100_000)))
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as bundle:
        bundle.writestr("Gradient_Checking.ipynb", notebook)
        bundle.writestr("good.zip", good.getvalue())
        bundle.writestr("broken.zip", b"PK\x03\x04 not really")
        bundle.writestr("cut.tar.gz", truncated.getvalue()[:20_000])
        bundle.writestr("Notes.txt", "first")
        bundle.writestr("notes.TXT", "second")
        bundle.writestr("secret.txt", "marked encrypted below")
    data = bytearray(upload.getvalue())
    for at in [m.start() for m in re.finditer(b"secret.txt", data)]:  # zipfile writes no such flag
        for signature, header, flags in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
            if data[at - header:at - header + 4] == signature:
                data[at - header + flags] |= 0x1
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w") as lms:
        lms.writestr("ivy_hw.zip", bytes(data))
    root = copy_course(tmp_path / "course")
    report = collect(root, course.ASSIGNMENT, archive)
    assert report.filed == {"ivy": [NOTEBOOK, "Notes.txt", "good/data.txt"]}
    said = {p.entry: p.reason for p in report.problems}
    assert "not a readable zip archive" in said["broken.zip"]
    assert "not a readable tar archive" in said["cut.tar.gz"]
    assert not (root / "submitted" / "ivy" / course.ASSIGNMENT / "cut").exists()
    assert "same but for case" in said["notes.TXT"] and "encrypted" in said["secret.txt"]
    assert_only_plain_files(root / "submitted")


def test_a_download_that_cannot_be_read_stops_the_command_with_one_clear_line(tmp_path):
    root = copy_course(tmp_path / "course")
    (tmp_path / "download.zip").write_bytes(b"\x1b[2J not a zip")
    result = gradekit_command("grade", "--course", str(root), "--zip", str(tmp_path / "download.zip"),
                              timeout=300)
    assert result.returncode == 1
    assert "cannot read the archive" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "autograded").exists()


def test_staging_is_removed_when_filing_fails(notebook, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("the disk went away")
    monkeypatch.setattr(intake_module, "_replace", broken)
    root = copy_course(tmp_path / "course")
    archive = download(tmp_path / "d.zip", notebook, extra=[("ada_Gradient_Checking.ipynb", notebook)])
    with pytest.raises(RuntimeError):
        collect(root, course.ASSIGNMENT, archive)
    assert os.listdir(root / "submitted") == []


def test_an_unreadable_download_is_a_clear_error(tmp_path):
    root = copy_course(tmp_path / "course")
    (tmp_path / "download.zip").write_bytes(b"this is not a zip file at all")
    with pytest.raises(IntakeError, match="it is not a readable zip file"):
        collect(root, course.ASSIGNMENT, tmp_path / "download.zip")
    with pytest.raises(IntakeError, match="no group student_id"):
        collect(root, course.ASSIGNMENT, tmp_path, pattern=r"(?P<who>.+)")
    with pytest.raises(IntakeError, match="no such archive"):
        collect(root, course.ASSIGNMENT, tmp_path / "missing.zip")


@pytest.mark.parametrize("name, reason", [
    ("a/b.ipynb", None),
    ("hw\\b.ipynb", None),
    ("../b.ipynb", "climbs out"),
    ("a/../../b.ipynb", "climbs out"),
    ("/etc/passwd", "absolute"),
    ("C:\\Windows\\x", "absolute"),
    ("a\x1b[2J.ipynb", "control character"),
    ("a\u202eb.ipynb", "control character"),
    ("a\x9b1m.ipynb", "control character"),
    ("a\udcff.ipynb", "not valid UTF-8"),
    ("x" * 256, "longer than 255 bytes"),
    ("é" * 128, "longer than 255 bytes"),
    ("/".join(["a"] * 40), "too long a path"),
])
def test_entry_names_are_checked(name, reason):
    parts, why = check_path(name)
    if reason is None:
        assert why is None and parts == ["a" if name.startswith("a") else "hw", "b.ipynb"]
    else:
        assert parts is None and reason in why


def test_which_notebook_of_several_is_filed():
    released = [NOTEBOOK]
    placement, notes, problem = arrange(["hw/draft.ipynb", "hw/Gradient_Checking.ipynb",
                                         "hw/data.csv"], released)
    assert problem is None and placement == {"hw/Gradient_Checking.ipynb": NOTEBOOK,
                                             "hw/data.csv": "data.csv"}
    assert notes[0][0] == "hw/draft.ipynb"
    placement, _, _ = arrange(["my homework (2).ipynb"], released)
    assert placement == {"my homework (2).ipynb": NOTEBOOK}
    assert "none is named" in arrange(["a.ipynb", "b.ipynb"], released)[2]
    assert "no notebook" in arrange(["notes.txt"], released)[2]
    placement, notes, _ = arrange(["x/One.ipynb", "Two.ipynb", "y/One.ipynb"], ["One.ipynb", "Two.ipynb"])
    assert placement == {"Two.ipynb": "Two.ipynb", "x/One.ipynb": "One.ipynb"} and len(notes) == 1


# ---------------------------------------------------------------- what is shown

def test_terminal_text_is_escaped_and_spreadsheet_cells_neutralised():
    hostile = "a\x1b[2J\rb\x07\x7f\x9b\u202e\u2066c\udcffd\n"
    shown = for_terminal(hostile)
    assert not RAW_CONTROL.search(shown) and "\n" not in shown
    assert shown == "a\\x1b[2J\\x0db\\x07\\x7f\\x9b\\u202e\\u2066c\\xffd\\x0a"
    assert for_terminal(shown) == shown
    assert for_terminal("one\ntwo\x1b", newlines=True) == "one\ntwo\\x1b"
    assert [for_spreadsheet(v) for v in ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", None]] \
        == ["'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok", ""]
    assert for_spreadsheet("-0.5", numeric=True) == "-0.5"
    assert for_spreadsheet("-1+cmd", numeric=True) == "'-1+cmd"


def test_the_summary_escapes_ids_and_statuses():
    outcome = grading.Outcome(student="eve\x1b[2J", graded=False, seconds=1.0, worker="w\x1b",
                              status="failed: \x1b]0;owned\x07 \u202eevil")
    summary = grading.Report(outcomes=[outcome]).summary()
    assert not RAW_CONTROL.search(summary)
    assert "eve\\x1b[2J: \\x1b]0;owned\\x07 \\u202eevil" in summary


def test_the_grade_export_quotes_every_field_and_starts_no_formula(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    from traitlets.config import Config
    monkeypatch.setenv("PATH", course.environment()["PATH"])  # a new gradebook runs alembic
    root = copy_course(tmp_path / "course")
    hostile = ['=HYPERLINK("http://x","y")', "a,b", "+1", "@SUM(A1)", "-2+3", "tab\tin"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment(course.ASSIGNMENT)
        for student in hostile:
            gradebook.add_student(student, first_name="=cmd|' /C calc'!A0", last_name="Doe, Jr.")
        target = root / "grades.csv"
        StatusCsvExportPlugin(config=Config({"CourseDirectory": {"root": str(root)}}),
                              to=str(target)).export(gradebook)
    text = target.read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(hostile) + 1 and {len(row) for row in rows} == {12}
    assert all(line.startswith('"') for line in text.splitlines())
    for row in rows[1:]:
        assert not any(field.startswith(("=", "+", "-", "@", "\t", "\r")) for field in row), row
        assert [float(field) for field in row[7:11]] == [0.0] * 4  # numbers stay numbers
    assert sorted(row[3] for row in rows[1:]) == sorted("'" + s if s[0] in "=+-@" else s
                                                         for s in hostile)


# ---------------------------------------------------------------- end to end

BYSTANDER = "ada"
PLANTED = "=1+1,\x1b[2Jx"   # a folder another route (the exchange) put in submitted/


@pytest.fixture(scope="module")
def graded_download(tmp_path_factory, notebook):
    """Every attack in one download next to an honest bystander, collected
    and graded by ``python -m gccourse grade --zip``, once."""
    tmp = tmp_path_factory.mktemp("lms")
    root = copy_course(tmp / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    archive = download(tmp / "download.zip", notebook, *sorted(ATTACKS),
                       extra=[(f"{BYSTANDER}_Gradient_Checking.ipynb", notebook),
                              ("README.txt", b"not a submission")])
    (root / "submitted" / PLANTED / course.ASSIGNMENT).mkdir(parents=True)
    result = gradekit_command("grade", "--course", str(root), "--zip", str(archive),
                              "--workers", "2", "--no-feedback", timeout=900)
    with open(root / "grades.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    return root, result, rows


@pytest.mark.cluster
@pytest.mark.hostile
def test_end_to_end_the_run_succeeds_and_the_bystander_earns_full_marks(graded_download):
    root, result, _ = graded_download
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    _, table = grade_report.grade_table(grading.default_db_url(root), course.ASSIGNMENT)
    points = {row["student"]: sum(row["scores"].values()) for row in table}
    assert points[BYSTANDER] == 20
    for name, builder in ATTACKS.items():
        if builder.FILED:
            assert points[builder.UPLOADER] == 20, name
    filed = {b.UPLOADER for b in ATTACKS.values() if b.FILED} | {BYSTANDER, PLANTED}
    assert set(os.listdir(root / "submitted")) == filed
    assert not escaped_anywhere(root.parent) and \
        not any(os.path.exists(f"/tmp/{name}") for name in ESCAPED)


@pytest.mark.cluster
@pytest.mark.hostile
def test_end_to_end_every_bad_file_is_reported_per_file_in_the_summary(graded_download):
    root, result, _ = graded_download
    lines = result.stdout.splitlines()
    for name, builder in ATTACKS.items():
        if not builder.REASON:
            continue
        who = f"    {builder.UPLOADER}: " if builder.UPLOADER else "    (no student id): "
        assert any(line.startswith(who) and builder.REASON in line for line in lines), name
    assert any(line.startswith("    (no student id): 'README.txt'") for line in lines)
    run = json.loads((root / "grading_status" / course.ASSIGNMENT / "_intake.json").read_text())
    for problem in run["problems"]:  # each one, on its own line
        assert for_terminal(str(intake_module.Problem(**problem))) in lines_of(result.stdout)


@pytest.mark.cluster
@pytest.mark.hostile
def test_end_to_end_the_terminal_output_holds_no_control_characters(graded_download):
    _, result, _ = graded_download
    output = result.stdout + result.stderr
    assert not RAW_CONTROL.search(output), RAW_CONTROL.findall(output)
    assert "\\x1b[2J\\x1b[31mall graded\\x0d\\u202eevil_x.ipynb" in result.stdout
    assert for_terminal(PLANTED) + ": " in result.stdout  # the planted id's outcome, escaped


@pytest.mark.cluster
@pytest.mark.hostile
def test_end_to_end_grades_csv_has_even_rows_no_formula_and_a_status_per_file(graded_download):
    _, _, rows = graded_download
    header, body = rows[0], rows[1:]
    assert {len(row) for row in rows} == {len(header)}
    assert not any(field.startswith("=") for row in rows for field in row)
    by_id = {row[header.index("student_id")]: row for row in body}
    status = {student: row[header.index("status")] for student, row in by_id.items()}
    assert status[BYSTANDER] == "graded"
    assert "'" + PLANTED in status and status["'" + PLANTED].startswith("failed")
    for name, builder in ATTACKS.items():
        if not builder.UPLOADER:
            continue
        said = status[builder.UPLOADER]
        if builder.FILED:
            assert float(by_id[builder.UPLOADER][header.index("score")]) == 20.0, name
            assert said.startswith("graded") and builder.REASON in said, (name, said)
        else:
            assert said.startswith("failed: LMS intake: ") and builder.REASON in said, (name, said)
    for builder in ATTACKS.values():
        for other in getattr(builder, "NOT_FILED", []):
            assert other not in status or status[other].startswith("failed: LMS intake")


def test_the_demo_root_files_uploads_by_the_release_it_shares(notebook, tmp_path):
    """The demo's course root has no release/ of its own: its
    nbgrader_config.py points at the top level's. An upload under another
    name is still filed under the released notebook's name."""
    folder = tmp_path / "download"
    folder.mkdir()
    (folder / "sam_my homework.ipynb").write_bytes(notebook)
    root = copy_course(tmp_path / "course") / course.DEMO
    report = collect(root, course.ASSIGNMENT, folder)
    assert set(report.filed) == {"sam"} and not report.problems
    assert (root / "submitted" / "sam" / course.ASSIGNMENT / NOTEBOOK).read_bytes() == notebook
