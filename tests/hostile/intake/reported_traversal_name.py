"""A file of the download named to climb out of every folder: reported,
nothing written anywhere."""

UPLOADER = ""
FILED = False
REASON = "climbs out of its folder"


def write(lms, notebook):
    lms.writestr("../../../../tmp/pete_Gradient_Checking.ipynb", notebook)
