"""The page in a real browser: Debian's Chromium, driven by Playwright, against the app served by
uvicorn on loopback. A person fills the form for examples from examples/, submits, and sees the
same options and statuses as the API gives; opens a citation, follows an explain link, opens the
report; axe-core finds no serious or critical accessibility problem; the page fits a phone.

Chromium comes from Debian (``make setup-system`` or ``.ci/run`` installs it; never a browser
download). Set ONCONAV_SCREENSHOTS=DIR to keep the screenshots (``make screenshots`` writes the
ones docs/web.md shows).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from onconav import evaluate, parse_profile
from onconav.kb import KnowledgeBase
from onconav.render import STATUS_WORDS
from onconav.result import Status
from onconav.web import form
from onconav.web.app import Settings, create_app
from test_web import serving

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# Without the background-networking flags Chromium keeps calling hosts this machine cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def chromium() -> str:
    found = os.environ.get("ONCONAV_CHROMIUM") or shutil.which("chromium")
    assert found, (
        "Debian's Chromium is needed for the browser tests: `make setup-system` installs it "
        "(apt-get install chromium)"
    )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(kb: KnowledgeBase, sources: Path) -> Iterator[str]:
    with serving(create_app(kb, Settings(sources=sources))) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("ONCONAV_SCREENSHOTS")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watched:
    """A page whose console errors (a script error, a blocked resource, a CSP violation) are
    kept, to be checked empty."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    watched = Watched(context.new_page())
    yield watched
    context.close()
    assert watched.errors == [], "the browser reported no errors"


def fill(page: Page, profile: dict[str, Any], kb: KnowledgeBase) -> None:
    """Answer the form as a person would, from a profile as read (ids, yes/no): the text box for
    the cancer as written, a radio for one answer, ticks and typed names for a list."""
    person = parse_profile(profile, kb)
    page.fill("#f-cancer", str(profile["cancer"]))
    for question in form.questions(kb):
        name = question.name
        if name == "cancer":
            continue
        value = getattr(person.biomarkers if name in form.BIOMARKERS else person, name)
        if value is None:
            continue
        if question.kind == "yes_no":
            page.check(f'input[name="{name}"][value="{"yes" if value else "no"}"]')
        elif question.kind == "one":
            page.check(f'input[name="{name}"][value="{value}"]')
        elif not value:
            page.check(f'input[name="{name}"][value="none"]')
        else:
            choices = {c.value for c in question.choices}
            for item in value:
                if item in choices:
                    page.check(f'input[type=checkbox][name="{name}"][value="{item}"]')
            typed = [item for item in value if item not in choices]
            if typed:
                page.fill(f"#f-{name}", ", ".join(typed))


def send(page: Page, action: Callable[[], None]) -> None:
    """Send the form, and wait for the answer (or the form again, with mistakes) to load: not
    with expect_navigation, which the script's change of the address in the history (so that
    Back shows the answers sent) already satisfies."""
    action()
    page.wait_for_url("**/options?**")
    page.wait_for_load_state()


def shown(page: Page) -> list[tuple[str, str]]:
    """The options on an answer page, in order: (id, status)."""
    return [
        (a.get_attribute("data-option") or "", a.get_attribute("data-status") or "")
        for a in page.locator("article[data-option]").all()
    ]


def api_options(site: str, profile: dict[str, Any]) -> list[tuple[str, str]]:
    response = httpx.post(f"{site}/api/v1/options", json=profile, timeout=10)
    assert response.status_code == 200, response.text
    return [(o["id"], o["status"]) for o in response.json()["options"]]


def no_serious_problems(page: Page) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()


FILLED = ["rectal-stage4-kras-wild-type", "stomach-stage4-her2-positive",
          "cervical-stage4b-after-chemotherapy", "gastric-recurrent-refractory",
          "no-cancer-treatment"]  # fmt: skip


@pytest.mark.parametrize("name", FILLED)
def test_the_form_gives_what_the_api_gives(page: Watched, site: str, kb: KnowledgeBase,
                                           name: str) -> None:  # fmt: skip
    profile = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    page.page.goto(site + "/")
    fill(page.page, profile, kb)
    page.page.click("form[action='/options'] button[type=submit]")
    page.page.wait_for_url("**/options?**")
    on_page = shown(page.page)
    assert on_page == api_options(site, profile)
    # each status is in words beside its icon, never colour alone
    for article in page.page.locator("article[data-option]").all()[:8]:
        status = Status(article.get_attribute("data-status"))
        assert article.locator(".status-words").inner_text() == STATUS_WORDS[status]
        assert article.locator(".status svg.icon").count() == 1
    # the address holds the answers: reopening it shows the same
    reopened = page.page.context.new_page()
    reopened.goto(page.page.url)
    assert shown(reopened) == on_page
    reopened.close()


def test_a_declined_treatment_is_shown_not_chosen(page: Watched, site: str,
                                                   kb: KnowledgeBase) -> None:  # fmt: skip
    profile = json.loads((EXAMPLES / "no-cancer-treatment.json").read_text(encoding="utf-8"))
    page.page.goto(site + "/")
    fill(page.page, profile, kb)
    page.page.click("form[action='/options'] button[type=submit]")
    page.page.wait_for_url("**/options?**")
    statuses = {status for _, status in shown(page.page)}
    assert "declined" in statuses
    assert page.page.get_by_role("heading", name="Cancer treatments (not chosen").count() == 1


