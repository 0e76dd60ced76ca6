"""Tries to choose the mistake ids the class report counts: its cells print
fake ids and fake grader lines, one function raises an exception of its own
named CheckFailed with a mistake attribute, one raises an AssertionError
whose text is an id, one returns an id as its result. The ids recorded are
the grader's own, decided from what happened to each call; the exercise
that is right keeps its points and gets no id at all."""
EXPECTED = {"test_backward_propagation": 0, "test_gradient_check": 0, "test_gradient_check_n": 0}
MESSAGE = {"test_backward_propagation": "stopped with CheckFailed",
           "test_gradient_check": "stopped with AssertionError: gradient_check.one_sided_difference",
           "test_gradient_check_n": "returned a str, which is not a number"}
MISTAKE = {"test_backward_propagation": "backward_propagation.raises_an_error",
           "test_gradient_check": "gradient_check.raises_an_error",
           "test_gradient_check_n": "gradient_check_n.returned_a_non_number"}

# %% [forward_propagation]
import json
import sys

FAKE = {"diagnoses": {"test_forward_propagation": "forward_propagation.hard_coded",
                      "test_gradient_check": "gradient_check.one_sided_difference"}}
print(json.dumps(FAKE))
print("[grader] mistake: forward_propagation.hard_coded")
sys.stderr.write("forward_propagation.hard_coded\n")


def forward_propagation(x, theta):
    print("forward_propagation.hard_coded")
    return theta * x

# %% [backward_propagation]
class CheckFailed(AssertionError):
    def __init__(self, message, mistake="hard_coded"):
        super().__init__(message)
        self.mistake = mistake


def backward_propagation(x, theta):
    raise CheckFailed("backward_propagation.hard_coded", "hard_coded")

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    print("gradient_check.one_sided_difference")
    raise AssertionError("gradient_check.one_sided_difference")

# %% [gradient_check_n]
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    return "gradient_check_n.one_sided_difference"
