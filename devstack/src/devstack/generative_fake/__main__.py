"""`python -m devstack.generative_fake --port N`: the fake Bedrock Runtime and Polly, until stopped."""

from __future__ import annotations

import argparse

from devstack.generative_fake.server import make_server


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.generative_fake")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--realistic-latency", action="store_true", help="answer about as slowly as the real services")
    arguments = parser.parse_args()
    server = make_server(arguments.port, arguments.host, realistic_latency=arguments.realistic_latency)
    print(f"fake Bedrock Runtime and Polly on http://{arguments.host}:{arguments.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
