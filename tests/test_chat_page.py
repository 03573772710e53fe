"""The chat page in a real browser: Debian's headless Chromium (Playwright) against a real ``newsqa serve``.

Three servers run as subprocesses for the whole module, started side by side: an open one over the seed article
plus five eval-corpus articles, one with ``NEWSQA_API_KEY`` set (seed article only) for the API-key prompt, and one
over an empty folder, as a new user's first run may be.
One browser is shared; every test gets a fresh context, so no key or conversation leaks between tests.
Console errors and uncaught page errors fail the test that caused them unless the test expects them.
Screenshots go to ``tests/artifacts/`` (gitignored).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# `make test` installs playwright and Debian's chromium: a missing one is a failed install, not a skip.
from playwright.sync_api import Browser, Locator, Page, expect
from support import Server, start_server, stop_server, wait_until_answering

from qa.refusal import CANNOT_ANSWER

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
API_KEY = "s3cret"
SEED_TITLE = "US Military Claims Iranian Troops and Weapons are in Venezuela"
STARTUP_TIMEOUT = 180  # seconds, all servers together: model loading on a busy 2-core machine
ANSWER_TIMEOUT = 60_000  # ms
UI_TIMEOUT = 15_000  # ms

# A MutationObserver that logs every data-state an assistant message goes through (a fast answer can go
# streaming -> done between two polls, so polling alone could not see "streaming").
RECORD_STATES = """() => {
  window.__states = [];
  if (window.__stateObserver) return;
  window.__stateObserver = new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.matches && r.target.matches('.msg.assistant')) window.__states.push(r.target.dataset.state);
    }
  });
  window.__stateObserver.observe(document.querySelector('#messages'),
    { subtree: true, attributes: true, attributeFilter: ['data-state'] });
}"""

# WCAG 2 contrast of an element's text colour against the background it is drawn on (semi-transparent
# backgrounds of the ancestors are composited onto white, the canvas colour).
CONTRAST = """(el) => {
  const parse = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  let bg = [255, 255, 255, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(parse(getComputedStyle(el).color), bg);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  const background = `rgb(${bg.slice(0, 3).map(Math.round)})`;
  return { ratio: (hi + 0.05) / (lo + 0.05), color: getComputedStyle(el).color, background };
}"""


# ---------------------------------------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, seed_file: Path, corpus_files) -> Iterator[dict[str, Server]]:
    articles = [seed_file, *corpus_files(5)]
    started: dict[str, Server] = {}
    try:
        started["open"] = start_server(tmp_path_factory.mktemp("server-open"), articles)
        started["keyed"] = start_server(
            tmp_path_factory.mktemp("server-keyed"), [seed_file], {"NEWSQA_API_KEY": API_KEY}
        )
        started["empty"] = start_server(tmp_path_factory.mktemp("server-empty"), [])
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for server in started.values():
            wait_until_answering(f"{server.url}/health", server.proc, server.log, deadline, "newsqa serve")
        yield started
    finally:
        for server in started.values():
            stop_server(server)


@pytest.fixture(scope="module")
def server(servers: dict[str, Server]) -> Server:
    return servers["open"]


@pytest.fixture(scope="module")
def keyed_server(servers: dict[str, Server]) -> Server:
    return servers["keyed"]


@pytest.fixture(scope="module")
def empty_server(servers: dict[str, Server]) -> Server:
    return servers["empty"]


# ---------------------------------------------------------------------------------------------- browser


@dataclass
class Chat:
    """One browser tab on the chat page, with helpers that drive it the way a person would."""

    page: Page
    url: str
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console_error(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected_problems(self) -> list[str]:
        return [p for p in self.problems if not any(a.search(p) for a in self.allowed)]

    def open(self, url: str | None = None) -> None:
        self.page.goto(url or self.url)
        expect(self.page.locator("#doc-count")).to_have_text(re.compile(r"^\d+$"), timeout=UI_TIMEOUT)
        expect(self.page.locator("#health")).not_to_have_text("Connecting…", timeout=UI_TIMEOUT)
        self.page.evaluate(RECORD_STATES)

    def ask(self, question: str) -> Locator:
        """Types the question and sends it with Enter; returns the new assistant message once it settled."""
        n = self.page.locator(".msg.assistant").count()
        self.page.evaluate("() => { window.__states = []; }")
        box = self.page.locator("#question")
        box.click()
        box.fill(question)
        self.page.keyboard.press("Enter")
        return self.settled(n)

    def settled(self, index: int) -> Locator:
        msg = self.page.locator(".msg.assistant").nth(index)
        expect(msg).to_have_attribute("data-state", re.compile(r"^(done|error)$"), timeout=ANSWER_TIMEOUT)
        return msg

    def states(self) -> list[str]:
        return self.page.evaluate("() => window.__states")

    def open_add_article(self) -> None:
        if not self.page.locator("#add-article").evaluate("d => d.open"):
            self.page.locator("#add-article summary").click()
        expect(self.page.locator("#paste-title")).to_be_visible()

    def paste(self, title: str, text: str, *, source: str = "", published: str = "", url: str = "") -> None:
        self.open_add_article()
        self.page.fill("#paste-title", title)
        self.page.fill("#paste-text", text)
        self.page.fill("#paste-url", url)
        self.page.fill("#paste-source", source)
        self.page.fill("#paste-published", published)
        self.page.click("#paste-submit")

    def doc_count(self) -> int:
        return int(self.page.locator("#doc-count").inner_text())


def assert_done(msg: Locator) -> None:
    state = msg.get_attribute("data-state")
    assert state == "done", f"answer ended in state {state!r}: {msg.inner_text()!r}"


def cite_for(msg: Locator, title: str) -> Locator:
    """The citation chip in ``msg`` that points at the article titled ``title``."""
    chips = msg.locator("button.cite")
    titles = [chips.nth(i).get_attribute("title") for i in range(chips.count())]
    assert title in titles, f"no citation of {title!r}; cited: {titles}"
    return chips.nth(titles.index(title))


def _new_chat(browser: Browser, url: str, width: int = 1280, height: int = 800) -> Iterator[Chat]:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(UI_TIMEOUT)
    page = context.new_page()
    chat = Chat(page, url)
    page.on("console", lambda m: chat.problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: chat.problems.append(f"pageerror: {e}"))
    try:
        yield chat
        unexpected = chat.unexpected_problems()
        assert not unexpected, f"unexpected errors in the page: {unexpected}"
    finally:
        context.close()


@pytest.fixture
def chat(browser: Browser, server: Server) -> Iterator[Chat]:
    yield from _new_chat(browser, server.url)


@pytest.fixture
def keyed_chat(browser: Browser, keyed_server: Server) -> Iterator[Chat]:
    yield from _new_chat(browser, keyed_server.url)


@pytest.fixture
def empty_chat(browser: Browser, empty_server: Server) -> Iterator[Chat]:
    yield from _new_chat(browser, empty_server.url)


@pytest.fixture
def phone_chat(browser: Browser, server: Server) -> Iterator[Chat]:
    yield from _new_chat(browser, server.url, width=375, height=800)


# ---------------------------------------------------------------------------------------------- tests


def test_ask_streams_an_answer_with_citations_and_opens_the_source(chat: Chat) -> None:
    page = chat.page
    chat.open()
    assert chat.doc_count() == 6

    msg = chat.ask("Who is the head of US Southern Command?")
    assert_done(msg)
    assert chat.states() == ["streaming", "done"]
    expect(msg.locator(".msg-body")).to_contain_text("Fuller")
    assert page.locator("#question").input_value() == ""  # the box was emptied when the question went out
    expect(page.locator(".msg.user").last).to_have_text(re.compile(r"Who is the head of US Southern Command\?"))

    chip = cite_for(msg, SEED_TITLE)
    expect(chip).to_be_visible()
    chip.click()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".source-title")).to_have_text(SEED_TITLE)
    expect(panel.locator(".source-snippet")).to_contain_text("Fuller")
    assert page.evaluate("() => document.activeElement.id") == "source-close"
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert chip.evaluate("el => el === document.activeElement"), "focus did not return to the citation"

    # The seed file has no source or date; a corpus article has both, and its URL becomes a safe link.
    # A new topic starts a new conversation (a follow-up is searched together with the previous question).
    page.click("#clear")
    msg = chat.ask("How many homes were destroyed by the wildfire in Colorado?")
    assert_done(msg)
    colorado = "1 dead as Colorado wildfire spreads; California Park Fire raging"
    cite_for(msg, colorado).click()
    expect(panel).to_be_visible()
    expect(panel.locator(".source-title")).to_have_text(colorado)
    expect(panel.locator(".source-meta")).to_have_text(re.compile(r"2024.*usatoday\.com"))
    expect(panel.locator(".source-snippet")).not_to_be_empty()
    link = panel.locator("a.source-link")
    expect(link).to_be_visible()
    assert link.get_attribute("href", timeout=UI_TIMEOUT).startswith("https://www.usatoday.com/")
    page.locator("#source-close").click()
    expect(panel).to_be_hidden()


def test_a_refusal_is_shown_as_a_refusal_with_its_reason(chat: Chat) -> None:
    page = chat.page
    chat.open()
    page.click("#clear")
    msg = chat.ask("Who won the 2018 World Cup?")
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_have_text(CANNOT_ANSWER)
    assert msg.get_attribute("data-abstained", timeout=UI_TIMEOUT) == "true"
    expect(msg.locator(".refusal-reason")).to_have_text("No indexed article is about this question.")
    expect(msg.locator(".sources")).to_have_count(0)  # nothing is cited for an answer that isn't one
    expect(msg.locator(".notice")).to_have_count(1)  # said once, not also "not supported"
    page.click("#clear")
    msg = chat.ask("Who is the head of US Southern Command?")
    assert_done(msg)
    assert msg.get_attribute("data-abstained", timeout=UI_TIMEOUT) is None


def test_follow_up_sends_the_previous_turn_as_history(chat: Chat) -> None:
    page = chat.page
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/ask/stream") else None)
    chat.open()

    first_q = "Who is the head of US Southern Command?"
    first = chat.ask(first_q)
    assert_done(first)
    second = chat.ask("What did he say about arms shipments?")
    assert_done(second)
    expect(second.locator(".msg-body")).not_to_be_empty()

    assert len(sent) == 2
    assert sent[0]["question"] == first_q
    assert sent[0]["history"] == []
    history = sent[1]["history"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[0]["content"] == first_q
    # The assistant turn is the answer that was shown, with its [n] markers (the chips on screen).
    shown = first.locator(".msg-body").evaluate(
        "b => { const c = b.cloneNode(true); c.querySelectorAll('.cite-group').forEach((g) => g.remove());"
        " return c.textContent; }"
    )
    assert "Fuller" in history[1]["content"]
    assert re.sub(r"\[\d+(?:\s*[,;]\s*\d+)*\]", "", history[1]["content"]).split() == shown.split()

    # Clearing the conversation forgets the history too.
    page.click("#clear")
    expect(page.locator("#messages > *")).to_have_count(0)
    assert_done(chat.ask("Who is the head of US Southern Command?"))
    assert sent[2]["history"] == []


def test_before_any_article_the_page_says_nothing_is_indexed_then_answers_from_the_first(empty_chat: Chat) -> None:
    page = empty_chat.page
    empty_chat.open()
    assert empty_chat.doc_count() == 0
    question = "Who runs the Fenwick Point lighthouse?"
    msg = empty_chat.ask(question)
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_have_text(CANNOT_ANSWER)
    expect(msg.locator(".refusal-reason")).to_have_text(
        "Nothing is indexed yet: add an article first (Add article, or newsqa reindex)."
    )

    title = "Fenwick Point lighthouse gets a new keeper"
    empty_chat.paste(
        title, "Marisol Quenby-Hart now runs the Fenwick Point lighthouse, the harbour board said on Friday."
    )
    expect(page.locator("#upload-status")).to_have_text(f"Added: {title}", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#doc-count")).to_have_text("1")
    msg = empty_chat.ask(question)
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_contain_text("Marisol Quenby-Hart")
    cite_for(msg, title)


def test_paste_and_file_upload_are_indexed_listed_and_cited(chat: Chat, tmp_path: Path) -> None:
    page = chat.page
    chat.open()
    before = chat.doc_count()

    title = "Zorblatt Valley opens a glass footbridge"
    chat.paste(
        title,
        "The mayor of Zorblatt Valley, Quintessa Marlowe-Okafor, opened the town's glass footbridge on Tuesday. "
        "The bridge spans 212 metres over the Vellin gorge and took four years to build.",
        source="zorblatt.example",
        published="2031-04-02",
    )
    expect(page.locator("#upload-status")).to_have_text(f"Added: {title}", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#documents li", has_text=title)).to_have_count(1)
    expect(page.locator("#doc-count")).to_have_text(str(before + 1))
    assert page.locator("#paste-title").input_value() == ""  # the form was reset

    msg = chat.ask("Who is the mayor of Zorblatt Valley?")
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_contain_text("Quintessa Marlowe-Okafor")
    cite_for(msg, title).click()
    expect(page.locator("#source-panel .source-meta")).to_have_text(re.compile(r"2031.*zorblatt\.example"))
    page.keyboard.press("Escape")

    upload = tmp_path / "ferry-strike.txt"
    file_title = "Ferry crews in Quellport walk out"
    upload.write_text(
        f"{file_title}\n\nFerry crews in Quellport stopped work on Monday after the operator, Brindlewake Lines, "
        "cut night-shift pay. Osric Tamblyn-Vane, the union leader of the Quellport ferry crews, said the strike "
        "would last nine days.\n",
        encoding="utf-8",
    )
    page.set_input_files("#upload-file", upload)
    page.click("#upload-submit")
    expect(page.locator("#upload-status")).to_have_text(f"Added: {file_title}", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#documents li", has_text=file_title)).to_have_count(1)
    expect(page.locator("#doc-count")).to_have_text(str(before + 2))

    page.click("#clear")
    msg = chat.ask("Who is the union leader of the Quellport ferry crews?")
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_contain_text("Osric Tamblyn-Vane")
    cite_for(msg, file_title)

    # Uploading the same file again is reported, not indexed twice.
    page.set_input_files("#upload-file", upload)
    page.click("#upload-submit")
    expect(page.locator("#upload-status")).to_have_text(f"Already indexed: {file_title}", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#doc-count")).to_have_text(str(before + 2))


def test_markup_in_articles_is_shown_as_text_and_never_runs(chat: Chat) -> None:
    page = chat.page
    chat.open()
    script = "<script>window.__pwned=1</script>"
    img = '<img src=x onerror="window.__pwned=2">'
    title = f"Pelmora harbour notice {script}{img}"
    chat.paste(
        title,
        f"The Pelmora harbour master, Ysolde Brannigan, closed the quay on Friday. {script} {img} "
        "Boats were sent to the northern pier until the storm passes.",
        source="pelmora.example",
        published="2031-05-01",
    )
    expect(page.locator("#upload-status")).to_have_text(f"Added: {title}", timeout=ANSWER_TIMEOUT)

    msg = chat.ask("Who closed the Pelmora quay?")
    assert_done(msg)
    cite_for(msg, title).click()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()

    # The page's CSP would also stop inline scripts and handlers, so __pwned alone proves little:
    # the element counts show that nothing was parsed as markup in the first place.
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    for where in ("#messages", "#source-panel", "#documents", "#upload-status"):
        assert page.locator(f"{where} script, {where} img").count() == 0, f"markup was parsed inside {where}"

    expect(panel.locator(".source-title")).to_have_text(title)
    expect(panel.locator(".source-snippet")).to_contain_text(f"{script} {img}")
    expect(msg.locator(".msg-body")).to_contain_text(script)
    expect(page.locator("#documents li", has_text=script)).to_be_visible()
    expect(page.get_by_text(script).first).to_be_visible()


def test_errors_are_shown_in_words_and_clear_empties_the_conversation(chat: Chat) -> None:
    page = chat.page
    chat.open()

    # Stand-in for a failing model backend: the server answers /ask/stream with a 503 and a reason.
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body=json.dumps({"detail": "model backend down"})
        ),
    )
    chat.allow_console_error(r"status of 503")
    msg = chat.ask("Who is the head of US Southern Command?")
    assert msg.get_attribute("data-state") == "error"
    alert = msg.locator(".error[role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(re.compile(r"Service unavailable: model backend down"))
    expect(page.locator("#send")).to_be_enabled()

    # Stand-in for a model that fails half-way: the stream has started, so the error comes as an event.
    page.unroute("**/ask/stream")
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=200,
            content_type="text/event-stream",
            body='event: token\ndata: {"text": "Partial words"}\n\n'
            'event: error\ndata: {"message": "the model ran out of memory"}\n\n',
        ),
    )
    msg = chat.ask("Who is the head of US Southern Command?")
    assert msg.get_attribute("data-state") == "error"
    expect(msg.locator(".msg-body")).to_have_text("Partial words")
    expect(msg.locator(".error[role=alert]")).to_have_text("the model ran out of memory")

    # Stand-in for a server that cannot be reached at all.
    page.unroute("**/ask/stream")
    page.route("**/ask/stream", lambda route: route.abort("connectionrefused"))
    chat.allow_console_error(r"ERR_CONNECTION_REFUSED|ERR_FAILED")
    msg = chat.ask("Who is the head of US Southern Command?")
    assert msg.get_attribute("data-state") == "error"
    expect(msg.locator(".error[role=alert]")).to_contain_text("Network error")

    page.unroute("**/ask/stream")
    assert page.locator("#messages .msg").count() == 6
    page.click("#clear")
    expect(page.locator("#messages > *")).to_have_count(0)
    assert page.evaluate("() => document.activeElement.id") == "question"

    # The real server answers again afterwards.
    msg = chat.ask("Who is the head of US Southern Command?")
    assert_done(msg)
    expect(msg.locator(".msg-body")).to_contain_text("Fuller")


def test_the_page_asks_for_the_api_key_when_the_server_needs_one(keyed_chat: Chat) -> None:
    chat = keyed_chat
    page = chat.page
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.url.endswith("/documents") and r.request.method == "POST" else None,
    )
    chat.allow_console_error(r"status of 401")
    chat.open()
    chat.open_add_article()
    expect(page.locator("#auth-hint")).to_be_visible()
    dialog = page.locator("#api-key-dialog")
    expect(dialog).to_be_hidden()

    title = "Harbour crane collapses in Osterveld"
    text = "A harbour crane collapsed in Osterveld on Sunday; the port chief, Linnea Faltskog, closed berth 7."
    chat.paste(title, text)
    expect(dialog).to_be_visible()
    expect(page.locator("#api-key-reason")).to_contain_text("needs an API key")

    # Cancelling leaves the article out and says why.
    page.click("#api-key-cancel")
    expect(dialog).to_be_hidden()
    expect(page.locator("#upload-status .error[role=alert]")).to_contain_text("No API key was given")

    # A wrong key is rejected and asked for again; the right one makes the same request go through.
    page.click("#paste-submit")
    expect(dialog).to_be_visible()
    page.fill("#api-key", "wrong-key")
    page.click("#api-key-save")
    expect(page.locator("#api-key-reason")).to_contain_text("rejected", timeout=UI_TIMEOUT)
    expect(dialog).to_be_visible()
    page.fill("#api-key", API_KEY)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#upload-status")).to_have_text(f"Added: {title}", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#documents li", has_text=title)).to_have_count(1)
    assert statuses == [401, 401, 401, 201]

    # The key is remembered for the next write: no second prompt.
    chat.paste("Osterveld berth 7 reopens", "Berth 7 in Osterveld reopened on Thursday after the crane was removed.")
    expect(page.locator("#upload-status")).to_have_text("Added: Osterveld berth 7 reopens", timeout=ANSWER_TIMEOUT)
    expect(dialog).to_be_hidden()
    assert statuses[-1] == 201 and len(statuses) == 5


def test_layout_on_phone_and_desktop_and_keyboard_use(phone_chat: Chat) -> None:
    chat = phone_chat
    page = chat.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chat.open()

    # Keyboard only: Tab reaches the question box, typing and Tab reach Send, Enter sends.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "question":
            break
    else:
        pytest.fail("Tab never reached #question")
    page.keyboard.type("How many homes were destroyed by the wildfire in Colorado?")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "send"
    page.keyboard.press("Enter")
    msg = chat.settled(0)
    assert_done(msg)
    expect(msg.locator("button.cite").first).to_be_visible()
    # The conversation follows the answer down to its sources (the reader was at the end when asking).
    expect(msg.locator(".msg-meta")).to_be_in_viewport()
    assert page.locator("#messages").evaluate("m => m.scrollHeight - m.scrollTop - m.clientHeight") < 2

    page.screenshot(path=str(ARTIFACTS / "chat-375.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "horizontal scroll on a phone"
    chat_box, side_box = page.locator("section.chat").bounding_box(), page.locator("aside.side").bounding_box()
    assert side_box["y"] >= chat_box["y"] + chat_box["height"], "on a phone the side panel goes below the chat"

    msg.locator("button.cite").first.click()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 800 + 1
    page.screenshot(path=str(ARTIFACTS / "chat-375-source.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Escape")

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(panel).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "chat-1280.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    chat_box, side_box = page.locator("section.chat").bounding_box(), page.locator("aside.side").bounding_box()
    assert side_box["x"] >= chat_box["x"] + chat_box["width"], "on a desktop the side panel sits beside the chat"
    assert chat_box["width"] > side_box["width"]


def test_text_colours_have_enough_contrast(chat: Chat) -> None:
    page = chat.page
    chat.open()
    body = page.evaluate(f"() => ({CONTRAST})(document.body)")
    assert body["ratio"] >= 4.5, f"body text {body}"

    msg = chat.ask("How many homes were destroyed by the wildfire in Colorado?")  # cites dated articles
    assert_done(msg)
    low = {}
    for selector in (
        ".msg.assistant .msg-body",
        ".msg.user .msg-body",
        ".who",
        "button.cite",
        ".ref-meta",
        ".msg-meta",
        "#send",
        "#clear",
        "#health",
        "#documents .doc-meta",
        "#documents a",
        "#docs-heading .count",
    ):
        found = page.locator(selector).first
        expect(found, f"no visible {selector}").to_be_visible()
        result = found.evaluate(CONTRAST)
        if result["ratio"] < 4.5:
            low[selector] = result
    assert not low, f"text below 4.5:1 contrast: {low}"
