import asyncio
from datetime import timedelta

import pytest

from bot.core.errors import PermissionDenied, UserError
from tests.helpers import RecordingNotifier

GUILD = 41
MOD_A = "a" * 64
MOD_B = "b" * 64
MOD_C = "c" * 64


@pytest.fixture
async def fern(services):
    return await services.aliases.ensure(GUILD, 1001)


async def actions(services):
    return [e.action for e in reversed(await services.audit.recent(GUILD))]


async def test_second_moderator_approves_and_everything_is_audited(services, fern) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "crisis, cannot reach her")
    note = services.reveals.request_note(request)
    assert note.choices[0].id == f"reveal:approve:{request.id}" and str(fern.user_id) not in note.text
    approved, target = await services.reveals.approve(GUILD, request.id, MOD_B)
    assert approved.state == "approved" and target.user_id == 1001
    again, _ = await services.reveals.result(GUILD, request.id, MOD_A)
    assert again.id == request.id
    assert await actions(services) == ["reveal_request", "reveal_approve", "reveal", "reveal_viewed"]


async def test_requester_cannot_approve_her_own_request(services, fern) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "worried")
    with pytest.raises(PermissionDenied, match="different moderator"):
        await services.reveals.approve(GUILD, request.id, MOD_A)
    assert (await services.reveals.get(GUILD, request.id)).state == "pending"


async def test_request_expires_after_the_window(services, fern, clock) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "worried")
    clock.advance(timedelta(minutes=15))
    notifier = RecordingNotifier()
    await services.reveals.expire_due(notifier)
    assert "expired" in notifier.mod_log[0][1].text
    with pytest.raises(UserError, match="already expired"):
        await services.reveals.approve(GUILD, request.id, MOD_B)
    assert await actions(services) == ["reveal_request", "reveal_expired"]


async def test_late_approval_before_the_job_runs_is_refused(services, fern, clock) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "worried")
    clock.advance(timedelta(minutes=16))
    with pytest.raises(UserError, match="has expired"):
        await services.reveals.approve(GUILD, request.id, MOD_B)
    assert (await services.reveals.get(GUILD, request.id)).state == "expired"


async def test_result_only_for_the_requester_and_only_in_the_window(services, fern, clock) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "worried")
    with pytest.raises(UserError, match="has to approve"):
        await services.reveals.result(GUILD, request.id, MOD_A)
    await services.reveals.approve(GUILD, request.id, MOD_B)
    with pytest.raises(PermissionDenied):
        await services.reveals.result(GUILD, request.id, MOD_C)
    clock.advance(timedelta(minutes=15))
    with pytest.raises(UserError, match="no longer available"):
        await services.reveals.result(GUILD, request.id, MOD_A)


async def test_two_approvers_at_once_one_wins(services, fern) -> None:
    request = await services.reveals.request(GUILD, MOD_A, fern.alias, "worried")
    results = await asyncio.gather(services.reveals.approve(GUILD, request.id, MOD_B),
                                   services.reveals.approve(GUILD, request.id, MOD_C), return_exceptions=True)
    assert sum(isinstance(r, UserError) for r in results) == 1
    assert (await actions(services)).count("reveal") == 1


async def test_unknown_alias_and_missing_reason(services) -> None:
    with pytest.raises(UserError, match="no member with the alias"):
        await services.reveals.request(GUILD, MOD_A, "Nobody", "worried")
    with pytest.raises(UserError, match="short reason"):
        await services.reveals.request(GUILD, MOD_A, "Nobody", " ")
    assert await services.db.fetchval("SELECT count(*) FROM reveal_requests") == 0
