"""Returns objects that lie: a float that is below, above and equal to
everything, and an object that compares equal to anything."""
EXPECTED = {"test_gradient_check": 0, "test_gradient_check_n": 0}

# %% [gradient_check]
class Agreeable(float):
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __le__(self, other): return True
    def __ge__(self, other): return True
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 1e-12
    __hash__ = float.__hash__


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    return Agreeable(0.5)

# %% [gradient_check_n]
class Anything:
    def __eq__(self, other): return True
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __sub__(self, other): return Anything()
    __rsub__ = __sub__
    def __abs__(self): return 0.0
    def __float__(self): return 1e-12
    def __array__(self, *args, **kwargs):
        raise TypeError("no")


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    return Anything()
