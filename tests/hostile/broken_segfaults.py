"""The kernel crashes with a segmentation fault in gradient_check_n's cell:
only that exercise loses its points."""
EXPECTED = {"test_gradient_check_n": 0}

# %% [gradient_check_n]
import ctypes

ctypes.string_at(0)
