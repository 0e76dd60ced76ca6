"""An upload named .zip that is not a zip: reported for its uploader, the
intake goes on."""

UPLOADER = "cora"
FILED = False
REASON = "not a readable zip"


def write(lms, notebook):
    lms.writestr("cora_homework.zip", b"PK\x03\x04 this is not a zip archive" * 10)
