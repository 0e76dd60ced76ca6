"""An honest student's zipped folder, as macOS makes it (a checkpoint copy,
__MACOSX clutter, a notes file): zip_collect graded it under the made-up id
"Gradient"; filed as the uploader's, with the notes file."""
import io
import zipfile

UPLOADER = "zoe"
FILED = True
REASON = ""
NOT_FILED = ["Gradient", "Homework 1"]


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as upload:
        upload.writestr("Homework 1/", b"")
        upload.writestr("Homework 1/Gradient_Checking.ipynb", notebook)
        upload.writestr("Homework 1/.ipynb_checkpoints/Gradient_Checking-checkpoint.ipynb", b"{}")
        upload.writestr("Homework 1/notes.txt", "epsilon = 1e-7")
        upload.writestr("__MACOSX/Homework 1/._Gradient_Checking.ipynb", b"\0\5\26\7")
    lms.writestr("zoe_Homework 1.zip", inner.getvalue())
