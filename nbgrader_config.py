"""nbgrader configuration for the gradient-checking course.

Run nbgrader from this folder (the course root), with the virtual
environment that `./course setup` creates:  .venv/bin/nbgrader ...
"""
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
    ComputeChecksums, DeduplicateIds, IgnorePattern, IncludeHeaderFooter, InstantiateTests,
    LimitOutput, LockCells, OverwriteCells, OverwriteKernelspec, SaveAutoGrades, SaveCells)

from gradekit.checkhidden import CheckHiddenTests
from gradekit.execute import GuardedExecute
from gradekit.sanitize import HideTestCode, SanitizeOutputs, StripExecutionMetadata
from gradekit.status import RecordStatus, StatusCsvExportPlugin, intake
from gradekit.trusted import StartTrustedRegrade, TrustedRegrade
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades
from gradekit.stubs import StubSolutions

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "gradient-checking"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.assignment_id = ""

# The student version shows "### START CODE HERE ### (approx. N lines)" with
# "name = None" placeholders instead of nbgrader's "raise NotImplementedError()":
# StubSolutions takes ClearSolutions' place in nbgrader's own list.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    StubSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    CheckHiddenTests,         # every test cell has a registered check (gradekit.harness)
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
]

# Generated files never belong in the release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Each cell gets 30 s (nbgrader's default); the whole notebook runs in a few.
c.Execute.timeout = 30

# No per-cell execution timestamps in autograded notebooks: the demo results
# committed under autograded/ and feedback/ stay byte-for-byte reproducible.
c.Execute.record_timing = False

# Autograding runs every student kernel in a bubblewrap sandbox, survives
# kernels that die, and bounds time and output (gradekit.execute). It stops
# with an error if the sandbox cannot start; to grade without it on a machine
# you trust, add --GuardedExecute.sandbox=False to the command.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    StripExecutionMetadata,   # no tag a student sets (skip-execution, ...) acts
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    StartTrustedRegrade,      # starts the deadline, and the notebook's code in a second sandbox
    GuardedExecute,           # the notebook in a sandboxed kernel, test cells without hidden blocks
    TrustedRegrade,           # each test cell's check, out of the student's reach: its score
    SanitizeOutputs,          # every output and student markdown becomes plain data
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
    RecordStatus,             # crashes, hangs, overrules: into grading_status/
]
c.GuardedExecute.memory_limit = 2 * 1024 ** 3   # bytes per kernel
c.GuardedExecute.cpu_limit = 600                # CPU seconds per kernel
c.GuardedExecute.notebook_timeout = 240         # seconds the kernel may run the notebook in all
c.SubmissionDeadline.seconds = 300              # seconds for everything one submission costs

# The course's checks, registered by the grade_ids of its test cells. They
# run on the grader's side only; the sandbox never sees this package.
c.TrustedRegrade.check_modules = ["gccourse.checks"]
# The locked cell that only draws the epsilon figure is not run while
# grading: no test needs it, and drawing is a third of a notebook's time.
# (Its grade_id must name a locked cell, whose code the student cannot change.)
FIGURE_CELLS = ["epsilon_plot"]
c.GuardedExecute.skip_cells = FIGURE_CELLS
c.TrustedRegrade.skip_cells = FIGURE_CELLS

# Feedback shows each test's one-line purpose, points and message, but not
# the test code (nbgrader's own feedback shows the hidden tests).
c.GenerateFeedback.preprocessors = [GetGrades, SanitizeOutputs, HideTestCode,
                                    CSSHTMLHeaderPreprocessor]
# Feedback pages and formgrader's view of a graded notebook are rendered
# with nbconvert's sanitiser as well: no student HTML or script runs there.
c.HTMLExporter.sanitize_html = True

# Every submission gets a status. Before grading, its files are checked: a
# damaged notebook fails with that reason, a single misnamed one (say
# "Gradient_Checking (1).ipynb") is graded under the right name with a
# warning, extra files are noted. `nbgrader export` adds a status column and
# a row for every submission nbgrader could not grade (gradekit.status).
# Links, FIFOs, devices and sockets in a submission are refused with a
# reason, before nbgrader copies anything (gradekit.status, gradekit.safefiles);
# collecting from the exchange copies links as links so that they are
# refused, never followed, and skips with a warning every inbound entry
# forged in another student's name or that is not a well-named real folder
# (gradekit.exchange).
c.Autograde.pre_convert_hook = intake
c.ExchangeFactory.collect = "gradekit.exchange.SafeExchangeCollect"
c.ExportApp.plugin_class = StatusCsvExportPlugin
