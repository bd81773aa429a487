"""/setup in the sandbox (the same core as cogs/setup.py): the server's region and time zone.

`mod: /setup configure timezone=london` (or `timezone="new york"`, `region=IE`) and `mod: /setup show`.
The time zone is read by the same core function as in Discord, so a city, an IANA name in any case, or
a refusal with examples are exactly what an admin would see there.
"""

from __future__ import annotations

from bot.core.guilds import REGION_NAMES, GuildConfig, saved_text
from bot.core.notify import Note
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD

USAGE = "use /setup configure region=REGION timezone=ZONE (e.g. timezone=london), or /setup show"
FIELDS = ("region", "timezone")


def describe(config: GuildConfig) -> str:
    return "\n".join(("**Server set-up**", "Moderator role: @moderators", "Moderator log: #mod-log",
                      f"Crisis resources: {REGION_NAMES[config.region]} ({config.region})",
                      f"Default time zone: {config.timezone}"))


async def setup_command(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    guilds = sandbox.world.services.guilds
    sub = args[0].lower() if args else ""
    if sub == "show" and len(args) == 1:
        sandbox.world.ephemeral(MOD, Note(describe(await guilds.get(GUILD_ID))))
        return
    values = dict(arg.split("=", 1) for arg in args[1:] if "=" in arg)
    if sub != "configure" or not values or len(values) != len(args) - 1 or set(values) - set(FIELDS):
        raise SandboxError(USAGE)
    config = await guilds.update(GUILD_ID, region=values.get("region"), timezone=values.get("timezone"))
    text = saved_text(config, timezone=values.get("timezone"))
    sandbox.world.ephemeral(MOD, Note(text + "\n" + describe(config)))


def register(sandbox: Sandbox) -> None:
    sandbox.command("setup", moderator=True,
                    description="Set up the bot in this server: configure region / time zone, or show")(setup_command)
