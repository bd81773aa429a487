"""Persistence: one SQLite file behind small repositories with parameterised SQL."""

from bot.store.database import Database, MigrationError

__all__ = ["Database", "MigrationError"]
