"""WCAG 2.1 AA over the whole demo (DESIGN §8, issue 17 item 11): every demo login signs in, opens
every page its menus link to, and axe-core finds no serious or critical violation there — at the
width that role works at: 375 px on a phone (field staff, owners, parents, teachers), 1280 px at a
desk, and the manager at both.

One browser and one seeded demo for the whole run; SQLite only, like every browser test (the
PostgreSQL pass runs `-m "not browser"`)."""

import time
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from linli.core.demo import DEMO_PASSWORD
from tests.browser import VIEWPORTS, browser, sign_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

# Each demo login (linli/*/demo.py, printed by seed_demo) at the widths its role works at. Field
# staff carry a phone (linli/web/context.py FIELD_MENUS), and so do owners, committee members,
# parents and teachers; the manager works at the desk and walks the estate with a phone. The
# narrowest logins go first, so a page is checked as the role it was made for sees it.
WIDTHS = {
    "owner": ("phone",), "owner2": ("phone",), "committee": ("phone",), "guardian": ("phone",),
    "teacher": ("phone",), "teacher2": ("phone",), "guard": ("phone",), "technician": ("phone",),
    "gardener": ("phone",), "cleaner": ("phone",),
    "school": ("desktop",), "rc": ("desktop",), "regulator": ("desktop",), "district": ("desktop",),
    "cashier": ("desktop",), "finance": ("desktop",), "dispatcher": ("desktop",), "other": ("desktop",),
    "manager": ("desktop", "phone"), "admin": ("desktop",),
}

# The menus: the sidebar (its 更多 disclosure included), a field worker's tabs and the top bar.
MENU_LINKS = "#sidebar a[href], nav.primary-tabs a[href], header.topbar a[href]"
# Not pages: files to download. (Signing out is a POST form, never a link.)
NOT_PAGES = (".xlsx", ".pdf", ".csv", "/export", "/download")


def menu_pages(page, origin: str) -> list[str]:
    """The same-origin pages the menus of the current page link to, in menu order, once each."""
    hrefs = page.eval_on_selector_all(
        MENU_LINKS, "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)")
    urls = []
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(origin + "/") and not urlsplit(url).path.endswith(NOT_PAGES) and url not in urls:
            urls.append(url)
    return urls


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA)
    return [{"rule": v["id"], "impact": v["impact"],
             "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]]}
            for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def audit_login(browser, server, username: str, viewport: str, seen: set) -> tuple[list[str], list[str]]:  # noqa: F811
    """(pages checked, one line per violation) for one login at one width; `server` is the live server.
    A page another login has had checked at this width (`seen`: (url, width)) is not checked again:
    the roles share templates, and the run stays inside the CI budget."""
    base_url = server.url
    # The pages' CSP refuses inline scripts, axe's included: the test context lets it in.
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    sign_in(page, server, username, DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/login/" not in url)
    landing = page.url
    pages = [url for url in dict.fromkeys([landing, *menu_pages(page, base_url)]) if (url, viewport) not in seen]
    seen.update((url, viewport) for url in pages)
    problems = []
    for url in pages:
        response = page.goto(url)
        where = f"{username} @{viewport} {url[len(base_url):]}"
        if response is None or response.status >= 400:
            problems.append(f"{where}: HTTP {response.status if response else '—'}")
            continue
        for v in axe_violations(page):
            problems += [f"{where}: {v['rule']} ({v['impact']}) {target}" for target in v["targets"][:3]]
    context.close()
    return pages, problems


@pytest.fixture
def demo(transactional_db, live_server, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        call_command("seed_demo", stdout=StringIO())
        yield live_server


def test_every_menu_page_of_every_demo_login_meets_wcag_21_aa(browser, demo):  # noqa: F811
    started = time.monotonic()
    checked, problems, seen = 0, [], set()
    for username, viewports in WIDTHS.items():
        for viewport in viewports:
            pages, found = audit_login(browser, demo, username, viewport, seen)
            checked += len(pages)
            problems += found
    print(f"axe: {checked} pages of {len(WIDTHS)} logins in {time.monotonic() - started:.0f} s")
    assert checked > len(WIDTHS) * 3  # the logins reached their menu pages
    assert not problems, f"{len(problems)} serious or critical WCAG 2.1 AA violations:\n" + "\n".join(problems)
