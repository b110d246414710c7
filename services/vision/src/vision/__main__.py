from shared.runtime.worker import run_worker
from vision.bootstrap import build_routes, check_models
from vision.settings import VisionSettings

if __name__ == "__main__":
    run_worker("vision", VisionSettings, build_routes, check_models)
