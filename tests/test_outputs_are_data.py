"""Outputs are data: student HTML and JavaScript never run in anyone's browser.

Whatever a student's code displays, and whatever a student writes in a
markdown or raw cell, is shown as a web page twice: in the student's
feedback (nbgrader generate_feedback) and in formgrader, inside the
instructor's Jupyter session. gradekit.sanitize.SanitizeOutputs turns it
into plain data in autograded notebooks and in feedback, and nbconvert's
own sanitiser (HTMLExporter.sanitize_html) cleans what the page templates
still insert.

Every attack below calls a function whose name contains MARK; the tests
parse each rendered page and fail if MARK appears anywhere a browser would
run it: in a <script>, an on* attribute, a javascript: (or data:) URL, or
inside <svg>, <iframe>, <object> or <embed>.
"""

import base64
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import (new_code_cell, new_markdown_cell, new_notebook, new_output,
                         new_raw_cell)
from traitlets.config import Config

import gccourse.demo
from conftest import ROOT
from gccourse import catalogue, course
from gradekit.sanitize import SanitizeOutputs, inert_html_problems, is_base64

MARK = "STOLEN_BY_ATTACKER"
HOSTILE = ROOT / "tests" / "hostile"
FIXTURE = "hostile_scripts_in_outputs"
FAST = ("--Execute.timeout=5", "--TrustedRegrade.timeout=3")

NBGRADER_TEMPLATES = (Path(__import__("nbgrader").__file__).parent
                      / "server_extensions" / "formgrader" / "templates")
BOOTSTRAP_CSS = (Path(__import__("nbgrader").__file__).parent / "server_extensions" / "formgrader"
                 / "static" / "node_modules" / "bootstrap" / "dist" / "css")

#: What nbgrader_config.py needs (reported to whoever edits it); appended to
#: test courses while the main file lacks it.
COURSE_LINES = """
# --- Outputs are data (tests/test_outputs_are_data.py) ---
from gradekit.sanitize import SanitizeOutputs
_steps = list(c.Autograde.autograde_preprocessors)
_at = _steps.index(IgnorePattern)
c.Autograde.autograde_preprocessors = [*_steps[:_at], SanitizeOutputs, *_steps[_at:]]
c.GenerateFeedback.preprocessors = [GetGrades, SanitizeOutputs, HideTestCode, CSSHTMLHeaderPreprocessor]
c.HTMLExporter.sanitize_html = True
"""

#: nbgrader's own feedback (its GenerateFeedback defaults), for the stock run.
STOCK_FEEDBACK = """
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor]
c.HTMLExporter.sanitize_html = False
"""


