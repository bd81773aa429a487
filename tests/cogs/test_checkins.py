"""Check-in cogs with spec'd Discord mocks and the real services, database and scheduler."""

from datetime import UTC, datetime, timedelta
from unittest.mock import MagicMock

import discord
import pytest

from bot.client import PeerBot
from bot.core.checkins import messages
from bot.core.checkins.sessions import STALE
from bot.discord_ui import ChoiceButton
from tests.core.checkins.conftest import GUILD, MOD, RecordingNotifier
from tests.helpers import invoke, last_reply, make_guild, make_interaction, make_member, make_role, replies

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)


@pytest.fixture
def env(tmp_path):
    return {
        "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"),
        "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret" / "peerbot.key"),
        "PEERBOT_CHECKINS__SEND_RATE_PER_SECOND": "50",
    }


@pytest.fixture
def guild():
    return make_guild(GUILD)


@pytest.fixture
def mod_role():
    return make_role()


@pytest.fixture
async def setup_world(bot: PeerBot, guild, mod_role):
    services = bot.services
    await services.guilds.update(GUILD, moderator_role_id=mod_role.id, mod_log_channel_id=55, region="UK")
    group = await services.groups.create(GUILD, "Evening Circle", "A gentle evening group", "postnatal depression",
                                         actor=MOD)
    bot.notifier = RecordingNotifier()  # no gateway in tests: record what would be delivered
    return group


async def member_in_group(bot: PeerBot, guild, group, *, consent: bool | None = True):
    member = make_member(guild=guild, name="mum")
    record = await bot.services.aliases.ensure(GUILD, member.id)
    await bot.services.groups.join(GUILD, group.id, record.pseudonym)
    if consent is not None:
        await bot.services.checkins.set_consent(GUILD, member.id, "checkins", consent)
    return member


def admin_cog(bot):
    return bot.get_cog("CheckinAdmin")


def member_cog(bot):
    return bot.get_cog("Checkins")


def moderator(guild, mod_role):
    return make_member(guild=guild, roles=(mod_role,), name="mod")


def forbidden() -> discord.Forbidden:
    return discord.Forbidden(MagicMock(status=403, reason="Forbidden"), "Cannot send messages to this user")


async def schedule_phq9(bot, guild, mod_role):
    cog = admin_cog(bot)
    interaction = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.schedule, cog, interaction, group="Evening Circle", instrument="phq9", cadence="weekly",
                 time="19:00")
    return interaction


# -- /consent --------------------------------------------------------------------------------------


async def test_consent_shows_both_choices_and_the_buttons_store_them(bot, guild, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world, consent=None)
    cog = bot.get_cog("Consent")
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.consent, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and "Check-ins: not chosen yet" in reply["content"]
    ids = [item.custom_id for item in reply["view"].children]
    assert ids == [f"consent:{GUILD}:checkins:yes", f"consent:{GUILD}:checkins:no",
                   f"consent:{GUILD}:research:yes", f"consent:{GUILD}:research:no"]

    click = make_interaction(bot, member, guild=guild)
    await bot.choice_handlers["consent"](click, f"{GUILD}:research:yes")
    edited = click.response.edit_message.call_args.kwargs
    assert "research use of your scores" in edited["content"]
    pseudonym = bot.services.aliases.pseudonym(GUILD, member.id)
    stored = await bot.services.consent.get(GUILD, pseudonym)
    assert stored.research is True and stored.checkins is None


async def test_saying_yes_sends_the_waiting_check_in_by_dm(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world, consent=None)
    await schedule_phq9(bot, guild, mod_role)
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    click = make_interaction(bot, member, guild=guild)
    await bot.choice_handlers["consent"](click, f"{GUILD}:checkins:yes")
    member.send.assert_awaited_once()
    assert "1 of 9" in member.send.call_args.args[0]
    assert last_reply(click)["content"] == messages.SENT_TO_DMS.text


async def test_dms_closed_she_gets_it_here_privately(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world, consent=None)
    member.send.side_effect = forbidden()
    await schedule_phq9(bot, guild, mod_role)
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    click = make_interaction(bot, member, guild=guild)
    await bot.choice_handlers["consent"](click, f"{GUILD}:checkins:yes")
    sent = replies(click)
    assert sent[0]["content"] == messages.DM_CLOSED.text and sent[0]["ephemeral"] is True
    assert "1 of 9" in sent[1]["content"] and sent[1]["ephemeral"] is True
    assert sent[1]["view"] is not None


# -- /checkin ----------------------------------------------------------------------------------------


