"""After defining its function, the cell tries what a student who read
gradekit/limits.py would try to leave its control group: a user namespace
of its own (in which it could mount a cgroup file system, then freeze its
processes so that the grader's SIGKILL cannot end them, or raise its own
pids.max), and the host's cgroup files. It prints what it got; the
sandbox refuses all of it, and every exercise still counts."""
EXPECTED = {}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return theta * x


import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000
refused = libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0
print("user namespace refused:", refused)
if not refused:
    os.makedirs("/tmp/cg", exist_ok=True)
    mounted = libc.mount(b"cgroup", b"/tmp/cg", b"cgroup", 0, b"freezer") == 0
    print("cgroup mounted:", mounted)
print("host cgroups visible:", os.path.exists("/sys/fs/cgroup"))
