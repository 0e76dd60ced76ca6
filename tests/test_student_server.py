"""The trusted regrade's student-side process (studentside.server)
starts once per submission, so it must start fast without changing what
student code can do."""

import subprocess
import sys

PROGRAM = """
import sys
from studentside.server import import_lazily
import_lazily()
import matplotlib.pyplot as plt
print("after import:", "matplotlib.figure" in sys.modules)
import io
plt.figure()
plt.plot([1, 2, 3])
buffer = io.BytesIO()
plt.savefig(buffer, format="png")
print("drew a png:", buffer.getvalue()[:4] == b"\\x89PNG")
plt.rcParams["lines.linewidth"] = 3
import matplotlib
print("settings shared:", matplotlib.rcParams["lines.linewidth"] == 3)
"""


def test_pyplot_is_imported_only_when_student_code_uses_it():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                            env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "after import: False", "drew a png: True", "settings shared: True"]


def test_the_server_imports_neither_nbgrader_nor_nbconvert():
    program = ("import sys, studentside.server; "
               "print(sorted(m for m in sys.modules if m.split('.')[0] in "
               "('nbgrader', 'nbconvert', 'nbformat', 'traitlets', 'matplotlib')))")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
