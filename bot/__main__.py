"""`python -m bot COMMAND`: every module in bot/cli/ (not starting with _) is a command."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import bot.cli
from bot.store.private_files import PrivateFileError


def discover_commands() -> dict[str, ModuleType]:
    commands: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules([str(Path(bot.cli.__file__).parent)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bot.cli.{info.name}")
        commands[module.NAME] = module
    return dict(sorted(commands.items()))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    commands = discover_commands()
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Peer-support bot for mothers living with perinatal mental illness.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in commands.items():
        sub = subparsers.add_parser(
            name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP),
            epilog=getattr(module, "EPILOG", None), formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(commands[args.command].run(args) or 0)
    except PrivateFileError as exc:  # any command that opens the data folder, the database or the log
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
