"""Questionnaires as data, and a pure scoring core.

Instruments are defined in ``config/questionnaires/<id>.toml`` (the schema is documented at the top of
``phq9.toml``). This module loads them into frozen dataclasses and scores answers. It has no Discord,
database or I/O dependencies beyond reading those TOML files, so every other part of the bot (cogs,
sandbox, outcome analysis, the ``score`` CLI) shares one scoring implementation.

An answer is the 0-based *position* of the chosen option in the order the options are shown, never a
score: EPDS item 3's first option is position 0 although it scores 3.

Licensed text (EPDS) is not bundled. An operator with permission supplies an overlay file
``<licensed_text_dir>/<id>.toml`` holding only text (item text, option labels, optional recall); an
overlay can never change scoring. An instrument whose text is incomplete can still score answers, but
``can_be_sent`` is False and ``why_not_sendable`` says why in one sentence.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from bot.core.errors import UserError

__all__ = [
    "SAFETY_ACTION",
    "Band",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "SafetyRule",
    "ScoreResult",
    "get_instrument",
    "load_instruments",
    "parse_answers",
]

Scoring = Literal["sum", "mean"]
SAFETY_ACTION = "crisis_resources_and_moderator_alert"
_SCORINGS = ("sum", "mean")
_SUBSCALE_VALUES = ("scored", "answered")
_MEAN_DECIMALS = 2


class InstrumentError(UserError, ValueError):
    """A questionnaire definition or a set of answers is not usable; the message is one plain sentence.

    It is a ``UserError`` too, so adapters show the sentence as it is.
    """


@dataclass(frozen=True, slots=True)
class Option:
    """One answer option. ``label`` is None only when the wording is licensed text we do not ship."""

    label: str | None
    score: int | float


@dataclass(frozen=True, slots=True)
class Item:
    """One question. ``options`` are in display order; ``reverse`` flips the score within its range."""

    number: int
    text: str | None
    options: tuple[Option, ...]
    reverse: bool = False

    def answered_score(self, position: int) -> int | float:
        """The chosen option's own score, before any reversal."""
        return self.options[position].score

    def scored_value(self, position: int) -> int | float:
        """The value the total uses: the option's score, reversed within the item's range if needed."""
        raw = self.options[position].score
        if not self.reverse:
            return raw
        scores = [option.score for option in self.options]
        return min(scores) + max(scores) - raw

    @property
    def has_text(self) -> bool:
        return bool(self.text) and all(option.label for option in self.options)


@dataclass(frozen=True, slots=True)
class Band:
    """A score band: the lowest total in it, a short label, and kind words for the member."""

    min: float
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """A single answer whose scored value is at least ``threshold`` on ``item`` fires the rule at once."""

    id: str
    item: int
    threshold: float
    description: str
    action: str = SAFETY_ACTION
    alert: str = ""  # what the question is about, in a few words for the moderators' alert


