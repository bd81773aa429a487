"""/help and /resources in the sandbox: the same core text as the Discord cogs, from the sandbox's own commands."""

from tests.sandbox.conftest import PlaySandbox


async def test_help_shows_members_their_commands_and_the_moderator_hers_too(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: /help\nmod: /help\n")
    assert result.code == 0, result.stderr
    to_her = "\n".join(result.lines_for("[ephemeral:Anna]"))
    assert "What I can do for you" in to_her
    assert "**/join**: See the peer-support groups and join one" in to_her
    assert "**/resources**:" in to_her and "**/help**" not in to_her
    assert "For moderators" not in to_her and "/mod warn" not in to_her
    to_mod = "\n".join(result.lines_for("[ephemeral:mod]"))
    assert "**/join**:" in to_mod  # the members' part too
    assert "For moderators" in to_mod and "**/mod warn**: Send a member a kind, private warning" in to_mod
    assert "**/checkin**: Your own check-in questionnaires" in to_her
    assert not [line for line in (to_her + "\n" + to_mod).splitlines() if line.rstrip().endswith("**:")]


async def test_resources_shows_the_servers_region_until_she_chooses_her_own(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: /resources show\nas Anna: /resources region IE\n"
                                "as Anna: /resources region Atlantis\nas Anna: /resources region server\n")
    assert result.code == 0, result.stderr
    to_her = "\n".join(result.lines_for("[ephemeral:Anna]"))
    shows = to_her.split("Your crisis-resource region:")
    assert "(the server's)" in shows[1]
    assert "(your choice)" in shows[2]
    assert "I don't know the region “Atlantis”" in to_her
    assert "(the server's)" in shows[3]


async def test_resources_without_a_subcommand_is_a_script_error(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: /resources\n")
    assert result.code == 1
    assert "usage: /resources show" in result.stderr
