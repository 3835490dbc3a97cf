"""Smoke test of the deployed topology (deploy/up.sh), from outside, through nginx only.

    .venv/bin/python deploy/smoke.py        (or deploy/smoke.sh)

Checks: the login page in Chinese with the security headers; plain HTTP redirects to HTTPS;
static files come from nginx, not from the app; uploads are not served as files; a browser-style
sign-in passes CSRF behind the proxy; the API signs the demo owner in and lists their bills; a
job goes through Redis to a huey consumer and comes back with its result. Exit status 0 = all good."""

import http.cookiejar
import io
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from openpyxl import Workbook

STATE = Path(os.environ.get("LINLI_DEPLOY_DIR", "/tmp/linli-deploy"))
HTTPS = f"https://127.0.0.1:{os.environ.get('LINLI_HTTPS_PORT', '18443')}"
HTTP = f"http://127.0.0.1:{os.environ.get('LINLI_HTTP_PORT', '18080')}"
PASSWORD = "Linli@2026"
# The certificate up.sh made is the one trusted: a real check of the TLS chain, not verify=False.
TLS = ssl.create_default_context(cafile=str(STATE / "tls" / "cert.pem"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=TLS),
                                       urllib.request.HTTPCookieProcessor(jar), NoRedirect()), jar


def call(opener, method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


failures = []


def check(ok: bool, what: str) -> None:
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        failures.append(what)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def api_token(username: str) -> str:
    opener, _jar = client()
    status, _h, body = call(opener, "POST", f"{HTTPS}/api/v1/auth/token/",
                            json.dumps({"username": username, "password": PASSWORD}).encode(),
                            {"Content-Type": "application/json"})
    check(status == 200, f"API token for {username}: {status}")
    return json.loads(body).get("token", "") if status == 200 else ""


def main() -> int:
    started = time.monotonic()
    opener, jar = client()

    print("login page and headers")
    status, headers, body = call(opener, "GET", f"{HTTPS}/login/")
    page = body.decode()
    check(status == 200 and "登录邻里" in page and 'lang="zh-hans"' in page, f"GET /login/ {status}, Chinese page")
    csp = headers.get("Content-Security-Policy", "")
    check("frame-ancestors 'none'" in csp and "script-src 'self'" in csp, "Content-Security-Policy")
    check("max-age=" in headers.get("Strict-Transport-Security", ""), "Strict-Transport-Security")
    check(headers.get("X-Frame-Options") == "DENY", "X-Frame-Options: DENY")
    check(headers.get("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: nosniff")
    check(all(c.secure for c in jar if c.name == "csrftoken") and any(c.name == "csrftoken" for c in jar),
          "CSRF cookie is Secure")
    plain, _j = client()
    status, headers, _b = call(plain, "GET", f"{HTTP}/login/")
    check(status == 301 and headers.get("Location", "").startswith("https://"), f"HTTP redirects to HTTPS ({status})")

    print("static files from nginx")
    stylesheet = re.search(r'href="(/static/web/app\.[0-9a-f]{12}\.css)"', page)
    check(stylesheet is not None, "hashed stylesheet name in the page (collectstatic manifest)")
    if stylesheet:
        status, headers, body = call(opener, "GET", HTTPS + stylesheet.group(1))
        check(status == 200 and b".auth-card" in body, f"GET {stylesheet.group(1)} {status}")
        check("immutable" in headers.get("Cache-Control", ""), "long-lived cache headers (nginx location)")
        access_log = (STATE / "log" / "gunicorn-access.log").read_text(errors="replace")
        check(stylesheet.group(1) not in access_log, "the app never saw the static request")
    status, _h, _b = call(opener, "GET", f"{HTTPS}/media/binding-proofs/x.pdf")
    check(status == 404, f"uploads are not served as files ({status})")

    print("sign-in through the proxy (CSRF, secure session cookie)")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "manager", "password": PASSWORD})
    status, headers, _b = call(opener, "POST", f"{HTTPS}/login/", form.encode(),
                               {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{HTTPS}/login/"})
    check(status == 302, f"POST /login/ as manager {status}")
    check(any(c.name == "sessionid" and c.secure for c in jar), "session cookie is Secure")
    status, _h, body = call(opener, "GET", HTTPS + headers.get("Location", "/"))
    check(status in (200, 302), f"first page after sign-in {status}")

    print("API: the demo owner's bills")
    owner = api_token("owner")
    status, _h, body = call(opener, "GET", f"{HTTPS}/api/v1/bills/", headers={"Authorization": f"Token {owner}"})
    bills = json.loads(body) if status == 200 else {}
    check(status == 200 and bills.get("count", 0) > 0, f"GET /api/v1/bills/ {status}, {bills.get('count')} bills")
    check(all(isinstance(b.get("amount_due", b.get("amount", "")), str) for b in bills.get("results", [])),
          "amounts travel as strings")

    print("a job through Redis and a huey consumer")
    manager = api_token("manager")
    status, _h, body = call(opener, "GET", f"{HTTPS}/api/v1/communities/", headers={"Authorization": f"Token {manager}"})
    community = json.loads(body)["results"][0]["id"]
    book = Workbook()
    book.active.append(["smoke-test"])  # no required column: the job ends as "failed" and writes nothing
    data = io.BytesIO()
    book.save(data)
    body, content_type = multipart({"community": community}, {"file": ("smoke.xlsx", data.getvalue())})
    status, _h, reply = call(opener, "POST", f"{HTTPS}/api/v1/imports/", body,
                             {"Authorization": f"Token {manager}", "Content-Type": content_type})
    check(status in (201, 202), f"POST /api/v1/imports/ {status}")
    job = json.loads(reply).get("id")
    outcome = None
    for _ in range(120):
        status, _h, reply = call(opener, "GET", f"{HTTPS}/api/v1/imports/{job}/",
                                 headers={"Authorization": f"Token {manager}"})
        outcome = json.loads(reply).get("status")
        if outcome in ("done", "failed"):
            break
        time.sleep(0.5)
    check(outcome == "failed", f"the consumer ran the import job (status {outcome})")
    consumer_logs = "".join(p.read_text(errors="replace") for p in (STATE / "log").glob("huey-*.log"))
    check("run_import_job" in consumer_logs, "a huey consumer's log names the job")

    print(f"smoke: {'FAILED ' + str(len(failures)) if failures else 'ok'} in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
