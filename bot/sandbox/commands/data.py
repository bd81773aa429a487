"""/mydata and /forget-me in the sandbox (the same core as cogs/data_rights.py)."""

from __future__ import annotations

from bot.core.data_rights import forget_cancelled, forget_prompt
from bot.core.errors import UserError
from bot.core.my_data import my_data
from bot.core.notify import Note
from bot.sandbox.runner import Sandbox
from bot.sandbox.world import GUILD_ID


async def mydata(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    data = await my_data(world.services.data_rights, world.services.groups, GUILD_ID, world.pseudonym(person))
    path = sandbox.output_dir / f"mydata-{person.lower()}.json"
    path.write_bytes(data.payload)
    world.ephemeral(person, Note(f"{data.summary}\n(file: {path})"))


async def forget_me(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    sandbox.world.ephemeral(person, forget_prompt())


async def on_forget(sandbox: Sandbox, person: str, rest: str) -> None:
    world = sandbox.world
    if rest == "cancel":
        world.ephemeral(person, forget_cancelled())
        return
    if rest != "confirm":
        raise UserError("This button is not recognised any more. Please run /forget-me again.")
    report = await world.services.data_rights.forget(GUILD_ID, world.pseudonym(person))
    world.ephemeral(person, report.note())


def register(sandbox: Sandbox) -> None:
    sandbox.command("mydata", description="See a summary and get a file of everything the bot keeps about you")(mydata)
    sandbox.command("forget-me", description="Erase everything the bot keeps about you here")(forget_me)
    sandbox.on_choice("forget", on_forget)
