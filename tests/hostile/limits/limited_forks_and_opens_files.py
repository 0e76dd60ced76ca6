"""After defining its function, the cell tries to start 300 processes and
to open 20,000 files, and prints how far it got. The submission's process
limit (64 in the test) and the per-process open-file limit stop it there;
every exercise still counts and the status names the process limit.
(Bounded: 300 sleeping children at most, never an endless fork.)"""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


import os
import time

children = []
try:
    for _ in range(300):
        pid = os.fork()
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        children.append(pid)
except OSError:
    pass
print("processes started:", len(children))
for pid in children:
    os.waitpid(pid, 0)
files = []
try:
    for _ in range(20000):
        files.append(open("/dev/null"))
except OSError:
    pass
print("files opened:", len(files))
for handle in files:
    handle.close()
