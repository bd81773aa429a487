"""Safeguarding reveal: the account behind an alias, only with a second moderator's approval.

A moderator requests (with a reason); a *different* moderator approves within the window
(groups.reveal_window_minutes). The request, the approval, each showing of the result and an
expiry are audited. After approval the requester may see the result for one more window; the
account is only ever shown privately to those two moderators.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock, from_iso
from bot.core.aliases import AliasRecord, AliasService
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import NotFound, PermissionDenied, UserError
from bot.core.notify import Choice, Note, Notifier
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.store import Database
from bot.store.reveal_repo import RevealRepository, RevealRequest

SYSTEM_ACTOR = "system"
__all__ = ["SYSTEM_ACTOR", "RevealRequest", "RevealService", "approve_choice", "result_text"]


def approve_choice(request_id: int) -> Choice:
    return Choice(f"reveal:approve:{request_id}", "Approve reveal (second moderator)", "danger")


def result_text(request: RevealRequest, target: AliasRecord) -> str:
    return (f"🔓 Reveal #{request.id}: **{target.alias}** is <@{target.user_id}> (account id {target.user_id}). "
            "Only you and the other moderator can see this. Please handle it with care.")


class RevealService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, aliases: AliasService, window_minutes: int, *,
                 shards: GuildShards = ALL_GUILDS) -> None:
        self._db = db
        self._shards = shards  # expire_due expires these guilds' requests only
        self._repo = RevealRepository(db)
        self._clock = clock
        self._audit = audit
        self._aliases = aliases
        self.window = timedelta(minutes=window_minutes)

    async def get(self, guild_id: int, request_id: int) -> RevealRequest:
        request = await self._repo.get(guild_id, request_id)
        if request is None:
            raise NotFound(f"There is no reveal request #{request_id} in this server.")
        return request

    async def request(self, guild_id: int, requester: str, alias: str, reason: str) -> RevealRequest:
        reason = clean_reason(reason)
        target = await self._aliases.by_alias(guild_id, alias)
        now = self._clock.now()
        async with self._db.transaction() as conn:
            request_id = await self._repo.insert(conn, guild_id, target.pseudonym, target.alias, requester, reason,
                                                 now, now + self.window)
            await self._audit.record(conn, guild_id, requester, "reveal_request", reason, target_alias=target.alias,
                                     target_pseudonym=target.pseudonym, detail=f"reveal #{request_id}")
        return await self.get(guild_id, request_id)

    def request_note(self, request: RevealRequest) -> Note:
        """The moderator-log message asking a second moderator to approve."""
        until = request.expires_at[11:16]
        return Note(
            f"🔐 **Safeguarding reveal requested** (#{request.id}) for **{request.target_alias}**.\n"
            f"Reason: {request.reason}\nA second moderator (not the one who asked) can approve until {until} UTC. "
            "The account is shown only privately to the two of you, and everything is recorded.",
            (approve_choice(request.id),),
        )

    async def approve(self, guild_id: int, request_id: int, approver: str) -> tuple[RevealRequest, AliasRecord]:
        """Approve and reveal (audited together). Exactly one approval wins; self-approval is refused."""
        request = await self.get(guild_id, request_id)
        if request.requester_pseudonym == approver:
            raise PermissionDenied("You asked for this reveal, so a different moderator has to approve it.")
        now = self._clock.now()
        if request.state == "pending" and now >= from_iso(request.expires_at):
            await self.expire_due()
            raise UserError(f"Reveal request #{request_id} has expired. Please make a new request if still needed.")
        target = await self._aliases.get(guild_id, request.target_pseudonym)
        async with self._db.transaction() as conn:
            changed = await self._repo.approve(conn, guild_id, request_id, approver, now, now + self.window)
            if changed and target is not None:
                for action in ("reveal_approve", "reveal"):
                    await self._audit.record(conn, guild_id, approver, action, request.reason,
                                             target_alias=request.target_alias,
                                             target_pseudonym=request.target_pseudonym,
                                             detail=f"reveal #{request_id}")
        if not changed:
            fresh = await self.get(guild_id, request_id)
            raise UserError(f"Reveal request #{request_id} is already {fresh.state}: another moderator may have "
                            "just acted on it.")
        if target is None:
            raise UserError("That member has erased her data, so there is nothing to reveal.")
        return await self.get(guild_id, request_id), target

    async def result(self, guild_id: int, request_id: int, requester: str) -> tuple[RevealRequest, AliasRecord]:
        """The requester sees an approved result again, within the window after approval (audited)."""
        request = await self.get(guild_id, request_id)
        if request.requester_pseudonym != requester:
            raise PermissionDenied("Only the moderator who asked for this reveal can see its result here.")
        if request.state != "approved":
            raise UserError(f"Reveal request #{request_id} is {request.state}: a second moderator has to approve it "
                            "first." if request.state == "pending" else f"Reveal request #{request_id} has expired.")
        if self._clock.now() >= from_iso(request.expires_at):
            raise UserError(f"The result of reveal #{request_id} is no longer available. Please make a new request "
                            "if it's still needed.")
        target = await self._aliases.get(guild_id, request.target_pseudonym)
        if target is None:
            raise UserError("That member has erased her data, so there is nothing to reveal.")
        async with self._db.transaction() as conn:
            await self._audit.record(conn, guild_id, requester, "reveal_viewed", request.reason,
                                     target_alias=request.target_alias, target_pseudonym=request.target_pseudonym,
                                     detail=f"reveal #{request_id}")
        return request, target

    async def expire_due(self, notifier: Notifier | None = None) -> int:
        """Pending requests past their deadline become expired (audited; the moderator log is told)."""
        expired = []
        for request in await self._repo.pending_due(self._clock.now(), self._shards):
            async with self._db.transaction() as conn:
                if await self._repo.expire(conn, request.id):
                    await self._audit.record(conn, request.guild_id, SYSTEM_ACTOR, "reveal_expired",
                                             "no second moderator approved in time", target_alias=request.target_alias,
                                             target_pseudonym=request.target_pseudonym,
                                             detail=f"reveal #{request.id}")
                    expired.append(request)
        if notifier is not None:
            for request in expired:
                await notifier.send_mod_log(request.guild_id, Note(
                    f"⌛ Reveal request #{request.id} for **{request.target_alias}** expired without a second "
                    "approval. Nothing was revealed."))
        return len(expired)
