"""Unpacking one student's upload, streamed and capped, into a folder of ours.

An upload is a notebook, or an archive of anything a student zipped: a
``.zip``, a ``.tar`` (``.tar.gz``, ``.tgz``, ``.tar.bz2``, ``.tar.xz``), a
single compressed file (``.gz``, ``.bz2``, ``.xz``), nested up to
``max_depth`` archives deep. Nothing here trusts the archive:

* entries are read as streams (zipfile's and tarfile's member readers,
  gzip/bz2/lzma decompressors) in 16 KiB chunks and written with
  ``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0o644 (folders 0o755), whatever
  permission bits, owner or set-uid bit the archive records; nothing is
  ever extracted with ``extractall`` and no whole entry is held in memory;
* only regular files and folders are written: a symbolic or hard link, a
  device, a FIFO or a socket in an archive is left out (with a warning);
* every entry name is checked (``check_path``): valid UTF-8, no control
  or bidi characters, no ``..``, not absolute, each part at most 255 bytes,
  at most 32 parts and 1024 bytes; a bad one is left out. Hidden entries
  (``.ipynb_checkpoints``, ``.DS_Store``, ``__MACOSX``) are left out too,
  and so is a second entry whose path differs from an earlier one only in
  case (they would be one file on some systems);
* the caps (``Caps``) are counted while writing, before each chunk reaches
  the disk: bytes of one file, bytes of the whole upload (nested archives
  spooled to disk count too), the intake's total, the number of entries,
  and the compression ratio (bytes written / compressed bytes read from the
  disk for that file), which is only checked once a file is past
  ``ratio_min_bytes``, so that small notebooks, which compress very well,
  pass (readers read ahead, so a bomb is stopped within about
  ``max_ratio`` chunks past that: a few MiB). Declared sizes are checked
  before reading as well. A cap that is
  exceeded, or an upload whose own archive cannot be read, refuses the
  whole upload (``Refused``): the caller files nothing of it.

A zip whose central directory flags a name as UTF-8 when it is not (which
makes ``zipfile`` refuse the whole archive) is read all the same: that
entry's flag is cleared on the fly, and the entry is left out as a name
that is not valid UTF-8.
"""

import bz2
import dataclasses
import gzip
import io
import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib

from .escape import quoted

CHUNK = 1 << 14   # also what a zip entry's reader reads ahead: a bomb stops within max_ratio chunks
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
MAX_PATH_PARTS = 32
MAX_TAR_HEADER_BYTES = 1 << 16   # pax and GNU long-name headers, read into memory by tarfile
_CD_BYTES_PER_ENTRY = 1024       # central directory bytes allowed per entry of max_entries

JUNK = {".ipynb_checkpoints", ".DS_Store", "__MACOSX", "Thumbs.db", "desktop.ini", "__pycache__"}

_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

# suffix -> (kind, compression); the longest matching suffix wins
_ARCHIVES = {
    ".zip": ("zip", None),
    ".tar": ("tar", None),
    ".tar.gz": ("tar", "gz"), ".tgz": ("tar", "gz"),
    ".tar.bz2": ("tar", "bz2"), ".tbz2": ("tar", "bz2"), ".tbz": ("tar", "bz2"),
    ".tar.xz": ("tar", "xz"), ".txz": ("tar", "xz"),
    ".gz": ("single", "gz"), ".bz2": ("single", "bz2"), ".xz": ("single", "xz"),
}
ARCHIVE_SUFFIXES = tuple(sorted(_ARCHIVES, key=len, reverse=True))


class Refused(Exception):
    """The whole upload is refused (a cap, or its own archive is unreadable); says why."""


class LeftOut(Exception):
    """One entry is left out; says why."""


@dataclasses.dataclass
class Caps:
    """Limits on one upload (see the module doc); sizes in bytes."""
    max_file_bytes: int = 100 * 2 ** 20
    max_upload_bytes: int = 200 * 2 ** 20
    total_left: int = 2 * 2 ** 30      # what the intake's total cap leaves for this upload
    max_ratio: float = 100.0
    ratio_min_bytes: int = 2 ** 20
    max_entries: int = 1000
    max_depth: int = 2