async def test_checkin_now_then_answer_with_the_buttons(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    await schedule_phq9(bot, guild, mod_role)
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    cog = member_cog(bot)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.now, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and "1 of 9" in reply["content"]
    first_button = reply["view"].children[0].custom_id
    assert first_button.startswith("ci:") and len(first_button) <= 100

    click = make_interaction(bot, member, guild=guild)
    prefix, _, rest = first_button.partition(":")
    await bot.choice_handlers[prefix](click, rest)
    click.response.edit_message.assert_called_once_with(view=None)
    assert "2 of 9" in last_reply(click)["content"] and last_reply(click)["ephemeral"] is True

    stale = make_interaction(bot, member, guild=guild)
    await ChoiceButton(first_button).callback(stale)  # the same button again, through the real router
    assert stale.response.edit_message.call_count == 0
    assert last_reply(stale) == {"content": STALE, "ephemeral": True, "view": None, "embed": None, "file": None}


async def test_buttons_in_dms_reply_in_the_dm(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    await schedule_phq9(bot, guild, mod_role)
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    [(_, note)] = bot.notifier.dms
    click = make_interaction(bot, member, guild=None)
    _, _, rest = note.choices[3].id.partition(":")
    await bot.choice_handlers["ci"](click, rest)
    reply = last_reply(click)
    assert "2 of 9" in reply["content"] and reply["ephemeral"] is False


@pytest.mark.parametrize("rest", ["x:1:0", "5", "5:1:maybe", "5:go:now"])
async def test_unrecognised_buttons_are_refused_kindly(bot, guild, setup_world, rest) -> None:
    from bot.core.errors import UserError

    member = await member_in_group(bot, guild, setup_world)
    with pytest.raises(UserError, match="isn't recognised"):
        await bot.choice_handlers["ci"](make_interaction(bot, member, guild=guild), rest)


@pytest.mark.parametrize(("rest", "message"), [
    (f"{GUILD}:checkins:maybe", "isn't recognised"),
    (f"{GUILD}:²:yes", "isn't recognised"),
    (f"{GUILD + 1}:checkins:yes", "another server"),
])
async def test_unrecognised_consent_buttons_are_refused_kindly(bot, guild, setup_world, rest, message) -> None:
    from bot.core.errors import UserError

    member = await member_in_group(bot, guild, setup_world, consent=None)
    click = make_interaction(bot, member, guild=guild)
    with pytest.raises(UserError, match=message):
        await bot.choice_handlers["consent"](click, rest)
    click.response.edit_message.assert_not_called()
    pseudonym = bot.services.aliases.pseudonym(GUILD, member.id)
    assert (await bot.services.consent.get(GUILD, pseudonym)).checkins is None


async def test_pause_resume_snooze_and_settings(bot, guild, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    for command, kwargs, expected in [
        (cog.pause, {}, "Check-ins are paused"),
        (cog.pause, {}, "already paused"),
        (cog.resume, {}, "Check-ins are on again"),
        (cog.snooze, {"hours": 6}, "Snoozed for 6 hours"),
        (cog.settings, {"timezone": "America/Chicago", "quiet_start": "22:00", "quiet_end": "07:00"},
         "Quiet hours: 22:00–07:00"),
        (cog.settings, {"timezone": "Moon/Base"}, "I don't know the time zone"),
        (cog.settings, {"quiet_start": "22:00"}, "both the start and the end"),
    ]:
        interaction = make_interaction(bot, member, guild=guild)
        await invoke(command, cog, interaction, **kwargs)
        reply = last_reply(interaction)
        assert expected in reply["content"] and reply["ephemeral"] is True
    prefs = await bot.services.checkins.prefs.get(GUILD, bot.services.aliases.pseudonym(GUILD, member.id))
    assert prefs.timezone == "America/Chicago" and prefs.snoozed_until is not None


async def test_settings_with_nothing_given_shows_her_current_values(bot, guild, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    await invoke(cog.snooze, cog, make_interaction(bot, member, guild=guild), hours=6)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    for expected in ("Time zone: Europe/London", "Quiet hours: none", "Snoozed until", "/checkin settings"):
        assert expected in reply["content"]


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"timezone": "london", "quiet_start": "10pm", "quiet_end": "7am"}, ("Europe/London", "22:00–07:00")),
    ({"timezone": "new york"}, ("America/New_York", "Quiet hours: none")),
    ({"timezone": "MUMBAI", "quiet_start": "10.30pm", "quiet_end": "noon"}, ("Asia/Kolkata", "22:30–12:00")),
    ({"quiet_start": "midnight", "quiet_end": "6 am"}, ("Europe/London", "00:00–06:00")),
])
async def test_settings_accept_everyday_times_and_city_names(bot, guild, setup_world, kwargs, expected) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, interaction, **kwargs)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and "Saved" in reply["content"]
    assert all(part in reply["content"] for part in expected)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"timezone": "atlantis", "quiet_start": "10pm", "quiet_end": "7am"}, "London, New York, Sydney"),
    ({"timezone": "sydney", "quiet_start": "bedtime", "quiet_end": "7am"}, "10pm"),
])
async def test_a_bad_value_is_explained_kindly_and_changes_nothing(bot, guild, setup_world, kwargs,
                                                                   expected) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, interaction, **kwargs)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and expected in reply["content"] and "Nothing was changed" in reply["content"]
    prefs = await bot.services.checkins.prefs.get(GUILD, bot.services.aliases.pseudonym(GUILD, member.id), "UTC")
    assert prefs.timezone == "UTC" and prefs.quiet_start is None


