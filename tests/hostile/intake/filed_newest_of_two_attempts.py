"""Two uploads from one student (which aborted zip_collect for everyone):
the newer one by the download's date is filed (a complete notebook; its
name sorts first, so the name alone would pick the other), the older (a
damaged notebook) is named in a warning."""
import zipfile

UPLOADER = "tim"
FILED = True
REASON = "2 uploads"


def write(lms, notebook):
    newer = zipfile.ZipInfo("tim_attempt-a.ipynb", date_time=(2024, 2, 1, 12, 0, 0))
    older = zipfile.ZipInfo("tim_attempt-b.ipynb", date_time=(2024, 1, 1, 12, 0, 0))
    lms.writestr(newer, notebook)
    lms.writestr(older, '{"cells": [ an early draft, not JSON')
