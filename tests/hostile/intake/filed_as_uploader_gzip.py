"""A plain gzip'ed notebook (which aborted zip_collect for everyone): filed."""
import gzip

UPLOADER = "gus"
FILED = True
REASON = ""


def write(lms, notebook):
    lms.writestr("gus_Gradient_Checking.ipynb.gz", gzip.compress(notebook))
