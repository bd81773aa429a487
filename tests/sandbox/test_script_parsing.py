from datetime import timedelta

import pytest

from bot.sandbox.script import SandboxError, parse_line, split_arguments


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("as Anna: hello there", ("Anna", "post", "", (), "hello there", None)),
        ("as Anna: /join", ("Anna", "command", "join", (), "", None)),
        ('mod: /mod warn "Quiet Fern" be kind', ("mod", "command", "mod", ("warn", "Quiet Fern", "be", "kind"), "",
                                                 None)),
        ("as Bea:   answer 3", ("Bea", "answer", "", (), "", None)),
        # Free text is taken exactly as written: apostrophes, quotes, colons, #, @, a leading "answer".
        ("as Anna: I can't sleep, it's 3am", ("Anna", "post", "", (), "I can't sleep, it's 3am", None)),
        ('as Anna: she said "fine": it wasn\'t', ("Anna", "post", "", (), 'she said "fine": it wasn\'t', None)),
        ("as Anna: #1 was me, @Bea", ("Anna", "post", "", (), "#1 was me, @Bea", None)),
        # Another group's channel, a DM to the bot, an edit of her last message.
        ("as Anna #open-room: hi all", ("Anna", "post", "", (), "hi all", "open-room")),
        ("as Anna #early_days2:it's me", ("Anna", "post", "", (), "it's me", "early_days2")),
        ("as Anna #open-room: answer 2", ("Anna", "post", "", (), "answer 2", "open-room")),
        ("as Anna dm: I can't sleep, it's 3am", ("Anna", "dm", "", (), "I can't sleep, it's 3am", None)),
        ("AS Anna DM :  hello  ", ("Anna", "dm", "", (), "hello", None)),
        ("as Anna edit: it's better now", ("Anna", "edit", "", (), "it's better now", None)),
        ("as Anna Edit: press 1", ("Anna", "edit", "", (), "press 1", None)),
        ("as dm: hello", ("dm", "post", "", (), "hello", None)),  # a member called "dm"
        ("as edit dm: hello", ("edit", "dm", "", (), "hello", None)),
        # Commands: an apostrophe is text; double quotes group words; # and \ are literal.
        ("mod: /mod warn @Anna please don't post names",
         ("mod", "command", "mod", ("warn", "@Anna", "please", "don't", "post", "names"), "", None)),
        ("as Anna: /share #14 it's ok, I'm here",
         ("Anna", "command", "share", ("#14", "it's", "ok,", "I'm", "here"), "", None)),
        ('mod: /mod warn "Quiet Fern" please don\'t, it\'s "really" kind',
         ("mod", "command", "mod", ("warn", "Quiet Fern", "please", "don't,", "it's", "really", "kind"), "", None)),
        ("mod: /mod remove 'Quiet Fern' rude",
         ("mod", "command", "mod", ("remove", "'Quiet", "Fern'", "rude"), "", None)),
        ("as Anna: /share C:\\baby\\notes", ("Anna", "command", "share", ("C:\\baby\\notes",), "", None)),
        ("as Anna: /SHARE  hi", ("Anna", "command", "share", ("hi",), "", None)),
    ],
)
def test_lines_are_read(line, expected) -> None:
    action = parse_line(line)
    assert (action.person, action.kind, action.command, action.args, action.text, action.channel) == expected


@pytest.mark.parametrize(("line", "delta"), [("wait 30m", timedelta(minutes=30)), ("wait 7d", timedelta(days=7)),
                                             ("WAIT 2h", timedelta(hours=2)), ("wait 1w", timedelta(weeks=1))])
def test_wait_durations(line, delta) -> None:
    assert parse_line(line).delta == delta


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "#open-room: not a line, a comment"])
def test_blank_and_comments_do_nothing(line) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello", "expected `as NAME"),
        ("wait forever", "wait needs a duration"),
        ("wait 500d", "at most 400 days"),
        ("as Anna:", "nothing to do"),
        ("as Anna dm:", "nothing to do"),
        ("as Anna #open-room:   ", "nothing to do"),
        ("as mod: hi", "“mod” is the moderator"),
        ("as mod dm: hi", "“mod” is the moderator"),
        ("mod: hello", "the moderator runs commands"),
        ("mod dm: hello", "the moderator runs commands"),
        ("mod edit: hello", "the moderator runs commands"),
        ("mod #open-room: hello", "the moderator runs commands"),
        ("as Anna #: hello", "expected `as NAME"),
        ("as Anna #open room: hello", "expected `as NAME"),
        ("as Anna whisper: hello", "expected `as NAME"),
        ("as Anna dm edit: hello", "expected `as NAME"),
        ("as Anna dm: /join", r"commands are run with `as Anna: /COMMAND`, not `as Anna dm: …`"),
        ("as Anna #open-room: /share hi", r"not `as Anna #open-room: …`"),
        ('as Anna: /share "unclosed', "could not read the command"),
        ("as Anna: /", "a command name is needed"),
    ],
)
def test_unreadable_lines_are_explained(line, message) -> None:
    with pytest.raises(SandboxError, match=message):
        parse_line(line)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a b  c", ["a", "b", "c"]),
        ('"Quiet Fern" be kind', ["Quiet Fern", "be", "kind"]),
        ('x"y z"w', ["xy zw"]),
        ('""', [""]),
        ("it's a \"long\" night, isn't it", ["it's", "a", "long", "night,", "isn't", "it"]),
        ("‘curly’ don’t", ["‘curly’", "don’t"]),
    ],
)
def test_command_arguments(text, words) -> None:
    assert split_arguments(text) == words
