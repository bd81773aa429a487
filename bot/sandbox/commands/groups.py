"""Joining, posting and aliases in the sandbox, through the same core as cogs/membership.py and
cogs/sharing.py: the same checks, the same post numbering, the same member-facing Notes."""

from __future__ import annotations

import itertools

from bot.core import member_notes
from bot.core.agreement import agreement_note
from bot.core.errors import UserError
from bot.core.groups import GroupFull
from bot.core.notify import Note
from bot.core.posts import REFLECT_EDIT, REFLECT_SHARE, Post, PostSource, observe_post
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GROUP_CHANNEL, GUILD_ID, MOD

_message_ids = itertools.count(950_000_000_000_000_001)
# Texts waiting on a reflect note's "Share as it is" / "Edit", in memory only, as in the cog.
_pending: dict[str, tuple[str, int | None]] = {}


async def ensure_member(sandbox: Sandbox, person: str) -> None:
    """Members join the sandbox's group on first use (accepting the agreement)."""
    world = sandbox.world
    pseudonym = world.pseudonym(person)
    if await world.services.groups.is_member(world.group.id, pseudonym):
        return
    sandbox.world.screen.info(f"{person} joins “{world.group.name}” and accepts the group agreement")
    await accept(sandbox, person, world.group.id)


async def accept(sandbox: Sandbox, person: str, group_id: int) -> None:
    world = sandbox.world
    try:
        joined = await world.services.membership.join(GUILD_ID, world.user_id(person), group_id)
    except GroupFull as full:
        world.ephemeral(person, member_notes.group_full(full))
        return
    world.ephemeral(person, member_notes.welcome(joined.group, joined.alias))


async def relay(sandbox: Sandbox, person: str, text: str, reply_to: int | None, source: PostSource) -> None:
    """Post under her alias (what the webhook shows), record the mapping, then the observers."""
    world = sandbox.world
    services = world.services
    author = await world.alias(person)
    plan = await services.relay.prepare(world.group, author, text, reply_to)
    message_ids = []
    for part in plan.parts:
        world.channel(Note(f"{plan.alias}: {part}"))
        message_ids.append(next(_message_ids))
    await services.relay.confirm(plan, message_ids)
    world.ephemeral(person, member_notes.shared(world.group, plan.number))
    jump = f"https://discord.com/channels/{GUILD_ID}/{world.group.channel_id}/{message_ids[0]}"
    post = Post(GUILD_ID, world.group, author, text, jump, source)
    for observer in services.post_observers:
        observed = await observe_post(observer, post, sandbox.notifier)
        if observed.reaction:
            world.screen.info(f"the bot reacts {observed.reaction} to post #{plan.number}")
        for note in observed.notes:
            world.ephemeral(person, note)


async def share(sandbox: Sandbox, person: str, text: str, reply_to: int | None = None) -> None:
    """`/share` in an anonymous group: checks, an optional reflect note, then the relay."""
    world = sandbox.world
    await ensure_member(sandbox, person)
    author = await world.alias(person)
    text = await world.services.relay.check(world.group, author, text, reply_to)
    post = Post(GUILD_ID, world.group, author, text, None, "share")
    for observer in world.services.post_observers:
        note = await observer.before_share(post)
        if note is not None:
            _pending[person.casefold()] = (text, reply_to)
            world.ephemeral(person, note)
            return
    await relay(sandbox, person, text, reply_to, "share")


async def on_reflect(sandbox: Sandbox, person: str, rest: str) -> None:
    pending = _pending.pop(person.casefold(), None)
    if pending is None:
        raise UserError("That choice has timed out; please use /share again.")
    text, reply_to = pending
    if f"reflect:{rest}" == REFLECT_SHARE:
        await relay(sandbox, person, text, reply_to, "share")
    elif f"reflect:{rest}" == REFLECT_EDIT:
        sandbox.world.screen.info(f"{person} edits her post (write the new text with `as {person}: …`)")
    else:
        raise SandboxError("unknown reflect button")


async def post_line(sandbox: Sandbox, person: str, text: str) -> None:
    await share(sandbox, person, text)


async def cmd_share(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    reply_to = None
    if args and args[0].startswith("#") and args[0][1:].isdigit():
        reply_to, args = int(args[0][1:]), args[1:]
    await share(sandbox, person, " ".join(args), reply_to)


async def cmd_join(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    groups = await sandbox.world.services.membership.open_groups(GUILD_ID)
    sandbox.world.ephemeral(person, member_notes.join_list(groups))


async def on_join_choice(sandbox: Sandbox, person: str, rest: str) -> None:
    action, _, number = rest.partition(":")
    world = sandbox.world
    if action == "later":
        world.ephemeral(person, member_notes.not_now())
    elif action == "view":
        group = await world.services.membership.check_can_join(GUILD_ID, world.user_id(person), int(number))
        world.ephemeral(person, agreement_note(group))
    else:
        await accept(sandbox, person, int(number))


async def cmd_leave(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    left = await world.services.membership.leave(GUILD_ID, world.user_id(person), " ".join(args) or None,
                                                 world.group.channel_id)
    world.ephemeral(person, member_notes.left(left))


async def cmd_unshare(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    if not args:
        raise UserError("Please give the post's number, e.g. /unshare 14.")
    found = await world.services.relay.find(GUILD_ID, args[0], pseudonym=world.pseudonym(person),
                                            group_id=world.group.id)
    await world.services.relay.unshare(found)
    world.screen.info(f"post #{found.number} disappears from #{GROUP_CHANNEL}")
    world.ephemeral(person, member_notes.unshared(found.number))


async def cmd_alias(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    sub = args[0].lower() if args else "show"
    if sub == "new":
        world.ephemeral(person, member_notes.alias_new(await world.services.aliases.reroll(GUILD_ID,
                                                                                          world.user_id(person))))
    elif sub == "show":
        record = await world.services.aliases.for_user(GUILD_ID, world.user_id(person))
        if record is None:
            raise UserError("You don't have an alias yet: join a group with /join and you'll get one.")
        world.ephemeral(person, member_notes.alias_show(record))
    else:
        raise SandboxError("use /alias show or /alias new")


async def cmd_dms(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    """Sandbox only: close or open her DMs, to see what happens when the bot can't reach her."""
    if person == MOD or not args or args[0].lower() not in ("on", "off"):
        raise SandboxError("use `as NAME: /dms off` or `/dms on`")
    sandbox.world.member(person).dms_open = args[0].lower() == "on"
    sandbox.world.screen.info(f"{person}'s direct messages are now {'open' if args[0].lower() == 'on' else 'closed'}")


def register(sandbox: Sandbox) -> None:
    sandbox.post_handler = post_line
    for name, handler in {"share": cmd_share, "join": cmd_join, "leave": cmd_leave, "unshare": cmd_unshare,
                          "alias": cmd_alias, "dms": cmd_dms}.items():
        sandbox.command(name)(handler)
    sandbox.on_choice("join", on_join_choice)
    sandbox.on_choice("reflect", on_reflect)
