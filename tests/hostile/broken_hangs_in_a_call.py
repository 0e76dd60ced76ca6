"""gradient_check_n blocks the alarm signal and spins forever whenever it
is called: it loses its points, and the exercises after it are still graded
(the trusted regrade replaces its process after the hung call)."""
EXPECTED = {"test_gradient_check_n": 0}

# %% [gradient_check_n]
import signal


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
