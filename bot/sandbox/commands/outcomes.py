"""/mytrends and /outcomes in the sandbox: the same text as the cogs; charts are written to files."""

from __future__ import annotations

from bot.core.notify import Note
from bot.sandbox.runner import Sandbox
from bot.sandbox.world import GUILD_ID, MOD


async def mytrends(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    trends = await world.services.outcomes.my_trends(GUILD_ID, world.pseudonym(person), args[0] if args else None)
    text = trends.note.text
    if trends.png is not None:
        path = sandbox.output_dir / f"mytrends-{person.lower()}.png"
        path.write_bytes(trends.png)
        text += f"\n(chart: {path})"
    world.ephemeral(person, Note(text))


async def outcomes(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    result = await sandbox.world.services.outcomes.group_outcomes(GUILD_ID)
    text = result.text
    if result.png is not None:
        path = sandbox.output_dir / "group-outcomes.png"
        path.write_bytes(result.png)
        text += f"\n(chart: {path})"
    sandbox.world.ephemeral(MOD, Note(text))


def register(sandbox: Sandbox) -> None:
    sandbox.command("mytrends", description="See your own check-in scores over time (only you see it)")(mytrends)
    sandbox.command("outcomes", moderator=True,
                    description="Moderators: how each group is doing (small groups hidden)")(outcomes)
