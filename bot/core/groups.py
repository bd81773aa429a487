"""Peer groups: creating, editing, archiving, joining and leaving.

A group is a private channel and role on Discord; here it is a row with a name, a description,
a lived-experience focus, a size limit and a mode (`anonymous`: members post through the bot
under their alias; `open`: members post directly). Membership is stored by pseudonym.
"""

from __future__ import annotations

from typing import Literal

from bot.clock import Clock
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import NotFound, UserError
from bot.store import Database, Tx
from bot.store.groups_repo import Group, GroupsRepository

__all__ = ["Group", "GroupFull", "GroupMode", "GroupService"]

GroupMode = Literal["anonymous", "open"]
MAX_NAME_CHARS = 60
MAX_DESCRIPTION_CHARS = 300


class GroupFull(UserError):
    """The group has no free place; `alternatives` are open groups with room."""

    def __init__(self, group: Group, alternatives: list[Group]) -> None:
        others = ", ".join(f"{g.name} ({g.free_places} free)" for g in alternatives)
        message = f"“{group.name}” is full at the moment ({group.size_limit} members: small groups work best)."
        if others:
            message += f" Groups with room: {others}."
        else:
            message += " No other group has room right now; please ask a moderator."
        super().__init__(message)
        self.alternatives = alternatives


