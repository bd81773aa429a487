"""The research export: one CSV in long format plus a data dictionary beside it.

One row per participant × questionnaire × occasion (``record = score``) and one row per participant ×
group × week of posting activity (``record = posts``). Participants and groups carry fresh random ids
(see ``research_data.Rekeyer``); weeks count from the participant's first score. Cells (group ×
questionnaire, or group × posts) with fewer than k participants are left out entirely. No Discord id,
pseudonym, alias, group name, message text or calendar date is written; a participant's baby's week
appears only as weeks postpartum or weeks of pregnancy on her score rows.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.outcomes.research_data import Rekeyer, ResearchData, week_number, weeks_from_baby
from bot.store.private_files import open_private

FIXED_COLUMNS = ("record", "participant", "group", "week", "instrument", "occasion", "total", "band", "posts",
                 "weeks_postpartum", "weeks_pregnant", "baby_week_from")
POSTS = "posts"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    dictionary_path: Path
    rows: int
    participants: int
    suppressed_cells: int


def dictionary_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".dictionary.md")


def _score_rows(data: ResearchData, rekey: Rekeyer) -> list[tuple[tuple[str, str], dict[str, object]]]:
    rows = []
    for member, scores in data.scores.items():
        occasions: dict[str, int] = defaultdict(int)
        for score in scores:
            occasions[score.instrument] += 1
            row: dict[str, object] = {
                "record": "score", "participant": rekey.participant(member), "group": rekey.group(score.group_id),
                "week": week_number(score.completed_at, data.start[member]), "instrument": score.instrument,
                "occasion": occasions[score.instrument], "total": f"{score.total:g}", "band": score.band,
                "posts": "",
            }
            if member in data.baby:
                baby_week, kind = data.baby[member]
                postpartum, pregnant = weeks_from_baby(score.completed_at, baby_week)
                row.update({"weeks_postpartum": "" if postpartum is None else postpartum,
                            "weeks_pregnant": "" if pregnant is None else pregnant,
                            "baby_week_from": "birth" if kind == "born" else "due"})
            row.update({f"sub_{name}": f"{value:g}" for name, value in score.subscales.items()})
            row.update({f"item_{item}": f"{value:g}" for item, value in score.answers.items()})
            rows.append(((str(row["group"]), score.instrument), row))
    return rows


def _post_rows(data: ResearchData, rekey: Rekeyer) -> list[tuple[tuple[str, str], dict[str, object]]]:
    """Posts per week, zero weeks included, from week 0 (or her first post) to her last activity."""
    rows = []
    for member, posts in data.posts.items():
        start = data.start[member]
        last_score_week = week_number(data.scores[member][-1].completed_at, start)
        by_group: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for post in posts:
            by_group[post.group_id][week_number(post.created_at, start)] += 1
        for group_id, weeks in by_group.items():
            group = rekey.group(group_id)
            for week in range(min(0, *weeks), max(last_score_week, *weeks) + 1):
                row: dict[str, object] = {"record": POSTS, "participant": rekey.participant(member), "group": group,
                                          "week": week, "instrument": POSTS, "occasion": "", "total": "",
                                          "band": "", "posts": weeks.get(week, 0)}
                rows.append(((group, POSTS), row))
    return rows


def _order(row: dict[str, object]) -> tuple[str, str, bool, int, str, str]:
    return (str(row["participant"]), str(row["group"]), row["record"] != "score", int(str(row["week"])),
            str(row["instrument"]), str(row["occasion"]).rjust(6))


def _kept_instruments(data: ResearchData, rows: list[dict[str, object]]) -> list[str]:
    present = {row["instrument"] for row in rows}
    return [i for i in data.instruments_used() if i in present]


def _columns(data: ResearchData, rows: list[dict[str, object]]) -> list[str]:
    subscales = sorted({key for row in rows for key in row if key.startswith("sub_")})
    most_items = max((len(data.instruments[i].items) for i in _kept_instruments(data, rows)), default=0)
    return [*FIXED_COLUMNS, *subscales, *(f"item_{n}" for n in range(1, most_items + 1))]


def write_export(data: ResearchData, k: int, out: Path, now: datetime, rekey: Rekeyer | None = None) -> ExportResult:
    """Write the CSV and its dictionary. Synchronous: file I/O only, the data is already loaded."""
    rekey = rekey or Rekeyer()
    tagged = _score_rows(data, rekey) + _post_rows(data, rekey)
    cell_members: dict[tuple[str, str], set[object]] = defaultdict(set)
    for cell, row in tagged:
        cell_members[cell].add(row["participant"])
    small = {cell for cell, members in cell_members.items() if len(members) < k}
    kept = [row for cell, row in tagged if cell not in small]
    # Rows are ordered by the random participant id, so row order reveals nothing about who came first.
    kept.sort(key=_order)
    columns = _columns(data, kept)
    out.parent.mkdir(parents=True, exist_ok=True)
    # One row per participant and occasion: private (0600) until the operator hands it on.
    with open_private(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(kept)
    participants = len({row["participant"] for row in kept})
    dictionary = dictionary_path_for(out)
    dictionary.write_text(render_dictionary(data, _kept_instruments(data, kept), columns, k, len(small), len(kept),
                                            participants, now), encoding="utf-8")
    return ExportResult(out, dictionary, len(kept), participants, len(small))


_COLUMN_MEANINGS = {
    "record": "`score` (one completed questionnaire) or `posts` (posting activity in one week)",
    "participant": "random id of the participant, new in every export (cannot be linked across exports)",
    "group": "random id of the peer group, new in every export; empty when a score was not tied to a group",
    "week": "whole weeks since the Monday of the ISO week of the participant's first score in this export "
            "(week 0 = that week; negative = posting before her first score)",
    "instrument": "questionnaire id (see Instruments below) or `posts`",
    "occasion": "1 for the participant's first completion of this questionnaire, 2 for the second, …",
    "total": "total score as stored (sum or mean of the items' scored values, see Instruments)",
    "band": "score band label from the questionnaire file (a description, not a diagnosis)",
    "posts": "number of anonymous posts she made in that group in that week (no text is ever kept)",
    "weeks_postpartum": "score rows of a participant who gave her baby's week (optional, week precision only): "
                        "whole weeks from the Monday of the baby's week to the Monday of the score's week (0 = the "
                        "week of the birth); empty before that week or when she gave none",
    "weeks_pregnant": "score rows before the baby's week: the week of pregnancy, 40 minus the weeks still to go "
                      "to the baby's week (the due week is week 40; when she gave the birth week, it is counted "
                      "as week 40 too); empty otherwise",
    "baby_week_from": "`birth` when she gave the birth week, `due` when only the due week (postpartum weeks then "
                      "count from the due week); empty when she gave neither",
}


def render_dictionary(data: ResearchData, instrument_ids: list[str], columns: list[str], k: int, suppressed: int,
                      rows: int, participants: int, now: datetime) -> str:
    lines = [
        "# Data dictionary for the research export",
        "",
        f"Exported on {now.date().isoformat()}: {rows} rows, {participants} participants. Only members whose "
        "research consent was given at export time are included. Cells (group × questionnaire, or group × "
        f"posts) with fewer than k = {k} participants are left out; {suppressed} cell(s) were left out. "
        "See docs/RESEARCH-EXPORT.md for how to use this file.",
        "",
        "## Columns",
        "",
        "| column | meaning |",
        "|---|---|",
    ]
    for column in columns:
        if column.startswith("sub_"):
            meaning = f"subscale `{column[4:]}` of the questionnaire on that row (see Instruments)"
        elif column.startswith("item_"):
            meaning = (f"scored value of item {column[5:]} (after any reverse scoring); empty when the "
                       "questionnaire has fewer items")
        else:
            meaning = _COLUMN_MEANINGS[column]
        lines.append(f"| `{column}` | {meaning} |")
    lines += ["", "## Instruments", ""]
    for instrument_id in instrument_ids:
        instrument = data.instruments[instrument_id]
        rc = dict(instrument.reliable_change)
        subscales = ", ".join(f"{name} (items {', '.join(map(str, items))})"
                              for name, items in instrument.subscales.items()) or "none"
        cutoffs = ", ".join(f"{name} ≥ {value:g}" for name, value in instrument.cutoffs.items()) or "none"
        lines += [
            f"### `{instrument.id}`: {instrument.name}",
            "",
            f"- Citation: {instrument.citation}",
            f"- Validated scale: {'yes' if instrument.validated else 'no (written for this project)'}",
            f"- Total: {instrument.scoring} of {len(instrument.items)} items; "
            f"{'higher' if instrument.higher_is_better else 'lower'} is better",
            f"- Subscales ({instrument.subscale_scoring}, {instrument.subscale_values} values): {subscales}",
            f"- Cut-offs: {cutoffs}",
            f"- Reliable-change parameters: {rc or 'none'}",
            "",
        ]
    return "\n".join(lines)
