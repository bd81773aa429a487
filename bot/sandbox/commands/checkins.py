"""Consent, check-in questionnaires and schedules in the sandbox (the same core as cogs/checkins.py
and cogs/checkin_admin.py: the same items, buttons, results and safety notes)."""

from __future__ import annotations

from bot.core.checkins import buttons, messages
from bot.core.checkins.sessions import Step
from bot.core.consent import CONSENT_PREFIX
from bot.core.errors import UserError
from bot.core.notify import Note
from bot.sandbox.commands.groups import ensure_member
from bot.sandbox.runner import Sandbox
from bot.sandbox.script import SandboxError
from bot.sandbox.world import GUILD_ID, MOD


def _show(sandbox: Sandbox, person: str, step: Step) -> None:
    for note in step.notes:
        sandbox.world.screen.reply(person, note)


async def on_checkin_choice(sandbox: Sandbox, person: str, rest: str) -> None:
    checkins = sandbox.world.services.checkins
    _show(sandbox, person, await checkins.press(rest, sandbox.world.user_id(person), sandbox.notifier))


def _shown_checkin_buttons(sandbox: Sandbox, person: str) -> list[tuple[str, buttons.CheckinChoice]]:
    """The check-in buttons on the last message she was shown: (id after "ci:", what it does)."""
    shown = []
    for choice_id, _ in sandbox.world.screen.last_choices.get(person, []):
        prefix, _, rest = choice_id.partition(":")
        if prefix == buttons.PREFIX:
            shown.append((rest, buttons.parse_checkin_choice(rest)))
    return shown


async def answer(sandbox: Sandbox, person: str, number: int) -> None:
    """`answer N`: option N (as numbered on screen) of the questionnaire item she was shown last."""
    resume = [rest for rest, choice in _shown_checkin_buttons(sandbox, person) if choice.action == "go"]
    if resume:  # a reminder or a paused check-in: "Continue" first brings the item back
        await on_checkin_choice(sandbox, person, resume[0])
    options = [rest for rest, choice in _shown_checkin_buttons(sandbox, person) if choice.action == "answer"]
    if not options:
        raise SandboxError(f"{person} has no questionnaire item waiting for an answer")
    if not 1 <= number <= len(options):
        raise SandboxError(f"{person} can answer 1 to {len(options)}")
    await on_checkin_choice(sandbox, person, options[number - 1])


async def on_consent_choice(sandbox: Sandbox, person: str, rest: str) -> None:
    world = sandbox.world
    in_server = world.screen.last_place.get(person, "").startswith("ephemeral:")
    outcome = await world.services.checkins.press_consent(rest, world.user_id(person),
                                                          server_id=GUILD_ID if in_server else None)
    world.screen.reply(person, outcome.note)
    if outcome.checkin is None:
        return
    user_id = world.user_id(person)
    notes = await world.services.checkins.first_questionnaire(
        outcome.checkin, in_server=in_server,
        send_dm=lambda note: sandbox.notifier.send_dm(GUILD_ID, user_id, note))
    for note in notes:
        world.screen.reply(person, note)


async def consent(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    await ensure_member(sandbox, person)
    world = sandbox.world
    world.ephemeral(person, await world.services.checkins.consent_note(GUILD_ID, world.user_id(person)))


async def checkin(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    checkins = world.services.checkins
    user_id = world.user_id(person)
    sub = args[0].lower() if args else "now"
    if sub == "now":
        note = await checkins.take_now(GUILD_ID, user_id)
    elif sub == "pause":
        note = await checkins.pause(GUILD_ID, user_id)
    elif sub == "resume":
        note = await checkins.resume(GUILD_ID, user_id)
    elif sub == "snooze":
        hours = args[1] if len(args) > 1 else "24"
        if not hours.isdigit() or not 1 <= int(hours) <= 72:
            raise UserError("Please snooze for 1 to 72 hours.")
        note = await checkins.snooze(GUILD_ID, user_id, int(hours))
    elif sub == "settings":
        values = dict(arg.split("=", 1) for arg in args[1:] if "=" in arg)
        note = await checkins.configure(GUILD_ID, user_id, timezone=values.get("timezone"),
                                        quiet_start=values.get("quiet_start"), quiet_end=values.get("quiet_end"))
    elif sub == "baby":
        note = await checkins.baby.command(GUILD_ID, user_id, " ".join(args[1:]) or None)
    else:
        raise SandboxError("use /checkin now|pause|resume|snooze HOURS|settings timezone=… quiet_start=… quiet_end=…"
                           "|baby [WHEN]")
    world.ephemeral(person, note)


async def tell_waiting(sandbox: Sandbox, person: str) -> None:
    """Once per check-in whose DM could not reach her: a private line at her next command in the server."""
    world = sandbox.world
    if person.casefold() not in world.members:
        return
    note = await world.services.checkins.waiting_notice(GUILD_ID, world.user_id(person))
    if note is not None:
        world.ephemeral(person, note)


def _group_and_rest(sandbox: Sandbox, args: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The sandbox has one group: its name may be given or left out."""
    name = sandbox.world.group.name
    if args and args[0].casefold() == name.casefold():
        return name, args[1:]
    return name, args


async def checkins_admin(sandbox: Sandbox, person: str, args: tuple[str, ...]) -> None:
    world = sandbox.world
    services = world.services
    sub = args[0].lower() if args else ""
    moderator = world.pseudonym(MOD)
    if sub == "schedule":
        group, rest = _group_and_rest(sandbox, args[1:])
        if len(rest) < 2:
            raise SandboxError("usage: /checkins schedule [GROUP] INSTRUMENT CADENCE [TIME]")
        created = await services.checkins.schedules.create(GUILD_ID, group, rest[0], rest[1],
                                                           rest[2] if len(rest) > 2 else None, actor=moderator)
        world.ephemeral(MOD, services.checkins.schedules.scheduled_note(created))
    elif sub == "list":
        world.ephemeral(MOD, Note(await services.checkins.schedules.describe_list(GUILD_ID)))
    elif sub == "status":
        world.ephemeral(MOD, Note(await services.checkins.describe_status(GUILD_ID)))
    elif sub == "send-now":
        group, _ = _group_and_rest(sandbox, args[1:])
        world.ephemeral(MOD, await services.checkins.send_now(GUILD_ID, group, sandbox.notifier, actor=moderator))
    elif sub == "cancel":
        if len(args) < 2 or not args[1].lstrip("#").isdigit():
            raise SandboxError("usage: /checkins cancel SCHEDULE")
        cancelled = await services.checkins.schedules.cancel(GUILD_ID, int(args[1].lstrip("#")), actor=moderator)
        world.ephemeral(MOD, messages.cancelled_note(cancelled.id))
    else:
        raise SandboxError("use /checkins schedule|list|status|send-now|cancel")


def register(sandbox: Sandbox) -> None:
    sandbox.world.services.checkins.sleep = _no_pause
    sandbox.command("consent", description="See or change your check-in and research choices")(consent)
    sandbox.command("checkin", description="Your own check-in questionnaires")(checkin)
    sandbox.command("checkins", moderator=True,
                    description="Moderators: schedule check-in questionnaires for groups")(checkins_admin)
    sandbox.answer_handler = answer
    sandbox.interaction_hooks.append(tell_waiting)
    sandbox.on_choice(buttons.PREFIX, on_checkin_choice)
    sandbox.on_choice(CONSENT_PREFIX, on_consent_choice)


async def _no_pause(seconds: float) -> None:
    """The sandbox clock is simulated: DM pacing needs no real waiting."""