def test_i_dont_know_is_sent_as_unknown_never_as_no(page: Watched, site: str,
                                                     kb: KnowledgeBase) -> None:  # fmt: skip
    page.page.goto(site + "/")
    page.page.fill("#f-cancer", "stomach")
    page.page.check('input[name="stage"][value="4"]')
    for name in ("her2", "resectable", "wants_cancer_treatment", "symptoms", "metastases"):
        page.page.check(f'input[name="{name}"][value="unknown"]')
    page.page.click("form[action='/options'] button[type=submit]")
    page.page.wait_for_url("**/options?**")
    answers = form.answers(parse_qsl(urlsplit(page.page.url).query))
    person = parse_profile(form.profile_data(answers, kb), kb)
    assert person.biomarkers.her2 is None
    assert person.resectable is None and person.wants_cancer_treatment is None
    assert person.symptoms is None and person.metastases is None
    expected = evaluate(parse_profile({"cancer": "stomach", "stage": "4"}, kb), kb)
    assert shown(page.page) == [(o.id, o.status.value) for o in expected.options]
    # HER2 unknown: the HER2 options wait for the test, which the page names
    her2 = page.page.locator('article[data-option="stomach-trastuzumab"]')
    assert her2.get_attribute("data-status") == "needs_information"
    assert "HER2" in her2.locator(".missing").inner_text()


def test_a_citation_opens_its_passage_and_names_link_to_explain_pages(
    page: Watched, site: str
) -> None:
    """A citation opens its passage on the screen; printed, every passage shows."""
    page.page.goto(site + "/options?cancer=rectum&stage=4&kras=wild-type")
    first = page.page.locator("article[data-option] .sources details").first
    passage = first.locator("blockquote")
    assert not passage.is_visible()
    # printed from the browser, every passage shows (inside closed <details>, all were dropped)
    page.page.emulate_media(media="print")
    assert passage.is_visible()
    passages = page.page.locator("article[data-option] .sources details blockquote")
    assert passages.count() > 1
    assert passages.evaluate_all("all => all.every(p => p.checkVisibility())")
    page.page.emulate_media(media="screen")
    assert not passage.is_visible()
    first.locator("summary").click()
    assert passage.is_visible()
    assert len(passage.inner_text()) > 40
    link = page.page.locator("article[data-option] .details a[href^='/explain/']").first
    name = link.inner_text()
    link.click()
    page.page.wait_for_url("**/explain/**")
    assert page.page.locator("h1").inner_text().lower().startswith(name.lower()[:4])
    assert page.page.locator("text=Options that give it").count() == 1


