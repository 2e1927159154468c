"""Open ``report.html`` in a real browser, as a reader would, and check it.

A small real report (the hidden ``--smoke`` mode on one forecasting and one
classification task, a few seconds) is built once for the module and opened
in headless Chromium driven by playwright-python, with the system's Chromium
(``executable_path``: no browser download). The page is shown on a phone-like
screen, 400 CSS pixels wide (mobile emulation: a page without a viewport tag
is laid out 980 pixels wide there, as on a real phone).

Checked: every image decodes and every inline SVG draws something; the page
requests nothing but ``file:`` and ``data:`` URLs (every request is routed,
anything else is blocked and reported); no console errors and no uncaught
page errors; every in-page link ``href="#x"`` has an element with id ``x``;
the page has a viewport tag and nothing makes it scroll sideways (a wide table
may scroll inside its own wrapper, the page itself may not).

The browser is found through ``SKSEQ_CHROMIUM`` (a path to the executable),
then ``chromium``, ``chromium-browser``, ``google-chrome`` and Chrome on the
``PATH``, then the usual install paths. Without playwright or a browser the
tests are skipped with a reason that names the fix.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skseq.cli import main

WIDTH = 400  # CSS pixels: a small phone
HEIGHT = 800
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
BROWSER_PATHS = (
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome executable, or None when there is none.

    ``SKSEQ_CHROMIUM`` wins when set; a value that is not an executable file
    is an error (it names what was tried), not a reason to look elsewhere.
    """
    chosen = os.environ.get("SKSEQ_CHROMIUM", "").strip()
    if chosen:
        path = shutil.which(chosen) or chosen
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            pytest.fail(
                f"SKSEQ_CHROMIUM={chosen!r} is not an executable file: point it "
                "at a Chromium or Chrome binary, or unset it"
            )
        return path
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in BROWSER_PATHS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@dataclass
class LoadedPage:
    """The report open in the browser, with what happened while it loaded."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real report of one forecasting and one classification task."""
    out = tmp_path_factory.mktemp("browser") / "report"
    argv = ["benchmark", "--smoke", "--tasks", "stock,italy-power"]
    assert main([*argv, "--n-jobs", "1", "--out", str(out), "-qq"]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "playwright is not installed: pip install playwright "
            "(or pip install -e '.[test]'); no browser download is needed"
        )
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found: apt-get install chromium (Debian/Ubuntu), or set "
            "SKSEQ_CHROMIUM to a Chromium or Chrome executable"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def loaded(browser: Any, report_html: Path) -> Iterator[LoadedPage]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    result = LoadedPage(page)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            result.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("websocket", lambda ws: result.blocked.append(ws.url))
    page.on(
        "console",
        lambda msg: (
            result.console_errors.append(f"{msg.text} ({msg.location})")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: result.page_errors.append(str(error)))
    page.goto(report_html.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    yield result
    context.close()


def test_every_image_decodes(loaded: LoadedPage) -> None:
    broken = loaded.page.evaluate(
        """async () => {
            const bad = [];
            for (const img of document.images) {
                const name = img.alt.slice(0, 60) || img.src.slice(0, 60);
                try { await img.decode(); } catch (e) { bad.push(name); continue; }
                if (!img.complete || img.naturalWidth === 0) bad.push(name);
            }
            return bad;
        }"""
    )
    n_images = loaded.page.evaluate("document.images.length")
    n_svg = loaded.page.evaluate("document.querySelectorAll('svg').length")
    assert n_images + n_svg > 0, "the report shows no figure at all"
    assert broken == [], f"{len(broken)} of {n_images} images do not decode: {broken}"


def test_inline_svg_figures_draw_something(loaded: LoadedPage) -> None:
    empty = loaded.page.evaluate(
        """() => [...document.querySelectorAll('svg')]
            .filter(svg => !svg.parentElement.closest('svg'))
            .filter(svg => {
                const box = svg.getBoundingClientRect();
                const marks = svg.querySelector('path, rect, circle, line, polyline, polygon, text, image, use');
                return box.width === 0 || box.height === 0 || marks === null;
            })
            .map(svg => svg.id || svg.getAttribute('aria-label') || svg.outerHTML.slice(0, 80))"""
    )
    assert empty == [], f"inline SVG figures with no size or nothing drawn: {empty}"


def test_nothing_outside_the_file_is_requested(loaded: LoadedPage) -> None:
    assert loaded.blocked == [], f"the page requested (blocked): {loaded.blocked}"


def test_no_console_or_page_errors(loaded: LoadedPage) -> None:
    errors = loaded.console_errors + [f"uncaught: {e}" for e in loaded.page_errors]
    assert errors == [], f"the page logged errors: {errors}"


def test_in_page_links_resolve(loaded: LoadedPage) -> None:
    links = loaded.page.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')]
            .map(a => a.getAttribute('href'))"""
    )
    assert links, "no in-page links: the report has no table of contents"
    dangling = loaded.page.evaluate(
        """(links) => links.filter(href => href !== '#' &&
            document.getElementById(decodeURIComponent(href.slice(1))) === null)""",
        links,
    )
    assert dangling == [], f"links to ids that do not exist: {sorted(set(dangling))}"
    duplicated = loaded.page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
            return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
        }"""
    )
    assert duplicated == [], f"ids used more than once: {duplicated}"


def test_page_has_a_viewport_tag(loaded: LoadedPage) -> None:
    content = loaded.page.evaluate(
        """() => {
            const meta = document.querySelector('meta[name="viewport"]');
            return meta === null ? null : meta.getAttribute('content');
        }"""
    )
    assert content is not None, (
        "no <meta name='viewport'>: phones lay it out 980 px wide"
    )
    assert "width=device-width" in content.replace(" ", ""), content


def test_nothing_scrolls_sideways_on_a_phone(loaded: LoadedPage) -> None:
    width = loaded.page.evaluate("document.documentElement.scrollWidth")
    if width <= WIDTH:
        return
    layout = loaded.page.evaluate("window.innerWidth")
    if layout > WIDTH:
        pytest.fail(
            f"at {WIDTH} px the page is laid out {layout} px wide and is {width} px "
            "wide: without <meta name='viewport' content='width=device-width'> "
            "a phone zooms out or scrolls sideways"
        )
    # Name the widest elements that stick out and are not inside a wrapper
    # that scrolls on its own, to say what to fix.
    culprits = loaded.page.evaluate(
        """(limit) => {
            const scrolls = el => {
                for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                    const o = getComputedStyle(p).overflowX;
                    if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
                }
                return false;
            };
            return [...document.body.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().right > limit + 1 && !scrolls(el))
                .filter(el => ![...el.children].some(
                    c => c.getBoundingClientRect().right >= el.getBoundingClientRect().right))
                .slice(0, 5)
                .map(el => `<${el.tagName.toLowerCase()}> ${Math.round(el.getBoundingClientRect().right)} px: `
                            + (el.textContent || '').trim().slice(0, 50));
        }""",
        WIDTH,
    )
    pytest.fail(
        f"at {WIDTH} px the page is {width} px wide and scrolls sideways; "
        f"elements sticking out: {culprits}"
    )
