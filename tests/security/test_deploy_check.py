"""`manage.py check --deploy` is clean with production settings (DESIGN §8): debug off, a real
secret, the allowed hosts, secure cookies, HSTS and the HTTPS redirect behind the proxy, all from
the environment as docs/deploy.md sets them."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "LINLI_DEBUG": "0",
    "LINLI_ALLOWED_HOSTS": "wuye.example.gov.cn",
    "LINLI_CSRF_TRUSTED_ORIGINS": "https://wuye.example.gov.cn",
    "LINLI_HSTS_SECONDS": "31536000",
    "LINLI_SSL_REDIRECT": "1",
}


def run(code_or_args, env_extra):
    # A clean environment: not the suite's settings, nor the async switch the browser tests set.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LINLI_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra, DJANGO_SETTINGS_MODULE="linli.settings", LINLI_VAR_DIR=env_extra.get("LINLI_VAR_DIR", ""))
    return subprocess.run([sys.executable, *code_or_args], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=300)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**PRODUCTION, "LINLI_SECRET_KEY": secrets.token_urlsafe(50), "LINLI_VAR_DIR": str(tmp_path)}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_the_development_defaults(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {"LINLI_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    for warning in ("security.W018", "security.W009", "security.W012"):  # DEBUG, weak key, insecure session cookie
        assert warning in result.stdout + result.stderr


def test_production_settings_harden_cookies_and_transport(tmp_path):
    env = {**PRODUCTION, "LINLI_SECRET_KEY": secrets.token_urlsafe(50), "LINLI_VAR_DIR": str(tmp_path)}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER[0], s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS)")
    result = run(["-c", code], env)
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "HTTP_X_FORWARDED_PROTO", "True",
                                     "DENY"], result.stderr
