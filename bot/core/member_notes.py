"""Every message a member sees from the groups features, as a Note.

The Discord cogs and the offline sandbox both render these, so the wording lives in one place.
Text a member wrote appears only in `text_back` (handed straight back to her, never stored).
"""

from __future__ import annotations

from bot.core.aliases import AliasRecord
from bot.core.groups import Group, GroupFull
from bot.core.notify import Choice, Note

SPLIT_LIMIT = 2000


def view_choice(group: Group) -> Choice:
    return Choice(f"join:view:{group.id}", f"{group.name} ({group.free_places} free)"[:80], "primary")


def group_line(group: Group) -> str:
    places = f"{group.free_places} place{'s' if group.free_places != 1 else ''} free" if group.free_places else "full"
    return f"**{group.name}** · {group.focus} · {places}\n{group.description}"


def focus_option(focus: str | None, options: tuple[str, ...]) -> str | None:
    """The server's focus she picked, spelled as the server spells it; None if none or not one of them."""
    wanted = " ".join((focus or "").split()).casefold()
    return next((option for option in options if option.casefold() == wanted), None) if wanted else None


def join_list(groups: list[Group], focus: str | None = None, options: tuple[str, ...] = ()) -> Note:
    """The /join list. With a focus she picked (privately, optionally; never stored), the groups that
    share it come first, then the rest; the order of the buttons follows."""
    if not groups:
        return Note("There are no groups open yet. A moderator will set some up soon. 💛")
    picked = focus_option(focus, options)
    lines: list[str] = []
    if focus is not None and focus.strip() and picked is None:
        lines.append(f"The groups here are for: {', '.join(options)}. Here they all are.")
    matching = [group for group in groups if picked is not None and group.focus.casefold() == picked.casefold()]
    ordered = matching + [group for group in groups if group not in matching]
    with_room = [group for group in ordered if group.free_places > 0]
    if picked is not None:
        if any(group.free_places > 0 for group in matching):
            lines.append(f"Groups for mums living with **{picked}** come first, then the others.")
        elif matching:
            lines.append(f"The groups for **{picked}** are full just now, so they're listed with the others.")
        else:
            lines.append(f"There isn't a group for **{picked}** yet; any of these groups would welcome you.")
    if with_room:
        lines.append("**Groups you can join** (choose one below to read how it works):")
    else:
        lines.append("Every group is full at the moment, so there's nothing to join just yet. Please try again in "
                     "a few days, or ask a moderator. 💛")
    lines += [group_line(group) for group in ordered]
    # A full group is listed (so she knows it exists) but has no button: there is nothing to join.
    return Note("\n\n".join(lines), tuple(view_choice(group) for group in with_room[:25]))


def group_full(error: GroupFull) -> Note:
    """The full-group message, with a button for each group that has room."""
    return Note(error.message, tuple(view_choice(group) for group in error.alternatives[:5]))


def welcome(group: Group, alias: AliasRecord) -> Note:
    how = (
        "To post, use **/share** (or send me a DM) and I'll post it for you under your alias."
        if group.mode == "anonymous"
        else "This is an open group: you can write in the channel directly."
    )
    return Note(
        f"Welcome to **{group.name}**. 💛\nHere you are **{alias.alias}**: nobody in the group sees your name. "
        f"{how}\nYou can see your alias with /alias show, choose a new one with /alias new (right away if you "
        "don't like this one, then once a day), "
        "and leave at any time with /leave."
    )


def not_now() -> Note:
    return Note("That's fine. The groups will still be here whenever you'd like: just use /join again.")


NOTHING_TO_LEAVE = ("You're not in any group at the moment, so there's nothing to leave. Whenever you'd like to "
                    "come back, /join shows the groups. 💛")


def not_in(group: Group) -> str:
    """/leave for a group she is no longer in (already left, or never joined)."""
    return (f"You're not in **{group.name}** now, so there's nothing to leave. You're welcome back any time "
            "with /join. 💛")


def left(group: Group) -> Note:
    return Note(f"You've left **{group.name}**. Take care of yourself; you're welcome back any time.")


def alias_show(alias: AliasRecord) -> Note:
    return Note(f"In the groups you are **{alias.alias}**. Only you can see this message.")


def alias_new(alias: AliasRecord) -> Note:
    return Note(f"From now on you are **{alias.alias}**. Your earlier posts keep the alias they were shared under.")


def cooldown(seconds: int) -> str:
    return (f"Let's give the group a moment to read that. You can share again in {seconds} second"
            f"{'s' if seconds != 1 else ''}. 💛")


def shared(group: Group, number: int) -> Note:
    return Note(f"Shared in **{group.name}** as **#{number}**. You can remove it with /unshare {number}.")


def unshared(number: int) -> Note:
    return Note(f"Post #{number} has been removed.")


def not_yours(ref: str) -> str:
    """/unshare on another member's post: nothing changes, and she is told kindly why."""
    post = ref.strip()[:40]
    label = f"#{post.lstrip('#')}" if post.lstrip("#").isdigit() else "That post"
    return (f"{label} isn't one of your posts, so I've left it as it is: /unshare only removes your own. If "
            "something in it worries you, you can tell the moderators privately: long-press or right-click the "
            "post, then Apps → Report to moderators. 💛")


NO_GROUP_REASON = ("You're not in a group yet, so I can't post this anywhere. Use /join in the server to find a "
                   "group.")


def pick_group(groups: list[Group], prefix: str) -> Note:
    """Which group a DM should go to; choice ids are `prefix + group id` (a short-lived view)."""
    return Note("Which group would you like to share this in?",
                tuple(Choice(f"{prefix}{group.id}", group.name[:80], "primary") for group in groups[:5]))


def text_back(reason: str, text: str) -> list[Note]:
    """Her words back after a refusal, so nothing she wrote is lost. Split to fit Discord's message limit."""
    reason = reason.strip()
    if reason and reason[-1] not in ".!?)💛":
        reason += "."
    notes = [Note(f"{reason} Here is what you wrote, so nothing is lost:")]
    for start in range(0, len(text), SPLIT_LIMIT - 10):
        notes.append(Note(text[start:start + SPLIT_LIMIT - 10]))
    return notes


def report_thanks() -> Note:
    return Note("Thank you for telling us. The moderators have been alerted; nobody will know it was you.")


def warning(group_server: str, reason: str) -> Note:
    return Note(f"Hello from the moderators of {group_server}. 💛 We wanted to let you know privately about "
                f"something in the groups: {reason}\nWe're glad you're here; please reach out if you want to "
                "talk it through.")


def timed_out(minutes: int, reason: str) -> Note:
    return Note(f"The moderators have paused your posting for {minutes} minute{'s' if minutes != 1 else ''}: "
                f"{reason}\nYou're still welcome here afterwards. 💛")


def removed(group: Group, reason: str) -> Note:
    return Note(f"The moderators have removed you from **{group.name}**: {reason}\n"
                "It stays closed to you unless the moderators open it again. If you'd like to talk about it, you "
                "can message a moderator. The other groups are still open to you with /join, and if things feel "
                "too much, please reach out to a crisis line or your local emergency number. Take care of "
                "yourself. 💛")
