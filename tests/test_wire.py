"""studentside.wire: plain data across the trusted-regrade boundary."""

import numpy as np
import pytest

from studentside import wire


def roundtrip(value):
    return wire.decode(wire.encode(value))


def test_numbers_arrays_and_containers_survive_exactly():
    value = {"W1": np.arange(6.0).reshape(2, 3), "n": 3, "x": 0.1, "ok": True, "none": None,
             "pair": (1.5, [2, "s"])}
    back = roundtrip(value)
    assert np.array_equal(back["W1"], value["W1"]) and back["W1"].shape == (2, 3)
    assert back["n"] == 3 and back["x"] == 0.1 and back["ok"] is True and back["none"] is None
    assert back["pair"] == (1.5, [2, "s"])


def test_numpy_scalars_and_string_subclass_keys_are_plain_values():
    back = roundtrip({np.str_("W1"): np.float64(0.25), "b1": np.float32(0.5)})
    assert back == {"W1": 0.25, "b1": 0.5} and all(type(k) is str for k in back)


def test_a_float_subclass_is_sent_as_the_number_it_holds():
    class Liar(float):
        def __float__(self):
            return 1e-12

        def __eq__(self, other):
            return True

    back = roundtrip(Liar(0.5))
    assert type(back) is float and back == 0.5


def test_other_objects_arrive_as_opaque_names_not_objects():
    class Anything:
        def __eq__(self, other):
            return True

    back = roundtrip(Anything())
    assert isinstance(back, wire.Opaque) and back.type_name == "Anything" and back != 0


@pytest.mark.parametrize("data", [{"float": "1", "int": "2", "x": 1}, {"eval": "1"}, [], {"dict": 5}])
def test_malformed_data_is_refused(data):
    with pytest.raises((ValueError, TypeError)):
        wire.decode(data)
