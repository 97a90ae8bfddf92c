"""The window shows the app's own pages; links elsewhere open in the user's browser (or nowhere, in kiosk mode)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from desktop.navigation import NavigationPolicy
from tests.support.processes import running_shell, shell_env, wait_for, wait_for_exit
from tests.support.screen import wait_for_window

HERE = Path(__file__).parent
BASE = "http://127.0.0.1:5123/"


@pytest.fixture
def opened(monkeypatch):
    """URLs handed to the system browser."""
    urls: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: urls.append(url) or True)
    return urls



@pytest.mark.parametrize("url", [BASE, BASE + "notes/1?x=1#top", "http://localhost:5123/tags", "about:blank",
                                 "blob:http://127.0.0.1:5123/6f1c-uuid"])
def test_the_apps_own_pages_stay_in_the_window(url, opened):
    assert NavigationPolicy(BASE).keep_in_window(url)
    assert opened == []


@pytest.mark.parametrize("url", ["https://example.org/", "http://127.0.0.1:5124/", "https://127.0.0.1:5123/",
                                 "mailto:someone@example.org"])
def test_links_elsewhere_open_in_the_system_browser(url, opened):
    assert not NavigationPolicy(BASE).keep_in_window(url)
    wait_for(lambda: opened == [url])


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/",
                                 "blob:https://evil.example/x"])
def test_other_schemes_open_nowhere(url, opened):
    assert not NavigationPolicy(BASE).keep_in_window(url)
    time.sleep(0.1)  # give a (wrong) browser thread the chance to run
    assert opened == []


def test_kiosk_mode_keeps_the_user_inside_the_app(opened):
    policy = NavigationPolicy(BASE, kiosk=True)
    assert policy.keep_in_window(BASE + "notes")
    assert not policy.keep_in_window("https://example.org/")
    time.sleep(0.1)
    assert opened == []


@pytest.mark.gui
def test_clicking_a_link_to_another_site_opens_the_browser_not_the_window(display_env, tmp_path, home, workdir):
    opened = tmp_path / "browser-opened.txt"
    recorder = "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\n')"
    env = shell_env(display_env, home, PYTHONPATH=str(HERE),
                    BROWSER=f"{sys.executable} -c \"{recorder}\" {opened} %s")
    args = ["--data-dir", str(tmp_path / "d"), "--app", "sample_apps:create_app_with_links"]
    with running_shell(args, env=env, cwd=workdir) as proc:
        # The page clicks its links in turn: the two foreign ones leave it in place, the own one navigates.
        wait_for_window(display_env, "Second", timeout=60)
        wait_for(lambda: opened.exists() and len(opened.read_text().split()) == 2, timeout=15)
        assert opened.read_text().split() == ["https://example.invalid/page?q=1", "http://127.0.0.1:1234/"]
        proc.terminate()
        assert wait_for_exit(proc, timeout=10)[0] == 0
