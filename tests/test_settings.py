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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[research2]\nx = 1\n", "[research2]: unknown settings section in {path} (did you mean [research]?)"),
        ("[groups]\ndefault_sise = 3\n", "groups.default_sise: unknown setting in {path} "
                                         "(did you mean groups.default_size?)"),
        ("[framing]\ncrisis_threshhold = 0.3\n", "framing.crisis_threshhold: unknown setting in {path} "
                                                 "(did you mean framing.crisis_threshold?)"),
        ("[research]\nzzz = 1\n", "research.zzz: unknown setting in {path} "
                                  "(known: research.k_anonymity, research.retention_days)"),
        ("groups = 3\n", "groups: must be a [groups] table of settings in {path}, not a single value"),
    ],
)
def test_unknown_key_in_a_settings_file_is_refused_naming_it_and_the_closest(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "other-settings.toml"
    path.write_text(text)  # a settings file of its own, as an operator may keep beside the shipped one
    with pytest.raises(SettingsError) as raised:
        load_settings(path, env={})
    assert str(raised.value) == message.format(path=path)


def test_the_shipped_settings_file_has_only_known_keys() -> None:
    load_settings(DEFAULT_SETTINGS_FILE, env={})


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("PEERBOT_FRAMING__CRISIS_THRESHHOLD", "PEERBOT_FRAMING__CRISIS_THRESHHOLD: unknown setting "
                                               "(did you mean PEERBOT_FRAMING__CRISIS_THRESHOLD?)"),
        ("PEERBOT_GROUPS__MAXSIZE", "PEERBOT_GROUPS__MAXSIZE: unknown setting "
                                    "(did you mean PEERBOT_GROUPS__MAX_SIZE?)"),
        ("PEERBOT_RESEARCH__ZZZ", "PEERBOT_RESEARCH__ZZZ: unknown setting "
                                  "(known: PEERBOT_RESEARCH__K_ANONYMITY, PEERBOT_RESEARCH__RETENTION_DAYS)"),
        ("PEERBOT_FRAMNG__CRISIS_THRESHOLD", "PEERBOT_FRAMNG__CRISIS_THRESHOLD: unknown settings section 'framng' "
                                             "(did you mean PEERBOT_FRAMING__CRISIS_THRESHOLD?)"),
        ("PEERBOT_GROUP__MAX", "PEERBOT_GROUP__MAX: unknown settings section 'group' "
                               "(did you mean PEERBOT_GROUPS__…?)"),
        # One underscore where two belong would otherwise be ignored without a word.
        ("PEERBOT_FRAMING_CRISIS_THRESHOLD", "PEERBOT_FRAMING_CRISIS_THRESHOLD: not a setting "
                                             "(did you mean PEERBOT_FRAMING__CRISIS_THRESHOLD?)"),
    ],
)
def test_unknown_environment_setting_is_refused_naming_it_and_the_closest(name: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env={name: "0.3"})
    assert str(raised.value) == message


def test_other_peerbot_variables_that_are_not_settings_are_left_alone() -> None:
    settings = load_settings(env={"PEERBOT_SECRET_KEY": "s" * 40, "PEERBOT_FRAMING__CRISIS_THRESHOLD": "0.3",
                                  "PEERBOTANY": "x", "OTHER__THING": "y"})
    assert settings.framing.crisis_threshold == 0.3


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[groups\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path, env={})
