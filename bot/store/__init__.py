"""Persistence: one database (SQLite by default) behind small repositories with parameterised SQL."""

from bot.store.database import Database, MigrationError, Row, Tx

__all__ = ["Database", "MigrationError", "Row", "Tx"]
