"""The weekly "you're not alone" digest: real SQLite and PostgreSQL, the manual clock, a recording notifier."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.framing.digest import DigestService, digest_text, week_of
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.store.framing_repo import FramingRepository
from tests.helpers import RecordingNotifier

GUILD = 31
MOD = "m" * 64
K = 5


class GroupNotifier(RecordingNotifier):
    """A recording notifier that also records posts in group channels."""

    def __init__(self, *, channel_open: bool = True) -> None:
        super().__init__()
        self.group_posts: list[tuple[int, int, object]] = []
        self.channel_open = channel_open

    async def send_group(self, guild_id: int, channel_id: int, note: object) -> bool:
        if self.channel_open:
            self.group_posts.append((guild_id, channel_id, note))
        return self.channel_open


# -- the text (pure) --------------------------------------------------------------------------------

def test_the_example_from_the_issue() -> None:
    text = digest_text({"upward_comparison": 6, "isolation": 5}, members=12, k=K, period="This week")
    assert text is not None
    assert "This week 6 of you wrote about feeling behind other mums and 5 about feeling alone with it. " \
           "You are far from the only one." in text


@pytest.mark.parametrize(("counts", "members", "expected"), [
    ({"upward_comparison": 6, "isolation": 4}, 12, ["6 of you wrote about feeling behind other mums"]),
    ({"upward_comparison": 4, "isolation": 4}, 12, None),  # no topic with k members: nothing at all
    ({"upward_comparison": 6}, 4, None),  # a group below k gets no digest
    ({"common_humanity": 5}, 10, ["Last week 5 of you wrote to remind someone here"]),
    ({"isolation": 5, "downward_comparison": 7, "common_humanity": 5}, 10,
     ["7 of you wrote about measuring", "and 5 about feeling alone", "And 5 of you wrote to remind"]),
])
def test_only_topics_with_k_members_are_named(counts, members, expected) -> None:
    text = digest_text(counts, members, K)
    if expected is None:
        assert text is None
    else:
        assert text is not None and all(part in text for part in expected), text
        assert "4" not in text  # a count below k is never shown


def test_crisis_and_neutral_are_never_in_the_text() -> None:
    assert digest_text({"crisis": 9, "neutral": 9}, members=12, k=K) is None


# -- recording, posting, exactly once -------------------------------------------------------------------

async def make_group(services, name="Night feeds", members=6, channel_id=900):
    group = await services.groups.create(GUILD, name, "Late-night company", "postnatal depression",
                                         mode="anonymous", channel_id=channel_id, role_id=channel_id + 1, actor=MOD)
    aliases = [(await services.membership.join(GUILD, 5000 + channel_id + user, group.id)).alias
               for user in range(members)]
    return await services.groups.get(GUILD, group.id), Writers(aliases)


class Writers(list):
    """Her pseudonyms (the list) and the aliases the group knows them by."""

    def __init__(self, aliases) -> None:
        super().__init__(alias.pseudonym for alias in aliases)
        self.aliases = [alias.alias for alias in aliases]


async def write_week(services, group, pseudonyms, label="upward_comparison") -> None:
    for pseudonym in pseudonyms:
        await services.digests.record(GUILD, group.id, pseudonym, label)
        await services.digests.record(GUILD, group.id, pseudonym, label)  # twice: still one member


def digest_service(services, clock, shards=ALL_GUILDS) -> DigestService:
    """A second process's digest service over the same database."""
    return DigestService(services.db, clock, services.groups, services.audit, K, shards, guilds=services.guilds)


def next_monday_morning(clock) -> None:
    now = clock.now()
    days = 7 - now.weekday()
    clock.advance(timedelta(days=days) - timedelta(hours=now.hour - 9, minutes=now.minute, seconds=now.second))


