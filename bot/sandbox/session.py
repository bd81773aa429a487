"""Running the sandbox from a script file or interactively."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.sandbox.commands import register_all
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import World


def build(world: World, output_dir: Path) -> Sandbox:
    output_dir.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(world, output_dir)
    register_all(sandbox)
    return sandbox


async def run_script(world: World, lines: list[str], output_dir: Path) -> int:
    sandbox = build(world, output_dir)
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            world.screen.echo(line.strip())
        try:
            await sandbox.run_line(line)
        except SandboxError as exc:
            print(f"error: line {number}: {exc} ({line.strip()})", file=sys.stderr)
            return 1
    return 0


async def run_interactive(world: World, output_dir: Path) -> int:
    sandbox = build(world, output_dir)
    print("Offline sandbox: type lines like `as Anna: hello`, `mod: /mod flags`, `wait 7d`; Ctrl-D to quit.")
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, input, "> ")
        except EOFError:
            print()
            return 0
        try:
            await sandbox.run_line(line)
        except SandboxError as exc:
            print(f"error: {exc}")
