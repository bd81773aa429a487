"""Typed settings: defaults from config/settings.toml, overrides from PEERBOT_<SECTION>__<KEY>.

Every section is a frozen dataclass; values are converted to the annotated type and validated
when loaded, so a bad value stops the bot at start with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
DEFAULT_SETTINGS_FILE = CONFIG_DIR / "settings.toml"
ENV_PREFIX = "PEERBOT_"

FramingMode = Literal["off", "private", "reflect"]
ShardMode = Literal["off", "auto"]
# Discord's own limit is far below this; the bound only catches a typo.
MAX_SHARDS = 10_000
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the key."""


def _check(condition: bool, key: str, problem: str) -> None:
    if not condition:
        raise SettingsError(f"{key}: {problem}")


@dataclass(frozen=True)
class BotSettings:
    data_dir: Path = Path("data")
    database: Path = Path("peerbot.sqlite3")
    # Empty: the SQLite file above. postgresql://user@host:port/dbname: that PostgreSQL database.
    database_url: str = ""
    database_pool_size: int = 10
    secret_key_file: Path = Path("~/.config/peerbot/secret.key")
    command_prefix: str = "!"
    log_level: LogLevel = "INFO"
    log_file: Path = Path("peerbot.log")
    log_max_bytes: int = 5_000_000
    log_backups: int = 5
    connect_retries: int = 5
    # Discord's gateway sharding (docs/DEPLOYMENT.md). "off": one plain connection, unless shard_count is
    # set; "auto": Discord chooses how many shards and this process runs them all. shard_count alone: this
    # process runs all of that many; with shard_ids: it runs only those (0-based) and serves their guilds.
    shards: ShardMode = "off"
    shard_count: int = 0
    shard_ids: tuple[int, ...] = ()

    def validate(self) -> None:
        _check(bool(self.command_prefix.strip()), "bot.command_prefix", "must not be empty")
        _check(self.log_max_bytes >= 10_000, "bot.log_max_bytes", "must be at least 10000")
        _check(0 <= self.log_backups <= 100, "bot.log_backups", "must be between 0 and 100")
        _check(0 <= self.connect_retries <= 50, "bot.connect_retries", "must be between 0 and 50")
        _check(self.database_url == "" or self.database_url.startswith(("postgresql://", "postgres://")),
               "bot.database_url", "must be empty (SQLite) or a postgresql://… URL")
        _check(1 <= self.database_pool_size <= 100, "bot.database_pool_size", "must be 1–100")
        self._validate_shards()

    def _validate_shards(self) -> None:
        count, ids = self.shard_count, self.shard_ids
        _check(0 <= count <= MAX_SHARDS, "bot.shard_count (--shard-count)",
               f"must be 0 (not set) or a number of shards from 1 to {MAX_SHARDS}; got {count}")
        _check(self.shards != "auto" or (count == 0 and not ids), "bot.shards (--shards)",
               "'auto' lets Discord choose the shards: leave bot.shard_count and bot.shard_ids unset with it")
        _check(not ids or count > 0, "bot.shard_ids (--shard-ids)",
               "needs bot.shard_count (--shard-count): how many shards the bot has in all")
        outside = [i for i in ids if not 0 <= i < count]
        _check(not outside, "bot.shard_ids (--shard-ids)",
               f"shard {outside[0] if outside else ''} does not exist: with {count} shard(s) the ids run "
               f"from 0 to {count - 1}")
        _check(len(set(ids)) == len(ids), "bot.shard_ids (--shard-ids)", "names a shard twice")

    @property
    def sharded(self) -> bool:
        """Does `run` use Discord's sharding (AutoShardedBot) rather than one plain connection?"""
        return self.shards == "auto" or self.shard_count > 0

    @property
    def database_path(self) -> Path:
        return self.data_dir / self.database

    @property
    def log_path(self) -> Path:
        return self.data_dir / self.log_file

    @property
    def key_path(self) -> Path:
        return self.secret_key_file.expanduser()


@dataclass(frozen=True)
class GroupSettings:
    focus_options: tuple[str, ...] = ("postnatal depression", "perinatal anxiety", "birth trauma")
    default_size: int = 12
    max_size: int = 30
    post_cooldown_seconds: int = 20
    alias_reroll_hours: int = 24
    reveal_window_minutes: int = 15

    def validate(self) -> None:
        _check(len(self.focus_options) > 0, "groups.focus_options", "needs at least one focus")
        _check(len(self.focus_options) <= 25, "groups.focus_options", "Discord shows at most 25 choices")
        _check(2 <= self.max_size <= 100, "groups.max_size", "must be between 2 and 100")
        _check(
            2 <= self.default_size <= self.max_size,
            "groups.default_size",
            f"must be between 2 and groups.max_size ({self.max_size})",
        )
        _check(0 <= self.post_cooldown_seconds <= 3600, "groups.post_cooldown_seconds", "must be 0–3600")
        _check(self.alias_reroll_hours >= 0, "groups.alias_reroll_hours", "must not be negative")
        _check(1 <= self.reveal_window_minutes <= 1440, "groups.reveal_window_minutes", "must be 1–1440")


