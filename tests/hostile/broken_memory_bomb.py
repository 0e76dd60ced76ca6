"""After defining its function, the cell allocates 3.2 GB: in the sandbox
that is a MemoryError in this cell, and the exercise still counts."""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


huge = np.ones(4 * 10 ** 8)
