"""Sanitizing steps for submitted notebooks: before they are executed, and
after (SanitizeOutputs), before anyone sees them as a web page."""

import base64
import binascii
import re
from html.parser import HTMLParser

from nbconvert.filters import clean_html, markdown2html
from nbformat import v4 as nbformat_v4
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, List, TraitError, Unicode, validate


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


# --- Outputs are data ------------------------------------------------------
#
# Everything a student's code displays, and every markdown or raw cell a
# student wrote, ends up on two web pages: the student's feedback (which
# students open and share) and formgrader's view of the autograded
# notebook (opened in the instructor's Jupyter session). nbgrader renders
# both with nbconvert and inserts text/html, application/javascript, SVG
# and markdown as they are, so a submission's script would run in the
# instructor's session. SanitizeOutputs turns all of it into plain data.

_BASE64 = re.compile(r"[A-Za-z0-9+/=\n]+\Z")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_TEXT_ALIGN = re.compile(r"text-align:\s*(left|right|center)\s*;?\Z")

#: Tags that nbconvert's markdown renderer and nbconvert's clean_html
#: produce; a rendered markdown cell with any other tag is not kept as is.
INERT_TAGS = frozenset(
    "a abbr acronym b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img "
    "input li ol p pre s section span strong sub sup table tbody td th thead tr ul".split())
INERT_ATTRIBUTES = frozenset(
    "alt checked class colspan disabled href id rowspan src start style title type".split())
SAFE_SCHEMES = frozenset(["http", "https", "mailto"])
#: Image types that may be kept; browsers never run anything in them.
RASTER_IMAGES = frozenset(["image/png", "image/jpeg", "image/gif"])


def _text(value):
    """A str, from a str or a list of str (nbformat's multi-line form);
    None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def is_base64(value):
    """Whether ``value`` is a str of strictly valid base64 (newlines allowed)."""
    if not isinstance(value, str) or not _BASE64.match(value):
        return False
    try:
        base64.b64decode(value.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


class _InertCheck(HTMLParser):
    """Finds what could run or load in an HTML fragment: unknown tags,
    event handlers, styles, and URLs with a scheme other than http(s) or
    mailto."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in INERT_TAGS:
            self.problems.append(f"tag <{tag}>")
        if tag == "input" and dict(attrs).get("type") != "checkbox":
            self.problems.append("an input that is not a checkbox")
        for name, value in attrs:
            value = value or ""
            if name not in INERT_ATTRIBUTES:
                self.problems.append(f"attribute {name}")
            elif name == "style" and not _TEXT_ALIGN.match(value.strip()):
                self.problems.append(f"style {value!r}")
            elif name in ("href", "src"):
                # browsers ignore whitespace and control characters in a scheme
                squeezed = "".join(ch for ch in value if ord(ch) > 32 and ch != "\x7f")
                scheme = _SCHEME.match(squeezed)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    self.problems.append(f"URL {value!r}")

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.problems.append("processing instruction")

    def unknown_decl(self, data):
        self.problems.append("declaration")

    def handle_decl(self, decl):
        self.problems.append("declaration")


def inert_html_problems(fragment):
    """What in an HTML fragment could run a script or load something: a
    list of str, empty if nothing."""
    check = _InertCheck()
    check.feed(fragment)
    check.close()
    return check.problems


def markdown_problems(source):
    """What could run or load, or fail to render, in a markdown cell's
    source as nbconvert renders it (without attachments): a list of str,
    empty if nothing. (A reference to a missing attachment makes nbconvert
    fail on the whole page.)"""
    try:
        return inert_html_problems(markdown2html(source))
    except Exception as error:  # noqa: BLE001 -- any failure means "not like this"
        return [f"does not render: {error}"]


