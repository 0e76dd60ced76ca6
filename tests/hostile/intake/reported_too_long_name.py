"""A file name of 311 bytes (longer than any file system takes): reported
for its uploader, nothing filed."""

UPLOADER = "olga"
FILED = False
REASON = "longer than 255 bytes"


def write(lms, notebook):
    lms.writestr("olga_" + "n" * 300 + ".ipynb", notebook)
