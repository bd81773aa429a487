"""How the runner hands each line to its hooks (stub hooks and a stand-in world: no model, no database)."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError


class Aliases:
    def __init__(self, known: dict[int, str]) -> None:
        self.known = known

    async def for_user(self, guild_id: int, user_id: int) -> SimpleNamespace | None:
        alias = self.known.get(user_id)
        return None if alias is None else SimpleNamespace(alias=alias)


def stand_in_world() -> SimpleNamespace:
    members = {"anna": SimpleNamespace(name="Anna", user_id=1), "bea": SimpleNamespace(name="Bea", user_id=2)}
    services = SimpleNamespace(aliases=Aliases({1: "Quiet Fern"}))
    return SimpleNamespace(members=members, services=services, guild_id=99, screen=SimpleNamespace())


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[Sandbox, list[tuple]]:
    calls: list[tuple] = []
    box = Sandbox(stand_in_world(), tmp_path)  # type: ignore[arg-type]

    async def post_three(sandbox: Sandbox, person: str, text: str) -> None:  # today's post_line
        calls.append(("post", person, text))

    async def dm(sandbox: Sandbox, person: str, text: str) -> None:
        calls.append(("dm", person, text))

    async def edit(sandbox: Sandbox, person: str, text: str) -> None:
        calls.append(("edit", person, text))

    async def command(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
        calls.append(("command", person, args))

    box.post_handler, box.dm_handler, box.edit_handler = post_three, dm, edit
    box.command("share")(command)
    box.command("mod warn", moderator=True)(command)
    return box, calls


async def test_posts_dms_and_edits_reach_their_hooks(sandbox) -> None:
    box, calls = sandbox
    await box.run_line("as Anna: I can't sleep, it's 3am")
    await box.run_line("as Bea dm: hello")
    await box.run_line("as Bea edit: hello again")
    assert calls == [("post", "Anna", "I can't sleep, it's 3am"), ("dm", "Bea", "hello"),
                     ("edit", "Bea", "hello again")]


async def test_a_channel_is_passed_only_when_the_line_names_one(sandbox) -> None:
    box, calls = sandbox

    async def post_four(sandbox: Sandbox, person: str, text: str, channel: str | None = None) -> None:
        calls.append(("post", person, text, channel))

    box.post_handler = post_four
    await box.run_line("as Anna: hi")
    await box.run_line("as Anna #open-room: hi there")
    assert calls == [("post", "Anna", "hi", None), ("post", "Anna", "hi there", "open-room")]


@pytest.mark.parametrize(("hook", "line", "message"), [
    ("post_handler", "as Anna: hi", "posting is not available in this sandbox"),
    ("dm_handler", "as Anna dm: hi", "a DM to the bot is not available in this sandbox"),
    ("edit_handler", "as Anna edit: hi", "editing a message is not available in this sandbox"),
])
async def test_a_missing_hook_is_a_clear_error(sandbox, hook: str, line: str, message: str) -> None:
    box, _ = sandbox
    setattr(box, hook, None)
    with pytest.raises(SandboxError, match=message):
        await box.run_line(line)


async def test_at_name_is_her_alias_in_moderator_commands_only(sandbox) -> None:
    box, calls = sandbox
    await box.run_line("mod: /mod warn @anna please don't post names")
    await box.run_line("as Bea: /share @Anna hugs, @Anna")
    await box.run_line('mod: /mod warn "@Anna" said@Anna')  # only a whole argument is a mention
    assert calls == [
        ("command", "mod", ("Quiet Fern", "please", "don't", "post", "names")),
        ("command", "Bea", ("@Anna", "hugs,", "@Anna")),
        ("command", "mod", ("Quiet Fern", "said@Anna")),
    ]


@pytest.mark.parametrize("name", ["Bea", "Zoe"])  # joined no group yet / never seen
async def test_at_name_without_an_alias_stops_the_line(sandbox, name: str) -> None:
    box, calls = sandbox
    with pytest.raises(SandboxError, match=f"{name} has no alias yet: she joins on her first post"):
        await box.run_line(f"mod: /mod warn @{name} be kind")
    assert calls == []
    assert "zoe" not in box.world.members  # naming her doesn't make her a member
