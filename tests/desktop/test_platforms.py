"""What each OS backend decides, tested here by name: the logic runs on any machine."""

from __future__ import annotations

from pathlib import Path

from desktop.platforms import fallback, linux, macos, windows


def test_the_window_icon_is_a_format_each_toolkit_can_load(tmp_path):
    """WinForms throws on a PNG inside the window's thread (issue 14, item 1): no window at all."""
    png, ico, cache = tmp_path / "icon.png", tmp_path / "app.ico", tmp_path / "cache"
    assert linux.window_icon(png, cache) == str(png)  # not an image GTK can read: as it is
    assert windows.window_icon(png, cache) is None and windows.window_icon(ico, cache) == str(ico)
    assert macos.window_icon(png, cache) is None and fallback.window_icon(png, cache) is None
    assert all(backend.window_icon(None, cache) is None for backend in (linux, windows, macos, fallback))


def test_every_backend_offers_the_same_interface():
    names = {"GUI", "prepare_environment", "adapt_webview", "close_modal_dialogs", "watch_kiosk_input",
             "watch_close_keys", "follow_page_title", "window_icon", "set_app_identity", "has_display",
             "show_error_dialog", "try_lock", "channel_address"}
    for backend in (linux, windows, macos, fallback):
        assert names <= set(vars(backend)), (backend.__name__, names - set(vars(backend)))
    assert Path(linux.__file__).parent.name == "platforms"


def test_the_new_parts_of_the_interface_are_everywhere():
    names = {"KIOSK", "prepare_console", "engine_problem", "on_terminate", "restrict_to_owner", "allow_foreground",
             "MENU_ROLES", "install_menu_bar", "perform_role", "show_about", "open_folder",
             "window_is_active", "install_tray"}
    for backend in (linux, windows, macos, fallback):
        assert names <= set(vars(backend)), (backend.__name__, names - set(vars(backend)))
    assert linux.KIOSK and not windows.KIOSK and not macos.KIOSK and not fallback.KIOSK


# --- Windows: WebView2's navigation events ask the shell first (issue 14, item 2) -------------

class FakeEdgeChrome:
    """pywebview's EdgeChrome, as far as the shell's wrapping goes."""

    def __init__(self) -> None:
        self.started, self.loaded = [], []

    def on_navigation_start(self, sender, args):
        self.started.append(str(args.Uri))

    def on_new_window_request(self, sender, args):  # pywebview's: opens every one in the browser
        raise AssertionError("replaced by the shell's")

    def load_url(self, url):
        self.loaded.append(url)


class EdgeArgs:
    def __init__(self, uri: str) -> None:
        self.Uri, self.Cancel, self.Handled = uri, False, False


def own_pages_only(url: str) -> bool:
    return url.startswith("http://127.0.0.1:5000/")


def test_webview2_keeps_other_sites_out_of_the_window():
    edge_class = type("EdgeChrome", (FakeEdgeChrome,), {})
    windows.adapt_edge(edge_class, own_pages_only)
    edge = edge_class()
    foreign, own = EdgeArgs("https://example.com/"), EdgeArgs("http://127.0.0.1:5000/notes/1")
    edge.on_navigation_start(None, foreign)
    edge.on_navigation_start(None, own)
    assert foreign.Cancel and not own.Cancel and edge.started == ["http://127.0.0.1:5000/notes/1"]
    popup, own_popup = EdgeArgs("https://example.com/"), EdgeArgs("http://127.0.0.1:5000/help")
    edge.on_new_window_request(None, popup)
    edge.on_new_window_request(None, own_popup)
    assert popup.Handled and own_popup.Handled  # never a second window
    assert edge.loaded == ["http://127.0.0.1:5000/help"]


def test_windows_refuses_the_internet_explorer_fallback(monkeypatch):
    """pywebview falls back to MSHTML with only a warning when WebView2 is missing (item 10)."""
    import sys
    import types

    fake = types.ModuleType("webview.platforms.winforms")
    monkeypatch.setitem(sys.modules, "webview.platforms.winforms", fake)
    fake.renderer = "mshtml"
    assert "WebView2 Runtime" in windows.engine_problem()
    fake.renderer = "edgechromium"
    assert windows.engine_problem() is None


