"""The weekly digest in the sandbox: config/sandbox/digest.txt shows one after `wait 7d`, and none for a
group below k."""

from pathlib import Path

from tests.sandbox.conftest import PlaySandbox

SCRIPT = Path(__file__).resolve().parents[2] / "config" / "sandbox" / "digest.txt"


async def test_a_week_of_posts_gives_a_digest_and_a_small_group_none(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(SCRIPT.read_text(encoding="utf-8"))
    assert result.code == 0, result.stderr
    waited = result.stdout.index("» wait 7d")
    night_owls = [line for line in result.stdout[waited:] if line.startswith("[#night-owls]")]
    assert night_owls == ["[#night-owls] 💛 **You're not alone**",
                          "[#night-owls] Last week 6 of you wrote about feeling behind other mums. "
                          "You are far from the only one."]
    assert not [line for line in result.stdout[waited:] if line.startswith("[#early-days]")]
    preview = [line for line in result.lines_for("[ephemeral:mod]") if "This week 6 of you" in line]
    assert len(preview) == 1


async def test_the_digest_is_off_until_the_moderator_turns_it_on(play_sandbox: PlaySandbox) -> None:
    script = "\n".join(line for line in SCRIPT.read_text(encoding="utf-8").splitlines()
                       if not line.endswith(" on"))
    result = await play_sandbox(script)
    assert result.code == 0, result.stderr
    assert not [line for line in result.stdout if "You're not alone" in line and line.startswith("[#")]
