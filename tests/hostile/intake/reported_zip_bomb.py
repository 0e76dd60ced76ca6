"""A 64 MiB notebook of zeros, deflated to about 65 KB inside the upload
(ratio about 1000; zip_collect wrote it all): refused once it passes 1 MiB
unpacked, nothing filed."""
import io
import zipfile

UPLOADER = "mallory"
FILED = False
REASON = "expands more than 100 times"


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as upload:
        with upload.open("Gradient_Checking.ipynb", "w", force_zip64=True) as entry:
            zeros = bytes(1 << 20)
            for _ in range(64):
                entry.write(zeros)
    lms.writestr("mallory_homework.zip", inner.getvalue())
