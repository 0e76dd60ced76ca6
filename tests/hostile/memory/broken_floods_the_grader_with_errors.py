"""Sends 3 MiB and 1 MB error messages on its kernel's output channel,
and opens extra connections to the grader's sockets to send more; none of
it may grow the grader by more than a few MiB."""
EXPECTED = {}

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x


import json
import ipykernel.connect
import zmq

publisher = get_ipython().display_pub
for size in [3 * 2 ** 20] * 50 + [1_000_000] * 200:   # above and just below the cap
    publisher.session.send(publisher.pub_socket, "error",
                           {"ename": "E", "evalue": "x" * (size - 200), "traceback": []},
                           parent=publisher.parent_header)
info = json.load(open(ipykernel.connect.get_connection_file()))
context = zmq.Context()
for channel in ("stdin_port", "control_port", "hb_port", "shell_port"):
    for _ in range(20):
        try:
            socket = context.socket(zmq.DEALER)
            socket.sndtimeo = 100
            zmq.Socket.__mro__[1].connect(socket, "ipc://%s-%s" % (info["ip"], info[channel]))
            for _ in range(10):
                socket.send(b"x" * 3 * 2 ** 20)
        except Exception:
            pass
