"""Crisis and support resources by region, and the short text shown to a member.

The data lives in ``config/resources.toml`` (see its header for the fields). Every entry must carry
the address of the service's own page (``source``); an entry whose ``verified`` date is empty has
not been confirmed against that page and must be confirmed by an operator before going live
(:func:`unconfirmed_entries` lists them, e.g. for a start-up warning).

The rendered text is for private signposting (a DM or an ephemeral reply), never a public call-out.
It puts the emergency number first, then crisis lines, then perinatal support lines that are
explicitly labelled as not being crisis lines. No Discord imports: a cog sends the string.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

REGIONS = ("UK", "IE", "US", "CA", "AU", "other")
FALLBACK_REGION = "other"

KIND_CRISIS = "crisis"
KIND_EMERGENCY = "emergency"
KIND_PERINATAL = "perinatal support — not a crisis line"
KINDS = (KIND_CRISIS, KIND_EMERGENCY, KIND_PERINATAL)

_REQUIRED_ENTRY_FIELDS = ("name", "how", "kind", "source", "verified")


@dataclass(frozen=True)
class Resource:
    name: str
    how: str
    hours: str
    kind: str
    source: str
    verified: str  # ISO date once confirmed against `source`; "" = an operator must confirm
    checked: str = ""

    @property
    def needs_confirmation(self) -> bool:
        return not self.verified


@dataclass(frozen=True)
class RegionResources:
    region: str
    label: str
    emergency: str  # e.g. "999", "112 or 999"; "" = "your local emergency number"
    entries: tuple[Resource, ...]


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    return value.strip()


def _parse_entry(region: str, index: int, raw: object) -> Resource:
    if not isinstance(raw, dict):
        raise ValueError(f"resources: {region} entry #{index + 1} is not a table")
    label = f"resources: {region} entry #{index + 1} ({raw.get('name', '?')!s})"
    missing = [key for key in _REQUIRED_ENTRY_FIELDS if key not in raw]
    if missing:
        raise ValueError(f"{label} is missing {', '.join(missing)}")
    name = _text(raw["name"], f"{label} name")
    source = _text(raw["source"], f"{label} source")
    if not name:
        raise ValueError(f"{label} has an empty name")
    if not source.startswith(("https://", "http://")):
        raise ValueError(f"{label} has no source address (the service's own web page)")
    kind = _text(raw["kind"], f"{label} kind")
    if kind not in KINDS:
        raise ValueError(f"{label} has unknown kind {kind!r}; expected one of {KINDS}")
    how = _text(raw["how"], f"{label} how")
    if not how:
        raise ValueError(f"{label} does not say how to reach the service")
    return Resource(
        name=name,
        how=how,
        hours=_text(raw.get("hours", ""), f"{label} hours"),
        kind=kind,
        source=source,
        verified=_text(raw["verified"], f"{label} verified"),
        checked=_text(raw.get("checked", ""), f"{label} checked"),
    )


def load_resources(path: Path) -> dict[str, RegionResources]:
    """Load and validate ``resources.toml``. Raises ``ValueError`` naming the faulty entry."""
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    regions = data.get("regions")
    if not isinstance(regions, dict):
        raise ValueError("resources: no [regions] table")
    unknown = sorted(set(regions) - set(REGIONS))
    if unknown:
        raise ValueError(f"resources: unknown region(s) {unknown}; expected {REGIONS}")
    missing = [r for r in REGIONS if r not in regions]
    if missing:
        raise ValueError(f"resources: missing region(s) {missing}")
    out: dict[str, RegionResources] = {}
    for region in REGIONS:
        raw = regions[region]
        emergency = _text(raw.get("emergency", ""), f"resources: {region} emergency")
        if not emergency and region != FALLBACK_REGION:
            raise ValueError(f"resources: {region} has no emergency number")
        entries_raw = raw.get("entries", [])
        if not isinstance(entries_raw, list) or not entries_raw:
            raise ValueError(f"resources: {region} has no entries")
        entries = tuple(_parse_entry(region, i, e) for i, e in enumerate(entries_raw))
        out[region] = RegionResources(
            region=region,
            label=_text(raw.get("label", region), f"resources: {region} label"),
            emergency=emergency,
            entries=entries,
        )
    return out


def unconfirmed_entries(resources: dict[str, RegionResources]) -> list[tuple[str, str]]:
    """(region, name) of every entry an operator still has to confirm (empty ``verified``)."""
    return [
        (region, entry.name) for region, rr in resources.items() for entry in rr.entries if entry.needs_confirmation
    ]


def _line(entry: Resource) -> str:
    return f"• **{entry.name}**: {entry.how}" + (f" ({entry.hours})" if entry.hours else "")


def render_resources(region: str, resources: dict[str, RegionResources], *, urgent: bool = True,
                     lead: str = "her") -> str:
    """Short, phone-friendly text: emergency first, then crisis lines, then perinatal support.

    Region codes are matched case-insensitively ("uk" -> "UK"); an unknown region (or one
    missing from ``resources``) falls back to ``"other"``. ``lead`` (safety_net.LEADS) says what the
    urgent text starts with: the emergency number for her, for someone else in danger, or after an overdose.
    """
    code = next((r for r in resources if r.casefold() == (region or "").strip().casefold()), None)
    rr = resources[code] if code is not None else resources[FALLBACK_REGION]
    if not urgent:
        # The gentler message (a post the model was unsure about): the lines to talk to, without
        # "call 999 now", which would frighten a mother who was only having a heavy day.
        gentle = ["Talk to someone, any time:"]
        gentle.extend(_line(e) for e in rr.entries if e.kind == KIND_CRISIS)
        perinatal = [e for e in rr.entries if e.kind == KIND_PERINATAL]
        if perinatal:
            gentle.append("Perinatal support (not crisis lines):")
            gentle.extend(_line(e) for e in perinatal)
        return "\n".join(gentle)
    number = rr.emergency or "your local emergency number"
    first = {
        "her": f"**If you or your baby are in immediate danger, call {number} now.**",
        # She is telling about someone else in danger: what helps first is help sent to that person.
        "someone_else": f"**If you think someone is in danger right now, call {number} now and tell them what you "
                        "know. You don't have to be sure first.**",
        # She says she has taken something: feeling fine is not safe (paracetamol, for one, harms the liver a day
        # or more later, and its antidote works best in the first hours).
        "overdose": f"**If you've taken more of any medicine than you should, call {number} now, even if you feel "
                    "fine. Some tablets do their harm hours later, and treatment works best early.**",
    }[lead]
    lines = [first]
    emergency = [e for e in rr.entries if e.kind == KIND_EMERGENCY]
    crisis = [e for e in rr.entries if e.kind == KIND_CRISIS]
    perinatal = [e for e in rr.entries if e.kind == KIND_PERINATAL]
    lines.extend(_line(e) for e in emergency)
    if crisis:
        lines.append("Talk to someone now:")
        lines.extend(_line(e) for e in crisis)
    if perinatal:
        lines.append("Perinatal support (not crisis lines):")
        lines.extend(_line(e) for e in perinatal)
    return "\n".join(lines)
