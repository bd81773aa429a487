"""/help text: sections by audience, plain wording, split between lines under Discord's limit."""

from __future__ import annotations

from bot.core.help import CommandInfo, help_notes, help_text

COMMANDS = [
    CommandInfo("join", "See the peer-support groups and join one"),
    CommandInfo("alias new", "Choose a new alias (once a day)"),
    CommandInfo("help", "What I can do for you"),
    CommandInfo("mod warn", "Send a member a kind, private warning", "moderator"),
    CommandInfo("setup show", "Show how the bot is set up in this server", "admin"),
    CommandInfo("Report to moderators", "", menu=True),
]


def test_members_view_lists_only_members_commands_alphabetically() -> None:
    text = help_text(COMMANDS, moderator=False)
    assert "**/alias new**: Choose a new alias (once a day)\n**/join**: See the peer-support groups and join one\n" \
           "**Report to moderators** (long-press or right-click a message, then Apps)" in text
    assert "/mod warn" not in text and "/setup show" not in text and "**/help**" not in text


def test_moderators_view_adds_two_sections_after_the_members_part() -> None:
    text = help_text(COMMANDS, moderator=True)
    assert text.index("**/join**") < text.index("**For moderators**") < text.index("**/mod warn**") < text.index(
        "**For server admins** (needs Manage Server)") < text.index("**/setup show**")


def test_long_help_is_split_between_lines_under_the_limit() -> None:
    many = [CommandInfo(f"command-{i:02d}", "does something kind and useful " * 3) for i in range(60)]
    notes = help_notes(many, moderator=False, limit=500)
    assert len(notes) > 1
    assert all(len(note.text) <= 500 for note in notes)
    joined = "\n".join(note.text for note in notes)
    assert all(f"**/command-{i:02d}**" in joined for i in range(60))
    assert all(not note.text.startswith("\n") for note in notes)
