"""release/ is exactly what nbgrader generates from source/, leaks nothing,
and shows students course-style stubs."""

import filecmp
import re

import pytest

from conftest import RELEASE_NOTEBOOK, ROOT, SOURCE_NOTEBOOK, read, validate
from gccourse import course
from gccourse.submissions import grade_id

RELEASE = ROOT / "release" / course.ASSIGNMENT


def differing_files(left, right):
    """Relative paths that differ between two folders, or exist in one only."""
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__", ".ipynb_checkpoints"])
    found = [*comparison.left_only, *comparison.right_only]
    found += [name for name in comparison.common_files
              if not filecmp.cmp(left / name, right / name, shallow=False)]
    for name in comparison.common_dirs:
        found += [f"{name}/{sub}" for sub in differing_files(left / name, right / name)]
    return sorted(found)


def test_release_is_what_generate_assignment_makes_from_source(course_copy):
    course.nbgrader(course_copy, "generate_assignment", course.ASSIGNMENT, "--force")
    stale = differing_files(RELEASE, course_copy / "release" / course.ASSIGNMENT)
    assert not stale, f"release/ is stale, run ./course release: {stale}"


def _regions(source, begin, end):
    """Lines inside begin/end marker pairs (marker lines excluded)."""
    lines, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line or (begin == "BEGIN SOLUTION" and "RELEASE WITH" in line):
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


def _secret_lines():
    """Every meaningful line of a solution region or hidden test in source/."""
    secret = set()
    for cell in read(SOURCE_NOTEBOOK).cells:
        secret.update(_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION"))
        secret.update(_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
    return {line for line in secret if line and not line.startswith("#")}


def test_no_solution_or_hidden_test_line_appears_anywhere_in_the_release():
    secret = _secret_lines()
    assert len(secret) > 30  # the extraction itself works
    leaks = []
    for path in RELEASE.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".ipynb":
                text = "\n".join(cell.source for cell in read(path).cells)
            for line in text.split("\n"):
                if line.strip() in secret:
                    leaks.append(f"{path.name}: {line.strip()}")
    assert not leaks, leaks


def test_release_has_no_solution_or_hidden_test_markers():
    text = RELEASE_NOTEBOOK.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "RELEASE WITH",
                   "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "gradekit"):
        assert marker not in text


def answer_cells(notebook):
    return {grade_id(c): c for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


EXERCISES = ["forward_propagation", "backward_propagation", "gradient_check",
             "gradient_check_n", "difference_per_parameter"]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_exercise_ships_as_start_code_here_stubs_with_none_placeholders(exercise):
    cell = answer_cells(read(RELEASE_NOTEBOOK))[exercise]
    assert cell.source.startswith(f"def {exercise}(")
    blocks = re.findall(r"### START CODE HERE ### \(approx\. (\d+) lines?\)\n(.*?)\n\s*### END CODE HERE ###",
                        cell.source, flags=re.S)
    assert blocks
    for count, body in blocks:
        lines = body.split("\n")
        assert len(lines) == int(count)
        assert all(re.fullmatch(r"\s*[\w\[\], ]+ = None(  #.*)?", line) for line in lines), lines


def test_stubs_name_every_placeholder_of_the_original_course():
    source = answer_cells(read(RELEASE_NOTEBOOK))["gradient_check"].source
    for name in ["thetaplus", "thetaminus", "J_plus", "J_minus", "gradapprox", "grad",
                 "numerator", "denominator", "difference"]:
        assert f"    {name} = None" in source
    source = answer_cells(read(RELEASE_NOTEBOOK))["gradient_check_n"].source
    for stub in ["thetaplus = None", "thetaplus[i] = None", "J_plus[i], _ = None",
                 "thetaminus = None", "thetaminus[i] = None", "J_minus[i], _ = None",
                 "gradapprox[i] = None", "difference = None"]:
        assert stub in source


def test_backward_propagation_n_ships_both_planted_bugs_and_nothing_pointing_at_them():
    released = answer_cells(read(RELEASE_NOTEBOOK))["backward_propagation_n"].source
    assert "dW2 = 1. / m * np.dot(dZ2, A1.T) * 2\n" in released
    assert "db1 = 4. / m * np.sum(dZ1, axis=1, keepdims=True)\n" in released
    assert "CODE HERE" not in released and "None" not in released
    solution = answer_cells(read(SOURCE_NOTEBOOK))["backward_propagation_n"].source
    # Apart from the two planted lines the release is the solution, line for line.
    kept = [line for line in solution.split("\n")
            if "###" not in line and not line.strip().startswith("# d")]
    shipped = released.split("\n")
    assert [line for line in shipped if "dW2 = " not in line and "db1 = " not in line] == \
        [line for line in kept if "dW2 = " not in line and "db1 = " not in line]


def test_source_notebooks_are_committed_without_outputs():
    for path in (ROOT / "source").rglob("*.ipynb"):
        for cell in read(path).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path


def test_every_test_passes_on_the_instructors_version():
    output = validate(SOURCE_NOTEBOOK)
    assert "Success! Your notebook passes all the tests." in output, output[-3000:]


def test_every_test_fails_on_the_unfinished_release():
    output = validate(RELEASE_NOTEBOOK, invert=True)
    assert "Success! The notebook does not pass any tests." in output, output[-3000:]
