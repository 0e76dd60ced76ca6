"""The notebooks run as students and instructors run them, in a real kernel."""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, read
from gradekit.stubs import resolve_regions
from gccourse.submissions import grade_id


def execute(path, notebook=None):
    """Run every cell of a notebook (the one at ``path``, or ``notebook`` as
    if it were there) in a fresh kernel, as "Run All" would, going on past
    errors; returns the executed notebook."""
    notebook = read(path) if notebook is None else notebook
    NotebookClient(notebook, timeout=120, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


@pytest.fixture(scope="module")
def executed_source():
    return execute(SOURCE_NOTEBOOK)


@pytest.fixture(scope="module")
def executed_release():
    return execute(RELEASE_NOTEBOOK)


@pytest.fixture(scope="module")
def executed_as_given():
    """The source with backward_propagation_n as students first get it
    (both planted bugs in) and every other answer done."""
    notebook = read(SOURCE_NOTEBOOK)
    cell = next(c for c in notebook.cells if grade_id(c) == "backward_propagation_n")
    cell.source = resolve_regions(cell.source, {0, 1})
    return execute(SOURCE_NOTEBOOK, notebook)


def outputs(notebook, kind):
    return [(index, output) for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" for output in cell.outputs
            if output.output_type == kind]


def test_source_notebook_runs_end_to_end_without_any_error(executed_source):
    errors = outputs(executed_source, "error")
    assert not errors, [(i, o.ename, o.evalue) for i, o in errors]


def test_source_notebook_writes_nothing_to_stderr(executed_source):
    streams = [(i, o.text) for i, o in outputs(executed_source, "stream") if o.name == "stderr"]
    assert not streams, streams


def test_epsilon_plot_is_drawn_as_an_image(executed_source):
    plot = next(c for c in executed_source.cells if grade_id(c) == "epsilon_plot")
    assert any("image/png" in o.get("data", {}) for o in plot.outputs)


def test_every_visible_test_prints_its_pass_message(executed_source):
    tests = [c for c in executed_source.cells
             if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(tests) == 6
    for cell in tests:
        printed = "".join(o.text for o in cell.outputs if o.output_type == "stream")
        assert "visible tests passed" in printed, grade_id(cell)


def test_examples_print_the_published_values(executed_source):
    printed = "".join(o.text for _, o in outputs(executed_source, "stream"))
    assert "difference = 2.919335883291695e-10" in printed
    # after the fix, at the default step: the round-off trap the notebook explains
    assert "difference = 1.19e-07 is above 1e-7" in printed
    assert "difference = 9.32e-10 is below 1e-7" in printed


def test_unfinished_exercises_fail_with_a_plain_note_not_a_traceback(executed_release):
    errors = outputs(executed_release, "error")
    # every exercise's example and test cells fail ...
    assert len(errors) >= 10
    unexplained = []
    for index, error in errors:
        text = "\n".join(error.traceback)
        if "Not finished yet" not in text:
            unexplained.append((index, error.ename, error.evalue))
        else:
            assert "Traceback" not in text and "is not finished yet" in text
    # ... and only the planted-bug test (which is not a placeholder problem)
    # shows an ordinary assertion message.
    assert [e[1] for e in unexplained] == ["AssertionError"], unexplained
    assert "times as long as it should be" in unexplained[0][2]


def test_unfinished_release_writes_nothing_to_stderr(executed_release):
    streams = [(i, o.text) for i, o in outputs(executed_release, "stream") if o.name == "stderr"]
    assert not streams, streams


def test_unfinished_cells_keep_run_all_going_in_jupyterlab():
    """Cells that fail until the student is done carry the tag JupyterLab
    honours to go on with "Run All" past an error."""
    notebook = read(RELEASE_NOTEBOOK)
    for index, cell in enumerate(execute_cells := notebook.cells):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            assert "raises-exception" in cell.metadata.get("tags", []), index
    assert execute_cells


_FLOAT = re.compile(r"\d+\.\d{13,}(?:e[-+]?\d+)?")


def rounded(text):
    """``text`` with every float printed to 13 or more digits rounded to 13
    significant digits: the last digit of a 16-digit value depends on which
    BLAS kernel the machine picks (OPENBLAS_CORETYPE), not on the code."""
    return _FLOAT.sub(lambda m: f"{float(m.group()):.13g}", text)


EXPECTED_OUTPUT = re.compile(r"\*\*Expected output\*\*(?P<label>[^\n]*)\n\s*```\n(?P<text>.*?)\n```", re.S)


def test_every_expected_output_is_what_the_cell_above_it_prints(executed_source, executed_as_given):
    """Each **Expected output** block shows exactly what the example cell
    right above it prints: with the planted bugs when it says "(with the
    backward pass as given)", with the instructor's answers otherwise."""
    checked = 0
    for index, cell in enumerate(read(SOURCE_NOTEBOOK).cells):
        if cell.cell_type != "markdown":
            continue
        for block in EXPECTED_OUTPUT.finditer(cell.source):
            run = executed_as_given if "as given" in block["label"] else executed_source
            above = run.cells[index - 1]
            assert above.cell_type == "code" and not grade_id(above), index
            printed = "".join(o.text for o in above.outputs
                              if o.output_type == "stream" and o.name == "stdout")
            assert rounded(printed.rstrip("\n")) == rounded(block["text"]), (index, block["label"])
            checked += 1
    assert checked >= 8


def test_as_given_the_planted_bugs_show(executed_as_given):
    printed = "".join(o.text for _, o in outputs(executed_as_given, "stream"))
    assert rounded("difference = 0.2850931567761623") in rounded(printed)