@dataclass(frozen=True, slots=True)
class ScoreResult:
    instrument: str
    total: int | float
    subscales: dict[str, int | float] = field(hash=False)
    band: str
    band_description: str
    flags: list[str] = field(hash=False)

    def to_json_dict(self) -> dict[str, Any]:
        """Exactly the keys of the ``score`` CLI contract."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band,
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    name: str
    short_name: str
    citation: str
    licence: str
    recall: str
    scoring: Scoring
    items: tuple[Item, ...]
    subscales: Mapping[str, tuple[int, ...]] = field(hash=False)
    subscale_scoring: Scoring
    bands: tuple[Band, ...]
    cutoffs: Mapping[str, float] = field(hash=False)
    safety_rules: tuple[SafetyRule, ...]
    reliable_change: Mapping[str, Any] = field(hash=False)
    validated: bool
    subscale_values: Literal["scored", "answered"] = "scored"
    text_note: str = ""
    licensed_text_path: Path | None = None
    higher_is_better: bool = False

    # -- looking things up -------------------------------------------------------------------------

    def item(self, item_number: int) -> Item:
        if not 1 <= item_number <= len(self.items):
            raise InstrumentError(
                f"{self.short_name} has items 1 to {len(self.items)}, so there is no item {item_number}."
            )
        return self.items[item_number - 1]

    def _check_position(self, item: Item, position: object) -> int:
        last = len(item.options) - 1
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= last:
            raise InstrumentError(
                f"{self.short_name} item {item.number} has {len(item.options)} options, so its answer must "
                f"be a position from 0 to {last}; got {position!r}."
            )
        return position

    def option_score(self, item_number: int, position: int) -> float:
        """The scored value (after any reversal) of choosing ``position`` on item ``item_number``."""
        item = self.item(item_number)
        return item.scored_value(self._check_position(item, position))

    # -- scoring -----------------------------------------------------------------------------------

    def score(self, positions: Sequence[int]) -> ScoreResult:
        """Score one complete set of answers (0-based option positions, one per item, in item order)."""
        if isinstance(positions, str | bytes) or len(positions) != len(self.items):
            count = "a string" if isinstance(positions, str | bytes) else len(positions)
            raise InstrumentError(
                f"{self.short_name} has {len(self.items)} items, so it needs {len(self.items)} answers; got {count}."
            )
        checked = [self._check_position(item, p) for item, p in zip(self.items, positions, strict=True)]
        scored = {item.number: item.scored_value(p) for item, p in zip(self.items, checked, strict=True)}
        answered = {item.number: item.answered_score(p) for item, p in zip(self.items, checked, strict=True)}

        total = _combine(list(scored.values()), self.scoring)
        sub_source = answered if self.subscale_values == "answered" else scored
        subscales = {
            name: _combine([sub_source[n] for n in numbers], self.subscale_scoring)
            for name, numbers in self.subscales.items()
        }
        flags: list[str] = []
        for item, position in zip(self.items, checked, strict=True):
            for rule in self.safety_rules_fired_by(item.number, position):
                if rule.id not in flags:
                    flags.append(rule.id)
        band = self.band_for(total)
        return ScoreResult(
            instrument=self.id,
            total=total,
            subscales=subscales,
            band=band.label,
            band_description=band.description,
            flags=flags,
        )

    def band_for(self, total: float) -> Band:
        """The highest band whose ``min`` is at or below ``total``."""
        chosen = self.bands[0]
        for band in self.bands:
            if total >= band.min:
                chosen = band
        return chosen

    def safety_rules_fired_by(self, item_number: int, position: int) -> list[SafetyRule]:
        """Safety rules fired by one answer, so they can act before the questionnaire is finished."""
        value = self.option_score(item_number, position)
        return [rule for rule in self.safety_rules if rule.item == item_number and value >= rule.threshold]

    # -- can we show it? ---------------------------------------------------------------------------

    @property
    def can_be_sent(self) -> bool:
        """True when every item has its text and every option its label."""
        return all(item.has_text for item in self.items)

    @property
    def why_not_sendable(self) -> str | None:
        """One plain sentence saying why the questionnaire cannot be sent, or None when it can."""
        missing = [item.number for item in self.items if not item.has_text]
        if not missing:
            return None
        reason = self.text_note or "the text is not in the questionnaire file"
        if self.licensed_text_path is not None:
            where = f"put the licensed text in {self.licensed_text_path}"
        else:
            where = f"set questionnaires.licensed_text_dir and put the licensed text in that folder as {self.id}.toml"
        if all(item.text is None for item in self.items):
            what = "item text is not bundled"
        else:
            numbers = ", ".join(str(n) for n in missing)
            what = f"licensed text (item text or option labels) is missing for item {numbers}"
        return f"{self.short_name} {what}: {reason}; an operator with permission can {where} (see README)."


def _combine(values: list[int | float], how: Scoring) -> int | float:
    if how == "sum":
        total = sum(values)
        return int(total) if float(total).is_integer() else round(total, _MEAN_DECIMALS)
    return round(sum(values) / len(values), _MEAN_DECIMALS)


def parse_answers(text: str) -> list[int]:
    """Parse comma-separated option positions such as ``"0,1,3"``; raises InstrumentError if malformed."""
    parts = [part.strip() for part in text.split(",")]
    if not text.strip() or any(not part for part in parts):
        raise InstrumentError(f"Answers must be whole numbers separated by commas, like 0,1,3; got {text!r}.")
    answers: list[int] = []
    for part in parts:
        try:
            answers.append(int(part))
        except ValueError:
            raise InstrumentError(
                f"Answers must be whole numbers separated by commas, like 0,1,3; {part!r} is not one."
            ) from None
    return answers


def get_instrument(instruments: Mapping[str, Instrument], instrument_id: str) -> Instrument:
    """Look an instrument up by id; an unknown id raises InstrumentError listing the known ones."""
    try:
        return instruments[instrument_id]
    except KeyError:
        known = ", ".join(sorted(instruments)) or "none"
        raise InstrumentError(
            f"There is no questionnaire called {instrument_id!r}; the known ones are: {known}."
        ) from None


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


def load_instruments(directory: Path, licensed_text_dir: Path | None = None) -> dict[str, Instrument]:
    """Load every ``<id>.toml`` in ``directory``, merging text overlays from ``licensed_text_dir``.

    A missing ``licensed_text_dir`` simply means no overlays. An overlay whose name matches no
    instrument, or that does not fit its instrument, is an error: an operator's typo should not
    silently leave a questionnaire unsendable.
    """
    directory = Path(directory)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise InstrumentError(f"No questionnaire definitions (*.toml) were found in {directory}.")
    instruments: dict[str, Instrument] = {}
    for path in files:
        instrument = _parse_instrument(path, licensed_text_dir)
        instruments[instrument.id] = instrument

    if licensed_text_dir is not None and Path(licensed_text_dir).is_dir():
        for overlay_path in sorted(Path(licensed_text_dir).glob("*.toml")):
            target = instruments.get(overlay_path.stem)
            if target is None:
                raise InstrumentError(
                    f"Licensed text file {overlay_path} does not match any questionnaire; "
                    f"name it after one of: {', '.join(sorted(instruments))}."
                )
            instruments[target.id] = _apply_overlay(target, overlay_path)
    return instruments


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path} is not valid TOML: {exc}.") from None


class _Reader:
    """Typed access to one TOML table, with errors that name the file."""

    def __init__(self, path: Path, table: Mapping[str, Any], where: str = "") -> None:
        self.path = path
        self.table = table
        self.where = where

    def fail(self, problem: str) -> InstrumentError:
        place = f"{self.path}{' ' + self.where if self.where else ''}"
        return InstrumentError(f"{place}: {problem}.")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(f"'{key}' is required")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(f"'{key}' must be {_kind_name(kinds)}")
        if not isinstance(value, kinds):
            raise self.fail(f"'{key}' must be {_kind_name(kinds)}")
        return value

    def choice(self, key: str, allowed: Sequence[str], default: str | None = None) -> str:
        value = self.get(key, str, default) if default is not None else self.get(key, str)
        if value not in allowed:
            raise self.fail(f"'{key}' must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def sub(self, table: Any, where: str) -> _Reader:
        if not isinstance(table, Mapping):
            raise self.fail(f"{where} must be a table")
        return _Reader(self.path, table, where)


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {
        str: "text",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _parse_options(reader: _Reader, raw: Any, *, need_labels: bool) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise reader.fail("options must be a non-empty list")
    options = []
    for index, entry in enumerate(raw):
        opt = reader.sub(entry, f"{reader.where} option {index}".strip())
        label = opt.get("label", str, None)
        if need_labels and not label:
            raise opt.fail("every option needs a label when text_available = true")
        options.append(Option(label=label, score=opt.get("score", (int, float))))
    return tuple(options)


def _parse_items(top: _Reader, *, text_available: bool) -> tuple[Item, ...]:
    default_options: tuple[Option, ...] | None = None
    if "options" in top.table:
        default_options = _parse_options(top, top.table["options"], need_labels=text_available)
    items: list[Item] = []
    for index, raw_item in enumerate(top.get("items", list)):
        it = top.sub(raw_item, f"item {index + 1}")
        number = it.get("number", int)
        if number != index + 1:
            raise it.fail(f"items must be numbered 1, 2, 3, … in order; found number {number}")
        text = it.get("text", str, None)
        if text_available and not text:
            raise it.fail("text is required when text_available = true")
        if not text_available and text is not None:
            raise it.fail("text must be left out when text_available = false (put it in a licensed overlay)")
        if "options" in it.table:
            options = _parse_options(it, it.table["options"], need_labels=text_available)
        elif default_options is not None:
            options = default_options
        else:
            raise it.fail("has no options and the file has no default [[options]]")
        items.append(Item(number=number, text=text, options=options, reverse=it.get("reverse", bool, False)))
    if not items:
        raise top.fail("at least one [[items]] entry is required")
    return tuple(items)


def _parse_subscales(top: _Reader, item_count: int) -> dict[str, tuple[int, ...]]:
    subscales: dict[str, tuple[int, ...]] = {}
    for name, numbers in top.get("subscales", dict, {}).items():
        if (
            not isinstance(numbers, list)
            or not numbers
            or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= item_count for n in numbers)
        ):
            raise top.fail(f"subscale {name!r} must list item numbers from 1 to {item_count}")
        subscales[name] = tuple(numbers)
    return subscales


def _parse_bands(top: _Reader, items: tuple[Item, ...], scoring: Scoring) -> tuple[Band, ...]:
    bands: list[Band] = []
    for index, raw_band in enumerate(top.get("bands", list)):
        b = top.sub(raw_band, f"band {index + 1}")
        bands.append(
            Band(
                min=b.get("min", (int, float)),
                label=b.get("label", str),
                description=b.get("description", str),
            )
        )
    if not bands:
        raise top.fail("at least one [[bands]] entry is required")
    if any(later.min <= earlier.min for earlier, later in itertools.pairwise(bands)):
        raise top.fail("bands must be listed with rising min values")
    lowest_total = _combine([min(o.score for o in item.options) for item in items], scoring)
    if bands[0].min > lowest_total:
        raise top.fail(f"the first band must start at or below the lowest possible total ({lowest_total})")
    return tuple(bands)


def _parse_cutoffs(top: _Reader) -> dict[str, float]:
    cutoffs: dict[str, float] = {}
    for name, value in top.get("cutoffs", dict, {}).items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise top.fail(f"cut-off {name!r} must be a number")
        cutoffs[name] = value
    return cutoffs


def _parse_safety(top: _Reader, items: tuple[Item, ...]) -> tuple[SafetyRule, ...]:
    rules: list[SafetyRule] = []
    for index, raw_rule in enumerate(top.get("safety", list, [])):
        r = top.sub(raw_rule, f"safety rule {index + 1}")
        rule_item = r.get("item", int)
        if not 1 <= rule_item <= len(items):
            raise r.fail(f"item must be from 1 to {len(items)}")
        action = r.get("action", str)
        if action != SAFETY_ACTION:
            raise r.fail(f"action must be {SAFETY_ACTION!r}")
        threshold = r.get("threshold", (int, float))
        item = items[rule_item - 1]
        values = [item.scored_value(p) for p in range(len(item.options))]
        if not min(values) < threshold <= max(values):
            raise r.fail(
                f"threshold must be above {min(values)} and at most {max(values)}, "
                "or the rule would fire on every answer or never"
            )
        rules.append(
            SafetyRule(
                id=r.get("id", str),
                item=rule_item,
                threshold=threshold,
                description=r.get("description", str),
                action=action,
                alert=r.get("alert", str, ""),
            )
        )
    return tuple(rules)


def _parse_instrument(path: Path, licensed_text_dir: Path | None) -> Instrument:
    top = _Reader(path, _read_toml(path))
    instrument_id = top.get("id", str)
    if instrument_id != path.stem:
        raise top.fail(f"id {instrument_id!r} must match the file name {path.stem!r}")
    scoring: Scoring = top.choice("scoring", _SCORINGS)  # type: ignore[assignment]
    items = _parse_items(top, text_available=top.get("text_available", bool))

    reliable_change = top.get("reliable_change", dict, {})
    for key, value in reliable_change.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise top.fail(f"reliable_change.{key} must be a finite number")

    overlay = Path(licensed_text_dir) / f"{instrument_id}.toml" if licensed_text_dir is not None else None
    return Instrument(
        id=instrument_id,
        name=top.get("name", str),
        short_name=top.get("short_name", str),
        citation=top.get("citation", str),
        licence=top.get("licence", str),
        recall=top.get("recall", str),
        scoring=scoring,
        items=items,
        subscales=MappingProxyType(_parse_subscales(top, len(items))),
        subscale_scoring=top.choice("subscale_scoring", _SCORINGS, scoring),  # type: ignore[arg-type]
        bands=_parse_bands(top, items, scoring),
        cutoffs=MappingProxyType(_parse_cutoffs(top)),
        safety_rules=_parse_safety(top, items),
        reliable_change=MappingProxyType(dict(reliable_change)),
        validated=top.get("validated", bool),
        subscale_values=top.choice("subscale_values", _SUBSCALE_VALUES, "scored"),  # type: ignore[arg-type]
        text_note=top.get("text_note", str, ""),
        licensed_text_path=overlay,
        higher_is_better=top.get("higher_is_better", bool, False),
    )


def _apply_overlay(instrument: Instrument, path: Path) -> Instrument:
    """Merge licensed item text and option labels into ``instrument``; scores are never touched."""
    top = _Reader(path, _read_toml(path))
    unknown = sorted(set(top.table) - {"recall", "items"})
    if unknown:
        raise top.fail(f"a licensed text file holds only recall and [[items]]; remove {', '.join(unknown)}")
    items = list(instrument.items)
    for index, raw_item in enumerate(top.get("items", list, [])):
        it = top.sub(raw_item, f"item entry {index + 1}")
        extra = sorted(set(it.table) - {"number", "text", "options"})
        if extra:
            raise it.fail(f"a licensed text item holds only number, text, options; remove {', '.join(extra)}")
        number = it.get("number", int)
        if not 1 <= number <= len(items):
            raise it.fail(f"{instrument.short_name} has items 1 to {len(items)}; there is no item {number}")
        base = items[number - 1]
        options = base.options
        if "options" in it.table:
            labels = it.get("options", list)
            if len(labels) != len(base.options) or not all(isinstance(lb, str) and lb for lb in labels):
                raise it.fail(f"options must be {len(base.options)} labels, in item {number}'s scoring order")
            options = tuple(replace(option, label=label) for option, label in zip(base.options, labels, strict=True))
        items[number - 1] = replace(base, text=it.get("text", str, base.text), options=options)
    return replace(instrument, items=tuple(items), recall=top.get("recall", str, instrument.recall))
