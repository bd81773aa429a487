"""/mydata in the sandbox shows the same plain-language summary as the Discord cog, with the file."""

import asyncio
import json
import re
from pathlib import Path

from tests.sandbox.conftest import PlaySandbox


async def test_mydata_shows_the_plain_language_summary_and_writes_the_file(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello everyone\nas Anna: /mydata\n")
    assert result.code == 0, result.stderr
    shown = "\n".join(result.lines_for("[ephemeral:Anna]"))
    assert "Here is what the bot keeps about you in this server." in shown
    assert "• Your alias:" in shown and "• Your groups: Night owls (joined" in shown
    assert "• Posts shared through the bot: 1 (when and where only, not the words)." in shown
    assert "You can erase all of this with /forget-me." in shown
    path = re.search(r"\(file: (.+\.json)\)", shown).group(1)
    assert json.loads(await asyncio.to_thread(Path(path).read_bytes))["tables"]["aliases"]
