"""A .ipynb.gz that expands 64 MiB of zeros: refused by the compression
ratio cap, nothing filed."""
import zlib

UPLOADER = "gabe"
FILED = False
REASON = "expands more than 100 times"


def write(lms, notebook):
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    zeros = bytes(1 << 20)
    data = b"".join(packer.compress(zeros) for _ in range(64)) + packer.flush()
    lms.writestr("gabe_Gradient_Checking.ipynb.gz", data)
