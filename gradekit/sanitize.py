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