def course_has_the_lines():
    return "SanitizeOutputs" in (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")


# --- finding the attacker's marker where a browser would run it ------------

DANGEROUS_CONTAINERS = {"script", "svg", "iframe", "object", "embed", "frame", "frameset",
                        "applet", "math", "template", "style", "base", "link", "meta", "form"}
VOID = {"embed", "base", "link", "meta"}


def _data_url_content(value):
    """The document a data: URL holds (as text), or ""."""
    from urllib.parse import unquote
    head, _, payload = value.partition(",")
    if not head.lower().startswith("data:"):
        return ""
    if ";base64" not in head.lower():
        return unquote(payload)
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")
    except ValueError:
        return ""


class MarkerFinder(HTMLParser):
    """Every place where MARK appears in executable form in a page."""

    def __init__(self, marker):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.open = []  # dangerous elements we are inside
        self.found = []

    def handle_starttag(self, tag, attrs):
        inside = [t for t in self.open] + ([tag] if tag in DANGEROUS_CONTAINERS else [])
        for name, value in attrs:
            value = value or ""
            squeezed = "".join(ch for ch in value if ord(ch) > 32).lower()
            if squeezed.startswith("data:"):
                if tag == "img" and name == "src":
                    continue  # shown as an image, never run
                # a document of its own (an iframe's, a link's): look inside
                for where in executable_markers(_data_url_content(value), self.marker):
                    self.found.append(f"<{tag} {name}=data:...> holding {where}")
                continue
            if name == "srcdoc":
                for where in executable_markers(value, self.marker):
                    self.found.append(f"<{tag} srcdoc> holding {where}")
                continue
            if self.marker not in value:
                continue
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif squeezed.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name in ("formaction", "action", "xlink:href"):
                self.found.append(f"<{tag} {name}=...>")
            elif inside:
                self.found.append(f"attribute {name} inside <{inside[0]}>")
        if tag in DANGEROUS_CONTAINERS and tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in DANGEROUS_CONTAINERS and tag not in VOID and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.open and self.marker in data:
            self.found.append(f"text inside <{self.open[-1]}>")


def executable_markers(page, marker=MARK):
    """Where ``marker`` appears in ``page`` (HTML) in a form a browser runs:
    a list of str, empty when the page is safe."""
    finder = MarkerFinder(marker)
    finder.feed(page)
    finder.close()
    return finder.found


def test_the_marker_finder_finds_what_runs():
    """The detector itself: it must see every executable form, and no
    harmless one (so that the tests below can fail)."""
    runs = [
        f"<script>{MARK}()</script>",
        f'<img src=x onerror="{MARK}()">',
        f'<a href=" jav&#x61;script:{MARK}()">x</a>',
        f'<svg><a xlink:href="#"><text>{MARK}</text></a></svg>',
        f"<iframe srcdoc='<script>{MARK}()</script>'></iframe>",
        f'<a href="data:text/html,%3Cscript%3E{MARK}()%3C/script%3E">x</a>',
        '<iframe src="data:text/html;base64,'
        + base64.b64encode(f"<script>{MARK}()</script>".encode()).decode() + '"></iframe>',
        f'<embed src="data:image/svg+xml,<svg onload={MARK}()>">',
    ]
    harmless = [
        f"<pre>&lt;script&gt;{MARK}()&lt;/script&gt;</pre>",
        f'<img src="data:image/png;base64,&quot;&gt;&lt;script&gt;{MARK}" alt="x">',
        f'<p title="{MARK}">{MARK}</p>',
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>',
        f"<iframe srcdoc='<b>{MARK}</b>'></iframe>",
        '<iframe src="data:text/html;base64,'
        + base64.b64encode(f"&lt;script&gt;{MARK}()".encode()).decode() + '"></iframe>',
    ]
    assert all(executable_markers(page) for page in runs), \
        [page for page in runs if not executable_markers(page)]
    assert not any(executable_markers(page) for page in harmless), \
        [executable_markers(page) for page in harmless]


# --- hostile and honest notebooks -------------------------------------------

def real_png():
    """base64 of a real PNG drawn by matplotlib."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(1, 1))
    axes.plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


PNG = real_png()
HONEST_PRINT = "honest printed line 1234"
HONEST_RESULT = "honest result 5678"


def unchecked_output(output_type, **fields):
    """An output as a kernel could send it (new_output would refuse some)."""
    if output_type in ("display_data", "execute_result"):
        fields.setdefault("metadata", {})
    return nbformat.from_dict({"output_type": output_type, **fields})


def hostile_outputs(valid=False):
    """One output of each kind a student's cell can produce, all hostile;
    with ``valid``, only those that nbformat's schema allows (nbconvert
    refuses to render the others at all)."""
    m = MARK
    outputs = [
        unchecked_output("display_data", data={
            "text/plain": "<IPython.core.display.HTML object>",
            "text/html": f"<script>{m}_html()</script><img src=x onerror={m}_img()>"}),
        unchecked_output("display_data", data={"text/html": f"<script>{m}_isolated()</script>"},
                   metadata={"text/html": {"isolated": True}}),
        unchecked_output("display_data", data={"application/javascript": f"{m}_js()"}),
        unchecked_output("display_data", data={
            "image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{m}_svg()">'
                             f"<script>{m}_svgscript()</script></svg>"}),
        unchecked_output("display_data", data={
            "text/markdown": f"<script>{m}_md()</script> [x](javascript:{m}_mdlink())"}),
        unchecked_output("display_data", data={"text/latex": f"</div><script>{m}_latex()</script>"}),
        unchecked_output("display_data", data={"application/x-evil": f"<script>{m}_other()</script>",
                                         "text/html": f"<object data='javascript:{m}_obj()'>"}),
        unchecked_output("display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": f"</script><script>{m}_widget()</script>", "version_major": 2,
            "version_minor": 0}}),
        unchecked_output("display_data", data={"image/png": f'"><script>{m}_png()</script>'}),
        unchecked_output("display_data", data={"image/png": PNG}, metadata={"image/png": {
            "width": f"1 onerror={m}_width()", "height": f'1" onerror="{m}_height()',
            "filenames": {"image/png": f'x" onerror="{m}_filename()'}}}),
        unchecked_output("display_data", data={"image/jpeg": f"<svg onload={m}_jpeg()>"}),
        unchecked_output("execute_result", data={"text/html": f"<script>{m}_result()</script>"},
                   execution_count=f"<script>{m}_count()</script>"),
        {"output_type": "stream", "name": f"<script>{m}_streamname()</script>",
         "text": f"<script>{m}_stream()</script>"},
        unchecked_output("stream", name="stdout", text=f"<script>{m}_stdout()</script>"),
        unchecked_output("error", ename=f"<img src=x onerror={m}_ename()>",
                   evalue=f"<script>{m}_evalue()</script>",
                   traceback=[f"<script>{m}_traceback()</script>", 7]),
        {"output_type": "evil", "data": {"text/html": f"<script>{m}_unknown()</script>"}},
    ]
    if valid:
        outputs[11].execution_count = 11
        outputs[14].traceback = outputs[14].traceback[:1]
        outputs = outputs[:-1]
    return outputs


EVIL_SVG = base64.b64encode(
    f'<svg xmlns="http://www.w3.org/2000/svg" onload="{MARK}_attachment()"/>'.encode()).decode()


def hostile_notebook(valid=False):
    """Hostile outputs, markdown and raw cells, next to honest ones and a
    locked instructor cell (with ``valid``: see hostile_outputs)."""
    m = MARK
    code = new_code_cell("display(evil)")
    code.outputs = hostile_outputs(valid)
    code.execution_count = 1 if valid else f"<script>{m}_in_prompt()</script>"
    honest = new_code_cell("print(...)", execution_count=3, outputs=[
        new_output("stream", name="stdout", text=HONEST_PRINT + "\n"),
        new_output("execute_result", data={"text/plain": HONEST_RESULT}, execution_count=3),
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
    ])
    markdown = [
        new_markdown_cell(f"<script>{m}_mdcell()</script>"),
        new_markdown_cell(f"[click](javascript:{m}_mdcelllink())"),
        new_markdown_cell(f"[click][r]\n\n[r]: jav&#x61;script:{m}_mdcellref()"),
        new_markdown_cell(f"<img src=x onerror={m}_mdcellimg()>"),
        new_markdown_cell(f'<a href="javascript:{m}_mdcellanchor()">x</a> and <javascript:{m}_auto()>'),
        new_markdown_cell(f"<div>\n\n\\[x\\](javascript:{m}_reparsed())\n\n</div>"),
        new_markdown_cell(f"```\n<script>{m}_fenced_ok()</script>\n```\n\n[x](javascript:{m}_mixed())"),
    ]
    with_attachment = new_markdown_cell("![a](attachment:evil.svg)")
    with_attachment.attachments = {"evil.svg": {"image/svg+xml": EVIL_SVG}}
    pretend_locked = new_markdown_cell(f"<script>{m}_pretend_locked()</script>")
    pretend_locked.metadata["nbgrader"] = {"locked": True}  # but no grade_id: not the gradebook's
    answer = new_markdown_cell(f"<script>{m}_written_answer()</script>")
    answer.metadata["nbgrader"] = {"solution": True, "grade": True, "locked": False,
                                   "grade_id": "written", "points": 1, "score": 0,
                                   "schema_version": 3}
    instructor = new_markdown_cell("Instructions with <b>bold</b> & <br> kept as written")
    instructor.metadata["nbgrader"] = {"locked": True, "grade_id": "intro", "solution": False,
                                       "grade": False, "schema_version": 3}
    raw = new_raw_cell(f"<script>{m}_raw()</script><img src=x onerror={m}_rawimg()>",
                       metadata={"raw_mimetype": "text/html", "format": "text/html"})
    notebook = new_notebook()
    notebook.cells = [instructor, code, honest, *markdown, with_attachment, pretend_locked,
                      answer, raw]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": f"</script><script>{m}_widgetstate()</script>"}}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def sanitized(notebook):
    notebook, _ = SanitizeOutputs().preprocess(notebook, {})
    return notebook


# --- rendering as feedback and formgrader do ---------------------------------

def exporter_config(kind, sanitize_html):
    config = Config()
    config.HTMLExporter.sanitize_html = sanitize_html
    if kind == "formgrade":  # FormgradeExtension.build_extra_config
        config.HTMLExporter.template_name = "formgrade"
        config.HTMLExporter.extra_template_basedirs = [str(NBGRADER_TEMPLATES)]
    elif kind == "feedback":  # GenerateFeedback.__init__
        config.HTMLExporter.template_name = "feedback"
        config.HTMLExporter.extra_template_basedirs = [str(NBGRADER_TEMPLATES)]
        config.HTMLExporter.extra_template_paths = [str(BOOTSTRAP_CSS)]
    return config


RESOURCES = {  # what formgrader's SubmissionHandler and GetGrades provide
    "formgrade": {"assignment_id": "a", "notebook_id": "n", "submission_id": "s", "index": 0,
                  "total": 1, "base_url": "", "student": "student", "last_name": None,
                  "first_name": None, "notebook_path": "n.ipynb"},
    "feedback": {"nbgrader": {"notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}},
    "lab": {},
}


def render(notebook, kind, sanitize_html=True):
    exporter = HTMLExporter(config=exporter_config(kind, sanitize_html))
    body, _ = exporter.from_notebook_node(nbformat.from_dict(notebook),
                                          resources=json.loads(json.dumps(RESOURCES[kind])))
    return body


KINDS = ["lab", "formgrade", "feedback"]


@pytest.mark.parametrize("sanitize_html", [True, False], ids=["sanitize_html", "no_sanitize_html"])
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_executable_survives_sanitize_outputs(kind, sanitize_html):
    """After SanitizeOutputs no page runs any of the attacker's code, with
    or without nbconvert's render-time sanitiser."""
    for valid in (True, False):
        page = render(sanitized(hostile_notebook(valid)), kind, sanitize_html)
        assert executable_markers(page) == []


