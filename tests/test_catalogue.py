"""Grading accuracy: the catalogue of realistic submissions in
tests/submissions/, graded with the real nbgrader autograde. Every correct
variant earns full marks; every mistake loses points in its own exercise
only, with a message that names it, in the notebook and in the feedback."""

import pytest

from conftest import ROOT
from gccourse import catalogue, course, submissions
from gccourse.mistakes import REGISTRY

CATALOGUE = ROOT / "tests" / "submissions"
BASELINE = course.DEMO_STUDENTS / "complete.py"
ENTRIES = submissions.load_all(CATALOGUE)
CORRECT = [e for e in ENTRIES if e.name.startswith("correct_")]
MISTAKES = [e for e in ENTRIES if e.name.startswith("mistake_")]


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory, request):
    found = catalogue.run(CATALOGUE, BASELINE, workdir=tmp_path_factory.mktemp("catalogue"),
                          echo=lambda *args: None)
    request.config.catalogue_table = catalogue.format_table(found)
    return {outcome.name: outcome for outcome in found}


def test_catalogue_has_at_least_12_correct_variants_and_35_mistakes():
    assert len(CORRECT) >= 12 and len(MISTAKES) >= 35
    assert len(CORRECT) + len(MISTAKES) == len(ENTRIES)


def test_correct_variants_expect_full_marks_and_mistakes_expect_a_loss_in_their_own_exercise():
    for entry in CORRECT:
        assert entry.expected == {}, entry.name
    for entry in MISTAKES:
        assert entry.expected and set(entry.expected.values()) == {0}, entry.name
        # the cells that lose points are the tests of the cells the mistake changes
        assert set(entry.expected) <= {f"test_{cell}" for cell in entry.cells}, entry.name


def test_every_mistake_names_the_message_each_failing_test_must_show():
    for entry in MISTAKES:
        assert set(entry.messages) == set(entry.expected), entry.name


def test_every_mistake_names_the_registered_id_each_failing_test_must_be_diagnosed_as():
    for entry in MISTAKES:
        assert set(entry.mistakes) == set(entry.expected), entry.name
        for cell, mistake in entry.mistakes.items():
            assert mistake in REGISTRY, (entry.name, mistake)
            assert REGISTRY.grade_ids[REGISTRY[mistake].exercise] == cell, (entry.name, mistake)


@pytest.mark.parametrize("required", [
    "one_sided", "divides_by_epsilon", "gradient_check_grad_is_gradapprox", "precedence",
    "no_denominator", "norm_of_the_sum", "squared_norms", "plus_epsilon_twice",
    "hard_coded_published_value", "ignores_epsilon", "returns_gradapprox",
    "backward_at_shifted_theta", "relative_step", "aliasing_without_copy",
    "every_parameter_at_once", "never_uses_the_perturbed_vector", "loop_stops_one_short",
    "thetaminus_from_thetaplus", "float32_copies", "element_wise_differences",
    "mutates_the_callers_parameters", "checks_only_the_weights", "keyed_by", "ordered_wrongly",
    "fixes_only_dw2", "fixes_only_db1", "breaks_a_correct_line", "forward_adds",
    "backward_returns_theta"])
def test_catalogue_covers_the_mistakes_students_make(required):
    assert any(required in entry.name for entry in MISTAKES)


@pytest.mark.catalogue
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_catalogue_entry_is_graded_as_its_file_says(outcomes, entry):
    """Its points, its messages and (in its status record) the id of each
    mistake; and the message a student saw is the one the registry gives
    for that id (the class report shows the registry's)."""
    outcome = outcomes[entry.name]
    assert not outcome.problems(), outcome.problems()
    assert set(outcome.mistakes) == {c for c in outcome.expected
                                     if outcome.earned.get(c) != outcome.full[c]}
    for cell, mistake in outcome.mistakes.items():
        shown = outcome.messages[cell].removeprefix("AssertionError: ")
        assert REGISTRY[mistake].fits(shown), (mistake, REGISTRY[mistake].message, shown)


@pytest.mark.catalogue
def test_catalogue_table_has_a_row_per_entry_and_the_counts(outcomes, request):
    table = request.config.catalogue_table
    assert all(f"\n{name} " in table for name in outcomes)
    assert f"{len(CORRECT)} of {len(CORRECT)} correct variants earn full marks" in table
    assert f"{len(MISTAKES)} of {len(MISTAKES)} mistakes lose exactly" in table
