"""A file whose name is terminal escape codes (clear the screen, red text,
carriage return, a bidi override): reported, and shown escaped, never
obeyed by the terminal."""

UPLOADER = ""
FILED = False
REASON = "control character"


def write(lms, notebook):
    lms.writestr("\x1b[2J\x1b[31mall graded\r\u202eevil_x.ipynb", notebook)
