"""The notebook's text and figures: its structure, the figures we draw
(referenced with alt text, shipped to students, valid SVG with real text in
a colour-blind-safe palette), maths JupyterLab can render, and a closing
summary that says when to use gradient checking."""

import re
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, read

SVG = "{http://www.w3.org/2000/svg}"
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\)")
# Okabe & Ito's colour-blind-safe palette (black aside).
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]


def markdown(path=SOURCE_NOTEBOOK):
    return [(index, cell.source) for index, cell in enumerate(read(path).cells)
            if cell.cell_type == "markdown"]


def figures(path=SOURCE_NOTEBOOK):
    """(cell index, alt text, src, the cell's text without images) for each
    image in the notebook's markdown, in order."""
    return [(index, match["alt"], match["src"], IMAGE.sub("", source))
            for index, source in markdown(path) for match in IMAGE.finditer(source)]


def test_sections_come_in_teaching_order():
    headings = [line for _, source in markdown() for line in source.split("\n")
                if line.startswith("## ")]
    expected = ["How gradient checking works", "in one dimension", "in N dimensions",
                "Finding the bug", "Choosing epsilon", "When to use gradient checking"]
    assert len(headings) == len(expected), headings
    for number, (heading, words) in enumerate(zip(headings, expected), start=1):
        assert heading.startswith(f"## {number}. ") and words in heading, heading


def test_introduction_says_why_gradient_checking_matters():
    _, intro = markdown()[0]
    assert intro.startswith("# Gradient Checking")
    for point in ["Backpropagation is easy to get subtly wrong", "nothing tells you",
                  "numerically", "compares"]:
        assert point in intro, point


def test_the_three_figures_are_in_the_text_in_order():
    assert [src for _, _, src, _ in figures()] == [
        "images/check_1d.svg", "images/rolling.svg", "images/check_nd.svg"]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_figure_has_descriptive_alt_text_and_is_named_in_the_prose(number):
    index, alt, src, prose = figures()[number - 1]
    assert alt.startswith(f"Figure {number}: ") and len(alt.split()) >= 15, alt
    assert f"Figure {number} shows" in prose or f"(Figure {number})" in prose, prose
    assert f"*Figure {number}." in prose  # a caption under the figure


def test_every_figure_ships_with_the_release_unchanged():
    assert figures(RELEASE_NOTEBOOK) == figures(SOURCE_NOTEBOOK)
    for _, _, src, _ in figures():
        source, released = SOURCE_NOTEBOOK.parent / src, RELEASE_NOTEBOOK.parent / src
        assert source.is_file(), source
        assert released.is_file(), f"{released} missing: run ./course release"
        assert released.read_bytes() == source.read_bytes()


def test_no_image_file_is_left_unused():
    used = {src for _, _, src, _ in figures()}
    shipped = {f"images/{p.name}" for p in (SOURCE_NOTEBOOK.parent / "images").iterdir()}
    assert shipped == used


def svg_files():
    return sorted((SOURCE_NOTEBOOK.parent / "images").glob("*.svg"))


@pytest.mark.parametrize("path", svg_files(), ids=lambda p: p.name)
def test_figure_is_an_svg_drawing_with_a_title_a_description_and_real_text(path):
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG}svg" and root.get("viewBox"), path
    assert root.findtext(f"{SVG}title", "").strip()
    assert len(root.findtext(f"{SVG}desc", "").split()) >= 20
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    assert len([t for t in texts if t]) >= 10, texts
    # drawn, not pasted: no embedded pictures or external references
    assert not list(root.iter(f"{SVG}image"))
    assert "href=" not in path.read_text(encoding="utf-8").replace('url(#', '')


def _hex(colour):
    return [int(colour[k:k + 2], 16) for k in (1, 3, 5)]


def _from_palette(colour):
    """Whether a colour is grey, or an Okabe-Ito colour, or one mixed with
    white (a tint) or with black (a shade), to within rounding."""
    rgb = _hex(colour)
    if max(rgb) - min(rgb) <= 2:
        return True
    for base in map(_hex, OKABE_ITO):
        k = max(range(3), key=lambda c: 255 - base[c])
        t = (rgb[k] - base[k]) / (255 - base[k])  # tint: base + t * (white - base)
        if 0 <= t <= 1 and all(abs(base[c] + t * (255 - base[c]) - rgb[c]) <= 3 for c in range(3)):
            return True
        k = max(range(3), key=lambda c: base[c])
        s = 1 - rgb[k] / base[k]                  # shade: base * (1 - s)
        if 0 <= s <= 1 and all(abs(base[c] * (1 - s) - rgb[c]) <= 3 for c in range(3)):
            return True
    return False


def test_palette_check_rejects_colours_outside_the_palette():
    assert _from_palette("#E69F00") and _from_palette("#F2CF7F") and _from_palette("#333333")
    assert not _from_palette("#FF0000") and not _from_palette("#00FF00")


@pytest.mark.parametrize("path", svg_files(), ids=lambda p: p.name)
def test_figure_colours_come_from_the_okabe_ito_palette(path):
    text = path.read_text(encoding="utf-8")
    colours = re.findall(r"#[0-9A-Fa-f]{6}\b", text)
    assert colours
    assert not re.search(r"rgb\(|hsl\(|\b(red|green|blue)\b\s*[;\"]", text)
    assert [c for c in colours if not _from_palette(c)] == []


def test_maths_uses_delimiters_jupyterlab_renders():
    for index, source in markdown():
        prose = re.sub(r"```.*?```|`[^`\n]*`", "", source, flags=re.S)
        assert prose.count("$$") % 2 == 0, index
        assert prose.replace("$$", "").count("$") % 2 == 0, index
        assert "\\(" not in prose and "\\[" not in prose, index


def test_every_exercise_is_followed_by_its_expected_output():
    cells = read(SOURCE_NOTEBOOK).cells
    starts = [i for i, c in enumerate(cells)
              if c.cell_type == "markdown" and re.search(r"^### Exercise \d", c.source, re.M)]
    assert len(starts) == 6
    for start in starts:
        stop = next((i for i in range(start + 1, len(cells)) if cells[i].cell_type == "markdown"
                     and re.search(r"^##(#)? ", cells[i].source, re.M)
                     and re.search(r"^(## \d|### Exercise)", cells[i].source, re.M)), len(cells))
        assert any(c.cell_type == "markdown" and "**Expected output**" in c.source
                   for c in cells[start + 1:stop]), cells[start].source.split("\n")[0]


def closing_section():
    sources = [source for _, source in markdown()]
    start = next(i for i, s in enumerate(sources) if s.startswith("## 6. When to use"))
    return "\n".join(sources[start:])


@pytest.mark.parametrize("advice", [
    ("not every training iteration, it is slow", ["too slow", "every training iteration"]),
    ("dropout off, check, dropout on", ["Dropout", "Turn dropout off", "turn it back on"]),
    ("double precision", ["double precision", "float32"]),
    ("kinks such as ReLU at 0", ["kink", "ReLU", "straddles"]),
], ids=lambda advice: advice[0])
def test_closing_summary_says_when_to_use_gradient_checking(advice):
    text = closing_section()
    for words in advice[1]:
        assert words in text, words
