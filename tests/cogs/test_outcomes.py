"""/mytrends and /outcomes through the cog, with spec'd Discord mocks and the real services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.outcomes.charts import TREND_PANEL_HEIGHT, TREND_WIDTH, ChangePanel, outcomes_size
from tests.helpers import invoke, last_reply, make_guild, make_interaction, make_member, make_role
from tests.outcomes_data import T0, Person, add_score, make_group, png_size


@pytest.fixture
def guild():
    return make_guild()


@pytest.fixture
def cog(bot):
    return bot.get_cog("OutcomesCog")


def sent_files(interaction) -> list:
    _, kwargs = interaction.followup.send.call_args
    return list(kwargs.get("files") or ([kwargs["file"]] if kwargs.get("file") else []))


async def test_mytrends_shows_her_chart_privately(bot, cog, guild) -> None:
    member = make_member(guild=guild)
    pseudonym = bot.services.aliases.pseudonym(guild.id, member.id)
    phq9 = bot.services.outcomes.instruments["phq9"]
    await add_score(bot.services, guild.id, pseudonym, phq9, total=14, at=T0)
    await add_score(bot.services, guild.id, pseudonym, phq9, total=8, at=T0 + timedelta(weeks=3))
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.mytrends, cog, interaction)
    interaction.response.defer.assert_awaited_once_with(ephemeral=True, thinking=True)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert "Your PHQ-9 went from 14 to 8 since 3 March." in reply["content"]
    (chart,) = sent_files(interaction)
    assert chart.filename == "my-trends.png"
    assert chart.description == (
        "Line chart of your own check-in scores over time. PHQ-9 (lower is better): 2 scores, from 14 on 3 March "
        "to 8 on 24 March; coloured bands from minimal to severe; a dashed line at the "
        f"{'moderate'} cut-off (10).")
    assert png_size(chart.fp.read()) == (TREND_WIDTH, TREND_PANEL_HEIGHT)


async def test_mytrends_with_no_scores_is_kind(bot, cog, guild) -> None:
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild)
    await invoke(cog.mytrends, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"].startswith("You haven't completed any check-ins yet")
    assert reply["file"] is None


async def test_mytrends_with_one_score_has_no_chart(bot, cog, guild) -> None:
    member = make_member(guild=guild)
    pseudonym = bot.services.aliases.pseudonym(guild.id, member.id)
    await add_score(bot.services, guild.id, pseudonym, bot.services.outcomes.instruments["gad7"], total=6, at=T0)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.mytrends, cog, interaction)
    assert "Your GAD-7 so far: 6 on 3 March." in last_reply(interaction)["content"]
    assert sent_files(interaction) == []


async def test_mytrends_for_a_questionnaire_she_never_took(bot, cog, guild) -> None:
    member = make_member(guild=guild)
    pseudonym = bot.services.aliases.pseudonym(guild.id, member.id)
    await add_score(bot.services, guild.id, pseudonym, bot.services.outcomes.instruments["gad7"], total=6, at=T0)
    interaction = make_interaction(bot, member, guild=guild)
    await invoke(cog.mytrends, cog, interaction, instrument="epds")
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"] == (
        "You haven't filled in the EPDS yet, so there's no trend to show for it. You have scores for: GAD-7.")


async def test_instrument_autocomplete(bot, cog, guild) -> None:
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild)
    choices = await cog.instrument_autocomplete(interaction, "phq")
    assert [(c.name, c.value) for c in choices] == [("PHQ-2", "phq2"), ("PHQ-9", "phq9")]


async def test_outcomes_refuses_a_member_without_the_moderator_role(bot, cog, guild) -> None:
    moderators = make_role(name="Moderators")
    await bot.services.guilds.update(guild.id, moderator_role_id=moderators.id)
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild)
    await invoke(cog.outcomes, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"] == "Only moderators (members with the server's moderator role) can use this command."
    interaction.response.defer.assert_not_called()


async def test_outcomes_for_a_moderator(bot, cog, guild) -> None:
    moderators = make_role(name="Moderators")
    await bot.services.guilds.update(guild.id, moderator_role_id=moderators.id)
    services = bot.services
    people = []
    for user_id in range(9100, 9105):
        record = await services.aliases.ensure(guild.id, user_id)
        people.append(Person(user_id, record.pseudonym, record.alias))
    group_id = await make_group(services, guild.id, "Night feeds", people)
    epds = services.outcomes.instruments["epds"]
    for person in people:  # 5 members, each 14 → 9: mean change −5, all reliably improved
        await add_score(services, guild.id, person.pseudonym, epds, total=14, at=T0, group_id=group_id)
        await add_score(services, guild.id, person.pseudonym, epds, total=9, at=T0 + timedelta(weeks=4),
                        group_id=group_id)
    interaction = make_interaction(bot, make_member(guild=guild, roles=(moderators,)), guild=guild)
    await invoke(cog.outcomes, cog, interaction)
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert "**Night feeds**" in reply["content"]
    assert "EPDS: 5 members with 2+ scores, mean change -5 (lower is better); reliably improved 100%" in (
        reply["content"])
    for person in people:
        assert person.alias not in reply["content"]
    (chart,) = sent_files(interaction)
    epds_panel = ChangePanel("EPDS", "lower is better", (("Night feeds", -5.0),), 4.0, 30.0)
    assert png_size(chart.fp.read()) == outcomes_size([epds_panel], {})
    assert chart.description == ("Bar charts of each group's mean change from first to latest score, one per "
                                 "questionnaire. EPDS (lower is better, axis from −30 to +30 points): Night feeds -5; "
                                 "dashed lines at the "
                                 "reliable change of ±4.")
