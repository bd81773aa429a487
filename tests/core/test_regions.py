"""Her own crisis-resource region: chosen by pseudonym, used by the crisis pipeline, erased and exported."""

import json

import pytest

from bot.core.errors import UserError
from bot.core.my_data import my_data
from bot.core.sharing import Words
from tests.helpers import RecordingNotifier, RecordingOutlet

GUILD = 51
MOD = "m" * 64
USER = 7101
CRISIS = "I can't do this anymore, I've decided to end my life tonight"


async def crisis_dm_text(services) -> str:
    """She shares crisis words in her group through the real pipeline; the resources she was sent."""
    await services.guilds.update(GUILD, region="UK", mod_log_channel_id=5)
    group = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                          mode="anonymous", channel_id=900, role_id=901, actor=MOD)
    await services.membership.join(GUILD, USER, group.id)
    notifier = RecordingNotifier()
    outcome = await services.sharing.submit(Words(USER, CRISIS, "share", guild_id=GUILD, group_id=group.id),
                                            RecordingOutlet(notifier))
    assert outcome.screened.crisis
    return "\n".join(note.text for _, user, note in notifier.dms if user == USER)


async def test_a_member_who_chose_another_region_gets_that_regions_lines_in_a_crisis(services) -> None:
    await services.regions.choose(GUILD, services.aliases.pseudonym(GUILD, USER), "au")
    text = await crisis_dm_text(services)
    assert "call 000 now" in text and "Lifeline" in text
    assert "call 999 now" not in text


async def test_without_a_choice_the_servers_region_is_used(services) -> None:
    text = await crisis_dm_text(services)
    assert "call 999 now" in text and "Samaritans" in text


async def test_reading_her_region_stores_nothing_about_her(services) -> None:
    await services.guilds.update(GUILD, region="US")
    pseudonym = services.aliases.pseudonym(GUILD, USER)
    assert await services.regions.region_for(GUILD, pseudonym) == "US"
    assert "(the server's)" in await services.regions.describe(GUILD, pseudonym)
    assert await services.db.fetchval("SELECT count(*) FROM member_regions") == 0


@pytest.mark.parametrize(("typed", "stored"), [("IE", "IE"), ("ie", "IE"), ("australia", "AU"), (" Canada ", "CA")])
async def test_she_can_choose_by_code_or_name(services, typed, stored) -> None:
    pseudonym = services.aliases.pseudonym(GUILD, USER)
    reply = await services.regions.choose(GUILD, pseudonym, typed)
    assert await services.regions.region_for(GUILD, pseudonym) == stored
    assert "(your choice)" in reply
    assert await services.db.fetchval("SELECT pseudonym FROM member_regions") == pseudonym  # never her Discord id


async def test_server_goes_back_to_the_servers_region(services) -> None:
    await services.guilds.update(GUILD, region="UK")
    pseudonym = services.aliases.pseudonym(GUILD, USER)
    await services.regions.choose(GUILD, pseudonym, "US")
    reply = await services.regions.choose(GUILD, pseudonym, "server")
    assert await services.regions.chosen(GUILD, pseudonym) is None
    assert "United Kingdom** (the server's)" in reply


async def test_an_unknown_region_is_refused_with_the_choices(services) -> None:
    with pytest.raises(UserError, match="Australia"):
        await services.regions.choose(GUILD, services.aliases.pseudonym(GUILD, USER), "Narnia")


def test_autocomplete_lists_the_configured_regions_and_the_server_default(services) -> None:
    assert [value for _, value in services.regions.search("")] == ["UK", "IE", "US", "CA", "AU", "other", "server"]
    assert services.regions.search("aus") == [("Australia (AU)", "AU")]


async def test_her_region_is_in_mydata_and_erased_by_forget_me(services) -> None:
    record = await services.aliases.ensure(GUILD, USER)
    await services.regions.choose(GUILD, record.pseudonym, "IE")
    data = await my_data(services.data_rights, services.groups, GUILD, record.pseudonym)
    assert json.loads(data.payload)["tables"]["member_regions"][0]["region"] == "IE"
    assert "• Your crisis-resource region: IE" in data.summary
    await services.data_rights.forget(GUILD, record.pseudonym)
    assert await services.db.fetchval("SELECT count(*) FROM member_regions") == 0
