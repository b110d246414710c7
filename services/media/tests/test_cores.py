"""The media worker's CPU slots: many messages in hand, no more CPU work at once than there are cores."""

import asyncio
import threading
import time

import pytest

from media.cores import CpuSlots


@pytest.mark.parametrize("cores", [1, 2])
async def test_no_more_work_runs_at_once_than_there_are_slots(cores: int) -> None:
    slots, lock = CpuSlots(cores), threading.Lock()
    busy, most, threads = 0, 0, set[int]()

    def work(n: int) -> int:
        nonlocal busy, most
        with lock:
            busy += 1
            most = max(most, busy)
            threads.add(threading.get_ident())
        time.sleep(0.02)
        with lock:
            busy -= 1
        return n * n

    assert await asyncio.gather(*(slots.run(work, n) for n in range(8))) == [n * n for n in range(8)]
    assert most == cores
    assert threading.get_ident() not in threads  # off the event loop


async def test_the_loop_keeps_answering_while_every_slot_is_busy() -> None:
    slots = CpuSlots(1)
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    def long_work() -> None:
        loop.call_soon_threadsafe(started.set)
        time.sleep(0.2)

    running = asyncio.create_task(slots.run(long_work))
    await started.wait()
    ticks = 0
    while not running.done():
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks >= 5
