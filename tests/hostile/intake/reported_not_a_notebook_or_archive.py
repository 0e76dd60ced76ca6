"""A student's only upload is a text file: reported for them."""

UPLOADER = "rita"
FILED = False
REASON = "neither a notebook"


def write(lms, notebook):
    lms.writestr("rita_answers.txt", "my answers are in my head")
