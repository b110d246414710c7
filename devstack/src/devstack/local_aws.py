"""moto in server mode, with each DynamoDB request applied whole, as DynamoDB applies it.

moto serves requests on threads. It checks a condition and then applies an update action by action, with no lock.
So two conditional updates that race can both pass (20 starts at once admitted 4 runs to a budget of 3), and a
read between the actions sees half an update. DynamoDB applies each request atomically. Here the DynamoDB requests
are taken one at a time (they take milliseconds). SQS's long polls and S3's transfers still run side by side.

Run it as `python -m devstack.local_aws --port N` (devstack.stack.LocalAws does).
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class OneDynamoDBRequestAtATime:
    def __init__(self, app: Wsgi) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
            return self._app(environ, start_response)
        with self._lock:
            return list(self._app(environ, start_response))  # the whole answer is made inside the lock


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="moto in server mode, each DynamoDB request applied whole")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    arguments = parser.parse_args(argv)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(arguments.host, arguments.port, OneDynamoDBRequestAtATime(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