@dataclass(frozen=True)
class FramingSettings:
    default_mode: FramingMode = "private"
    crisis_threshold: float = 0.225
    urgent_threshold: float = 0.55
    nudge_threshold: float = 0.5
    nudge_interval_hours: float = 6.0
    batch_max: int = 32
    batch_window_ms: int = 15
    max_chars: int = 2000
    model_timeout_seconds: float = 2.0
    threads: int = 1

    def validate(self) -> None:
        _check(0 < self.crisis_threshold < 1, "framing.crisis_threshold", "must be between 0 and 1")
        _check(self.crisis_threshold <= self.urgent_threshold <= 1, "framing.urgent_threshold",
               "must be from framing.crisis_threshold to 1")
        _check(0 < self.nudge_threshold < 1, "framing.nudge_threshold", "must be between 0 and 1")
        _check(self.nudge_interval_hours >= 0, "framing.nudge_interval_hours", "must not be negative")
        _check(1 <= self.batch_max <= 512, "framing.batch_max", "must be 1–512")
        _check(0 <= self.batch_window_ms <= 1000, "framing.batch_window_ms", "must be 0–1000")
        _check(64 <= self.max_chars <= 20_000, "framing.max_chars", "must be 64–20000")
        _check(0 < self.model_timeout_seconds <= 60, "framing.model_timeout_seconds", "must be 0–60 (not 0)")
        _check(1 <= self.threads <= 16, "framing.threads", "must be 1–16")


@dataclass(frozen=True)
class AlertSettings:
    first_realert_minutes: int = 10
    max_realert_minutes: int = 240
    max_per_day: int = 12
    escalate_after_minutes: int = 30

    def validate(self) -> None:
        _check(1 <= self.first_realert_minutes <= 1440, "alerts.first_realert_minutes", "must be 1–1440")
        _check(self.first_realert_minutes <= self.max_realert_minutes <= 1440, "alerts.max_realert_minutes",
               "must be from alerts.first_realert_minutes to 1440")
        _check(1 <= self.max_per_day <= 100, "alerts.max_per_day", "must be 1–100")
        _check(1 <= self.escalate_after_minutes <= 1440, "alerts.escalate_after_minutes", "must be 1–1440")


@dataclass(frozen=True)
class CheckinSettings:
    reminder_hours: float = 24.0
    expiry_days: float = 3.0
    grace_hours: float = 12.0
    default_timezone: str = "Europe/London"
    send_rate_per_second: float = 1.0

    def validate(self) -> None:
        _check(self.reminder_hours > 0, "checkins.reminder_hours", "must be more than 0")
        _check(self.expiry_days * 24 > self.reminder_hours, "checkins.expiry_days",
               "must be later than the reminder (checkins.reminder_hours)")
        _check(self.grace_hours >= 0, "checkins.grace_hours", "must not be negative")
        _check(0 < self.send_rate_per_second <= 50, "checkins.send_rate_per_second", "must be 0–50")
        try:
            ZoneInfo(self.default_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"checkins.default_timezone: unknown time zone {self.default_timezone!r} "
                "(use an IANA name such as Europe/London)"
            ) from None


@dataclass(frozen=True)
class QuestionnaireSettings:
    licensed_text_dir: Path | None = None

    def validate(self) -> None:
        if self.licensed_text_dir is not None:
            _check(self.licensed_text_dir.expanduser().is_dir(), "questionnaires.licensed_text_dir",
                   f"folder {self.licensed_text_dir} does not exist")


@dataclass(frozen=True)
class ResearchSettings:
    k_anonymity: int = 5
    retention_days: int = 730

    def validate(self) -> None:
        _check(2 <= self.k_anonymity <= 100, "research.k_anonymity", "must be 2–100")
        _check(30 <= self.retention_days <= 36500, "research.retention_days", "must be 30–36500")


