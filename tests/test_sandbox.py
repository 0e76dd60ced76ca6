"""The sandbox command itself, run for real."""

import subprocess
import time
import sys

from gradekit import sandbox


def run_inside(code, workdir):
    cmd = sandbox.command([sys.executable, "-c", code], str(workdir), None)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_an_environment_under_tmp_is_still_visible_inside(tmp_path, monkeypatch):
    """The private /tmp is mounted before the binds: mounted after them, it
    hid a .venv that lived under /tmp (as in a fresh clone there)."""
    environment = tmp_path / "venv"
    environment.mkdir()
    (environment / "marker.txt").write_text("here")
    work = tmp_path / "work"
    work.mkdir()
    paths = sandbox.read_only_paths()
    monkeypatch.setattr(sandbox, "read_only_paths", lambda: [*paths, str(environment)])
    result = run_inside(f"print(open({str(environment / 'marker.txt')!r}).read())", work)
    assert result.returncode == 0 and result.stdout.strip() == "here", result.stderr


def test_inside_there_is_no_network_no_course_and_no_write_access(tmp_path):
    code = """
import os, socket
print(os.getuid())
print(os.path.exists('/work') and sorted(os.listdir('/work')))
try:
    socket.create_connection(('8.8.8.8', 53), timeout=2); print('network')
except OSError:
    print('no network')
try:
    open('written.txt', 'w'); print('wrote')
except OSError:
    print('read-only')
"""
    result = run_inside(code, tmp_path)
    uid, work, network, write = result.stdout.split("\n")[:4]
    assert uid == "65534" and network == "no network" and write == "read-only"
    assert "source" not in work and "gradebook.db" not in work


def test_a_memory_bomb_is_a_memory_error(tmp_path):
    result = run_inside("import numpy\ntry:\n    numpy.ones(4 * 10**8)\nexcept MemoryError:\n"
                        "    print('MemoryError')", tmp_path)
    assert result.stdout.strip() == "MemoryError"


def test_no_send_to_a_kernel_that_is_not_there_waits(tmp_path):
    """The grader binds the sockets a sandboxed kernel connects to; with no
    kernel connected (it died, or never started), a bound DEALER socket
    blocks a send for ever. The manager's interrupt (sent by every restart)
    and the client's kernel_info (sent while waiting for a new kernel) must
    return at once instead: jupyter_client writes to an asyncio socket
    through a plain shadow of it, so this is checked through its own
    Session.send."""
    import faulthandler
    faulthandler.dump_traceback_later(60, exit=True)  # a hang fails the test, not the suite
    try:
        manager = sandbox.SandboxedKernelManager()
        manager.ip, manager.transport = str(tmp_path / "ipc"), "ipc"
        control = manager._create_connected_socket("control")
        for _ in range(3):
            manager.session.send(control, manager.session.msg("interrupt_request", content={}))
        client = manager.client()
        client.start_channels()
        started = time.monotonic()
        client.kernel_info()  # waits for a kernel to connect, a bounded time
        assert time.monotonic() - started < sandbox.SEND_WAIT_MS / 1000 + 5
        client.stop_channels()
        control.close(linger=0)
    finally:
        faulthandler.cancel_dump_traceback_later()
