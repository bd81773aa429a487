"""Logging: one logger per module, a rotating file under the data folder, discord.py kept quiet.

discord.py logs raw gateway and HTTP payloads at DEBUG, which would include message text, and
aiosqlite logs every statement with its parameters (Discord user ids in the alias table), so those
loggers are held at INFO or above whatever the bot's own level is. Our own code never logs the
text of a message at any level. The log files are private (0600, in the 0700 data folder): they name
aliases, groups and guilds.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import TextIO

from bot.store.private_files import make_private, open_private, private_folder

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Loggers whose DEBUG output carries payloads (message text) or is noise.
_CLAMPED = {"discord": logging.INFO, "discord.gateway": logging.WARNING, "discord.http": logging.WARNING,
            "discord.client": logging.WARNING, "discord.webhook": logging.WARNING, "apscheduler": logging.WARNING,
            "transformers": logging.WARNING, "aiosqlite": logging.INFO, "urllib3": logging.WARNING,
            "matplotlib": logging.WARNING}


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are 0600 (each new file after a rotation too), whatever the umask."""

    def _open(self) -> TextIO:
        return open_private(Path(self.baseFilename), self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(level: str, log_path: Path | None, max_bytes: int = 5_000_000, backups: int = 5) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    formatter = logging.Formatter(_FORMAT)
    console = logging.StreamHandler()
    console.setFormatter(formatter)
    root.addHandler(console)
    if log_path is not None:
        private_folder(log_path.parent)
        for backup in range(1, backups + 1):  # earlier logs, rotated before files were kept private
            if (older := log_path.with_name(f"{log_path.name}.{backup}")).exists():
                make_private(older)
        file_handler = PrivateRotatingFileHandler(log_path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    for name, floor in _CLAMPED.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
