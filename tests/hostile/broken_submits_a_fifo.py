"""An extra file that is a named pipe (FIFO): whoever opens it for reading
waits forever for a writer. Refused at intake, without opening it."""
EXPECTED = {"test_forward_propagation": 0, "test_backward_propagation": 0, "test_gradient_check": 0,
            "test_gradient_check_n": 0, "test_difference_per_parameter": 0,
            "test_backward_propagation_n": 0}  # refused at intake: nothing is graded
FIFOS = ["pipe"]
