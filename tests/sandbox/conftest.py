"""Running sandbox scripts in-process: the same session as `python -m bot sandbox --script`, with the
session's one real model, a fresh data folder, and the transcript captured instead of printed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from bot.core.framing.classifier import FramingClassifier
from bot.sandbox.output import Screen
from bot.sandbox.session import play
from bot.settings import Settings


class SandboxRun(NamedTuple):
    code: int  # what the command line would exit with
    stdout: list[str]  # the transcript, one line each
    stderr: str  # `error: line N: …` when a line could not run

    def lines_for(self, prefix: str) -> list[str]:
        return [line for line in self.stdout if line.startswith(prefix)]


PlaySandbox = Callable[..., Awaitable[SandboxRun]]


@pytest.fixture
def play_sandbox(tmp_path: Path, settings: Settings, classifier: FramingClassifier) -> PlaySandbox:
    """`await play_sandbox(script)` runs the script's lines; charts and files go to tmp_path/"out".
    Pass data_dir= to continue a kept folder (as --data does); by default each test has its own."""

    async def run(script: str, *, data_dir: Path | None = None) -> SandboxRun:
        screen = Screen(lambda line: None)
        errors: list[str] = []
        code = await play(settings, screen, tmp_path / "out", lines=script.splitlines(),
                          data_dir=data_dir or tmp_path / "sandbox-data", classifier=classifier,
                          report=errors.append)
        return SandboxRun(code, list(screen.lines), "\n".join(errors))

    return run
