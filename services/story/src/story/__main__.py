from shared.worker import run_worker
from story.bootstrap import build_routes

if __name__ == "__main__":
    run_worker("story", build_routes)
