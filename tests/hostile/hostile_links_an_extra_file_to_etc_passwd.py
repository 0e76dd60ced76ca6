"""An extra file that is a symbolic link to /etc/passwd: copied by following
it, the grading host's file would come back in the feedback. Refused at
intake."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0, "test_gradient_check": 0,
            "test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}  # refused at intake: nothing is graded
LINKS = {"passwd.txt": "/etc/passwd"}
