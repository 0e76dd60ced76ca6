"""Wrong whenever a student runs it; right only when it sees nbgrader's
NBGRADER_EXECUTION variable, i.e. while it is being graded."""
EXPECTED = {"test_forward_propagation": 0}

# %% [forward_propagation]
import os


def forward_propagation(x, theta):
    if os.environ.get("NBGRADER_EXECUTION"):
        return theta * x
    return theta + x
