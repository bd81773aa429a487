"""Enforcement that holds, in the sandbox: a timed-out member's DM is screened but not relayed; a removal
keeps her out of the group until `/mod allow`."""

from tests.sandbox.conftest import PlaySandbox

CRISIS = "I can't do this anymore, I've decided to end my life tonight"
RESOURCES = "If you or your baby are in immediate danger"


async def test_a_timed_out_members_dm_is_screened_but_not_relayed_until_the_timeout_ends(
        play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(f"as Anna: hello everyone\nmod: /mod timeout @Anna 30 please take a break\n"
                                f"as Anna dm: {CRISIS}\nwait 31m\nas Anna dm: back again, thank you\n")
    assert result.code == 0, result.stderr
    group = "\n".join(result.lines_for("[#night-owls]"))
    assert "**#1**" in group and "hello everyone" in group  # before the timeout
    assert "end my life" not in group  # not relayed while timed out ...
    assert "**#2**" in group and "back again, thank you" in group  # ... and relayed again once it has ended
    to_her = "\n".join(result.lines_for("[dm:Anna]"))
    assert RESOURCES in to_her  # crisis care first
    assert "paused your posting for now (until 09:30 UTC)" in to_her and "nothing is lost" in to_her
    assert any("Crisis language" in line for line in result.lines_for("[#mod-log]"))


async def test_removed_anna_cannot_rejoin_until_the_moderator_allows_it(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(
        'as Anna: hello everyone\nmod: /mod remove @Anna "Night owls" repeated unkindness\n'
        "as Anna: /join\nas Anna: press 2\n"
        'mod: /mod allow @Anna "Night owls" we talked it through\n'
        "as Anna: /join\nas Anna: press 2\nas Anna: press 1\n")
    assert result.code == 0, result.stderr
    to_her = "\n".join(result.lines_for("[ephemeral:Anna]"))
    assert "You can't rejoin “Night owls” right now" in to_her
    assert "Welcome to **Night owls**" in to_her.split("You can't rejoin")[1]
    dms = "\n".join(result.lines_for("[dm:Anna]"))
    assert "removed you from **Night owls**" in dms and "join **Night owls** again" in dms
    assert any("allowed back into a group (group Night owls)" in line for line in result.lines_for("[ephemeral:mod]"))


async def test_allow_with_bad_input_is_told_to_the_moderator(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox('as Anna: hello\nmod: /mod allow @Anna "Night owls" no reason to\n'
                                'mod: /mod allow "Nobody Here" "Night owls" why\n')
    assert result.code == 0, result.stderr
    mod = "\n".join(result.lines_for("[ephemeral:mod]"))
    assert "isn't kept out of “Night owls”, so there's nothing to lift" in mod
    assert "There is no member with the alias “Nobody Here”" in mod
