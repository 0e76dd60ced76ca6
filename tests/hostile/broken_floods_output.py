"""Prints 20 MB in one answer cell; everything is still graded and the
stored notebook stays small."""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


print("x" * 20_000_000)
