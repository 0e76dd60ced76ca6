"""difference_per_parameter returns a perfect-looking report; its cell
installs an import hook that serves an empty checks module to any later
import, and makes np.isclose always true."""
EXPECTED = {"test_difference_per_parameter": 0}

# %% [difference_per_parameter]
import importlib.abc
import importlib.util
import sys
import types

import numpy


def difference_per_parameter(parameters, gradients, X, Y, epsilon=1e-7):
    return {"W1": 0.0, "b1": 0.0, "W2": 1 / 3, "b2": 0.0, "W3": 0.0, "b3": 0.0}


class Hook(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.startswith("gccourse."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__getattr__ = lambda attribute: (lambda *args, **kwargs: None)
        return module

    def exec_module(self, module):
        pass


numpy.isclose = lambda *args, **kwargs: True
sys.meta_path.insert(0, Hook())
for name in [n for n in sys.modules if n.startswith("gccourse.")]:
    del sys.modules[name]
del sys.modules["gccourse"].checks
