"""What moderators see from the framing commands: settings, weekly counts, a test classification."""

from __future__ import annotations

import asyncio
import difflib

from bot.core.errors import UserError
from bot.core.framing.classifier import FramingResult
from bot.core.framing.labels import LABELS
from bot.core.framing.neighbours import K as KNOWN_POSTS_READ
from bot.core.framing.normalise import normalise
from bot.core.framing.safety_net import lead
from bot.core.framing.service import FramingService, GroupFraming, WeekStats
from bot.core.framing.tiers import crisis_tier
from bot.core.notify import Note

MAX_TRY_CHARS = 4000

MODE_MEANINGS = {
    "off": "no nudges",
    "private": "a short private message after a comparison or isolation post",
    "reflect": "a gentle pause before a /share goes out (she can always share as it is); private for DMs",
}
SHORT = {"crisis": "crisis", "upward_comparison": "upward", "downward_comparison": "downward",
         "isolation": "isolation", "common_humanity": "common hum.", "neutral": "neutral"}


def describe_settings(group_name: str, config: GroupFraming) -> str:
    threshold = f"{config.nudge_threshold:g}" + (" (this group)" if config.threshold_overridden else " (default)")
    return (f"**Framing in {group_name}**\n"
            f"Nudges: **{config.mode}**: {MODE_MEANINGS[config.mode]}\n"
            f"Nudge threshold: {threshold}\n"
            f"💛 reaction to common-humanity posts: {'on' if config.react else 'off'}")


def render_stats(group_name: str, weeks: list[WeekStats]) -> str:
    if not weeks:
        return f"No posts in **{group_name}** have been read by the framing model in the last 8 weeks."
    lines = [f"**Framing in {group_name}**: posts per label and the connection index, by week (counts only, "
             "never what anyone wrote)", "```",
             f"{'week of':<11}" + "".join(f"{SHORT[label]:>12}" for label in LABELS) + f"{'index':>7}"]
    for week in weeks:
        index = week.connection_index
        lines.append(f"{week.week_start.isoformat():<11}" + "".join(f"{week.counts[label]:>12}" for label in LABELS)
                     + f"{'–' if index is None else f'{index:.2f}':>7}")
    lines += ["```", "Connection index = common humanity ÷ (common humanity + upward + downward + isolation)."]
    return "\n".join(lines)


def render_try(result: FramingResult, crisis_threshold: float, urgent_threshold: float,
               read_as: str | None = None, deciding: str | None = None) -> str:
    """The explanation; read_as lists the chat spellings the model read written out (if any),
    deciding the window whose crisis probability counted (when the text was read in several)."""
    scores = "\n".join(f"{'→ ' if label == result.label else '  '}{label:<20} {result.scores[label]:.3f}"
                       for label in LABELS)
    net = (f"yes ({', '.join(sorted({hit.category for hit in result.net_hits}))})" if result.net_fired else "no")
    tier = crisis_tier(result, urgent_threshold)
    response = {"urgent": "**urgent** (full care: resources with the emergency number, role ping, re-alerts)",
                "worried": "**worried** (a gentle private message with the lines, a moderator note, no ping)",
                None: "none"}[tier]
    response = {"someone_else": "**urgent**, about someone else in danger (her message leads with calling the "
                                "emergency number for that person; role ping, re-alerts)",
                "overdose": "**urgent**, an overdose she says she has taken (her message says to call the emergency "
                            "number now even if she feels fine; role ping, re-alerts)",
                "her": response}[lead(result.net_hits)]
    return (f"Label: **{result.label}** (model's own top label: {result.model_label})\n"
            f"```\n{scores}\n```\n"
            f"Crisis response: {response}\n"
            f"Safety net fired: {net} · crisis threshold {crisis_threshold:g} · urgent from {urgent_threshold:g}\n"
            + _known_posts_line(result)
            + (f"Chat spellings read as: {read_as}\n" if read_as is not None else "")
            + (f"Read in {result.windows} windows; the crisis score is window {result.window + 1}'s: "
               f"{_quote(deciding)}\n" if deciding is not None else "Read in one go.\n")
            + "-# Only you can see this; nothing was posted, stored or counted.")


def _known_posts_line(result: FramingResult) -> str:
    """How the nearest known posts judged a crisis call from the model alone (empty otherwise)."""
    if result.known_crises is None:
        return ""
    verdict = "the model's crisis call was **set aside**" if result.set_aside else "the model's crisis call stands"
    words = "" if result.known_word_crises is None else f" ({result.known_word_crises} by its words)"
    return f"Nearest known posts: {result.known_crises} of {KNOWN_POSTS_READ} are crises{words}, so {verdict}\n"


def spelling_changes(text: str, normalised: str, limit: int = 12) -> str | None:
    """"ngl → not gonna lie, rn → right now": the words normalise() rewrote, or None if none."""
    before, after = text.split(), normalised.split()
    changes = [f"{' '.join(before[a1:a2])} → {' '.join(after[b1:b2])}"
               for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
               if op != "equal"]
    if not changes:
        return None
    unique = list(dict.fromkeys(changes))
    return ", ".join(unique[:limit]) + (" …" if len(unique) > limit else "")


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= limit else text[:limit - 1] + "…") + "”"


async def try_note(framing: FramingService, text: str) -> Note:
    """`/framing try`: read a moderator's test text (never stored, posted or counted) and explain it."""
    if not text.strip():
        raise UserError("Please type a sentence for me to read.")
    if len(text) > MAX_TRY_CHARS:
        raise UserError(f"Please keep the text under {MAX_TRY_CHARS} characters.")
    result = await framing.classify(text)
    changes = spelling_changes(text, normalise(text))
    deciding = None
    if result.windows > 1:
        windows = await asyncio.to_thread(framing.classifier.windows, text)
        deciding = windows[result.window] if result.window < len(windows) else None
    return Note(render_try(result, framing.classifier.crisis_threshold, framing.settings.urgent_threshold,
                           read_as=changes, deciding=deciding))
