"""The production settings: the service refuses to start without a secret key unless in debug or the demo,
and `manage.py check --deploy` with the environment docs/security.md documents gives no warning. Each runs
Django afresh in a subprocess, with only the environment given (no .env of a developer's)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _documented_environment() -> dict[str, str]:
    """The variables of the block under "Production settings" in docs/security.md, placeholders filled."""
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    block = re.search(r"## Production settings\n.*?```sh\n(.*?)```", text, re.S).group(1)
    env = {}
    for line in block.splitlines():
        name, value = line.split("=", 1)
        env[name] = re.sub(r"<[^>]*>", lambda _: secrets.token_urlsafe(50), value)
    return env


def _django(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
            "DJANGO_SETTINGS_MODULE": "sendreform.config.settings"}
    # Only these variables: a developer's own (and ROOT/.env, which fills in any not set) must not count.
    return subprocess.run([sys.executable, *args], env={**base, **env}, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_documented_production_environment_passes_check_deploy_without_a_warning():
    env = _documented_environment()
    assert {"DJANGO_SECRET_KEY", "DJANGO_SECURE_HSTS_SECONDS", "FORWARDED_ALLOW_IPS"} <= set(env)

    result = _django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_without_debug_or_the_demo_the_service_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in _documented_environment().items() if k != "DJANGO_SECRET_KEY"}

    result = _django(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_demo_starts_without_a_secret_key_and_without_two_factor():
    code = "import django; django.setup(); from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"

    result = _django(["-c", code], {"SENDREFORM_DEMO": "true"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_proxy_and_https_settings_come_from_the_environment():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_PROXY_SSL_HEADER, s.FORWARDED_ALLOW_IPS, s.CSRF_TRUSTED_ORIGINS, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_SSL_REDIRECT, s.TWO_FACTOR_REQUIRED)")

    result = _django(["-c", code], _documented_environment())

    assert result.stdout.strip() == ("('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.2'] "
                                     "['https://send.example.gov.uk'] 31536000 True True")
