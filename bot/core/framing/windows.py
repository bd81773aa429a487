"""Long texts cut into overlapping windows the model can read whole, and bad code points cleaned.

MiniLM reads at most 256 tokens ([CLS] + 254 + [SEP]). A text whose tokens fit (`WINDOW_TOKENS`,
counted with the model's own tokenizer) is one window: the whole text, exactly as before. A longer
text is cut into windows of at most 254 tokens: each window ends at a sentence end (., !, ?, … or a
line break) in its last `SLACK_TOKENS` tokens if there is one, else at a word start; the next window
starts about `OVERLAP_TOKENS` tokens before that end (at a sentence start if one is near, else at a
word start), so a sentence cut by one window's end is whole in the next. The last window ends at
the text's end and starts as early as 254 tokens allow (at a sentence start if it can). Every
window starts at least 254 − 64 − 82 = 108 tokens after the one before, so the number of windows
grows with the length of the text (about one per 150–200 tokens), never faster.

Windows are character spans of the original text, found through the tokenizer's offset mapping,
and cut only before a token that begins a word, so each window re-tokenises to the same tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.framing.encoder import MAX_TOKENS

WINDOW_TOKENS = MAX_TOKENS - 2  # [CLS] and [SEP] take two of the model's 256 positions
OVERLAP_TOKENS = 50
SLACK_TOKENS = 64  # how far back from the limit a window may end to land on a sentence end
SENTENCE_ENDS = frozenset(".!?…")


def sanitise(text: str) -> str:
    """The text with lone surrogates (and anything else UTF-8 cannot carry) replaced by U+FFFD.

    A surrogate pair stored as two code points (as from surrogatepass/surrogateescape decoding)
    is joined into its character. Everything else, NUL and control characters included, is kept.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


@dataclass(frozen=True)
class Tokens:
    """The model tokenizer's view of one text, without [CLS]/[SEP]."""

    spans: Sequence[tuple[int, int]]  # the characters of each token in the text
    word_starts: Sequence[bool]  # the token begins a word: cutting before it re-tokenises the same

    def __len__(self) -> int:
        return len(self.spans)


def cut(text: str, tokens: Tokens, window: int = WINDOW_TOKENS, overlap: int = OVERLAP_TOKENS,
        slack: int = SLACK_TOKENS) -> list[tuple[int, int]]:
    """Character spans (start, end) of the windows of text; one (0, len(text)) when it fits."""
    n = len(tokens)
    if n <= window:
        return [(0, len(text))]
    if overlap <= 16 or window - slack - overlap - 32 <= 0:
        raise ValueError("windows must overlap and still move forward: need 16 < overlap < window - slack - 32")

    def sentence_end_before(k: int) -> bool:
        """Token k-1 ends a sentence (or a line break separates it from token k)."""
        before_start, before_end = tokens.spans[k - 1]
        return (text[before_start:before_end] in SENTENCE_ENDS
                or "\n" in text[before_end:tokens.spans[k][0]]) and tokens.word_starts[k]

    def nearest(target: int, low: int, high: int, good: Callable[[int], bool]) -> int | None:
        """The token index in [low, high] nearest to target for which good(k) holds."""
        for distance in range(max(target - low, high - target) + 1):
            for k in (target - distance, target + distance):
                if low <= k <= high and good(k):
                    return k
        return None

    def is_word_start(k: int) -> bool:
        return bool(tokens.word_starts[k])

    windows: list[tuple[int, int]] = []
    start = 0
    while n - start > window:
        limit = start + window  # the window is tokens [start, end) with end <= limit
        end = _first(nearest(limit, limit - slack, limit, sentence_end_before),
                     nearest(limit, limit - slack, limit, is_word_start), limit)
        windows.append((0 if start == 0 else tokens.spans[start][0], tokens.spans[end - 1][1]))
        target = end - overlap
        start = _first(nearest(target, target - 32, end - 16, sentence_end_before),
                       nearest(target, target - 16, target + 16, is_word_start), target)
    last = _first(nearest(n - window, n - window, start, sentence_end_before),
                  nearest(n - window, n - window, start, is_word_start), n - window)
    windows.append((0 if last == 0 else tokens.spans[last][0], len(text)))
    return windows


def _first(*candidates: int | None) -> int:
    return next(k for k in candidates if k is not None)
