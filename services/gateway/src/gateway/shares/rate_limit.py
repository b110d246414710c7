"""How often one client may ask for share pages and their media: the pages are public, so the limit is per address.

Kept in the gateway's memory (per process). It is a brake on one client hammering links, not an account budget; on
AWS the WAF's rate rule in front of CloudFront is the fleet-wide one.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

from starlette.requests import Request

# Clients remembered at once; past this the longest quiet is forgotten first, so memory stays bounded under a flood.
_MAX_CLIENTS = 10_000


class RequestsPerClient:
    def __init__(self, *, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> int | None:
        """None when the client may go on (the request is counted); otherwise the seconds until it may."""
        moment = self._clock()
        times = self._seen.pop(client, None) or deque()
        while times and times[0] <= moment - 60:
            times.popleft()
        self._seen[client] = times  # now the most recent
        if len(self._seen) > _MAX_CLIENTS:
            self._seen.popitem(last=False)
        if len(times) >= self._per_minute:
            return max(1, int(times[0] + 60 - moment) + 1)
        times.append(moment)
        return None


def client_address(request: Request, forwarded_hops: int) -> str:
    """The client's address: the socket's peer, or behind `forwarded_hops` proxies the address the first of them saw
    (each proxy appends who connected to it, so the entries before that are the client's own to forge)."""
    if forwarded_hops > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= forwarded_hops:
            return forwarded[-forwarded_hops]
    return request.client.host if request.client else "unknown"
