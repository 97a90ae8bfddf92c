"""A first-time user's flow in a real browser: write, tag, search, trash, restore, export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.webapp.test_notes import create

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server, app):
    app.config["WTF_CSRF_ENABLED"] = True  # the real thing: forms carry their token
    context = browser.new_context(viewport={"width": 1100, "height": 760}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.entry_url)  # the shell's handshake: the session cookie, as the window gets it
    yield page
    page.close(run_before_unload=False)  # never wait on the app's unload work while the server is torn down
    context.close()


def shoot(page, artifacts_dir, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"browser-{name}.png"))


def notebook_link(page, name: str):
    """A link of the notebook sidebar, once it has loaded: until then the top bar has the same link,
    which the loaded sidebar hides (a click resolved to it just before would wait on it for good)."""
    expect(page.locator("nav.sidebar.loaded")).to_be_visible()
    return page.locator("nav.sidebar").get_by_role("link", name=name, exact=True)


def test_first_time_user_flow(page, live_server, artifacts_dir):
    base = live_server.url
    page.goto(base)
    expect(page.get_by_role("heading", name="Welcome to Inkwell")).to_be_visible()
    shoot(page, artifacts_dir, "empty-state")

    # Write a note; autosave kicks in while typing.
    page.get_by_role("link", name="Write your first note").click()
    page.get_by_label("Title").fill("Trip to Lisbon")
    page.get_by_label("Tags").fill("travel, plans")
    page.get_by_label("Text").fill("Book **flights** and a room in Alfama.\n\n- pastel de nata\n- tram 28")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    assert re.search(r"/notes/\d+/edit$", page.url)  # the new note now has its own address
    shoot(page, artifacts_dir, "editor")

    # Ctrl+S saves; the Save button saves and shows the note.
    page.get_by_label("Text").press("End")
    page.keyboard.type(" Pack light.")
    expect(page.locator("[data-save-state]")).to_have_text("Unsaved changes")
    page.keyboard.press("Control+s")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Trip to Lisbon")).to_be_visible()
    expect(page.locator(".rendered strong")).to_have_text("flights")
    shoot(page, artifacts_dir, "note")

    # Search from the keyboard.
    page.keyboard.press("Control+k")
    page.keyboard.type("lisb")
    page.keyboard.press("Enter")
    expect(page.locator(".note-title")).to_have_text(["Trip to Lisbon"])
    expect(page.locator(".note-title mark")).to_have_text("Lisbon")
    shoot(page, artifacts_dir, "search")

    # Filter by tag.
    page.goto(base)
    page.get_by_role("link", name="travel").first.click()
    expect(page.get_by_role("heading", name=re.compile("Notes tagged"))).to_be_visible()
    expect(page.locator(".note-title")).to_have_text(["Trip to Lisbon"])

    page.locator(".note-title").first.click()
    # Attach an image: it shows on the note.
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "harbour.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".flash")).to_have_text("Attached 1 file.")
    expect(page.locator(".attachment-list img")).to_have_attribute("alt", "harbour.png")

    # Export the note as Markdown.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export .md").click()
    download = download_info.value
    assert download.suggested_filename == "Trip to Lisbon.md"
    assert "Book **flights**" in Path(download.path()).read_text(encoding="utf-8")

    # Trash and restore.
    page.get_by_role("button", name="Move to trash").click()
    expect(page.locator(".flash")).to_have_text("“Trip to Lisbon” moved to the trash.")
    expect(page.locator(".note-title")).to_have_count(0)
    notebook_link(page, "Trash").click()
    expect(page.locator(".note-title")).to_have_text(["Trip to Lisbon"])
    page.get_by_role("button", name="Restore").click()
    expect(page.locator(".flash")).to_have_text("“Trip to Lisbon” restored.")
    notebook_link(page, "Notes").click()
    expect(page.locator(".note-title")).to_have_text(["Trip to Lisbon"])
    shoot(page, artifacts_dir, "list-light")
    page.emulate_media(color_scheme="dark")
    shoot(page, artifacts_dir, "list-dark")


PNG = bytes([137, 80, 78, 71, 13, 10, 26, 10]) + bytes(64)


def drop_png(page, name: str) -> None:
    """Drop a small PNG file called `name` on the editor's text, as a file manager would."""
    transfer = page.evaluate_handle("""(name) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0])], name, {type: 'image/png'}));
        return dt;
    }""", name)
    page.dispatch_event(".cm-content", "drop", {"dataTransfer": transfer})


