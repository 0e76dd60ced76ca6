"""After defining its function, the cell leaves 150 child processes
spinning on the CPU for 25 s while the rest of its notebook is graded. The
submission's CPU quota (one core's worth for all its processes) and its
process limit keep them to itself: the bystander graded beside it takes
about as long as it does alone. (Bounded: the children stop after 25 s.)"""
EXPECTED = {}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return theta * x


import os
import time

for _ in range(150):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        end = time.monotonic() + 25
        while time.monotonic() < end:
            pass
        os._exit(0)
