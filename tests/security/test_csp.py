"""Content-Security-Policy headers, and templates that keep to it: page JavaScript comes from
static files or carries the request's nonce, and there are no inline event handlers."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted((Path(settings.BASE_DIR) / "linli").glob("**/templates/**/*.html"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_the_templates_were_found():
    assert len(TEMPLATES) > 50


def test_every_inline_script_carries_the_nonce():
    offenders = []
    for template in TEMPLATES:
        for attributes in SCRIPT_TAG.findall(template.read_text()):
            if "src=" not in attributes and 'nonce="{{ request.csp_nonce }}"' not in attributes \
                    and "application/json" not in attributes:
                offenders.append(f"{template.relative_to(settings.BASE_DIR)}: <script{attributes}>")
    assert not offenders, "\n".join(offenders)


def test_no_template_has_an_inline_event_handler():
    offenders = [str(t.relative_to(settings.BASE_DIR)) for t in TEMPLATES if EVENT_HANDLER.search(t.read_text())]
    assert not offenders, offenders


def test_pages_send_the_policy_with_a_nonce_for_their_scripts(client):
    response = client.get(reverse("api-docs"))
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_the_login_page_is_not_framed_and_not_sniffed(client, db):
    response = client.get(reverse("web:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
