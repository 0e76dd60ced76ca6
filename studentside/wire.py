"""Plain data across a process boundary, as JSON.

``encode`` turns a value into JSON-ready data: numbers, strings, None,
booleans, float arrays, and lists, tuples and string-keyed dicts of those.
Anything else becomes ``{"opaque": "<type name>"}``. ``decode`` rebuilds
values from such data and nothing else: it never creates an object whose
methods someone else wrote, so a value decoded from an untrusted process
cannot lie about itself (compare equal to everything, say).

Numbers are read through the base types' own slots (``float.__float__``,
``int.__index__``), so a subclass overriding ``__float__`` still encodes as
the number it really holds.
"""

import base64

import numpy as np

MAX_DEPTH = 8
MAX_ELEMENTS = 1_000_000


class Opaque:
    """Stands for a value of a type that does not cross the boundary."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


def encode(value, depth=0):
    """JSON-ready data for ``value`` (see the module doc)."""
    if depth > MAX_DEPTH:
        return {"opaque": "nested too deeply"}
    if value is None:
        return {"none": True}
    if isinstance(value, (bool, np.bool_)):
        return {"bool": bool(np.bool_(value))}
    if isinstance(value, float):
        return {"float": repr(float.__float__(value))}
    if isinstance(value, int):
        return {"int": str(int.__index__(value))}
    if isinstance(value, (np.floating, np.integer)):
        return {"float": repr(float(np.asarray(value, dtype=float)))}
    if isinstance(value, np.ndarray):
        try:
            array = np.array(value, dtype=float, subok=False)
        except (TypeError, ValueError):
            return {"opaque": f"array of {value.dtype}"}
        if array.size > MAX_ELEMENTS:
            return {"opaque": "array too large"}
        return {"array": base64.b64encode(array.tobytes()).decode(), "shape": list(array.shape)}
    if isinstance(value, str):
        return {"str": str.__str__(value)}
    if isinstance(value, (list, tuple)):
        key = "tuple" if isinstance(value, tuple) else "list"
        return {key: [encode(item, depth + 1) for item in list.__iter__(list(value))]}
    if isinstance(value, dict):
        keys = list(dict.keys(value))
        if not all(isinstance(k, str) for k in keys):  # numpy.str_ keys are fine
            return {"opaque": "dict with keys that are not strings"}
        return {"dict": [[str.__str__(k), encode(dict.__getitem__(value, k), depth + 1)]
                         for k in keys]}
    return {"opaque": type(value).__name__}


def decode(data, depth=0):
    """The value ``encode`` described; raises ValueError on anything else."""
    if depth > MAX_DEPTH + 1 or not isinstance(data, dict) or len(data) not in (1, 2):
        raise ValueError("malformed value")
    if "none" in data:
        return None
    if "bool" in data:
        return bool(data["bool"] is True)
    if "float" in data:
        return float(str(data["float"]))
    if "int" in data:
        return int(str(data["int"]))
    if "str" in data:
        return str(data["str"])
    if "array" in data:
        shape = tuple(int(n) for n in data["shape"])
        array = np.frombuffer(base64.b64decode(str(data["array"])), dtype=float).copy()
        return array.reshape(shape)
    if "list" in data:
        return [decode(item, depth + 1) for item in data["list"]]
    if "tuple" in data:
        return tuple(decode(item, depth + 1) for item in data["tuple"])
    if "dict" in data:
        return {str(k): decode(v, depth + 1) for k, v in data["dict"]}
    if "opaque" in data:
        return Opaque(str(data["opaque"]))
    raise ValueError("malformed value")
