"""The media worker's CPU, shared out: one slot per core for the work that runs on it.

A media worker has several messages in hand while its cloud providers wait on the network, but painting offline,
narrating with Piper and rendering the video are CPU work: however many messages are in hand, no more of that work
runs at once than there are cores, each in its own thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class CpuSlots:
    def __init__(self, count: int | None = None) -> None:
        self.count = count or os.cpu_count() or 1
        self._slots = asyncio.Semaphore(self.count)

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work` in a thread once a core is free."""
        async with self._slots:
            return await asyncio.to_thread(work, *args, **kwargs)