@pytest.mark.parametrize("kind", ["formgrade", "feedback"])
def test_render_time_sanitising_alone_is_not_enough(kind):
    """Without SanitizeOutputs, nbgrader's templates run the attacker's code
    even with HTMLExporter.sanitize_html: they insert markdown cells
    unsanitised, and an image's width goes into <img> unquoted."""
    found = executable_markers(render(hostile_notebook(valid=True), kind, sanitize_html=True))
    assert any("onerror" in f for f in found), found
    assert any("<script>" in f for f in found), found


@pytest.mark.parametrize("kind", KINDS)
def test_stock_rendering_runs_the_attackers_code(kind):
    """What nbgrader shows without any sanitising: a script per output kind."""
    found = executable_markers(render(hostile_notebook(valid=True), kind, sanitize_html=False))
    assert len(found) >= 5, found


@pytest.mark.parametrize("kind", KINDS)
def test_honest_outputs_survive(kind):
    page = render(sanitized(hostile_notebook()), kind)
    assert HONEST_PRINT in page
    assert HONEST_RESULT in page
    assert f'src="data:image/png;base64,{PNG}"' in page
    assert "[rich output removed by the grader]" in page


def test_outputs_are_rebuilt_as_plain_data():
    notebook = sanitized(hostile_notebook())
    code = notebook.cells[1]
    allowed = {"text/plain", "image/png", "image/jpeg"}
    for output in code.outputs:
        assert output.output_type in ("stream", "error", "display_data", "execute_result")
        if output.output_type in ("display_data", "execute_result"):
            assert set(output.data) <= allowed, output
            assert output.metadata == {}
            assert all(isinstance(v, str) for v in output.data.values())
            for mimetype in ("image/png", "image/jpeg"):
                if mimetype in output.data:
                    assert is_base64(output.data[mimetype])
        if output.output_type == "stream":
            assert output.name in ("stdout", "stderr") and isinstance(output.text, str)
        if output.output_type == "error":
            assert all(isinstance(line, str) for line in output.traceback)
            assert isinstance(output.ename, str) and isinstance(output.evalue, str)
    kinds = [o.output_type for o in code.outputs]
    assert "evil" not in kinds and len(kinds) == len(hostile_outputs()) - 1
    assert code.execution_count is None
    assert all(o.get("execution_count") is None for o in code.outputs
               if o.output_type == "execute_result")
    # the real PNG is kept (without its metadata), the forged ones are not
    pngs = [o.data["image/png"] for o in code.outputs if "image/png" in o.get("data", {})]
    assert pngs == [PNG]
    assert "widgets" not in notebook.metadata
    nbformat.validate(notebook)


