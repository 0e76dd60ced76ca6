"""Submissions described as text: which answer cells a student filled in,
and with what.

A submission file is Python source in the "percent" cell format::

    \"\"\"One line saying what this submission is.

    More description, if any.
    \"\"\"
    EXPECTED = {"test_forward_propagation": 1, "test_gradient_check": 0}

    # %% [forward_propagation]
    def forward_propagation(x, theta):
        return theta * x

Each ``# %% [grade_id]`` marker starts the code that replaces the answer cell
with that nbgrader ``grade_id``; answer cells not named keep the release's
stub, as if the student had not touched them. ``EXPECTED`` maps test-cell
grade_ids to the points the submission must earn there (tests of this repo
check it); cells it leaves out must earn full marks. ``MISTAKE`` maps a
test cell that loses points to the id of the mistake its check must
diagnose (gccourse.mistakes), ``MESSAGE`` to a regular expression its
failure message must match. ``TAGS`` (optional)
maps a grade_id to the cell tags the student set on that cell. Hostile
fixtures may also replace a test cell (``# %% [test_...]``), delete cells
(``DELETE``, a list of grade_ids) and add cells of their own (``EXTRA``, a
dict grade_id -> source of a new cell put right after that one).

Hostile fixtures may also put things other than regular files in the
submitted folder: ``LINKS`` maps a path inside the submission
(``"answers.txt"``, ``"neighbour"``) to the target of a symbolic link made
there; a target may use ``{root}`` for the course root and ``{submitted}``
for its ``submitted/`` folder (``"{root}/source/gradient_checking/
Gradient_Checking.ipynb"``). A link at the notebook's own path replaces the
notebook. ``FIFOS`` is a list of paths inside the submission where named
pipes are made.
"""

import ast
import dataclasses
import os
import re
import shutil
from pathlib import Path

import nbformat

from gradekit import coursepaths

MARKER = re.compile(r"^# %% \[(?P<grade_id>[A-Za-z0-9_]+)\]\s*$")


class SubmissionError(ValueError):
    """A submission file that cannot be read, or that names unknown cells."""


@dataclasses.dataclass
class Submission:
    """One described submission.

    Attributes:
    name -- str, the file's stem (used as the student id)
    description -- str, the docstring's first line
    cells -- dict grade_id -> source that replaces that answer cell
    expected -- dict test grade_id -> points it must earn
    tags -- dict grade_id -> list of cell tags the student set
    delete -- list of grade_ids of cells the student deleted
    extra -- dict grade_id -> source of a cell the student added after it
    messages -- dict test grade_id -> regex its failure message must match
    mistakes -- dict test grade_id -> id of the mistake it must be diagnosed as
    links -- dict path in the submission -> target of a symbolic link made there
    fifos -- list of paths in the submission where named pipes are made
    """

    name: str
    description: str
    cells: dict
    expected: dict
    tags: dict = dataclasses.field(default_factory=dict)
    delete: list = dataclasses.field(default_factory=list)
    extra: dict = dataclasses.field(default_factory=dict)
    messages: dict = dataclasses.field(default_factory=dict)
    links: dict = dataclasses.field(default_factory=dict)
    fifos: list = dataclasses.field(default_factory=list)
    mistakes: dict = dataclasses.field(default_factory=dict)


