"""Classification off the event loop, batching messages that arrive together.

`FramingBatcher.classify(text)` puts the text on an asyncio queue and awaits its result. One
worker task takes the first waiting text, collects more for up to framing.batch_window_ms (at
most framing.batch_max), and runs the whole batch in one forward pass on a dedicated single-thread
executor, so the loop keeps answering while the model works and the model is only ever used from
one thread.

One text never fails another: when a batch raises, each of its texts is run again alone, so only
the text that really fails gets the exception and every other text gets its result. Failures are
logged with the exception's type and batch size only, never the text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.core.framing.classifier import FramingResult

log = logging.getLogger(__name__)

ClassifyFn = Callable[[Sequence[str]], list[FramingResult]]


class FramingBatcher:
    def __init__(self, classify: ClassifyFn, batch_max: int, window_ms: int) -> None:
        self._classify = classify
        self._batch_max = batch_max
        self._window = window_ms / 1000
        self._queue: asyncio.Queue[tuple[str, asyncio.Future[FramingResult]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="framing-model")
        self.batches = 0  # how many forward passes have run (the benchmark reports batch sizes)

    def _ensure_worker(self) -> asyncio.Queue[tuple[str, asyncio.Future[FramingResult]]]:
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run(self._queue), name="framing-batcher")
            self._worker.add_done_callback(_log_crash)
        return self._queue

    async def classify(self, text: str) -> FramingResult:
        queue = self._ensure_worker()
        future: asyncio.Future[FramingResult] = asyncio.get_running_loop().create_future()
        await queue.put((text, future))
        return await future

    async def classify_many(self, texts: Sequence[str]) -> list[FramingResult]:
        return list(await asyncio.gather(*(self.classify(text) for text in texts)))

    async def _run(self, queue: asyncio.Queue[tuple[str, asyncio.Future[FramingResult]]]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            deadline = loop.time() + self._window
            while len(batch) < self._batch_max:
                if not queue.empty():
                    batch.append(queue.get_nowait())
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(queue.get(), remaining))
                except TimeoutError:
                    break
            waiting = [(text, future) for text, future in batch if not future.cancelled()]
            if not waiting:
                continue
            outcomes = await self._classify_batch(loop, [text for text, _ in waiting])
            self.batches += 1
            for (_, future), outcome in zip(waiting, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def _classify_batch(self, loop: asyncio.AbstractEventLoop,
                              texts: list[str]) -> list[FramingResult | Exception]:
        """Results for the texts in one forward pass; if that raises, each text alone."""
        try:
            results = await loop.run_in_executor(self._executor, self._classify, texts)
            if len(results) != len(texts):
                raise RuntimeError(f"the classifier returned {len(results)} results for {len(texts)} texts")
            return list(results)
        except Exception as exc:
            if len(texts) == 1:
                log.error("Framing classification failed for one text (%s)", type(exc).__name__,
                          exc_info=exc)
                return [exc]
            log.warning("Framing classification failed for a batch of %d (%s); classifying each text alone",
                        len(texts), type(exc).__name__)
        outcomes: list[FramingResult | Exception] = []
        for text in texts:
            try:
                [result] = await loop.run_in_executor(self._executor, self._classify, [text])
                outcomes.append(result)
            except Exception as exc:
                log.error("Framing classification failed for one text of the batch (%s)", type(exc).__name__,
                          exc_info=exc)
                outcomes.append(exc)
        return outcomes

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        self._executor.shutdown(wait=True)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("The framing batcher stopped", exc_info=task.exception())
