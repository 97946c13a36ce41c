"""Settings come from the environment (django-environ); `.env` in the working folder is read if present."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
APPS_DIR = BASE_DIR / "sendreform"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def demo_secret_key() -> str:
    """The secret key of the demo or a developer's machine (never production, which must set DJANGO_SECRET_KEY):
    made at random once and kept in var/, so that sessions last across restarts. The file appears whole or not
    at all (a hard link), so gunicorn workers starting together read the same key."""
    import os
    import secrets

    path = BASE_DIR / "var" / "demo-secret-key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()