async def test_last_weeks_digest_is_posted_once_with_distinct_members(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await write_week(services, group, pseudonyms)
    await write_week(services, group, pseudonyms[:3], "isolation")  # 3 < k: not named
    for pseudonym in pseudonyms:
        await services.digests.record(GUILD, group.id, pseudonym, "crisis")  # never counted
    notifier = GroupNotifier()
    clock.advance(timedelta(days=3))
    await services.run_due(notifier)
    assert notifier.group_posts == []  # the week is not over
    next_monday_morning(clock)
    await services.run_due(notifier)
    await services.run_due(notifier)
    [(guild, channel, note)] = notifier.group_posts
    assert (guild, channel) == (GUILD, group.channel_id)
    assert "6 of you wrote about feeling behind other mums" in note.text
    assert "alone with it" not in note.text and "3" not in note.text
    assert not any(alias in note.text for alias in pseudonyms.aliases)


async def test_the_digest_is_off_until_a_moderator_turns_it_on(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await write_week(services, group, pseudonyms)
    assert not await services.digests.enabled(GUILD, group.id)
    notifier = GroupNotifier()
    next_monday_morning(clock)
    await services.run_due(notifier)
    assert notifier.group_posts == []


async def test_a_group_below_k_gets_no_digest(services, clock) -> None:
    small, pseudonyms = await make_group(services, "Small", members=K - 1, channel_id=700)
    await services.digests.set_enabled(GUILD, small.id, True, actor=MOD)
    await write_week(services, small, pseudonyms)
    notifier = GroupNotifier()
    next_monday_morning(clock)
    await services.run_due(notifier)
    assert notifier.group_posts == []
    preview = await services.digests.preview(GUILD, small.id)
    assert "Nothing to show yet" in preview.text


async def test_two_processes_at_once_post_once(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await write_week(services, group, pseudonyms)
    next_monday_morning(clock)
    other = digest_service(services, clock)
    notifier = GroupNotifier()
    posted = await asyncio.gather(services.digests.run_due(notifier), other.run_due(notifier))
    assert sorted(posted) == [0, 1]
    assert len(notifier.group_posts) == 1


async def test_a_process_posts_only_for_its_own_shards_guilds(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await write_week(services, group, pseudonyms)
    next_monday_morning(clock)
    owner = GuildShards.of([0], 2)  # GUILD >> 22 is 0: shard 0 of 2
    stranger = GuildShards.of([1], 2)
    notifier = GroupNotifier()
    assert await digest_service(services, clock, stranger).run_due(notifier) == 0
    assert await digest_service(services, clock, owner).run_due(notifier) == 1
    assert await digest_service(services, clock, stranger).served_groups() == []


async def test_preview_shows_this_week_so_far_privately(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await write_week(services, group, pseudonyms, "isolation")
    preview = await services.digests.preview(GUILD, group.id)
    assert "off for this group" in preview.text
    assert "6 of you wrote about feeling alone with it" in preview.text


async def test_switching_is_audited(services) -> None:
    group, _ = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await services.digests.set_enabled(GUILD, group.id, False, actor=MOD)
    assert not await services.digests.enabled(GUILD, group.id)
    actions = await services.db.fetchall("SELECT action, detail FROM audit_log WHERE action = ?", ("framing_digest",))
    assert [row["detail"] for row in actions] == [f"group {group.id}: on", f"group {group.id}: off"]


async def test_forget_me_erases_her_week_rows_and_old_weeks_are_pruned(services, clock) -> None:
    group, pseudonyms = await make_group(services)
    await write_week(services, group, pseudonyms)
    await services.data_rights.forget(GUILD, pseudonyms[0])
    repo = FramingRepository(services.db)
    week = week_of(clock.now().date())
    assert await repo.writers_by_label(GUILD, group.id, week) == {"upward_comparison": 5}
    clock.advance(timedelta(weeks=2))
    await services.run_due(GroupNotifier())
    assert await repo.writers_by_label(GUILD, group.id, week) == {}


async def test_published_posts_are_noted_by_member_and_crisis_never(framing_services) -> None:
    framing = framing_services.framing
    group, pseudonyms = await make_group(framing_services)
    crisis = await framing.classify("I can't do this anymore, I've decided to end my life tonight")
    upward = await framing.classify("Every other mum at baby group has her life sorted and I am falling apart")
    for pseudonym in pseudonyms:
        for result in (crisis, upward, upward):
            await framing.after_post(GUILD, group.id, pseudonym, 1, result, "share", GroupNotifier())
    week = week_of(framing_services.clock.now().date())
    counts = await FramingRepository(framing_services.db).writers_by_label(GUILD, group.id, week)
    assert counts == {"upward_comparison": 6}


# -- Monday 09:00 in the server's time zone ---------------------------------------------------------------

@pytest.mark.parametrize(("typed", "before", "at"), [
    # Sydney (summer time, UTC+11): Monday 9 March 09:00 is Sunday 8 March 22:00 UTC.
    ("sydney", datetime(2026, 3, 8, 21, 59, tzinfo=UTC), datetime(2026, 3, 8, 22, 0, tzinfo=UTC)),
    # New York moved to summer time (UTC−4) on Sunday 8 March: Monday 09:00 is 13:00 UTC, not 09:00.
    ("new york", datetime(2026, 3, 9, 12, 59, tzinfo=UTC), datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
    # London (winter, UTC+0) for a server never set up: the default time zone.
    (None, datetime(2026, 3, 9, 8, 59, tzinfo=UTC), datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),
    # London in summer (UTC+1): Monday 6 April 09:00 is 08:00 UTC.
    ("london", datetime(2026, 4, 6, 7, 59, tzinfo=UTC), datetime(2026, 4, 6, 8, 0, tzinfo=UTC)),
])
async def test_the_digest_goes_out_at_nine_on_monday_in_the_servers_time_zone(services, clock, typed, before,
                                                                              at) -> None:
    if typed is not None:
        await services.guilds.update(GUILD, timezone=typed)
    clock.set(before - timedelta(days=5))  # the week before, in every one of these zones
    group, pseudonyms = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await write_week(services, group, pseudonyms)
    notifier = GroupNotifier()
    for moment in (before - timedelta(hours=12), before - timedelta(hours=4), before):
        clock.set(moment)
        await services.run_due(notifier)
    assert notifier.group_posts == []  # not a minute early, wherever UTC's Monday is
    clock.set(at)
    await services.run_due(notifier)
    clock.advance(timedelta(minutes=30))
    await services.run_due(notifier)
    await digest_service(services, clock).run_due(notifier)  # another process, later: still once
    [(_, channel, note)] = notifier.group_posts
    assert channel == group.channel_id and "Last week 6 of you wrote about feeling behind" in note.text


async def test_a_week_is_the_servers_week_so_monday_morning_posts_count_towards_the_new_one(services, clock) -> None:
    await services.guilds.update(GUILD, timezone="Australia/Sydney")
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))  # Tuesday 3 March 11:00 in Sydney
    group, pseudonyms = await make_group(services)
    await services.digests.set_enabled(GUILD, group.id, True, actor=MOD)
    await write_week(services, group, pseudonyms[:5])
    clock.set(datetime(2026, 3, 8, 20, 30, tzinfo=UTC))  # Monday 9 March 07:30 in Sydney, Sunday in UTC
    await write_week(services, group, pseudonyms[5:], "isolation")
    repo = FramingRepository(services.db)
    assert await repo.writers_by_label(GUILD, group.id, date(2026, 3, 2)) == {"upward_comparison": 5}
    assert await repo.writers_by_label(GUILD, group.id, date(2026, 3, 9)) == {"isolation": 1}
    clock.set(datetime(2026, 3, 8, 22, 0, tzinfo=UTC))
    notifier = GroupNotifier()
    assert await services.run_due(notifier) is None and len(notifier.group_posts) == 1
    assert "5 of you wrote about feeling behind other mums" in notifier.group_posts[0][2].text
    preview = await services.digests.preview(GUILD, group.id)
    assert "each Monday at 09:00 (Australia/Sydney, the server's time zone)" in preview.text
