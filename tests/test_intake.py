"""Submissions that arrive damaged or misnamed: each is reported clearly by
student and reason, a single misnamed notebook is graded with a warning,
and every submission appears in the grade export with a status."""

import csv
import shutil

import pytest

from conftest import copy_course
from gccourse import catalogue, course, submissions

# Broken submissions graded end to end, beside stock nbgrader (as in test_hardening).
pytestmark = pytest.mark.hostile

FOLDER = ("submitted", "{student}", course.ASSIGNMENT)


def build_class(root):
    """Five students: one as it should be, four as downloads go wrong."""
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    complete = submissions.load(course.DEMO_STUDENTS / "complete.py")
    for student in ("as_it_should_be", "misnamed", "damaged", "extra_file", "no_notebook"):
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, complete, student)
    folder = lambda student: root.joinpath(*FOLDER).as_posix().format(student=student)  # noqa: E731
    notebook = f"{course.NOTEBOOK}.ipynb"
    shutil.move(f"{folder('misnamed')}/{notebook}", f"{folder('misnamed')}/{course.NOTEBOOK} (1).ipynb")
    with open(f"{folder('damaged')}/{notebook}", "w") as handle:
        handle.write('{"cells": [ this is not JSON')
    with open(f"{folder('extra_file')}/my notes.txt", "w") as handle:
        handle.write("remember to check epsilon")
    shutil.os.remove(f"{folder('no_notebook')}/{notebook}")


def grade(tmp_path_factory, stock):
    root = copy_course(tmp_path_factory.mktemp("stock" if stock else "ours") / "course")
    if stock:
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(catalogue.STOCK_AUTOGRADE)
            config.write("\nc.Autograde.pre_convert_hook = None\n"
                         "from nbgrader.plugins import CsvExportPlugin\n"
                         "c.ExportApp.plugin_class = CsvExportPlugin\n")
    build_class(root)
    course.nbgrader(root, "autograde", course.ASSIGNMENT, "--force", check=False)
    course.nbgrader(root, "export", check=False)
    with open(root / "grades.csv") as handle:
        return root, {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return grade(tmp_path_factory, stock=False)


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return grade(tmp_path_factory, stock=True)


def test_a_complete_submission_is_simply_graded(ours):
    _, rows = ours
    assert rows["as_it_should_be"]["score"] == "20.0" and rows["as_it_should_be"]["status"] == "graded"


def test_a_single_misnamed_notebook_is_graded_with_a_warning_not_scored_zero(ours, stock):
    root, rows = ours
    assert rows["misnamed"]["score"] == "20.0"
    assert rows["misnamed"]["status"].startswith("graded with warnings: the notebook was named "
                                                 "'Gradient_Checking (1).ipynb'")
    original = root.joinpath(*FOLDER).as_posix().format(student="misnamed")
    assert (root / original / "Gradient_Checking (1).ipynb").exists()  # nothing lost
    assert stock[1]["misnamed"]["score"] == "0.0"  # stock: silently 0


def test_a_damaged_notebook_fails_with_its_reason_and_is_never_a_plain_zero(ours, stock):
    _, rows = ours
    assert rows["damaged"]["status"].startswith("failed: 'Gradient_Checking.ipynb' is not a "
                                                "readable notebook")
    assert "status" not in stock[1].get("damaged", {})  # stock: a bare 0, or no row at all


def test_extra_files_are_noted(ours):
    _, rows = ours
    assert rows["extra_file"]["score"] == "20.0"
    assert "ignored the extra file 'my notes.txt'" in rows["extra_file"]["status"]


def test_a_folder_without_a_notebook_is_in_the_export_as_failed(ours, stock):
    _, rows = ours
    assert rows["no_notebook"]["status"] == "failed: no notebook was submitted"
    assert "no_notebook" not in stock[1]  # stock: the student simply is not there


def test_every_submitted_folder_has_exactly_one_row_with_a_status(ours):
    root, rows = ours
    folders = sorted(p.name for p in (root / "submitted").iterdir())
    assert sorted(rows) == folders and all(row["status"] for row in rows.values())


def test_intake_compares_with_the_release_where_the_course_directory_puts_it(tmp_path):
    """A course root whose release/ lies outside it (the demo root uses the
    top level's, ../release): intake still finds the expected notebook and
    the released files there, through nbgrader's CourseDirectory."""
    import nbformat
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from gradekit import status
    release = tmp_path / "release" / course.ASSIGNMENT
    release.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), release / f"{course.NOTEBOOK}.ipynb")
    (release / "gc_utils.py").write_text("")
    root = tmp_path / "demo"
    folder = root / "submitted" / "sam" / course.ASSIGNMENT
    folder.mkdir(parents=True)
    misnamed = folder / f"{course.NOTEBOOK} (1).ipynb"
    nbformat.write(nbformat.v4.new_notebook(), misnamed)
    (folder / "gc_utils.py").write_text("")
    (folder / "notes.txt").write_text("")
    config = Config()
    config.CourseDirectory.release_directory = "../release"

    class Converter:
        """What intake looks for in nbgrader's converter: the list of
        notebooks it was given, and the converter's CourseDirectory."""
        def __init__(self):
            self.notebooks = [str(misnamed)]
            self.coursedir = CourseDirectory(config=config, root=str(root))

        def convert(self):
            status.intake(assignment=course.ASSIGNMENT, student="sam", notebooks=self.notebooks)

    converter = Converter()
    converter.convert()
    record = status.load(root, course.ASSIGNMENT, "sam")
    assert record["problems"] == []
    assert record["warnings"] == [
        f"the notebook was named '{course.NOTEBOOK} (1).ipynb'; it was graded as "
        f"'{course.NOTEBOOK}.ipynb'", "ignored the extra file 'notes.txt'"]
    assert converter.notebooks == [str(folder / f"{course.NOTEBOOK}.ipynb")]


@pytest.mark.parametrize("text", ["vandalised", "[1, 2]", "5", ""])
def test_a_status_record_that_is_not_a_record_reads_as_a_new_one(tmp_path, text):
    """Whatever sits where a status record should be (stock nbgrader lets a
    hostile submission write there), reading it never stops grading."""
    from gradekit import status
    path = status.status_path(tmp_path, "gradient_checking", "ann")
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert status.load(tmp_path, "gradient_checking", "ann") == {
        "student": "ann", "problems": [], "warnings": []}
