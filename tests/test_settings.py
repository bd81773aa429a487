from pathlib import Path

import pytest

from bot.settings import DEFAULT_SETTINGS_FILE, SettingsError, load_settings


def test_defaults_load_from_the_shipped_file() -> None:
    settings = load_settings(env={})
    assert settings.groups.default_size == 12
    assert settings.framing.default_mode == "private"
    assert settings.research.k_anonymity == 5
    assert settings.bot.database_path == Path("data") / "peerbot.sqlite3"
    assert "birth trauma" in settings.groups.focus_options


@pytest.mark.parametrize(
    ("name", "value", "attribute", "expected"),
    [
        ("PEERBOT_GROUPS__DEFAULT_SIZE", "8", ("groups", "default_size"), 8),
        ("PEERBOT_FRAMING__DEFAULT_MODE", "reflect", ("framing", "default_mode"), "reflect"),
        ("PEERBOT_FRAMING__CRISIS_THRESHOLD", "0.4", ("framing", "crisis_threshold"), 0.4),
        ("PEERBOT_GROUPS__FOCUS_OPTIONS", "pregnancy, NICU parents", ("groups", "focus_options"),
         ("pregnancy", "NICU parents")),
        ("PEERBOT_BOT__DATA_DIR", "/tmp/x", ("bot", "data_dir"), Path("/tmp/x")),
    ],
)
def test_environment_overrides(name: str, value: str, attribute: tuple[str, str], expected: object) -> None:
    settings = load_settings(env={name: value})
    assert getattr(getattr(settings, attribute[0]), attribute[1]) == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PEERBOT_GROUPS__DEFAULT_SIZE", "twelve", "groups.default_size: must be a number"),
        ("PEERBOT_GROUPS__DEFAULT_SIZE", "1", "groups.default_size: must be between 2"),
        ("PEERBOT_GROUPS__DEFAULT_SIZE", "12.5", "groups.default_size: must be a whole number"),
        ("PEERBOT_FRAMING__DEFAULT_MODE", "loud", "framing.default_mode: must be one of off, private, reflect"),
        ("PEERBOT_FRAMING__CRISIS_THRESHOLD", "1.5", "framing.crisis_threshold: must be between 0 and 1"),
        ("PEERBOT_CHECKINS__DEFAULT_TIMEZONE", "Mars/Olympus", "checkins.default_timezone: unknown time zone"),
        ("PEERBOT_RESEARCH__K_ANONYMITY", "1", "research.k_anonymity: must be 2–100"),
        ("PEERBOT_NOPE__KEY", "1", "unknown settings section"),
    ],
)
def test_invalid_values_name_the_key(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env={name: value})


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(DEFAULT_SETTINGS_FILE.read_text() + "\n[research2]\nx = 1\n")
    with pytest.raises(SettingsError, match="unknown settings section"):
        load_settings(path, env={})
    path.write_text("[groups]\ndefault_sise = 3\n")
    with pytest.raises(SettingsError, match=r"groups.default_sise: unknown setting"):
        load_settings(path, env={})


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[groups\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path, env={})
