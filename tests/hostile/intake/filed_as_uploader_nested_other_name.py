"""A zip holding a notebook named after another student (bob_x.ipynb,
which zip_collect filed as bob's): filed as the uploader's, bob gets
nothing."""
import io
import zipfile

UPLOADER = "alice"
FILED = True
REASON = ""
NOT_FILED = ["bob"]


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as upload:
        upload.writestr("bob_Gradient_Checking.ipynb", notebook)
    lms.writestr("alice_homework.zip", inner.getvalue())
