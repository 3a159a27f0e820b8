"""The search page in a real headless Chromium (Debian's) against a real gunicorn (2 workers).

Driver: Playwright for Python. Its wheel bundles the driver, so nothing is downloaded at test
time (it drives Debian's /usr/bin/chromium through executable_path; `playwright install` is
never needed); it waits for elements and URLs by itself, so the test has no sleeps to tune;
and it reports console messages, page errors, dialogs and requests as events, which the
safety checks below are made of.

Without Chromium (or Playwright) the tests are skipped on a developer's machine and fail
under CI (CI set), where .ci/run installs it. SEARCHSVC_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .live import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = os.environ.get("SEARCHSVC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Headless in a closed network: no sandbox (root in a container), no GPU, and nothing that
# phones home (its refused connections would only slow it down and clutter the log).
# Playwright gives every launch a fresh temporary --user-data-dir itself.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000  # generous: the machine is shared with other jobs
# Runs before the page's own script in every page: records CSP violations (init scripts are exempt from CSP).
CSP_PROBE = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why}: CI must provide it (see .ci/run)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    return sync_api


@pytest.fixture(scope="module")
def browser(playwright_api):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(built_index: Path, tmp_path_factory: pytest.TempPathFactory):
    index = tmp_path_factory.mktemp("browser") / "ix"
    shutil.copytree(built_index, index)
    with LiveServer(index, workers=2) as s:
        yield s


@dataclass
class Watch:
    """What a page did besides rendering: console messages, errors, dialogs, requests."""

    origin: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self, page, allowed_console: str | None = None) -> None:
        problems = [(kind, text) for kind, text in self.console if kind in ("error", "warning")
                    and not (allowed_console and re.search(allowed_console, text))]
        assert problems == [], f"console errors/warnings: {problems}"
        assert self.errors == [], f"uncaught errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert page.evaluate("window.__csp") == [], "CSP violations"
        foreign = [u for u in self.requests if not u.startswith((self.origin + "/", "data:"))]
        assert foreign == [], f"requests to other hosts (the page must work offline): {foreign}"


@pytest.fixture
def page_and_watch(browser, server):
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(server.url)
    page.on("console", lambda m: watch.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: watch.requests.append(r.url))
    yield page, watch
    context.close()


def hit_ids(page) -> list[str]:
    return page.locator("#hits > li").evaluate_all("items => items.map(li => li.dataset.id)")


def api_ids(server: LiveServer, query: str) -> list[str]:
    status, body = server.json("GET", f"/search?{query}")
    assert status == 200
    return [h["id"] for h in body["hits"]]


def test_search_facets_history_sort_did_you_mean(page_and_watch, server, playwright_api, tmp_path):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/")
    box = page.locator("#q")
    expect(box).to_be_focused()

    box.press_sequentially("putin")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?q=putin$"))
    expect(page.locator("#hits > li")).to_have_count(2)
    expect(page.locator("#hits .hit-title mark").first).to_have_text(re.compile("^putin$", re.I))
    expect(page.locator("#hits .snippet mark").first).to_be_visible()
    expect(page.locator("#status")).to_have_text(re.compile(r"^2 results for “putin” · [\d.]+ ms$"))
    page.screenshot(path=tmp_path / "search.png", full_page=True)

    # A people facet adds the filter, shows it as a removable chip, and keeps focus on the facet.
    facet = page.locator('#facets a[data-facet="people"][data-value="Xi Jinping"]')
    facet.click()
    expect(page).to_have_url(re.compile(r"/\?q=putin&people=Xi\+Jinping$"))
    expect(page.locator("#hits > li")).to_have_count(1)
    assert hit_ids(page) == ["a1"]
    chip = page.locator("#active-filter-list a.chip", has_text="Person: Xi Jinping")
    expect(chip).to_be_visible()
    expect(facet).to_have_attribute("aria-current", "true")
    expect(facet).to_have_attribute("aria-label", re.compile(r"^People Xi Jinping, 1 article, selected"))
    expect(facet).to_be_focused()
    page.screenshot(path=tmp_path / "filtered.png", full_page=True)

    # The back and forward buttons step through searches.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?q=putin$"))
    expect(page.locator("#hits > li")).to_have_count(2)
    expect(page.locator("#active-filters")).to_be_hidden()
    page.go_forward()
    expect(page.locator("#hits > li")).to_have_count(1)
    chip.click()
    expect(page).to_have_url(re.compile(r"/\?q=putin$"))
    expect(page.locator("#hits > li")).to_have_count(2)

    # Sort selector.
    page.locator("#sort").select_option("oldest")
    expect(page).to_have_url(re.compile(r"/\?q=putin&sort=oldest$"))
    expect(page.locator("#hits > li").first).to_have_attribute("data-id", "a1")
    assert hit_ids(page) == api_ids(server, "q=putin&sort=oldest") == ["a1", "a2"]

    # Did-you-mean is a link to the corrected search.
    box.fill("putn")
    box.press("Enter")
    expect(page.locator("#hits > li")).to_have_count(0)
    suggestion = page.locator("#notices a.did-you-mean")
    expect(suggestion).to_have_text("putin")
    suggestion.click()
    expect(page).to_have_url(re.compile(r"/\?q=putin&sort=oldest$"))
    expect(box).to_have_value("putin")
    expect(page.locator("#hits > li")).to_have_count(2)

    # The "relaxed" notice: no document has every word.
    box.fill("putin zebra")
    box.press("Enter")
    expect(page.locator("#notices")).to_contain_text("No article has all of your words")
    watch.assert_clean(page)


def test_pagination(page_and_watch, server, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=&sort=newest&limit=3")  # 8 documents, 3 a page
    expect(page.locator("#status")).to_have_text(re.compile(r"^8 results · page 1 of 3 · "))
    assert hit_ids(page) == api_ids(server, "q=&sort=newest&limit=3&offset=0")
    expect(page.locator('#pager a[aria-current="page"]')).to_have_text("1")

    page.locator('#pager a[rel="next"]').click()
    expect(page).to_have_url(re.compile(r"/\?q=&sort=newest&limit=3&page=2$"))
    expect(page.locator('#pager a[aria-current="page"]')).to_have_text("2")
    assert hit_ids(page) == api_ids(server, "q=&sort=newest&limit=3&offset=3")
    expect(page.locator("#status")).to_be_focused()  # keyboard users land on the new results, at the count

    page.locator("#pager a", has_text="3").click()
    expect(page.locator("#hits > li")).to_have_count(2)
    assert hit_ids(page) == api_ids(server, "q=&sort=newest&limit=3&offset=6")
    expect(page.locator('#pager a[rel="next"]')).to_have_count(0)
    page.go_back()
    expect(page.locator('#pager a[aria-current="page"]')).to_have_text("2")
    watch.assert_clean(page)


def test_hostile_document_stays_inert(page_and_watch, playwright_api, tmp_path):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=script")
    hit = page.locator('#hits > li[data-id="a5"]')
    expect(hit).to_have_count(1)
    snippet = hit.locator(".snippet")
    expect(snippet).to_contain_text("<script>alert('x')</script>")
    expect(snippet).to_contain_text("<img src=x onerror=alert(1)>")
    expect(snippet.locator("mark")).to_have_count(2)  # "script" twice, and nothing else became an element
    assert snippet.evaluate("el => [...el.querySelectorAll('*')].map(e => e.tagName)") == ["MARK", "MARK"]

    # The full article (plain text from /documents/a5) is inert too.
    toggle = hit.locator("button.hit-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    article = hit.locator(".article")
    expect(article).to_contain_text('<a href="javascript:alert(2)">a link</a>')
    page.screenshot(path=tmp_path / "hostile.png", full_page=True)

    assert page.locator("script").count() == 1  # the page's own module, nothing from the document
    assert page.locator("img, iframe, object, embed").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert hit.locator("a").count() == 0

    # Even a server that let raw markup through would only produce text and <mark>.
    made = page.evaluate("""async () => {
        const { highlighted } = await import("/static/highlight.js");
        const div = document.createElement("div");
        div.append(highlighted('<mark>a&amp;b</mark> <img src=x onerror=alert(3)><script>alert(4)</script>'
                               + ' &lt;b&gt;&#x27;&#39;&quot;&bogus; <MARK>c</MARK>'));
        document.body.append(div);
        return { tags: [...div.querySelectorAll("*")].map(e => e.tagName), text: div.textContent };
    }""")
    assert made == {"tags": ["MARK", "MARK"],
                    "text": "a&b <img src=x onerror=alert(3)><script>alert(4)</script> <b>''\"&bogus; c"}
    checked = page.evaluate("""async () => {
        const { safeHref } = await import("/static/safe-url.js");
        return ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "news.jsonl",
                "https://news.example/a?b=1"].map(safeHref);
    }""")
    assert checked == [None, None, None, None, "https://news.example/a?b=1"]
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    watch.assert_clean(page)


def test_markup_from_a_buggy_server_stays_text(page_and_watch, playwright_api):
    """The page's own defence: /search answers are altered in flight as if the server forgot to escape."""
    page, watch = page_and_watch
    expect = playwright_api.expect

    def unescaped(route) -> None:
        response = route.fetch()
        body = response.json()
        for hit in body["hits"]:
            hit["snippet"] = html.unescape(hit["snippet"])
            hit["title"] = '<img src=x onerror=alert("title")>' + hit["title"]
        route.fulfill(response=response, json=body)

    page.route(re.compile(r"/search\?"), unescaped)
    page.goto("/?q=alert")
    hit = page.locator('#hits > li[data-id="a5"]')
    expect(hit.locator(".hit-title")).to_contain_text('<img src=x onerror=alert("title")>Hostile markup')
    expect(hit.locator(".snippet")).to_contain_text("<script>alert('x')</script> and <img src=x onerror=alert(1)>")
    assert hit.evaluate("el => [...el.querySelectorAll('mark')].length") == 3
    assert hit.evaluate("el => el.querySelectorAll('img, script, a').length") == 0
    assert page.locator("script").count() == 1 and page.locator("img").count() == 0
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    watch.assert_clean(page)


