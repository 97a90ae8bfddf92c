"""Accessibility of every main page, light and dark, checked by axe-core (vendored for tests only).

No serious or critical violation, and text contrast at WCAG AA, as a reviewer's checker sees it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.webapp.test_browser_flow import MAIN_PAGES

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parents[1] / "support" / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
PAGES = {**MAIN_PAGES, "backups": "settings/backups/", "revision": "notes/1/revisions/1"}


@pytest.fixture
def checked_page(browser, live_server, client):
    client.post("/api/v1/notes", json={"title": "Trip to Lisbon", "body": "# Plan\n\n- **flights**\n- tram 28",
                                       "tags": ["travel"], "pinned": True})
    client.post("/api/v1/notes", json={"title": "Old draft", "body": "scrap"})
    client.delete("/api/v1/notes/2", headers={"Content-Type": "application/json"})
    # The app's Content-Security-Policy refuses injected scripts, rightly: only this test's context skips it.
    context = browser.new_context(viewport={"width": 1100, "height": 760}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.entry_url)
    yield page
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_main_page_passes_axe(checked_page, live_server, scheme):
    page = checked_page
    page.emulate_media(color_scheme=scheme)
    found = {}
    for name, path in [*PAGES.items(), ("reading pane", "?note=1")]:
        page.set_viewport_size({"width": 1366, "height": 850} if name == "reading pane" else {"width": 1100, "height": 760})
        page.goto(live_server.url + path)
        if name == "reading pane":
            page.locator(".reader .note").wait_for()
        page.wait_for_load_state("networkidle")  # the sidebar is filled in after the page shows
        page.add_script_tag(content=AXE)
        result = page.evaluate("""() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
        serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
                   for v in result["violations"]
                   if v["impact"] in ("serious", "critical") or v["id"] == "color-contrast"]
        if serious:
            found[name] = serious
    assert found == {}
