"""An answer cell that ignores the interrupt and sleeps forever: the grader
has to replace the kernel. That cell never finishes, so its exercise has no
answer; every other exercise is graded."""
EXPECTED = {"test_backward_propagation": 0}

# %% [backward_propagation]
import signal
import time


def backward_propagation(x, theta):
    return x


signal.signal(signal.SIGINT, signal.SIG_IGN)
time.sleep(10 ** 6)
