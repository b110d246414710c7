from media.bootstrap import build_routes
from shared.worker import run_worker

if __name__ == "__main__":
    run_worker("media", build_routes)