def open_saved_note(page, live_server, title: str) -> None:
    """A new note, saved once (so it has attachments to take), open in its editor."""
    page.goto(live_server.url + "notes/new")
    page.get_by_label("Title").fill(title)
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    page.reload()  # the editor of the saved note accepts drops


def test_dropping_an_image_on_the_editor_attaches_and_links_it(page, live_server):
    open_saved_note(page, live_server, "With a picture")
    drop_png(page, "drop.png")
    expect(page.locator("textarea[name=body]")).to_have_value(re.compile(r"^!\[drop\.png\]\(/attachments/\d+/drop\.png\)$"))
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".rendered img")).to_have_attribute("alt", "drop.png")


def test_pasting_an_image_attaches_and_embeds_it(page, live_server):
    open_saved_note(page, live_server, "Pasted")
    page.get_by_label("Text").fill("Look:")
    page.locator(".cm-content").evaluate("""(content) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0])], 'shot.png', {type: 'image/png'}));
        content.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
    }""")
    expect(page.locator("textarea[name=body]")).to_have_value(
        re.compile(r"^Look:\n!\[shot\.png\]\(/attachments/\d+/shot\.png\)$"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".rendered img")).to_have_attribute("alt", "shot.png")


def test_keyboard_shortcut_for_a_new_note(page, live_server):
    page.goto(live_server.url)
    page.keyboard.press("Control+n")
    expect(page.get_by_role("heading", name="New note")).to_be_visible()


def test_no_request_leaves_the_machine(page, live_server):
    """Offline: every request the pages make goes to the app itself."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(live_server.url)
    page.goto(live_server.url + "notes/new")
    assert seen and all(url.startswith(live_server.url) for url in seen), seen


MAIN_PAGES = {
    "notes": "", "note": "notes/1", "editor": "notes/1/edit", "new-note": "notes/new", "search": "search?q=lisbon",
    "tags": "tags", "trash": "trash", "history": "notes/1/revisions", "settings": "settings/", "export": "transfer/",
    "reading": "?note=1",
}


@pytest.mark.parametrize("size", [(1366, 850), (700, 900)], ids=["wide", "narrow"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_render_cleanly(page, live_server, client, artifacts_dir, scheme, size):
    """Every main page renders, in both colour schemes, wide and narrow, with nothing refused by the
    CSP and nothing wider than the window; screenshots of each land in the artifacts folder."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    client.post("/api/v1/notes", json={"title": "Trip to Lisbon", "body": "# Plan\n\n- **flights**\n- tram 28",
                                       "tags": ["travel"]})
    client.post("/api/v1/notes", json={"title": "Old draft", "body": "scrap"})
    client.delete("/api/v1/notes/2", headers={"Content-Type": "application/json"})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in {"error", "warning"} else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.emulate_media(color_scheme=scheme)
    for name, path in MAIN_PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        expect(page.locator("h1").first).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0], f"{path} scrolls sideways"
        page.screenshot(path=str(artifacts_dir / f"page-{name}-{scheme}-{size[0]}x{size[1]}.png"), full_page=True)
    assert problems == []


def test_the_note_font_size_setting_sizes_the_editor_too(page, live_server, app):
    from webapp.services import settings

    with app.app_context():
        settings.save({"font_size": 20})
    page.goto(live_server.url + "notes/new")
    assert page.get_by_label("Text").evaluate("el => getComputedStyle(el).fontSize") == "20px"


def note_bodies(app) -> list[str]:
    from webapp.extensions import db
    from webapp.models import Note

    with app.app_context():
        return [note.body for note in db.session.scalars(db.select(Note))]