class GroupService:
    def __init__(
        self, db: Database, clock: Clock, audit: AuditLog, focus_options: tuple[str, ...], default_size: int,
        max_size: int,
    ) -> None:
        self._db = db
        self._repo = GroupsRepository(db)
        self._clock = clock
        self._audit = audit
        self.focus_options = focus_options
        self.default_size = default_size
        self.max_size = max_size

    # -- validation -------------------------------------------------------------------------------

    def _clean_name(self, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise UserError("Please give the group a name.")
        if len(name) > MAX_NAME_CHARS:
            raise UserError(f"Please keep the group name under {MAX_NAME_CHARS} characters.")
        return name

    def _clean_description(self, description: str) -> str:
        description = " ".join(description.split())
        if not description:
            raise UserError("Please add a short description so members know what the group is for.")
        if len(description) > MAX_DESCRIPTION_CHARS:
            raise UserError(f"Please keep the description under {MAX_DESCRIPTION_CHARS} characters.")
        return description

    def _clean_focus(self, focus: str) -> str:
        for option in self.focus_options:
            if option.casefold() == focus.strip().casefold():
                return option
        raise UserError(f"The focus must be one of: {', '.join(self.focus_options)}.")

    def _clean_size(self, size: int) -> int:
        if not 2 <= size <= self.max_size:
            raise UserError(f"The size limit must be between 2 and {self.max_size}.")
        return size

    async def check_new(self, guild_id: int, name: str, description: str, focus: str, size_limit: int | None) -> None:
        """Validate a new group before any Discord channel or role is made for it."""
        name = self._clean_name(name)
        self._clean_description(description)
        self._clean_focus(focus)
        self._clean_size(size_limit or self.default_size)
        if await self._repo.name_taken(guild_id, name):
            raise UserError(f"There is already a group called “{name}”. Please choose another name.")

    # -- moderators -------------------------------------------------------------------------------

    async def create(
        self,
        guild_id: int,
        name: str,
        description: str,
        focus: str,
        *,
        size_limit: int | None = None,
        mode: GroupMode = "anonymous",
        channel_id: int | None = None,
        role_id: int | None = None,
        actor: str,
    ) -> Group:
        await self.check_new(guild_id, name, description, focus, size_limit)
        if mode not in ("anonymous", "open"):
            raise UserError("A group is either anonymous or open.")
        name = self._clean_name(name)
        async with self._db.transaction() as tx:
            group_id = await self._repo.insert(
                tx, guild_id, name, self._clean_description(description), self._clean_focus(focus),
                self._clean_size(size_limit or self.default_size), mode, channel_id, role_id, self._clock.now(),
            )
            await self._audit.record(tx, guild_id, actor, "group_create", "new group", detail=name)
        return await self.get(guild_id, group_id)

    async def edit(
        self,
        guild_id: int,
        group_id: int,
        *,
        actor: str,
        name: str | None = None,
        description: str | None = None,
        focus: str | None = None,
        size_limit: int | None = None,
        mode: GroupMode | None = None,
    ) -> Group:
        group = await self.get(guild_id, group_id)
        if group.archived:
            raise UserError(f"“{group.name}” is archived and can't be edited.")
        changes: dict[str, object] = {}
        if name is not None and self._clean_name(name) != group.name:
            new_name = self._clean_name(name)
            if await self._repo.name_taken(guild_id, new_name, other_than=group_id):
                raise UserError(f"There is already a group called “{new_name}”.")
            changes["name"] = new_name
        if description is not None:
            changes["description"] = self._clean_description(description)
        if focus is not None:
            changes["focus"] = self._clean_focus(focus)
        if size_limit is not None:
            size = self._clean_size(size_limit)
            if size < group.member_count:
                raise UserError(
                    f"“{group.name}” has {group.member_count} members, so the limit can't go below that."
                )
            changes["size_limit"] = size
        if mode is not None:
            if mode not in ("anonymous", "open"):
                raise UserError("A group is either anonymous or open.")
            changes["mode"] = mode
        if not changes:
            raise UserError("Tell me at least one thing to change.")
        async with self._db.transaction() as tx:
            await self._repo.update(tx, guild_id, group_id, changes)
            await self._audit.record(tx, guild_id, actor, "group_edit", "edited",
                                     detail=f"{group.name}: {', '.join(changes)}")
        return await self.get(guild_id, group_id)

    async def archive(self, guild_id: int, group_id: int, *, actor: str, reason: str) -> Group:
        reason = clean_reason(reason)
        group = await self.get(guild_id, group_id)
        if group.archived:
            raise UserError(f"“{group.name}” is already archived.")
        async with self._db.transaction() as tx:
            await self._repo.archive(tx, group_id, self._clock.now())
            await self._audit.record(tx, guild_id, actor, "group_archive", reason, detail=group.name)
        return await self.get(guild_id, group_id)

    async def set_discord_ids(self, group_id: int, *, channel_id: int | None, role_id: int | None) -> None:
        await self._repo.set_discord_ids(group_id, channel_id, role_id)

    # -- lookups ----------------------------------------------------------------------------------

    async def get(self, guild_id: int, group_id: int) -> Group:
        group = await self._repo.get(guild_id, group_id)
        if group is None:
            raise NotFound("I can't find that group. /join lists the groups in this server.")
        return group

    async def by_name(self, guild_id: int, name: str, *, include_archived: bool = False) -> Group:
        group = await self._repo.by_name(guild_id, " ".join(name.split()))
        if group is None or (group.archived and not include_archived):
            raise NotFound(f"There is no group called “{name.strip()[:60]}”. /join lists the groups.")
        return group

    async def by_channel(self, guild_id: int, channel_id: int) -> Group | None:
        return await self._repo.by_channel(guild_id, channel_id)

    async def list(self, guild_id: int, *, include_archived: bool = False) -> list[Group]:
        return await self._repo.list(guild_id, include_archived=include_archived)

    async def groups_of(self, guild_id: int, pseudonym: str) -> list[Group]:
        return await self._repo.groups_of(guild_id, pseudonym)

    async def member_pseudonyms(self, group_id: int) -> list[str]:
        return await self._repo.member_pseudonyms(group_id)

    async def member_page(self, group_id: int, after: str, limit: int) -> list[str]:
        """Up to `limit` members whose pseudonym sorts after `after`, in pseudonym order: a large group
        is read a page at a time, each page an index range (pass the last pseudonym of one page to get
        the next; "" starts)."""
        return await self._repo.member_page(group_id, after, limit)

    async def is_member(self, group_id: int, pseudonym: str) -> bool:
        return await self._repo.is_member(group_id, pseudonym)

    # -- members ----------------------------------------------------------------------------------

    async def join(self, guild_id: int, group_id: int, pseudonym: str) -> Group:
        """Add her to the group, or raise GroupFull / UserError. Serialised, so two joins can't overfill it."""
        group = await self.get(guild_id, group_id)
        if group.archived:
            raise UserError(f"“{group.name}” has closed. /join shows the groups that are open.")
        outcome = await self._repo.join(group_id, pseudonym, group.size_limit, self._clock.now())
        if outcome == "already":
            raise UserError(f"You're already in “{group.name}”. 💛")
        if outcome == "full":
            raise await self.full_error(guild_id, group)
        return await self.get(guild_id, group_id)

    async def full_error(self, guild_id: int, group: Group) -> GroupFull:
        """The error for a full group, naming the open groups that still have room."""
        alternatives = [g for g in await self.list(guild_id)
                        if g.free_places > 0 and g.id != group.id and not g.archived and g.channel_id is not None]
        return GroupFull(group, alternatives)

    async def leave(self, guild_id: int, group_id: int, pseudonym: str) -> Group:
        group = await self.get(guild_id, group_id)
        if not await self._repo.remove_member(group_id, pseudonym):
            raise UserError(f"You're not in “{group.name}”.")
        return await self.get(guild_id, group_id)

    async def remove_member(self, tx: Tx, group_id: int, pseudonym: str) -> None:
        """Inside the caller's transaction (a moderator's removal): she is no longer in the group."""
        await self._repo.remove_member(group_id, pseudonym, tx)
