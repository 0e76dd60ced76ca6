"""A student id with a comma and a quote (which shifted grades.csv's
columns): not an id, reported."""

UPLOADER = ""
FILED = False
REASON = "is not accepted"


def write(lms, notebook):
    lms.writestr('carl,"20",x_Gradient_Checking.ipynb', notebook)
