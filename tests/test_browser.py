"""The student's notebook in a real browser: JupyterLab (the pinned version,
from this environment) with nbgrader's labextension, driven through headless
Chromium with Playwright.

Two copies of the release are opened. The first runs unfinished and must
show the short "Not finished yet" notes. In the second, every answer is typed
into its cell through the page; then the visible tests must pass, the epsilon
plot must be drawn as an image, and nbgrader's Validate button must report
success. Screenshots go to artifacts/browser/.

Debian's chromium is used (/usr/bin/chromium, CHROMIUM to override); a
browser is never downloaded. Without it the test fails and says so.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from conftest import RELEASE_NOTEBOOK, ROOT, SOURCE_NOTEBOOK, read
from gccourse import course
from gradekit.stubs import split_regions, stub_lines
from gccourse.submissions import grade_id

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts" / "browser"
RELEASE_FOLDER = RELEASE_NOTEBOOK.parent
NOTEBOOK_FILE = RELEASE_NOTEBOOK.name

# Generous limits: a cold kernel, the epsilon sweep and nbgrader's own run of
# the notebook all happen inside them.
SERVER_START = 90      # seconds
RUN_ALL = 180_000      # milliseconds
UI = 60_000            # milliseconds


# --------------------------------------------------------------------------
# The answers, as a student would type them
# --------------------------------------------------------------------------

def answer(source_cell):
    """The whole cell a student hands in: the release cell with each
    placeholder block replaced by the solution's lines (START/END CODE HERE
    markers kept), and the planted bugs of backward_propagation_n fixed."""
    lines = []
    for item in split_regions(source_cell.source):
        if isinstance(item, str):
            lines.append(item)
        elif item.release is not None:          # a planted bug: write the fix
            lines.extend(item.solution)
        else:
            stub = stub_lines(item.solution, item.indent,
                              "### START CODE HERE ###", "### END CODE HERE ###")
            lines.extend([stub[0], *item.solution, stub[-1]])
    return "\n".join(lines)


def answers():
    """grade_id -> the student's answer, for every answer cell."""
    return {grade_id(c): answer(c) for c in read(SOURCE_NOTEBOOK).cells
            if c.metadata.get("nbgrader", {}).get("solution")}


# --------------------------------------------------------------------------
# The JupyterLab server
# --------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pinned(package):
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.lower().startswith(package + "=="):
            return line.split("==")[1]
    raise LookupError(package)