class SanitizeOutputs(NbGraderPreprocessor):
    """Make everything students control in a notebook plain data, so that no
    student's HTML or JavaScript runs in anyone's browser.

    nbgrader shows autograded notebooks as HTML twice: in the student's
    feedback page and in formgrader, inside the instructor's Jupyter
    session. nbconvert inserts HTML, JavaScript, SVG and markdown outputs
    into those pages as they are, and an image's data or metadata (width,
    height) can break out of its ``<img>`` tag. So:

    * Every code cell's outputs are rebuilt from scratch. Streams keep
      their text (and their name only if it is stdout or stderr); errors
      keep their name, message and traceback as text; results and displays
      keep only ``text/plain`` and PNG or JPEG images whose data is strictly
      valid base64, with no metadata. Everything else (HTML, JavaScript,
      SVG, markdown, LaTeX, widgets, any other type) is dropped; where that
      leaves no text, a short note says so. Outputs of unknown types go.
    * Markdown and raw cells that are not locked instructor cells lose
      their attachments and their raw HTML; a markdown cell that would
      still render a link or image to a ``javascript:`` (or any other
      non-web) URL is shown as its source text instead. Raw cells lose
      their metadata.
    * The notebook's widget state goes.

    A locked cell (``nbgrader.locked`` and a ``grade_id``) is the
    instructor's: nbgrader's OverwriteCells restored its source from the
    gradebook and removed the grade_id of any cell the gradebook does not
    know. Its source and attachments are kept.

    Use it in autograding after every step that executes code (so that the
    autograded notebook, which formgrader renders, is clean) and in
    feedback (for notebooks autograded without it).
    """

    removed_note = Unicode(
        "[rich output removed by the grader]",
        help="text/plain shown in place of an output whose every kind of data was removed "
             "(HTML, JavaScript, SVG, markdown, LaTeX, widgets, images that are not valid "
             "base64 PNG or JPEG).",
    ).tag(config=True)

    removed_markdown_note = Unicode(
        "*[This cell's markdown was removed by the grader: it could not be shown safely.]*",
        help="Markdown that replaces a student's markdown cell which can be shown neither "
             "cleaned nor as plain source text.",
    ).tag(config=True)

    kept_images = List(
        Unicode(), ["image/png", "image/jpeg"],
        help="Image mimetypes kept in outputs when their data is strictly valid base64 "
             "(nbconvert shows them as <img src='data:...'>). Only raster types "
             "(image/png, image/jpeg, image/gif) are accepted: SVG can hold scripts.",
    ).tag(config=True)

    @validate("kept_images")
    def _only_raster_images(self, proposal):
        unsafe = sorted(set(proposal.value) - RASTER_IMAGES)
        if unsafe:
            raise TraitError(f"SanitizeOutputs.kept_images: not a raster image type: {unsafe}")
        return proposal.value

    max_ename_length = Integer(
        200, help="An error's name (its exception class) is cut to this many characters."
    ).tag(config=True)

    max_evalue_length = Integer(
        10000, help="An error's message is cut to this many characters."
    ).tag(config=True)

    max_traceback_lines = Integer(
        200, help="An error's traceback keeps at most this many entries (the last ones)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [clean for clean in map(self.clean_output, cell.get("outputs", []))
                            if clean is not None]
            count = cell.get("execution_count")
            cell.execution_count = count if _is_int(count) else None
            cell.pop("attachments", None)
        elif not self.is_instructors(cell):
            source = _text(cell.get("source")) or ""
            cell.pop("attachments", None)
            if cell.cell_type == "markdown":
                cell.source = self.clean_markdown(source)
            else:  # raw, or a cell type nbconvert does not know
                cell.source = clean_html(source)
                cell.metadata = {}
        return cell, resources

    @staticmethod
    def is_instructors(cell):
        """Whether a cell is a locked instructor cell (see the class doc)."""
        meta = cell.get("metadata", {}).get("nbgrader")
        return isinstance(meta, dict) and meta.get("locked") is True and bool(meta.get("grade_id"))

    def clean_markdown(self, source):
        """Markdown that renders like ``source`` as far as that is safe: the
        source itself if it has no raw HTML and renders harmless; else the
        source without its raw HTML (nbconvert's clean_html, i.e. bleach),
        if that renders harmless; else the source as a block of text."""
        if "<" not in source and not markdown_problems(source):
            return source  # no raw HTML is possible without "<"
        cleaned = clean_html(source)
        if not markdown_problems(cleaned):
            return cleaned
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
        as_text = f"{fence}text\n{source}\n{fence}"
        if not markdown_problems(as_text):
            return as_text
        return self.removed_markdown_note

    def clean_output(self, output):
        """A new output holding only the plain data of ``output``, or None."""
        kind = output.get("output_type") if isinstance(output, dict) else None
        if kind == "stream":
            name = output.get("name")
            return nbformat_v4.new_output(
                "stream", name=name if name in ("stdout", "stderr") else "stdout",
                text=_text(output.get("text")) or "")
        if kind == "error":
            traceback = output.get("traceback")
            traceback = traceback if isinstance(traceback, list) else []
            return nbformat_v4.new_output(
                "error",
                ename=str(output.get("ename", ""))[:self.max_ename_length],
                evalue=str(output.get("evalue", ""))[:self.max_evalue_length],
                traceback=[line if isinstance(line, str) else str(line)
                           for line in traceback[-self.max_traceback_lines:]])
        if kind in ("execute_result", "display_data"):
            data = output.get("data")
            data = data if isinstance(data, dict) else {}
            kept = {}
            text = _text(data.get("text/plain"))
            if text is not None:
                kept["text/plain"] = text
            for mimetype in self.kept_images:
                value = _text(data.get(mimetype))
                if is_base64(value):
                    kept[mimetype] = value
            if set(data) - set(kept) and "text/plain" not in kept:
                kept["text/plain"] = self.removed_note
            clean = nbformat_v4.new_output(kind, data=kept)
            if kind == "execute_result":
                count = output.get("execution_count")
                clean.execution_count = count if _is_int(count) else None
            return clean
        return None


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)