def test_markdown_and_raw_cells_lose_their_html():
    notebook = sanitized(hostile_notebook())
    instructor = notebook.cells[0]
    assert instructor.source == "Instructions with <b>bold</b> & <br> kept as written"
    students = [c for c in notebook.cells[3:] if c.cell_type in ("markdown", "raw")]
    for cell in students:
        assert "attachments" not in cell
        assert not inert_html_problems(render_markdown(cell.source)), cell.source
    raw = notebook.cells[-1]
    assert raw.metadata == {}
    # honest markdown is left as it is
    honest = "## Title\n\nSome *emphasis*, `code`, $x^2$ and [a link](https://example.com)."
    assert SanitizeOutputs().clean_markdown(honest) == honest


def test_svg_cannot_be_configured_back():
    from traitlets import TraitError
    with pytest.raises(TraitError):
        SanitizeOutputs(kept_images=["image/png", "image/svg+xml"])


def render_markdown(source):
    from nbconvert.filters import markdown2html
    return markdown2html(source)


def test_the_course_config_sanitises_formgrader_and_feedback(tmp_path, monkeypatch):
    """c.HTMLExporter.sanitize_html reaches the exporter that formgrader
    builds (FormgradeExtension, from the course's nbgrader_config.py) and
    the one generate_feedback builds."""
    from nbgrader.apps import GenerateFeedbackApp
    from nbgrader.converters import GenerateFeedback
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    root = tmp_path / "course"
    root.mkdir()
    lines = [line for line in COURSE_LINES.splitlines() if line.startswith("c.HTMLExporter")]
    if course_has_the_lines():
        lines = [line for line in (ROOT / "nbgrader_config.py").read_text().splitlines()
                 if line.startswith("c.HTMLExporter")]
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\n%s\n" % (str(root), "\n".join(lines)))
    monkeypatch.chdir(root)
    formgrader = FormgradeExtension()
    formgrader.root_dir = str(tmp_path)
    formgrader.initialize([])
    exporter = HTMLExporter(config=formgrader.config)  # as init_tornado_settings does
    assert exporter.template_name == "formgrade"
    assert exporter.sanitize_html
    app = GenerateFeedbackApp()
    app.initialize([])
    feedback = GenerateFeedback(coursedir=app.coursedir, parent=app)
    exporter = feedback.exporter_class(parent=feedback, config=feedback.config)
    assert exporter.template_name == "feedback"
    assert exporter.sanitize_html


