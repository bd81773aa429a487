"""Crisis resources: data validity and the signposting text shown to a member."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.resources import (
    KIND_PERINATAL,
    KINDS,
    REGIONS,
    RegionResources,
    Resource,
    load_resources,
    render_resources,
    unconfirmed_entries,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "config" / "resources.toml"


@pytest.fixture(scope="module")
def resources() -> dict[str, RegionResources]:
    return load_resources(DATA)


def test_regions_are_exactly_the_supported_ones(resources: dict[str, RegionResources]) -> None:
    assert REGIONS == ("UK", "IE", "US", "CA", "AU", "other")
    assert tuple(resources) == REGIONS


def test_every_entry_is_complete(resources: dict[str, RegionResources]) -> None:
    for region, rr in resources.items():
        assert rr.entries, region
        for entry in rr.entries:
            assert isinstance(entry, Resource)
            assert entry.name and entry.how, entry
            assert entry.source.startswith("https://"), entry.name
            assert entry.kind in KINDS, entry.name


def test_verified_dates(resources: dict[str, RegionResources]) -> None:
    for region in ("CA", "AU"):
        for entry in resources[region].entries:
            assert entry.verified == "", f"{region} {entry.name} must await operator confirmation"
            assert entry.needs_confirmation
    for region in ("UK", "IE", "US"):
        for entry in resources[region].entries:
            assert entry.verified == "2026-11-21", entry.name
            assert entry.checked == "2026-11-21", entry.name
    for entry in resources["other"].entries:
        if "findahelpline" in entry.source:
            assert entry.verified == ""  # not in the research brief


def test_unconfirmed_entries_lists_ca_au_and_the_directory(resources: dict[str, RegionResources]) -> None:
    pending = unconfirmed_entries(resources)
    regions = {region for region, _ in pending}
    assert regions == {"CA", "AU", "other"}
    assert all(region not in ("UK", "IE", "US") for region, _ in pending)


def test_perinatal_lines_are_not_labelled_as_crisis(resources: dict[str, RegionResources]) -> None:
    perinatal_names = ("Maternal Mental Health", "Postpartum Support International", "PANDA")
    for rr in resources.values():
        for entry in rr.entries:
            if any(name in entry.name for name in perinatal_names):
                assert entry.kind == KIND_PERINATAL, entry.name


@pytest.mark.parametrize(
    ("region", "emergency", "crisis_line"),
    [
        ("UK", "999", "116 123"),
        ("IE", "112 or 999", "116 123"),
        ("US", "911", "988"),
        ("CA", "911", "988"),
        ("AU", "000", "13 11 14"),
    ],
)
def test_render_has_emergency_then_crisis_line(
    resources: dict[str, RegionResources], region: str, emergency: str, crisis_line: str
) -> None:
    text = render_resources(region, resources)
    first_line = text.splitlines()[0]
    assert "immediate danger" in first_line
    assert f"call {emergency} now" in first_line
    assert crisis_line in text
    assert text.index(emergency) < text.index(crisis_line)


# What the urgent message leads with when the crisis needs something first: help sent to someone else in danger, or
# a call now after an overdose even if she feels fine. The lines after it are the usual ones.
LEADS = [
    ("someone_else", "If you think someone is in danger right now, call {emergency} now"),
    ("overdose",
     "If you've taken more of any medicine than you should, call {emergency} now, even if you feel fine"),
]


@pytest.mark.parametrize(("region", "emergency"), [("UK", "999"), ("US", "911"), ("AU", "000")])
@pytest.mark.parametrize(("lead", "first"), LEADS)
def test_render_leads_with_what_the_crisis_needs_first(
    resources: dict[str, RegionResources], region: str, emergency: str, lead: str, first: str
) -> None:
    text = render_resources(region, resources, lead=lead)
    assert first.format(emergency=emergency) in text.splitlines()[0]
    assert "you or your baby" not in text
    assert text.splitlines()[1:] == render_resources(region, resources).splitlines()[1:]  # the same lines after
    gentle = render_resources(region, resources, urgent=False)
    assert render_resources(region, resources, urgent=False, lead=lead) == gentle


def test_render_uk_includes_shout_and_111(resources: dict[str, RegionResources]) -> None:
    text = render_resources("UK", resources)
    assert "85258" in text
    assert "111" in text


def test_render_us_labels_perinatal_lines_as_not_crisis(resources: dict[str, RegionResources]) -> None:
    text = render_resources("US", resources)
    assert "741741" in text
    label = text.index("not crisis lines")
    assert label < text.index("1-833-852-6262")
    assert label < text.index("1-800-944-4773")
    assert text.index("988") < label


def test_render_au_labels_panda_as_not_crisis(resources: dict[str, RegionResources]) -> None:
    text = render_resources("AU", resources)
    assert text.index("13 11 14") < text.index("not crisis lines") < text.index("1300 726 306")


@pytest.mark.parametrize("region", ["other", "FR", "", "NZ", "Narnia"])
def test_unknown_region_falls_back_to_other(resources: dict[str, RegionResources], region: str) -> None:
    text = render_resources(region, resources)
    assert text == render_resources("other", resources)
    assert "local emergency number" in text
    assert "findahelpline.com" in text
    assert "postpartum.net" in text


@pytest.mark.parametrize("region", REGIONS)
def test_render_is_phone_sized(resources: dict[str, RegionResources], region: str) -> None:
    text = render_resources(region, resources)
    assert len(text) < 900
    assert len(text.splitlines()) <= 10
    assert not re.search(r"\{|\}|None", text)


def test_region_codes_are_case_insensitive(resources: dict[str, RegionResources]) -> None:
    assert render_resources("uk", resources) == render_resources("UK", resources)
    assert render_resources(" au ", resources) == render_resources("AU", resources)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "resources.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _minimal(entry_overrides: str = "", extra_regions: str = "") -> str:
    regions = []
    for region in REGIONS:
        emergency = "" if region == "other" else "999"
        regions.append(
            f"""
