import uvicorn

from gateway.app import create_app
from shared.cognito import with_cognito_ids
from shared.logging import configure_logging
from shared.settings import Settings

if __name__ == "__main__":
    settings = with_cognito_ids(Settings())
    configure_logging("gateway", settings.log_level)
    uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port, log_config=None)
