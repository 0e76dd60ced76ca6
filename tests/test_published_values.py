"""The values the original course published (see shared/reference/facts.md)
reproduce from the instructor's solutions, bit for bit where rounding does
not enter and to the digits shown where it does."""

import sys

import numpy as np
import pytest

from conftest import SOURCE_NOTEBOOK, read
from gradekit.stubs import resolve_regions
from gccourse.submissions import grade_id

DEFINING_CELLS = ["setup", "forward_propagation", "backward_propagation", "gradient_check",
                  "forward_propagation_n", "gradient_check_n", "difference_per_parameter"]


@pytest.fixture(scope="module")
def notebook_namespace():
    """The source notebook's definitions, executed in this process."""
    cells = {grade_id(c): c.source for c in read(SOURCE_NOTEBOOK).cells}
    sys.path.insert(0, str(SOURCE_NOTEBOOK.parent))
    try:
        namespace = {}
        for name in DEFINING_CELLS:
            exec(compile(cells[name], name, "exec"), namespace)
    finally:
        sys.path.remove(str(SOURCE_NOTEBOOK.parent))
    # backward_propagation_n's regions: 0 is the dW2 line, 1 the db1 line
    namespace["bpn_source"] = cells["backward_propagation_n"]
    return namespace


def nd_difference(namespace, bugs, epsilon=1e-7):
    local = dict(namespace)
    exec(resolve_regions(namespace["bpn_source"], bugs), local)
    X, Y, parameters = local["nd_test_case"]()
    cost, cache = local["forward_propagation_n"](X, Y, parameters)
    gradients = local["backward_propagation_n"](X, Y, cache)
    return local["gradient_check_n"](parameters, gradients, X, Y, epsilon=epsilon)


def test_cost_of_the_test_case(notebook_namespace):
    ns = notebook_namespace
    X, Y, parameters = ns["nd_test_case"]()
    assert ns["forward_propagation_n"](X, Y, parameters)[0] == 2.407833389834357


@pytest.mark.parametrize("x, published", [(2, 2.919335883291695e-10), (3, 7.814075313343006e-11)])
def test_one_dimensional_check(notebook_namespace, x, published):
    assert notebook_namespace["gradient_check"](x, 4) == pytest.approx(published, rel=1e-12)


@pytest.mark.parametrize("bugs, published", [
    ({0, 1}, 0.2850931567761623),
    ({0}, 0.17344196893145924),
    ({1}, 0.2544229712458523),
    (set(), 1.1890913024229996e-07),
], ids=["both bugs", "only dW2", "only db1", "fixed"])
def test_n_dimensional_check(notebook_namespace, bugs, published):
    assert nd_difference(notebook_namespace, bugs) == pytest.approx(published, rel=1e-9)


@pytest.mark.parametrize("epsilon, measured", [
    (1e-4, 1.9e-10), (1e-5, 9.3e-10), (1e-6, 8.3e-9), (1e-8, 1.16e-6), (1e-9, 1.86e-5)])
def test_fixed_network_against_epsilon(notebook_namespace, epsilon, measured):
    assert nd_difference(notebook_namespace, set(), epsilon) == pytest.approx(measured, rel=0.02)


def test_taught_epsilon_passes_the_fixed_network_and_fails_the_planted_bugs(notebook_namespace):
    taught = 1e-5
    assert nd_difference(notebook_namespace, set(), taught) < 1e-7 / 100
    assert nd_difference(notebook_namespace, {0, 1}, taught) > 0.28


def test_twenty_gradient_entries_are_exactly_zero(notebook_namespace):
    ns = notebook_namespace
    local = dict(ns)
    exec(resolve_regions(ns["bpn_source"], set()), local)
    X, Y, parameters = ns["nd_test_case"]()
    gradients = local["backward_propagation_n"](X, Y, ns["forward_propagation_n"](X, Y, parameters)[1])
    assert int(np.sum(ns["gradients_to_vector"](gradients) == 0)) == 20


def test_float32_parameters_ruin_a_correct_check(notebook_namespace):
    ns = notebook_namespace
    local = dict(ns)
    exec(resolve_regions(ns["bpn_source"], set()), local)
    X, Y, parameters = ns["nd_test_case"]()
    single = {k: v.astype(np.float32) for k, v in parameters.items()}
    gradients = local["backward_propagation_n"](X, Y, ns["forward_propagation_n"](X, Y, single)[1])
    # theta, the step and both gradients rounded to float32, as a student
    # who casts the rolled vector would have them
    with np.errstate(all="ignore"):
        difference = _float32_check(ns, single, gradients, X, Y)
    # The notebook says "about 0.15": six orders of magnitude above the threshold.
    assert difference == pytest.approx(0.15, abs=0.01)


def _float32_check(ns, parameters, gradients, X, Y, epsilon=np.float32(1e-7)):
    theta, _ = ns["dictionary_to_vector"](parameters)
    theta = theta.astype(np.float32)
    grad = ns["gradients_to_vector"](gradients).astype(np.float32)
    approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        up, down = theta.copy(), theta.copy()
        up[i] += epsilon
        down[i] -= epsilon
        J_up = ns["forward_propagation_n"](X, Y, ns["vector_to_dictionary"](up))[0]
        J_down = ns["forward_propagation_n"](X, Y, ns["vector_to_dictionary"](down))[0]
        approx[i] = (J_up - J_down) / (2 * epsilon)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))
