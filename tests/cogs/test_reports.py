import pytest

from tests.helpers import last_reply, make_message, make_webhook


@pytest.fixture
def cog(bot):
    return bot.get_cog("Reports")


async def relayed_message(world, alias, message_id=31337):
    group = await world.bot.services.groups.get(world.guild.id, world.group.id)
    plan = await world.bot.services.relay.prepare(group, alias, "a post")
    await world.bot.services.relay.confirm(plan, [message_id])
    webhook_author = world.member("Quiet alias")
    message = make_message(message_id, author=webhook_author, channel=world.channel, guild=world.guild)
    message.webhook_id = make_webhook().id
    return message


async def report(world, cog, reporter, message, category):
    interaction = world.interaction(reporter, world.channel)
    await cog.report_message(interaction, message)
    view = last_reply(interaction)["view"]
    select = view.children[0]
    select._values = [category]
    picked = world.interaction(reporter, world.channel)
    await select.callback(picked)
    return picked


async def test_report_alerts_moderators_and_never_names_the_reporter(world, cog) -> None:
    author = world.member("author")
    alias = await world.join(author)
    reporter = world.member("reporter")
    await world.join(reporter)
    message = await relayed_message(world, alias)
    picked = await report(world, cog, reporter, message, "unkind")
    assert "nobody will know it was you" in picked.response.edit_message.call_args.kwargs["content"]
    alert = world.notifier.mod_log[-1][1]
    assert alias.alias in alert.text and message.jump_url in alert.text and "Unkind" in alert.text
    assert [c.label for c in alert.choices] == ["Acknowledge", "Resolve"]
    rows = await world.bot.services.db.fetchall("SELECT * FROM flags")
    reporter_pseudonym = world.bot.services.aliases.pseudonym(world.guild.id, reporter.id)
    assert reporter_pseudonym not in str([tuple(r) for r in rows]) and str(reporter.id) not in str(
        [tuple(r) for r in rows])


async def test_report_of_a_moderator_message_maps_to_an_alias(world, cog) -> None:
    message = make_message(author=world.moderator, channel=world.channel, guild=world.guild, content="hi")
    await report(world, cog, world.member(), message, "other")
    moderator_alias = await world.bot.services.aliases.for_user(world.guild.id, world.moderator.id)
    assert moderator_alias.alias in world.notifier.mod_log[-1][1].text


async def test_report_of_the_bots_own_message_is_explained(world, cog) -> None:
    message = make_message(author=world.guild.me, channel=world.channel, guild=world.guild)
    picked = await report(world, cog, world.member(), message, "spam")
    assert "can't tell who wrote" in picked.response.edit_message.call_args.kwargs["content"]
    assert world.notifier.mod_log == []
