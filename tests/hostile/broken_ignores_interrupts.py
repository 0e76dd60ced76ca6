"""An answer cell that defines a correct function, then ignores the
interrupt and sleeps forever: the grader has to replace the kernel, and
every other exercise is graded. The trusted regrade's process runs each cell
up to its time limit (like a failing cell, it stops where it is), so the
function defined before the sleep is graded, and it is correct."""
EXPECTED = {}

# %% [backward_propagation]
import signal
import time


def backward_propagation(x, theta):
    return x


signal.signal(signal.SIGINT, signal.SIG_IGN)
time.sleep(10 ** 6)
