from datetime import timedelta

import pytest

from bot.core.errors import NotFound, UserError
from bot.core.relay import MESSAGE_LIMIT, Cooldown, parse_ref, split_parts

GUILD = 21
MOD = "m" * 64


async def setup_group(services, *, mode="anonymous", members=(1001, 1002)):
    group = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                         mode=mode, channel_id=900, role_id=901, actor=MOD)
    authors = []
    for user in members:
        joined = await services.membership.join(GUILD, user, group.id)
        authors.append(joined.alias)
    return await services.groups.get(GUILD, group.id), authors


async def relay(services, group, author, text, reply_to=None, message_ids=None):
    plan = await services.relay.prepare(group, author, text, reply_to)
    await services.relay.confirm(plan, message_ids or [10_000 + plan.post_id * 10 + i for i in range(len(plan.parts))])
    return plan


async def test_posts_are_numbered_per_group_and_mapped_without_text(services, clock) -> None:
    group, (fern, robin) = await setup_group(services)
    first = await relay(services, group, fern, "Hello everyone, rough night.")
    clock.advance(timedelta(seconds=30))
    second = await relay(services, group, robin, "Same here. 💛", reply_to=first.number)
    assert (first.number, second.number) == (1, 2)
    assert first.parts == ("**#1**\nHello everyone, rough night.",)
    assert second.reply_marker == f"↪ replying to #1 ({fern.alias})"
    assert second.parts[0].startswith(f"**#2** · ↪ replying to #1 ({fern.alias})\n")
    assert first.alias == fern.alias and first.colour == fern.colour and 0 <= first.avatar_index < 6
    found = await services.relay.by_message(GUILD, (await services.relay.message_ids(first.post_id))[0])
    assert (found.number, found.pseudonym, found.group_id) == (1, fern.pseudonym, group.id)
    assert "rough night" not in str(await services.db.fetchall("SELECT * FROM relayed_posts"))


@pytest.mark.parametrize("text", ["", "   \n\t  "])
async def test_empty_post_is_refused_and_nothing_is_reserved(services, text) -> None:
    group, (fern, _) = await setup_group(services)
    with pytest.raises(UserError, match="nothing to share"):
        await services.relay.prepare(group, fern, text)
    assert await services.db.fetchval("SELECT count(*) FROM relayed_posts") == 0


async def test_cooldown_says_how_long_and_ends(services, clock) -> None:
    group, (fern, robin) = await setup_group(services)
    await relay(services, group, fern, "one")
    clock.advance(timedelta(seconds=5))
    with pytest.raises(Cooldown, match="share again in 15 seconds") as caught:
        await services.relay.prepare(group, fern, "two")
    assert caught.value.seconds == 15
    await relay(services, group, robin, "others are not slowed down")
    clock.advance(timedelta(seconds=15))
    assert (await relay(services, group, fern, "two")).number == 3


async def test_abandoned_post_frees_its_number_and_cooldown(services) -> None:
    group, (fern, _) = await setup_group(services)
    plan = await services.relay.prepare(group, fern, "will fail")
    await services.relay.abandon(plan)
    assert await services.relay.cooldown_left(GUILD, fern.pseudonym) == 0
    assert (await services.relay.prepare(group, fern, "again")).number == plan.number


async def test_stale_pending_posts_are_purged(services, clock) -> None:
    group, (fern, _) = await setup_group(services)
    await services.relay.prepare(group, fern, "the process stopped mid-send")
    assert await services.relay.purge_stale() == 0
    clock.advance(timedelta(minutes=11))
    assert await services.relay.purge_stale() == 1


@pytest.mark.parametrize(
    ("mode", "member", "message"),
    [("open", True, "open group"), ("anonymous", False, "You're not in")],
)
async def test_who_may_share(services, mode, member, message) -> None:
    group, authors = await setup_group(services, mode=mode, members=(1001,) if member else ())
    author = authors[0] if member else await services.aliases.ensure(GUILD, 5555)
    with pytest.raises(UserError, match=message):
        await services.relay.prepare(group, author, "hello")


async def test_reply_to_a_missing_post_is_refused(services) -> None:
    group, (fern, _) = await setup_group(services)
    with pytest.raises(UserError, match="no post #7"):
        await services.relay.prepare(group, fern, "hello", reply_to=7)


def test_long_posts_split_with_markers_within_the_limit() -> None:
    text = ("word " * 900).strip()  # 4,499 characters
    parts = split_parts(14, text, "↪ replying to #12 (Quiet Fern)")
    assert len(parts) == 3 and all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert parts[0].startswith("**#14** · ↪ replying to #12 (Quiet Fern) (1/3)\n")
    assert parts[2].startswith("**#14** (3/3)\n")
    assert " ".join(p.split("\n", 1)[1] for p in parts) == text


def test_post_over_the_maximum_is_refused() -> None:
    from bot.core.relay import clean_text

    with pytest.raises(UserError, match="under 4000"):
        clean_text("x" * 4001)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("#14", ("number", 14)), (" 3 ", ("number", 3)),
     ("https://discord.com/channels/1/2/333", ("message", 333))],
)
def test_parse_ref(ref, expected) -> None:
    assert parse_ref(ref) == expected


@pytest.mark.parametrize("ref", ["", "fourteen", "#-1", "#0"])
def test_bad_ref_gets_a_kind_message(ref) -> None:
    with pytest.raises(UserError, match="post number like #14"):
        parse_ref(ref)


async def test_find_and_unshare_own_post(services, clock) -> None:
    group, (fern, robin) = await setup_group(services)
    plan = await relay(services, group, fern, "mine")
    with pytest.raises(UserError, match="#1 isn't one of your posts, so I've left it as it is") as caught:
        await services.relay.find(GUILD, "#1", pseudonym=robin.pseudonym)
    assert not isinstance(caught.value, NotFound)
    with pytest.raises(NotFound):
        await services.relay.find(GUILD, "#2", pseudonym=robin.pseudonym)
    post = await services.relay.find(GUILD, "#1", pseudonym=fern.pseudonym)
    await services.relay.unshare(post)
    assert await services.relay.message_ids(plan.post_id) == []
    with pytest.raises(NotFound, match="already have been removed"):
        await services.relay.find(GUILD, "#1")


async def test_same_number_in_two_groups_needs_the_link(services, clock) -> None:
    group, (fern, _) = await setup_group(services)
    other = await services.groups.create(GUILD, "Anxious mums", "desc", "perinatal anxiety", channel_id=902,
                                         role_id=903, actor=MOD)
    await services.groups.join(GUILD, other.id, fern.pseudonym)
    await relay(services, group, fern, "a", message_ids=[71])
    clock.advance(timedelta(minutes=1))
    await relay(services, await services.groups.get(GUILD, other.id), fern, "b", message_ids=[72])
    with pytest.raises(UserError, match="More than one group"):
        await services.relay.find(GUILD, "#1")
    assert (await services.relay.find(GUILD, "#1", group_id=other.id)).group_id == other.id
    assert (await services.relay.find(GUILD, "https://discord.com/channels/21/900/71")).group_id == group.id
