"""After defining its function, the cell writes up to 256 MiB into every
folder it can see (its /tmp, /dev/shm, /dev, the root folder, its working
folder, its home) and prints how much each took, and whether it can see
the control groups it would need to leave its own. Only the sized private
/tmp and /dev/shm take anything, each file is cut at the file-size limit,
and nothing reaches the host's disk; every exercise still counts.
(Bounded: at most 256 MiB per folder if every limit failed.)"""
EXPECTED = {}

# %% [gradient_check]
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, thetaminus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    if print_msg:
        if difference > 2e-7:
            print("There is a mistake in the backward propagation! difference = " + str(difference))
        else:
            print("Your backward propagation works perfectly fine! difference = " + str(difference))
    return difference


import json
import os

written = {}
block = b"\x01" * 1024 ** 2
for folder in ("/tmp", "/tmp/home", "/dev/shm", "/dev", "/", os.getcwd()):
    total = 0
    for number in range(4):
        try:
            with open(os.path.join(folder, f"filler{number}"), "wb") as handle:
                for _ in range(64):
                    handle.write(block)
                    handle.flush()
                    total += len(block)
        except OSError:
            pass
    written[folder] = total
print("written:", json.dumps(written))
print("control groups visible:", os.path.exists("/sys/fs/cgroup"))
