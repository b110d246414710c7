import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings, with_cognito_ids
from shared.runtime.logging import configure_logging
from shared.runtime.tracing import configure_tracing, shutdown_tracing


def main() -> None:
    settings = with_cognito_ids(GatewaySettings())
    configure_logging("gateway", settings.log_level)
    configure_tracing("gateway", settings.trace_dir)
    try:
        uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port, log_config=None)
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    main()
