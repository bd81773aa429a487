import random
from datetime import timedelta

import pytest

from bot.core.aliases import AliasService, load_alias_words
from bot.core.errors import NotFound, UserError

GUILD = 42


async def test_alias_is_created_once_from_the_word_list(services) -> None:
    first = await services.aliases.ensure(GUILD, 1001)
    again = await services.aliases.ensure(GUILD, 1001)
    adjectives, nouns = load_alias_words()
    assert first == again
    adjective, noun = first.alias.split(" ", 1)
    assert adjective in adjectives and noun in nouns
    assert first.pseudonym == services.pseudonymizer.pseudonym(GUILD, 1001)


async def test_aliases_are_unique_in_a_server(services) -> None:
    aliases = {(await services.aliases.ensure(GUILD, 2000 + i)).alias for i in range(60)}
    assert len(aliases) == 60


async def test_alias_never_uses_the_account_name(services) -> None:
    # The service is never given a name: only ids go in, so an account name cannot leak into an alias.
    record = await services.aliases.ensure(GUILD, 3001)
    assert str(3001) not in record.alias


async def test_lookup_is_case_insensitive_and_unknown_is_kind(services) -> None:
    record = await services.aliases.ensure(GUILD, 4001)
    assert (await services.aliases.by_alias(GUILD, record.alias.upper())).pseudonym == record.pseudonym
    with pytest.raises(NotFound, match="no member with the alias “Nobody Here”"):
        await services.aliases.by_alias(GUILD, "Nobody Here")
    with pytest.raises(NotFound):
        await services.aliases.by_alias(GUILD + 1, record.alias)


async def test_first_alias_can_be_changed_on_day_one_then_once_a_day(services, clock) -> None:
    first = await services.aliases.ensure(GUILD, 5001)
    assert first.never_changed
    second = await services.aliases.reroll(GUILD, 5001)  # the same moment she got it: allowed once
    assert second.alias != first.alias and second.pseudonym == first.pseudonym
    assert not second.never_changed
    with pytest.raises(UserError, match="once a day"):
        await services.aliases.reroll(GUILD, 5001)
    clock.advance(timedelta(hours=23))
    with pytest.raises(UserError, match="again in about 1 hour"):
        await services.aliases.reroll(GUILD, 5001)
    clock.advance(timedelta(hours=1, seconds=1))  # the first change is dated a second after her alias was made
    third = await services.aliases.reroll(GUILD, 5001)
    assert third.alias not in (first.alias, second.alias)
    with pytest.raises(UserError, match="once a day"):
        await services.aliases.reroll(GUILD, 5001)


async def test_two_first_changes_at_once_give_one_new_alias(services) -> None:
    import asyncio

    await services.aliases.ensure(GUILD, 5002)
    results = await asyncio.gather(services.aliases.reroll(GUILD, 5002), services.aliases.reroll(GUILD, 5002),
                                   return_exceptions=True)
    assert sum(isinstance(r, UserError) for r in results) == 1
    assert any(getattr(r, "alias", None) for r in results)


async def test_reroll_without_alias_is_explained(services) -> None:
    with pytest.raises(UserError, match="/join"):
        await services.aliases.reroll(GUILD, 6001)


async def test_crowded_word_list_still_gives_unique_aliases(services, clock) -> None:
    tiny = AliasService(services.db, clock, services.pseudonymizer, 24, rng=random.Random(1))
    tiny._adjectives, tiny._nouns = ("Quiet",), ("Fern",)
    names = {(await tiny.ensure(GUILD, 7000 + i)).alias for i in range(3)}
    assert len(names) == 3 and "Quiet Fern" in names
