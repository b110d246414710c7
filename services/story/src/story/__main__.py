from shared.runtime.worker import run_worker
from story.bootstrap import build_routes, check_models
from story.settings import StorySettings

if __name__ == "__main__":
    run_worker("story", StorySettings, build_routes, check_models)
