"""Server set-up in the core: the time zone is read like a member's own (a city or an IANA name in any
case), the reply names what was understood, and a zone it can't read changes nothing."""

import pytest

from bot.core.errors import UserError
from bot.core.guilds import saved_text, validate_timezone

GUILD = 41


@pytest.mark.parametrize(("typed", "zone"), [
    ("london", "Europe/London"),
    ("  New York ", "America/New_York"),
    ("mumbai", "Asia/Kolkata"),
    ("europe/dublin", "Europe/Dublin"),
    ("Australia/Sydney", "Australia/Sydney"),
])
def test_the_server_time_zone_reads_cities_and_names_like_a_members(typed: str, zone: str) -> None:
    assert validate_timezone(typed) == zone


async def test_a_city_is_stored_as_its_zone_and_the_reply_names_it(services) -> None:
    config = await services.guilds.update(GUILD, timezone="london")
    assert (await services.guilds.get(GUILD)).timezone == config.timezone == "Europe/London"
    assert saved_text(config, timezone="london").startswith("Saved. Time zone set to Europe/London (from “london”).")
    assert saved_text(config, timezone="Europe/London").startswith("Saved. Time zone set to Europe/London.")
    assert saved_text(config) == "Saved."


async def test_a_zone_it_cannot_read_is_a_kind_error_and_changes_nothing(services) -> None:
    await services.guilds.update(GUILD, timezone="dublin")
    with pytest.raises(UserError) as refused:
        await services.guilds.update(GUILD, timezone="Mars/Base", region="IE")
    assert "I don't know the time zone “Mars/Base”. Nothing was changed." in refused.value.message
    assert "London" in refused.value.message  # examples of what it can read
    stored = await services.guilds.get(GUILD)
    assert (stored.timezone, stored.region) == ("Europe/Dublin", "other")
