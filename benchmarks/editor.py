"""Editor benchmark, in a real Chromium (Playwright): how it feels to type in a long note.

    python benchmarks/editor.py [--words 5000] [--runs 30]

Side by side in one run, medians:
- keystroke -> preview updated, on a note of --words words (target < 100 ms at p50), from the key
  event to the new preview in the page, against the floor: the server pipeline alone
  (markdown-it-py + nh3) rendering the same text;
- editor ready after navigation: from clicking Edit on the note to the editor being ready to type
  (target < 150 ms), against following a link to a bare page of the same app (the app's own floor).
  Both are timed inside the browser from the click event's timestamp.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.server import LocalServer  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.config import ProductionConfig  # noqa: E402
from webapp.markdown import render  # noqa: E402
from webapp.services import demo  # noqa: E402


class BenchConfig(ProductionConfig):
    SECRET_KEY = "bench"


def long_note(words: int) -> str:
    """A realistic long Markdown note: headings, lists, emphasis, a table, a code block."""
    rng = random.Random(5)
    parts, count = [], 0
    while count < words:
        parts.append(f"## {' '.join(rng.sample(demo.WORDS, 3)).title()}\n")
        sentence = " ".join(rng.choice(demo.WORDS) for _ in range(60))
        parts.append(f"{sentence} **{rng.choice(demo.WORDS)}** and *{rng.choice(demo.WORDS)}*.\n")
        parts.append("".join(f"- {' '.join(rng.sample(demo.WORDS, 4))}\n" for _ in range(5)) + "\n")
        count += 3 + 62 + 20
    parts.append("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```python\nprint('done')\n```\n")
    return "\n".join(parts)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    text = long_note(args.words)
    floor = []
    for _ in range(args.runs):
        started = time.perf_counter()
        render(text + "x")
        floor.append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(BenchConfig, instance_path=folder)
        with app.app_context():
            from webapp.services import notes

            note = notes.create(notes.validate("Long note", text, ""))
            note_id = note.id
        server = LocalServer(app_name="Inkwell", bearer_path="/api/")
        server.serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1366, "height": 850})
                # Times taken inside the browser, from the click's own timestamp: what a user waits
                # for, without the test driver's round trips. The editor is ready when the page's
                # script hands the shell its flush hook (its last step, after the editor exists).
                page.add_init_script("""
                    addEventListener('click', (e) => sessionStorage.clickedAt = performance.timeOrigin + e.timeStamp, true);
                    Object.defineProperty(window, 'desktopFlush', { configurable: true, get() { return this._flush; },
                        set(v) { window.readyAt = performance.timeOrigin + performance.now(); this._flush = v; } });
                """)
                page.goto(server.entry_url)
                ready, bare = [], []
                since_click = "() => %s - Number(sessionStorage.clickedAt)"
                for _ in range(args.runs):
                    page.goto(f"{server.url}notes/{note_id}")
                    page.click("[data-shortcut=edit]")
                    page.wait_for_function("() => window.readyAt")
                    ready.append(page.evaluate(since_click % "window.readyAt") / 1000)
                    page.goto(f"{server.url}notes/{note_id}")
                    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<a id=bare href=/healthz>x</a>')")
                    page.click("#bare")
                    page.wait_for_load_state("domcontentloaded")
                    bare.append(page.evaluate(since_click % (
                        "(performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)")) / 1000)
                page.goto(f"{server.url}notes/{note_id}/edit")
                page.click(".cm-content")
                page.keyboard.press("Control+End")
                page.wait_for_function("() => document.querySelector('[data-preview]').dataset.previews")
                # From the key event's timestamp to the moment the new preview is in the page.
                page.evaluate("""() => {
                    addEventListener('keydown', (e) => window.keyAt = e.timeStamp, true);
                    new MutationObserver(() => window.previewAt = performance.now()).observe(
                        document.querySelector('[data-preview]'), { attributes: true, attributeFilter: ['data-previews'] });
                }""")
                keystrokes = []
                for _ in range(args.runs):
                    before = int(page.get_attribute("[data-preview]", "data-previews") or 0)
                    page.keyboard.type("x")
                    page.wait_for_function(
                        f"() => Number(document.querySelector('[data-preview]').dataset.previews || 0) > {before}")
                    keystrokes.append(page.evaluate("() => window.previewAt - window.keyAt") / 1000)
                browser.close()
        finally:
            server.stop()

    print(f"\neditor benchmark, {args.words:,}-word note, median of {args.runs} (Chromium, 127.0.0.1)\n")
    rows = [
        ("keystroke -> preview updated", median_ms(keystrokes), median_ms(floor), 100),
        ("editor ready after navigation", median_ms(ready), median_ms(bare), 150),
    ]
    print(f"{'measure':<32}{'ours':>9}{'floor':>9}{'ratio':>8}  target")
    for label, ours, base, target in rows:
        verdict = "met" if ours < target else "NOT MET"
        print(f"{label:<32}{ours:>7.0f}ms{base:>7.0f}ms{ours / base:>8.2f}  < {target} ms: {verdict}")
    print("\nfloors: the server pipeline alone on the same text; navigating to a bare page of the app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
