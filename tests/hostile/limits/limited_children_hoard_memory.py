"""After defining its function, the cell starts four child processes that
each fill 400 MiB and wait: 1.6 GiB in the kernel's sandbox and as much in
the trusted regrade's, where the test allows the whole submission 768 MiB.
The submission's control group counts them all: the kernel kills children
until the group fits, the cell ends, every exercise still counts, and the
status names the memory limit. (Bounded: if the limit failed, 3.2 GiB.)"""
EXPECTED = {}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return theta * x


import os
import time

children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        hoard = b"\x01" * (400 * 1024 ** 2)
        time.sleep(4)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
