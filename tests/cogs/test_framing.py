"""/framing (moderators) and /nudges (members) through the real command callbacks and the real model."""

from datetime import UTC, datetime, timedelta

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.client import PeerBot
from bot.discord_notifier import DiscordNotifier
from tests.helpers import invoke, last_reply


@pytest.fixture
def bot(framing_bot):
    """This module's bot runs with the framing model."""
    return framing_bot


@pytest.fixture
def cog(bot):
    return bot.get_cog("FramingCog")


@pytest.fixture
def nudges_cog(bot):
    return bot.get_cog("NudgesCog")


async def test_moderator_sets_mode_threshold_and_reaction(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.mode, cog, interaction, group="Night feeds", mode="reflect")
    reply = last_reply(interaction)
    assert reply["ephemeral"] and "**reflect**" in reply["content"]
    await invoke(cog.threshold, cog, world.interaction(world.moderator), group="night feeds", value=0.7)
    await invoke(cog.reaction, cog, world.interaction(world.moderator), group="Night feeds", setting="on")
    config = await world.bot.services.framing.group_settings(world.guild.id, world.group.id)
    assert (config.mode, config.nudge_threshold, config.react) == ("reflect", 0.7, True)


async def test_members_cannot_use_framing_commands(world, cog) -> None:
    member = world.member("fern")
    interaction = world.interaction(member)
    await invoke(cog.mode, cog, interaction, group="Night feeds", mode="off")
    assert "Only moderators" in last_reply(interaction)["content"]
    config = await world.bot.services.framing.group_settings(world.guild.id, world.group.id)
    assert config.mode == "private"


async def test_bad_threshold_and_unknown_group_get_kind_messages(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.threshold, cog, interaction, group="Night feeds", value=3.0)
    assert "between 0 and 1" in last_reply(interaction)["content"]
    interaction = world.interaction(world.moderator)
    await invoke(cog.mode, cog, interaction, group="Nowhere", mode="off")
    assert "There is no group called" in last_reply(interaction)["content"]


async def test_group_autocomplete_lists_groups(world, cog) -> None:
    choices = await cog.group_choices(world.interaction(world.moderator), "night")
    assert [c.value for c in choices] == ["Night feeds"]


async def test_stats_show_counts_and_index_without_text(world, cog) -> None:
    fern = await world.join(world.member("fern"))
    framing = world.bot.services.framing
    for text in ("Me too, you're definitely not alone, so many of us have felt exactly like this",
                 "I feel so alone, nobody understands and I've got no one to talk to"):
        await framing.after_post(world.guild.id, world.group.id, fern.pseudonym, fern.user_id,
                                 await framing.classify(text), "share", world.notifier)
    interaction = world.interaction(world.moderator)
    await invoke(cog.stats, cog, interaction, group="Night feeds")
    content = last_reply(interaction)["content"]
    assert "0.50" in content and "week of" in content
    assert "nobody understands" not in content


async def test_try_shows_label_six_scores_and_the_net(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.try_text, cog, interaction, text="I want to kill myself")
    reply = last_reply(interaction)
    assert reply["ephemeral"]
    assert "Label: **crisis**" in reply["content"] and "Safety net fired: yes" in reply["content"]
    assert "Crisis response: **urgent**" in reply["content"]
    for label in ("upward_comparison", "downward_comparison", "isolation", "common_humanity", "neutral"):
        assert label in reply["content"]
    assert await world.bot.services.db.fetchval("SELECT count(*) FROM framing_counts") == 0


async def test_try_says_when_the_crisis_is_someone_elses(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.try_text, cog, interaction,
                 text="my sister texted 'tell mum im sorry, look after the boys' and now her phone is off")
    content = last_reply(interaction)["content"]
    assert "Crisis response: **urgent**, about someone else in danger" in content
    await invoke(cog.try_text, cog, interaction, text="I want to kill myself")
    assert "about someone else" not in last_reply(interaction)["content"]


async def test_try_says_when_she_has_taken_an_overdose(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.try_text, cog, interaction, text="swallowed every last one of my sleepers 10 mins ago, sorry")
    assert "Crisis response: **urgent**, an overdose she says she has taken" in last_reply(interaction)["content"]
    await invoke(cog.try_text, cog, interaction, text="I want to kill myself")
    assert "overdose" not in last_reply(interaction)["content"]


