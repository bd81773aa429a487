"""A whole scenario through the cogs (join, share, DM, report, moderate, reveal), then a scan of every table
and of the log file: no post text anywhere, and no Discord user id outside the `aliases` table."""

import logging
from datetime import timedelta

from bot.logging_setup import _CLAMPED, setup_logging
from tests.helpers import click, invoke, last_reply, make_dm_channel, make_message, make_webhook, replies

SHARED = "I cried in the car park again today"
BY_DM = "Nobody at home knows how bad the nights are"
CRISIS_DM = "honestly I want to end my life, the tablets are in the drawer"
REPLY = "Sending you so much warmth, you are not alone"


async def test_no_text_and_no_user_id_outside_aliases(world, tmp_path) -> None:
    log_path = tmp_path / "scenario.log"
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in _CLAMPED}
    setup_logging("DEBUG", log_path)  # the bot's own logging set-up, at its most talkative
    try:
        await run_scenario(world)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)

    bot = world.bot
    user_ids = {str(member_id) for member_id in world.members}
    texts = (SHARED, BY_DM, REPLY, CRISIS_DM, "car park", "warmth", "tablets are in")
    tables = [row[0] for row in await bot.services.db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    assert {"relayed_posts", "relayed_messages", "reveal_requests", "flags", "audit_log"} <= set(tables)
    checked_rows = 0
    for table in tables:
        for row in await bot.services.db.fetchall(f"SELECT * FROM {table}"):  # names come from sqlite_master
            checked_rows += 1
            cells = [str(value) for value in tuple(row)]
            for text in texts:
                assert not any(text in cell for cell in cells), f"post text found in {table}"
            if table != "aliases":
                for user_id in user_ids:
                    assert not any(user_id in cell for cell in cells), f"a Discord user id found in {table}"
    assert checked_rows > 10
    assert await bot.services.db.fetchval("SELECT count(*) FROM relayed_posts") >= 3
    log_text = log_path.read_text(encoding="utf-8")
    assert "Crisis language in a dm entry" in log_text  # the log really was written during the scenario
    for text in texts:
        assert text not in log_text
    for user_id in user_ids:
        assert user_id not in log_text


async def run_scenario(world) -> None:
    bot = world.bot
    hook = make_webhook()
    world.channel.create_webhook.side_effect = None
    world.channel.create_webhook.return_value = hook
    sharing = bot.get_cog("Sharing")
    reports, moderation = bot.get_cog("Reports"), bot.get_cog("ModerationCog")
    ana, bea = world.member("ana"), world.member("bea")

    for member in (ana, bea):
        await click(bot, world.interaction(member), f"join:accept:{world.group.id}")
    alias_ana = await bot.services.aliases.for_user(world.guild.id, ana.id)

    for member, text, reply_to in ((ana, SHARED, None), (bea, REPLY, 1)):
        opening = world.interaction(member, world.channel)
        await invoke(sharing.share, sharing, opening, reply_to=reply_to)
        modal = opening.response.send_modal.call_args.args[0]
        modal.text._value = text
        submitted = world.interaction(member, world.channel)
        await modal.on_submit(submitted)
        assert any("Shared in" in reply["content"] for reply in replies(submitted))
        world.bot.services.clock.advance(timedelta(minutes=1))

    dm = make_dm_channel(ana)
    await sharing.on_message(make_message(author=ana, channel=dm, content=BY_DM))
    assert "Shared in" in dm.send.call_args.args[0]
    world.bot.services.clock.advance(timedelta(minutes=1))
    await sharing.on_message(make_message(author=ana, channel=dm, content=CRISIS_DM))
    assert any("Crisis language" in note.text for _, note in world.notifier.mod_log)

    post = await bot.services.relay.find(world.guild.id, "#1")
    message_id = (await bot.services.relay.message_ids(post.id))[0]
    reported = make_message(message_id, author=world.member("webhook"), channel=world.channel, guild=world.guild)
    reported.webhook_id = hook.id
    asked = world.interaction(bea, world.channel)
    await reports.report_message(asked, reported)
    select = last_reply(asked)["view"].children[0]
    select._values = ["identifying"]
    await select.callback(world.interaction(bea, world.channel))
    flag = (await bot.services.flags.list(world.guild.id))[0]

    mod = world.moderator
    second = world.member("second mod", roles=(world.mod_role,))
    for command, kwargs in [
        (moderation.ack, {"flag": flag.id}),
        (moderation.warn, {"alias": alias_ana.alias, "reason": "please keep names out"}),
        (moderation.timeout, {"alias": alias_ana.alias, "minutes": 10, "reason": "a short pause"}),
        (moderation.delete, {"post": "#1", "reason": "identifying details"}),
        (moderation.resolve, {"flag": flag.id, "reason": "post removed"}),
        (moderation.reveal, {"alias": alias_ana.alias, "reason": "safety worry"}),
    ]:
        interaction = world.interaction(mod, world.channel)
        await invoke(command, moderation, interaction, **kwargs)
        assert "went wrong" not in last_reply(interaction)["content"]
    await click(bot, world.interaction(second), world.notifier.mod_log[-1][1].choices[0].id)
    await invoke(moderation.remove, moderation, world.interaction(mod), alias=alias_ana.alias, group="Night feeds",
                 reason="moving her to a better-fitting group")
