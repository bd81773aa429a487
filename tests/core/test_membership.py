import pytest

from bot.core import member_notes
from bot.core.agreement import agreement_note
from bot.core.errors import UserError

GUILD = 61
MOD = "m" * 64


async def make(services, name, **kwargs):
    return await services.groups.create(GUILD, name, "desc", "birth trauma", channel_id=kwargs.pop("channel", 900),
                                        role_id=901, actor=MOD, **kwargs)


async def test_join_gives_an_alias_and_a_welcome_naming_it(services) -> None:
    group = await make(services, "Circle")
    joined = await services.membership.join(GUILD, 1001, group.id)
    assert joined.group.member_count == 1
    assert joined.alias.alias in member_notes.welcome(joined.group, joined.alias).text
    with pytest.raises(UserError, match="already in"):
        await services.membership.check_can_join(GUILD, 1001, group.id)


def test_agreement_says_peer_support_not_crisis_and_what_is_stored() -> None:
    from bot.core.groups import Group

    group = Group(3, GUILD, "Circle", "desc", "birth trauma", 12, "anonymous", 1, 2, False, 0)
    note = agreement_note(group)
    assert "not a crisis or clinical service" in note.text and "never store" in note.text
    assert "Circle" in note.text and "birth trauma" in note.text
    assert [c.id for c in note.choices] == ["join:accept:3", "join:later:3"]


async def test_pick_by_name_channel_or_only_group(services) -> None:
    one = await make(services, "Circle", channel=900)
    two = await make(services, "Anxious mums", channel=901)
    with pytest.raises(UserError, match="not in a group yet"):
        await services.membership.pick(GUILD, 1001, None, None)
    await services.membership.join(GUILD, 1001, one.id)
    assert (await services.membership.pick(GUILD, 1001, None, None)).id == one.id
    await services.membership.join(GUILD, 1001, two.id)
    with pytest.raises(UserError, match="several groups"):
        await services.membership.pick(GUILD, 1001, None, None)
    assert (await services.membership.pick(GUILD, 1001, None, 901)).id == two.id
    assert (await services.membership.pick(GUILD, 1001, "anxious MUMS", None)).id == two.id
    with pytest.raises(UserError, match="not in a group called"):
        await services.membership.pick(GUILD, 1001, "Other", None)


async def test_dm_targets_cover_anonymous_groups_in_every_server(services) -> None:
    one = await make(services, "Circle")
    await make(services, "Open chat", mode="open", channel=902)
    await services.membership.join(GUILD, 1001, one.id)
    other_guild = await services.groups.create(GUILD + 1, "Elsewhere", "desc", "birth trauma", channel_id=990,
                                               role_id=991, actor=MOD)
    await services.membership.join(GUILD + 1, 1001, other_guild.id)
    targets = await services.membership.dm_targets(1001)
    assert sorted(group.name for _, group in targets) == ["Circle", "Elsewhere"]
    assert await services.membership.dm_targets(4242) == []


async def test_leave_and_undo_join(services) -> None:
    group = await make(services, "Circle")
    await services.membership.join(GUILD, 1001, group.id)
    await services.membership.undo_join(GUILD, 1001, group.id)
    assert (await services.groups.get(GUILD, group.id)).member_count == 0
    await services.membership.join(GUILD, 1001, group.id)
    assert (await services.membership.leave(GUILD, 1001, None, None)).member_count == 0


OPTIONS = ("postnatal depression", "perinatal anxiety", "birth trauma")


def _group(number, name, focus, free=5):
    from bot.core.groups import Group

    return Group(number, GUILD, name, "desc", focus, 12, "anonymous", 900 + number, 1, False, 12 - free)


@pytest.mark.parametrize(("focus", "names", "header"), [
    (None, ["Birth A", "Worries", "Birth B"], "**Groups you can join**"),
    ("Perinatal  ANXIETY", ["Worries", "Birth A", "Birth B"], "living with **perinatal anxiety** come first"),
    ("postnatal depression", ["Birth A", "Worries", "Birth B"], "There isn't a group for **postnatal depression**"),
    ("astrology", ["Birth A", "Worries", "Birth B"], "The groups here are for: postnatal depression, perinatal"),
])
def test_join_list_puts_the_groups_for_her_focus_first(focus, names, header) -> None:
    groups = [_group(1, "Birth A", "birth trauma"), _group(2, "Worries", "perinatal anxiety"),
              _group(3, "Birth B", "birth trauma")]
    note = member_notes.join_list(groups, focus, OPTIONS)
    assert header in note.text
    assert [note.text.index(f"**{name}**") for name in names] == sorted(note.text.index(f"**{n}**") for n in names)
    assert [choice.label.split(" (")[0] for choice in note.choices] == names
    assert "astrology" not in note.text


def test_a_full_group_for_her_focus_is_listed_without_a_button() -> None:
    groups = [_group(1, "Birth A", "birth trauma"), _group(2, "Worries", "perinatal anxiety", free=0)]
    note = member_notes.join_list(groups, "perinatal anxiety", OPTIONS)
    assert "groups for **perinatal anxiety** are full just now" in note.text
    assert "**Worries** · perinatal anxiety · full" in note.text
    assert [choice.id for choice in note.choices] == ["join:view:1"]