async def test_try_shows_what_the_model_read_and_the_window_that_decided(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    update = "The twins fed well today and we had a lovely walk to the park with my mum. " * 22
    await invoke(cog.try_text, cog, interaction, text=update + "ngl i have the pills out rn")
    content = last_reply(interaction)["content"]
    assert "Chat spellings read as: ngl → not gonna lie, rn → right now" in content
    windows = world.bot.services.framing.classifier.windows(update + "ngl i have the pills out rn")
    assert len(windows) > 1
    assert f"Read in {len(windows)} windows; the crisis score is window " in content

    await invoke(cog.try_text, cog, interaction, text="We had a lovely walk today")
    content = last_reply(interaction)["content"]
    assert "Read in one go." in content and "Chat spellings" not in content


async def test_try_says_how_the_known_posts_judged_a_call_from_the_model_alone(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.try_text, cog, interaction,
                 text="last day at the mother and baby unit tomorrow, saying goodbye to the staff")
    content = last_reply(interaction)["content"]
    assert ("Nearest known posts: 2 of 20 are crises (2 by its words), so the model's crisis call was **set aside**"
            in content)
    assert "Label: **neutral**" in content and "Crisis response: none" in content

    await invoke(cog.try_text, cog, interaction, text="I have the pills out and I'm going to take them all tonight")
    content = last_reply(interaction)["content"]
    assert "so the model's crisis call stands" in content and "Label: **crisis**" in content

    await invoke(cog.try_text, cog, interaction, text="I want to kill myself")  # the net: no known posts read
    assert "Nearest known posts" not in last_reply(interaction)["content"]


async def test_try_refuses_empty_text(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.try_text, cog, interaction, text="   ")
    assert "type a sentence" in last_reply(interaction)["content"]


async def test_member_turns_nudges_off_and_on(world, nudges_cog) -> None:
    member = world.member("fern")
    alias = await world.join(member)
    framing = world.bot.services.framing
    interaction = world.interaction(member)
    await invoke(nudges_cog.nudges, nudges_cog, interaction, setting="off")
    assert "won't send you those notes" in last_reply(interaction)["content"]
    assert not await framing.nudges_enabled(world.guild.id, alias.pseudonym)
    await invoke(nudges_cog.nudges, nudges_cog, world.interaction(member), setting="on")
    assert await framing.nudges_enabled(world.guild.id, alias.pseudonym)


async def test_without_the_model_the_commands_say_so(services, clock) -> None:
    instance = PeerBot(services, AsyncIOScheduler())
    await instance.load_extension("cogs.errors")
    await instance.load_extension("cogs.framing")
    from tests.helpers import make_guild, make_interaction, make_member

    guild = make_guild()
    member = make_member(guild=guild)
    nudges = instance.get_cog("NudgesCog")
    interaction = make_interaction(instance, member, guild=guild)
    await invoke(nudges.nudges, nudges, interaction, setting="off")
    assert "framing model isn't running" in last_reply(interaction)["content"]


# -- /framing digest ------------------------------------------------------------------------------------


async def test_digest_on_arms_a_weekly_job_and_off_removes_it(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.digest, cog, interaction, group="Night feeds", setting="on")
    reply = last_reply(interaction)
    assert reply["ephemeral"] and "The digest is on" in reply["content"]
    job = world.bot.scheduler.get_job(f"framing:digest:{world.group.id}")
    assert job is not None and "day_of_week='mon'" in str(job.trigger)
    await world.bot.unload_extension("cogs.framing")
    assert world.bot.scheduler.get_job(f"framing:digest:{world.group.id}") is None
    await world.bot.load_extension("cogs.framing")  # re-armed from the database
    cog = world.bot.get_cog("FramingCog")
    assert world.bot.scheduler.get_job(f"framing:digest:{world.group.id}") is not None
    await invoke(cog.digest, cog, world.interaction(world.moderator), group="Night feeds", setting="off")
    assert world.bot.scheduler.get_job(f"framing:digest:{world.group.id}") is None
    assert not await world.bot.services.digests.enabled(world.guild.id, world.group.id)


async def test_the_digest_job_runs_at_nine_on_monday_in_the_servers_time_zone_and_follows_setup(world, cog) -> None:
    await invoke(cog.digest, cog, world.interaction(world.moderator), group="Night feeds", setting="on")
    now = world.bot.services.clock.now()  # Monday 2 March 2026 09:00 UTC

    def next_fire() -> datetime:
        job = world.bot.scheduler.get_job(f"framing:digest:{world.group.id}")
        return job.trigger.get_next_fire_time(None, now + timedelta(days=1)).astimezone(UTC)

    assert next_fire() == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # London, in winter
    setup = world.bot.get_cog("SetupCog")
    admin = world.member("admin")
    admin.guild_permissions = discord.Permissions(manage_guild=True)
    interaction = world.interaction(admin)
    await invoke(setup.configure, setup, interaction, timezone="new york")
    assert "Time zone set to America/New_York" in last_reply(interaction)["content"]
    assert next_fire() == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 in New York (summer time from 8 March)
    await world.bot.unload_extension("cogs.framing")
    await world.bot.load_extension("cogs.framing")  # re-armed from the database, in the server's zone
    assert next_fire() == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


async def test_members_cannot_switch_or_preview_the_digest(world, cog) -> None:
    interaction = world.interaction(world.member("fern"))
    await invoke(cog.digest, cog, interaction, group="Night feeds", setting="on")
    assert "Only moderators" in last_reply(interaction)["content"]
    assert not await world.bot.services.digests.enabled(world.guild.id, world.group.id)


async def test_the_digest_is_posted_in_the_groups_channel_mentioning_nobody(world, cog) -> None:
    services = world.bot.services
    writers = [world.member(f"mum{i}") for i in range(5)]
    for member in writers:
        alias = await world.join(member)
        await services.digests.record(world.guild.id, world.group.id, alias.pseudonym, "isolation")
    await invoke(cog.digest, cog, world.interaction(world.moderator), group="Night feeds", setting="on")
    services.clock.advance(timedelta(days=7))
    assert await services.digests.run_due(DiscordNotifier(world.bot)) == 1
    [call] = world.channel.send.await_args_list
    assert "5 of you wrote about feeling alone with it" in call.args[0]
    mentions = call.kwargs["allowed_mentions"]
    assert not mentions.everyone and not mentions.users and not mentions.roles