async def test_time_zone_autocomplete_offers_matching_zones(bot, guild, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    choices = await cog.timezone_autocomplete(make_interaction(bot, member, guild=guild), "new y")
    assert choices[0].value == "America/New_York" and choices[0].name == "America/New York"
    assert 0 < len(await cog.timezone_autocomplete(make_interaction(bot, member, guild=guild), "")) <= 25
    assert cog.settings._params["timezone"].autocomplete is not None


@pytest.mark.parametrize(("when", "expected"), [
    (None, "You haven't given your baby's week"),
    ("3 weeks ago", "Born in the week of Monday 9 February 2026 (3 weeks ago)"),
    ("due in 5 weeks", "Due in the week of Monday 6 April 2026 (in 5 weeks)"),
    ("clear", "nothing changed"),
    ("the day after the storm", "couldn't read"),
    ("born in 2 weeks", "still to come"),
])
async def test_checkin_baby_replies_privately(bot, guild, setup_world, when, expected) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.baby, cog, interaction, when=when)
    reply = last_reply(interaction)
    assert expected in reply["content"] and reply["ephemeral"] is True


async def test_checkin_baby_keeps_only_the_week_and_shows_it_again(bot, guild, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    cog = member_cog(bot)
    await invoke(cog.baby, cog, make_interaction(bot, member, guild=guild), when="born 2026-02-18")
    shown = make_interaction(bot, member, guild=guild)
    await invoke(cog.baby, cog, shown)
    assert "Born in the week of Monday 16 February 2026" in last_reply(shown)["content"]
    assert await bot.services.db.fetchval("SELECT week FROM baby_weeks") == "2026-02-16"


# -- /checkins (moderators) -------------------------------------------------------------------------


async def test_schedule_weeks_after_birth_with_an_everyday_time(bot, guild, mod_role, setup_world) -> None:
    cog = admin_cog(bot)
    interaction = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.schedule, cog, interaction, group="Evening Circle", instrument="phq9",
                 cadence="postnatal:2,6,12", time="7pm")
    content = last_reply(interaction)["content"]
    assert "Scheduled #1: PHQ-9 for this group, at 2, 6 and 12 weeks after birth, at 19:00 her own time" in content
    assert "/checkin baby" in content
    job = bot.scheduler.get_job("checkins:schedule:1")
    assert job is not None and str(job.trigger) == "cron[minute='0']"  # hourly: members' own time zones
    listing = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.list_schedules, cog, listing)
    assert "#1 · Evening Circle · PHQ-9 · at 2, 6 and 12 weeks after birth" in last_reply(listing)["content"]
    choices = await cog.cadence_autocomplete(make_interaction(bot, moderator(guild, mod_role), guild=guild), "post")
    assert [c.value for c in choices] == ["postnatal:2,6,12"]



async def test_schedule_arms_a_job_and_cancel_removes_it(bot, guild, mod_role, setup_world) -> None:
    interaction = await schedule_phq9(bot, guild, mod_role)
    assert "Scheduled #1: PHQ-9" in last_reply(interaction)["content"]
    job = bot.scheduler.get_job("checkins:schedule:1")
    assert job is not None and "day_of_week='mon'" in str(job.trigger) and "hour='19'" in str(job.trigger)
    cog = admin_cog(bot)
    listing = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.list_schedules, cog, listing)
    assert "#1 · Evening Circle · PHQ-9 · weekly on Mondays at 19:00" in last_reply(listing)["content"]
    cancel = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.cancel, cog, cancel, schedule=1)
    assert "cancelled" in last_reply(cancel)["content"]
    assert bot.scheduler.get_job("checkins:schedule:1") is None


