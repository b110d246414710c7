"""Child processes a handler starts (ffmpeg), killed with the handler when its stage's budget runs out.

Blocking work runs in threads (asyncio.to_thread), which cannot be cancelled; what can be stopped is the process such
work waits on. The processor opens `owned_children()` around a handler; threads started from it share the context,
so every process started through `popen` or `run` here is known, and `kill_all` ends them: the thread's write or
wait then fails at once and the thread ends too.
"""

from __future__ import annotations

import subprocess
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

Children = set[subprocess.Popen[bytes]]

_children: ContextVar[Children | None] = ContextVar("children", default=None)


@contextmanager
def owned_children() -> Generator[Children]:
    children: Children = set()
    token = _children.set(children)
    try:
        yield children
    finally:
        _children.reset(token)


def kill_all(children: Children) -> None:
    for child in list(children):
        if child.poll() is None:
            child.kill()


def popen(
    command: Sequence[str], *, stdin: int | None = None, stdout: int | None = None, stderr: int | None = None
) -> subprocess.Popen[bytes]:
    """A child process the current handler owns (`kill_all` stops it); `release` it once it has exited."""
    child = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr)
    if (children := _children.get()) is not None:
        children.add(child)
    return child


def release(child: subprocess.Popen[bytes]) -> None:
    if (children := _children.get()) is not None:
        children.discard(child)


def run(command: Sequence[str], *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run(capture_output=True, check=False), as a child the current handler owns."""
    child = popen(
        command, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        stdout, stderr = child.communicate(input)
    finally:
        release(child)
    return subprocess.CompletedProcess(list(command), child.returncode, stdout, stderr)
