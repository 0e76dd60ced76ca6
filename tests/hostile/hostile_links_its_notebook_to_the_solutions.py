"""Submits a symbolic link to the instructor's source notebook (solutions and
hidden tests) in place of its own notebook: followed, it would be graded as
the solutions and hand them back in the feedback. Refused at intake."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0, "test_gradient_check": 0,
            "test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}  # refused at intake: nothing is graded
LINKS = {"Gradient_Checking.ipynb": "{root}/source/gradient_checking/Gradient_Checking.ipynb"}
