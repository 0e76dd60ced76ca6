"""The code is split along the trust boundary (see docs/threat-model.md):

* studentside: the only code of ours mounted into the sandbox; it imports
  nothing of the engine or the course, and knows no exercise's answer;
* gradekit: the grading engine, which names no course;
* gccourse: the course's checks (registered by grade_id), its reference
  implementation and its tooling.
"""

import ast

import pytest

from conftest import ROOT


def modules(package):
    return sorted((ROOT / package).rglob("*.py"))


def imported(path):
    """Top-level package names a module imports (absolute imports)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", modules("studentside"), ids=lambda p: p.name)
def test_the_sandbox_side_imports_neither_the_engine_nor_the_course(path):
    assert not imported(path) & {"gradekit", "gccourse", "nbgrader", "nbconvert"}


@pytest.mark.parametrize("path", modules("gradekit"), ids=lambda p: p.name)
def test_the_engine_names_no_course(path):
    assert "gccourse" not in imported(path)
    text = path.read_text()
    for name in ("gradient_check", "Gradient_Checking", "gccourse"):
        assert name not in text, f"{path.name} names {name!r}"


def test_the_sandbox_side_computes_no_answer():
    """The answers live in gccourse.reference (never mounted): the backward
    pass, the relative difference, centred differences. None of their
    definitions is in studentside."""
    from gccourse import reference
    answers = {"backward", "relative_difference", "numerical_gradient", "with_planted_bugs",
               "gradient", "gradients", "centred"}
    defined = {node.name for path in modules("studentside")
               for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert not defined & answers, defined & answers
    assert all(hasattr(reference, name) or hasattr(reference.CubicCost, name) for name in answers)


def test_every_test_cell_of_the_course_has_a_registered_check():
    import nbformat

    from gccourse import course
    from gradekit import harness
    harness.load(["gccourse.checks"])
    notebook = nbformat.read(ROOT / "source" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb", 4)
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(tests) == 6
    for cell in tests:
        check = harness.check_for(cell.metadata["nbgrader"]["grade_id"], cell.source)
        assert check.module == "gccourse.checks"


def test_a_test_cell_without_a_registered_check_stops_the_release(course_copy):
    """Generating the release with a test cell the trusted regrade cannot
    map is an error, not a test that grading silently skips."""
    import nbformat

    from gccourse import course
    path = course_copy / "source" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    notebook = nbformat.read(path, 4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    cell.source = cell.source.replace("check_forward_propagation", "check_something_else")
    nbformat.write(notebook, path)
    output = course.nbgrader(course_copy, "generate_assignment", course.ASSIGNMENT, "--force",
                             check=False)
    assert "must call exactly its registered check" in output
    assert not (course_copy / "release" / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb").exists()
