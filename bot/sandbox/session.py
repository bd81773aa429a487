"""Running the sandbox from a script file or interactively."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bot.clock import from_iso, to_iso
from bot.sandbox.commands import register_all
from bot.sandbox.output import Screen
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError, parse_line
from bot.sandbox.world import World, open_world
from bot.settings import Settings
from bot.store.private_files import private_folder

# Beside the database in a kept data folder (--data): what the database alone doesn't remember.
STATE_FILE = "sandbox-state.json"


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def build(world: World, output_dir: Path) -> Sandbox:
    output_dir.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(world, output_dir)
    register_all(sandbox)
    return sandbox


def check_script(lines: list[str]) -> str | None:
    """The first line that can't be read, as `line N: why (the line)`, before anything runs; else None."""
    for number, line in enumerate(lines, start=1):
        try:
            parse_line(line)
        except SandboxError as exc:
            return f"line {number}: {exc} ({line.strip()})"
    return None


async def run_script(world: World, lines: list[str], output_dir: Path,
                     report: Callable[[str], None] = _to_stderr) -> int:
    """Run each line; 0 at the end, or 1 after reporting (`error: line N: …`) the first that can't run."""
    sandbox = build(world, output_dir)
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            world.screen.echo(line.strip())
        try:
            await sandbox.run_line(line)
        except SandboxError as exc:
            report(f"error: line {number}: {exc} ({line.strip()})")
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


def make_folder(data_dir: Path) -> None:
    private_folder(data_dir)  # 0700, like the bot's own data folder


def restore_state(world: World, data_dir: Path) -> None:
    """A kept folder's members in their first order (so each name keeps her identity and alias) and its
    clock (so time never runs backwards over what is stored)."""
    path = data_dir / STATE_FILE
    if not path.is_file():
        return
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        names = [str(name) for name in state.get("members", [])]
        now = from_iso(str(state["now"])) if state.get("now") else None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SandboxError(f"{path} is unreadable ({exc}); remove it, or use another --data folder") from None
    for name in names:
        world.member(name)
    if now is not None and now > world.clock.now():
        world.clock.set(now)
        world.screen.info(f"continuing in {data_dir} at {to_iso(now)}")


def save_state(world: World, data_dir: Path) -> None:
    members = sorted(world.members.values(), key=lambda member: member.user_id)
    state = {"members": [member.name for member in members], "now": to_iso(world.clock.now())}
    (data_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


async def play(settings: Settings, screen: Screen, output_dir: Path, *, lines: list[str] | None = None,
               data_dir: Path | None = None, classifier: object | None = None,
               report: Callable[[str], None] = _to_stderr) -> int:
    """A whole session: open the world (in data_dir, kept, or a temporary folder), run the script's lines
    (or read lines interactively when None), and remember the folder's state for the next run."""
    if lines is not None and (problem := check_script(lines)) is not None:
        report(f"error: {problem}")
        return 1
    if data_dir is not None:
        make_folder(data_dir)
    async with open_world(settings, screen, data_dir, classifier=classifier) as world:
        if data_dir is not None:
            try:
                restore_state(world, data_dir)
            except SandboxError as exc:
                report(f"error: {exc}")
                return 2
        try:
            if lines is not None:
                return await run_script(world, lines, output_dir, report)
            return await run_interactive(world, output_dir)
        finally:
            if data_dir is not None:
                save_state(world, data_dir)
