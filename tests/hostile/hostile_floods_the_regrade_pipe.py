"""Correct in the notebook; in the trusted regrade's process it finds the
pipe its answers go back on and writes 64 MB without a newline into it
(forward_propagation), or a line nested 200,000 levels deep
(backward_propagation). The grader must read neither whole, nor crash: the
flooded call fails (its test loses its point); the garbled line is skipped
and the real answer after it counts."""
EXPECTED = {"test_forward_propagation": 0}

# %% [forward_propagation]
import os
import sys


def answer_pipes():
    """Write ends of pipes this process holds (other than stdout)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if fd > 2 and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:") and \
                    os.fstat(fd) and (os.O_WRONLY & __import__("fcntl").fcntl(fd, 3)):
                found.append(fd)
        except OSError:
            pass
    return found


def in_the_regrade():
    return "ipykernel" not in sys.modules


def forward_propagation(x, theta):
    if in_the_regrade():
        for fd in answer_pipes():
            try:
                for _ in range(64):
                    os.write(fd, b"x" * 1024 * 1024)
            except OSError:
                pass
    return theta * x

# %% [backward_propagation]
def backward_propagation(x, theta):
    if in_the_regrade():
        for fd in answer_pipes():
            try:
                os.write(fd, b"[" * 200_000 + b"]" * 200_000 + b"\n")
            except OSError:
                pass
    return x