def parse(text, name):
    """Read a submission from the text of its file (see the module doc)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if MARKER.match(line)]
    preamble = "\n".join(lines[:starts[0]] if starts else lines)
    try:
        module = ast.parse(preamble)
    except SyntaxError as error:
        raise SubmissionError(f"{name}: preamble is not Python: {error}") from error
    description = (ast.get_docstring(module) or "").strip().splitlines()
    constants = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                getattr(node.targets[0], "id", None) in ("EXPECTED", "TAGS", "DELETE", "EXTRA", "MESSAGE",
                                                       "LINKS", "FIFOS", "MISTAKE"):
            constants[node.targets[0].id] = ast.literal_eval(node.value)
    cells = {}
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        grade_id = MARKER.match(lines[start]).group("grade_id")
        if grade_id in cells:
            raise SubmissionError(f"{name}: cell {grade_id!r} is given twice")
        cells[grade_id] = "\n".join(lines[start + 1:stop]).strip("\n")
    return Submission(name, description[0] if description else "", cells,
                      constants.get("EXPECTED", {}), constants.get("TAGS", {}),
                      constants.get("DELETE", []), constants.get("EXTRA", {}),
                      constants.get("MESSAGE", {}), constants.get("LINKS", {}),
                      constants.get("FIFOS", []), constants.get("MISTAKE", {}))


def load(path):
    """Read the submission file at ``path``."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), path.stem)


def load_all(folder):
    """Every ``*.py`` submission in ``folder``, sorted by name."""
    return [load(p) for p in sorted(Path(folder).glob("*.py"))]


def grade_id(cell):
    """The nbgrader grade_id of a notebook cell, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def full_marks(root, assignment="gradient_checking", notebook_name="Gradient_Checking"):
    """dict test-cell grade_id -> points, read from the course's release."""
    folder = coursepaths.step_folder(coursepaths.coursedir(root), "release", assignment)
    release = nbformat.read(folder / f"{notebook_name}.ipynb", as_version=4)
    return {grade_id(c): c.metadata["nbgrader"]["points"]
            for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")}


def fill(release_notebook, submission):
    """The release notebook with the submission's answers in place.

    Arguments:
    release_notebook -- nbformat NotebookNode of the student version
    submission -- Submission

    Returns:
    a new NotebookNode; raises SubmissionError if the submission names a
    cell the notebook does not have
    """
    notebook = nbformat.from_dict(release_notebook)
    cells = {grade_id(c): c for c in notebook.cells if grade_id(c)}
    named = set(submission.cells) | set(submission.tags) | set(submission.delete) | set(submission.extra)
    unknown = sorted(named - set(cells))
    if unknown:
        raise SubmissionError(
            f"{submission.name}: no cell with grade_id {', '.join(unknown)}")
    for key, source in submission.cells.items():
        cells[key].source = source
    for key, tags in submission.tags.items():
        cells[key].metadata["tags"] = list(tags)
    for key, source in submission.extra.items():
        at = notebook.cells.index(cells[key]) + 1
        notebook.cells.insert(at, nbformat.v4.new_code_cell(source))
    notebook.cells = [c for c in notebook.cells if grade_id(c) not in submission.delete]
    return notebook


def write_submitted(course_root, assignment, notebook_name, submission, student=None):
    """Put a submission where nbgrader looks for it:
    ``submitted/<student>/<assignment>/<notebook_name>.ipynb``, next to copies
    of the release's other files (as a student's download would have them),
    with its ``LINKS`` and ``FIFOS`` (see the module doc).

    Returns:
    Path of the written notebook
    """
    course_root = Path(course_root)
    release = coursepaths.step_folder(coursepaths.coursedir(course_root), "release", assignment)
    folder = course_root / "submitted" / (student or submission.name) / assignment
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(release, folder, ignore=shutil.ignore_patterns(
        "*.ipynb", "__pycache__", ".ipynb_checkpoints"))
    notebook = nbformat.read(release / f"{notebook_name}.ipynb", as_version=4)
    path = folder / f"{notebook_name}.ipynb"
    nbformat.write(fill(notebook, submission), path)
    places = {"root": str(course_root.resolve()), "submitted": str(course_root.resolve() / "submitted")}
    for name, target in submission.links.items():
        link = folder / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(link):
            link.unlink()
        os.symlink(target.format(**places), link)
    for name in submission.fifos:
        fifo = folder / name
        fifo.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(fifo):
            fifo.unlink()
        os.mkfifo(fifo)
    return path
