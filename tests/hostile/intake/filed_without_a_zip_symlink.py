"""A zip with the notebook and a symbolic-link entry to /etc/passwd: the
notebook is filed, the link is left out (never made, never followed)."""
import io
import stat
import zipfile

UPLOADER = "lena"
FILED = True
REASON = "symbolic link"


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as upload:
        upload.writestr("Gradient_Checking.ipynb", notebook)
        link = zipfile.ZipInfo("answers.txt", date_time=(2024, 1, 1, 0, 0, 0))
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        upload.writestr(link, "/etc/passwd")
    lms.writestr("lena_hw.zip", inner.getvalue())
