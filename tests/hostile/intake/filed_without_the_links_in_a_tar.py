"""A .tar.gz with the notebook, a symbolic link to the solutions, a hard
link to /etc/shadow and a device: the notebook is filed, the rest left out
with a warning."""
import io
import tarfile

UPLOADER = "tara"
FILED = True
REASON = "symbolic link"


def write(lms, notebook):
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as upload:
        info = tarfile.TarInfo("hw/Gradient_Checking.ipynb")
        info.size, info.mode = len(notebook), 0o6777
        upload.addfile(info, io.BytesIO(notebook))
        for name, kind, target in [("hw/solutions", tarfile.SYMTYPE, "/work/main/source"),
                                   ("hw/shadow", tarfile.LNKTYPE, "/etc/shadow"),
                                   ("hw/disk", tarfile.BLKTYPE, "")]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            upload.addfile(info)
    lms.writestr("tara_hw.tar.gz", inner.getvalue())
