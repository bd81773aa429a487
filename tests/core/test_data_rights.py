import json
from datetime import timedelta

import pytest

from bot.core.data_rights import NON_PERSONAL_TABLES, describe_tables, owners, rows_mentioning

GUILD = 21
HER = 412345678901290010  # snowflake-length: privacy scans match substrings
OTHER = 412345678901290020
MOD = 412345678901290030


async def scenario(services):
    """Her alias, a group membership, a flag about her, moderator actions about her and by her."""
    her = await services.aliases.ensure(GUILD, HER)
    other = await services.aliases.ensure(GUILD, OTHER)
    moderator = services.aliases.pseudonym(GUILD, MOD)
    group = await services.groups.create(GUILD, "Night owls", "Company at 3 a.m.", "postnatal depression",
                                         actor=moderator)
    await services.groups.join(GUILD, group.id, her.pseudonym)
    await services.groups.join(GUILD, group.id, other.pseudonym)
    flag = await services.flags.raise_flag(GUILD, "report", her.pseudonym, her.alias, group_id=group.id)
    await services.flags.acknowledge(GUILD, flag.id, moderator)
    other_flag = await services.flags.raise_flag(GUILD, "crisis", other.pseudonym, other.alias)
    await services.flags.acknowledge(GUILD, other_flag.id, her.pseudonym)  # she is also a moderator here
    return her, other, group


async def test_every_table_is_erasable_or_declared_non_personal(services) -> None:
    tables = {table.name: table for table in await describe_tables(services.db)}
    for table in tables.values():
        if table.name in NON_PERSONAL_TABLES:
            continue
        covered_by_parent = any(tables[parent].is_personal for parent, _, _ in table.cascades_from)
        assert table.is_personal or covered_by_parent, (
            f"table {table.name} has no pseudonym or alias column: name it so /forget-me erases it, "
            "or declare it in NON_PERSONAL_TABLES"
        )


async def test_each_table_has_one_owner_that_erases_it(services) -> None:
    claimed = [table for owner in owners(services.db) for table in owner.TABLES]
    assert len(claimed) == len(set(claimed)), "a table is claimed by two repositories"
    assert set(claimed) <= set(await services.db.tables())


async def test_mydata_contains_her_rows_only(services) -> None:
    her, other, _ = await scenario(services)
    document = json.loads(await services.data_rights.export_json(GUILD, her.pseudonym))
    tables = document["tables"]
    assert tables["aliases"][0]["alias"] == her.alias
    assert len(tables["group_members"]) == 1
    assert {row["pseudonym"] for row in tables["flags"]} <= {her.pseudonym, other.pseudonym}
    assert other.alias not in json.dumps([tables["aliases"], tables["group_members"]])


async def test_forget_me_leaves_no_row_keyed_by_her(services) -> None:
    her, other, group = await scenario(services)
    report = await services.data_rights.forget(GUILD, her.pseudonym)
    assert report.total > 0
    assert await rows_mentioning(services.db, her.pseudonym) == []
    assert await rows_mentioning(services.db, her.alias) == []
    assert await rows_mentioning(services.db, HER) == []
    # Everyone else is untouched.
    assert await services.aliases.get(GUILD, other.pseudonym) is not None
    assert await services.groups.member_pseudonyms(group.id) == [other.pseudonym]
    assert await services.db.fetchval("SELECT count(*) FROM meta WHERE key = 'audit_erasure'") == 0


async def test_forget_me_twice_is_harmless(services) -> None:
    her, _, _ = await scenario(services)
    await services.data_rights.forget(GUILD, her.pseudonym)
    assert (await services.data_rights.forget(GUILD, her.pseudonym)).total == 0


async def test_retention_purges_old_rows_daily(services, clock) -> None:
    her, _, _ = await scenario(services)
    assert await services.data_rights.purge_if_due() == {}
    clock.advance(timedelta(days=731))
    fresh = await services.flags.raise_flag(GUILD, "report", her.pseudonym, her.alias)
    purged = await services.data_rights.purge_if_due()
    assert purged == {"flags": 2, "audit_log": 3}  # group_create + two acknowledgements
    assert [f.id for f in await services.flags.list(GUILD)] == [fresh.id]
    assert await services.data_rights.purge_if_due() == {}  # once a day
    assert await services.aliases.get(GUILD, her.pseudonym) is not None  # identity is not dated data


@pytest.mark.parametrize("value", ["", "nobody"])
async def test_unknown_member_has_nothing(services, value) -> None:
    await scenario(services)
    assert await services.data_rights.collect(GUILD, value or "0" * 64) == {}
