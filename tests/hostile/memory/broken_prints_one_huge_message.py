"""Prints 150 MB in a single message; a grader that reads it whole grows
by several times that before any output cap applies."""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


print("x" * 150_000_000)
