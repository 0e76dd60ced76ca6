"""The kernel exits in the middle of the notebook (os._exit in the per-array
report's cell): only that exercise loses its points."""
EXPECTED = {"test_difference_per_parameter": 0}

# %% [difference_per_parameter]
import os

os._exit(3)
