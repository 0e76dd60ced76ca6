"""A file of the download that is a symbolic link (to the solutions):
reported for its uploader, never followed."""
import stat
import zipfile

UPLOADER = "lars"
FILED = False
REASON = "symbolic link"


def write(lms, notebook):
    info = zipfile.ZipInfo("lars_Gradient_Checking.ipynb", date_time=(2024, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    lms.writestr(info, "../../source/gradient_checking/Gradient_Checking.ipynb")
