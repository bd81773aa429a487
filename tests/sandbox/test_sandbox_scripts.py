"""The offline sandbox, run in-process (the same session as `python -m bot sandbox --script`, with the real
model): checked by its transcript, as a person would read it."""

import re
from pathlib import Path

from tests.sandbox.conftest import PlaySandbox

CRISIS = "I can't do this anymore, I've been thinking everyone would be better off without me"
UPWARD = "everyone at baby group seems to cope so much better than me"
UPWARD_AGAIN = "all the other mums make it look easy and I'm so far behind them"


async def test_wait_delivers_a_due_checkin(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Anna: /consent\nas Anna: press 1\n"
                                "mod: /checkins schedule phq9 weekly 19:00\nwait 7d\n")
    assert result.code == 0, result.stderr
    assert any("PHQ-9** · 1 of 9" in line for line in result.lines_for("[dm:Anna]"))


async def test_answers_complete_a_checkin_and_trends_write_a_chart(play_sandbox: PlaySandbox, tmp_path: Path) -> None:
    answers = "".join(f"as Anna: answer {n}\n" for n in (2, 1, 1, 1, 1, 1, 1, 1, 1))
    script = ("as Anna: hi\nas Anna: /consent\nas Anna: press 1\nmod: /checkins schedule phq9 weekly 19:00\n"
              f"wait 12h\n{answers}wait 7d\n{answers}as Anna: /mytrends\n")
    result = await play_sandbox(script)
    assert result.code == 0, result.stderr
    assert any("Your PHQ-9 score is 1 out of 27" in line for line in result.lines_for("[dm:Anna]"))
    assert (tmp_path / "out" / "mytrends-anna.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_posts_appear_under_an_alias_never_the_name(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: first time posting here\n")
    assert result.code == 0, result.stderr
    group = result.lines_for("[#night-owls]")
    assert any("first time posting here" in line for line in group)
    assert not any("Anna" in line for line in group)


async def test_free_text_keeps_its_apostrophes(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: I can't sleep, it's 3am\nwait 1m\n"
                                'as Anna: /share she said "it\'s fine" but it isn\'t\n')
    assert result.code == 0, result.stderr
    group = "\n".join(result.lines_for("[#night-owls]"))
    assert "I can't sleep, it's 3am" in group
    assert "she said it's fine but it isn't" in group  # /share's words: double quotes group, apostrophes stay


