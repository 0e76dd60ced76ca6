"""Refuse to release an assignment whose test cells the trusted regrade
could not grade."""

from nbgrader.preprocessors import NbGraderPreprocessor

from . import harness
from .exceptions import ReleaseError


class CheckHiddenTests(NbGraderPreprocessor):
    """For ``GenerateAssignment``, before ``ClearHiddenTests``: every test
    cell must have a check registered under its grade_id (gradekit.harness,
    in one of ``TrustedRegrade.check_modules``), and its hidden block must
    call exactly that check. A test cell that does not is an error here,
    when the release is generated, never a test that grading silently
    skips (a test cell's score is its trusted verdict alone)."""

    def preprocess(self, nb, resources):
        from .trusted import TrustedRegrade
        try:
            harness.checks_of(nb, TrustedRegrade(config=self.config).check_modules)
        except ValueError as error:
            raise ReleaseError(f"the trusted regrade cannot grade this notebook: {error}") from None
        return nb, resources
