"""Sanitizing steps for submitted notebooks, before they are executed."""

from nbgrader.preprocessors import NbGraderPreprocessor


class StripExecutionMetadata(NbGraderPreprocessor):
    """Remove every cell's tags and all metadata other than nbgrader's.

    Executors act on cell metadata: nbclient skips cells tagged
    ``skip-execution``, and others honour tags of their own. A student can
    set any of it, on any cell, so none of it survives into grading.
    """

    def preprocess_cell(self, cell, resources, index):
        kept = {"nbgrader": cell.metadata["nbgrader"]} if "nbgrader" in cell.metadata else {}
        cell.metadata = kept
        return cell, resources


class HideTestCode(NbGraderPreprocessor):
    """For students' feedback: show each test cell's purpose, points and
    result, never its code.

    A test cell's source becomes its first line (the one-line docstring that
    says what it checks) and a note; an error in it is reduced to its last
    line ("AssertionError: <message>"), because a traceback quotes the code
    around the line that failed, hidden tests included. Printed output is
    kept.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("grade"):
            return cell, resources
        first = cell.source.strip().split("\n")[0]
        summary = first if first.startswith(('"""', "'''", "#")) else '"""Tests."""'
        cell.source = summary + "\n# The test code is not shown in feedback."
        for output in cell.outputs:
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
