import json

from bot.core.data_rights import rows_mentioning
from tests.helpers import last_reply, make_guild, make_interaction, make_member


async def test_mydata_sends_her_file_ephemerally(bot) -> None:
    guild = make_guild()
    member = make_member(guild=guild)
    record = await bot.services.aliases.ensure(guild.id, member.id)
    cog = bot.get_cog("DataRightsCog")
    interaction = make_interaction(bot, member, guild=guild)
    await cog.mydata.callback(cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    payload = json.loads(reply["file"].fp.read())
    assert payload["tables"]["aliases"][0]["alias"] == record.alias


async def test_forget_me_asks_first_then_erases(bot) -> None:
    guild = make_guild()
    member = make_member(guild=guild)
    record = await bot.services.aliases.ensure(guild.id, member.id)
    cog = bot.get_cog("DataRightsCog")

    ask = make_interaction(bot, member, guild=guild)
    await cog.forget_me.callback(cog, ask)
    reply = last_reply(ask)
    assert "can't be undone" in reply["content"]
    assert [item.custom_id for item in reply["view"].children] == ["forget:confirm", "forget:cancel"]
    assert await bot.services.aliases.get(guild.id, record.pseudonym) is not None  # nothing erased yet

    cancel = make_interaction(bot, member, guild=guild)
    await bot.choice_handlers["forget"](cancel, "cancel")
    assert "Nothing was erased" in last_reply(cancel)["content"]
    assert await bot.services.aliases.get(guild.id, record.pseudonym) is not None

    confirm = make_interaction(bot, member, guild=guild)
    await bot.choice_handlers["forget"](confirm, "confirm")
    assert "has been erased" in last_reply(confirm)["content"]
    assert await rows_mentioning(bot.services.db, record.pseudonym) == []
    assert await rows_mentioning(bot.services.db, member.id) == []


async def test_mydata_summarises_only_her_data_in_plain_words_with_the_file(bot) -> None:
    guild = make_guild()
    her, other = make_member(guild=guild), make_member(guild=guild)
    services = bot.services
    mine = await services.aliases.ensure(guild.id, her.id)
    theirs = await services.aliases.ensure(guild.id, other.id)
    focus = services.groups.focus_options[0]
    group = await services.groups.create(guild.id, "Night Feeds", "Late-night company", focus, actor="mod")
    await services.groups.join(guild.id, group.id, mine.pseudonym)
    await services.groups.join(guild.id, group.id, theirs.pseudonym)
    await services.consent.set(guild.id, mine.pseudonym, "checkins", True)
    await services.consent.set(guild.id, theirs.pseudonym, "research", True)
    cog = bot.get_cog("DataRightsCog")
    interaction = make_interaction(bot, her, guild=guild)

    await cog.mydata.callback(cog, interaction)

    reply = last_reply(interaction)
    text = reply["content"]
    assert reply["ephemeral"] is True
    assert f"• Your alias: {mine.alias} (since " in text
    assert "• Your groups: Night Feeds (joined " in text
    assert "• Check-ins: none sent to you or answered yet." in text
    assert ("• Your consent choices: check-ins yes, anonymous research not answered yet (1 choice recorded)."
            in text)
    assert "• Posts shared through the bot: 0" in text
    assert "/forget-me" in text
    assert theirs.alias not in text and str(other.id) not in text and theirs.pseudonym not in text
    payload = json.loads(reply["file"].fp.read())
    assert reply["file"].filename == "my-peer-support-data.json"
    assert payload["tables"]["aliases"][0]["alias"] == mine.alias
