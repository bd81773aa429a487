"""`python -m bot run` when Discord cannot be reached: one line per try, back-off, then exit 75 (no traceback)."""

from __future__ import annotations

import os
import signal
import socket
import time
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import pytest

from bot.__main__ import main
from bot.cli import run as run_command
from bot.client import PeerBot

UNREACHABLE = "Discord cannot be reached"
pytestmark = pytest.mark.usefixtures("keep_logging")  # `run` sets up logging for the process


def server_error() -> discord.DiscordServerError:
    response = SimpleNamespace(status=503, reason="Service Unavailable")
    return discord.DiscordServerError(response, "upstream connect error")  # type: ignore[arg-type]


def dns_error() -> aiohttp.ClientConnectorError:
    key = SimpleNamespace(host="discord.com", port=443, ssl=True)
    return aiohttp.ClientConnectorError(key, socket.gaierror(-3, "Temporary failure in name resolution"))  # type: ignore[arg-type]


@pytest.fixture
def start(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], classifier: Any) -> dict[str, Any]:
    """Run `python -m bot run` in this process with Discord replaced: `logins` says how each login goes."""
    for name, value in {**env, "DISCORD_TOKEN": "a-token", "PEERBOT_BOT__LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("bot.cli._framing.load_classifier", lambda settings: classifier)
    monkeypatch.setattr(run_command, "FIRST_RETRY_SECONDS", 0.0)
    state: dict[str, Any] = {"logins": [], "calls": 0, "connected": False}

    async def login(self: PeerBot, token: str) -> None:
        state["calls"] += 1
        outcome = state["logins"].pop(0) if state["logins"] else state["always"]
        if isinstance(outcome, BaseException):
            raise outcome
        if callable(outcome):
            outcome()
        await self.setup_hook()  # what a real login does once Discord answered

    async def connect(self: PeerBot, *, reconnect: bool = True) -> None:
        state["connected"] = True
        await self.close()

    monkeypatch.setattr(PeerBot, "login", login)
    monkeypatch.setattr(PeerBot, "connect", connect)
    return state


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("error", [dns_error(), socket.gaierror(-2, "Name or service not known"),
                                   ConnectionRefusedError(111, "Connection refused"), TimeoutError(),
                                   discord.GatewayNotFound(), server_error()],
                         ids=["aiohttp-dns", "dns", "refused", "timeout", "gateway", "discord-5xx"])
def test_unreachable_discord_is_retried_then_exits_75(start, monkeypatch, capsys, error) -> None:
    monkeypatch.setenv("PEERBOT_BOT__CONNECT_RETRIES", "3")
    start["always"] = error
    assert main(["run"]) == run_command.EX_TEMPFAIL == 75
    lines = stderr_lines(capsys)
    assert start["calls"] == 4 and not start["connected"]
    assert "Traceback" not in "\n".join(lines)
    assert len(lines) == 4, "\n".join(lines)
    assert all(UNREACHABLE in line for line in lines[:3])
    assert [line.rsplit("(try ", 1)[1] for line in lines[:3]] == ["2 of 4)", "3 of 4)", "4 of 4)"]
    assert lines[3].startswith("error: Discord could not be reached after 4 tries (")
    assert type(error).__name__ in lines[3]


def test_the_waits_grow_and_are_capped() -> None:
    assert run_command.retry_delays(5) == [5, 10, 20, 40, 60]
    assert run_command.retry_delays(7) == [5, 10, 20, 40, 60, 60, 60]
    assert run_command.retry_delays(0) == []


def test_default_is_five_retries(start, capsys) -> None:
    start["always"] = dns_error()
    assert main(["run"]) == 75
    assert sum(UNREACHABLE in line for line in stderr_lines(capsys)) == 5 and start["calls"] == 6


def test_discord_back_after_a_blip_runs_normally(start, capsys) -> None:
    start["logins"] = [dns_error(), TimeoutError()]
    start["always"] = None
    assert main(["run"]) == 0
    lines = stderr_lines(capsys)
    assert start["connected"] and start["calls"] == 3
    assert sum(UNREACHABLE in line for line in lines) == 2 and "Traceback" not in "\n".join(lines)


def test_a_refused_token_is_not_retried_and_exits_2(start, capsys) -> None:
    start["always"] = discord.LoginFailure("Improper token has been passed.")
    assert main(["run"]) == 2
    lines = stderr_lines(capsys)
    assert start["calls"] == 1
    assert lines == ["error: Discord refused the token in DISCORD_TOKEN: reset it in the developer portal and set "
                     "it again."]


def test_a_stop_while_waiting_to_retry_exits_cleanly_at_once(start, monkeypatch, capsys) -> None:
    monkeypatch.setattr(run_command, "FIRST_RETRY_SECONDS", 30.0)

    def unreachable_then_stopped() -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the service manager stops it during the 30 s wait
        raise dns_error()

    start["logins"] = [unreachable_then_stopped]
    start["always"] = dns_error()
    began = time.monotonic()
    assert main(["run"]) == 0
    assert time.monotonic() - began < 10 and start["calls"] == 1 and not start["connected"]
    assert sum(UNREACHABLE in line for line in stderr_lines(capsys)) == 1
