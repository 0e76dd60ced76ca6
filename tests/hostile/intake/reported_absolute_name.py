"""A file of the download with an absolute name: reported, nothing written
there."""

UPLOADER = ""
FILED = False
REASON = "absolute path"


def write(lms, notebook):
    lms.writestr("/tmp/abby_Gradient_Checking.ipynb", notebook)
