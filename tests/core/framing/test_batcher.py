"""FramingBatcher: one text that fails never fails the others in its batch."""

import asyncio
from collections.abc import Sequence

import pytest

from bot.core.framing.batcher import FramingBatcher
from bot.core.framing.classifier import FramingResult
from bot.core.framing.labels import LABELS


def _result(text: str) -> FramingResult:
    scores = {label: 1.0 if label == "neutral" else 0.0 for label in LABELS}
    return FramingResult(label="neutral", scores=scores, model_label=text)  # model_label carries the text back


class FailsOn:
    """A classify function that raises for any batch containing `bad`, and records every call."""

    def __init__(self, bad: str) -> None:
        self.bad = bad
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> list[FramingResult]:
        self.calls.append(list(texts))
        if self.bad in texts:
            raise ValueError("cannot score this text")
        return [_result(text) for text in texts]


async def test_a_failing_text_gets_the_exception_and_the_others_their_results() -> None:
    classify = FailsOn("bad")
    batcher = FramingBatcher(classify, batch_max=16, window_ms=50)
    try:
        outcomes = await asyncio.gather(*(batcher.classify(t) for t in ("one", "bad", "two", "three")),
                                        return_exceptions=True)
    finally:
        await batcher.close()
    assert [o.model_label for o in outcomes if isinstance(o, FramingResult)] == ["one", "two", "three"]
    assert isinstance(outcomes[1], ValueError)
    assert classify.calls[0] == ["one", "bad", "two", "three"]  # one batch first, then each text alone
    assert classify.calls[1:] == [["one"], ["bad"], ["two"], ["three"]]


async def test_the_batcher_keeps_working_after_a_failed_batch() -> None:
    classify = FailsOn("bad")
    batcher = FramingBatcher(classify, batch_max=16, window_ms=10)
    try:
        with pytest.raises(ValueError):
            await batcher.classify("bad")
        assert (await batcher.classify("next")).model_label == "next"
        assert [r.model_label for r in await batcher.classify_many(["a", "b"])] == ["a", "b"]
    finally:
        await batcher.close()


async def test_a_wrong_number_of_results_is_a_failure_then_each_text_alone() -> None:
    def short_by_one(texts: Sequence[str]) -> list[FramingResult]:
        return [_result(text) for text in texts][: max(1, len(texts) - 1)]

    batcher = FramingBatcher(short_by_one, batch_max=16, window_ms=50)
    try:
        results = await batcher.classify_many(["a", "b", "c"])
    finally:
        await batcher.close()
    assert [r.model_label for r in results] == ["a", "b", "c"]


async def test_a_lone_surrogate_and_a_crisis_post_together_both_get_results(classifier) -> None:
    batcher = FramingBatcher(classifier.classify, batch_max=16, window_ms=50)
    try:
        odd, crisis = await batcher.classify_many(
            ["hello \ud83d", "I have decided to end my life tonight, I've got the tablets ready"])
    finally:
        await batcher.close()
    assert odd.label in LABELS
    assert crisis.label == "crisis"