def lab_settings(config_dir):
    """User settings for a quiet, deterministic lab: no news or update
    checks (no network), and every cell kept in the page."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = config_dir / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port, with its own root folder
    (two copies of the release) and its own Jupyter config, data, runtime
    and IPython folders, so nothing of the user's setup leaks in.

    Returns:
    dict with "url" (ending in /), "token", "root" (Path)
    """
    import jupyterlab
    import nbgrader
    assert jupyterlab.__version__ == pinned("jupyterlab"), (
        f"run through ./course test: JupyterLab {jupyterlab.__version__} is not the pinned one")
    assert nbgrader.__version__ == pinned("nbgrader")
    labextension = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader/package.json"
    assert labextension.is_file(), f"nbgrader's labextension is missing: {labextension}"

    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    for name in ("unfinished", "finished"):
        shutil.copytree(RELEASE_FOLDER, root / name / RELEASE_FOLDER.name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    env = {k: v for k, v in course.environment().items()
           if not k.startswith(("JUPYTER", "IPYTHON", "MPL", "PYTHONPATH"))}
    for variable, folder in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                             ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                             ("MPLCONFIGDIR", "matplotlib")]:
        (base / folder).mkdir()
        env[variable] = str(base / folder)
    lab_settings(base / "config")

    port, token = free_port(), uuid.uuid4().hex
    log = open(base / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {server.returncode}:\n"
                                   + (base / "lab.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within "
                                       f"{SERVER_START} s:\n" + (base / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield {"url": url, "token": token, "root": root, "log": base / "lab.log"}
    finally:
        # the whole process group: the server and every kernel it started
        try:
            os.killpg(server.pid, 15)
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=20)
        except ProcessLookupError:
            pass
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian chromium in a fresh profile."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: the browser test needs Debian's chromium "
                    "(apt-get install chromium), or CHROMIUM=/path/to/chromium", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(UI)
        try:
            yield context
        finally:
            context.close()


# --------------------------------------------------------------------------
# Driving the page
# --------------------------------------------------------------------------

def open_notebook(browser, lab, folder):
    page = browser.new_page()
    page.goto(f"{lab['url']}lab/tree/{folder}/{RELEASE_FOLDER.name}/{NOTEBOOK_FILE}"
              f"?token={lab['token']}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    wait_for_kernel_idle(page)
    return page


def notebook(page):
    return page.locator(".jp-NotebookPanel:visible .jp-Notebook")


def cells(page):
    return notebook(page).locator(".jp-Cell")


def wait_for_kernel_idle(page, timeout=UI):
    """Wait until the notebook's kernel has started and is idle. The toolbar
    indicator alone says "idle" before any kernel exists, so the status
    bar must also name the kernel and say it is idle."""
    page.wait_for_function(
        """() => {
            const status = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                .map(item => item.innerText.trim());
            return status !== null && status.dataset.status === 'idle'
                && bar.some(text => /^Python 3 \\(ipykernel\\) \\| Idle$/.test(text));
        }""", timeout=timeout, polling=250)


PANEL_JS = """[...document.querySelectorAll('.jp-NotebookPanel')]
                   .find(p => p.offsetParent !== null)"""


def run_all(page):
    """Run > Run All Cells, then wait until every code cell has its
    execution number and the kernel is idle."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(r"^Run All Cells")).first.click()
    try:
        page.wait_for_function(
            f"""() => {{
                const panel = {PANEL_JS};
                const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
                return prompts.length > 0
                    && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()))
                    && status !== null && status.dataset.status === 'idle';
            }}""", timeout=RUN_ALL, polling=250)
    except Exception as error:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "run_all_timeout.png"))
        state = page.evaluate(f"""() => {{
            const panel = {PANEL_JS};
            return [[...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                        .map(p => p.textContent.trim()),
                    panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status];
        }}""")
        raise AssertionError(f"Run All did not finish: prompts {state[0]}, kernel {state[1]}") from error


def code_outputs(page):
    """For each code cell, in order: (its outputs' text, their MIME types)."""
    return page.evaluate(
        f"""() => {{
            const panel = {PANEL_JS};
            return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({{
                code: cell.classList.contains('jp-CodeCell'),
                outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({{
                    mime: o.dataset.mimeType || '',
                    text: o.innerText,
                }})),
            }}));
        }}""")


def type_into_cell(page, index, text):
    """Replace a cell's text as a student would: click into its editor,
    select everything, and insert the new text (no auto-indent)."""
    editor = cells(page).nth(index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def save(page):
    """File > Save (Ctrl+S), and wait until the tab no longer shows unsaved
    changes."""
    page.keyboard.press("Control+S")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)") \
        .wait_for()


def released_cells():
    return read(RELEASE_NOTEBOOK).cells


# --------------------------------------------------------------------------
# The unfinished notebook
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unfinished(browser, lab):
    page = open_notebook(browser, lab, "unfinished")
    run_all(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    index = next(i for i, c in enumerate(released_cells()) if grade_id(c) == "test_gradient_check")
    cells(page).nth(index).locator(".jp-OutputArea-output").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "unfinished_run_all.png"))
    yield page, code_outputs(page)
    page.close()


def test_unfinished_notebook_shows_not_finished_notes_not_tracebacks(unfinished):
    _, outputs = unfinished
    errors = [o["text"] for cell in outputs for o in cell["outputs"]
              if o["mime"] == "application/vnd.jupyter.stderr"]
    notes = [text for text in errors if "Not finished yet" in text]
    # every exercise's example and test cells fail with the note ...
    assert len(notes) >= 10, errors
    for text in notes:
        assert "is not finished yet" in text and "Traceback" not in text, text
    # ... and the only other error is the planted-bug test's own assertion
    others = [text for text in errors if "Not finished yet" not in text]
    assert len(others) == 1, others
    assert "AssertionError: db1 is 4 times as long as it should be; " \
        "dW2 is 2 times as long as it should be" in others[0], others


def test_unfinished_notebook_names_each_unfinished_exercise(unfinished):
    _, outputs = unfinished
    shown = "\n".join(o["text"] for cell in outputs for o in cell["outputs"])
    for name in ["forward_propagation", "backward_propagation", "gradient_check",
                 "gradient_check_n", "difference_per_parameter"]:
        assert f"The exercise `{name}` is not finished yet" in shown, name


# --------------------------------------------------------------------------
# The finished notebook, typed in through the page
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def finished(browser, lab):
    page = open_notebook(browser, lab, "finished")
    typed = answers()
    release = released_cells()
    for index, cell in enumerate(release):
        if grade_id(cell) in typed:
            type_into_cell(page, index, typed[grade_id(cell)])
    save(page)
    # What reached the file is exactly what was typed, cell by cell.
    saved = nbformat.read(str(lab["root"] / "finished" / RELEASE_FOLDER.name / NOTEBOOK_FILE),
                          as_version=4)
    for cell in saved.cells:
        if grade_id(cell) in typed:
            assert cell.source == typed[grade_id(cell)], grade_id(cell)
    run_all(page)
    save(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield page, code_outputs(page)
    page.close()


def test_typed_answers_are_the_solutions_in_the_release_cells():
    """The typed answers keep the release's own lines around each block."""
    typed = answers()
    release = {grade_id(c): c.source for c in released_cells() if grade_id(c) in typed}
    assert set(typed) == set(release) and len(typed) == 6
    for name, text in typed.items():
        kept = [line for line in release[name].split("\n") if "= None" not in line
                and "dW2 =" not in line and "db1 =" not in line]
        assert [line for line in text.split("\n") if line in kept] == kept, name
        assert "= None" not in text


def test_finished_notebook_passes_every_visible_test(finished):
    _, outputs = finished
    shown = "\n".join(o["text"] for cell in outputs for o in cell["outputs"])
    for name in ["forward_propagation", "backward_propagation", "gradient_check",
                 "gradient_check_n", "difference_per_parameter", "backward_propagation_n"]:
        assert f"{name}: visible tests passed" in shown, name
    errors = [o["text"] for cell in outputs for o in cell["outputs"]
              if o["mime"] == "application/vnd.jupyter.stderr"]
    assert not errors, errors


def test_finished_notebook_prints_the_expected_values(finished):
    _, outputs = finished
    shown = "\n".join(o["text"] for cell in outputs for o in cell["outputs"])
    assert "difference = 2.919335883291695e-10" in shown
    # the backward pass is already fixed, so the N-D example prints the
    # published value of the corrected network at epsilon = 1e-7
    assert "difference = 1.1890913024229996e-07" in shown
    assert "The check passes: difference = 9.32e-10 is below 1e-7." in shown
    assert "The check fails: difference = 1.19e-07 is above 1e-7" in shown


def test_epsilon_plot_is_rendered_as_an_image(finished):
    page, _ = finished
    index = next(i for i, c in enumerate(released_cells()) if grade_id(c) == "epsilon_plot")
    image = cells(page).nth(index).locator(".jp-OutputArea-output img")
    assert image.count() == 1
    image.scroll_into_view_if_needed()
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 300 and size[1] > 200, size
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.screenshot(path=str(ARTIFACTS / "epsilon_plot.png"))
    page.screenshot(path=str(ARTIFACTS / "finished_notebook.png"))
    for name in ("epsilon_plot.png", "finished_notebook.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name


def test_figures_in_the_text_load_in_the_browser(finished):
    """Every figure of the notebook's text is an <img> the browser loaded,
    with the alt text written for it."""
    from test_notebook_text import figures
    page, _ = finished
    wanted = [(src, alt) for _, alt, src, _ in figures(RELEASE_NOTEBOOK)]
    images = notebook(page).locator(".jp-MarkdownOutput img")
    assert images.count() == len(wanted) == 3
    for k, (src, alt) in enumerate(wanted):
        image = images.nth(k)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle())
        assert image.get_attribute("alt") == alt
        assert image.evaluate("img => img.currentSrc").split("?")[0].endswith(src), src
        assert image.bounding_box()["width"] > 400, src
    images.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "figure_1_in_lab.png"))


def test_nbgrader_validate_button_reports_success(finished):
    page, _ = finished
    button = page.locator(".jp-NotebookPanel:visible .validate-button")
    button.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=RUN_ALL)
    assert "Validation Results" in dialog.locator(".jp-Dialog-header").inner_text()
    body = dialog.locator(".jp-Dialog-body").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "validate_dialog.png"))
    assert "Success! Your notebook passes all the tests." in body, body
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached")