# --- the real pipeline -------------------------------------------------------

def course_builder(stock):
    """gccourse.demo.new_course, plus the lines this needs in the course
    copy (while the main nbgrader_config.py lacks them); with ``stock``,
    nbgrader's own feedback too."""
    original = gccourse.demo.new_course

    def new_course(folder, stock_pipeline=False):
        root = original(folder, stock_pipeline)
        extra = STOCK_FEEDBACK if stock else ("" if course_has_the_lines() else COURSE_LINES)
        with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(extra)
        return root
    return new_course


def grade(tmp_path_factory, stock):
    workdir = tmp_path_factory.mktemp("stock" if stock else "ours")
    folder = workdir / "submissions"
    folder.mkdir()
    for name in ("aaa_bystander", FIXTURE):
        shutil.copy(HOSTILE / f"{name}.py", folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gccourse.demo, "new_course", course_builder(stock))
        outcomes = catalogue.run(folder, course.DEMO_STUDENTS / "complete.py", workdir=workdir,
                                 echo=lambda *a: None, nbgrader_args=FAST, stock=stock)
    root = workdir / "course"
    return {"root": root, "outcomes": {o.name: o for o in outcomes},
            "feedback": (root / "feedback" / FIXTURE / course.ASSIGNMENT
                         / f"{course.NOTEBOOK}.html").read_text(encoding="utf-8"),
            "formgrader": formgrader_page(root, FIXTURE),
            "autograded": nbformat.read(root / "autograded" / FIXTURE / course.ASSIGNMENT
                                        / f"{course.NOTEBOOK}.ipynb", as_version=4)}


