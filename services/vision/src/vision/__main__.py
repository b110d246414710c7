from shared.worker import run_worker
from vision.bootstrap import build_routes

if __name__ == "__main__":
    run_worker("vision", build_routes)
