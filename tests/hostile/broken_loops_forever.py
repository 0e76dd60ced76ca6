"""An answer cell that defines its function, then loops forever: the cell
times out, and everything else is graded."""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


while True:
    pass