def size_text(count):
    for unit, size in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if count >= size:
            return f"{count / size:g} {unit}"
    return f"{count} bytes"


def archive_kind(name):
    """(kind, compression, name without the suffix) of an archive's file
    name (kind "zip", "tar" or "single"), or None for any other file."""
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            kind, compression = _ARCHIVES[suffix]
            return kind, compression, name[:-len(suffix)]
    return None


def bad_character(text):
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "it is not valid UTF-8"
        if code < 0x20 or 0x7F <= code <= 0x9F or ch in "\u061c\u200e\u200f" or \
                0x2028 <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return "it holds a control character"
    return None


def check_path(name):
    """(parts, None) for an acceptable relative entry name (``\\`` is taken
    as a separator, empty and ``.`` parts are dropped), else (None, why)."""
    bad = bad_character(name)
    if bad:
        return None, bad
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        return None, "it is an absolute path"
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None, "it climbs out of its folder (..)"
    if not parts:
        return None, "it is empty"
    if any(len(part.encode()) > MAX_NAME_BYTES for part in parts):
        return None, f"a name in it is longer than {MAX_NAME_BYTES} bytes"
    if len(parts) > MAX_PATH_PARTS or len("/".join(parts).encode()) > MAX_PATH_BYTES:
        return None, "it is too long a path"
    return parts, None


def is_junk(parts):
    """Whether the entry is a system's clutter (left out without a word)."""
    return any(part in JUNK or part.startswith("._") for part in parts)


def is_hidden(parts):
    return any(part.startswith(".") for part in parts)


class Counted(io.RawIOBase):
    """A seekable file read through a count of the bytes read (the
    compressed bytes a ratio is measured against), with optional byte
    patches applied to what is read (``{offset: bytes}``)."""

    def __init__(self, raw):
        super().__init__()
        self.raw, self.consumed, self.patches = raw, 0, {}

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size=-1):
        start = self.raw.tell() if self.patches else 0
        data = self.raw.read(size)
        self.consumed += len(data)
        if self.patches and data:
            end = start + len(data)
            patched = None
            for at, replacement in self.patches.items():
                for i, byte in enumerate(replacement):
                    if start <= at + i < end:
                        patched = patched if patched is not None else bytearray(data)
                        patched[at + i - start] = byte
            if patched is not None:
                data = bytes(patched)
        return data

    def close(self):
        self.raw.close()
        super().close()


def _end_of_central_directory(fp):
    """(offset, size, entries) of a zip's central directory, read from its
    end records (zip64 too); zipfile.BadZipFile if there are none."""
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    span = min(size, 22 + 0xFFFF)
    fp.seek(size - span)
    tail = fp.read(span)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("it has no zip directory")
    _, _, _, _, count, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    end = size - span + at
    extra = 0
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        fp.seek(max(end - 20, 0))
        locator = fp.read(20)
        if len(locator) == 20 and locator[:4] == b"PK\x06\x07":
            fp.seek(struct.unpack("<4sLQL", locator)[2])
            record = fp.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                count, cd_size, cd_offset = struct.unpack("<4sQ2H2L4Q", record)[7:10]
                extra = 56 + 20
    return end - extra - cd_size, cd_size, count


def open_zip(counted, max_entries=None):
    """A zipfile.ZipFile reading ``counted`` (a Counted), and the indexes
    (in infolist() order) of the entries whose name is flagged UTF-8 but is
    not: their flag is cleared while zipfile reads the directory (so
    zipfile reads their name as cp437 instead of refusing the archive).

    Raises zipfile.BadZipFile for what is not a zip, Refused for more
    entries than ``max_entries``."""
    start, size, count = _end_of_central_directory(counted)
    if max_entries is not None and (count > max_entries or size > max_entries * _CD_BYTES_PER_ENTRY):
        raise Refused(f"it holds more than {max_entries} entries (the cap on entries)")
    if start < 0:
        raise zipfile.BadZipFile("its zip directory is misplaced")
    counted.seek(start)
    directory = counted.read(size)
    patches, bad, at, index = {}, set(), 0, 0
    while at + 46 <= len(directory):
        header = struct.unpack("<4s4B4HL2L5H2L", directory[at:at + 46])
        if header[0] != b"PK\x01\x02":
            break
        flags, name_length, extra_length, comment_length = header[5], header[12], header[13], header[14]
        name = directory[at + 46:at + 46 + name_length]
        if flags & 0x800:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                patches[start + at + 8] = struct.pack("<H", flags & ~0x800)
                bad.add(index)
        at += 46 + name_length + extra_length + comment_length
        index += 1
    counted.patches = patches
    counted.seek(0)
    return zipfile.ZipFile(counted), bad


