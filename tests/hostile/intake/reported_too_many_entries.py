"""An upload of 1500 empty files (inodes and time for nothing) next to its
notebook: past the cap on entries, nothing filed."""
import io
import zipfile

UPLOADER = "tess"
FILED = False
REASON = "more than 1000 entries"


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as upload:
        upload.writestr("Gradient_Checking.ipynb", notebook)
        for i in range(1500):
            upload.writestr(f"junk/{i}.txt", b"")
    lms.writestr("tess_hw.zip", inner.getvalue())
