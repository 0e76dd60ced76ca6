"""Correct answers that also display HTML, JavaScript, SVG, markdown and
forged images carrying scripts, when defined and whenever the tests call
them: aimed at the feedback page and at the instructor's formgrader.

Every script calls a function named STOLEN_BY_ATTACKER_<where> (the tests
look for that marker in executable form on the rendered pages). It earns
full marks: its answers are right; only its outputs must be made harmless.
"""
EXPECTED = {}

# %% [forward_propagation]
from IPython.display import HTML, SVG, Javascript, Latex, Markdown, display

MARK = "STOLEN_BY_ATTACKER"
PNG_1X1 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6k"
           "gAAAABJRU5ErkJggg==")


def _attack(where):
    tag = f"{MARK}_{where}"
    display(HTML(f"<script>{tag}_html()</script><img src=x onerror={tag}_img()>"))
    display(Javascript(f"{tag}_js()"))
    display(SVG(f'<svg xmlns="http://www.w3.org/2000/svg" onload="{tag}_svg()">'
                f"<script>{tag}_svgscript()</script></svg>"))
    display(Markdown(f"<script>{tag}_md()</script> [click me](javascript:{tag}_mdlink())"))
    display(Latex(f"</div><script>{tag}_latex()</script>"))
    display({"text/plain": "harmless", "text/html": f"<iframe srcdoc='<script>{tag}_iframe()</script>'>",
             "application/x-evil": f"<script>{tag}_other()</script>"}, raw=True)
    display({"text/html": f"<script>{tag}_isolated()</script>"},
            metadata={"text/html": {"isolated": True}}, raw=True)
    display({"image/png": f'"><script>{tag}_png()</script>'}, raw=True)
    display({"image/png": PNG_1X1},
            metadata={"image/png": {"width": f"1 onerror={tag}_width()"}}, raw=True)


_attack("definition")


def forward_propagation(x, theta):
    _attack("call")
    J = np.dot(theta, x)
    return J


HTML(f"<script>{MARK}_result()</script>")
