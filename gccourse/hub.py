"""This course on a JupyterHub on this machine (``./course hub``): a demo
instructor and demo students with printed passwords, for clicking through a
semester: release, fetch, submit, collect, autograde, feedback."""

import signal
import sys
import threading

from gradekit.hub import Hub, HubError, others_can_enter

from . import course

COURSE_ID = "gradient-checking"
#: the folder of the course in each instructor's home
COURSE_FOLDER = "gradient-checking"
#: what an instructor's copy of the course starts with
COURSE_FILES = [course.ROOT / "source", course.ROOT / "nbgrader_config.py"]
REQUIREMENTS = [course.ROOT / "requirements.txt", course.ROOT / "requirements-hub.txt"]
DEFAULT_PYTHON = "/usr/bin/python3.11"
DEFAULT_PREFIX = "/opt/gradekit-hub"
INSTRUCTOR = "gk-instructor"
STUDENTS = ["gk-student1", "gk-student2", "gk-student3"]


def make_hub(prefix, instructors=(INSTRUCTOR,), students=tuple(STUDENTS), **kwargs):
    return Hub(prefix, COURSE_ID, instructors, students, **kwargs)


def set_up(hub, python=DEFAULT_PYTHON, log=print):
    """Install, make the accounts, prepare the course; returns the passwords."""
    if others_can_enter(course.ROOT):
        # the checkout holds every answer (source/, demo/students/, the
        # catalogue, gccourse/reference.py): no student may read it
        raise HubError(f"other accounts can read this checkout ({course.ROOT}), answers and "
                       f"all: make it private first (chmod o-rwx {course.ROOT})")
    hub.install(python, REQUIREMENTS, course.ROOT, private_packages=["gccourse"], log=log)
    passwords = hub.add_accounts()
    hub.prepare(COURSE_FILES, COURSE_FOLDER)
    return passwords


def main(prefix=DEFAULT_PREFIX, port=8000, python=DEFAULT_PYTHON, keep=False):
    hub = make_hub(prefix)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        passwords = set_up(hub, python)
        hub.start(port)
        print(f"\nThe course's JupyterHub is at {hub.url}/ (this machine only).\n")
        print(f"  {'account':<16} {'password':<20} role")
        for user in hub.users:
            role = "instructor: formgrader" if user in hub.instructors else "student: Assignments"
            print(f"  {user:<16} {passwords[user]:<20} {role}")
        print("\nPress Ctrl-C to stop the hub"
              + (" (the accounts stay)." if keep else
                 "; the demo accounts and their files are then removed."))
        sys.stdout.flush()
        while not stop.wait(1):
            if hub._process is None or hub._process.poll() is not None:
                print(f"hub: JupyterHub stopped; see {hub.state / 'jupyterhub.log'}", file=sys.stderr)
                return 1
        print("hub: stopping ...")
        return 0
    except HubError as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    finally:
        hub.stop()
        if not keep:
            hub.remove()
