"""Turn solution regions into "START CODE HERE" stubs when nbgrader generates
the student version of an assignment.

nbgrader's own ``ClearSolutions`` replaces each ``### BEGIN SOLUTION`` ...
``### END SOLUTION`` region with one fixed, per-language stub. This course
shows students the lines they have to write instead, the way the original
deep-learning course does::

    ### START CODE HERE ### (approx. 2 lines)
    thetaplus = None   # Step 1
    thetaminus = None  # Step 2
    ### END CODE HERE ###

Each statement of the solution becomes ``<its assignment targets> = None``,
keeping the statement's trailing comment; comment-only lines of the solution
are dropped. A statement that is not an assignment cannot be stubbed and is
an error, so that a solution line never leaks into the release by accident.

A region may instead say exactly what the release shows, which is how the
assignment ships a function with planted bugs::

    ### BEGIN SOLUTION
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    ### RELEASE WITH
    # dW2 = 1. / m * np.dot(dZ2, A1.T) * 2
    ### END SOLUTION

The lines after ``### RELEASE WITH`` are comments in the source (so the
instructor's version runs the solution); in the release they replace the
region with their first ``# `` removed, and no marker is left behind.
"""

import ast
import dataclasses
import io
import re
import tokenize

from nbgrader.preprocessors import ClearSolutions
from traitlets import Unicode

BEGIN = "### BEGIN SOLUTION"
RELEASE_WITH = "### RELEASE WITH"
END = "### END SOLUTION"


class StubError(ValueError):
    """A solution region that cannot be turned into a stub."""


def _trailing_comments(code):
    """Map line number (1-based) -> the comment that ends that line."""
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string
    return comments


def _targets_source(statement, code):
    """The assignment targets of one statement, as written in the source."""
    if isinstance(statement, ast.Assign):
        return " = ".join(ast.get_source_segment(code, t) for t in statement.targets)
    if isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        return ast.get_source_segment(code, statement.target)
    raise StubError(
        "only assignments can be turned into stubs, not: "
        + ast.get_source_segment(code, statement)
    )


def stub_lines(solution_lines, indent, start_marker, end_marker):
    """The stub that replaces one solution region.

    Arguments:
    solution_lines -- list of str, the lines between the delimiters
    indent -- str, the indentation of the ``### BEGIN SOLUTION`` line
    start_marker, end_marker -- str, the comment lines that frame the stub

    Returns:
    list of str, the stub's lines: the start marker with the number of
    statements, one ``<targets> = None`` line a statement, the end marker
    """
    dedented = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                for line in solution_lines]
    code = "\n".join(dedented) + "\n"
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise StubError(f"solution region is not valid Python: {error}") from error
    comments = _trailing_comments(code)
    body = []
    for statement in tree.body:
        line = f"{_targets_source(statement, code)} = None"
        comment = comments.get(statement.end_lineno)
        if comment is not None:
            line += "  " + comment
        body.append(indent + line)
    if not body:
        raise StubError("empty solution region")
    count = len(body)
    header = f"{indent}{start_marker} (approx. {count} line{'s' if count != 1 else ''})"
    return [header, *body, indent + end_marker]


def release_lines(lines, indent):
    """The release text of a ``### RELEASE WITH`` block: each line with the
    ``# `` that comments it out in the source removed."""
    out = []
    for line in lines:
        body = line[len(indent):] if line.startswith(indent) else line.lstrip()
        if body.startswith("# "):
            body = body[2:]
        elif body.startswith("#"):
            body = body[1:]
        elif body.strip():
            raise StubError(
                f"a line after {RELEASE_WITH} must be commented out in the source: {line!r}")
        out.append(indent + body if body else "")
    return out


@dataclasses.dataclass
class Region:
    """One ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a cell.

    Attributes:
    indent -- str, the indentation of its BEGIN line
    solution -- list of str, the solution's lines
    release -- list of str, the lines after ``### RELEASE WITH`` (still
               commented out), or None when the region has no such block
    """

    indent: str
    solution: list
    release: list = None


def split_regions(source):
    """A cell's source as a list of plain lines (str) and Regions, in order."""
    items, region = [], None
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if region is not None:
                raise StubError("nested solution regions")
            region = Region(re.match(r"\s*", line).group(0), [])
        elif stripped.startswith(RELEASE_WITH):
            if region is None or region.release is not None:
                raise StubError(f"{RELEASE_WITH} outside a solution region")
            region.release = []
        elif stripped.startswith(END):
            if region is None:
                raise StubError(f"{END} without {BEGIN}")
            items.append(region)
            region = None
        elif region is not None:
            (region.solution if region.release is None else region.release).append(line)
        else:
            items.append(line)
    if region is not None:
        raise StubError(f"solution region without {END}")
    return items


def stub_source(source, start_marker="### START CODE HERE ###",
                end_marker="### END CODE HERE ###"):
    """Replace every solution region of one cell's source by its stub (or
    by its RELEASE WITH block).

    Returns:
    (new_source, replaced) -- str, and whether any region was found
    """
    lines, replaced = [], False
    for item in split_regions(source):
        if isinstance(item, str):
            lines.append(item)
        elif item.release is not None:
            replaced = True
            lines.extend(release_lines(item.release, item.indent))
        else:
            replaced = True
            lines.extend(stub_lines(item.solution, item.indent, start_marker, end_marker))
    return "\n".join(lines), replaced


def resolve_regions(source, released=()):
    """The source with each region resolved one way or the other: the
    regions numbered (from 0) in ``released`` as the release shows them
    (their RELEASE WITH block), every other region as its solution.

    Useful to build variants such as "only one planted bug fixed".
    """
    lines, index = [], 0
    for item in split_regions(source):
        if isinstance(item, str):
            lines.append(item)
            continue
        if index in released:
            if item.release is None:
                raise StubError(f"region {index} has no {RELEASE_WITH} block")
            lines.extend(release_lines(item.release, item.indent))
        else:
            lines.extend(item.solution)
        index += 1
    return "\n".join(lines)


class StubSolutions(ClearSolutions):
    """nbgrader preprocessor: ``ClearSolutions`` with course-style stubs.

    Use it in place of ``ClearSolutions`` in
    ``GenerateAssignment.preprocessors``. Solution cells without any region
    still get the ordinary ``code_stub``.
    """

    start_marker = Unicode(
        "### START CODE HERE ###", help="First line of every stub").tag(config=True)
    end_marker = Unicode(
        "### END CODE HERE ###", help="Last line of every stub").tag(config=True)

    def _replace_solution_region(self, cell, language):
        if cell.cell_type != "code":
            return super()._replace_solution_region(cell, language)
        try:
            cell.source, replaced = stub_source(
                cell.source, self.start_marker, self.end_marker)
        except StubError as error:
            self.log.error("Cannot stub this cell:\n%s", cell.source)
            raise RuntimeError(f"cannot stub a solution region: {error}") from error
        return replaced
