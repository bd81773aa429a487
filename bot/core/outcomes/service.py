"""OutcomesService: what /mytrends, /outcomes, the export and the report ask of the core.

Charts are drawn in the default executor (``loop.run_in_executor``) so the event loop keeps answering.
The sandbox can call ``my_trends`` exactly as the cog does and save the PNG it returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.core.instruments import Instrument
from bot.core.outcomes.charts import outcomes_chart, trend_chart
from bot.core.outcomes.export import ExportResult, write_export
from bot.core.outcomes.report import STAGES, ReportResult, write_report
from bot.core.outcomes.research_data import load_research_data
from bot.core.outcomes.summaries import chart_alt_text, chart_data, render_summaries, summarise_groups
from bot.core.outcomes.trends import MyTrends, alt_text, build_trends
from bot.store.database import Database
from bot.store.outcomes_repo import OutcomesRepository


@dataclass(frozen=True)
class GroupOutcomes:
    text: str
    png: bytes | None
    alt_text: str = ""


class OutcomesService:
    def __init__(self, db: Database, clock: Clock, instruments: Mapping[str, Instrument], k: int) -> None:
        self._repo = OutcomesRepository(db)
        self._clock = clock
        self.instruments = instruments
        self.k = k

    async def my_trends(self, guild_id: int, pseudonym: str, instrument: str | None = None) -> MyTrends:
        """Her sentences and chart; raises a kind UserError for no scores or a questionnaire she never took."""
        scores = await self._repo.member_scores(guild_id, pseudonym)
        sentences, panels = build_trends(self.instruments, scores, instrument)
        png = await asyncio.get_running_loop().run_in_executor(None, trend_chart, panels) if panels else None
        return MyTrends(sentences, png, alt_text(panels) if panels else "")

    async def group_outcomes(self, guild_id: int) -> GroupOutcomes:
        framing = await self._repo.framing_counts(guild_id) if await self._repo.has_table("framing_counts") else None
        summaries = summarise_groups(
            self.instruments,
            await self._repo.groups(guild_id),
            await self._repo.guild_scores(guild_id),
            await self._repo.checkin_counts(guild_id),
            framing,
            self.k,
        )
        text = render_summaries(summaries, self.k)
        panels, lines = chart_data(summaries)
        png = None
        if panels or lines:
            png = await asyncio.get_running_loop().run_in_executor(None, outcomes_chart, panels, lines)
        return GroupOutcomes(text, png, chart_alt_text(panels, lines) if png is not None else "")

    def instrument_names(self) -> list[tuple[str, str]]:
        """(id, name members see) of every questionnaire, for command autocomplete."""
        return sorted(((i.id, i.short_name) for i in self.instruments.values()), key=lambda pair: pair[1])

    async def export(self, out: Path) -> ExportResult:
        data = await load_research_data(self._repo, self.instruments)
        return await asyncio.get_running_loop().run_in_executor(
            None, write_export, data, self.k, out, self._clock.now()
        )

    async def report(self, out_dir: Path, progress: Callable[[str], None] = lambda _: None) -> ReportResult:
        progress(f"[1/{STAGES}] loading consented participants' scores and posts")
        data = await load_research_data(self._repo, self.instruments)
        framing = await self._repo.framing_counts() if await self._repo.has_table("framing_counts") else None
        return await asyncio.get_running_loop().run_in_executor(
            None, write_report, data, framing, self.k, out_dir, self._clock.now(), progress
        )
