"""A post in a group, as the framing features see it, and the hook they plug into.

The relay (anonymous groups: /share and DMs) and the open-group listener build a `Post` and hand
it to every `PostObserver` in `Services.post_observers`. The text lives only in memory: observers
must never store or log it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.core.aliases import AliasRecord
from bot.core.groups import Group
from bot.core.notify import Note, Notifier

PostSource = Literal["share", "dm", "channel"]

# Choice ids of the "reflect" note shown before a /share is relayed.
REFLECT_SHARE = "reflect:share"
REFLECT_EDIT = "reflect:edit"


@dataclass(frozen=True)
class Post:
    guild_id: int
    group: Group
    author: AliasRecord
    text: str
    jump_url: str | None
    source: PostSource


@dataclass(frozen=True)
class Observed:
    """What an observer wants done after a post: private notes for her, and a reaction (or None)."""

    notes: list[Note]
    reaction: str | None = None


class PostObserver(Protocol):
    async def before_share(self, post: Post) -> Note | None:
        """Called before a /share is relayed. A Note (with REFLECT_SHARE and REFLECT_EDIT choices)
        asks her to pause; she can always share as it is. None: relay straight away."""
        ...

    async def observe(self, post: Post, notifier: Notifier) -> list[Note]:
        """Called after a post is published (never blocks it). Returns private notes for her that
        could not be delivered by DM, for the adapter to show ephemerally when it can."""
        ...


async def observe_post(observer: PostObserver, post: Post, notifier: Notifier) -> Observed:
    """Run one observer. An observer that can also ask for a reaction on the post (the framing
    service's 💛 for common-humanity posts) does so through `observe_with_reaction`."""
    with_reaction = getattr(observer, "observe_with_reaction", None)
    if with_reaction is not None:
        outcome = await with_reaction(post, notifier)
        return Observed(list(outcome.notes), outcome.reaction)
    return Observed(await observer.observe(post, notifier))
