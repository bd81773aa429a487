"""/nudges and the moderator's /framing controls, the weekly digest's among them, in the sandbox (the
same core as cogs/framing.py)."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.framing.moderator_text import describe_settings, render_stats, try_note
from bot.core.framing.nudges import NUDGES_OFF_TEXT, NUDGES_ON_TEXT
from bot.core.framing.service import FramingService
from bot.core.notify import Note
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD


def _framing(sandbox: Sandbox) -> FramingService:
    framing = sandbox.world.services.framing
    if framing is None:
        raise UserError("The framing model isn't running on this bot right now, so this isn't available.")
    return framing


async def nudges(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    if not args or args[0].lower() not in ("on", "off"):
        raise SandboxError("use /nudges on or /nudges off")
    world = sandbox.world
    await _framing(sandbox).set_nudges(GUILD_ID, world.pseudonym(person), args[0].lower() == "on")
    world.ephemeral(person, Note(NUDGES_ON_TEXT if args[0].lower() == "on" else NUDGES_OFF_TEXT))


async def digest_admin(sandbox: Sandbox, args: tuple[str, ...]) -> None:
    """`/framing digest [GROUP] on|off|preview` (the default group when none is named)."""
    world = sandbox.world
    if not args or args[-1].lower() not in ("on", "off", "preview"):
        raise SandboxError("use /framing digest [GROUP] on|off|preview")
    setting = args[-1].lower()
    name = " ".join(args[:-1])
    group = await world.services.groups.by_name(GUILD_ID, name) if name else world.group
    digests = world.services.digests
    if setting != "preview":
        await digests.set_enabled(GUILD_ID, group.id, setting == "on", actor=world.pseudonym(MOD))
    world.ephemeral(MOD, await digests.preview(GUILD_ID, group.id))


async def framing_admin(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    if args and args[0].lower() == "digest":
        await digest_admin(sandbox, args[1:])
        return
    framing = _framing(sandbox)
    world = sandbox.world
    group = world.group
    sub = args[0].lower() if args else ""
    rest = args[1:]
    if rest and rest[0].casefold() == group.name.casefold():
        rest = rest[1:]
    actor = world.pseudonym(MOD)
    if sub == "mode" and rest:
        config = await framing.set_mode(GUILD_ID, group.id, rest[0].lower(), actor=actor)
    elif sub == "threshold" and rest:
        try:
            value = float(rest[0])
        except ValueError:
            raise UserError("Please give a probability between 0 and 1, e.g. 0.6.") from None
        config = await framing.set_threshold(GUILD_ID, group.id, value, actor=actor)
    elif sub == "reaction" and rest and rest[0].lower() in ("on", "off"):
        config = await framing.set_reaction(GUILD_ID, group.id, rest[0].lower() == "on", actor=actor)
    elif sub == "stats":
        config = await framing.group_settings(GUILD_ID, group.id)
        weeks = await framing.weekly_stats(GUILD_ID, group.id)
        world.ephemeral(MOD, Note(describe_settings(group.name, config) + "\n\n" + render_stats(group.name, weeks)))
        return
    elif sub == "try" and rest:
        world.ephemeral(MOD, await try_note(framing, " ".join(rest)))
        return
    else:
        raise SandboxError("use /framing mode off|private|reflect, threshold VALUE, reaction on|off, stats, try TEXT, "
                           "digest [GROUP] on|off|preview")
    world.ephemeral(MOD, Note("Saved.\n" + describe_settings(group.name, config)))


def register(sandbox: Sandbox) -> None:
    sandbox.command("nudges", description="Turn the bot's gentle private notes after your posts on or off")(nudges)
    sandbox.command("framing", moderator=True,
                    description="The framing model: mode, threshold, reaction, stats, try, digest")(framing_admin)