async def test_cog_load_rearms_stored_schedules_and_unload_removes_them(bot, guild, mod_role, setup_world) -> None:
    await schedule_phq9(bot, guild, mod_role)
    await bot.unload_extension("cogs.checkins")
    assert bot.scheduler.get_job("checkins:schedule:1") is None
    await bot.load_extension("cogs.checkins")
    assert bot.scheduler.get_job("checkins:schedule:1") is not None


async def test_epds_without_licensed_text_says_why(bot, guild, mod_role, setup_world) -> None:
    cog = admin_cog(bot)
    interaction = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.schedule, cog, interaction, group="Evening Circle", instrument="epds", cadence="weekly",
                 time="19:00")
    assert "EPDS item text is not bundled" in last_reply(interaction)["content"]
    assert bot.scheduler.get_job("checkins:schedule:1") is None
    choices = await cog.instrument_autocomplete(interaction, "ep")
    assert [c.name for c in choices] == ["EPDS (needs licensed text)"]


async def test_non_moderator_is_refused(bot, guild, setup_world) -> None:
    cog = admin_cog(bot)
    member = make_member(guild=guild)
    for command, kwargs in [(cog.schedule, {"group": "Evening Circle", "instrument": "phq9", "cadence": "weekly",
                                             "time": "19:00"}),
                            (cog.status, {}), (cog.send_now, {"group": "Evening Circle"}),
                            (cog.cancel, {"schedule": 1})]:
        interaction = make_interaction(bot, member, guild=guild)
        await invoke(command, cog, interaction, **kwargs)
        assert last_reply(interaction)["content"].startswith("Only moderators")
    assert await bot.services.db.fetchval("SELECT count(*) FROM checkin_schedules") == 0


async def test_send_now_and_status(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    await schedule_phq9(bot, guild, mod_role)
    cog = admin_cog(bot)
    send = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.send_now, cog, send, group="Evening Circle")
    assert "1 new of 1 members" in last_reply(send)["content"]
    assert len(bot.notifier.dms) == 1
    bot.services.clock.advance(timedelta(days=4))
    await bot.services.run_due(bot.notifier)
    status = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.status, cog, status)
    text = last_reply(status)["content"]
    assert "0 completed, 1 missed" in text
    alias = (await bot.services.aliases.for_user(GUILD, member.id)).alias
    assert alias not in text


async def test_unknown_group_is_a_kind_message(bot, guild, mod_role, setup_world) -> None:
    cog = admin_cog(bot)
    interaction = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(cog.send_now, cog, interaction, group="Nowhere")
    assert "There is no group called “Nowhere”" in last_reply(interaction)["content"]


# -- DMs closed: told once, privately, at her next command or button in the server ------------------------


async def dms_closed_with_a_check_in_waiting(bot, guild, mod_role, group):
    member = await member_in_group(bot, guild, group)
    bot.notifier.closed.add(member.id)
    await schedule_phq9(bot, guild, mod_role)
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    return member


async def completed(bot: PeerBot, interaction) -> None:
    """What PeerTree._call does after a command and its error handler (`invoke` stops before that)."""
    await bot.after_interaction(interaction)


async def test_her_next_command_in_the_server_says_once_that_a_check_in_waits(bot, guild, mod_role,
                                                                             setup_world) -> None:
    member = await dms_closed_with_a_check_in_waiting(bot, guild, mod_role, setup_world)
    cog = member_cog(bot)
    first = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, first)
    await completed(bot, first)
    settings, waiting = replies(first)
    assert "Your check-in settings" in settings["content"]
    assert waiting == {"content": messages.WAITING_HERE.text, "ephemeral": True, "view": None, "embed": None,
                       "file": None}
    again = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, again)
    await completed(bot, again)
    assert len(replies(again)) == 1  # never twice for the same check-in
    # Nobody else is told anything: a moderator's command in the same server gets only its own answer.
    status = make_interaction(bot, moderator(guild, mod_role), guild=guild)
    await invoke(admin_cog(bot).status, admin_cog(bot), status)
    await completed(bot, status)
    assert len(replies(status)) == 1 and messages.WAITING_HERE.text not in last_reply(status)["content"]
    # And /checkin now takes it here, privately, with the same buttons.
    take = make_interaction(bot, member, guild=guild)
    await invoke(cog.now, cog, take)
    assert "1 of 9" in last_reply(take)["content"] and last_reply(take)["ephemeral"] is True