[regions.{region}]
label = "{region}"
emergency = "{emergency}"
[[regions.{region}.entries]]
name = "Line {region}"
how = "Call 1"
hours = ""
kind = "crisis"
source = "https://example.org/"
verified = ""
"""
        )
    return "".join(regions) + entry_overrides + extra_regions


def test_minimal_file_loads(tmp_path: Path) -> None:
    loaded = load_resources(_write(tmp_path, _minimal()))
    assert set(loaded) == set(REGIONS)


def test_entry_without_source_is_rejected_by_name(tmp_path: Path) -> None:
    body = _minimal(
        """
[[regions.UK.entries]]
name = "Nameless Helpline"
how = "Call 2"
kind = "crisis"
verified = ""
"""
    )
    with pytest.raises(ValueError, match="Nameless Helpline"):
        load_resources(_write(tmp_path, body))


def test_entry_with_empty_source_is_rejected(tmp_path: Path) -> None:
    body = _minimal(
        """
[[regions.US.entries]]
name = "Blank Source Line"
how = "Call 3"
kind = "crisis"
source = ""
verified = ""
"""
    )
    with pytest.raises(ValueError, match="Blank Source Line"):
        load_resources(_write(tmp_path, body))


def test_unknown_kind_is_rejected(tmp_path: Path) -> None:
    body = _minimal(
        """
[[regions.AU.entries]]
name = "Odd Line"
how = "Call 4"
kind = "chat"
source = "https://example.org/"
verified = ""
"""
    )
    with pytest.raises(ValueError, match="Odd Line"):
        load_resources(_write(tmp_path, body))


def test_missing_region_is_rejected(tmp_path: Path) -> None:
    body = _minimal().replace("[regions.CA]", "[regions.XX]").replace("regions.CA.entries", "regions.XX.entries")
    with pytest.raises(ValueError, match="region"):
        load_resources(_write(tmp_path, body))


def test_region_without_emergency_number_is_rejected(tmp_path: Path) -> None:
    body = _minimal().replace(
        '[regions.UK]\nlabel = "UK"\nemergency = "999"', '[regions.UK]\nlabel = "UK"\nemergency = ""'
    )
    with pytest.raises(ValueError, match="UK has no emergency number"):
        load_resources(_write(tmp_path, body))
