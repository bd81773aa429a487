"""Scores belong to her data: /mydata shows them with their item answers, /forget-me erases them."""

from __future__ import annotations

import json

from tests.outcomes_data import T0, add_score, make_people

GUILD = 81


async def test_mydata_includes_her_scores_and_answers(services) -> None:
    her, other = await make_people(services, GUILD, 2, 9700)
    await add_score(services, GUILD, her.pseudonym, services.outcomes.instruments["phq9"], total=11, at=T0)
    await add_score(services, GUILD, other.pseudonym, services.outcomes.instruments["phq9"], total=3, at=T0)
    document = json.loads(await services.data_rights.export_json(GUILD, her.pseudonym))
    (score,) = document["tables"]["scores"]
    assert score["total"] == 11 and score["instrument"] == "phq9"
    assert sum(answer["value"] for answer in score["answers"]) == 11


async def test_forget_me_erases_her_scores_and_answers(services) -> None:
    her, other = await make_people(services, GUILD, 2, 9800)
    mine = await add_score(services, GUILD, her.pseudonym, services.outcomes.instruments["phq9"], total=11, at=T0)
    await add_score(services, GUILD, other.pseudonym, services.outcomes.instruments["phq9"], total=3, at=T0)
    await services.data_rights.forget(GUILD, her.pseudonym)
    assert await services.db.fetchval("SELECT count(*) FROM scores WHERE pseudonym = ?", (her.pseudonym,)) == 0
    assert await services.db.fetchval("SELECT count(*) FROM answers WHERE score_id = ?", (mine,)) == 0
    assert await services.db.fetchval("SELECT count(*) FROM scores") == 1
    assert await services.outcomes.my_trends(GUILD, other.pseudonym)
