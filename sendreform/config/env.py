"""Settings come from the environment (django-environ); `.env` in the working folder is read if present."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
APPS_DIR = BASE_DIR / "sendreform"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