def test_the_shells_flush_saves_what_was_just_typed(page, live_server, app):
    """What the desktop shell does before the window closes: no autosave delay, nothing lost."""
    page.goto(live_server.url + "notes/new")
    page.get_by_label("Title").fill("Mid-sentence")
    page.get_by_label("Text").fill("The last words before clos")
    page.evaluate("() => window.desktopFlush()")  # resolves once saved
    assert note_bodies(app) == ["The last words before clos"]
    page.get_by_label("Text").press("End")
    page.keyboard.type("ing")
    page.evaluate("() => window.desktopFlush()")
    assert note_bodies(app) == ["The last words before closing"]


def test_leaving_the_editor_by_a_link_saves_first_and_never_asks(page, live_server, app):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "notes/new")
    page.get_by_label("Title").fill("Leaving")
    page.get_by_label("Text").fill("typed just before clicking away")
    page.get_by_role("link", name="Inkwell").first.click()
    expect(page).to_have_url(live_server.url)
    assert note_bodies(app) == ["typed just before clicking away"] and dialogs == []


def test_a_new_note_is_named_once_autosave_has_created_it(page, live_server):
    page.goto(live_server.url + "notes/new")
    expect(page).to_have_title("New note · Inkwell")
    page.get_by_label("Title").fill("Groceries")
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at \d{1,2}:\d{2}:\d{2}"))
    expect(page).to_have_title("Edit Groceries · Inkwell")  # the desktop window's title bar follows it
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit note")


def test_history_keeps_one_revision_per_sitting_not_per_autosave(page, live_server, app):
    from webapp.extensions import db
    from webapp.models import Revision

    def revisions() -> int:
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(Revision))

    page.goto(live_server.url + "notes/new")
    page.get_by_label("Title").fill("Sitting")
    text = page.get_by_label("Text")
    for words in ("one", " two", " three"):  # three autosaves
        text.press("End")
        page.keyboard.type(words)
        expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    assert revisions() == 1
    page.keyboard.press("Control+s")  # an explicit save closes the sitting's revision...
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    text.press("End")
    page.keyboard.type(" four")  # ...so what comes after is the next one
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    assert revisions() == 2


def test_dates_show_in_the_users_time_zone(browser, live_server, client):
    from datetime import datetime, timedelta, timezone

    create(client, "Dated")
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
    try:
        page = context.new_page()
        page.goto(live_server.entry_url)
        shown = page.locator(".note-card time").first
        expect(shown).not_to_contain_text("UTC")
        tokyo = datetime.now(timezone.utc) + timedelta(hours=9)
        assert tokyo.strftime("%b") in shown.inner_text() and str(tokyo.day) in shown.inner_text()
        assert "UTC" in shown.get_attribute("title")  # the exact moment stays at hand
    finally:
        context.close()


def conflicted_editor(page, live_server):
    """An editor open on a note that a script then changes through the API: the next autosave conflicts."""
    from tests.webapp.test_concurrency import call

    status, note = call(live_server, "POST", "api/v1/notes", {"title": "Shared", "body": "the first text"})
    assert status == 201
    page.goto(live_server.url + f"notes/{note['id']}/edit")
    status, _ = call(live_server, "PATCH", f"api/v1/notes/{note['id']}", {"body": "their text", "version": 1})
    assert status == 200
    page.get_by_label("Text").fill("my text")
    expect(page.get_by_role("heading", name="This note was changed somewhere else")).to_be_visible()
    expect(page.locator("[data-conflict-theirs]")).to_have_text("Shared\n\ntheir text")
    return note


def test_a_conflict_shows_both_versions_and_keeping_mine_saves_it(page, live_server, app):
    conflicted_editor(page, live_server)
    page.get_by_role("button", name="Keep mine").click()
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at"))
    assert note_bodies(app) == ["my text"]  # theirs is in the history


def test_a_conflict_can_take_the_other_version(page, live_server, app):
    conflicted_editor(page, live_server)
    page.get_by_role("button", name="Take the other").click()
    expect(page.locator("textarea[name=body]")).to_have_value("their text")
    expect(page.locator("[data-conflict]")).to_be_hidden()
    assert note_bodies(app) == ["their text"]


