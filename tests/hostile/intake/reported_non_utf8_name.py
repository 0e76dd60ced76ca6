"""A file of the download whose name is flagged UTF-8 but is not (zipfile
refuses the whole archive for it, and zip_collect the whole class): that
file alone is reported, with its bytes shown escaped."""
import zipfile

UPLOADER = ""
FILED = False
REASON = "not valid UTF-8"


class RawName(zipfile.ZipInfo):
    """A zip entry whose name is these raw bytes, flagged as UTF-8."""

    def __init__(self, raw):
        super().__init__(raw.decode("latin-1"), date_time=(2024, 1, 1, 0, 0, 0))
        self.raw = raw

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits | 0x800


def write(lms, notebook):
    lms.writestr(RawName(b"nina_\xff\xfe\x1b[2J.ipynb"), notebook)