def test_a_windowed_build_writes_to_the_console_it_was_started_from(monkeypatch, tmp_path):
    """sys.stdout is None in a windowed build: --help and errors printed nothing (item 6)."""
    import sys

    console = tmp_path / "CONOUT"
    monkeypatch.setattr(sys, "stdout", None)
    windows.reopen_standard_streams(str(console))
    print("usage: notes [--help]", flush=True)
    assert console.read_text() == "usage: notes [--help]\n"
    sys.stdout.close()


def test_windows_secrets_get_an_owner_only_acl(tmp_path):
    """Windows ignores 0600/0700 (item 7): inheritance removed, the user alone granted."""
    secret = tmp_path / "secret_key"
    secret.write_text("k")
    assert windows.owner_only_acl_command(secret, "ana", "PC") == [
        "icacls", str(secret), "/inheritance:r", "/grant:r", "PC\\ana:F"]
    assert windows.owner_only_acl_command(tmp_path, "ana", "")[-1] == "ana:(OI)(CI)F"  # what it holds inherits
    assert windows.owner_only_acl_command(secret, "", "PC") is None


def test_new_user_folders_are_restricted_to_their_owner(tmp_path, monkeypatch):
    from desktop import platforms
    from desktop.paths import resolve_paths

    restricted = []
    monkeypatch.setattr(platforms.current(), "restrict_to_owner", restricted.append)
    paths = resolve_paths("Notes", tmp_path / "data")
    paths.create()
    assert set(restricted) == {paths.data, paths.config, paths.logs, paths.cache}
    restricted.clear()
    paths.create()  # existing folders are left as they are
    assert restricted == []


# --- macOS: WKWebView's delegates, and Cocoa's terminate (items 2 and 9) ------------------------

def fake_browser_view():
    class BrowserDelegate:
        def webView_decidePolicyForNavigationAction_decisionHandler_(self, webview, action, handler):
            handler("pywebview's decision")

        def webView_createWebViewWithConfiguration_forNavigationAction_windowFeatures_(self, *args):
            raise AssertionError("replaced by the shell's")

    class AppDelegate:
        allow = True

        def applicationShouldTerminate_(self, app):
            return self.allow

    return type("BrowserView", (), {"BrowserDelegate": BrowserDelegate, "AppDelegate": AppDelegate})


class Action:
    def __init__(self, url: str) -> None:
        self.url = url

    def request(self):
        return self

    def URL(self):
        return self

    def absoluteString(self):
        return self.url


def test_wkwebview_keeps_other_sites_out_of_the_window():
    view = fake_browser_view()
    macos.adapt_cocoa(view, own_pages_only)
    delegate = view.BrowserDelegate()
    decisions = []
    delegate.webView_decidePolicyForNavigationAction_decisionHandler_(None, Action("https://example.com/"),
                                                                      decisions.append)
    delegate.webView_decidePolicyForNavigationAction_decisionHandler_(None, Action("http://127.0.0.1:5000/"),
                                                                      decisions.append)
    assert decisions == [macos.WK_POLICY_CANCEL, "pywebview's decision"]

    loaded = []
    webview = type("WebView", (), {"loadRequest_": lambda self, request: loaded.append(request.url)})()
    create = delegate.webView_createWebViewWithConfiguration_forNavigationAction_windowFeatures_
    assert create(webview, None, Action("https://example.com/"), None) is None
    assert create(webview, None, Action("http://127.0.0.1:5000/help"), None) is None
    assert loaded == ["http://127.0.0.1:5000/help"]


