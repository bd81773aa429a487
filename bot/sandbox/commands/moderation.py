"""The moderator's tools and member reports in the sandbox (the same core as cogs/moderation.py,
cogs/reports.py and cogs/flag_buttons.py)."""

from __future__ import annotations

from bot.core import member_notes
from bot.core.errors import UserError
from bot.core.flags import state_note
from bot.core.groups import Group
from bot.core.moderation import Action
from bot.core.reports import REPORT_REASONS, ReportedMessage
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD


def _need(args: tuple[str, ...], count: int, usage: str) -> None:
    if len(args) < count:
        raise SandboxError(f"usage: {usage}")


async def _finish(sandbox: Sandbox, action: Action) -> None:
    world = sandbox.world
    done = await world.services.moderation.finish(action, world.pseudonym(MOD), sandbox.notifier,
                                                  server_name="the sandbox server")
    world.ephemeral(MOD, done)


async def warn(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 2, '/mod warn "ALIAS" REASON')
    await _finish(sandbox, await sandbox.world.services.moderation.plan_warn(GUILD_ID, args[0], " ".join(args[1:])))


async def timeout(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 3, '/mod timeout "ALIAS" MINUTES REASON')
    if not args[1].isdigit():
        raise UserError("Please give the timeout in minutes, e.g. 60.")
    action = await sandbox.world.services.moderation.plan_timeout(GUILD_ID, args[0], int(args[1]), " ".join(args[2:]))
    sandbox.world.screen.info(f"Discord times out the account behind {action.target.alias} for {args[1]} minutes")
    await _finish(sandbox, action)


def _group_and_reason(sandbox: Sandbox, args: tuple[str, ...]) -> tuple[Group, str]:
    """`"GROUP" REASON` when the word after the alias names one of the sandbox's groups (and a reason
    follows), else the default group and the whole rest as the reason."""
    world = sandbox.world
    if len(args) >= 3:
        wanted = " ".join(args[1].split()).casefold()
        for group in world.groups.values():
            if group.name.casefold() == wanted:
                return group, " ".join(args[2:])
    return world.group, " ".join(args[1:])


async def remove(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 2, '/mod remove "ALIAS" ["GROUP"] REASON')
    group, reason = _group_and_reason(sandbox, args)
    action = await sandbox.world.services.moderation.plan_remove(GUILD_ID, args[0], group.name, reason)
    await _finish(sandbox, action)


async def allow(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    """`/mod allow "ALIAS" ["GROUP"] REASON`: lift a removal, so she can join the group again."""
    _need(args, 2, '/mod allow "ALIAS" ["GROUP"] REASON')
    group, reason = _group_and_reason(sandbox, args)
    action = await sandbox.world.services.moderation.plan_allow(GUILD_ID, args[0], group.name, reason)
    await _finish(sandbox, action)


async def delete(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 2, "/mod delete NUMBER REASON")
    world = sandbox.world
    action = await world.services.moderation.plan_delete(GUILD_ID, args[0], " ".join(args[1:]), world.group.id)
    assert action.post is not None
    world.screen.info(f"post #{action.post.number} disappears from the group channel")
    await _finish(sandbox, action)


async def history(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 1, '/mod history "ALIAS"')
    sandbox.world.ephemeral(MOD, await sandbox.world.services.moderation.history(GUILD_ID, " ".join(args)))


async def flags(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    sandbox.world.ephemeral(MOD, await sandbox.world.services.moderation.flags_note(GUILD_ID))


async def _flag_change(sandbox: Sandbox, action: str, number: str, reason: str) -> None:
    if not number.lstrip("#").isdigit():
        raise UserError("Please give the flag number, e.g. 3.")
    services = sandbox.world.services
    moderator = sandbox.world.pseudonym(MOD)
    if action == "ack":
        done = await services.flags.acknowledge(GUILD_ID, int(number.lstrip("#")), moderator)
    else:
        done = await services.flags.resolve(GUILD_ID, int(number.lstrip("#")), moderator, reason)
    sandbox.world.ephemeral(MOD, state_note(done))


async def ack(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 1, "/mod ack FLAG")
    await _flag_change(sandbox, "ack", args[0], "acknowledged")


async def resolve(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    _need(args, 2, "/mod resolve FLAG REASON")
    await _flag_change(sandbox, "resolve", args[0], " ".join(args[1:]))


async def audit(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    sandbox.world.ephemeral(MOD, await sandbox.world.services.moderation.audit_note(GUILD_ID))


async def on_flag_button(sandbox: Sandbox, person: str, rest: str) -> None:
    action, _, number = rest.partition(":")
    await _flag_change(sandbox, action, number, f"{'acknowledged' if action == 'ack' else 'resolved'} from alert")


async def report(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    """`/report NUMBER REASON`: the "Report to moderators" menu on post NUMBER."""
    _need(args, 2, f"/report NUMBER REASON (reasons: {', '.join(REPORT_REASONS)})")
    world = sandbox.world
    post = await world.services.relay.find(GUILD_ID, args[0], group_id=world.group.id)
    message_ids = await world.services.relay.message_ids(post.id)
    jump = f"https://discord.com/channels/{GUILD_ID}/{world.group.channel_id}/{message_ids[0]}"
    await world.services.reports.report(
        ReportedMessage(GUILD_ID, message_ids[0], world.group.channel_id or 0, jump, None, False), args[1].lower(),
        sandbox.notifier)
    world.ephemeral(person, member_notes.report_thanks())


def register(sandbox: Sandbox) -> None:
    for name, handler, description in (
            ("warn", warn, "Send a member a kind, private warning"),
            ("timeout", timeout, "Pause a member's posting, DMs to the bot included (a Discord timeout)"),
            ("remove", remove, "Remove a member from a group"),
            ("allow", allow, "Let a removed member join a group again (lifts /mod remove)"),
            ("delete", delete, "Delete a relayed post"),
            ("history", history, "A member's case history: flags and moderator actions"),
            ("flags", flags, "Open reports and alerts"),
            ("ack", ack, "Acknowledge a flag: you're looking into it"),
            ("resolve", resolve, "Resolve a flag"),
            ("audit", audit, "Recent moderator actions")):
        sandbox.command(f"mod {name}", moderator=True, description=description)(handler)
    sandbox.command("report", description="Report post NUMBER to the moderators (the “Report to moderators” menu)")(
        report)
    sandbox.on_choice("flag", on_flag_button)
