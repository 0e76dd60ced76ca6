"""A PostgreSQL server and a Dask cluster on this machine, each started as
separate processes the way an instructor would start them, for trying the
cluster path of ``./course grade`` (and for its tests and benchmark).

    with postgres_server() as db_url, dask_cluster(workers=2) as address:
        grading.run(root, scheduler=address, db_url=db_url)
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from . import commands


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin():
    """The folder of PostgreSQL's server programs (Debian's layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(found[-1]).parent


@contextlib.contextmanager
def postgres_server():
    """A throw-away PostgreSQL server on a free loopback port, with an empty
    database ``gradebook``; yields its URL. As root, the server runs as the
    ``postgres`` user (PostgreSQL refuses to run as root)."""
    bindir = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="gradekit-pg-"))
    as_user = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(folder, 0o755)
    port = free_port()

    def run(program, *args):
        subprocess.run([*as_user, str(bindir / program), *args], check=True,
                       capture_output=True, text=True)

    try:
        run("initdb", "-D", str(folder / "data"), "--auth=trust", "-U", "grader")
        run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
            "-o", f"-p {port} -h 127.0.0.1 -k {folder}", "start")
        try:
            run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook")
            yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
        finally:
            run("pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def tls_files(folder):
    """A certificate authority and one certificate it signed, for 127.0.0.1
    and localhost, made with openssl in ``folder`` (as the cluster guide
    shows). Returns {"ca": ..., "cert": ..., "key": ...} (paths as str)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = folder / "ca.pem", folder / "ca-key.pem"
    cert, key, request = folder / "node.pem", folder / "node-key.pem", folder / "node.csr"
    extensions = folder / "node.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=grading test CA", "-keyout", str(ca_key), "-out", str(ca))
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", str(key), "-out", str(request))
    openssl("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert))
    for path in (ca_key, key):
        path.chmod(0o600)
    return {"ca": str(ca), "cert": str(cert), "key": str(key)}


@contextlib.contextmanager
def dask_cluster(workers=2, tls=None):
    """A Dask scheduler and ``workers`` single-threaded workers, each its own
    process started with the ``dask`` command; yields the scheduler's address
    once every worker has joined. With ``tls`` (tls_files' dict), every
    connection uses mutual TLS with those files."""
    from dask.distributed import Client
    port = free_port()
    address = f"{'tls' if tls else 'tcp'}://127.0.0.1:{port}"
    secure = ["--tls-ca-file", tls["ca"], "--tls-cert", tls["cert"], "--tls-key", tls["key"]] \
        if tls else []
    security = None
    if tls:
        from distributed.security import Security
        security = Security(tls_ca_file=tls["ca"], tls_client_cert=tls["cert"],
                            tls_client_key=tls["key"], require_encryption=True)
    dask = str(Path(sys.executable).parent / "dask")
    # no statistical profiler: its sample tree grows with every task
    env = dict(commands.environment(), DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False")
    quiet = {"env": env, "stdout": subprocess.DEVNULL,
             "stderr": subprocess.DEVNULL, "start_new_session": True}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard", *(["--protocol", "tls"] if tls else []),
                                   *secure], **quiet)]
    try:
        for k in range(workers):
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--name", f"worker-{k + 1}", "--no-dashboard", "--host", "127.0.0.1",
                 *secure], **quiet))
        with Client(address, timeout=60, security=security) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