def test_the_report_opens_from_the_answer(page: Watched, site: str) -> None:
    page.page.goto(site + "/options?cancer=cervix&stage=4B&symptoms=bleeding")
    href = page.page.get_by_role("link", name="Full report (PDF)").get_attribute("href")
    assert href
    response = page.page.request.get(site + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.page.get_by_role("link", name="Full report as a web page", exact=True).click()
    page.page.wait_for_url("**/report.html?**")
    assert page.page.locator("h2", has_text="The passages cited").count() == 1
    assert page.page.locator("h2", has_text="Notes").count() == 1
    # it links back to the answer (it had no way back but the browser's), not when printed
    back = page.page.get_by_role("link", name="Back to your options")
    assert back.count() == 1 and back.is_visible()
    page.page.emulate_media(media="print")
    assert not back.is_visible()
    page.page.emulate_media(media="screen")
    back.click()
    page.page.wait_for_url("**/options?**")
    assert page.page.url == site + "/options?cancer=cervix&stage=4B&symptoms=bleeding"


def test_the_page_works_without_javascript(browser: Browser, site: str, kb: KnowledgeBase) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    profile = json.loads((EXAMPLES / "rectal-stage4-kras-wild-type.json").read_text("utf-8"))
    page.goto(site + "/")
    fill(page, profile, kb)
    page.click("form[action='/options'] button[type=submit]")
    page.wait_for_url("**/options?**")
    assert shown(page) == api_options(site, profile)
    context.close()


def test_suggestions_as_a_person_types(page: Watched, site: str) -> None:
    page.page.goto(site + "/")
    page.page.check('input[name="progressed_on"][value="some"]')
    page.page.locator("#f-progressed_on").press_sequentially("FOLFOX, xel")
    offered = page.page.eval_on_selector_all(
        "#f-progressed_on-suggest option", "options => options.map(o => o.value)"
    )
    assert "FOLFOX, Xeloda" in offered
    # ticking a place answers the list question with "yes, these"
    page.page.check('input[type=checkbox][name="metastases"][value="liver"]')
    assert page.page.is_checked('input[name="metastases"][value="some"]')


def test_a_mistake_is_shown_on_the_form_with_the_answers_kept(page: Watched, site: str) -> None:
    response = page.page.goto(site + "/options?cancer=rectum&stage=9&symptoms=bleeding")
    assert response is not None and response.status == 422
    page.errors.clear()  # the 422 itself is logged by the browser as a failed resource
    summary = page.page.get_by_role("alert")
    assert "Stage of the cancer:" in summary.inner_text()
    assert page.page.input_value("#f-cancer") == "rectum"
    assert page.page.is_checked('input[type=checkbox][name="symptoms"][value="bleeding"]')
    summary.get_by_role("link").first.click()
    assert page.page.url.endswith("#c-stage")
    # the link leads to the question's first answer, which has the focus (it stayed on the page)
    assert page.page.evaluate("document.activeElement.id") == "c-stage"
    assert page.page.get_attribute("#c-stage", "aria-invalid") == "true"


def test_changing_nothing_and_sending_the_form_again_gives_the_same_options(
    page: Watched, site: str
) -> None:
    """An answer's address written in the profile's other spellings (a bookmark, a link from
    the care team), and two HER2 results that disagree: "Change your answers", then "Show my
    options" unchanged, gives the same options (the form showed these answers as "I don't
    know", or the first HER2 result as the answer, and the options changed)."""
    address = ("/options?cancer=stomach&stage=IV&resectable=FALSE&metastases=Liver"
               "&her2=positive&her2=negative&symptoms=Bleeding&prior_treatments=chemo")
    page.page.goto(site + address)
    before = shown(page.page)
    assert before
    with page.page.expect_navigation():
        page.page.get_by_role("link", name="Change your answers").click()
    assert page.page.is_checked('input[name="stage"][value="4"]')
    assert page.page.is_checked('input[name="her2"][value="unknown"]')
    assert "HER2-negative" in page.page.locator("#d-her2").inner_text()
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    assert shown(page.page) == before


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two CSS colours given as rgb(...) or rgba(...)."""

    def luminance(colour: str) -> float:
        r, g, b = (int(float(v)) / 255 for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_is_seen_against_the_page(page: Watched, site: str) -> None:
    """Each kind of thing a keyboard reaches shows its focus with a ring of 3:1 or more against
    the page behind it (WCAG 1.4.11): the yellow ring alone was 2:1 on white."""
    seen = set()
    for address in ("/search?q=stoma&cancer=rectum", "/options?cancer=thyroid"):
        page.page.goto(site + address)
        for _ in range(45):
            page.page.keyboard.press("Tab")
            tag, outline, width, background = page.page.evaluate("""() => {
                const e = document.activeElement, s = getComputedStyle(e);
                let p = e.parentElement, bg = "rgba(0, 0, 0, 0)";
                while (p && (bg = getComputedStyle(p).backgroundColor) === "rgba(0, 0, 0, 0)") {
                    p = p.parentElement; }
                return [e.tagName, s.outlineColor, s.outlineWidth,
                        bg === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : bg]; }""")
            if tag == "BODY":  # past the last
                break
            seen.add(tag)
            assert float(width.removesuffix("px")) >= 2, (tag, width)
            assert contrast(outline, background) >= 3, (tag, outline, background)
    assert {"A", "INPUT", "BUTTON", "SELECT", "SUMMARY"} <= seen, seen


def test_after_sending_a_form_with_a_mistake_the_focus_is_on_the_list_of_mistakes(
    page: Watched, site: str
) -> None:
    """A person who sends the form with a mistake (here no cancer) lands on the list of mistakes,
    not at the top of a long page: a keyboard or screen-reader user is told at once, and Tab
    goes on to the links to each question."""
    page.page.goto(site + "/")
    page.page.check('input[type=checkbox][name="symptoms"][value="bleeding"]')
    page.page.locator("#f-cancer").focus()
    send(page.page, lambda: page.page.keyboard.press("Enter"))  # sent from the keyboard
    page.errors.clear()  # the 422 itself is logged by the browser as a failed resource
    assert page.page.evaluate("document.activeElement.id") == "errors"
    assert "cancer" in page.page.evaluate("document.activeElement.innerText")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.getAttribute('href')") == "#f-cancer"


PAGES = {
    "form": "/",
    "answer": "/options?cancer=rectum&stage=4&metastases=liver&metastasis_extent=few"
              "&kras=wild-type&symptoms=bleeding&resectable=no",
    "explain": "/explain/FOLFOX",
    "report": "/report.html?cancer=stomach&stage=4&her2=positive",
    "short-report": "/report.html?report=short&cancer=stomach&stage=4&her2=positive",
    "error": "/options?cancer=rectum&stage=9",
    "disagree": "/?cancer=stomach&stage=4&her2=positive&her2=negative",
    "search": "/search?q=will+I+need+a+stoma+bag&cancer=rectum",
    "not-found": "/no/such/page",
    # long words with no break: a name that is not a question, a cancer typed at length; an
    # answer and its report for a cancer not known, quoted in the situation and in reasons
    # ("yours: ..."); a search, and a search kept to a cancer not known (the heading, the
    # notices, "kept to"): each was 449-569 px wide on a phone
    "long-words": "/options?" + "z" * 300 + "=1&cancer=" + "x" * 290,
    "long-words-answer": "/options?cancer=" + "x" * 300,
    "long-words-report": "/report.html?cancer=" + "x" * 300,
    "long-words-search": "/search?q=" + "z" * 400,
    "long-words-search-cancer": "/search?q=pain&cancer=" + "v" * 280,
    "too-long": "/options?cancer=rectum&q=" + "a" * 9000,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_accessible_and_fits_a_phone(browser: Browser, site: str, shots: Path,
                                     name: str) -> None:  # fmt: skip
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        # a phone lays a page out 980 px wide unless the page asks for the device's width
        context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
        watched = Watched(context.new_page())
        watched.page.goto(site + PAGES[name])
        if name in ("error", "not-found", "long-words", "too-long"):  # a status 4xx, reported
            watched.errors.clear()
        no_serious_problems(watched.page)
        width = watched.page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px"
        # every tick box and radio square: one whose label wraps had been squeezed (13 x 21 px)
        sizes = watched.page.evaluate("""[...document.querySelectorAll(
            'input[type=checkbox], input[type=radio]')].map(e => {
            const r = e.getBoundingClientRect(); return [r.width, r.height]; })""")
        assert all(abs(w - h) < 0.5 for w, h in sizes), (name, label, sizes)
        watched.page.screenshot(path=str(shots / f"{name}-{label}.png"))
        assert watched.errors == [], "the browser reported no errors (CSP, scripts, assets)"
        context.close()


def test_a_link_that_wraps_on_a_phone_has_its_bullet_beside_its_first_line(
        browser: Browser, site: str) -> None:  # fmt: skip
    """On a phone, a link of "Go to a kind of option" that wrapped ("Care without cancer
    treatment and symptom relief: offered") had its bullet beside its last line: an inline-block
    sits on its line by its last line. The bullet sits on the line's baseline, as any text put
    first in the item does (a probe, measured then taken out): it shares its top with the
    link's first line. Each link stays 24 px high at least."""
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/options?cancer=rectum&stage=4")
    links = page.evaluate("""() => [...document.querySelectorAll('.contents li, .jump li')]
        .map(li => {
            const a = li.querySelector('a');
            const probe = document.createElement('span');
            probe.textContent = '\u200b';
            li.insertBefore(probe, li.firstChild);
            const bullet = probe.getBoundingClientRect().top;
            probe.remove();
            const range = document.createRange();
            range.selectNodeContents(a);
            const tops = [...range.getClientRects()].map(r => r.top);
            return [a.textContent, bullet, tops[0], new Set(tops.map(Math.round)).size,
                    a.getBoundingClientRect().height]; })""")
    context.close()
    assert any(lines > 1 for _, _, _, lines, _ in links), "a link wraps at 375 px"
    for text, bullet, first_line, _, height in links:
        assert abs(bullet - first_line) < 2, (text, bullet, first_line)
        assert height >= 24, (text, height)


def test_words_typed_cannot_turn_the_pages_own_words_around(page: Watched, site: str) -> None:
    """A right-to-left override typed after the cancer (``lung%E2%80%AE``) showed the rest of
    the page's sentence reversed ("lareneg ni recnac decnavda rof snoitpo eht era eseht"); it is
    now refused as a control character is (a review of the command line): the form again, with
    what is wrong beside the question, the character in the page's words only as its escape."""
    response = page.page.goto(site + "/options?cancer=lung%E2%80%AE")
    assert response is not None and response.status == 422
    page.errors.clear()  # the 422 itself is logged by the browser as a failed resource
    text = page.page.locator("body").inner_text()
    raw = chr(0x202E)  # the override itself
    assert "\\u202e" in text, text[:300]  # shown as its escape
    assert raw not in text  # (the box keeps what was typed, for the person to mend)
    assert page.page.locator("#f-cancer").input_value() == "lung" + raw
    assert page.page.get_by_text("control character").count() >= 1


def test_an_address_that_does_not_exist_is_a_page_leading_back(page: Watched, site: str) -> None:
    """A mistyped address is a page in the page's style (its stylesheet, its header and search
    box), not a JSON document, with a link back to the form."""
    response = page.page.goto(site + "/optoins?cancer=rectum")
    assert response is not None and response.status == 404
    page.errors.clear()  # the browser reports the status 404
    assert page.page.locator("h1").inner_text() == "There is no page at this address"
    assert page.page.locator("form.site-search").count() == 1
    styled = page.page.evaluate("getComputedStyle(document.querySelector('header.site'))"
                                ".borderBottomStyle")  # fmt: skip
    assert styled == "solid", "the page's stylesheet applies"
    page.page.get_by_role("link", name="Find the options for your situation").click()
    page.page.wait_for_url(site + "/")
    assert page.page.locator("form[action='/options']").count() == 1


def test_every_resource_comes_from_the_server(page: Watched, site: str) -> None:
    requested: list[str] = []
    page.page.on("request", lambda request: requested.append(request.url))
    page.page.goto(site + PAGES["answer"])
    page.page.goto(site + "/")
    assert requested and all(url.startswith(site) for url in requested), requested


def test_axe_finds_a_known_problem(page: Watched) -> None:
    """The accessibility check can fail: on a page with an unlabelled field and an image with no
    text, axe reports them as critical."""
    page.page.set_content('<html><body><img src="data:,"><input type="text"></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        no_serious_problems(page.page)


def test_a_question_in_own_words_leads_to_an_explain_page(page: Watched, site: str) -> None:
    page.page.goto(site + "/")
    page.page.get_by_role("link", name="Ask in your own words").click()
    page.page.wait_for_url("**/search")
    page.page.get_by_label("Your question, or a word to look for").fill(
        "can they put chemo straight into the liver?"
    )
    page.page.get_by_role("button", name="Search").click()
    page.page.wait_for_url("**/search?**")
    hits = page.page.locator("ol.hits > li")
    assert hits.count() >= 3
    assert "hepatic arter" in " ".join(hits.nth(i).inner_text() for i in range(3)).lower()
    no_serious_problems(page.page)
    link = hits.first.locator("a[href^='/explain/']").first
    name = link.inner_text()
    link.click()
    page.page.wait_for_url("**/explain/**")
    assert page.page.locator("h1").inner_text().lower() == name.lower()


def test_every_page_has_the_search_box(page: Watched, site: str) -> None:
    """The box in the header, on the form and on an answer: a brand name typed there finds the
    drug; the search page itself has its own box only."""
    for path in ("/", "/options?cancer=rectum&stage=4"):
        page.page.goto(site + path)
        page.page.get_by_label("Ask a question in your own words").fill("Lonsurf")
        page.page.locator("form.site-search").get_by_role("button", name="Search").click()
        page.page.wait_for_url("**/search?q=Lonsurf*")  # on an answer, &cancer=rectum
        hits = page.page.locator("ol.hits > li")
        assert hits.count() >= 1
        assert "trifluridine" in hits.first.inner_text().lower()
        assert page.page.locator("form.site-search").count() == 0


def test_i_dont_know_or_none_clears_the_names_ticked_before(page: Watched, site: str) -> None:
    """Liver ticked, then "I don't know" chosen: liver stayed ticked and was sent ("spread:
    liver"); with "None", the page said "none and also names some". Choosing either clears the
    ticks and the names typed."""
    page.page.goto(site + "/")
    page.page.fill("#f-cancer", "rectum")
    page.page.check('input[type=checkbox][name="metastases"][value="liver"]')
    assert page.page.is_checked('input[name="metastases"][value="some"]')
    page.page.check('input[name="metastases"][value="unknown"]')
    assert not page.page.is_checked('input[type=checkbox][name="metastases"][value="liver"]')
    page.page.fill("#f-progressed_on", "FOLFOX")
    page.page.check('input[type=checkbox][name="symptoms"][value="bleeding"]')
    page.page.check('input[name="progressed_on"][value="none"]')
    page.page.check('input[name="symptoms"][value="none"]')
    assert page.page.input_value("#f-progressed_on") == ""
    assert not page.page.is_checked('input[type=checkbox][name="symptoms"][value="bleeding"]')
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    assert "/options?" in page.page.url
    sent = parse_qsl(urlsplit(page.page.url).query)
    assert ("metastases", "liver") not in sent and ("symptoms", "bleeding") not in sent
    assert page.page.locator(".error-summary").count() == 0


def test_back_shows_the_answers_sent(page: Watched, site: str) -> None:
    """Back from the answer lost the cancer and the names typed (the browser keeps nothing
    typed in a box with autocomplete off): the form comes back as it was sent."""
    page.page.goto(site + "/")
    page.page.fill("#f-cancer", "rectum")
    page.page.check('input[name="stage"][value="4"]')
    page.page.fill("#f-progressed_on", "FOLFOX")
    page.page.check('input[type=checkbox][name="symptoms"][value="bleeding"]')
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    assert "/options?" in page.page.url
    page.page.go_back()
    page.page.wait_for_load_state()
    assert page.page.input_value("#f-cancer") == "rectum"
    assert page.page.input_value("#f-progressed_on") == "FOLFOX"
    assert page.page.is_checked('input[name="stage"][value="4"]')
    assert page.page.is_checked('input[type=checkbox][name="symptoms"][value="bleeding"]')


def test_answers_too_long_for_the_address_are_kept_and_the_box_named(
    page: Watched, site: str
) -> None:
    """A list pasted into a box ('FOLFOX, ' 1,100 times) was sent: the server said the address
    was too long (414), and the script had already made this page's history entry that address,
    so Back was "too long" too and every answer was lost. Now nothing is sent, the address stays,
    a message right after the box names it, and the answers are there to shorten."""
    asked: list[str] = []
    page.page.on("request", lambda r: asked.append(r.url) if "/options" in r.url else None)
    page.page.goto(site + "/")
    page.page.fill("#f-cancer", "rectum")
    page.page.check('input[name="prior_treatments"][value="some"]')
    page.page.fill("#f-prior_treatments", "FOLFOX, " * 1100)
    page.page.get_by_role("button", name="Show my options").click()
    message = page.page.locator("#too-long")
    message.wait_for(state="visible")
    assert "“Treatments already had” holds 8,800 characters" in message.inner_text()
    assert "at most 8,192" in message.inner_text()
    assert asked == [] and page.page.url == site + "/"
    assert page.page.evaluate("document.activeElement.id") == "f-prior_treatments"
    # said right after the box, in sight where the focus is (beside the button, several
    # screens below on a phone, it was out of sight: a review), and tied to it
    assert page.page.evaluate("document.getElementById('f-prior_treatments')"
                              ".nextElementSibling.id") == "too-long"  # fmt: skip
    assert page.page.get_attribute("#f-prior_treatments", "aria-describedby") == "too-long"
    # sent again with another box now the longest: the message moves to it, and the first is
    # no longer marked (it kept its mark and a link to a message gone elsewhere: a review)
    page.page.fill("#f-prior_treatments", "FOLFOX")
    page.page.check('input[name="cannot_have"][value="some"]')
    page.page.fill("#f-cannot_have", "oxaliplatin, " * 800)
    page.page.get_by_role("button", name="Show my options").click()
    assert page.page.evaluate("document.getElementById('f-cannot_have')"
                              ".nextElementSibling.id") == "too-long"  # fmt: skip
    assert page.page.get_attribute("#f-prior_treatments", "aria-describedby") is None
    assert page.page.get_attribute("#f-prior_treatments", "aria-invalid") is None
    page.page.fill("#f-cannot_have", "")
    page.page.check('input[name="cannot_have"][value="none"]')
    page.page.fill("#f-prior_treatments", "FOLFOX, " * 1100)
    page.page.get_by_role("button", name="Show my options").click()
    assert page.page.input_value("#f-cancer") == "rectum"
    page.page.fill("#f-prior_treatments", "FOLFOX")
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    page.page.go_back()
    page.page.wait_for_load_state()
    assert page.page.input_value("#f-prior_treatments") == "FOLFOX"
    assert page.page.locator("#too-long").is_hidden()


def test_arrowing_through_a_lists_answers_keeps_the_names(page: Watched, site: str) -> None:
    """The mistake about "Xelodaa" linked to the first radio, and one arrow key chose "None
    has stopped working", which cleared the box: the name was lost. The link leads to the box;
    arrowing on through the answers to "These stopped working" puts the names back."""
    page.page.goto(site + "/options?cancer=rectum&progressed_on=some&progressed_on=Xelodaa"
                   "&stage=9&symptoms=bleeding")
    page.errors.clear()  # the 422 itself is logged by the browser as a failed resource
    page.page.get_by_role("alert").get_by_role("link", name="Treatments that stopped").click()
    assert page.page.evaluate("document.activeElement.id") == "f-progressed_on"
    for name, kept in (("progressed_on", "#f-progressed_on"),
                       ("symptoms", 'input[type=checkbox][value="bleeding"]')):  # fmt: skip
        page.page.focus(f'input[name="{name}"][value="some"]')
        page.page.keyboard.press("ArrowUp")  # "None": cleared, so that none is what is sent
        assert page.page.is_checked(f'input[name="{name}"][value="none"]')
        if kept.startswith("#"):
            assert page.page.input_value(kept) == ""
            page.page.keyboard.press("ArrowDown")
            assert page.page.input_value(kept) == "Xelodaa"
        else:
            assert not page.page.is_checked(f'[data-list-for="{name}"] {kept}')
            page.page.keyboard.press("ArrowDown")
            assert page.page.is_checked(f'[data-list-for="{name}"] {kept}')


def test_the_header_search_of_an_answer_keeps_to_its_cancer(page: Watched, site: str) -> None:
    """From a stomach cancer's answer, "can they put chemo straight into the liver" in the
    header's box searched every source and listed "Chemotherapy into the liver artery", an
    option for rectal cancer only, without saying so. The box keeps to the answer's cancer and
    says so; searching every source, the option names the cancer it is for."""
    page.page.goto(site + "/options?cancer=stomach&stage=4&metastases=liver&her2=negative")
    box = page.page.get_by_label("Ask a question in your own words about stomach cancer")
    box.fill("can they put chemo straight into the liver")
    box.press("Enter")
    page.page.wait_for_url("**/search?**")
    assert dict(parse_qsl(urlsplit(page.page.url).query))["cancer"] == "stomach"
    assert page.page.locator("text=The search was kept to stomach cancer.").count() == 1
    rectal = "a[href^='/explain/rectum-hepatic-arterial-infusion']"
    assert page.page.locator(rectal).count() == 0
    page.page.locator("select#cancer").select_option("")  # "All the sources"
    page.page.locator("form.search").get_by_role("button", name="Search").click()
    page.page.wait_for_url(lambda url: "cancer=stomach" not in url)
    page.page.wait_for_load_state()
    named = page.page.locator(rectal).evaluate_all(
        "all => all.map(a => a.closest('h3') ? a.closest('h3').innerText : a.innerText)")
    assert named and all("for rectal cancer" in n.lower() for n in named), named
    # as written, not in capitals ("(OPTION FOR RECTAL CANCER)" shouted the cancer's name)
    assert any("(option for rectal cancer)" in n for n in named), named
    # its explain page lists what gives it, each option with the cancers it is for
    page.page.goto(site + "/explain/floxuridine?cancer=stomach")
    given = page.page.locator("h2:has-text('Options that give it') + ul a")
    assert given.all_inner_texts() == [
        "Chemotherapy into the liver artery (hepatic arterial infusion) (for rectal cancer)"]
    assert page.page.locator("form.site-search input[name=cancer]").get_attribute(
        "value") == "stomach"


# a mistake in every question: a name not known typed (symptoms, progressed_on), "Yes, these"
# with none named, "None" beside names, an answer that is not one of the question's
ERRORS = "/options?" + "&".join([
    "cancer=rectum", "symptoms=some", "symptoms=hiccups", "progressed_on=some",
    "progressed_on=Xelodaa", "prior_treatments=some", "planned=some", "used_for_my_cancer=some",
    "kin_may_work=some", "metastases=some", "cannot_have=none", "cannot_have=Xeloda",
    *(f"{name}=x" for name in ("stage", "recurrence", "metastasis_extent", "weak_bone",
                               "resectable", "her2", "kras", "hormone_sensitive",
                               "most_treatments_tried", "chemo_for_spread", "tumour_on_nerve",
                               "tumour_may_block", "wants_cancer_treatment"))])  # fmt: skip


def test_a_mistakes_link_shows_its_question_and_the_mistake_on_a_phone(
    browser: Browser, site: str, kb: KnowledgeBase
) -> None:
    """On a phone, a link of the list of mistakes scrolled its field to the very top of the
    screen, and the question and the mistake, above the field, out of sight. Each link shows
    the mistake, and the words that ask for the field: the question, or the label of the box
    the names were typed in (a mistake about them is shown beside that box: above the answers,
    one about a symptom typed was a screen and more above it)."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
    watched = Watched(context.new_page())
    no_cancer = "/options?stage=4&symptoms=hiccups"  # the cancer's box, too
    watched.page.goto(site + no_cancer)
    links = [(no_cancer, h) for h in watched.page.locator(".error-summary a").evaluate_all(
        "all => all.map(a => a.getAttribute('href'))")]
    watched.page.goto(site + ERRORS)
    links += [(ERRORS, h) for h in watched.page.locator(".error-summary a").evaluate_all(
        "all => all.map(a => a.getAttribute('href'))")]
    assert len(links) == len(form.questions(kb)) + 1, links  # the cancer's twice, symptoms too
    for address, href in links:
        watched.page.goto(site + address)
        watched.page.locator(f".error-summary a[href='{href}']").click()
        watched.page.wait_for_function(
            "target => document.activeElement && document.activeElement.id === target",
            arg=href[1:])
        watched.page.wait_for_timeout(100)
        seen = watched.page.evaluate("""target => {
            const field = document.getElementById(target);
            const question = field.closest('.question');
            const message = question.querySelector('.field-errors');
            const label = message.closest('.ticks') ? message.previousElementSibling
                : question.querySelector('legend, label.q');
            const inside = e => { const r = e.getBoundingClientRect();
                                  return r.top >= 0 && r.bottom <= innerHeight; };
            return [inside(field), inside(message), inside(label), label.innerText]; }""",
            href[1:])
        assert seen[:3] == [True, True, True], (href, seen)
    watched.errors.clear()  # the 422s, reported by the browser
    context.close()


def test_the_answer_printed_lets_an_option_run_on_to_the_next_page(
    page: Watched, site: str
) -> None:
    """The answer page printed from a browser kept each option's card whole, so a long card
    jumped to the next page and left the last half empty (a review: a cervical answer on 45
    pages, not 36). Printed, as in the report, a card may run on, its heading kept with what
    follows; on the screen nothing changes. The PDF printed: fewer pages than with whole cards."""
    address = site + "/options?cancer=cervix&stage=4B"
    page.page.goto(address)
    cards = page.page.locator("article[data-option]")
    style = """all => all.map(a => [getComputedStyle(a).breakInside,
        getComputedStyle(a.querySelector('h4')).breakAfter])"""
    page.page.emulate_media(media="print")
    assert {tuple(s) for s in cards.evaluate_all(style)} == {("auto", "avoid")}
    pages = len(re.findall(rb"/Type\s*/Page\b", page.page.pdf()))
    cards.evaluate_all("all => all.forEach(a => { a.style.breakInside = 'avoid'; })")
    whole = len(re.findall(rb"/Type\s*/Page\b", page.page.pdf()))
    assert pages < whole, (pages, whole)
    page.page.emulate_media(media="screen")
    page.page.goto(address)
    assert {s[0] for s in cards.evaluate_all(style)} == {"avoid"}


def test_printed_the_status_badges_keep_their_colour(page: Watched, site: str) -> None:
    """The report printed from a browser dropped the badges' coloured discs (a browser prints
    no backgrounds unless asked), leaving their white marks on white paper."""
    page.page.goto(site + "/report.html?cancer=stomach&stage=4&her2=positive")
    page.page.emulate_media(media="print")
    badges = page.page.locator(".badge")
    assert badges.count() > 5
    kept = badges.evaluate_all("""all => all.map(b => { const s = getComputedStyle(b);
        return [s.printColorAdjust, s.webkitPrintColorAdjust, s.backgroundColor]; })""")
    assert all(k[:2] == ["exact", "exact"] and k[2] != "rgba(0, 0, 0, 0)" for k in kept), kept


@pytest.mark.parametrize(("viewport", "media", "columns"), [
    ({"width": 360, "height": 740}, "screen", "auto"),
    ({"width": 360, "height": 740}, "print", "2"),
    (DESKTOP, "screen", "2"),
])  # fmt: skip
def test_the_reports_list_in_short_is_one_column_on_a_phone(
    browser: Browser, site: str, viewport: dict[str, int], media: Literal["screen", "print"],
    columns: str,
) -> None:
    """The report's "In short" list was in two columns on any screen: at 360 px wide a name had
    ~130 px. One column on a narrow screen; two printed (the PDF too) and on a wide screen."""
    context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 480)
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(site + "/report.html?cancer=rectum&stage=4&kras=wild-type&symptoms=bleeding")
    lists = page.locator(".in-short ul.names")
    assert lists.count() > 0
    found = lists.evaluate_all("all => all.map(l => getComputedStyle(l).columnCount)")
    assert found == [columns] * len(found), found
    if columns == "auto":  # on the phone each name has the whole width of the list
        wide = lists.first.evaluate("""l => { const s = getComputedStyle(l);
            return l.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }""")
        item = lists.first.locator("li").first.evaluate("i => i.getBoundingClientRect().width")
        assert item == wide and wide > 250, (item, wide)
    context.close()


def test_yes_these_with_nothing_named_is_pointed_out(page: Watched, site: str) -> None:
    """"Yes, these:" chosen for the symptoms, and none ticked or typed, was read as "I don't
    know", silently: the form says so, and its link leads to the question."""
    page.page.goto(site + "/")
    page.page.fill("#f-cancer", "rectum")
    page.page.check('input[name="symptoms"][value="some"]')
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    page.errors.clear()  # the 422 itself is logged by the browser as a failed resource
    summary = page.page.get_by_role("alert")
    assert summary.inner_text().splitlines()[1:] == [
        "Symptoms the cancer is causing: you chose \u201cYes, these\u201d but ticked or typed "
        "none: tick or type them, or choose \u201cI don't know\u201d"]
    summary.get_by_role("link").click()
    assert page.page.evaluate("document.activeElement.id") == "c-symptoms"
    # named, the options come
    page.page.check('input[type=checkbox][name="symptoms"][value="bleeding"]')
    send(page.page, lambda: page.page.get_by_role("button", name="Show my options").click())
    assert page.page.locator("article[data-option]").count() > 10


def test_the_header_leads_back_to_the_options_or_starts_again(page: Watched, site: str) -> None:
    """"Your options" in the header led to the blank form: it is "Start again"; the form opened
    to change an answer's answers leads back to that answer as it was."""
    answer = site + "/options?cancer=rectum&stage=4&symptoms=bleeding"
    page.page.goto(answer)
    site_nav = page.page.get_by_role("navigation", name="Site")
    assert site_nav.get_by_role("link", name="Your options").count() == 0
    page.page.get_by_role("link", name="Change your answers").click()
    page.page.wait_for_url("**/?cancer=**")
    page.page.check('input[name="stage"][value="unknown"]')  # changed, then not sent
    site_nav.get_by_role("link", name="Back to your options").click()
    page.page.wait_for_url(answer)
    site_nav.get_by_role("link", name="Start again").click()
    page.page.wait_for_url(site + "/")
    assert page.page.input_value("#f-cancer") == ""


NUMBERED_SPLIT = """() => {
  const split = [];
  for (const el of document.querySelectorAll("ul.names li, article h4")) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\w+(?:-\\w+)*-\\d\\w*/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


def test_the_report_as_a_web_page_has_the_pages_margins_and_keeps_a_name_with_its_number(
    page: Watched, site: str
) -> None:
    """The report as a web page ran the window's whole width (text ~1250 px wide at 1280, "Back
    to your options" at its edge: the print rule applied on screen); it has the answer page's
    width and margins. A word joined to its number by a hyphen in an option's name ended a line
    at the hyphen ("strontium-" / "89)"): at every width from a phone's to a desktop's, each is
    on one line."""
    query = ("cancer=lung+cancer&stage=4&metastases=some&metastases=bone&metastases=brain"
             "&prior_treatments=some&prior_treatments=chemotherapy&progressed_on=some"
             "&progressed_on=chemotherapy&symptoms=some&symptoms=bone-pain")
    box = "() => { const r = document.querySelector('main').getBoundingClientRect(); " \
          "return [r.left, r.width]; }"
    page.page.goto(site + "/options?" + query)
    answer = page.page.evaluate(box)
    page.page.goto(site + "/report.html?" + query)
    assert page.page.evaluate(box) == answer and answer[0] > 0
    back = page.page.get_by_role("link", name="Back to your options").bounding_box()
    assert back and back["x"] >= answer[0] + 8
    assert page.page.locator("ul.names li", has_text="strontium-89").count() == 1
    for width in range(320, 1300, 20):
        page.page.set_viewport_size({"width": width, "height": 900})
        assert page.page.evaluate(NUMBERED_SPLIT) == [], width