def zip_name(info, undecodable):
    """The name of a zip entry as text: UTF-8 when it is UTF-8 (flagged or
    not), else the zip format's cp437; a name flagged UTF-8 that is not
    keeps its bytes as surrogates (check_path says so)."""
    if undecodable:
        return info.orig_filename.encode("cp437").decode("utf-8", "surrogateescape")
    if info.flag_bits & 0x800:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return info.orig_filename


def zip_file_type(info):
    """The st_mode file type a zip entry records (0 when it records none)."""
    return stat.S_IFMT(info.external_attr >> 16)


class _TarInfo(tarfile.TarInfo):
    """tarfile reads a pax or GNU long-name header's data into memory
    whole: refuse one larger than MAX_TAR_HEADER_BYTES before it is read."""

    @classmethod
    def frombuf(cls, buf, encoding, errors):
        info = super().frombuf(buf, encoding, errors)
        if info.type in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                         tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK) \
                and info.size > MAX_TAR_HEADER_BYTES:
            raise Refused(f"a tar header in it is larger than {size_text(MAX_TAR_HEADER_BYTES)}")
        return info


def _decompressor(compression, reader):
    if compression == "gz":
        return gzip.GzipFile(fileobj=reader, mode="rb")
    if compression == "bz2":
        return bz2.BZ2File(reader, "rb")
    if compression == "xz":
        return lzma.LZMAFile(reader, "rb")
    return reader


_UNREADABLE = (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError,
               OSError, ValueError, NotImplementedError, RuntimeError, struct.error)