def test_a_conflict_can_save_mine_as_a_new_note(page, live_server, app):
    conflicted_editor(page, live_server)
    conflicted = page.url  # /notes/1/edit: the new note's editor is another address
    page.get_by_role("button", name="Save mine as a new note").click()
    expect(page).not_to_have_url(conflicted)
    expect(page).to_have_url(re.compile(r"/notes/\d+/edit$"))
    expect(page.locator("textarea[name=body]")).to_have_value("my text")  # the new note's editor, fully loaded
    page.wait_for_load_state("networkidle")  # its preview and sidebar requests answered before the page closes
    assert sorted(note_bodies(app)) == ["my text", "their text"]
    page.goto(live_server.url + "healthz")  # end on a page with no script at work


def test_a_new_token_is_in_view_with_a_copy_button(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + "settings/")
    page.get_by_label("Token name").fill("backup script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("[data-new-token]")
    expect(token).to_be_in_viewport()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == token.inner_text()


def test_a_lock_password_mismatch_is_in_view(page, live_server):
    page.goto(live_server.url + "settings/")
    page.get_by_label("New password (or PIN)").fill("abcd1234")
    page.get_by_label("Repeat the new password").fill("abcd9999")
    page.get_by_role("button", name="Save lock settings").click()
    expect(page.get_by_text("The passwords differ.")).to_be_in_viewport()


def test_a_dropped_image_goes_on_a_line_of_its_own(page, live_server):
    open_saved_note(page, live_server, "Glued?")
    page.get_by_label("Text").fill("A word")
    drop_png(page, "pic.png")
    expect(page.locator("textarea[name=body]")).to_have_value(re.compile(r"^A word\n!\[pic\.png\]\(/attachments/\d+/pic\.png\)$"))
    expect(page.get_by_role("button", name="Insert in the text")).to_have_count(0)  # listed after the next load
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".rendered img")).to_have_attribute("alt", "pic.png")  # saved: the note is shown
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("button", name="Insert in the text")).to_have_count(1)


def test_the_editor_previews_formats_and_continues_lists(page, live_server):
    page.goto(live_server.url + "notes/new")
    text = page.get_by_label("Text")
    text.click()
    page.keyboard.type("Pack ")
    page.keyboard.press("Control+b")
    page.keyboard.type("light")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("- socks")
    page.keyboard.press("Enter")
    page.keyboard.type("boots")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("```python\nprint('hi')\n```")
    expect(page.locator("textarea[name=body]")).to_have_value("Pack **light**\n- socks\n- boots\n```python\nprint('hi')\n```")
    preview = page.locator("[data-preview]")
    expect(preview.locator("strong")).to_have_text("light")  # the same pipeline as the saved note
    expect(preview.locator("li")).to_have_text(["socks", "boots"])
    expect(preview.locator("code .nb")).to_have_text("print")  # highlighted by Pygments on the server
    assert page.locator("[data-shortcut=search]").evaluate("el => el !== document.activeElement")  # Ctrl+K? no


def test_the_preview_is_as_safe_as_the_note(page, live_server):
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "notes/new")
    page.get_by_label("Text").fill('<img src=x onerror=alert(1)> [x](javascript:alert(2)) <script>alert(3)</script>')
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text, never run
    assert preview.locator("img, script, a[href^=javascript]").count() == 0 and alerts == []


def test_the_list_continues_as_it_scrolls(page, live_server, app):
    from webapp.services import notes

    with app.app_context():
        for number in range(75):  # three pages of 30
            notes.create(notes.validate(f"Note {number:02}", "text", ""))
    page.goto(live_server.url)
    cards = page.locator(".note-card")
    expect(cards).to_have_count(30)
    page.locator("nav.pagination").scroll_into_view_if_needed()
    expect(cards).to_have_count(60)
    page.locator("nav.pagination").scroll_into_view_if_needed()
    expect(cards).to_have_count(75)
    expect(page.locator("nav.pagination")).to_have_count(0)


