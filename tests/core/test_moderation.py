import pytest

from bot.core.errors import NotFound, UserError
from bot.core.moderation import NOT_TOLD
from tests.helpers import RecordingNotifier

GUILD = 31
MOD = "m" * 64


@pytest.fixture
async def world(services):
    group = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                         channel_id=900, role_id=901, actor=MOD)
    fern = (await services.membership.join(GUILD, 1001, group.id)).alias
    plan = await services.relay.prepare(await services.groups.get(GUILD, group.id), fern, "a post")
    await services.relay.confirm(plan, [5001])
    return group, fern


async def test_warn_is_audited_with_reason_and_tells_her_kindly(services, world) -> None:
    _, fern = world
    action = await services.moderation.plan_warn(GUILD, fern.alias.upper(), "  please  be gentle ")
    assert action.target == fern and action.reason == "please be gentle"
    note = services.moderation.member_note(action, "Mums Together")
    assert "please be gentle" in note.text and "Mums Together" in note.text
    done = await services.moderation.complete(action, MOD)
    assert fern.alias in done.text
    entry = (await services.audit.recent(GUILD))[0]
    assert (entry.action, entry.target_alias, entry.reason, entry.actor_pseudonym) == (
        "warn", fern.alias, "please be gentle", MOD)


async def test_remove_deletes_membership_and_audits_in_one_go(services, world) -> None:
    group, fern = world
    action = await services.moderation.plan_remove(GUILD, fern.alias, "night feeds", "repeated unkindness")
    await services.moderation.complete(action, MOD)
    assert not await services.groups.is_member(group.id, fern.pseudonym)
    assert (await services.audit.recent(GUILD))[0].detail == "group Night feeds"
    with pytest.raises(UserError, match="isn't in"):
        await services.moderation.plan_remove(GUILD, fern.alias, "Night feeds", "again")


async def test_delete_post_marks_it_and_drops_the_mapping(services, world) -> None:
    _, fern = world
    action = await services.moderation.plan_delete(GUILD, "#1", "identifying details", None)
    assert action.post.number == 1 and action.target == fern
    await services.moderation.complete(action, MOD)
    assert await services.relay.by_message(GUILD, 5001) is None
    entry = (await services.audit.recent(GUILD))[0]
    assert (entry.action, entry.detail) == ("delete", "post #1; group Night feeds")


# -- finish: tell her privately, then record, and tell the moderator what happened ------------------


@pytest.mark.parametrize(
    ("plan", "dm_words", "detail"),
    [
        (lambda m, alias: m.plan_warn(GUILD, alias, "please be gentle"), "please be gentle", ""),
        (lambda m, alias: m.plan_timeout(GUILD, alias, 30, "cool off"), "cool off", "30 min"),
        (lambda m, alias: m.plan_remove(GUILD, alias, "Night feeds", "repeated"), "removed you from **Night feeds**",
         "group Night feeds"),
    ],
)
async def test_finish_tells_her_privately_then_records(services, world, plan, dm_words, detail) -> None:
    _, fern = world
    notifier = RecordingNotifier()
    action = await plan(services.moderation, fern.alias)
    done = await services.moderation.finish(action, MOD, notifier, server_name="Mums Together")
    [(guild, user_id, note)] = notifier.dms
    assert (guild, user_id) == (GUILD, 1001) and dm_words in note.text
    entry = (await services.audit.recent(GUILD))[0]
    assert (entry.action, entry.detail, entry.actor_pseudonym) == (action.kind, detail, MOD)
    assert done.text.startswith(f"Done: **{fern.alias}**") and done.text.endswith("Recorded in the audit log.")
    assert "not told" not in done.text


async def test_finish_says_honestly_when_she_could_not_be_told(services, world) -> None:
    _, fern = world
    notifier = RecordingNotifier(dms_open=False)
    action = await services.moderation.plan_warn(GUILD, fern.alias, "please be gentle")
    done = await services.moderation.finish(action, MOD, notifier, server_name="Mums Together")
    assert notifier.dms == []
    assert NOT_TOLD in done.text and "warned" in done.text
    assert (await services.audit.recent(GUILD))[0].detail == NOT_TOLD


async def test_finish_deleting_a_post_sends_her_nothing(services, world) -> None:
    _, fern = world
    notifier = RecordingNotifier(dms_open=False)
    action = await services.moderation.plan_delete(GUILD, "#1", "identifying details", None)
    done = await services.moderation.finish(action, MOD, notifier, server_name="Mums Together")
    assert notifier.dms == [] and "not told" not in done.text
    assert done.text == f"Done: **{fern.alias}** post removed (post #1; group Night feeds). Recorded in the audit log."
    assert await services.relay.by_message(GUILD, 5001) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.plan_warn(GUILD, "Nobody Here", "reason"), "no member with the alias"),
        (lambda m: m.plan_warn(GUILD, "  ", "reason"), "give the member's alias"),
        (lambda m: m.plan_warn(GUILD, "x", "   "), "short reason"),
        (lambda m: m.plan_timeout(GUILD, "x", 0, "reason"), "from 1 to"),
        (lambda m: m.plan_timeout(GUILD, "x", 40321, "reason"), "from 1 to"),
        (lambda m: m.plan_remove(GUILD, "x", "No such group", "reason"), "no group called"),
        (lambda m: m.plan_delete(GUILD, "#99", "reason", None), "can't find post"),
    ],
)
async def test_bad_moderator_input_changes_nothing(services, world, call, message) -> None:
    _, fern = world
    before = await services.db.fetchval("SELECT count(*) FROM audit_log")
    with pytest.raises(UserError, match=message):
        await call(_Aliased(services.moderation, fern.alias))
    assert await services.db.fetchval("SELECT count(*) FROM audit_log") == before


class _Aliased:
    """Swaps the placeholder alias "x" for a real one so each case tests exactly one bad value."""

    def __init__(self, moderation, alias) -> None:
        self._moderation = moderation
        self._alias = alias

    def __getattr__(self, name):
        method = getattr(self._moderation, name)

        def call(guild, alias, *rest):
            return method(guild, self._alias if alias == "x" else alias, *rest)

        return call


async def test_archived_group_and_rerolled_alias_are_refused(services, world, clock) -> None:
    group, fern = world
    from datetime import timedelta

    clock.advance(timedelta(days=2))
    new = await services.aliases.reroll(GUILD, 1001)
    with pytest.raises(NotFound, match="no member with the alias"):
        await services.moderation.plan_warn(GUILD, fern.alias, "old alias")
    await services.groups.archive(GUILD, group.id, actor=MOD, reason="closing")
    with pytest.raises(NotFound, match="no group called"):
        await services.moderation.plan_remove(GUILD, new.alias, "Night feeds", "gone")


async def test_history_audit_and_flags_notes(services, world) -> None:
    _, fern = world
    await services.moderation.complete(await services.moderation.plan_warn(GUILD, fern.alias, "be kind"), MOD)
    flag = await services.flags.raise_flag(GUILD, "report", fern.pseudonym, fern.alias, detail="Spam")
    history = (await services.moderation.history(GUILD, fern.alias)).text
    assert f"#{flag.id} report" in history and "warn · be kind" in history and "Night feeds" in history
    assert "be kind" in (await services.moderation.audit_note(GUILD)).text
    assert f"#{flag.id} report · open · {fern.alias}" in (await services.moderation.flags_note(GUILD)).text