def test_cocoas_quit_runs_the_shells_shutdown_before_the_process_ends(monkeypatch):
    import threading

    view = fake_browser_view()
    macos.adapt_cocoa(view, own_pages_only)
    delegate = view.AppDelegate()
    delegate.allow = False  # the page is still saving: Cocoa must not end the process yet
    assert delegate.applicationShouldTerminate_(None) == macos.NS_TERMINATE_CANCEL
    delegate.allow = True
    monkeypatch.setattr(macos, "_on_terminate", None)
    assert delegate.applicationShouldTerminate_(None) == macos.NS_TERMINATE_NOW

    shut_down, replied = threading.Event(), threading.Event()
    app = type("App", (), {"replyToApplicationShouldTerminate_": lambda self, ok: ok and replied.set()})()
    macos.on_terminate(shut_down.set)
    try:
        assert delegate.applicationShouldTerminate_(app) == macos.NS_TERMINATE_LATER
        assert shut_down.wait(5) and replied.wait(5)  # first our shutdown, then Cocoa's
    finally:
        macos.on_terminate(None)


def test_the_terminate_path_saves_the_window_and_shuts_down(tmp_path):
    from desktop.kit import KitSettings
    from desktop.window import NativeWindow
    from desktop.windowstate import WindowState, load_window_state

    state_file = tmp_path / "window-state.json"
    window = NativeWindow(KitSettings(name="Notes", factory="x:y"), "http://127.0.0.1:1/", storage_path=tmp_path,
                          state_file=state_file)
    window._tracker = type("Tracker", (), {"state": WindowState(width=900, height=700, x=5, y=6)})()
    stopped = []
    window.shutdown_hooks.append(lambda: stopped.append("server"))
    window._terminating()
    assert window.closed.is_set() and stopped == ["server"]
    assert load_window_state(state_file, WindowState(width=1, height=1)) == WindowState(width=900, height=700, x=5, y=6)


def test_macos_builds_are_signed_by_pyinstaller_with_the_entitlements(monkeypatch):
    """Not `codesign --deep` afterwards (item 12): PyInstaller signs each binary as it builds."""
    import plistlib

    from desktop.builder import specfile

    monkeypatch.setattr(specfile.sys, "platform", "darwin")
    monkeypatch.delenv(specfile.CODESIGN_ENV, raising=False)
    monkeypatch.setenv(specfile.TARGET_ARCH_ENV, "x86_64")
    assert specfile.SpecInputs.exe_kwargs() == {"codesign_identity": None, "entitlements_file": None,
                                                "target_arch": "x86_64"}
    monkeypatch.setenv(specfile.CODESIGN_ENV, "Developer ID Application: Ana (TEAM1)")
    kwargs = specfile.SpecInputs.exe_kwargs()
    entitlements = plistlib.loads(Path(kwargs["entitlements_file"]).read_bytes())
    assert kwargs["codesign_identity"] == "Developer ID Application: Ana (TEAM1)"
    assert entitlements["com.apple.security.cs.disable-library-validation"] is True
    monkeypatch.setattr(specfile.sys, "platform", "win32")
    assert specfile.SpecInputs.exe_kwargs() == {} == specfile.SpecInputs.collect_kwargs()


def test_linux_bundles_are_stripped_where_binutils_is_installed(monkeypatch):
    """Issue 16: a third of the bundle was symbol tables, which nothing reads at run time."""
    from desktop.builder import specfile

    monkeypatch.setattr(specfile.sys, "platform", "linux")
    monkeypatch.setattr(specfile.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert specfile.SpecInputs.exe_kwargs() == {"strip": True} == specfile.SpecInputs.collect_kwargs()
    monkeypatch.setattr(specfile.shutil, "which", lambda name: None)  # no binutils: built as before
    assert specfile.SpecInputs.collect_kwargs() == {}


def test_the_windows_installer_stays_per_user_and_replaces_old_files():
    """Item 11: no elevated "all users" override, associations refreshed, the old bundle removed."""
    from desktop.builder.specfile import RESOURCES

    script = (RESOURCES / "installer.iss").read_text()
    assert "PrivilegesRequired=lowest" in script and "PrivilegesRequiredOverridesAllowed" not in script
    assert "ChangesAssociations=yes" in script
    install_delete = script.split("[InstallDelete]", 1)[1].split("\n[", 1)[0]
    assert '{app}\\_internal' in install_delete