def test_search_as_you_type(page, live_server, app):
    from webapp.services import notes

    with app.app_context():
        notes.create(notes.validate("Lisbon trip", "pastel de nata", ""))
        notes.create(notes.validate("Porto trip", "francesinha", ""))
    page.goto(live_server.url)
    page.get_by_role("searchbox", name="Search notes").press_sequentially("tri")
    expect(page).to_have_url(re.compile(r"/search\?q=tri$"))
    expect(page.locator(".note-title")).to_have_count(2)
    page.get_by_role("searchbox", name="Search notes").press_sequentially("p lis")  # keeps typing, no click
    expect(page.locator(".note-title")).to_have_text(["Lisbon trip"])
    expect(page).to_have_url(re.compile(r"q=trip%20lis$"))


def test_an_existing_notes_preview_fills_in_after_the_editor_shows(page, live_server, app):
    from webapp.services import notes

    with app.app_context():
        note_id = notes.create(notes.validate("Ready", "**bold** start", "")).id
    page.goto(live_server.url + f"notes/{note_id}/edit")
    expect(page.locator("[data-preview] strong")).to_have_text("bold")


def test_a_wide_window_reads_notes_beside_the_list(page, live_server, app):
    from webapp.services import notes

    with app.app_context():
        for title in ("Oldest", "Middle", "Newest"):
            notes.create(notes.validate(title, f"# {title}\n\nabout {title.lower()}", ""))
    page.set_viewport_size({"width": 1366, "height": 850})
    page.goto(live_server.url)
    reader = page.get_by_role("region", name="Selected note")
    expect(reader).to_contain_text("Choose a note")
    page.get_by_role("link", name="Middle", exact=True).click()
    expect(reader.get_by_role("heading", name="Middle", level=2)).to_be_visible()
    expect(reader.locator(".rendered")).to_contain_text("about middle")
    expect(page.get_by_role("heading", name="Notes", level=1)).to_be_visible()  # the list stays
    expect(page).to_have_url(re.compile(r"\?note=2$"))
    expect(page).to_have_title(re.compile(r"^Middle · "))
    expect(page.get_by_role("link", name="Middle", exact=True)).to_have_attribute("aria-current", "true")
    page.keyboard.press("ArrowDown")  # the list walks from the keyboard
    expect(reader.get_by_role("heading", name="Oldest", level=2)).to_be_visible()
    page.go_back()
    expect(reader.get_by_role("heading", name="Middle", level=2)).to_be_visible()
    page.reload()  # the address keeps the note
    expect(reader.get_by_role("heading", name="Middle", level=2)).to_be_visible()
    reader.get_by_role("button", name="Pin").click()  # an action comes back to the same view
    expect(reader.get_by_role("button", name="Unpin")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?note=2$"))
    reader.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit note")).to_be_visible()
    page.go_back()
    page.set_viewport_size({"width": 700, "height": 900})
    page.reload()  # narrow: one pane, the link opens the note's page
    page.get_by_role("link", name="Newest", exact=True).click()
    expect(page.locator(".page-head h1")).to_have_text("Newest")
    expect(page).to_have_url(re.compile(r"/notes/3$"))


def test_a_wide_window_has_the_notebook_sidebar(page, live_server, app):
    from webapp.services import notes

    with app.app_context():
        keys = notes.create(notes.validate("Keys", "on the hook", "home"))
        notes.set_pinned(keys, True)
        notes.create(notes.validate("Milk", "buy", "home, errands"))
    page.set_viewport_size({"width": 1366, "height": 850})
    page.goto(live_server.url)
    sidebar = page.get_by_role("navigation", name="Notebook")
    expect(sidebar.get_by_role("link", name="Notes")).to_have_attribute("aria-current", "page")
    expect(page.locator(".topbar .nav").get_by_role("link", name="Trash")).to_be_hidden()  # it is in the sidebar
    sidebar.get_by_role("link", name="Pinned").click()
    expect(page.get_by_role("heading", name="Pinned notes")).to_be_visible()
    expect(page.locator(".note-title")).to_have_text(["Keys"])
    expect(sidebar.get_by_role("link", name="home")).to_have_attribute("title", "2 notes")
    page.set_viewport_size({"width": 700, "height": 900})
    expect(sidebar).to_be_hidden()  # narrow: the top bar has the links
