from media.bootstrap import build_routes, check_voices
from media.settings import MediaSettings
from shared.runtime.worker import run_worker

if __name__ == "__main__":
    run_worker("media", MediaSettings, build_routes, check_voices)
