"""A student id that is a spreadsheet formula: not an id, reported."""

UPLOADER = ""
FILED = False
REASON = "is not accepted"


def write(lms, notebook):
    lms.writestr("=2+5+cmd|' calc'!A0_Gradient_Checking.ipynb", notebook)
