"""The StubSolutions preprocessor turns solution regions into course-style stubs."""

import pytest

from gradekit.stubs import StubError, resolve_regions, stub_source


def test_assignments_become_none_placeholders_with_their_comments():
    source = "\n".join([
        "def f(theta, epsilon):",
        "    ### BEGIN SOLUTION",
        "    thetaplus = theta + epsilon    # Step 1",
        "    # a note for instructors only",
        "    values[i] += epsilon",
        "    J_plus[i], _ = g(thetaplus)",
        "    ### END SOLUTION",
        "    return thetaplus",
    ])
    stubbed, replaced = stub_source(source)
    assert replaced
    assert stubbed.split("\n") == [
        "def f(theta, epsilon):",
        "    ### START CODE HERE ### (approx. 3 lines)",
        "    thetaplus = None  # Step 1",
        "    values[i] = None",
        "    J_plus[i], _ = None",
        "    ### END CODE HERE ###",
        "    return thetaplus",
    ]


def test_one_statement_says_line_not_lines_and_multiline_statements_count_once():
    source = "### BEGIN SOLUTION\ngrad = backward(\n    x,\n    theta)\n### END SOLUTION"
    stubbed, _ = stub_source(source)
    assert stubbed.split("\n") == [
        "### START CODE HERE ### (approx. 1 line)", "grad = None", "### END CODE HERE ###"]


def test_release_with_block_replaces_the_region_without_any_marker():
    source = "\n".join([
        "    dZ2 = dA2",
        "    ### BEGIN SOLUTION",
        "    dW2 = 1. / m * np.dot(dZ2, A1.T)",
        "    ### RELEASE WITH",
        "    # dW2 = 1. / m * np.dot(dZ2, A1.T) * 2",
        "    ### END SOLUTION",
        "    db2 = 0",
    ])
    stubbed, replaced = stub_source(source)
    assert replaced
    assert stubbed.split("\n") == [
        "    dZ2 = dA2", "    dW2 = 1. / m * np.dot(dZ2, A1.T) * 2", "    db2 = 0"]


def test_cell_without_regions_is_left_alone():
    source = "x = 1\nprint(x)"
    assert stub_source(source) == (source, False)


@pytest.mark.parametrize("source, complaint", [
    ("### BEGIN SOLUTION\nfor i in range(3):\n    x = i\n### END SOLUTION", "only assignments"),
    ("### BEGIN SOLUTION\nreturn x\n### END SOLUTION", "only assignments"),
    ("### BEGIN SOLUTION\nx = (\n### END SOLUTION", "not valid Python"),
    ("### BEGIN SOLUTION\n### END SOLUTION", "empty"),
    ("### BEGIN SOLUTION\nx = 1", "without ### END SOLUTION"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "nested"),
    ("x = 1\n### END SOLUTION", "without ### BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\nx = 1\n### RELEASE WITH\nx = 2\n### END SOLUTION", "commented out"),
])
def test_regions_that_cannot_be_stubbed_are_errors_not_leaks(source, complaint):
    with pytest.raises(StubError, match=complaint):
        stub_source(source)


def test_resolve_regions_picks_the_release_or_the_solution_region_by_region():
    source = "\n".join([
        "### BEGIN SOLUTION", "a = 1", "### RELEASE WITH", "# a = 2", "### END SOLUTION",
        "### BEGIN SOLUTION", "b = 1", "### RELEASE WITH", "# b = 4", "### END SOLUTION"])
    assert resolve_regions(source) == "a = 1\nb = 1"
    assert resolve_regions(source, {1}) == "a = 1\nb = 4"
    assert resolve_regions(source, {0, 1}) == "a = 2\nb = 4"
    with pytest.raises(StubError, match="no ### RELEASE WITH"):
        resolve_regions("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", {0})
