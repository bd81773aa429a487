"""Fixtures for tests that run a `python -m bot` command in this process."""

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """A command sets up logging for the process; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
