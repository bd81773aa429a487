"""/resources show and /resources region through the cog: ephemeral, keyed by her pseudonym."""

from tests.helpers import invoke, last_reply, make_guild, make_interaction, make_member


async def test_she_chooses_her_region_and_sees_its_lines(bot) -> None:
    guild = make_guild()
    member = make_member(guild=guild)
    await bot.services.guilds.update(guild.id, region="UK")
    cog = bot.get_cog("Resources")

    chose = make_interaction(bot, member, guild=guild)
    await invoke(cog.region, cog, chose, region="IE")
    reply = last_reply(chose)
    assert reply["ephemeral"] is True
    assert "**Ireland** (your choice)" in reply["content"] and "112 or 999" in reply["content"]

    shown = make_interaction(bot, member, guild=guild)
    await invoke(cog.show, cog, shown)
    assert "**Ireland** (your choice)" in last_reply(shown)["content"]
    pseudonym = bot.services.aliases.pseudonym(guild.id, member.id)
    assert await bot.services.regions.chosen(guild.id, pseudonym) == "IE"


async def test_an_unknown_region_gets_a_kind_explanation(bot) -> None:
    guild = make_guild()
    member = make_member(guild=guild)
    cog = bot.get_cog("Resources")
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.region, cog, interaction, region="Narnia")  # the error cog answers her
    assert "I don't know the region “Narnia”" in last_reply(interaction)["content"]


async def test_region_autocomplete_offers_the_configured_regions(bot) -> None:
    guild = make_guild()
    cog = bot.get_cog("Resources")
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild)
    choices = await cog.region_choices(interaction, "ire")
    assert [(c.name, c.value) for c in choices] == [("Ireland (IE)", "IE")]