class Unpacker:
    """Unpacks one upload into ``folder`` (a new, empty folder of ours);
    ``scratch`` (another) holds nested zips while they are read.

    After ``unpack``: ``files`` lists the relative paths written (regular
    files), ``left_out`` the (entry, reason) pairs of what was not,
    ``written`` counts every byte written (spooled archives and files of a
    refused upload too)."""

    def __init__(self, folder, scratch, caps):
        self.folder, self.scratch, self.caps = str(folder), str(scratch), caps
        self.files, self.left_out = [], []
        self.written = self.entries = self.declared = 0
        self._taken = {}      # casefolded relative path -> ("file" | "folder", path as written)
        self._spools = 0

    # -------------------------------------------------------------- entry points

    def unpack(self, name, reader, meter, seekable=False, shown=None):
        """Unpack the upload named ``name`` (a checked single name), read
        from ``reader``; ``meter`` is the Counted of the disk file its bytes
        come from (``reader`` itself when ``seekable``: a Counted file).
        ``left_out`` names entries by their path inside the upload
        (``_label``); ``shown`` is the upload's name in the LMS download.
        Raises Refused."""
        try:
            self._entry([name], reader, 0, meter, seekable, (shown or name,))
        except LeftOut as left_out:
            raise Refused(str(left_out)) from None

    # -------------------------------------------------------------- helpers

    def _leave_out(self, trail, reason):
        self.left_out.append((_label(trail), reason))

    def _count_entry(self):
        self.entries += 1
        if self.entries > self.caps.max_entries:
            raise Refused(f"it holds more than {self.caps.max_entries} entries (the cap on entries)")

    def _declare(self, size, shown):
        if size > self.caps.max_file_bytes:
            raise Refused(f"{quoted(shown)} is larger than {size_text(self.caps.max_file_bytes)} "
                          "(the cap on one file)")
        self.declared += max(size, 0)
        if self.declared > self.caps.max_upload_bytes:
            raise Refused(f"it expands to more than {size_text(self.caps.max_upload_bytes)} "
                          "(the cap on one upload)")

    def _charge(self, count, file_bytes, compressed, shown):
        """Account for ``count`` more bytes about to be written (the file
        then holds ``file_bytes``, read from ``compressed`` bytes on disk)."""
        caps = self.caps
        self.written += count
        if file_bytes > caps.max_file_bytes:
            raise Refused(f"{quoted(shown)} is larger than {size_text(caps.max_file_bytes)} "
                          "(the cap on one file)")
        if self.written > caps.max_upload_bytes:
            raise Refused(f"it expands to more than {size_text(caps.max_upload_bytes)} "
                          "(the cap on one upload)")
        if self.written > caps.total_left:
            raise Refused("the intake's cap on the total size of all uploads is reached")
        if file_bytes >= caps.ratio_min_bytes and file_bytes > caps.max_ratio * max(compressed, 1):
            raise Refused(f"{quoted(shown)} expands more than {caps.max_ratio:g} times "
                          f"(the cap on the compression ratio: a zip bomb?)")

    def _copy(self, reader, fd, meter, shown):
        start, size = meter.consumed, 0
        while True:
            chunk = reader.read(CHUNK)
            if not chunk:
                return size
            size += len(chunk)
            self._charge(len(chunk), size, meter.consumed - start, shown)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]

    def _claim(self, parts, shown):
        """The path (under folder) where the file ``parts`` is written, its
        folders made; LeftOut when another entry has (nearly) that path."""
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth]).casefold()
            taken = self._taken.get(key)
            if taken is None:
                os.mkdir(os.path.join(self.folder, *parts[:depth]), 0o755)
                os.chmod(os.path.join(self.folder, *parts[:depth]), 0o755)
                self._taken[key] = ("folder", "/".join(parts[:depth]))
            elif taken[0] != "folder" or taken[1] != "/".join(parts[:depth]):
                raise LeftOut(f"its folder clashes with {quoted(taken[1])} (the same name, "
                              "or the same but for case)")
        key = "/".join(parts).casefold()
        if key in self._taken:
            raise LeftOut(f"it has the same name as {quoted(self._taken[key][1])} "
                          "(or the same but for case)")
        self._taken[key] = ("file", "/".join(parts))
        return os.path.join(self.folder, *parts)

    def _write(self, parts, reader, meter, shown):
        path = self._claim(parts, shown)
        fd = os.open(path, _WRITE, 0o644)
        try:
            os.fchmod(fd, 0o644)
            self._copy(reader, fd, meter, shown)
        except BaseException:
            os.close(fd)
            os.unlink(path)
            del self._taken["/".join(parts).casefold()]
            raise
        os.close(fd)
        self.files.append("/".join(parts))

    def _spool(self, reader, meter, shown):
        """Copy a nested archive to scratch (it counts as written); returns
        a Counted reading it."""
        self._spools += 1
        path = os.path.join(self.scratch, f"spool-{self._spools}")
        fd = os.open(path, _WRITE, 0o600)
        try:
            self._copy(reader, fd, meter, shown)
        finally:
            os.close(fd)
        return Counted(io.FileIO(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb"))

    # -------------------------------------------------------------- recursion

    def _entry(self, parts, reader, depth, meter, seekable, trail):
        """One file of the upload: an archive (opened) or a file (written).
        ``trail``: the names leading to it (the upload's first)."""
        kind = archive_kind(parts[-1])
        if kind is None:
            self._write(parts, reader, meter, _label(trail))
            return
        if depth + 1 > self.caps.max_depth:
            self._leave_out(trail, f"an archive nested more than {self.caps.max_depth} levels "
                                   "deep is not opened")
            return
        container, compression, stem = kind
        before = len(self.files)
        try:
            if container == "single":
                self._entry(parts[:-1] + [stem], _decompressor(compression, reader), depth + 1,
                            meter, False, trail)
            else:
                prefix = parts[:-1] + [stem] if depth else []
                if container == "zip":
                    self._zip(reader, meter, seekable, prefix, depth + 1, trail)
                else:
                    self._tar(_decompressor(compression, reader), meter, prefix, depth + 1, trail)
        except (Refused, LeftOut):
            raise
        except _UNREADABLE as error:
            reason = f"it is not a readable {container if container != 'single' else compression} " \
                     f"archive ({why(error)})"
            if depth == 0:
                raise Refused(reason) from None
            for relative in self.files[before:]:  # what it had written is not kept either
                os.unlink(os.path.join(self.folder, relative))
                self._taken.pop(relative.casefold(), None)
            del self.files[before:]
            self._leave_out(trail, reason)

    def _member(self, parts, opener, depth, meter, seekable, trail):
        """An entry of a zip or tar: written, opened or left out."""
        try:
            with opener() as reader:
                self._entry(parts, reader, depth, meter, seekable, trail)
        except LeftOut as left_out:
            self._leave_out(trail, str(left_out))
        except Refused:
            raise
        except _UNREADABLE as error:
            self._leave_out(trail, f"it could not be read ({why(error)})")

    def _zip(self, reader, meter, seekable, prefix, depth, trail):
        if seekable:
            self._zip_entries(reader, prefix, depth, trail)
            return
        spool = self._spool(reader, meter, _label(trail))
        try:
            self._zip_entries(spool, prefix, depth, trail)
        finally:
            spool.close()

    def _zip_entries(self, counted, prefix, depth, trail):
        archive, undecodable = open_zip(counted, self.caps.max_entries)
        with archive:
            for index, info in enumerate(archive.infolist()):
                self._count_entry()
                name = zip_name(info, index in undecodable)
                where = (*trail, name)
                parts, bad = check_path(name)
                if bad:
                    self._leave_out(where, f"its name is not accepted: {bad}")
                    continue
                where = (*trail, "/".join(parts))
                if is_junk(parts):
                    continue
                if is_hidden(parts):
                    self._leave_out(where, "hidden files are left out")
                    continue
                kind = zip_file_type(info)
                if info.orig_filename.endswith(("/", "\\")) or kind == stat.S_IFDIR:
                    continue
                if kind not in (0, stat.S_IFREG):
                    self._leave_out(where, f"it is a {KINDS.get(kind, 'special file')}; "
                                           "only files and folders are taken")
                    continue
                if info.flag_bits & 0x1:
                    self._leave_out(where, "it is encrypted (password-protected)")
                    continue
                self._declare(info.file_size, _label(where))
                self._member(prefix + parts, lambda info=info: archive.open(info), depth, counted,
                             False, where)

    def _tar(self, stream, meter, prefix, depth, trail):
        with tarfile.open(fileobj=stream, mode="r|", tarinfo=_TarInfo, encoding="utf-8",
                          errors="surrogateescape") as archive:
            for member in archive:
                self._count_entry()
                where = (*trail, member.name)
                # tarfile reads past (decompresses) the data of every member
                # that has any, of whatever type, so all of it counts
                self._declare(0 if _has_no_data(member) else member.size, _label(where))
                parts, bad = check_path(member.name)
                if bad:
                    self._leave_out(where, f"its name is not accepted: {bad}")
                    continue
                where = (*trail, "/".join(parts))
                if is_junk(parts):
                    continue
                if is_hidden(parts):
                    self._leave_out(where, "hidden files are left out")
                    continue
                if member.isdir():
                    continue
                if not member.isreg():
                    self._leave_out(where, f"it is a {_tar_kind(member)}; only files and folders "
                                           "are taken")
                    continue
                self._member(prefix + parts, lambda member=member: archive.extractfile(member),
                             depth, meter, False, where)


KINDS = {stat.S_IFLNK: "symbolic link", stat.S_IFCHR: "character device",
          stat.S_IFBLK: "block device", stat.S_IFIFO: "named pipe (FIFO)", stat.S_IFSOCK: "socket"}


def _tar_kind(member):
    if member.issym():
        return "symbolic link"
    if member.islnk():
        return "hard link"
    if member.ischr():
        return "character device"
    if member.isblk():
        return "block device"
    if member.isfifo():
        return "named pipe (FIFO)"
    return "special file"


def _label(trail):
    """An entry as named in messages: its path inside the upload ("hw.zip >
    x.ipynb" inside a nested archive), or the upload's own name."""
    return " > ".join(trail[1:]) or trail[0]


def why(error):
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def _has_no_data(member):
    """Whether a tar member carries no data in the archive (a folder, link
    or device): for any other type, its declared size is read through."""
    return member.isdir() or member.issym() or member.islnk() or member.ischr() \
        or member.isblk() or member.isfifo()
