"""Every word a member sends in the sandbox goes through the core sharing pipeline: screened first."""

from tests.sandbox.conftest import PlaySandbox

CRISIS = "I can't do this anymore, I've been thinking everyone would be better off without me"
RESOURCES = "If you or your baby are in immediate danger"


async def test_a_crisis_post_inside_the_cooldown_gets_resources_an_alert_and_her_words_back(
    play_sandbox: PlaySandbox,
) -> None:
    result = await play_sandbox(f"as Cara: hi all, first time posting here\nwait 10s\nas Cara: {CRISIS}\n")
    assert result.code == 0, result.stderr
    assert any(RESOURCES in line for line in result.lines_for("[dm:Cara]"))
    assert any("Crisis language" in line for line in result.lines_for("[#mod-log]"))
    private = result.lines_for("[ephemeral:Cara]")
    assert any("share again in 10 seconds" in line and "nothing is lost" in line for line in private)
    assert any(CRISIS in line for line in private)
    assert not any("better off without me" in line for line in result.lines_for("[#night-owls]"))


async def test_someone_in_no_group_who_dms_crisis_words_gets_care(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Dee dm: I don't think I can keep myself safe tonight\nmod: /mod flags\n")
    assert result.code == 0, result.stderr
    dm = result.lines_for("[dm:Dee]")
    assert any(RESOURCES in line for line in dm) and any("not in a group yet" in line for line in dm)
    alert = "\n".join(result.lines_for("[#mod-log]"))
    assert "Crisis language" in alert and "a direct message to the bot" in alert and "Dee" not in alert


async def test_a_dm_in_two_groups_asks_which_and_gives_her_words_back_when_the_choice_times_out(
    play_sandbox: PlaySandbox,
) -> None:
    script = ("as Anna: hello night owls\nwait 1m\nas Anna #early-days: hello early days\nwait 1m\n"
              "as Anna dm: which group does this go to\nwait 11m\n")
    result = await play_sandbox(script)
    assert result.code == 0, result.stderr
    dm = result.lines_for("[dm:Anna]")
    assert any("Which group" in line for line in dm)
    assert any("timed out" in line and "nothing is lost" in line for line in dm)
    assert dm[-1] == "[dm:Anna] which group does this go to"


async def test_picking_a_group_for_a_dm_shares_it_there(play_sandbox: PlaySandbox) -> None:
    script = ("as Anna: hello night owls\nwait 1m\nas Anna #early-days: hello early days\nwait 1m\n"
              "as Anna dm: this one is for the early days group\nas Anna: press 1\n")
    result = await play_sandbox(script)
    assert result.code == 0, result.stderr
    assert any("this one is for the early days group" in line for line in result.lines_for("[#early-days]"))


async def test_an_open_group_message_and_an_edit_that_adds_crisis_words(play_sandbox: PlaySandbox) -> None:
    script = f"as Bea #open-room: long day today\nas Bea edit: long day today. {CRISIS}\n"
    result = await play_sandbox(script)
    assert result.code == 0, result.stderr
    assert result.lines_for("[#open-room]")[0] == "[#open-room] Bea: long day today"
    assert any(RESOURCES in line for line in result.lines_for("[dm:Bea]"))
    alert = "\n".join(result.lines_for("[#mod-log]"))
    assert "an edited message" in alert and "Open room" in alert


async def test_a_crisis_left_unacknowledged_for_a_day_is_a_handful_of_alerts(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Cara: {CRISIS}\nwait 24h\n")
    assert result.code == 0, result.stderr
    alerts = [line for line in result.lines_for("[#mod-log]") if "Crisis language" in line]
    assert 2 <= len(alerts) <= 16
    assert all(line.startswith("[#mod-log] @Moderators") for line in alerts)
    assert len(result.lines_for("[dm:owner]")) > 0  # escalated once, to the server owner
    assert sum("was escalated to the server owner" in line for line in result.lines_for("[#mod-log]")) == 1