async def test_a_failed_command_or_a_button_also_brings_the_line(bot, guild, mod_role, setup_world) -> None:
    member = await dms_closed_with_a_check_in_waiting(bot, guild, mod_role, setup_world)
    cog = member_cog(bot)
    refused = make_interaction(bot, member, guild=guild)
    await invoke(cog.settings, cog, refused, timezone="Moon/Base")  # a kind refusal from the error handler
    await completed(bot, refused)
    answer, waiting = replies(refused)
    assert "Nothing was changed" in answer["content"] and waiting["content"] == messages.WAITING_HERE.text
    # The next check-in (a week on) is a new one: this time a button is her next interaction.
    bot.services.clock.set(MONDAY_19 + timedelta(days=7))
    await bot.services.run_due(bot.notifier)
    click = make_interaction(bot, member, guild=guild)
    await ChoiceButton(f"consent:{GUILD}:research:yes").callback(click)
    assert "research use of your scores" in click.response.edit_message.call_args.kwargs["content"]
    assert last_reply(click) == {"content": messages.WAITING_HERE.text, "ephemeral": True, "view": None,
                                 "embed": None, "file": None}


async def test_no_line_after_a_form_or_once_she_has_taken_it(bot, guild, mod_role, setup_world) -> None:
    member = await dms_closed_with_a_check_in_waiting(bot, guild, mod_role, setup_world)
    form = make_interaction(bot, member, guild=guild)
    form.response.type = discord.InteractionResponseType.modal  # e.g. /share opened its form
    await bot.after_interaction(form)
    assert replies(form) == []
    cog = member_cog(bot)
    take = make_interaction(bot, member, guild=guild)
    await invoke(cog.now, cog, take)
    await completed(bot, take)
    [reply] = replies(take)  # the check-in itself, and no "a check-in is waiting" after it
    assert "1 of 9" in reply["content"]


# -- several due together: the next one straight after she finishes, where she answered ------------------


async def test_finishing_in_the_server_brings_the_next_one_there(bot, guild, mod_role, setup_world) -> None:
    member = await member_in_group(bot, guild, setup_world)
    bot.notifier.closed.add(member.id)
    await schedule_phq9(bot, guild, mod_role)
    await invoke(admin_cog(bot).schedule, admin_cog(bot), make_interaction(bot, moderator(guild, mod_role),
                                                                          guild=guild),
                 group="Evening Circle", instrument="gad2", cadence="weekly", time="19:00")
    bot.services.clock.set(MONDAY_19)
    await bot.services.run_due(bot.notifier)
    cog = member_cog(bot)
    take = make_interaction(bot, member, guild=guild)
    await invoke(cog.now, cog, take)
    button = last_reply(take)["view"].children[0].custom_id
    for item in range(1, 10):
        click = make_interaction(bot, member, guild=guild)
        await ChoiceButton(button).callback(click)
        if item < 9:
            button = last_reply(click)["view"].children[0].custom_id
    *_, result, following = replies(click)
    assert "Thank you for checking in" in result["content"]
    assert "GAD-2" in following["content"] and "1 of 2" in following["content"] and following["ephemeral"] is True


async def test_the_command_tree_itself_adds_the_line_after_a_real_command(bot, guild, mod_role, setup_world,
                                                                         monkeypatch) -> None:
    """The gateway's INTERACTION_CREATE through discord.py's own command tree (PeerTree._call): her /checkin
    settings answer, then the line, both only for her."""
    member = await dms_closed_with_a_check_in_waiting(bot, guild, mod_role, setup_world)
    sent: list[dict] = []

    async def send_message(self: discord.InteractionResponse, content: str | None = None, **kwargs) -> None:
        sent.append({"content": content, **kwargs})

    monkeypatch.setattr(discord.InteractionResponse, "send_message", send_message)
    user = {"id": str(member.id), "username": "mum", "discriminator": "0", "avatar": None}
    payload = {
        "id": "900000000000000001", "application_id": "1", "type": 2, "token": "token", "version": 1,
        "guild_id": str(GUILD), "channel_id": "2", "locale": "en-GB", "entitlements": [],
        "authorizing_integration_owners": {}, "attachment_size_limit": 8_000_000, "app_permissions": "0",
        "member": {"user": user, "roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False,
                   "mute": False, "flags": 0, "permissions": "0"},
        "data": {"id": "4", "name": "checkin", "type": 1,
                 "options": [{"name": "settings", "type": 1, "options": []}]},
    }
    bot._connection.user = discord.ClientUser(state=bot._connection, data={  # as after logging in
        "id": "1", "username": "PeerBot", "discriminator": "0", "avatar": None, "bot": True})
    await bot.tree._call(discord.Interaction(data=payload, state=bot._connection))
    assert [(reply["content"].split("\n")[0], reply["ephemeral"]) for reply in sent] == [
        ("Your check-in settings (only you can see this):", True), (messages.WAITING_HERE.text, True)]
