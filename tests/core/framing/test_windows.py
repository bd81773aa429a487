"""Window cutting with the model's real tokenizer: long texts are covered whole, in overlapping windows."""

import itertools
import math

import pytest

from bot.core.framing.windows import OVERLAP_TOKENS, SLACK_TOKENS, WINDOW_TOKENS, Tokens, cut, sanitise

UPDATE = ("She finished a whole bottle this morning and then napped for two hours. "
          "We've started a little bedtime routine with a story and a song. "
          "The new sleeping bag keeps her cosy and she settles much faster. ")
NO_PUNCTUATION = "we walked to the shops and back again with the pram and the dog " * 80
LINES = "Feeding is going well\nShe slept from ten until four\nWe saw the health visitor today\n" * 40
LONG_WORDS = " ".join("".join(f"q{i}z{j}" for j in range(20))[:99] for i in range(40))  # many word pieces each
CJK = "我今天很累但是宝宝睡得很好" * 60


def tokens_of(classifier, text: str) -> Tokens:
    spans, starts = classifier.encoder.token_spans(text)
    return Tokens(spans, starts)


def retokenised_length(classifier, text: str) -> int:
    return len(classifier.encoder.token_spans(text)[0])


@pytest.mark.parametrize("text", ["", "   ", "hello", "x" * 10_000, UPDATE * 5],
                         ids=["empty", "spaces", "word", "one-unknown-token", "225-tokens"])
def test_a_text_that_fits_is_one_window_of_the_whole_text(classifier, text: str) -> None:
    assert len(tokens_of(classifier, text)) <= WINDOW_TOKENS
    assert cut(text, tokens_of(classifier, text)) == [(0, len(text))]


@pytest.mark.parametrize("text", [UPDATE * 20, UPDATE * 60, NO_PUNCTUATION, LINES, LONG_WORDS, CJK],
                         ids=["update", "long-update", "no-punctuation", "lines", "long-words", "cjk"])
def test_long_text_windows_cover_it_all_overlap_and_fit_the_model(classifier, text: str) -> None:
    tokens = tokens_of(classifier, text)
    n = len(tokens)
    assert n > WINDOW_TOKENS
    windows = cut(text, tokens)
    assert windows[0][0] == 0
    assert windows[-1][1] == len(text)  # the last window ends at the text's end
    for (start, end), (next_start, next_end) in itertools.pairwise(windows):
        assert start < next_start < end < next_end  # moves forward and overlaps the one before
    for start, end in windows:
        assert retokenised_length(classifier, text[start:end]) <= WINDOW_TOKENS
    for token_start, token_end in tokens.spans:  # every token is read whole in some window
        assert any(start <= token_start and token_end <= end for start, end in windows)
    # proportional to the length: at least n / 254 windows, at most one per 108 tokens (+ the last)
    assert math.ceil(n / WINDOW_TOKENS) <= len(windows) <= math.ceil(n / (WINDOW_TOKENS - SLACK_TOKENS - 82)) + 1


def test_windows_overlap_by_about_the_overlap(classifier) -> None:
    text = NO_PUNCTUATION
    tokens = tokens_of(classifier, text)
    windows = cut(text, tokens)
    for (_, end), (next_start, _) in itertools.pairwise(windows[:-1]):
        shared = sum(1 for a, b in tokens.spans if next_start <= a and b <= end)
        assert OVERLAP_TOKENS - 20 <= shared <= OVERLAP_TOKENS + 20


def test_windows_end_at_sentence_ends_and_start_at_sentence_starts_when_they_can(classifier) -> None:
    text = (UPDATE * 20).strip()
    windows = cut(text, tokens_of(classifier, text))
    assert len(windows) >= 3
    for start, end in windows:
        assert text[end - 1] == "."
        assert start == 0 or text[start - 2:start] == ". "


def test_the_number_of_windows_grows_linearly(classifier) -> None:
    counts = [len(cut(UPDATE * k, tokens_of(classifier, UPDATE * k))) for k in (20, 40, 80)]
    assert counts[1] <= 2 * counts[0] + 1 and counts[2] <= 2 * counts[1] + 1
    assert counts[2] >= 3 * counts[0]


def test_without_word_starts_windows_are_cut_at_the_token_limit() -> None:
    text = "x" * 1000
    tokens = Tokens([(i, i + 1) for i in range(1000)], [i == 0 for i in range(1000)])
    windows = cut(text, tokens)
    assert windows[0] == (0, WINDOW_TOKENS) and windows[-1] == (1000 - WINDOW_TOKENS, 1000)
    assert all(end - start <= WINDOW_TOKENS for start, end in windows)
    assert all(b[0] == a[1] - OVERLAP_TOKENS for a, b in itertools.pairwise(windows[:-1]))


def test_windows_need_to_overlap_and_move_forward() -> None:
    tokens = Tokens([(i, i + 1) for i in range(300)], [True] * 300)
    with pytest.raises(ValueError, match="overlap"):
        cut("x" * 300, tokens, overlap=0)
    with pytest.raises(ValueError, match="overlap"):
        cut("x" * 300, tokens, overlap=200)


def test_sanitise_replaces_lone_surrogates_and_keeps_everything_else() -> None:
    assert sanitise("hello \ud83d") == "hello \ufffd"
    assert sanitise("\udc00 tail") == "\ufffd tail"
    assert sanitise("a\ud83d\ude2db") == "a😭b"  # a pair stored as two code points is one character
    plain = "Me too 😭 \x00 café"
    assert sanitise(plain) is plain
