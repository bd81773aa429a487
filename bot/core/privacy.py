"""Pseudonyms: HMAC-SHA256 of guild and user under a secret key, with the key guarded at start.

The key comes from PEERBOT_SECRET_KEY or from a key file (created with mode 0600 on first run).
The database stores a fingerprint of the key (an HMAC of a fixed label, not the key), so a lost
or changed key is caught at start instead of silently giving every member a new pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KEY_ENV = "PEERBOT_SECRET_KEY"
_FINGERPRINT_LABEL = b"peerbot key fingerprint v1"
_MIN_KEY_CHARS = 32


class SecretKeyError(RuntimeError):
    """The secret key is missing, too short, unreadable or not the one the database was made with."""


@dataclass(frozen=True)
class Pseudonymizer:
    key: bytes

    def pseudonym(self, guild_id: int, user_id: int) -> str:
        """HMAC-SHA256(key, "guild:user") as 64 hex characters."""
        message = f"{int(guild_id)}:{int(user_id)}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    @property
    def fingerprint(self) -> str:
        return hmac.new(self.key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:24]


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("Secret key file %s is readable by others (mode %o); tightening to 0600", path, mode)
        path.chmod(0o600)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < _MIN_KEY_CHARS:
        raise SecretKeyError(f"the secret key in {path} is shorter than {_MIN_KEY_CHARS} characters")
    return key.encode()


def _create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    log.info("Generated a new secret key in %s", path)
    return key.encode()


def load_key(key_file: Path, stored_fingerprint: str | None, env: dict[str, str] | None = None) -> Pseudonymizer:
    """Return the pseudonymizer for this database, or raise SecretKeyError with one clear sentence.

    A new key is generated only when the database has never had one (no stored fingerprint).
    """
    env = dict(os.environ) if env is None else env
    if env.get(KEY_ENV):
        key = env[KEY_ENV].strip().encode()
        if len(key) < _MIN_KEY_CHARS:
            raise SecretKeyError(f"{KEY_ENV} must be at least {_MIN_KEY_CHARS} characters")
        source = KEY_ENV
    elif key_file.exists():
        key = _read_key_file(key_file)
        source = str(key_file)
    elif stored_fingerprint is None:
        key = _create_key_file(key_file)
        source = str(key_file)
    else:
        raise SecretKeyError(
            f"the secret key is missing: this database was created with a key (fingerprint "
            f"{stored_fingerprint[:8]}…) but neither {KEY_ENV} nor {key_file} holds it. Restore the "
            "original key; a new one would give every member a new pseudonym and split her scores."
        )
    pseudonymizer = Pseudonymizer(key)
    if stored_fingerprint is not None and not hmac.compare_digest(pseudonymizer.fingerprint, stored_fingerprint):
        raise SecretKeyError(
            f"the secret key from {source} is not the one this database was created with "
            f"(expected fingerprint {stored_fingerprint[:8]}…, got {pseudonymizer.fingerprint[:8]}…). "
            "Restore the original key; a new one would split every member into a new pseudonym."
        )
    return pseudonymizer
