"""Enforcement that holds (real SQLite, the real sharing pipeline; the safety net screens).

A timed-out member's words on any path are still screened and crisis care still happens (screen
first), but they are not relayed until the timeout ends, and her text comes back. A member removed
from a group stays out of it (no /join, no posting) until a moderator lifts it with an audited
`allow`.
"""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.data_rights import describe_tables, rows_mentioning
from bot.core.errors import UserError
from bot.core.restrictions import KeptOut, PostingPaused, clock_time, paused_text
from bot.core.sharing import Words
from bot.store.schema import table_columns
from tests.helpers import RecordingNotifier, RecordingOutlet

GUILD, OTHER_GUILD = 51, 52
MOD = "m" * 64
# Snowflake-length ids, so a random pseudonym or timestamp cannot contain them by chance (privacy scans).
USER, OTHER = 412345678901271010, 412345678901271020
CRISIS = "I can't do this anymore, I've decided to end my life tonight"
HELLO = "hi all, the nights are long this week"
RESOURCES = "If you or your baby are in immediate danger"
PAUSED = "The moderators have paused your posting for now"


@pytest.fixture
async def world(services):
    await services.guilds.update(GUILD, region="UK", mod_log_channel_id=5)
    night = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                         mode="anonymous", channel_id=900, role_id=901, actor=MOD)
    early = await services.groups.create(GUILD, "Early days", "First weeks", "postnatal depression",
                                         mode="anonymous", channel_id=902, role_id=903, actor=MOD)
    fern = (await services.membership.join(GUILD, USER, night.id)).alias
    return night, early, fern


def outlet() -> RecordingOutlet:
    return RecordingOutlet(RecordingNotifier())


def share(group, text: str = CRISIS) -> Words:
    return Words(USER, text, "share", guild_id=GUILD, group_id=group.id)


def dm(text: str = CRISIS) -> Words:
    return Words(USER, text, "dm", mutual_guild_ids=(GUILD,))


def private_texts(out: RecordingOutlet) -> list[str]:
    return [*out.texts(), *(note.text for _, user, note in out.notifier.dms if user == USER)]


async def time_out(services, alias: str, minutes: int = 30) -> None:
    await services.moderation.complete(await services.moderation.plan_timeout(GUILD, alias, minutes, "cool off"), MOD)


async def remove(services, alias: str, group: str = "Night feeds") -> None:
    await services.moderation.complete(await services.moderation.plan_remove(GUILD, alias, group, "repeated"), MOD)


# -- a timeout holds on every path, and crisis care still comes first --------------------------------


@pytest.mark.parametrize("entry", ["share", "dm"])
async def test_a_timed_out_members_crisis_words_get_care_and_an_alert_but_are_not_relayed(
        services, world, entry) -> None:
    night, _, fern = world
    await time_out(services, fern.alias)
    out = outlet()
    outcome = await services.sharing.submit(share(night) if entry == "share" else dm(), out)
    assert outcome.screened.crisis and outcome.result == "refused"
    assert out.published == [] and await services.db.fetchval("SELECT count(*) FROM relayed_posts") == 0
    texts = private_texts(out)
    assert any(RESOURCES in text for text in texts)  # care first, whatever the policy says
    [flag] = await services.flags.list(GUILD)
    assert flag.kind == "crisis" and flag.pseudonym == fern.pseudonym
    assert any(guild == GUILD for guild, _ in out.notifier.mod_log)  # the moderators were alerted
    assert any(PAUSED in text and "until 09:30 UTC" in text and "nothing is lost" in text for text in texts)
    assert CRISIS in texts  # her words back
    for _, note in out.notifier.mod_log:
        assert "end my life" not in note.text


async def test_the_timeout_ends_at_its_time(services, world, clock) -> None:
    night, _, fern = world
    await time_out(services, fern.alias, minutes=30)
    clock.advance(timedelta(minutes=29, seconds=59))
    out = outlet()
    assert (await services.sharing.submit(dm(HELLO), out)).result == "refused"
    assert any(PAUSED in text for text in out.texts()) and HELLO in out.texts()
    clock.advance(timedelta(seconds=1))
    out = outlet()
    outcome = await services.sharing.submit(dm(HELLO), out)
    assert outcome.result == "shared" and out.published[0].group_id == night.id
    # The expired timeout is forgotten once seen.
    assert await services.db.fetchval("SELECT count(*) FROM restrictions") == 0


async def test_a_timeout_pauses_the_share_form_before_she_writes(services, world) -> None:
    night, _, fern = world
    await time_out(services, fern.alias)
    with pytest.raises(PostingPaused, match="until 09:30 UTC") as raised:
        await services.relay.check_can_post(night, fern)
    assert raised.value.until == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


