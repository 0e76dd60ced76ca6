"""Sends what it can see to a server on this machine (port 47963)."""
EXPECTED = {}

# %% [forward_propagation]
import socket


def forward_propagation(x, theta):
    return theta * x


try:
    with socket.create_connection(("127.0.0.1", 47963), timeout=3) as connection:
        connection.sendall(b"hello from a graded notebook")
except OSError:
    pass
