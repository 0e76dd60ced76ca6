"""The notebook three archives deep (a zip in a zip in the upload): the
third level is not opened, so there is no notebook; reported."""
import io
import zipfile

UPLOADER = "deb"
FILED = False
REASON = "nested more than 2 levels deep"


def zipped(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(name, data)
    return buffer.getvalue()


def write(lms, notebook):
    lms.writestr("deb_hw.zip", zipped("a.zip", zipped("b.zip", zipped("Gradient_Checking.ipynb",
                                                                     notebook))))
