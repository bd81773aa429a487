"""/setup in the sandbox: the server's time zone is read like in Discord (a city or an IANA name), the reply
names what was understood, and an unknown zone is refused kindly without changing anything."""

from tests.sandbox.conftest import PlaySandbox


async def test_setup_reads_a_city_as_the_servers_time_zone(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox('mod: /setup configure timezone="new york"\nmod: /setup configure timezone=Atlantis\n'
                                "mod: /setup show\n")
    assert result.code == 0, result.stderr
    to_mod = result.lines_for("[ephemeral:mod]")
    assert any("Saved. Time zone set to America/New_York (from “new york”)." in line for line in to_mod)
    assert any("I don't know the time zone “Atlantis”. Nothing was changed." in line for line in to_mod)
    assert to_mod[-1] == "[ephemeral:mod] Default time zone: America/New_York"


async def test_setup_without_a_field_is_a_script_error(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("mod: /setup configure\n")
    assert result.code == 1
    assert "use /setup configure" in result.stderr
