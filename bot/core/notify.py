"""What the core says to people, without knowing how it gets there.

Services return or send `Note`s: text plus optional choices (buttons). The Discord adapter turns a
Note into a message with a persistent view; the offline sandbox prints it as numbered choices.
Because both render the same Note, the sandbox shows exactly the text members see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Style = Literal["primary", "secondary", "success", "danger"]


@dataclass(frozen=True)
class Choice:
    """A button. `id` is the stable custom id the adapter routes back to a service."""

    id: str
    label: str
    style: Style = "secondary"


@dataclass(frozen=True)
class Note:
    text: str
    choices: tuple[Choice, ...] = field(default=())


class Notifier(Protocol):
    """Delivery of Notes outside the current interaction."""

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        """Send a direct message; False when her DMs are closed or she left the server."""
        ...

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        """Post in the server's moderator log channel; False when none is set or it is unreachable."""
        ...

    async def send_group(self, guild_id: int, channel_id: int, note: Note) -> bool:
        """Post in a group's channel as the bot, mentioning nobody; False when it is unreachable."""
        ...

    async def send_alert(self, guild_id: int, note: Note, *, mention: bool) -> int | None:
        """Post a flag's alert in the moderator log, mentioning the moderator role (and nobody else)
        when `mention`; the message's id, or None when the log is missing or unreachable."""
        ...

    async def edit_alert(self, guild_id: int, message_id: int, note: Note) -> bool:
        """Replace an alert's text (its status changed); False when it can't be edited."""
        ...

    async def escalate(self, guild_id: int, note: Note) -> str | None:
        """Send an escalated alert to the server's safeguarding lead (the role or channel set in
        /setup, else the server owner by DM). Says who got it ("the safeguarding lead role in
        #safety"), or None when nobody could be reached."""
        ...
