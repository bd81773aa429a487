"""Private files, on real files: the data folder 0700, the database with its WAL and SHM files, the logs and
the research export 0600, whatever the umask; looser files from before are tightened with one line naming
them, and a file that cannot be tightened (another account owns it) stops the start with one line."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pwd
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import build_parser, main
from bot.core.outcomes.export import write_export
from bot.core.outcomes.research_data import ResearchData
from bot.logging_setup import setup_logging
from bot.sandbox.output import Screen
from bot.sandbox.session import play
from bot.settings import load_settings
from bot.store import Database
from bot.store.private_files import PrivateFileError, private_database, private_folder

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000], ids=["umask-022", "umask-002", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run under a permissive umask: the modes must not depend on it."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)




@pytest.mark.usefixtures("umask")
async def test_a_new_database_its_folder_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "peerbot.sqlite3"
    async with await Database.open(path) as db:
        await db.migrate()
        await db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
        assert wal.exists() and shm.exists()  # WAL mode, while the connection is open
        assert {p.name: mode(p) for p in (path, wal, shm)} == {p.name: 0o600 for p in (path, wal, shm)}
    assert mode(path.parent) == 0o700


async def test_an_existing_0644_database_and_0755_folder_are_tightened_naming_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "data"
    path = folder / "peerbot.sqlite3"
    async with await Database.open(path) as db:
        await db.migrate()
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")  # left behind by a crash, as SQLite made it before files were kept private
    for loose, loose_mode in ((folder, 0o755), (path, 0o644), (wal, 0o644)):
        loose.chmod(loose_mode)
    with caplog.at_level(logging.WARNING, logger="bot.store.private_files"):
        async with await Database.open(path) as db:
            assert await db.version() > 0  # the data is still there
            assert (mode(folder), mode(path), mode(wal)) == (0o700, 0o600, 0o600)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3
    for loose, before in ((folder, "0755"), (path, "0644"), (wal, "0644")):
        assert any(str(loose) in line and f"was {before}" in line and "now 0" in line for line in lines), lines


async def test_a_private_start_logs_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "data" / "peerbot.sqlite3"
    async with await Database.open(path):
        pass
    with caplog.at_level(logging.DEBUG, logger="bot.store.private_files"):
        async with await Database.open(path):
            pass
    assert caplog.records == []


def test_a_group_readable_folder_is_tightened_but_a_stricter_one_is_left_alone(tmp_path: Path) -> None:
    loose, strict = tmp_path / "loose", tmp_path / "strict"
    loose.mkdir(mode=0o750)
    loose.chmod(0o750)
    strict.mkdir()
    strict.chmod(0o500)  # read-only for its owner: already private, not ours to loosen
    private_folder(loose)
    private_folder(strict)
    assert (mode(loose), mode(strict)) == (0o700, 0o500)
    strict.chmod(0o700)


@pytest.mark.usefixtures("umask", "keep_logging")
def test_logs_are_private_and_so_is_each_file_after_a_rotation(tmp_path: Path) -> None:
    log_path = tmp_path / "data" / "peerbot.log"
    setup_logging("INFO", log_path, max_bytes=2_000, backups=2)
    for n in range(100):
        logging.getLogger("tests.private").info("line %d of a log that rotates", n)
    rotated = sorted(log_path.parent.glob("peerbot.log*"))
    assert len(rotated) == 3
    assert {p.name: mode(p) for p in rotated} == {p.name: 0o600 for p in rotated}
    assert mode(log_path.parent) == 0o700


@pytest.mark.usefixtures("keep_logging")
def test_existing_0644_logs_are_tightened(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("peerbot.log", "peerbot.log.1"):
        (folder / name).write_text("an earlier start\n", encoding="utf-8")
        (folder / name).chmod(0o644)
    folder.chmod(0o755)
    caplog.set_level(logging.WARNING, logger="bot.store.private_files")
    setup_logging("INFO", folder / "peerbot.log", backups=2)
    assert (mode(folder), mode(folder / "peerbot.log"), mode(folder / "peerbot.log.1")) == (0o700, 0o600, 0o600)
    assert (folder / "peerbot.log").read_text(encoding="utf-8").startswith("an earlier start")  # appended to


@pytest.mark.usefixtures("umask")
def test_the_research_export_is_private_even_over_an_older_0644_one(tmp_path: Path) -> None:
    out = tmp_path / "exports" / "export.csv"
    out.parent.mkdir()
    out.write_text("an older export\n", encoding="utf-8")
    out.chmod(0o644)
    result = write_export(ResearchData(instruments={}), 5, out, datetime(2026, 3, 2, tzinfo=UTC))
    assert mode(result.path) == 0o600
    assert result.path.read_text(encoding="utf-8").startswith("record,participant")  # written afresh


@pytest.mark.parametrize("existing", [None, 0o755], ids=["new", "existing-0755"])
async def test_the_sandbox_data_folder_is_private(tmp_path: Path, existing: int | None) -> None:
    settings = load_settings(env={"PEERBOT_BOT__DATA_DIR": str(tmp_path / "unused")})  # the SQLite file
    data = tmp_path / "sandbox-data"
    if existing is not None:
        data.mkdir()
        data.chmod(existing)
    screen = Screen(lambda line: None)
    code = await play(settings, screen, tmp_path / "out", lines=["wait 1m"], data_dir=data, classifier=None)
    assert code == 0
    kept = [data, *data.glob("*.sqlite3"), data / "sandbox-secret.key"]
    assert len(kept) == 3
    assert {p.name: mode(p) for p in kept} == {data.name: 0o700, **{p.name: 0o600 for p in kept[1:]}}


# --- A file another account owns: it cannot be tightened, so the start stops with one line. -----------


def as_another_account(action: Callable[[], int]) -> tuple[int, str]:
    """Run `action` in a forked child that has given up root for `nobody`; its exit code and stderr."""
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code, stderr = 99, io.StringIO()
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with contextlib.redirect_stderr(stderr):
                code = action()
        except BaseException as exc:  # report it to the test instead of running pytest on in the child
            stderr.write(f"{type(exc).__name__}: {exc}")
        finally:
            os.write(write, stderr.getvalue().encode())
            os._exit(code)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as pipe:
        stderr_text = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr_text


@pytest.fixture
def foreign_data() -> Iterator[Path]:
    """A data folder (0755) and database (0644) that belong to root, reachable by `nobody`."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make files owned by another account (CI runs as root)")
    top = Path(tempfile.mkdtemp(prefix="peerbot-foreign-"))  # outside pytest's 0700 tmp folders
    top.chmod(0o755)
    folder = top / "data"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "peerbot.sqlite3").write_bytes(b"")
    (folder / "peerbot.sqlite3").chmod(0o644)
    yield folder
    for path in sorted(top.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    top.rmdir()


def open_database(path: Path) -> Callable[[], int]:
    def action() -> int:
        try:
            private_database(path)
        except PrivateFileError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0

    return action


def test_a_folder_another_account_owns_stops_with_one_line(foreign_data: Path) -> None:
    code, stderr = as_another_account(open_database(foreign_data / "peerbot.sqlite3"))
    assert code == 2, stderr
    assert stderr.count("\n") == 1
    assert f"the folder {foreign_data} can be read by other accounts on this machine (mode 0755)" in stderr
    assert f"run `chmod 700 {foreign_data}` as its owner" in stderr
    assert mode(foreign_data) == 0o755  # untouched


def test_a_database_another_account_owns_stops_with_one_line(foreign_data: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    os.chown(foreign_data, nobody.pw_uid, nobody.pw_gid)  # her folder (tightened), root's database (not hers)
    database = foreign_data / "peerbot.sqlite3"
    code, stderr = as_another_account(open_database(database))
    assert code == 2, stderr
    assert stderr.count("\n") == 1
    assert f"the file {database} can be read by other accounts on this machine (mode 0644)" in stderr
    assert "could not be made private (Operation not permitted)" in stderr
    assert (mode(foreign_data), mode(database)) == (0o700, 0o644)


def test_the_command_line_exits_2_with_one_line_and_no_traceback(
    foreign_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERBOT_BOT__DATA_DIR", str(foreign_data))
    monkeypatch.setenv("PEERBOT_BOT__SECRET_KEY_FILE", str(foreign_data / "key"))
    build_parser()  # import every command here: `nobody` cannot read this interpreter's library under /root
    code, stderr = as_another_account(lambda: main(["migrate"]))
    assert code == 2, stderr
    assert stderr.startswith(f"error: the folder {foreign_data} can be read by other accounts")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
