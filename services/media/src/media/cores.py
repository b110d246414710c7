"""The media worker's CPU, shared out: one slot per core for the work that runs on it.

A media worker has several messages in hand while its cloud providers wait on the network, but painting offline,
narrating with Piper and rendering the video are CPU work: however many messages are in hand, no more of that work
runs at once than there are cores, each in its own thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from opentelemetry import trace

P = ParamSpec("P")
T = TypeVar("T")


class CpuSlots:
    def __init__(self, count: int | None = None) -> None:
        self.count = count or os.cpu_count() or 1
        self._slots = asyncio.Semaphore(self.count)

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work` in a thread once a core is free; the current span (a render, a page) says how long it waited for one."""
        asked = time.monotonic()
        async with self._slots:
            trace.get_current_span().set_attribute("core_wait_seconds", round(time.monotonic() - asked, 3))
            return await asyncio.to_thread(work, *args, **kwargs)
