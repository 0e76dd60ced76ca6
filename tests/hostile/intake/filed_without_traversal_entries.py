"""An upload whose other entries climb out (..), are absolute, use
Windows separators, hold control characters or a name that is not UTF-8:
each is left out with a warning, the notebook is filed, nothing is
written outside submitted/."""
import io
import zipfile

UPLOADER = "vic"
FILED = True
REASON = "climbs out of its folder"


class RawName(zipfile.ZipInfo):
    def __init__(self, raw):
        super().__init__(raw.decode("latin-1"), date_time=(2024, 1, 1, 0, 0, 0))
        self.raw = raw

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits | 0x800


def write(lms, notebook):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as upload:
        upload.writestr("Gradient_Checking.ipynb", notebook)
        upload.writestr("../../../../../../tmp/gradekit-escaped.txt", "escaped")
        upload.writestr("ok/../../../gradekit-escaped-2.txt", "escaped")
        upload.writestr("/tmp/gradekit-absolute.txt", "absolute")
        upload.writestr("..\\..\\gradekit-windows.txt", "windows")
        upload.writestr("bell\x07\x1b[2J.txt", "control")
        upload.writestr(RawName(b"\xff\xfe.txt"), "not utf-8")
        upload.writestr("x" * 300 + ".txt", "too long")
    lms.writestr("vic_hw.zip", inner.getvalue())
