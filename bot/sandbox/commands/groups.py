"""Joining, posting and aliases in the sandbox. Every word a member writes (a post, /share, a DM to the
bot, a message in the open group, an edit) goes through the core sharing pipeline, exactly as in
cogs/sharing.py; this module only implements the pipeline's outlet for the terminal."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import member_notes
from bot.core.agreement import agreement_note
from bot.core.errors import UserError
from bot.core.groups import Group, GroupFull
from bot.core.notify import Note
from bot.core.posts import REFLECT_EDIT
from bot.core.relay import RelayPlan, message_link
from bot.core.sharing import Held, Words
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD

_message_ids = itertools.count(950_000_000_000_000_001)
# How long a held choice (a DM's group, a reflect note) waits, as in the Discord view.
HOLD = timedelta(minutes=10)


@dataclass
class _Holding:
    held: Held
    outlet: SandboxOutlet
    since: datetime




class SandboxOutlet:
    """Where the pipeline reaches her in the terminal: privately in the app, in her DM with the bot,
    or nowhere (a message she wrote in a channel has no private reply)."""

    def __init__(self, sandbox: Sandbox, person: str, where: str) -> None:
        self.sandbox, self.person, self.where = sandbox, person, where
        self.notifier = sandbox.notifier

    async def answer(self, note: Note) -> bool:
        world = self.sandbox.world
        if self.where == "app":
            world.ephemeral(self.person, note)
        elif self.where == "dm":
            world.screen.show(f"dm:{self.person}", note, person=self.person)
        else:
            return False
        return True

    async def publish(self, plan: RelayPlan) -> list[int]:
        world = self.sandbox.world
        ids = []
        for part in plan.parts:
            world.channel(Note(f"{plan.alias}: {part}"), world.channel_name(plan.channel_id))
            ids.append(next(_message_ids))
        return ids

    async def react(self, emoji: str, message_id: int | None) -> None:
        whose = "her message" if message_id is None else "the post"
        self.sandbox.world.screen.info(f"the bot reacts {emoji} to {whose}")

    async def hold(self, note: Note, held: Held) -> None:
        await self.answer(note)
        self.sandbox.world.holding[self.person.casefold()] = _Holding(held, self, self.sandbox.world.clock.now())


async def expire_held(sandbox: Sandbox) -> None:
    """Choices not made within ten minutes time out, and her words go back to her (run on `wait`)."""
    now = sandbox.world.clock.now()
    for key, holding in list(sandbox.world.holding.items()):
        if now - holding.since >= HOLD:
            del sandbox.world.holding[key]
            await sandbox.world.services.sharing.expire(holding.held, holding.outlet)


async def on_held_choice(sandbox: Sandbox, person: str, choice_id: str) -> None:
    holding = sandbox.world.holding.pop(person.casefold(), None)
    if holding is None:
        raise UserError("That choice has timed out; please write your message again.")
    if choice_id == REFLECT_EDIT:
        holding.held.take()
        sandbox.world.screen.info(f"{person} edits her post (write the new text with `as {person}: …`)")
        return
    where = "dm" if holding.held.words.entry == "dm" else "app"
    await sandbox.world.services.sharing.resume(holding.held, choice_id, SandboxOutlet(sandbox, person, where))


async def ensure_member(sandbox: Sandbox, person: str, group: Group | None = None) -> None:
    """Members join a group on first use (accepting the agreement)."""
    world = sandbox.world
    group = group or world.group
    if await world.services.groups.is_member(group.id, world.pseudonym(person)):
        return
    await world.services.membership.check_can_join(GUILD_ID, world.user_id(person), group.id)
    world.screen.info(f"{person} joins “{group.name}” and accepts the group agreement")
    await accept(sandbox, person, group.id)


async def join_if_she_may(sandbox: Sandbox, person: str, group: Group) -> None:
    """The sandbox's join-on-first-use, before her words go to the pipeline. If she may not join
    (removed from the group, the group closed), her words still go on: the pipeline screens them,
    then refuses and gives them back, as it would in Discord."""
    try:
        await ensure_member(sandbox, person, group)
    except UserError:
        return


async def accept(sandbox: Sandbox, person: str, group_id: int) -> None:
    world = sandbox.world
    try:
        joined = await world.services.membership.join(GUILD_ID, world.user_id(person), group_id)
    except GroupFull as full:
        world.ephemeral(person, member_notes.group_full(full))
        return
    world.ephemeral(person, member_notes.welcome(joined.group, joined.alias))


async def share(sandbox: Sandbox, person: str, text: str, reply_to: int | None = None,
                group: Group | None = None) -> None:
    """`/share` in an anonymous group: the pipeline screens, checks, maybe pauses, then relays."""
    world = sandbox.world
    group = group or world.group
    await join_if_she_may(sandbox, person, group)
    words = Words(world.user_id(person), text, "share", guild_id=GUILD_ID, group_id=group.id, reply_to=reply_to)
    await world.services.sharing.submit(words, SandboxOutlet(sandbox, person, "app"))


async def post_line(sandbox: Sandbox, person: str, text: str, channel: str | None = None) -> None:
    """`as NAME: TEXT` (her default group) or `as NAME #CHANNEL: TEXT`: a /share in an anonymous
    group, a message written as herself in an open group."""
    world = sandbox.world
    group = world.group_in(channel)
    if group.mode == "anonymous":
        await share(sandbox, person, text, group=group)
        return
    await join_if_she_may(sandbox, person, group)
    name = world.channel_name(group.channel_id)
    world.channel(Note(f"{person}: {text}"), name)
    jump = message_link(GUILD_ID, group.channel_id or 0, next(_message_ids))
    words = Words(world.user_id(person), text, "channel", guild_id=GUILD_ID, channel_id=group.channel_id,
                  jump_url=jump)
    world.last_words[person.casefold()] = words
    await world.services.sharing.submit(words, SandboxOutlet(sandbox, person, "channel"))


async def dm_line(sandbox: Sandbox, person: str, text: str) -> None:
    """`as NAME dm: TEXT`: a direct message to the bot (she shares the sandbox's server with it)."""
    world = sandbox.world
    if person == MOD:
        raise SandboxError("the moderator doesn't DM the bot in the sandbox")
    world.screen.show(f"dm:{person}", Note(f"{person}: {text}"))
    words = Words(world.user_id(person), text, "dm", mutual_guild_ids=(GUILD_ID,))
    world.last_words[person.casefold()] = words
    await world.services.sharing.submit(words, SandboxOutlet(sandbox, person, "dm"))


async def edit_line(sandbox: Sandbox, person: str, text: str) -> None:
    """`as NAME edit: TEXT`: she edits her last DM or open-group message (relayed posts can't be edited)."""
    world = sandbox.world
    last = world.last_words.get(person.casefold())
    if last is None:
        raise SandboxError(f"{person} has no message to edit: only DMs and open-group messages can be edited "
                           "(an anonymous post is removed with /unshare and shared again)")
    where = "dm" if last.guild_id is None else "channel"
    shown = f"dm:{person}" if where == "dm" else f"#{world.channel_name(last.channel_id)}"
    world.screen.show(shown, Note(f"{person} (edited): {text}"))
    words = Words(last.user_id, text, "edit", guild_id=last.guild_id, channel_id=last.channel_id,
                  jump_url=last.jump_url, mutual_guild_ids=last.mutual_guild_ids)
    await world.services.sharing.submit(words, SandboxOutlet(sandbox, person, where))


async def cmd_share(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    reply_to = None
    if args and args[0].startswith("#") and args[0][1:].isdigit():
        reply_to, args = int(args[0][1:]), args[1:]
    await share(sandbox, person, " ".join(args), reply_to)


async def cmd_join(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    groups = await sandbox.world.services.membership.open_groups(GUILD_ID)
    focus = " ".join(args) or None  # `join perinatal anxiety`: hers first; not stored
    sandbox.world.ephemeral(person, member_notes.join_list(groups, focus, sandbox.world.services.groups.focus_options))


async def on_join_choice(sandbox: Sandbox, person: str, rest: str) -> None:
    action, _, number = rest.partition(":")
    world = sandbox.world
    if action == "later":
        world.ephemeral(person, member_notes.not_now())
    elif action == "view":
        try:
            group = await world.services.membership.check_can_join(GUILD_ID, world.user_id(person), int(number))
        except GroupFull as full:
            world.ephemeral(person, member_notes.group_full(full))
            return
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
    found = await world.services.relay.find(GUILD_ID, args[0], pseudonym=world.pseudonym(person))
    await world.services.relay.unshare(found)
    world.screen.info(f"post #{found.number} disappears from #{world.channel_name(found.channel_id)}")
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
    sandbox.dm_handler = dm_line
    sandbox.edit_handler = edit_line
    sandbox.due_hooks.append(expire_held)
    for name, handler, description in (
            ("share", cmd_share, "Share something with your group under your alias"),
            ("join", cmd_join, "See the peer-support groups and join one"),
            ("leave", cmd_leave, "Leave one of your groups"),
            ("unshare", cmd_unshare, "Remove one of your own posts"),
            ("alias", cmd_alias, "See the alias you post under (show), or choose a new one (new)"),
            ("dms", cmd_dms, "Sandbox only: close or open her direct messages (on|off)")):
        sandbox.command(name, description=description)(handler)
    sandbox.on_choice("join", on_join_choice)
    sandbox.on_choice("reflect", lambda box, person, rest: on_held_choice(box, person, f"reflect:{rest}"))
    sandbox.on_choice("pick", lambda box, person, rest: on_held_choice(box, person, f"pick:{rest}"))
