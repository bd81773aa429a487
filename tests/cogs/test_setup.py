import discord
import pytest

from bot.client import PeerBot
from tests.helpers import invoke, last_reply, make_guild, make_interaction, make_member, make_role, make_text_channel

ADMIN = discord.Permissions(manage_guild=True)


@pytest.fixture
def guild():
    return make_guild()


@pytest.fixture
def cog(bot: PeerBot):
    return bot.get_cog("SetupCog")


async def test_admin_configures_and_it_is_stored(bot: PeerBot, cog, guild) -> None:
    admin = make_member(guild=guild, permissions=ADMIN)
    role = make_role()
    log_channel = make_text_channel(guild=guild, name="mod-log")
    interaction = make_interaction(bot, admin, guild=guild)
    await invoke(cog.configure, cog, interaction, moderator_role=role, mod_log=log_channel, region="UK",
                 timezone="Europe/Dublin")
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and "Saved" in reply["content"]
    stored = await bot.services.guilds.get(guild.id)
    assert (stored.moderator_role_id, stored.mod_log_channel_id, stored.region, stored.timezone) == (
        role.id, log_channel.id, "UK", "Europe/Dublin")

    show = make_interaction(bot, admin, guild=guild)
    await invoke(cog.show, cog, show)
    text = last_reply(show)["content"]
    assert role.mention in text and log_channel.mention in text and "United Kingdom" in text


async def test_partial_update_keeps_other_fields(bot: PeerBot, cog, guild) -> None:
    admin = make_member(guild=guild, permissions=ADMIN)
    role = make_role()
    await invoke(cog.configure, cog, make_interaction(bot, admin, guild=guild), moderator_role=role)
    await invoke(cog.configure, cog, make_interaction(bot, admin, guild=guild), region="AU")
    stored = await bot.services.guilds.get(guild.id)
    assert stored.moderator_role_id == role.id and stored.region == "AU"


async def test_non_admin_is_refused_and_nothing_changes(bot: PeerBot, cog, guild) -> None:
    member = make_member(guild=guild)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.configure, cog, interaction, region="US")
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"] == "Only members with the Manage Server permission can use /setup configure."
    assert (await bot.services.guilds.get(guild.id)).region == "other"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "Tell me at least one thing to set"),
        ({"timezone": "Mars/Base"}, "I don't know the time zone “Mars/Base”. Nothing was changed. 💛 Try your"),
        ({"timezone": "10pm"}, "I don't know the time zone “10pm”"),
        ({"moderator_role": "everyone"}, "can't be @everyone"),
        ({"mod_log": "mute"}, "I can't post in"),
    ],
)
async def test_bad_input_gets_a_kind_message_and_changes_nothing(bot: PeerBot, cog, guild, kwargs, expected) -> None:
    admin = make_member(guild=guild, permissions=ADMIN)
    if kwargs.get("moderator_role") == "everyone":
        kwargs = {"moderator_role": make_role(guild.id, "@everyone", default=True)}
    if kwargs.get("mod_log") == "mute":
        kwargs = {"mod_log": make_text_channel(guild=guild, can_send=False)}
    interaction = make_interaction(bot, admin, guild=guild)
    await invoke(cog.configure, cog, interaction, **kwargs)
    reply = last_reply(interaction)
    assert expected in reply["content"] and reply["ephemeral"] is True
    assert await bot.services.db.fetchval("SELECT count(*) FROM guild_settings") == 0


async def test_timezone_autocomplete_filters(bot: PeerBot, cog, guild) -> None:
    interaction = make_interaction(bot, make_member(guild=guild, permissions=ADMIN), guild=guild)
    choices = await cog.timezone_autocomplete(interaction, "london")
    assert [c.value for c in choices] == ["Europe/London"]
    assert (await cog.timezone_autocomplete(interaction, "new yo"))[0].name == "America/New York"
    assert (await cog.timezone_autocomplete(interaction, "mumbai"))[0].value == "Asia/Kolkata"


@pytest.mark.parametrize(("typed", "zone", "said"), [
    ("london", "Europe/London", "Time zone set to Europe/London (from “london”)."),
    ("new york", "America/New_York", "Time zone set to America/New_York (from “new york”)."),
    ("Europe/Dublin", "Europe/Dublin", "Time zone set to Europe/Dublin."),
])
async def test_a_friendly_time_zone_is_understood_and_named(bot: PeerBot, cog, guild, typed, zone, said) -> None:
    interaction = make_interaction(bot, make_member(guild=guild, permissions=ADMIN), guild=guild)
    await invoke(cog.configure, cog, interaction, timezone=typed)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True and said in reply["content"]
    assert f"Default time zone: {zone}" in reply["content"]
    assert (await bot.services.guilds.get(guild.id)).timezone == zone
