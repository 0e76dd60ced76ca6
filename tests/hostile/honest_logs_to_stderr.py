"""An honest, correct submission whose functions log a warning, warn and
print to stderr while they run: stderr must not cost a passing test its
points (stock nbgrader zeroes every test cell that calls them)."""
EXPECTED = {}

# %% [forward_propagation]
import logging
import sys
import warnings


def forward_propagation(x, theta):
    logging.warning("computing J for theta=%s", theta)
    warnings.warn("this is only a warning")
    print("debug: forward_propagation called", file=sys.stderr)
    return theta * x

# %% [backward_propagation]
def backward_propagation(x, theta):
    logging.warning("computing dtheta")
    return x