def formgrader_page(root, student):
    """The page formgrader shows for a student's autograded notebook, built
    as formgrader builds it (FormgradeExtension in the course folder)."""
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension
    before = os.getcwd()
    os.chdir(root)
    try:
        formgrader = FormgradeExtension()
        formgrader.root_dir = str(root.parent)
        formgrader.initialize([])
        exporter = HTMLExporter(config=formgrader.config)
    finally:
        os.chdir(before)
    assert exporter.template_name == "formgrade"
    path = root / "autograded" / student / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    resources = dict(RESOURCES["formgrade"], student=student,
                     notebook_path=str(path.relative_to(root)))
    page, _ = exporter.from_filename(str(path), resources=resources)
    return page


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return grade(tmp_path_factory, stock=False)


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return grade(tmp_path_factory, stock=True)


@pytest.mark.hostile
def test_the_attack_earns_its_honest_score(ours):
    for name in ("aaa_bystander", FIXTURE):
        outcome = ours["outcomes"][name]
        assert outcome.earned and not outcome.problems(), (name, outcome.problems())


@pytest.mark.hostile
def test_no_script_reaches_the_feedback(ours):
    assert MARK in ours["feedback"]  # the attack ran (as text, harmlessly)
    assert executable_markers(ours["feedback"]) == []


@pytest.mark.hostile
def test_no_script_reaches_formgrader(ours):
    assert MARK in ours["formgrader"]
    assert executable_markers(ours["formgrader"]) == []


@pytest.mark.hostile
def test_the_autograded_notebook_holds_only_plain_data(ours):
    kinds = set()
    for cell in ours["autograded"].cells:
        for output in cell.get("outputs", []):
            kinds |= set(output.get("data", {}))
    assert kinds and not kinds & {"text/html", "application/javascript", "image/svg+xml",
                                  "text/markdown", "text/latex"}, kinds
    assert kinds <= {"text/plain", "image/png", "image/jpeg"}, kinds


@pytest.mark.hostile
def test_stock_nbgrader_runs_the_attackers_scripts(stock):
    """What stock nbgrader falls for: the attacker's scripts run in the
    student's feedback page and in the instructor's formgrader."""
    feedback = executable_markers(stock["feedback"])
    formgrader = executable_markers(stock["formgrader"])
    assert any("<script>" in f for f in feedback), feedback
    assert any("onerror" in f for f in feedback), feedback
    assert any("<script>" in f for f in formgrader), formgrader
    kinds = {k for c in stock["autograded"].cells for o in c.get("outputs", [])
             for k in o.get("data", {})}
    assert {"text/html", "application/javascript", "image/svg+xml"} <= kinds


def test_a_print_that_arrives_in_pieces_is_one_output():
    """How a print reaches the grader in pieces depends on timing; the graded
    notebook must not (the demo's committed results are compared byte for
    byte). Only consecutive pieces of one stream are joined."""
    from gradekit.execute import join_streams
    pieces = [new_output("stream", name="stdout", text="theta has shape"),
              new_output("stream", name="stdout", text=" (47, 1)\n"),
              new_output("stream", name="stderr", text="warning\n"),
              new_output("stream", name="stdout", text="done\n"),
              new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
              new_output("stream", name="stdout", text="after\n"),
              {"output_type": "stream", "name": "stdout", "text": ["not", "a string"]}]
    assert [(o.get("output_type"), o.get("name"), o.get("text")) for o in join_streams(pieces)] == [
        ("stream", "stdout", "theta has shape (47, 1)\n"),
        ("stream", "stderr", "warning\n"),
        ("stream", "stdout", "done\n"),
        ("execute_result", None, None),
        ("stream", "stdout", "after\n"),
        ("stream", "stdout", ["not", "a string"])]


def test_formgrader_guard_escapes_ids_taken_from_the_url():
    """nbgrader's formgrader writes the student id from the URL into a
    script; gradekit.formgrader_guard turns on escaping for its pages (the
    hub test follows such a link in chromium)."""
    from jinja2 import Environment, FileSystemLoader
    from nbgrader.server_extensions.formgrader import handlers

    from gradekit.formgrader_guard import guard
    environment = Environment(loader=FileSystemLoader([handlers.template_path]))
    attack = '";window.STOLEN_BY_ATTACKER_link=1;"'

    def page():
        return environment.get_template("manage_students_assignments.tpl").render(
            student_id=attack, base_url="/user/ann", assignment_id="gradient_checking")
    assert f'var student_id = "{attack}";' in page()  # stock: the script string is closed
    assert guard({"nbgrader_jinja2_env": environment})
    assert 'var student_id = "&#34;;window.STOLEN_BY_ATTACKER_link=1;&#34;";' in page()
    assert not guard({})
