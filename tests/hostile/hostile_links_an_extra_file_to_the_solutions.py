"""An extra file that is a symbolic link to the instructor's source notebook:
copied by following it, the solutions would land in the student's
autograded and feedback folders. Refused at intake."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0, "test_gradient_check": 0,
            "test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}  # refused at intake: nothing is graded
LINKS = {"solutions.txt": "{root}/source/gradient_checking/Gradient_Checking.ipynb"}
