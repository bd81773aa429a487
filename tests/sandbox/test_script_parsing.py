from datetime import timedelta

import pytest

from bot.sandbox.script import SandboxError, parse_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("as Anna: hello there", ("Anna", "post", "", (), "hello there")),
        ("as Anna: /join", ("Anna", "command", "join", (), "")),
        ('mod: /mod warn "Quiet Fern" be kind', ("mod", "command", "mod", ("warn", "Quiet Fern", "be", "kind"), "")),
        ("as Bea:   answer 3", ("Bea", "answer", "", (), "")),
    ],
)
def test_lines_are_read(line, expected) -> None:
    action = parse_line(line)
    assert (action.person, action.kind, action.command, action.args, action.text) == expected


@pytest.mark.parametrize(("line", "delta"), [("wait 30m", timedelta(minutes=30)), ("wait 7d", timedelta(days=7)),
                                             ("WAIT 2h", timedelta(hours=2)), ("wait 1w", timedelta(weeks=1))])
def test_wait_durations(line, delta) -> None:
    assert parse_line(line).delta == delta


@pytest.mark.parametrize("line", ["", "   ", "# a comment"])
def test_blank_and_comments_do_nothing(line) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello", "expected `as NAME"),
        ("wait forever", "wait needs a duration"),
        ("wait 500d", "at most 400 days"),
        ("as Anna:", "nothing to do"),
        ("as mod: hi", "“mod” is the moderator"),
        ("mod: hello", "the moderator runs commands"),
        ('as Anna: /share "unclosed', "could not read the command"),
    ],
)
def test_unreadable_lines_are_explained(line, message) -> None:
    with pytest.raises(SandboxError, match=message):
        parse_line(line)
