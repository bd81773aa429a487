import hashlib
import hmac
import stat
from pathlib import Path

import pytest

from bot.core.privacy import Pseudonymizer, SecretKeyError, load_key
from bot.services import open_services
from bot.settings import load_settings

KEY = "x" * 40


def test_pseudonym_is_hmac_sha256_of_guild_and_user() -> None:
    expected = hmac.new(KEY.encode(), b"123:456", hashlib.sha256).hexdigest()
    assert Pseudonymizer(KEY.encode()).pseudonym(123, 456) == expected


def test_pseudonyms_differ_by_guild_user_and_key() -> None:
    one = Pseudonymizer(KEY.encode())
    assert one.pseudonym(1, 2) != one.pseudonym(2, 1)
    assert one.pseudonym(1, 2) != Pseudonymizer(b"y" * 40).pseudonym(1, 2)
    assert len(one.pseudonym(1, 2)) == 64
    int(one.pseudonym(1, 2), 16)  # hex only


def test_key_from_environment_wins(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    result = load_key(key_file, None, {"PEERBOT_SECRET_KEY": KEY})
    assert result.key == KEY.encode()
    assert not key_file.exists()


def test_key_file_generated_with_mode_0600_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "sub" / "key"
    first = load_key(key_file, None, {})
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key(key_file, first.fingerprint, {}).key == first.key


def test_short_key_refused(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="at least 32"):
        load_key(tmp_path / "key", None, {"PEERBOT_SECRET_KEY": "short"})


def test_lost_key_is_detected_not_regenerated(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    first = load_key(key_file, None, {})
    key_file.unlink()
    with pytest.raises(SecretKeyError, match="secret key is missing"):
        load_key(key_file, first.fingerprint, {})
    assert not key_file.exists()


def test_changed_key_is_detected(tmp_path: Path) -> None:
    first = load_key(tmp_path / "key", None, {})
    with pytest.raises(SecretKeyError, match="not the one this database was created with"):
        load_key(tmp_path / "key", first.fingerprint, {"PEERBOT_SECRET_KEY": KEY})


async def test_database_remembers_the_key_fingerprint(tmp_path: Path) -> None:
    env = {"PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"), "PEERBOT_SECRET_KEY": KEY}
    settings = load_settings(env=env)
    async with open_services(settings, env=env) as services:
        pseudonym = services.pseudonymizer.pseudonym(1, 2)
    async with open_services(settings, env=env) as services:
        assert services.pseudonymizer.pseudonym(1, 2) == pseudonym
    changed = {**env, "PEERBOT_SECRET_KEY": "z" * 40}
    with pytest.raises(SecretKeyError):
        async with open_services(settings, env=changed):
            pass
