"""/help and /resources in the sandbox (the same core as cogs/help.py and cogs/resources.py).

/help is built from the sandbox's own commands (so it never lists one the sandbox can't run): the
members' part for a member, the moderators' part too for the moderator.
"""

from __future__ import annotations

from bot.core.help import CommandInfo, help_notes
from bot.core.notify import Note
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD

HELP = "What I can do for you, in plain words (only you see it)"


def sandbox_commands(sandbox: Sandbox) -> list[CommandInfo]:
    """The sandbox's commands as /help lists them: members' from `as NAME:`, moderators' from `mod:`."""
    found = [CommandInfo(name, sandbox.descriptions.get(name, "")) for name in sandbox.commands]
    found += [CommandInfo(name, sandbox.descriptions.get(name, ""), "moderator")
              for name in sandbox.moderator_commands if name not in sandbox.commands]
    return found


async def help_command(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    for note in help_notes(sandbox_commands(sandbox), moderator=person == MOD):
        sandbox.world.ephemeral(person, note)


async def resources(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    """`/resources show` or `/resources region REGION` (a code or a name; `server` for the server's)."""
    world = sandbox.world
    regions = world.services.regions
    what = args[0].lower() if args else ""
    if what == "show" and len(args) == 1:
        text = await regions.describe(GUILD_ID, world.pseudonym(person))
    elif what == "region" and len(args) > 1:
        text = await regions.choose(GUILD_ID, world.pseudonym(person), " ".join(args[1:]))
    else:
        raise SandboxError("usage: /resources show, or /resources region REGION (e.g. IE, or server)")
    world.ephemeral(person, Note(text))


def register(sandbox: Sandbox) -> None:
    sandbox.command("help", description=HELP)(help_command)
    sandbox.command("help", moderator=True, description=HELP)(help_command)
    sandbox.command("resources", description="Crisis lines and support services: show, or region REGION")(resources)
