"""Reading and copying student folders on the host without following links.

Everything in a submission is the student's choice, including what kind of
file each entry is: a symbolic link (to the instructor's solutions, to
another student's folder, to /etc/passwd), a named pipe (FIFO) that blocks
whoever opens it for reading, a socket or a device. The helpers here never
follow a link and never read anything but a regular file:

* ``walk`` lists a folder through file descriptors: every entry is
  lstat'ed, a sub-folder is entered only when it is a real directory
  (opened with O_NOFOLLOW relative to its parent), so a link swapped in
  meanwhile is not followed either;
* ``open_regular`` opens with O_NOFOLLOW and O_NONBLOCK (a FIFO swapped in
  at the last moment cannot block the open) and refuses, after fstat,
  anything that is not a regular file;
* ``copy_file`` writes its copy with O_CREAT | O_EXCL | O_NOFOLLOW, so it
  cannot write through a link either.
"""

import dataclasses
import errno
import os
import stat

KINDS = {
    stat.S_IFREG: "regular file",
    stat.S_IFDIR: "folder",
    stat.S_IFLNK: "symbolic link",
    stat.S_IFIFO: "named pipe (FIFO)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def kind(mode):
    """What a file of this st_mode is, in words ("symbolic link", ...)."""
    return KINDS.get(stat.S_IFMT(mode), "special file")


def is_plain(mode):
    """A regular file or a real directory: the only kinds a submission may hold."""
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


class NotRegularFile(OSError):
    """What should have been a regular file is a link, a FIFO, a device, ..."""


@dataclasses.dataclass
class Entry:
    """One entry found by ``walk``.

    Attributes:
    path -- str, relative to the walked folder, "/"-separated
    mode -- int, its lstat st_mode (a link's own, never its target's)
    size -- int, its lstat st_size
    link -- str, the link's text for a symbolic link (os.readlink), else None
    dir_fd, name -- its parent folder's descriptor and its name there; the
                    descriptor is only valid until the walk moves on
    ctime -- float, its lstat st_ctime (the last change of the entry itself,
             which its owner cannot set back)
    """

    path: str
    mode: int
    size: int
    link: str
    dir_fd: int
    name: str
    ctime: float = None

    @property
    def kind(self):
        return kind(self.mode)


def walk(folder):
    """Every entry under ``folder`` (not ``folder`` itself), sorted by name,
    a folder's entries right after it; links are listed, never followed.

    Raises OSError (ELOOP, ENOTDIR) if ``folder`` itself is a link or not a
    folder.
    """
    top = os.open(folder, _DIRECTORY)
    try:
        yield from _walk(top, "")
    finally:
        os.close(top)


def _walk(fd, prefix):
    for name in sorted(os.listdir(fd)):
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:  # gone meanwhile
            continue
        link = os.readlink(name, dir_fd=fd) if stat.S_ISLNK(info.st_mode) else None
        yield Entry(prefix + name, info.st_mode, info.st_size, link, fd, name, info.st_ctime)
        if stat.S_ISDIR(info.st_mode):
            sub = os.open(name, _DIRECTORY, dir_fd=fd)  # ELOOP if it became a link meanwhile
            try:
                yield from _walk(sub, prefix + name + "/")
            finally:
                os.close(sub)


def open_regular(path, dir_fd=None):
    """A read-only descriptor of the regular file ``path``: never follows a
    link in its last component, never blocks on a FIFO; raises
    NotRegularFile for anything but a regular file (OSError if missing)."""
    try:
        fd = os.open(path, _READ, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise NotRegularFile(f"'{path}' is a symbolic link") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(f"'{path}' is a {kind(mode)}")
    return fd


def read_bytes(path, dir_fd=None):
    """The content of the regular file ``path`` (see ``open_regular``)."""
    with os.fdopen(open_regular(path, dir_fd), "rb") as handle:
        return handle.read()


def copy_file(source, target, mode=0o644):
    """Copy the regular file ``source`` to the new file ``target``: neither is
    followed if it is a link, ``target`` must not exist yet."""
    with os.fdopen(open_regular(source), "rb") as reader:
        with os.fdopen(os.open(target, _CREATE, mode), "wb") as writer:
            while chunk := reader.read(1 << 20):
                writer.write(chunk)
