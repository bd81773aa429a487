"""One owner per table: no module outside `bot/store` holds SQL (issue 16).

Every string literal in `bot/` and `cogs/` outside `bot/store/` (docstrings aside) is checked for SQL
statements. `NOT_YET_MOVED` lists the modules whose SQL has not moved to a repository yet: whoever
moves a module's SQL into `bot/store/` removes it from the list (the second test fails until they do).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "cogs")
STORE = Path("bot/store")

# Shrinks to nothing as the SQL moves into bot/store/ (the check-ins benchmark is being moved by the
# other half of issue 16).
NOT_YET_MOVED: frozenset[str] = frozenset()

# Upper-case SQL statements, as the store writes them (prose such as "select a group" never matches).
_SQL = re.compile(
    r"\bSELECT\b.*\bFROM\b|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|\bUPDATE\s+(?:OR\s+[A-Z]+\s+)?\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\b(?:CREATE|DROP|ALTER)\s+(?:TABLE|INDEX|TRIGGER)\b|\bPRAGMA\s+\w+",
    re.DOTALL,
)


def _not_checked(tree: ast.AST) -> set[int]:
    """ids of the nodes not checked on their own: docstrings (module, class and function), which may
    describe SQL in prose, and the fixed parts of f-strings (checked with their f-string)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
        if isinstance(node, ast.JoinedStr):
            found.update(id(part) for part in node.values)
    return found


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # an f-string: its fixed parts, with a placeholder for each value
        return "".join(part.value if isinstance(part, ast.Constant) else "x" for part in node.values)
    return None


def sql_in(path: Path) -> list[tuple[int, str]]:
    """(line, statement start) of every string literal in the file that holds SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _not_checked(tree)
    hits = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        text = _literal_text(node)
        if text is not None and (match := _SQL.search(text)):
            hits.append((node.lineno, " ".join(match.group(0).split())[:60]))
    return hits


def modules_with_sql() -> dict[str, list[tuple[int, str]]]:
    found = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative.is_relative_to(STORE):
                continue
            hits = sql_in(path)
            if hits:
                found[relative.as_posix()] = hits
    return found


def test_the_scanner_finds_sql_and_ignores_prose(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Module docs may say SELECT x FROM t."""\n'
        'A = "SELECT id FROM groups WHERE guild_id = ?"\n'
        'B = f"UPDATE {table} SET x = ?"\n'
        'C = ("INSERT INTO meta (key, value) "\n     "VALUES (?, ?)")\n'
        'D = "Please select a group from the list, then update it."\n'
        'E = "DELETE FROM relayed_messages WHERE post_id = ?"\n'
    )
    assert [line for line, _ in sql_in(sample)] == [2, 3, 4, 7]


def test_no_sql_outside_the_store() -> None:
    offenders = {module: hits for module, hits in modules_with_sql().items() if module not in NOT_YET_MOVED}
    assert not offenders, (
        "SQL belongs in a repository under bot/store/ (one module per table); found in: "
        + "; ".join(f"{module} line {hits[0][0]} ({hits[0][1]} …)" for module, hits in offenders.items())
    )


def test_the_not_yet_moved_list_only_names_modules_that_still_hold_sql() -> None:
    moved = sorted(NOT_YET_MOVED - set(modules_with_sql()))
    assert not moved, f"these modules hold no SQL any more: remove them from NOT_YET_MOVED: {moved}"
