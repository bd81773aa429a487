import asyncio

import pytest

from bot.core.errors import NotFound, UserError
from bot.core.groups import GroupFull

GUILD = 11
MOD = "m" * 64


async def make_group(services, name="Birth trauma circle", size=3, mode="anonymous"):
    return await services.groups.create(GUILD, name, "For mums after a difficult birth", "birth trauma",
                                        size_limit=size, mode=mode, channel_id=500, role_id=600, actor=MOD)


async def test_create_list_and_audit(services) -> None:
    group = await make_group(services)
    assert (group.name, group.focus, group.size_limit, group.mode, group.member_count) == (
        "Birth trauma circle", "birth trauma", 3, "anonymous", 0)
    assert [g.id for g in await services.groups.list(GUILD)] == [group.id]
    assert (await services.groups.by_channel(GUILD, 500)).id == group.id
    assert (await services.audit.recent(GUILD))[0].action == "group_create"


async def test_default_size_is_twelve(services) -> None:
    group = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                         actor=MOD)
    assert group.size_limit == 12


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "give the group a name"),
        ({"name": "x" * 61}, "under 60 characters"),
        ({"description": ""}, "short description"),
        ({"focus": "astrology"}, "The focus must be one of"),
        ({"size_limit": 1}, "between 2 and 30"),
        ({"size_limit": 31}, "between 2 and 30"),
    ],
)
async def test_bad_group_input_changes_nothing(services, kwargs, message) -> None:
    values = {"name": "Group", "description": "desc", "focus": "pregnancy", "size_limit": 5} | kwargs
    with pytest.raises(UserError, match=message):
        await services.groups.create(GUILD, values["name"], values["description"], values["focus"],
                                     size_limit=values["size_limit"], actor=MOD)
    assert await services.groups.list(GUILD) == []


async def test_duplicate_name_is_refused_case_insensitively(services) -> None:
    await make_group(services)
    with pytest.raises(UserError, match="already a group called"):
        await make_group(services, name="birth TRAUMA circle")


async def test_join_twice_and_full_group(services) -> None:
    group = await make_group(services, size=2)
    other = await make_group(services, name="Anxious mums", size=5)
    await services.groups.join(GUILD, group.id, "a" * 64)
    with pytest.raises(UserError, match="already in"):
        await services.groups.join(GUILD, group.id, "a" * 64)
    await services.groups.join(GUILD, group.id, "b" * 64)
    with pytest.raises(GroupFull, match="is full") as caught:
        await services.groups.join(GUILD, group.id, "c" * 64)
    assert [g.id for g in caught.value.alternatives] == [other.id]
    assert "Anxious mums (5 free)" in caught.value.message


async def test_concurrent_joins_never_overfill(services) -> None:
    group = await make_group(services, size=3)
    results = await asyncio.gather(
        *(services.groups.join(GUILD, group.id, str(i) * 64) for i in range(6)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert (await services.groups.get(GUILD, group.id)).member_count == 3


async def test_leave_edit_and_archive(services) -> None:
    group = await make_group(services, size=4)
    await services.groups.join(GUILD, group.id, "a" * 64)
    await services.groups.join(GUILD, group.id, "b" * 64)
    await services.groups.join(GUILD, group.id, "c" * 64)
    with pytest.raises(UserError, match="has 3 members, so the limit can't go below"):
        await services.groups.edit(GUILD, group.id, actor=MOD, size_limit=2)
    edited = await services.groups.edit(GUILD, group.id, actor=MOD, size_limit=3, mode="open")
    assert (edited.size_limit, edited.mode) == (3, "open")
    await services.groups.leave(GUILD, group.id, "a" * 64)
    with pytest.raises(UserError, match="not in"):
        await services.groups.leave(GUILD, group.id, "a" * 64)
    archived = await services.groups.archive(GUILD, group.id, actor=MOD, reason="merged with another group")
    assert archived.archived and archived.member_count == 0
    assert await services.groups.list(GUILD) == []
    with pytest.raises(UserError, match="has closed"):
        await services.groups.join(GUILD, group.id, "d" * 64)
    with pytest.raises(NotFound):
        await services.groups.by_name(GUILD, "Birth trauma circle")
    assert [e.action for e in await services.audit.recent(GUILD)][:2] == ["group_archive", "group_edit"]


async def test_groups_of_member(services) -> None:
    one = await make_group(services)
    two = await make_group(services, name="Anxious mums")
    await services.groups.join(GUILD, one.id, "a" * 64)
    await services.groups.join(GUILD, two.id, "a" * 64)
    assert [g.name for g in await services.groups.groups_of(GUILD, "a" * 64)] == ["Anxious mums", "Birth trauma circle"]
    assert await services.groups.member_pseudonyms(one.id) == ["a" * 64]