async def test_a_timeout_is_per_server(services, world) -> None:
    _, _, fern = world
    elsewhere = await services.groups.create(OTHER_GUILD, "Elsewhere", "desc", "postnatal depression",
                                             channel_id=990, role_id=991, actor=MOD)
    there = (await services.membership.join(OTHER_GUILD, USER, elsewhere.id)).alias
    await time_out(services, fern.alias)
    await services.relay.check_can_post(elsewhere, there)  # not paused in the other server


async def test_a_new_timeout_replaces_the_old_and_expired_ones_are_forgotten(services, world, clock) -> None:
    night, early, fern = world
    bea = (await services.membership.join(GUILD, OTHER, early.id)).alias
    await time_out(services, bea.alias, minutes=5)
    await time_out(services, fern.alias, minutes=60)
    await time_out(services, fern.alias, minutes=10)  # shortened, as Discord's would be
    clock.advance(timedelta(minutes=11))
    await services.relay.check_can_post(night, fern)
    await time_out(services, bea.alias, minutes=20)
    rows = await services.db.fetchall("SELECT pseudonym, until FROM restrictions ORDER BY id")
    assert [(row["pseudonym"], row["until"]) for row in rows] == [(bea.pseudonym, "2026-03-02T09:31:00+00:00")]


async def test_the_restriction_and_its_audit_entry_commit_together(services, world, monkeypatch) -> None:
    _, _, fern = world
    action = await services.moderation.plan_timeout(GUILD, fern.alias, 30, "cool off")

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        await services.moderation.complete(action, MOD)
    assert await services.db.fetchval("SELECT count(*) FROM restrictions") == 0


def test_the_paused_time_is_said_plainly_and_never_too_early() -> None:
    now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    assert clock_time(datetime(2026, 3, 2, 21, 40, tzinfo=UTC), now) == "21:40 UTC"
    assert clock_time(datetime(2026, 3, 2, 21, 40, 1, tzinfo=UTC), now) == "21:41 UTC"
    assert clock_time(datetime(2026, 3, 3, 0, 30, tzinfo=UTC), now) == "Tue 3 Mar, 00:30 UTC"
    text = paused_text(datetime(2026, 3, 2, 21, 40, tzinfo=UTC), now)
    assert text.startswith(PAUSED) and "still welcome to read" in text and "crisis line" in text


# -- a removal keeps her out of that group until a moderator lifts it ------------------------------


async def test_after_removal_she_cannot_rejoin_but_other_groups_are_open(services, world) -> None:
    night, early, fern = world
    await remove(services, fern.alias)
    for attempt in (services.membership.check_can_join, services.membership.join):
        with pytest.raises(KeptOut) as raised:
            await attempt(GUILD, USER, night.id)
        assert raised.value.message == ("You can't rejoin “Night feeds” right now. If you'd like to talk about it, "
                                         "you can message a moderator; other groups are open to you with /join. 💛")
    assert not await services.groups.is_member(night.id, fern.pseudonym)
    assert (await services.membership.join(GUILD, USER, early.id)).group.id == early.id


async def test_a_removed_member_cannot_post_to_that_group_on_any_path(services, world) -> None:
    night, early, fern = world
    await services.membership.join(GUILD, USER, early.id)
    await remove(services, fern.alias)
    await services.groups.join(GUILD, night.id, fern.pseudonym)  # even if her place came back some other way
    with pytest.raises(KeptOut, match="You can't post in “Night feeds” right now"):
        await services.relay.check_can_post(night, fern)
    out = outlet()
    outcome = await services.sharing.submit(share(night), out)
    assert outcome.result == "refused" and out.published == []
    assert any(RESOURCES in text for text in private_texts(out)) and CRISIS in out.texts()
    assert len(await services.flags.list(GUILD)) == 1
    await services.relay.check_can_post(early, fern)  # her other group is untouched


async def test_allow_lifts_the_removal_and_is_audited(services, world) -> None:
    night, _, fern = world
    await remove(services, fern.alias)
    notifier = RecordingNotifier()
    action = await services.moderation.plan_allow(GUILD, fern.alias.lower(), "night FEEDS", " talked it  through ")
    done = await services.moderation.finish(action, MOD, notifier, server_name="Mums Together")
    assert done.text == (f"Done: **{fern.alias}** allowed back into a group (group Night feeds). "
                         "Recorded in the audit log.")
    [(_, user, note)] = notifier.dms
    assert user == USER and "Night feeds" in note.text and "/join" in note.text
    entry = (await services.audit.recent(GUILD))[0]
    assert (entry.action, entry.reason, entry.detail, entry.actor_pseudonym, entry.target_alias) == (
        "allow", "talked it through", "group Night feeds", MOD, fern.alias)
    assert (await services.membership.join(GUILD, USER, night.id)).group.id == night.id