def test_keyboard_shortcut_and_autocomplete(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/")
    box = page.locator("#q")
    page.locator("#welcome p").first.click()  # focus leaves the box
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the "/" is not typed into the box

    box.press_sequentially("vlad")
    options = page.locator("#suggestions [role=option]")
    expect(options.first).to_contain_text("Vladimir Putin")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # a person suggestion becomes a people filter
    expect(page).to_have_url(re.compile(r"/\?q=&people=Vladimir\+Putin$"))
    expect(page.locator("#hits > li")).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "false")

    box.fill("")
    box.press_sequentially("pipe")
    expect(options.first).to_be_visible()
    box.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(box).to_have_value("pipe")
    box.press("Escape")  # a second Escape does not clear the box either (type=search would)
    expect(box).to_have_value("pipe")
    box.press("ArrowDown")  # the options of the text as typed come back
    expect(options.first).to_be_visible()
    watch.assert_clean(page)


def test_autocomplete_completes_words_in_the_context_of_the_words_before(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/")
    box = page.locator("#q")
    options = page.locator("#suggestions [role=option]")
    # "ma" alone is "markets" first (in 3 documents); after "hostile", "markup" (which follows it)
    box.press_sequentially("hostile m")  # after other words one letter is completed
    expect(options.first).to_contain_text("hostile markup")
    expect(options.first.locator(".suggestion-kind")).to_have_text("search")
    box.press("ArrowDown")
    box.press("Enter")  # the completed query replaces what was typed
    expect(page).to_have_url(re.compile(r"/\?q=hostile\+markup$"))
    expect(box).to_have_value("hostile markup")
    expect(page.locator("#hits > li")).to_have_count(1)

    box.fill("")
    box.press_sequentially("pipeline vl")  # a person in the context of "pipeline": a filter, the words kept
    expect(options.first).to_contain_text("Vladimir Putin")
    options.first.click()
    expect(page).to_have_url(re.compile(r"/\?q=pipeline&people=Vladimir\+Putin$"))
    expect(page.locator("#hits > li")).to_have_count(2)
    watch.assert_clean(page)


def test_phone_layout_and_touch_targets(browser, server, playwright_api, tmp_path):
    context = browser.new_context(base_url=server.url, viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto("/?q=markets")
        playwright_api.expect(page.locator("#hits > li")).to_have_count(4)
        expect_closed = page.locator("#refine").evaluate("d => d.open")
        assert expect_closed is False, "facets start folded on a phone, results first"
        page.locator("#refine summary").click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
        small = page.evaluate("""() => [...document.querySelectorAll("a, button, input, select, summary")]
            .filter(e => e.offsetParent !== null && !e.closest(".skip-link"))
            .map(e => [e.id || e.className || e.tagName, e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, , r]) => r.height < 44 || r.width < 44)
            .map(([name, text, r]) => `${name} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`)""")
        assert small == [], f"touch targets under 44px: {small}"
        page.screenshot(path=tmp_path / "phone.png", full_page=True)
    finally:
        context.close()


def test_api_errors_are_shown_politely(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=x&from=soon")
    alert = page.locator("#notices [role=alert]")
    expect(alert).to_have_text(re.compile(r"^That search could not run: 'soon' is not a date .*"
                                          r"\(parameter “from”\)\.$"))
    expect(page.locator("#status")).to_have_text("The search could not run.")
    # Chromium logs the failed fetch itself; that is the only console message allowed.
    watch.assert_clean(page, allowed_console=r"status of 400 \(BAD REQUEST\)|status of 400 \(Bad Request\)")


@pytest.mark.parametrize("code, retry, shown", [
    ("query_timeout", "1", r"^That search took too long and was stopped: the query ran past 2 s\.$"),
    ("index_missing", "10",
     r"^There is nothing to search yet: the index is being built\. Please try again in 10 seconds\.$"),
    ("index_busy", "1", r"^The search service is busy right now\. Please try again in 1 second\.$"),
])
def test_each_503_says_what_happened(page_and_watch, playwright_api, code, retry, shown):
    page, watch = page_and_watch
    expect = playwright_api.expect
    body = {"error": {"status": 503, "code": code, "message": "the query ran past 2 s", "retry_after": int(retry)}}
    page.route(re.compile(r"/search\?"), lambda route: route.fulfill(status=503, json=body,
                                                                     headers={"Retry-After": retry}))
    page.goto("/?q=oil")
    expect(page.locator("#notices [role=alert]")).to_have_text(re.compile(shown))
    watch.assert_clean(page, allowed_console=r"status of 503")


def test_a_query_too_long_for_a_web_address_is_not_sent(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/search?" in r.url else None)
    page.fill("#q", "Путин " * 300)  # 1,800 characters, 10,000 bytes percent-encoded
    page.press("#q", "Enter")
    expect(page.locator("#notices [role=alert]")).to_have_text(re.compile(r"^That search is too long: shorten it"))
    assert sent == []
    assert page.url == page.context.pages[0].url and page.url.endswith("/")  # nor pushed into the history
    watch.assert_clean(page)


def test_publication_date_times_show_as_days(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect

    def with_times(route) -> None:  # as the API answers for Reuters: a date and a time
        response = route.fetch()
        body = response.json()
        for hit in body["hits"]:
            hit["published"] = "1987-02-26T15:01:01"
        route.fulfill(response=response, json=body)

    page.route(re.compile(r"/search\?"), with_times)
    page.goto("/?q=putin")
    first = page.locator("#hits > li time").first
    expect(first).to_be_visible()
    assert "T15" not in first.inner_text() and "1987" in first.inner_text() and "26" in first.inner_text()
    watch.assert_clean(page)


def test_page_past_the_end_filters_and_text_direction(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=putin&limit=1&page=50")
    expect(page.locator("#status")).to_contain_text("past the last page (2)")  # not "page 50 of 2"
    previous = page.locator("#pager a[rel=prev]")
    expect(previous).to_have_attribute("href", re.compile(r"page=2(&|$)"))  # the last page, not 49
    page.goto("/?q=putin&mentions_from=1800&mentions_to=1801")
    expect(page.locator("#notices")).to_contain_text("remove a filter")  # a mentions filter is a filter too
    page.goto("/?q=putin")
    first = page.locator("#hits > li").first
    assert first.locator(".hit-title").get_attribute("dir") == "auto"
    assert first.locator(".snippet").get_attribute("dir") == "auto"
    watch.assert_clean(page)


def test_an_answer_cancelled_while_it_arrives_is_no_error(page_and_watch):
    # A search abandoned (a newer one, the back button) while its body is still arriving: fetch
    # has resolved, reading the body is what fails, and that is an abort, not "an unreadable answer".
    page, watch = page_and_watch
    page.goto("/")
    name = page.evaluate("""async () => {
        const api = await import("/static/api.js");
        window.fetch = async () => ({ ok: true, status: 200, headers: new Headers(),
                                      json: () => Promise.reject(new DOMException("aborted", "AbortError")) });
        try { await api.getJSON("/search", new URLSearchParams({ q: "oil" })); return "resolved"; }
        catch (error) { return error.name; }
    }""")
    assert name == "AbortError"
    watch.assert_clean(page)


def test_suggestions_survive_a_cancelled_request_and_do_not_come_back_stale(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    held, asked = [], []

    def hold_the_first(route) -> None:
        asked.append(route.request.url)
        if not held:
            held.append(route)  # still travelling when the next letter is typed
        else:
            route.continue_()

    page.route(re.compile(r"/suggest\?"), hold_the_first)
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("vl")
    for _ in range(100):  # until the request for "vl" is out (after the 150 ms typing pause)
        if asked:
            break
        page.wait_for_timeout(50)
    assert len(asked) == 1 and "q=vl&" in asked[0], asked
    box.press_sequentially("a")  # cancels "vl": the request for "vla" must still go out
    options = page.locator("#suggestions [role=option]")
    expect(options.first).to_contain_text("Vladimir Putin")
    assert any("q=vla" in u for u in asked), asked
    box.press_sequentially(" xq")  # nothing completes "vla xq": the list closes ...
    expect(page.locator("#suggestions")).to_be_hidden()
    box.press("ArrowDown")  # ... and ArrowDown does not bring back the options for "vla"
    expect(page.locator("#suggestions")).to_be_hidden()
    page.unroute(re.compile(r"/suggest\?"))
    watch.assert_clean(page, allowed_console=r"net::ERR_FAILED|aborted")


def test_a_hyphen_inside_a_word_is_asked_for_and_an_operator_is_not(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    asked = []

    def answer(route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"suggestions": [
            {"text": "Robin Leigh-Pemberton", "kind": "person", "count": 3, "q": ""}]}))

    page.route(re.compile(r"/suggest\?"), answer)
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("leigh-pem")
    expect(page.locator("#suggestions [role=option]").first).to_contain_text("Robin Leigh-Pemberton")
    assert any("q=leigh-pem&" in u for u in asked), asked
    box.fill("")
    asked.clear()
    box.press_sequentially("oil -pr")  # "-pr" excludes: completing it would be another search
    page.wait_for_timeout(600)  # past the typing pause
    expect(page.locator("#suggestions")).to_be_hidden()
    assert asked == [], asked
    page.unroute(re.compile(r"/suggest\?"))
    watch.assert_clean(page)


def test_page_settings_in_a_shared_link_are_read_leniently(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    for bad in ("limit=100000", "limit=0", "match=ANY"):
        page.goto(f"/?q=putin&{bad}")
        expect(page.locator("#hits > li")).to_have_count(2)  # the defaults, not an error
        expect(page.locator("#notices [role=alert]")).to_have_count(0)
    page.fill("#q", "markets")
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/\?q=markets$"))  # the bad value does not stick
    # Past the server's deepest page (max_offset 10,000): the page says so, no "offset" error.
    page.goto("/?q=&limit=1&page=10003")
    expect(page.locator("#status")).to_contain_text("past the last page (8)")
    expect(page.locator("#notices [role=alert]")).to_have_count(0)
    watch.assert_clean(page)


def test_people_facets_ignore_case_long_words_wrap_and_focus_lands_on_the_count(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=&people=vladimir+putin")  # the API matches names ignoring case: so does the facet
    facet = page.locator('#facets a[data-facet="people"][data-value="Vladimir Putin"]')
    expect(facet).to_have_attribute("aria-current", "true")
    expect(facet).to_have_attribute("aria-label", re.compile(r"^People Vladimir Putin, 2 articles, selected"))
    facet.click()  # removes the filter rather than adding a second spelling
    expect(page).to_have_url(re.compile(r"/\?q=$"))
    page.goto("/?q=" + "x" * 3000 + "+putin&people=" + "A" * 150)
    expect(page.locator("#status")).not_to_be_empty()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
    page.goto("/?q=&limit=2")
    page.locator("#pager a[rel=next]").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#status")).to_be_focused()  # visible, and it says which page this is
    watch.assert_clean(page)


def test_the_page_works_mounted_under_a_prefix(browser, built_index, tmp_path, playwright_api):
    expect = playwright_api.expect
    index = tmp_path / "ix"
    shutil.copytree(built_index, index)
    with LiveServer(index, workers=1, app="tests.mounted_app:app") as server:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        paths: list[str] = []
        page.on("request", lambda r: paths.append(r.url.removeprefix(server.url)))
        try:
            page.goto("/news")  # redirected to /news/, where the page's relative URLs resolve
            expect(page).to_have_url(server.url + "/news/")
            page.locator("#q").press_sequentially("vlad")
            expect(page.locator("#suggestions [role=option]").first).to_contain_text("Vladimir Putin")
            page.fill("#q", "putin")
            page.press("#q", "Enter")
            expect(page).to_have_url(re.compile(r"/news/\?q=putin$"))
            expect(page.locator("#hits > li")).to_have_count(2)
            page.locator('#facets a[data-facet="section"]').first.click()
            expect(page).to_have_url(re.compile(r"/news/\?q=putin&section="))
            outside = [p for p in paths if not p.startswith("/news")]
            assert outside == [], f"requests outside the mount: {outside}"
        finally:
            context.close()


def test_back_closes_suggestions_and_the_skip_link_searches_nothing(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    box = page.locator("#q")
    page.goto("/?q=putin")
    expect(page.locator("#hits > li").first).to_be_visible()
    box.fill("pipeline")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"q=pipeline"))
    box.fill("")
    box.press_sequentially("vlad")
    expect(page.locator("#suggestions [role=option]").first).to_be_visible()
    page.go_back()
    expect(box).to_have_value("putin")
    expect(page.locator("#suggestions")).to_be_hidden()  # not the options of "vlad" over "putin"
    # The skip link moves focus to the results: no search again, and what was typed stays.
    searches = []
    page.on("request", lambda r: searches.append(r.url) if "/search?" in r.url else None)
    box.fill("gas unsubmitted")
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#results-heading$"))
    page.wait_for_timeout(300)
    assert searches == [] and box.input_value() == "gas unsubmitted"
    watch.assert_clean(page)


def test_a_slow_search_says_so_instead_of_the_welcome(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    release = []
    page.route("**/search?*", lambda route: release.append(route))
    page.goto("/?q=putin&people=Vladimir+Putin")
    expect(page.locator("#status")).to_have_text("Searching…")
    expect(page.locator("#welcome")).to_be_hidden()
    expect(page.locator("#refine")).to_be_hidden()  # no empty "Refine" box
    expect(page.locator("#active-filter-list")).to_contain_text("Vladimir Putin")  # the filter asked for
    for route in release:
        route.continue_()
    page.unroute("**/search?*")
    expect(page.locator("#hits > li").first).to_be_visible()
    expect(page.locator("#status")).not_to_have_text("Searching…")
    watch.assert_clean(page)


def test_arrow_steps_through_the_sort_menu_are_one_history_entry(page_and_watch, playwright_api):
    page, watch = page_and_watch
    expect = playwright_api.expect
    page.goto("/?q=putin")
    expect(page.locator("#hits > li").first).to_be_visible()
    before = page.evaluate("history.length")
    page.locator("#sort").focus()
    page.keyboard.press("ArrowDown")  # relevance -> newest
    page.keyboard.press("ArrowDown")  # newest -> oldest
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    expect(page.locator("#hits > li").first).to_be_visible()
    assert page.evaluate("history.length") == before + 1  # not one entry per step
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort="))  # back to where the menu was left
    watch.assert_clean(page)

