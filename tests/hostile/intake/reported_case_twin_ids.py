"""Two ids that differ only in case (one folder on a case-insensitive file
system, and one student's upload replacing the other's): neither is
filed, both are reported."""

UPLOADER = "kim"
FILED = False
REASON = "only in case"
NOT_FILED = ["Kim"]


def write(lms, notebook):
    lms.writestr("kim_Gradient_Checking.ipynb", notebook)
    lms.writestr("Kim_Gradient_Checking.ipynb", notebook)
