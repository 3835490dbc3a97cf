"""Browser-test plumbing: Playwright driving Debian's Chromium against the live server, at desk
width and at phone width. Test modules import the fixtures (`browser`, `page`) and helpers from
here; screenshots land in test-output/screenshots/."""

import os

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests import factories as f

# Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
# between browser steps are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The system's Chromium is used (executable_path), never a downloaded one.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
SCREENSHOTS = settings.BASE_DIR / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    # An English browser still gets Chinese pages: Chinese is the default, English is the switch.
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-US")
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.viewport_name}.png", full_page=True)


def sign_in(page, live_server, username, password=f.DEFAULT_PASSWORD):
    page.goto(live_server.url + reverse("web:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
