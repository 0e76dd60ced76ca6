"""Entries recorded set-uid, set-gid, sticky and world-writable (extracted
as root, a set-uid-root program): filed as plain 0o644 files."""
import io
import stat
import zipfile

UPLOADER = "sam"
FILED = True
REASON = ""


def entry(name):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | 0o7777) << 16
    return info


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as upload:
        upload.writestr(entry("Gradient_Checking.ipynb"), notebook)
        upload.writestr(entry("run.sh"), "#!/bin/sh\nid\n")
    lms.writestr(entry("sam_hw.zip"), inner.getvalue())
