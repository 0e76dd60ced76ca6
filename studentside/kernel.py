"""Start a student's IPython kernel inside the sandbox, connected to
sockets the grader created.

``python -m studentside.kernel -f CONNECTION_FILE`` is ipykernel's own
launcher with one difference: where ipykernel would *bind* its ZeroMQ
sockets to IPC paths (creating socket files, which needs a folder it can
write), it *connects* to the same paths instead. The grader binds them, in
a folder of its own that the sandbox sees read-only; so the sandbox shares
no writable path with the host, and the grader never opens a path that
the student's code could have replaced with a link.

Only ``ipc://`` addresses are turned around; ipykernel's in-process
sockets are left alone.
"""

import os
import sys


def connect_instead_of_binding():
    """Make every ZeroMQ socket connect where it was asked to bind to an
    ``ipc://`` address.

    ipykernel also connects a DEALER of its own (for its debugger) to the
    shell socket's last endpoint, which would make it a second peer of the
    grader's shell socket and take every other request; that connection is
    not made (the debugger is not used while grading)."""
    import zmq

    bind, connect = zmq.Socket.bind, zmq.Socket.connect

    def bind_by_connecting(self, addr, *args, **kwargs):
        if (addr.decode(errors="replace") if isinstance(addr, bytes) else str(addr)).startswith("ipc://"):
            connect(self, addr)
            return None
        return bind(self, addr, *args, **kwargs)

    def connect_but_not_to_the_grader(self, addr, *args, **kwargs):
        text = addr.decode(errors="replace") if isinstance(addr, bytes) else str(addr)
        if text.startswith("ipc://") and self.socket_type == zmq.DEALER:
            return None
        return connect(self, addr, *args, **kwargs)

    zmq.Socket.bind = bind_by_connecting
    zmq.Socket.connect = connect_but_not_to_the_grader


def main():
    connect_instead_of_binding()
    from ipykernel.kernelapp import launch_new_instance
    # Started with python -I, so that nothing in the working folder (the
    # student's files) could stand in for this module or ipykernel; the
    # notebook's own imports find it from here on.
    sys.path.insert(0, os.getcwd())
    launch_new_instance()


if __name__ == "__main__":
    sys.exit(main())
