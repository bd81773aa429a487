"""Private files: the data folder 0700, the database (with its WAL and SHM files), logs and exports 0600.

The database maps aliases to accounts and holds every score, so on a shared host no other local account
may read it. Modes are set explicitly (with `fchmod`/`chmod` after creating), never left to the umask.
A file or folder we find open to other accounts is tightened, with one warning naming it; when it cannot
be tightened (another account owns it) `PrivateFileError` stops the start with one line that says what
to do. SQLite creates its `-wal` and `-shm` files with the main file's mode, so a 0600 database keeps
them 0600 too.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
# Files SQLite keeps beside the database: the write-ahead log, its shared-memory index, a rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_ENFORCED = os.name == "posix"  # elsewhere chmod only toggles read-only: nothing to check


class PrivateFileError(RuntimeError):
    """A data file or folder is open to other accounts and could not be made private."""


def _mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def _tighten(path: Path, current: int, wanted: int, chmod: Callable[[int], None]) -> None:
    if not stat.S_IMODE(current) & 0o077:
        return
    try:
        chmod(wanted)
    except OSError as exc:
        kind = "folder" if stat.S_ISDIR(current) else "file"
        raise PrivateFileError(
            f"the {kind} {path} can be read by other accounts on this machine (mode {_mode_text(current)}) "
            f"and could not be made private ({exc.strerror or exc}): run `chmod {wanted:o} {path}` as its "
            "owner, or set bot.data_dir to a folder this account owns"
        ) from None
    log.warning("Made %s private: its mode was %s (open to other accounts), now %04o",
                path, _mode_text(current), wanted)


def make_private(path: Path) -> None:
    """Tighten an existing file to 0600 or folder to 0700 if other accounts could read it."""
    if not _ENFORCED:
        return
    current = path.stat().st_mode
    wanted = FOLDER_MODE if stat.S_ISDIR(current) else FILE_MODE
    _tighten(path, current, wanted, path.chmod)


def private_folder(path: Path) -> Path:
    """Create the folder 0700 (its parents as usual), or make an existing one private. Returns `path`."""
    try:
        path.mkdir(parents=True, mode=FOLDER_MODE)
    except FileExistsError:
        make_private(path)
    else:
        if _ENFORCED:
            path.chmod(FOLDER_MODE)  # the umask may have taken bits off: set exactly 0700
    return path


def _opener(path: str, flags: int) -> int:
    """`open(..., opener=_opener)`: a new file is made exactly 0600 whatever the umask; a file that was
    already there is tightened if other accounts could read it."""
    if flags & os.O_CREAT:
        try:
            fd = os.open(path, flags | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        else:
            if _ENFORCED:
                os.fchmod(fd, FILE_MODE)  # before anything is written
            return fd
    fd = os.open(path, flags & ~os.O_CREAT)
    if _ENFORCED:
        try:
            _tighten(Path(path), os.fstat(fd).st_mode, FILE_MODE, lambda mode: os.fchmod(fd, mode))
        except BaseException:
            os.close(fd)
            raise
    return fd


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """Like `open()`, but the file is 0600: created so, or made so when it already existed."""
    return open(path, mode, opener=_opener, **kwargs)  # the caller closes it


def private_database(path: Path) -> None:
    """Before SQLite opens `path`: its folder 0700, the file created empty with 0600 (SQLite reads an
    empty file as an empty database and gives its WAL and SHM files the same mode), and any existing
    database, WAL, SHM or journal file made private."""
    private_folder(path.parent)
    if not path.exists():
        os.close(_opener(str(path), os.O_WRONLY | os.O_CREAT))
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        if candidate.exists():
            make_private(candidate)