@pytest.mark.parametrize(
    ("alias", "group", "reason", "message"),
    [
        ("Nobody Here", "Night feeds", "reason", "no member with the alias “Nobody Here”"),
        ("  ", "Night feeds", "reason", "give the member's alias"),
        (None, "No such group", "reason", "no group called"),
        (None, "Early days", "reason", "isn't kept out of “Early days”, so there's nothing to lift"),
        (None, "Night feeds", "   ", "short reason"),
    ],
)
async def test_allow_with_bad_input_is_a_kind_message_and_changes_nothing(services, world, alias, group, reason,
                                                                          message) -> None:
    _, _, fern = world
    await remove(services, fern.alias)
    before = await services.db.fetchval("SELECT count(*) FROM audit_log")
    with pytest.raises(UserError, match=message):
        await services.moderation.plan_allow(GUILD, fern.alias if alias is None else alias, group, reason)
    assert await services.db.fetchval("SELECT count(*) FROM audit_log") == before
    assert await services.db.fetchval("SELECT count(*) FROM restrictions") == 1


async def test_allowing_twice_is_refused_and_audited_once(services, world) -> None:
    _, _, fern = world
    await remove(services, fern.alias)
    first = await services.moderation.plan_allow(GUILD, fern.alias, "Night feeds", "ok")
    second = await services.moderation.plan_allow(GUILD, fern.alias, "Night feeds", "ok")
    await services.moderation.complete(first, MOD)
    with pytest.raises(UserError, match="already allowed back"):
        await services.moderation.complete(second, MOD)
    assert [e.action for e in await services.audit.recent(GUILD)].count("allow") == 1


async def test_removing_her_again_says_she_is_already_kept_out(services, world) -> None:
    _, _, fern = world
    await remove(services, fern.alias)
    with pytest.raises(UserError, match="isn't in “Night feeds”: she was removed and is kept out"):
        await services.moderation.plan_remove(GUILD, fern.alias, "Night feeds", "again")


async def test_the_case_history_shows_what_is_in_force(services, world, clock) -> None:
    _, _, fern = world
    assert "Restrictions: none" in (await services.moderation.history(GUILD, fern.alias)).text
    await time_out(services, fern.alias, minutes=45)
    await remove(services, fern.alias)
    history = (await services.moderation.history(GUILD, fern.alias)).text
    assert ("Restrictions: posting paused until 2026-03-02 09:45 UTC; kept out of Night feeds (until /mod allow)"
            in history)
    clock.advance(timedelta(hours=1))
    assert "Restrictions: kept out of Night feeds (until /mod allow)" in (
        await services.moderation.history(GUILD, fern.alias)).text


# -- privacy: pseudonymous, no text, erased with her data -------------------------------------------


async def test_the_table_is_pseudonymous_and_holds_no_text(services, world) -> None:
    _, _, fern = world
    await time_out(services, fern.alias)
    await remove(services, fern.alias)
    [table] = [t for t in await describe_tables(services.db) if t.name == "restrictions"]
    assert table.member_columns == ("pseudonym",) and table.by_columns == ("restricted_by",)
    columns = set(await table_columns(services.db, "restrictions"))
    assert columns == {"id", "guild_id", "pseudonym", "kind", "group_id", "until", "restricted_by", "created_at"}
    assert ("restrictions", "pseudonym") in await rows_mentioning(services.db, fern.pseudonym)
    assert not any(table == "restrictions" for table, _ in await rows_mentioning(services.db, USER))
    assert not any(table == "restrictions" for table, _ in await rows_mentioning(services.db, "cool off"))


async def test_forget_me_erases_her_restrictions_and_clears_the_moderator(services, world) -> None:
    night, _, fern = world
    moderator = services.aliases.pseudonym(GUILD, 9999)
    await services.moderation.complete(await services.moderation.plan_timeout(GUILD, fern.alias, 30, "x"), moderator)
    await remove(services, fern.alias)
    bea = (await services.membership.join(GUILD, OTHER, night.id)).alias
    await services.moderation.complete(await services.moderation.plan_remove(GUILD, bea.alias, "Night feeds", "x"),
                                       moderator)
    report = await services.data_rights.forget(GUILD, fern.pseudonym)
    assert report.rows_deleted["restrictions"] == 2
    assert not any(table == "restrictions" for table, _ in await rows_mentioning(services.db, fern.pseudonym))
    await services.data_rights.forget(GUILD, moderator)  # the moderator erases her own data
    row = await services.db.fetchone("SELECT pseudonym, restricted_by FROM restrictions")
    assert (row["pseudonym"], row["restricted_by"]) == (bea.pseudonym, None)  # Bea is still kept out


async def test_retention_purges_restrictions_with_the_rest_of_her_dated_data(services, world, clock) -> None:
    _, _, fern = world
    await remove(services, fern.alias)
    clock.advance(timedelta(days=731))
    assert (await services.data_rights.purge_if_due())["restrictions"] == 1