@dataclass(frozen=True)
class Settings:
    bot: BotSettings = field(default_factory=BotSettings)
    groups: GroupSettings = field(default_factory=GroupSettings)
    framing: FramingSettings = field(default_factory=FramingSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    checkins: CheckinSettings = field(default_factory=CheckinSettings)
    questionnaires: QuestionnaireSettings = field(default_factory=QuestionnaireSettings)
    research: ResearchSettings = field(default_factory=ResearchSettings)

    def with_data_dir(self, data_dir: Path) -> Settings:
        return dataclasses.replace(self, bot=dataclasses.replace(self.bot, data_dir=data_dir))


def _convert(value: object, annotation: object, key: str) -> object:
    """Convert a TOML or environment value to the annotated type, or raise SettingsError."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        inner = next(a for a in args if a is not type(None))
        if value in ("", None):
            return None
        return _convert(value, inner, key)
    if origin is Literal:
        _check(value in args, key, f"must be one of {', '.join(map(str, args))}; got {value!r}")
        return value
    if origin is tuple:
        items = [s.strip() for s in value.split(",")] if isinstance(value, str) else value
        _check(isinstance(items, list | tuple), key, "must be a list")
        kept = [item for item in items if str(item).strip()]
        if args and args[0] is int:
            return tuple(_convert(item, int, key) for item in kept)
        return tuple(str(item) for item in kept)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        _check(text in {"true", "false", "1", "0", "yes", "no"}, key, f"must be true or false; got {value!r}")
        return text in {"true", "1", "yes"}
    if annotation in (int, float):
        _check(not isinstance(value, bool), key, f"must be a number; got {value!r}")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SettingsError(f"{key}: must be a number; got {value!r}") from None
        if annotation is int:
            _check(number.is_integer(), key, f"must be a whole number; got {value!r}")
            return int(number)
        return number
    if annotation is Path:
        _check(isinstance(value, str) and value.strip() != "", key, "must be a path")
        return Path(str(value))
    if annotation is str:
        _check(isinstance(value, str), key, f"must be text; got {value!r}")
        return value
    raise SettingsError(f"{key}: unsupported setting type {annotation!r}")


def _suggest(name: str, known: Iterable[str], show: Callable[[str], str] = str) -> str:
    """` (did you mean X?)` with the closest known name, else ` (known: …)` listing them all."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {show(close[0])}?)"
    return f" (known: {', '.join(map(show, known))})"


def env_name(section: str, key: str) -> str:
    """The environment variable that overrides `section.key`: PEERBOT_SECTION__KEY."""
    return f"{ENV_PREFIX}{section.upper()}__{key.upper()}"


def _env_for(sections: Mapping[str, Any], section: str, key: str) -> str:
    """PEERBOT_SECTION__KEY when `section` has `key`, else `PEERBOT_SECTION__…`."""
    keys = {f.name for f in dataclasses.fields(sections[section])}
    return env_name(section, key) if key in keys else f"{ENV_PREFIX}{section.upper()}__…"


def _check_file(raw: Mapping[str, object], path: Path, sections: Mapping[str, Any]) -> None:
    """Refuse an unknown section or key in the settings file, naming it and the closest real one."""
    for unknown in sorted(set(raw) - set(sections)):
        raise SettingsError(f"[{unknown}]: unknown settings section in {path}"
                            f"{_suggest(unknown, sections, lambda name: f'[{name}]')}")
    for name, values in raw.items():
        if not isinstance(values, dict):
            raise SettingsError(f"{name}: must be a [{name}] table of settings in {path}, not a single value")
        known = {f.name for f in dataclasses.fields(sections[name])}
        for unknown in sorted(set(values) - known):
            raise SettingsError(f"{name}.{unknown}: unknown setting in {path}"
                                f"{_suggest(unknown, known, lambda key, name=name: f'{name}.{key}')}")


def _check_environment(env: Mapping[str, str], sections: Mapping[str, Any]) -> None:
    """Refuse a PEERBOT_ variable that looks like a setting but is none (a typo would otherwise be ignored
    silently and the bot would run with the default): the first, in name order, is named with the
    closest real one."""
    settings_env = {env_name(section, f.name): section for section, cls in sections.items()
                    for f in dataclasses.fields(cls)}
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in settings_env:
            continue
        rest = name[len(ENV_PREFIX):]
        if "__" in rest:
            section, key = (part.lower() for part in rest.split("__", 1))
            if section not in sections:
                raise SettingsError(f"{name}: unknown settings section {section!r}"
                                    f"{_suggest(section, sections, lambda s, key=key: _env_for(sections, s, key))}")
            known = [f.name for f in dataclasses.fields(sections[section])]
            raise SettingsError(f"{name}: unknown setting"
                                f"{_suggest(key, known, lambda k, section=section: env_name(section, k))}")
        # One underscore where two belong (PEERBOT_FRAMING_CRISIS_THRESHOLD) is a typo too; other PEERBOT_
        # variables without `__` (PEERBOT_SECRET_KEY) are not settings and are left alone.
        collapsed = {known[len(ENV_PREFIX):].replace("__", "_"): known for known in settings_env}
        close = difflib.get_close_matches(rest, list(collapsed), n=1, cutoff=0.9)
        if close:
            raise SettingsError(f"{name}: not a setting (did you mean {collapsed[close[0]]}?)")


def _build_section(cls: type, name: str, values: Mapping[str, object], env: Mapping[str, str]) -> object:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        key = f"{name}.{f.name}"
        variable = env_name(name, f.name)
        if variable in env:
            kwargs[f.name] = _convert(env[variable], hints[f.name], key)
        elif f.name in values:
            kwargs[f.name] = _convert(values[f.name], hints[f.name], key)
    section = cls(**kwargs)
    section.validate()
    return section


def load_settings(
    path: Path = DEFAULT_SETTINGS_FILE, env: Mapping[str, str] | None = None
) -> Settings:
    """Read defaults from `path`, apply environment overrides, validate every section."""
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"settings file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    hints = typing.get_type_hints(Settings)
    _check_file(raw, path, hints)
    _check_environment(env, hints)
    sections = {
        name: _build_section(cls, name, raw.get(name, {}), env) for name, cls in hints.items()
    }
    return Settings(**sections)