async def test_report_reaches_the_moderator_log(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Bea: /report 1 unkind\nmod: /mod flags\n")
    assert result.code == 0, result.stderr
    assert any("Report from a member" in line for line in result.lines_for("[#mod-log]"))
    assert not any("Bea" in line for line in result.lines_for("[#mod-log]"))


async def test_a_line_that_cannot_be_read_stops_the_script_before_anything_runs(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("# fine\nas Anna: hello\nthis is not a line\nas Anna: never reached\n")
    assert result.code == 1
    assert result.stderr.startswith("error: line 3: expected `as NAME")
    assert result.stdout == []


async def test_a_line_that_cannot_run_stops_the_script_there(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Anna: press 4\nas Anna: never reached\n")
    assert result.code == 1
    assert "line 2: Anna has no buttons to press" in result.stderr or "line 2: Anna can press" in result.stderr
    assert any("hello" in line for line in result.lines_for("[#night-owls]"))
    assert not any("never reached" in line for line in result.stdout)


async def test_a_members_mistake_is_shown_kindly_not_a_failure(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: /unshare 99\nmod: /mod warn Nobody be kind\n")
    assert result.code == 0, result.stderr
    assert any("can't find post" in line for line in result.lines_for("[ephemeral:Anna]"))
    assert any("no member with the alias" in line for line in result.lines_for("[ephemeral:mod]"))


async def test_crisis_post_gets_private_resources_and_a_moderator_alert_never_a_public_reply(
    play_sandbox: PlaySandbox,
) -> None:
    result = await play_sandbox(f"as Cara: {CRISIS}\nmod: /mod flags\n")
    assert result.code == 0, result.stderr
    dms = "\n".join(result.lines_for("[dm:Cara]"))
    assert "116 123" in dms and "999" in dms and "moderator" in dms
    alert = "\n".join(result.lines_for("[#mod-log]"))
    assert "Crisis language" in alert and "Night owls" in alert and "by DM" in alert
    flags = "\n".join(result.lines_for("[ephemeral:mod]"))
    assert "https://discord.com/channels/" in flags  # the flag links to her relayed post
    group = result.lines_for("[#night-owls]")
    assert any("better off without me" in line for line in group)  # her post is still relayed
    assert all(line.startswith("[#night-owls] ") and ":" in line for line in group[:1])
    assert not any("116 123" in line or "moderator" in line.lower() for line in group)


async def test_crisis_with_closed_dms_is_shown_privately_in_the_server(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Cara: hi\nas Cara: /dms off\nwait 1m\nas Cara: {CRISIS}\n")
    assert result.code == 0, result.stderr
    assert not result.lines_for("[dm:Cara]")
    assert any("116 123" in line for line in result.lines_for("[ephemeral:Cara]"))


async def test_crisis_alert_is_repeated_until_acknowledged(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Cara: {CRISIS}\nwait 35m\nmod: /mod ack 1\nwait 1h\n")
    assert result.code == 0, result.stderr
    realerts = [line for line in result.lines_for("[#mod-log]") if "Re-alert" in line]
    assert len(realerts) == 2  # at 10 and 30 minutes (backing off), then none after the acknowledgement


async def test_one_nudge_then_none_within_the_rate_limit(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Anna: {UPWARD}\nwait 1m\nas Anna: {UPWARD_AGAIN}\n")
    assert result.code == 0, result.stderr
    # Each nudge is one line of text, plus an opt-out line ("-# …") unless the text names /nudges off itself.
    nudges = [line for line in result.lines_for("[dm:Anna]") if not line.startswith("[dm:Anna] -# ")]
    assert len(nudges) == 1, nudges
    assert len([line for line in result.lines_for("[#night-owls]") if "**#" in line]) == 2


async def test_nudges_off_is_respected(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Anna: hi\nas Anna: /nudges off\nwait 1m\nas Anna: {UPWARD}\n")
    assert result.code == 0, result.stderr
    assert not result.lines_for("[dm:Anna]")


# -- the new lines: a DM to the bot, another group's channel, an edit -------------------------------------


async def test_a_dm_to_the_bot_is_shown_in_her_dm_and_shared_in_her_group(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nwait 1m\nas Anna dm: thanks for this group, it's lovely\n")
    assert result.code == 0, result.stderr
    assert "[dm:Anna] Anna: thanks for this group, it's lovely" in result.lines_for("[dm:Anna]")
    assert "[#night-owls] thanks for this group, it's lovely" in result.lines_for("[#night-owls]")


async def test_crisis_in_a_dm_gets_resources_and_an_alert(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Cara: hi\nas Cara dm: {CRISIS}\n")
    assert result.code == 0, result.stderr
    assert any("116 123" in line for line in result.lines_for("[dm:Cara]"))
    assert any("Crisis language" in line for line in result.lines_for("[#mod-log]"))


async def test_a_post_in_another_groups_channel_appears_there(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna #early-days: first week home and so tired\n"
                                "as Dana #open-room: hello everyone, I'm Dana\n")
    assert result.code == 0, result.stderr
    assert any("first week home" in line for line in result.lines_for("[#early-days]"))
    assert not any("first week home" in line for line in result.lines_for("[#night-owls]"))
    assert any("hello everyone, I'm Dana" in line for line in result.lines_for("[#open-room]"))


async def test_an_edit_is_shown_where_she_wrote(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Dana #open-room: rough night\nas Dana edit: rough night, but we're ok\n")
    assert result.code == 0, result.stderr
    assert any("we're ok" in line for line in result.lines_for("[#open-room]"))


async def test_the_moderator_cannot_post_dm_or_edit(play_sandbox: PlaySandbox) -> None:
    for line in ("mod: hello", "mod dm: hello", "mod edit: hello", "mod #open-room: hello"):
        result = await play_sandbox(f"as Anna: hi\n{line}\n")
        assert result.code == 1, line
        assert "line 2: the moderator runs commands" in result.stderr


# -- @NAME in moderator commands -----------------------------------------------------------------------


async def test_at_name_in_a_moderator_command_is_her_alias(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nmod: /mod warn @anna please don't post names\n")
    assert result.code == 0, result.stderr
    assert any("please don't post names" in line for line in result.lines_for("[dm:Anna]"))
    assert not any("no member with the alias" in line for line in result.lines_for("[ephemeral:mod]"))
    assert not any("Anna" in line for line in result.lines_for("[#mod-log]"))  # the log names her alias only


async def test_at_name_follows_a_new_alias(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nmod: /mod history @Anna\nwait 25h\nas Anna: /alias new\n"
                                "mod: /mod history @Anna\n")
    assert result.code == 0, result.stderr
    first = re.match(r"\[#night-owls\] (.+?): \*\*#1\*\*", result.lines_for("[#night-owls]")[0])
    new = re.search(r"From now on you are \*\*(.+?)\*\*", "\n".join(result.lines_for("[ephemeral:Anna]")))
    assert first is not None and new is not None and first[1] != new[1]
    histories = [line for line in result.lines_for("[ephemeral:mod]") if "Case history" in line]
    assert histories == [f"[ephemeral:mod] **Case history: {first[1]}**", f"[ephemeral:mod] **Case history: {new[1]}**"]


async def test_at_name_before_she_has_an_alias_stops_the_script(play_sandbox: PlaySandbox) -> None:
    for script in ("mod: /mod history @Bea\n", "as Bea: /dms off\nmod: /mod warn @Bea be kind\n"):
        result = await play_sandbox(script)
        assert result.code == 1
        assert "Bea has no alias yet: she joins on her first post" in result.stderr


async def test_a_members_command_keeps_at_name_as_written(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Bea: /share @Anna sending hugs\n")
    assert result.code == 0, result.stderr
    assert any("@Anna sending hugs" in line for line in result.lines_for("[#night-owls]"))


async def test_with_dms_off_her_next_command_says_once_that_a_checkin_waits(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Anna: /consent\nas Anna: press 1\nas Anna: /dms off\n"
                                "mod: /checkins schedule phq9 weekly 19:00\nwait 12h\nas Bea: /consent\n"
                                "as Anna: /alias show\nas Anna: /alias show\nas Anna: /checkin now\n")
    assert result.code == 0, result.stderr
    waiting = "A check-in is waiting for you: use /checkin now"
    assert sum(waiting in line for line in result.lines_for("[ephemeral:Anna]")) == 1
    assert not any(waiting in line for line in result.stdout if not line.startswith("[ephemeral:Anna]"))
    assert any("PHQ-9** · 1 of 9" in line for line in result.lines_for("[ephemeral:Anna]")[-4:])
