"""The page for patients and families, without a browser: it agrees with the core and the API,
its query string carries a profile there and back, "I don't know" is never "no", the form asks
every question with its help, errors come back on the form with the answers kept, every page has
the strict Content-Security-Policy and nothing inline or from another host, every entry of the
knowledge base has an explain page and every link answers, and the logs hold no answers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin

import httpx
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from onconav import evaluate, load_kb, parse_profile, render, words
from onconav import explain as kb_explain
from onconav.kb.model import DrugClass, Option
from onconav.kb.rules import OTHERS_NOT_KNOWN
from onconav.kb.vocabulary import in_sentence
from onconav.profile import OPEN_LISTS, Profile, ProfileError
from onconav.render import STATUS_WORDS, counted_statuses, headline, source_words
from onconav.result import OptionResult, Result, Status
from onconav.web import Settings, create_app, form, page, views
from onconav.web import report as report_module
from onconav.web.views import STATUS_ICONS, STATUS_MEANING, explain_url
from test_engine import partial_and_more
from test_web import serving

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
KB = load_kb()
APP = create_app(KB)
QUESTIONS = form.questions(KB)
BY_NAME = {q.name: q for q in QUESTIONS}
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------------
# Helpers: requests through the app in this process (ASGI), and a small HTML reader
# ------------------------------------------------------------------------------------------------


def get_all(paths: Iterable[str], app: Any = APP) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav.test") as c:
            return [await c.get(path) for path in paths]

    return asyncio.run(go())


def get(path: str, app: Any = APP) -> httpx.Response:
    return get_all([path], app)[0]


def post_json(path: str, body: bytes) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav.test") as c:
            return await c.post(path, content=body, headers={"content-type": "application/json"})

    return asyncio.run(go())


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parents: tuple[Element, ...]
    raw: str = ""  # the text inside, nested elements' included

    @property
    def text(self) -> str:
        return " ".join(self.raw.split())

    def get(self, name: str) -> str:
        return self.attrs.get(name) or ""

    def classes(self) -> set[str]:
        return set(self.get("class").split())

    def inside(self, other: Element) -> bool:
        return any(p is other for p in self.parents)


class Html(HTMLParser):
    """Every element of a page with its attributes, its ancestors and its text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), tuple(self.open))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), tuple(self.open)))

    def handle_endtag(self, tag: str) -> None:
        for at in range(len(self.open) - 1, -1, -1):
            if self.open[at].tag == tag:
                del self.open[at:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.raw += data

    def find(self, tag: str | None = None, within: Element | None = None,
             **attrs: str | None) -> list[Element]:  # fmt: skip
        """Elements of a tag (any if None) with these attributes (``data_option`` is
        ``data-option``, ``class_`` is ``class``; None: present with any value), inside
        ``within`` if given."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            e for e in self.elements
            if (tag is None or e.tag == tag) and (within is None or e.inside(within))
            and all(k in e.attrs and (v is None or e.attrs[k] == v) for k, v in want.items())
        ]  # fmt: skip

    def one(self, tag: str | None = None, within: Element | None = None,
            **attrs: str | None) -> Element:  # fmt: skip
        found = self.find(tag, within, **attrs)
        assert len(found) == 1, (tag, attrs, [e.attrs for e in found])
        return found[0]

    @property
    def text(self) -> str:
        return self.one("body").text


def example_profile(path: Path) -> Profile:
    return parse_profile(json.loads(path.read_text(encoding="utf-8")), KB)


def statuses(result: Result) -> list[tuple[str, str]]:
    return [(o.id, o.status.value) for o in result.options]


def shown(html: Html) -> list[tuple[str, str]]:
    return [(a.get("data-option"), a.get("data-status"))
            for a in html.find("article", data_option=None)]  # fmt: skip


def value_of(profile: Profile, name: str) -> object:
    return getattr(profile.biomarkers if name in form.BIOMARKERS else profile, name)


def values(profile: Profile) -> dict[str, object]:
    """What the page carries: every field the form asks, the biomarkers included."""
    return {name: value_of(profile, name) for name in form.ORDER} | {
        "biomarkers": profile.biomarkers
    }


def through_the_query(query: str) -> Profile:
    given = form.answers(parse_qsl(query, keep_blank_values=True))
    return parse_profile(form.profile_data(given, KB), KB)


# ------------------------------------------------------------------------------------------------
# Random profiles, as a person could answer the form
# ------------------------------------------------------------------------------------------------

CANCERS = ["stomach", "gastric", "rectum", "cervix", "breast", "prostate", "thyroid", "lung",
           "colon", "gastro-oesophageal junction"]  # fmt: skip
SUGGESTED = form.suggestions(KB)
LIST_WORDS = {
    q.name: [c.value for c in q.choices] + (SUGGESTED[q.suggest or ""] if q.typed else [])
    for q in QUESTIONS if q.kind == "many"
}  # fmt: skip


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    """A profile: each question left unknown, or answered with one of its choices (two results
    that disagree for a biomarker), or for a list none ([]) or some choices and typed names."""
    data: dict[str, Any] = {"cancer": draw(st.sampled_from(CANCERS))}
    markers: dict[str, Any] = {}
    for q in QUESTIONS[1:]:
        if draw(st.booleans()):
            continue  # "I don't know"
        value: Any
        if q.kind == "yes_no":
            value = draw(st.booleans())
        elif q.kind == "one":
            choices = [c.value for c in q.choices]
            value = draw(st.sampled_from(choices))
            if q.name in form.BIOMARKERS and draw(st.integers(0, 3)) == 0:
                value = draw(st.lists(st.sampled_from(choices), min_size=2, max_size=2,
                                      unique=True))  # fmt: skip
        else:
            value = draw(st.lists(st.sampled_from(LIST_WORDS[q.name]), max_size=3, unique=True))
        (markers if q.name in form.BIOMARKERS else data)[q.name] = value
    if markers:
        data["biomarkers"] = markers
    try:
        profile = parse_profile(data, KB)
    except ProfileError:
        reject()
    # "perhaps others not listed" alone is refused by the page as a probable mistake (the person
    # meant to name some; tested with "Yes, these" and none ticked), though a profile may say it:
    # such a profile has no query string of the page
    if any(getattr(profile, q.name) == [OTHERS_NOT_KNOWN] for q in QUESTIONS if q.kind == "many"):
        reject()
    return profile


# ------------------------------------------------------------------------------------------------
# 1. The page agrees with the core and with the API
# ------------------------------------------------------------------------------------------------


def test_the_places_of_spread_are_said_in_plain_words_beside_their_names() -> None:
    """A family ticks where the cancer has spread: "peritoneum" had no plain words beside it (a
    review of the page); its hint says what it is, as the pelvis's does."""
    (spread,) = [q for q in form.questions(KB) if q.name == "metastases"]
    hints = {c.value: c.hint for c in spread.choices}
    assert hints["peritoneum"] == "the lining of the belly"
    assert hints["pelvis"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_page_shows_every_option_as_the_core_and_the_api_do(path: Path) -> None:
    profile = example_profile(path)
    result = evaluate(profile, KB)
    response = get("/options?" + form.query_of(profile))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = Html(response.text)
    assert shown(html) == statuses(result)
    api = post_json("/api/v1/options", path.read_bytes())
    assert api.status_code == 200, api.text
    assert [(o["id"], o["status"]) for o in api.json()["options"]] == statuses(result)

    # the counts shown are the core's, and those of the options shown
    counted = Counter(status for _, status in shown(html))
    counts = html.one("section", class_="counts")
    for status in Status:
        if status not in counted_statuses(result):  # one only some answers give, none has it
            assert getattr(result.counts, status.value) == 0
            assert not html.find("li", within=counts, class_=f"status-{STATUS_ICONS[status]}")
            continue
        item = html.one("li", within=counts, class_=f"status-{STATUS_ICONS[status]}")
        number = html.one("strong", within=item).text
        assert number == str(getattr(result.counts, status.value)) == str(counted[status.value])
        # in the words of the headline and the command line ("12 need information")
        # (a list: no comma within what a count holds, "(18 of them on whether ..., and ...)")
        assert f"{number} {item.text.split(maxsplit=1)[1]}" in re.split(
            r", (?![^()]*\))", headline(result))
    # each option says its status in words, beside its picture
    for article in html.find("article", data_option=None):
        words = html.one("span", within=article, class_="status-words").text
        assert words == STATUS_WORDS[Status(article.get("data-status"))]
        assert html.find("svg", within=article, aria_hidden="true")


def test_the_sources_are_named_with_their_publisher_and_date_as_the_command_line_names_them(
) -> None:
    """Each source with "publisher:" and "dated:" named, on the answer page as in the command
    line's words (render.source_words) and on the form: "(Canadian Cancer Society, not stated in
    the copy)" read as if the publisher were not stated."""
    profile = example_profile(ROOT / "examples" / "rectal-stage4-kras-wild-type.json")
    result = evaluate(profile, KB)
    html = Html(get("/options?" + form.query_of(profile)).text)
    listed = [li.text for li in html.find("li", within=html.one("section", class_="provenance"))]
    assert listed == [" ".join(source_words(s).split()) for s in result.sources]
    about = Html(get("/").text).one("section", class_="about")
    text = " ".join(about.text.split())
    for source in KB.data.sources:
        assert f"{source.title} (publisher: {source.publisher}; dated: {source.dated})" in text


@SETTINGS
@given(profile=profiles())
def test_the_page_agrees_with_the_core_for_any_profile(profile: Profile) -> None:
    response = get("/options?" + form.query_of(profile))
    assert response.status_code == 200, response.text
    assert shown(Html(response.text)) == statuses(evaluate(profile, KB))


# ------------------------------------------------------------------------------------------------
# 2. The query string carries a profile there and back
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_examples_query_string_gives_the_same_profile(path: Path) -> None:
    profile = example_profile(path)
    assert values(through_the_query(form.query_of(profile))) == values(profile)


@settings(max_examples=100, deadline=None)
@given(profile=profiles())
def test_the_query_string_gives_the_same_profile_back(profile: Profile) -> None:
    query = form.query_of(profile)
    again = through_the_query(query)
    assert values(again) == values(profile), query
    # the unknowns are left out of the address, and "none" is written as none
    pairs = parse_qsl(query)
    for name in form.ORDER:
        value = value_of(profile, name)
        written = [v for n, v in pairs if n == name]
        assert (value is None) == (not written), name
        if value == []:
            assert written == [form.NONE], name


# ------------------------------------------------------------------------------------------------
# 3. Unknown is never "no"; errors come back on the form with the answers kept
# ------------------------------------------------------------------------------------------------

NOT_TEXT = [q for q in QUESTIONS if q.kind != "text"]
MANY = [q for q in QUESTIONS if q.kind == "many"]


@st.composite
def unknown_answers(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A question, and answers that say nothing: "I don't know" in any case, blanks, and for a
    list "I don't know" beside "yes, these" with no names ("yes, these" alone is a mistake:
    test_yes_these_with_nothing_named_is_a_mistake)."""
    q = draw(st.sampled_from(NOT_TEXT))
    words = ["unknown", "Unknown", "UNKNOWN", " unknown ", "", "   "]
    if q.kind == "many":
        words += ["unknown,some", "Unknown, Some", " , "]
    return q.name, draw(st.lists(st.sampled_from(words), min_size=1, max_size=3))


@settings(max_examples=50, deadline=None)
@given(said=unknown_answers(), cancer=st.sampled_from(CANCERS))
def test_i_dont_know_leaves_the_field_unknown(said: tuple[str, list[str]], cancer: str) -> None:
    name, answers = said
    query = urlencode([("cancer", cancer), *((name, a) for a in answers)])
    data = form.profile_data(form.answers(parse_qsl(query, keep_blank_values=True)), KB)
    assert data == {"cancer": cancer}
    profile = through_the_query(query)
    assert value_of(profile, name) is None
    assert values(profile) == values(parse_profile({"cancer": cancer}, KB))


@pytest.mark.parametrize("q", MANY, ids=lambda q: q.name)
def test_none_is_the_empty_list_and_none_beside_names_is_refused(q: form.Question) -> None:
    for answers in (["none"], ["None"], ["some", "none"]):
        query = urlencode([("cancer", "rectum"), *((q.name, a) for a in answers)])
        assert value_of(through_the_query(query), q.name) == [], answers
    name = LIST_WORDS[q.name][0]
    query = urlencode([("cancer", "rectum"), (q.name, "none"), (q.name, name)])
    with pytest.raises(ProfileError) as caught:
        form.profile_data(form.answers(parse_qsl(query)), KB)
    assert [p.field for p in caught.value.problems] == [q.name]
    response = get("/options?" + query)
    assert response.status_code == 422
    links = error_links(Html(response.text))
    assert list(links) == [q.name] and links[q.name].startswith(f"{q.label}: ")


def error_links(html: Html) -> dict[str, str]:
    """The error summary's items: the field each names and its words. An item for a question of
    the form links to the question's first field (#f-cancer, #c-FIELD: the first of its
    choices), or to the box holding the name typed that it is about (#f-FIELD, marked
    aria-invalid and described by the mistake), which a click then focuses; one for a name that
    is not a question is words alone."""
    summary = html.one("div", class_="error-summary")
    out = {}
    for item in html.find("li", within=summary):
        links = html.find("a", within=item)
        if links:
            href = links[0].get("href")
            assert href.startswith(("#f-", "#c-")), href
            name = href[3:]
            target = html.one("input", id=href[1:])
            question = html.one("div", id=f"q-{name}")
            assert target.inside(question)
            if target.attrs.get("type") == "text":  # the box holding a name typed, or the cancer
                assert target.attrs.get("aria-invalid") == "true", "marked as the mistake"
                assert f"e-{name}" in (target.attrs.get("aria-describedby") or "").split()
            else:
                assert target is html.find("input", within=question)[0], "its first field"
            out[name] = links[0].text
        else:
            field = item.text.split(":")[0]
            assert field not in BY_NAME, f"{field} is a question: its error links to it"
            out[field] = item.text
    return out


KEPT = [("resectable", "no"), ("metastases", "liver"), ("prior_treatments", "chemotherapy"),
        ("progressed_on", "FOLFIRI"), ("symptoms", "bleeding"), ("symptoms", "some")]  # fmt: skip


REFUSED = [
    ([("cancer", "rectum"), ("colour", "blue")], "colour"),
    ([("cancer", "rectum"), ("stage", "stage 9")], "stage"),
    ([("stage", "4")], "cancer"),
    ([("cancer", "")], "cancer"),
    ([("cancer", "possibly stomach")], "cancer"),
    ([("cancer", "stomache")], "cancer"),
    ([("cancer", "rectum"), ("stage", "4"), ("stage", "4B")], "stage"),
    ([("cancer", "rectum"), ("her2", "5+")], "her2"),
    ([("cancer", "rectum"), ("resectable", "maybe")], "resectable"),
    ([("cancer", "rectum"), ("cannot_have", "none"), ("cannot_have", "Xeloda")], "cannot_have"),
    ([("cancer", "rectum"), ("symptoms", "hiccups")], "symptoms"),
]


@pytest.mark.parametrize(
    ("route", "given", "field"),
    [("/options", given, field) for given, field in REFUSED]
    + [(route, *REFUSED[at]) for route in ("/report.html", "/report.pdf") for at in (1, 2)],
)
def test_an_answer_not_accepted_shows_the_form_again_with_the_answers_kept(
    route: str, given: list[tuple[str, str]], field: str
) -> None:
    kept = [(name, value) for name, value in KEPT if name != field]
    response = get(route + "?" + urlencode(given + kept))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == page.CSP
    html = Html(response.text)
    assert html.one("title").text.startswith("Please check your answers")
    links = error_links(html)
    assert list(links) == [field]
    # named as the page names the question ("Stage of the cancer"), not by the field's name
    named = BY_NAME[field].label if field in BY_NAME else field
    assert links[field].split(":")[0] == named, links
    if field in BY_NAME:  # the link leads to the question, marked as wrong
        question = html.one("div", id=f"q-{field}")
        assert "has-error" in question.classes()
        assert html.find("p", within=question, class_="field-error")
    # the answers are kept: the form shows them again
    form_ = html.one("form", action="/options")
    assert form_.get("action") == "/options" and form_.get("method") == "get"
    cancer = dict(given).get("cancer", "")
    assert html.one("input", id="f-cancer").get("value") == cancer  # as typed
    shown_again = {
        "resectable": ["no"],
        "metastases": ["some", "liver"],
        "symptoms": ["some", "bleeding"],
        "prior_treatments": ["some", "chemotherapy"],
    }
    for name, expected in shown_again.items():
        if name != field:
            assert checked(html, name) == expected, name
    if field != "progressed_on":
        assert html.one("input", id="f-progressed_on").get("value") == "FOLFIRI"
    if field in ("symptoms", "cannot_have"):  # the names refused are shown again to correct
        typed = [v for n, v in given if n == field and v != form.NONE]
        assert html.one("input", id=f"f-{field}").get("value") == ", ".join(typed)
    assert checked(html, "kras") == ["unknown"]


@pytest.mark.parametrize(("given", "field"), [
    *REFUSED,
    ([("cancer", "rectum"), ("progressed_on", "Xelodaa")], "progressed_on"),
    ([("cancer", "rectum"), ("metastases", "elbow")], "metastases"),
])  # fmt: skip
def test_a_mistake_is_told_in_a_short_plain_sentence(
    given: list[tuple[str, str]], field: str
) -> None:
    """Each message of a mistake is a short plain sentence for a frightened reader: no list of
    what is accepted (a name not known listed a hundred: "(accepted: Abdominoperineal
    resection, ... and 92 more)", once for each name; a question with answers to choose from
    listed them beside the answers themselves; "(accepted: a place in the body, as typed)"),
    the closest name when one is close. The API's 422 keeps its list of what is accepted."""
    html = Html(get("/options?" + urlencode(given)).text)
    messages = list(error_links(html).values())
    assert messages
    for message in messages:
        if field == "colour":  # every question of the form, as the form asks it, none left out
            assert all(q.label in message for q in QUESTIONS), message
            continue
        assert "accepted" not in message, message
        assert len(message) < 200, message  # the core's sentence, whole
    if field == "progressed_on":
        assert messages[0].endswith("'Xelodaa' is not known; did you mean Xeloda (capecitabine)?")
    if BY_NAME.get(field) and BY_NAME[field].kind in ("one", "yes_no") and len(given) == 2:
        assert "choose one of them, or I don't know" in messages[0], messages[0]


@pytest.mark.parametrize(("given", "why"), [
    (("kras", "V600E"), "another gene's change, such as BRAF V600E"),
    (("kras", "RAS mutant"), "does not say which RAS gene"),
    (("her2", "-"), "a dash alone may mean no result as well as a negative one"),
    (("her2", "++"), "write the IHC score as 1+ or 2+"),
    (("stage", "4?"), "when it is not known yet, leave the field out or say unknown"),
    (("kras", "mutated?"), "when it is not known yet, leave the field out or say unknown"),
])  # fmt: skip
def test_a_refused_answer_to_a_choice_says_why(given: tuple[str, str], why: str) -> None:
    """The page said only "choose one of them" of an answer a shared link or a card's link gave,
    where the API says why it is not one (V600E is BRAF's; a dash may mean no result): the why
    is kept, the list of what is accepted left out (the answers are on the page)."""
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), given])).text)
    (message,) = error_links(html).values()
    assert "choose one of them, or I don't know" in message and why in message, message
    assert "accepted" not in message, message


def test_a_value_quoted_in_a_mistake_is_cut_short() -> None:
    """A name of 990 characters typed was quoted whole in its message, beside the question and
    in the summary."""
    html = Html(get("/options?" + urlencode([("cancer", "rectum"),
                                             ("progressed_on", "y" * 990)])).text)  # fmt: skip
    (message,) = error_links(html).values()
    assert "y" * 40 + "\u2026" in message and "y" * 41 not in message, message


@pytest.mark.parametrize(("query", "message"), [
    ("cancer=possibly%20stomach&stage=4", "Where the cancer started: 'possibly stomach' is not "
     "sure or says what it is not; give where the cancer started as far as it is known, or "
     "'unknown'"),
    ("cancer=C99&stage=4", "Where the cancer started: 'C99' is a code of no cancer onconav "
     "knows; give the cancer's name"),
])  # fmt: skip
def test_a_mistake_is_shown_whole(query: str, message: str) -> None:
    """Two values quoted, or a value and an apostrophe, cut the message between them."""
    assert list(error_links(Html(get("/options?" + query).text)).values()) == [message]


def summary_targets(html: Html) -> dict[str, str]:
    summary = html.one("div", class_="error-summary")
    return {a.text.split(":")[0]: a.get("href") for a in html.find("a", within=summary)}


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "many"], ids=lambda q: q.name)
def test_a_name_typed_wrong_links_to_the_box_that_holds_it(q: form.Question) -> None:
    """A mistake about a name typed links to the box holding it, marked aria-invalid and
    described by the mistake (the link went to the first radio, "I don't know", and one arrow
    key chose "None", which cleared the box); a mistake about the question's answers links to
    its first radio."""
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), (q.name, "some"),
                                             (q.name, "Xelodaa")])).text)  # fmt: skip
    assert summary_targets(html) == {q.label: f"#f-{q.name}" if q.typed else f"#c-{q.name}"}
    error_links(html)  # the box is marked and described by the mistake
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), (q.name, "none"),
                                             (q.name, q.choices[0].value if q.choices
                                              else "FOLFOX")])).text)  # fmt: skip
    assert summary_targets(html) == {q.label: f"#c-{q.name}"}
    box = html.find("input", id=f"f-{q.name}")
    assert not box or "aria-invalid" not in box[0].attrs


def test_xelodaa_links_to_its_box() -> None:
    html = Html(get("/options?cancer=rectum&progressed_on=some&progressed_on=Xelodaa&stage=9").text)
    assert summary_targets(html) == {"Stage of the cancer": "#c-stage",
                                     "Treatments that stopped working": "#f-progressed_on"}
    box = html.one("input", id="f-progressed_on")
    assert box.get("aria-invalid") == "true" and box.get("aria-describedby") == "e-progressed_on"
    assert "Xelodaa" in html.one("div", id="e-progressed_on").text


def test_every_mistake_is_shown_when_the_cancer_is_missing() -> None:
    """With no cancer given, the other answers were not read and only "Where the cancer
    started" was shown: each other mistake showed only once the cancer was typed and the form
    sent again. They are read as for a cancer whose start is not known."""
    query = [("stage", "9"), ("progressed_on", "Xelodaa"), ("her2", "purple")]
    html = Html(get("/options?" + urlencode(query)).text)
    assert list(error_links(html)) == ["cancer", "stage", "her2", "progressed_on"]


def test_a_question_with_two_mistakes_has_one_element_of_messages() -> None:
    """Two mistakes in one question gave two elements with one id (id="e-progressed_on"), and
    the question's aria-describedby named only the first: one element holds them all."""
    query = [("cancer", "rectum"), ("progressed_on", "Xelodaa"), ("progressed_on", "Foo"),
             ("stage", "9")]  # fmt: skip
    html = Html(get("/options?" + urlencode(query)).text)
    ids = [e.get("id") for e in html.elements if e.get("id")]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    messages = html.one(id="e-progressed_on")
    assert len(html.find("p", within=messages, class_="field-error")) == 2
    question = html.one("div", id="q-progressed_on")
    assert "e-progressed_on" in html.one("fieldset", within=question).get(
        "aria-describedby").split()
    # each choice of a question with a mistake is marked as wrong, for a screen reader
    for name in ("stage", "progressed_on"):
        radios = html.find("input", within=html.one("div", id=f"q-{name}"), type="radio")
        assert radios and all(r.get("aria-invalid") == "true" for r in radios), name
    assert not any(r.get("aria-invalid") for r in html.find(
        "input", within=html.one("div", id="q-her2")))


@pytest.mark.parametrize("q", MANY, ids=lambda q: q.name)
def test_i_dont_know_beside_names_is_pointed_out_never_read_as_the_names(
    q: form.Question,
) -> None:
    """Liver ticked, then "I don't know" chosen: a browser without the script sends both, and
    the page read liver ("spread: liver"). It is pointed out, as "none" beside names is: the
    person chooses. A list question not answered has none of its answers chosen (its "I don't
    know" was chosen from the start, so names ticked without the script came beside it)."""
    name = LIST_WORDS[q.name][0]
    query = urlencode([("cancer", "rectum"), (q.name, "unknown"), (q.name, name)])
    with pytest.raises(ProfileError) as caught:
        form.profile_data(form.answers(parse_qsl(query)), KB)
    assert [p.field for p in caught.value.problems] == [q.name]
    html = Html(get("/options?" + query).text)
    # in the question's words: "typed" only where it has a box to type in
    ticked = "ticked or typed" if q.typed else "ticked"
    assert error_links(html)[q.name] == (f"{q.label}: you chose \u201c{q.answers[0]}\u201d and "
                                         f"also {ticked} an answer; choose one")
    radios = [e for e in html.find("input", name=q.name, type="radio", checked=None)]
    assert radios == []  # the person chooses: "I don't know" chosen contradicted the mistake
    assert name in checked(html, q.name) or html.one("input", id=f"f-{q.name}").get("value")
    assert checked(Html(get("/?cancer=rectum").text), q.name) == []
    assert checked(Html(get(f"/?cancer=rectum&{q.name}=unknown").text), q.name) == ["unknown"]


def radios_chosen(html: Html, name: str) -> list[str]:
    return [e.get("value") for e in html.find("input", name=name, type="radio", checked=None)]


def refused_answers() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """For each question with radios, answers the form refuses: two of them, or one of none."""
    for q in QUESTIONS:
        if q.kind == "many":
            name = LIST_WORDS[q.name][0]
            for two in (("none", name), ("unknown", name), ("unknown", "none")):
                yield q.name, [(q.name, a) for a in two]
        elif q.kind in ("one", "yes_no"):
            yield q.name, [(q.name, "9x")]
            if q.name not in form.BIOMARKERS:  # two results are kept, not refused
                values = [c.value for c in q.choices] or ["yes", "no"]
                yield q.name, [(q.name, values[0]), (q.name, values[1])]


@pytest.mark.parametrize(("name", "given"), list(refused_answers()))
def test_answers_refused_are_shown_with_no_radio_chosen(
    name: str, given: list[tuple[str, str]]
) -> None:
    """Without the script, "It has not spread" and liver ticked gave the mistake "choose one"
    beside "It has spread to these places:" chosen (sending the form again answered liver
    silently), and stage=9 came back as "I don't know": answers the form refuses come back
    with none of the question's radios chosen, for the person to choose."""
    response = get("/options?" + urlencode([("cancer", "rectum"), *given]))
    assert response.status_code == 422
    html = Html(response.text)
    assert name in error_links(html)
    assert radios_chosen(html, name) == []


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind in ("one", "yes_no")
                               and q.name not in form.BIOMARKERS], ids=lambda q: q.name)
def test_two_answers_to_one_question_are_named(q: form.Question) -> None:
    """"Stage of the cancer: has more than one answer: choose one" did not say which: the
    answers are named, as the command line names them."""
    values = [c.value for c in q.choices] or ["yes", "no"]
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), (q.name, values[0]),
                                             (q.name, values[1])])).text)  # fmt: skip
    assert error_links(html)[q.name] == (f"{q.label}: has more than one answer "
                                         f"('{values[0]}', '{values[1]}'): choose one")
    assert error_links(Html(get("/options?cancer=rectum&stage=4&stage=1").text))["stage"] == (
        "Stage of the cancer: has more than one answer ('4', '1'): choose one")


def test_it_has_not_spread_beside_liver_and_stage_9_choose_no_radio() -> None:
    html = Html(get("/options?cancer=rectum&metastases=none&metastases=liver&stage=9").text)
    assert radios_chosen(html, "metastases") == [] and radios_chosen(html, "stage") == []
    assert checked(html, "metastases") == ["liver"]  # the names stay as they were given
    html = Html(get("/?cancer=rectum&metastases=liver&stage=4").text)  # answers read: chosen
    assert radios_chosen(html, "metastases") == ["some"] and radios_chosen(html, "stage") == ["4"]


def test_each_list_question_is_answered_in_its_own_words() -> None:
    """"None" for "Has your care team said whether targeted therapy or immunotherapy is used for
    your type of cancer?" read as "they have not said", and made both Not suitable: its answers
    say what each means. Each list question's "none" answers it in words; "I don't know" is
    always there."""
    html = Html(get("/").text)

    def label(name: str, value: str) -> str:
        return html.one("input", type="radio", name=name, value=value).parents[-1].text

    assert label("used_for_my_cancer", "none") == "They said neither is used"
    assert label("used_for_my_cancer", "unknown").startswith("I don't know, or they have not said")
    assert label("metastases", "none") == "It has not spread"
    for q in MANY:
        assert label(q.name, "none") != "None", q.name
        assert label(q.name, "unknown").startswith("I don't know"), q.name
    # what the words say is what is sent: "not said" is unknown, "neither" is none
    unsaid = urlencode([("cancer", "pancreas"), ("stage", "4"), ("used_for_my_cancer", "unknown")])
    assert shown(Html(get("/options?" + unsaid).text)) == statuses(
        evaluate(parse_profile({"cancer": "pancreas", "stage": "4"}, KB), KB))


@pytest.mark.parametrize("route", ["/options", "/report.html"])
def test_a_ticked_box_is_not_shown_as_words_the_person_wrote(route: str) -> None:
    """A tick sends its value's id: "surgery to remove part of the bowel, FOLFOX (you wrote:
    bowel-resection, FOLFOX)" showed it as written. Only words typed that read as something
    else are shown as written; and no tick of any list question, ticked alone, is."""
    query = urlencode([("cancer", "rectal cancer"), ("stage", "4"),
                       ("prior_treatments", "bowel-resection"), ("prior_treatments", "FOLFOX")])

    def had(query: str) -> str:
        html = Html(get(f"{route}?{query}").text)
        [said] = [html.one("dd", within=div).text for div in html.find("div", class_="fact")
                  if html.one("dt", within=div).text == "Treatments already had"]  # fmt: skip
        return said

    assert had(query) == "surgery to remove part of the bowel, FOLFOX"
    assert had(query.replace("FOLFOX", "colectomy")) == (
        "surgery to remove part of the bowel (you wrote: colectomy)")
    for q in QUESTIONS:
        for choice in q.choices if q.kind == "many" else []:
            profile = through_the_query(urlencode([("cancer", "rectum"), (q.name, choice.value)]))
            assert q.name not in profile.as_typed, (q.name, choice.value, profile.as_typed)


@pytest.mark.parametrize("route", ["/options", "/report.html"])
def test_a_cancer_onconav_does_not_know_is_not_the_heading(route: str) -> None:
    """Any words typed as the cancer became the page's title and heading: a shared link could
    make it say "Treatment options for incurable. Stop all treatment now and call 1-800-555-0100
    about your cancer". A cancer onconav does not know is "advanced cancer" in the heading, and
    the words typed are only quoted, cut at 40 characters, in the situation."""
    typed = "incurable. Stop all treatment now and call 1-800-555-0100 about your"
    html = Html(get(route + "?" + urlencode([("cancer", typed), ("stage", "4")])).text)
    assert html.one("h1").text == "Treatment options for advanced cancer"
    assert "1-800" not in html.one("title").text
    situation = html.one("section", class_="situation").text
    assert f"you wrote: \u201c{typed[:40].rstrip()}\u2026\u201d" in situation, situation
    assert "1-800" not in situation
    known = Html(get(route + "?cancer=rectum&stage=4").text)
    assert known.one("h1").text == "Treatment options for rectal cancer"
    # a cancer with no source of its own is said as the command says it: no source is about it,
    # not that onconav does not know it
    lung = Html(get(route + "?cancer=lung&stage=4").text).one("section", class_="situation").text
    assert "no source here is about" in lung and "does not know" not in lung, lung
    # the same options as the API for the same words
    result = evaluate(parse_profile({"cancer": typed, "stage": "4"}, KB), KB)
    assert shown(html) == statuses(result)


def test_the_report_fits_a_phone() -> None:
    """The report served as a page had no viewport: a phone drew it 980 px wide, shrunk."""
    html = Html(get("/report.html?cancer=rectum&stage=4").text)
    assert html.one("meta", name="viewport").get("content") == "width=device-width, initial-scale=1"


def test_the_report_as_a_page_links_back_to_its_answer() -> None:
    """"Report as a web page" had no way back to the answer but the browser's Back: it links
    back once, to the same answer (the answer's link to it, followed), before the report."""
    answer = "/options?" + urlencode([("cancer", "rectal cancer"), ("stage", "4"),
                                      ("prior_treatments", "bowel-resection"),
                                      ("symptoms", "pain")])  # fmt: skip
    (to_report,) = [a.get("href") for a in Html(get(answer).text).find("a")
                    if a.text == "Full report as a web page"]  # fmt: skip
    printed = Html(get(to_report).text)
    back = [a for a in printed.find("a") if a.text == "Back to your options"]
    assert [a.get("href") for a in back] == [answer], [a.attrs for a in back]
    assert not back[0].inside(printed.one("main"))


@pytest.mark.parametrize("path", ["/options", "/report.pdf", "/search", "/"])
def test_an_address_too_long_is_a_page_for_a_browser(path: str) -> None:
    """A browser was sent the problem document's JSON for an address over 8 KiB: it gets a page
    in the site's style saying what to shorten; the API and any client that does not ask for
    HTML get the problem document."""
    long = urlencode([("cancer", "rectum"), ("q", "a" * 9000)])
    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav.test") as c:
            html = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
            return [await c.get(f"{path}?{long}", headers=html),
                    await c.get(f"/api/v1/search?{long}", headers=html),
                    await c.get(f"{path}?{long}")]

    page_, api, plain = asyncio.run(go())
    assert page_.status_code == 414
    assert page_.headers["content-type"].startswith("text/html")
    assert page_.headers["content-security-policy"] == page.CSP
    html = Html(page_.text)
    assert html.one("h1").text == "This address is too long"
    # it does not promise that Back keeps the answers: without JavaScript it shows the form
    # empty (nothing typed is kept by the browser), and with it Back was this page again
    said = html.one("main").text
    assert "going back may show the questions empty" in said and "Go back" not in said
    assert html.one("link", rel="stylesheet").get("href") == "/static/onconav.css"
    for refused in (api, plain):
        assert refused.status_code == 414
        assert refused.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("limit", [8192, 4096, 20_000])
def test_the_form_gives_its_script_the_longest_address_taken(limit: int) -> None:
    """The form's script refuses to send answers whose address the server would refuse as too
    long (414): it reads the limit from the form (``Settings.max_query_bytes``), never its own
    copy, and names a box by its question."""
    html = Html(get("/", app=create_app(KB, Settings(max_query_bytes=limit))).text)
    sent = html.one("form", action="/options")
    assert sent.get("data-max-query") == str(limit)
    boxes = html.find("input", type="text", within=sent)
    assert {b.get("data-label") for b in boxes} == {
        q.label for q in QUESTIONS if q.kind == "text" or q.typed}
    assert html.one("p", id="too-long", within=sent).get("role") == "alert"


def test_the_questions_and_notes_are_linked_from_the_top() -> None:
    """The questions to ask the care team and the notes ("Symptoms can almost always be eased",
    "You have the right to decide") came after every option, 50 screens down on a phone: the
    top of the answer links to them. Not in the report, where a link leads nowhere."""
    query = "cancer=rectum&stage=4&symptoms=bleeding"
    html = Html(get("/options?" + query).text)
    jump = html.one("nav", class_="jump")
    targets = [a.get("href") for a in html.find("a", within=jump)]
    assert "#questions-h" in targets and "#notes-h" in targets, targets
    for target in targets:
        html.one(id=target[1:])
    # listed in the order they come (a review as a family: questions, notes, change had been
    # listed, while the page comes change, notes, questions)
    places = [html.elements.index(html.one(id=target[1:])) for target in targets]
    assert places == sorted(places), targets
    first_option = html.find("article", class_=None)[0]
    assert html.elements.index(jump) < html.elements.index(first_option)
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "symptoms": ["bleeding"]},
                                    KB), KB)  # fmt: skip
    assert all(n.title in jump.text for n in result.notes)
    assert not Html(get("/report.html?" + query).text).find("nav", class_="jump")


def test_the_form_says_the_answers_stay_in_the_browsers_history() -> None:
    """"Nothing you enter is stored" did not say that the address, with the answers, stays in
    the history of a shared computer."""
    lead = Html(get("/").text).one("p", class_="lead").text
    assert "history" in lead and "private window" in lead, lead


def test_a_kind_of_treatment_had_can_be_ticked_as_stopped_working() -> None:
    """"Which treatments have been tried that stopped working" had only "perhaps other treatments
    not listed" to tick: a family that knows the chemotherapy stopped working, not its drug, had
    nothing to tick. Each treatment had that the form ticks and that can stop working (progressed_on
    takes it) is a tick of it too, and each of its ticks reads as itself."""
    stopped = {c.value for c in BY_NAME["progressed_on"].choices}
    assert {"chemotherapy", "hormone-therapy"} <= stopped  # hormone therapy: breast, prostate
    for choice in BY_NAME["prior_treatments"].choices:
        try:
            read = through_the_query(urlencode([("cancer", "rectum"),
                                                ("progressed_on", choice.label)]))  # fmt: skip
        except ProfileError:
            continue  # an operation, or "drug treatments not known": it cannot stop working
        assert set(read.progressed_on) <= stopped, (choice, read.progressed_on)
    for value in stopped:
        read = through_the_query(urlencode([("cancer", "rectum"), ("progressed_on", value)]))
        assert read.progressed_on == [value] and "progressed_on" not in read.as_typed
    html = Html(get("/").text)
    ticks = {box.get("value") for box in html.find("input", type="checkbox", name="progressed_on")}
    assert ticks == stopped
    (box,) = html.find("label", for_="f-progressed_on")
    assert "operations" not in box.text and not box.text.endswith("Others, separated by commas")


def test_no_box_cuts_what_is_typed_and_each_is_named_by_its_question() -> None:
    """The boxes cut a pasted list at 1,000 characters and a cancer at 300, with no word: a
    treatment named last was lost, and an option offered that it rules out (a review of the
    page). The server says what is too long. The four boxes of treatments had the same name,
    "Others, separated by commas", for a screen reader listing the fields: each says its
    question."""
    html = Html(get("/").text)
    boxes = html.find("input", type="text")
    assert boxes and not [b.attrs for b in boxes if "maxlength" in b.attrs]
    names = {}
    for box in boxes:
        (label,) = html.find("label", for_=box.attrs["id"])
        names[box.attrs["id"]] = label.text
    assert len(set(names.values())) == len(names), names
    assert names["f-progressed_on"].startswith(KB.facts["progressed_on"].label), names


@pytest.mark.parametrize(("given", "field"), [
    ([("cancer", "rectum"), ("progressed_on", "Xelodaa")], "progressed_on"),
    ([("cancer", "rectum"), ("symptoms", "hiccups")], "symptoms"),
    ([("cancer", "rectum"), ("stage", "4"), ("stage", "4B")], "stage"),
    ([("stage", "4")], "cancer"),
])  # fmt: skip
def test_a_mistake_names_the_question_as_the_page_asks_it(
    given: list[tuple[str, str]], field: str
) -> None:
    """A mistake's message, in the summary and beside the question, starts with the question's
    name as the page shows it ("Treatments that stopped working: 'Xelodaa' is not known"): it
    started with the field's name ("progressed_on[0]: ..."), which a person never sees, and
    pointed to "docs/profile.md", a file of the repository. It says what to do."""
    html = Html(get("/options?" + urlencode(given)).text)
    label = BY_NAME[field].label
    question = html.one("div", id=f"q-{field}")
    for message in [error_links(html)[field],
                    *(p.text for p in html.find("p", within=question, class_="field-error"))]:
        assert message.startswith(f"{label}: "), message
        assert message.split(":")[0] == label and "docs/" not in message, message
    if field == "stage":
        assert "choose one" in error_links(html)[field]


IN_ANY_CASE = [
    [("cancer", "rectum"), ("Stage", "4"), ("KRAS", "wild-type"), ("Symptoms", "bleeding")],
    [("CANCER", "stomach"), ("STAGE", "IV"), ("HER2", "positive"), ("Kras", "unknown")],
    [("Cancer", "stomach"), ("her2", "3+"), ("Resectable", "no"), ("Metastases", "liver")],
]


@pytest.fixture(scope="module")
def served() -> Iterator[httpx.Client]:
    with serving(APP) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.mark.parametrize("given", IN_ANY_CASE)
def test_a_field_name_in_any_case_is_read_as_the_api_reads_it(
    served: httpx.Client, given: list[tuple[str, str]]
) -> None:
    """``Stage=4``, ``HER2=``, ``KRAS=``: a name in another case was a 422 on the page ("is not
    a question of the form"), while the API and the cohort read it. The page reads it as the
    profile does: the same options as the API for the same names, and as the names in lower
    case; the form shown again has the answers chosen."""
    page_ = served.get("/options?" + urlencode(given))
    assert page_.status_code == 200, page_.text[:2000]
    api = served.post("/api/v1/options", json=dict(given))
    assert api.status_code == 200, api.text
    assert shown(Html(page_.text)) == [(o["id"], o["status"]) for o in api.json()["options"]]
    lower = served.get("/options?" + urlencode([(n.lower(), v) for n, v in given]))
    assert shown(Html(lower.text)) == shown(Html(page_.text))
    again = Html(served.get("/?" + urlencode(given)).text)
    expected = through_the_query(urlencode([(n.lower(), v) for n, v in given]))
    assert values(through_the_query(urlencode(submitted(again)))) == values(expected)


@pytest.mark.parametrize("name", ["biomarkers.kras", "Colour", "as_typed"])
def test_a_name_that_is_not_a_question_is_told_in_the_forms_words(
    served: httpx.Client, name: str
) -> None:
    """A name that is not a question is named as given, and the message lists the form's
    questions as the form asks them: it listed the fields' names ("cannot_have, ...", with
    "Resectable" capitalised), and ``biomarkers.kras`` was told as "KRAS status of the cancer:
    is not a question of the form"."""
    response = served.get("/options?" + urlencode([("cancer", "rectum"), (name, "wild-type")]))
    assert response.status_code == 422
    html = Html(response.text)
    links = error_links(html)
    assert list(links) == [name]
    message = links[name]
    assert message.startswith(f"{name}: is not a question of the form"), message
    assert all(q.label in message for q in QUESTIONS), message
    assert not any(q.name in message.replace(name, "") for q in QUESTIONS
                   if "_" in q.name), message  # fmt: skip
    assert "Resectable" not in message and "accepted:" not in message, message
    assert not html.find("p", class_="field-error"), "beside no question"


@pytest.mark.parametrize("name", ["biomarkers", "Biomarkers", " biomarkers", "BIOMARKERS\t"])
def test_biomarkers_is_refused_as_no_question_and_her2_and_kras_are_named(
    served: httpx.Client, name: str
) -> None:
    """``biomarkers`` is the API's field of the test results: an address that held it, with any
    value, answered 500 on the answer, the report and the form (a profile drops a blank
    ``biomarkers`` as not known, and the form read each name beside a blank). It is refused as
    a name that is not a question, named as given, and the message says to give each result by
    the form's own names, her2 and kras; the form is shown. A blank is no answer, as for any
    name: the page of the address without it."""
    for value in ("x", "positive", '{"her2": "positive"}'):
        query = urlencode([("cancer", "stomach"), ("stage", "4"), (name, value)])
        for path in ("/options", "/report.html", "/report.pdf"):
            response = served.get(f"{path}?{query}")
            assert response.status_code == 422, (path, response.text[:2000])
            message = error_links(Html(response.text))[name.strip()]
            assert message.startswith(f"{name.strip()}: is not a question of the form; give "
                                      "each test result by its own name: her2 for HER2 status "
                                      "of the cancer, kras for KRAS status of the cancer"), message
        assert served.get(f"/?{query}").status_code == 200
    plain = urlencode([("cancer", "stomach"), ("stage", "4")])
    for path in ("/options", "/report.html", "/"):
        blank = served.get(f"{path}?{plain}&{quote(name)}=")
        assert blank.status_code == 200, (path, blank.text[:2000])
        assert shown(Html(blank.text)) == shown(Html(served.get(f"{path}?{plain}").text))


# names a profile reads as something else, or as nothing: its fields in other cases and with
# spaces, the nested results, the fields of no fact, and blanks
ODD_NAMES = ["biomarkers", "Biomarkers", " biomarkers ", "biomarkers.her2", "biomarkers[kras]",
             "HER2", " kras", "Stage ", "$schema", "$Schema", "as_typed", "id", "label", "",
             " ", "\t", "\u00a0", "her2.", "BIOMARKERS.KRAS"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(st.sampled_from(ODD_NAMES), st.text(max_size=12)),
       value=st.one_of(st.just(""), st.sampled_from(["x", "unknown", "none", "positive", "4"]),
                       st.text(max_size=12)),
       cancer=st.booleans())  # fmt: skip
def test_no_name_or_value_in_the_address_is_a_server_error(
    served: httpx.Client, name: str, value: str, cancer: bool
) -> None:
    """Whatever a name and a value of the query string are, the answer, the report and the form
    answer, never a 5xx (a ``biomarkers`` name was a 500 on each). The PDF's HEAD reads the
    answers as GET does, without making the PDF."""
    query = urlencode([*([("cancer", "stomach")] if cancer else []), (name, value)])
    for path in ("/options", "/report.html", "/"):
        response = served.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query, response.text[:2000])
    assert served.head(f"/report.pdf?{query}").status_code < 500, query


@pytest.mark.parametrize("path", ["/options", "/report.html", "/"])
@pytest.mark.parametrize("noise", [
    [("fbclid", "IwAR0abc")],
    [("utm_source", "facebook"), ("utm_medium", "social"), ("UTM_Campaign", "spring-mailing")],
    [("gclid", "Cj0K"), ("mc_eid", "12ab")],
])
def test_a_shared_answers_link_opens_with_what_sites_add_to_it(
    served: httpx.Client, path: str, noise: list[tuple[str, str]]
) -> None:
    """A link to an answer, shared on a social site or in a newsletter, gains names that say
    where it was clicked (``fbclid``, ``utm_source``): they are no answers, and the page is the
    one the link gave before (it was refused, 422, "is not a question of the form")."""
    given = [("cancer", "rectum"), ("stage", "4"), ("kras", "wild-type")]
    plain = served.get(path + "?" + urlencode(given))
    shared = served.get(path + "?" + urlencode(given + noise))
    assert plain.status_code == shared.status_code == 200, shared.text[:2000]
    if path == "/":
        assert submitted(Html(shared.text)) == submitted(Html(plain.text))
        # the form links back to the answer it was reached from, as it does without them
        assert Html(shared.text).find("a", href="/options?" + urlencode(given + noise))
    else:
        assert shown(Html(shared.text)) == shown(Html(plain.text)) != []
    for _name, value in noise:
        assert value not in Html(shared.text).text, "a tracking value shown as an answer"


@pytest.mark.parametrize("query", [
    [("cancer", "rectum"), ("Stage", "4"), ("stage", "4")],
    [("cancer", "rectum"), ("STAGE", "4"), ("stage", "1")],
    [("Cancer", "stomach"), ("cancer", "stomach")],
    [("cancer", "rectum"), ("Symptoms", "bleeding"), ("symptoms", "pain")],
])  # fmt: skip
def test_a_question_named_twice_in_two_cases_is_refused_as_the_api_refuses_it(
    served: httpx.Client, query: list[tuple[str, str]]
) -> None:
    """Two spellings of one question's name (``Stage`` and ``stage``) were merged on the page
    (two symptoms' lists into one), while the API and the command refuse such a profile."""
    response = served.get("/options?" + urlencode(query))
    assert response.status_code == 422
    assert "is given twice, by names that differ in case only" in Html(response.text).text
    assert served.post("/api/v1/options", json=dict(query)).status_code == 422 or len(
        {n for n, _ in query}) != len(dict(query))  # a JSON object cannot hold both names here


@pytest.mark.parametrize(("query", "same_as"), [
    ([("cancer", "stomach"), ("stage", "4"), ("HER2", "not tested"), ("her2", "positive")],
     {"cancer": "stomach", "stage": "4", "her2": "positive"}),
    ([("cancer", "rectum"), ("stage", "4"), ("stage", "IV")], {"cancer": "rectum", "stage": "4"}),
    ([("cancer", "stomach"), ("her2", "3+"), ("her2", "positive")],
     {"cancer": "stomach", "her2": "positive"}),
    ([("cancer", "rectum"), ("cancer", "Rectal cancer")], {"cancer": "rectum"}),
    # yes or no in two spellings (it was "has more than one answer ('true', 'yes')")
    ([("cancer", "rectum"), ("resectable", "true"), ("resectable", "yes")],
     {"cancer": "rectum", "resectable": True}),
    ([("cancer", "rectum"), ("wants_cancer_treatment", "no"),
      ("wants_cancer_treatment", "false")], {"cancer": "rectum", "wants_cancer_treatment": False}),
])  # fmt: skip
def test_answers_that_say_one_thing_are_one_answer_on_the_page(
    served: httpx.Client, query: list[tuple[str, str]], same_as: dict[str, str]
) -> None:
    """A word for not known beside a result ("not tested" and "positive") is the result, as a
    profile reads it (the page had refused "not tested"); one answer in two spellings ("4" and
    "IV") is that answer, as the command takes it (the page had said "more than one answer")."""
    page_ = served.get("/options?" + urlencode(query))
    assert page_.status_code == 200, page_.text[:2000]
    api = served.post("/api/v1/options", json=same_as)
    assert shown(Html(page_.text)) == [(o["id"], o["status"]) for o in api.json()["options"]]


def test_names_that_are_not_questions_list_the_questions_once(served: httpx.Client) -> None:
    """Each name that is not a question repeated the form's twenty questions (ten names: ten
    lists, read out by a screen reader in the page's alert); a very long name is cut."""
    query = [("cancer", "rectum"), *((name, "1") for name in "abcdefghij"), ("x" * 5000, "1")]
    html = Html(served.get("/options?" + urlencode(query)).text)
    messages = list(error_links(html).values())
    assert len(messages) == 11 and sum("its questions:" in m for m in messages) == 1, messages
    assert max(len(m) for m in messages if "its questions" not in m) < 120, messages


def checked(html: Html, name: str) -> list[str]:
    """The values of the radios, then the boxes, ticked for a question."""
    radios = [e.get("value") for e in html.find("input", name=name, type="radio", checked=None)]
    boxes = [e.get("value") for e in html.find("input", name=name, type="checkbox", checked=None)]
    return radios + boxes


# ------------------------------------------------------------------------------------------------
# 4. The form asks every question, with why and where to find the answer, and "I don't know"
# ------------------------------------------------------------------------------------------------


def test_a_question_that_must_be_answered_is_marked_so_where_it_is_asked() -> None:
    """The form opens "Answer what you know", and only aria-required had said that where the
    cancer started must be answered (a review by a patient's family member): each question of a
    field the profile requires is marked "needed" beside it, and required; the lead names it;
    no other question is marked."""
    required = {name for name, f in Profile.model_fields.items() if f.is_required()}
    assert required == {"cancer"}
    html = Html(get("/").text)
    lead = html.one("p", class_="lead").text
    assert "needed" in lead
    for q in QUESTIONS:
        assert q.needed == (q.name in required), q.name
        box = html.one("div", id=f"q-{q.name}")
        marks = html.find("span", within=box, class_="needed")
        assert [m.text for m in marks] == (["needed"] if q.needed else []), q.name
        boxes = html.find("input", within=box, required=None)
        assert bool(boxes) == q.needed, q.name
        if q.needed:
            assert " ".join(q.question.split()) in lead


def test_the_stage_question_says_which_stage_to_give_for_a_cancer_that_came_back() -> None:
    """Of a cancer that came back, the stage the knowledge base reads is the stage when it was
    first found, with ``recurrence`` saying it came back (the cervical options for cancer of
    stage 1 to 4A that came back far away read it so); the form had asked for "the stage of
    the cancer now", from the pathology report, which gives the stage at diagnosis, and said
    nothing of a cancer that came back."""
    stage = BY_NAME["stage"]
    assert "now" not in stage.question.split()
    help_ = Html(get("/").text).one("p", id="h-stage").text
    assert "come back" in help_ and "first found" in help_, help_
    # the model the hint describes: a cervical cancer first found at stage 2 that came back far
    # away has the options of stage 4B, as one first found at stage 4B
    came_back = evaluate(parse_profile({"cancer": "cervix", "stage": "2",
                                        "recurrence": "distant"}, KB), KB)  # fmt: skip
    first_4b = evaluate(parse_profile({"cancer": "cervix", "stage": "4B",
                                       "recurrence": "none"}, KB), KB)  # fmt: skip
    offered = {o.id for o in first_4b.options if o.status is Status.offered}
    assert offered and offered <= {o.id for o in came_back.options
                                   if o.status is Status.offered}  # fmt: skip


def test_the_form_asks_every_question_with_its_help_and_i_dont_know() -> None:
    response = get("/")
    assert response.status_code == 200
    html = Html(response.text)
    assert [e.get("id") for e in html.find("div", class_=None) if e.get("id").startswith("q-")] \
        == [f"q-{q.name}" for q in QUESTIONS]  # fmt: skip
    for q in QUESTIONS:
        box = html.one("div", id=f"q-{q.name}")
        assert q.question and q.why and q.find_it, q.name
        help_ = html.one("p", within=box, id=f"h-{q.name}")
        assert f"Why we ask: {' '.join(q.why.split())}" in help_.text
        assert f"Where to find it: {' '.join(q.find_it.split())}" in help_.text
        if q.kind == "text":
            label = html.one("label", within=box, for_=f"f-{q.name}")
            assert label.text == " ".join(q.question.split()) + (" needed" if q.needed else "")
            field = html.one("input", within=box, id=f"f-{q.name}", name=q.name)
            assert f"h-{q.name}" in field.get("aria-describedby").split()
            continue
        fieldset = html.one("fieldset", within=box)
        assert f"h-{q.name}" in fieldset.get("aria-describedby").split()
        assert html.one("legend", within=fieldset).text == " ".join(q.question.split())
        dont_know = html.one("input", within=box, type="radio", name=q.name, value="unknown")
        assert dont_know.parents[-1].tag == "label"
        assert dont_know.parents[-1].text.startswith("I don't know")
        # unknown until answered: "I don't know" chosen, or for a list none of its answers
        assert ("checked" in dont_know.attrs) == (q.kind != "many"), q.name
        kind = "checkbox" if q.kind == "many" else "radio"
        choices = q.choices if q.kind != "yes_no" else [form.Choice("yes", "Yes"),
                                                          form.Choice("no", "No")]  # fmt: skip
        for choice in choices:
            found = html.one("input", within=box, type=kind, name=q.name, value=choice.value)
            # (a kind of drug: its drugs and a link to its page, test_each_kind_of_drug_...)
            about = "; about this kind of drug" if choice.explain else ""
            said = choice.label + (f" ({choice.hint}{about})" if choice.hint else "")
            assert found.parents[-1].text == " ".join(said.split()), (q.name, choice)
        if q.kind == "many":
            for value in (form.NONE, form.SOME):
                html.one("input", within=box, type="radio", name=q.name, value=value)
            if q.typed:
                html.one("input", within=box, type="text", name=q.name, id=f"f-{q.name}")
    # the names suggested as a person types are on the page
    for list_id, names in SUGGESTED.items():
        datalist = html.one("datalist", id=f"list-{list_id}")
        assert [o.get("value") for o in html.find("option", within=datalist)] == names


@SETTINGS
@given(profile=profiles())
def test_the_form_is_filled_from_the_query_string(profile: Profile) -> None:
    response = get("/?" + form.query_of(profile))
    assert response.status_code == 200
    html = Html(response.text)
    assert html.one("input", id="f-cancer").get("value") == profile.cancer
    for q in QUESTIONS[1:]:
        value = value_of(profile, q.name)
        radios = [e.get("value") for e in html.find("input", type="radio", name=q.name,
                                                     checked=None)]  # fmt: skip
        # one answer chosen; a list not answered has none chosen (unknown until answered)
        assert len(radios) == 1 or (q.kind == "many" and value is None and not radios), (
            q.name, radios)
        if q.kind != "many":
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, list):  # results that disagree: not known, both named
                note = html.one("p", id=f"d-{q.name}").text
                labels = {c.value: c.label for c in q.choices}
                assert all(" ".join(labels[v].split()) in note for v in value), note
                value = None
            assert radios == [value if value is not None else form.UNKNOWN], q.name
            continue
        mode = [] if value is None else [form.SOME] if value else [form.NONE]
        assert radios == mode, q.name
        choices = {c.value for c in q.choices}
        names = list(value or [])
        ticked = [e.get("value") for e in html.find("input", type="checkbox", name=q.name,
                                                    checked=None)]  # fmt: skip
        assert sorted(ticked) == sorted(n for n in names if n in choices), q.name
        typed = [n for n in names if n not in choices]
        if q.typed:
            box = html.one("input", type="text", name=q.name)
            assert box.get("value") == ", ".join(typed), q.name
        else:
            assert not typed, q.name


def submitted(html: Html) -> list[tuple[str, str]]:
    """What the form sends as it is shown (no script): the ticked radios and boxes, the text
    boxes."""
    form_ = html.one("form", action="/options")
    out = []
    for e in html.find("input", within=form_):
        kind = e.get("type")
        if kind in ("radio", "checkbox") and "checked" not in e.attrs:
            continue
        out.append((e.get("name"), e.get("value") or ""))
    return out


def unordered(values: dict[str, object]) -> dict[str, object]:
    """Values with their lists in one order (the form shows the choices in its own order)."""
    return {k: sorted(v) if isinstance(v, list) else v for k, v in values.items()}


# Other spellings a profile accepts for answers, none of them the page's own
OTHER_SPELLINGS = [("stage", "IV"), ("stage", "stage four"), ("resectable", "true"),
                   ("resectable", "FALSE"), ("kras", "wildtype"), ("her2", "3+"),
                   ("metastases", "Liver"), ("metastases", "lungs"), ("symptoms", "Bleeding"),
                   ("prior_treatments", "chemo"), ("wants_cancer_treatment", "false"),
                   ("recurrence", "Local"), ("recurrence", "None")]  # fmt: skip


@pytest.mark.parametrize(("name", "spelling"), OTHER_SPELLINGS)
def test_the_form_shows_an_answer_in_another_spelling_chosen_and_sends_it_again(
    name: str, spelling: str
) -> None:
    """The answer page's "Change your answers" shows the form with the answers of its address:
    an answer the profile reads in another spelling is shown chosen, not as "I don't know", so
    that sending the form again gives the same answer."""
    query = urlencode([("cancer", "rectum"), (name, spelling)])
    read = through_the_query(query)
    assert value_of(read, name) is not None, "a spelling the profile reads"
    html = Html(get("/?" + query).text)
    assert form.UNKNOWN not in checked(html, name), checked(html, name)
    again = through_the_query(urlencode(submitted(html)))
    assert unordered(values(again)) == unordered(values(read))


@SETTINGS
@given(profile=profiles(), upper=st.booleans())
def test_the_form_sends_again_the_answers_of_any_address(profile: Profile, upper: bool) -> None:
    """The form filled from an answer's address, sent again as it is, gives the same profile
    (the answers written as the page writes them, or in capitals), and so the same options.
    Results that disagree for a biomarker, which count as not known, come back not known (one
    radio showed the first, and sending the form again made it the answer)."""
    pairs = parse_qsl(form.query_of(profile))
    if upper:
        pairs = [(n, v if n == "cancer" else v.upper()) for n, v in pairs]
    query = urlencode(pairs)
    try:
        read = through_the_query(query)
    except ProfileError:
        reject()
    html = Html(get("/?" + query).text)
    again = through_the_query(urlencode(submitted(html)))
    expected = unordered(values(read))
    for name in form.BIOMARKERS:
        if isinstance(expected[name], list):
            expected[name] = None
    expected["biomarkers"] = again.biomarkers
    assert unordered(values(again)) == expected, query
    assert statuses(evaluate(again, KB)) == statuses(evaluate(read, KB)), query


# ------------------------------------------------------------------------------------------------
# 5. Headers: the strict CSP on every page, nothing inline, nothing from another host
# ------------------------------------------------------------------------------------------------

QUERY = form.query_of(example_profile(ROOT / "examples" / "rectal-stage4-kras-wild-type.json"))
HTML_PAGES = {
    "/": 200,
    f"/?{QUERY}": 200,
    f"/options?{QUERY}": 200,
    "/explain/Xeloda": 200,
    "/explain/trifluridine%2Ftipiracil": 200,
    "/explain/%3Cscript%3Ealert(1)%3C%2Fscript%3E": 404,
    "/options?stage=4": 422,
    "/report.html?stage=4": 422,
    "/report.pdf?stage=4": 422,
    f"/report.html?{QUERY}": 200,
}
URL_ATTRIBUTES = ("href", "src", "action", "cite", "srcset", "poster", "data", "formaction")


def csp(header: str) -> dict[str, list[str]]:
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def check_nothing_inline_or_foreign(html: Html, styles_allowed: bool = False) -> None:
    for e in html.elements:
        assert "style" not in e.attrs, (e.tag, e.attrs)
        assert not any(a.startswith("on") for a in e.attrs), (e.tag, e.attrs)
        for name in URL_ATTRIBUTES:
            value = (e.attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), (e.tag, e.attrs)
            assert not re.match(r"^([a-z][a-z0-9+.-]*:)?//", value), (e.tag, e.attrs)
            assert not value.startswith(("http:", "https:")), (e.tag, e.attrs)
        if e.tag == "script":
            assert e.get("src").startswith("/static/") and not e.raw.strip(), e.attrs
    if not styles_allowed:
        assert not html.find("style")


@pytest.mark.parametrize(("path", "status"), HTML_PAGES.items())
def test_every_page_has_the_csp_and_nothing_inline_or_from_another_host(
    path: str, status: int
) -> None:
    response = get(path)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    html = Html(response.text)
    report = path.startswith("/report.html") and status == 200
    check_nothing_inline_or_foreign(html, styles_allowed=report)
    policy = csp(response.headers["content-security-policy"])
    assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)
    if not report:
        assert response.headers["content-security-policy"] == page.CSP
        assert html.one("link", rel="stylesheet").get("href") == "/static/onconav.css"
        return
    # The report is one standalone file, its stylesheet inside it: served as a page, its CSP
    # allows exactly that stylesheet, by its hash, and is otherwise the page's.
    hashes = []
    for style in html.find("style"):
        digest = base64.b64encode(hashlib.sha256(style.raw.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    assert hashes, "the report has its stylesheet inside"
    assert policy["style-src"] == ["'self'", *hashes]
    assert {k: v for k, v in policy.items() if k != "style-src"} == {
        k: v for k, v in csp(page.CSP).items() if k != "style-src"
    }


def test_the_pages_assets_are_served_from_here_and_load_nothing_else() -> None:
    home = Html(get("/").text)
    assets = [e.get("href") for e in home.find("link")] + [e.get("src") for e in
                                                            home.find("script")]  # fmt: skip
    assert {"/static/onconav.css", "/static/suggest.js"} <= set(assets)
    for asset, response in zip(assets, get_all(assets), strict=True):
        assert asset.startswith("/static/") and response.status_code == 200, asset
    css, js = get_all(["/static/onconav.css", "/static/suggest.js"])
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    for text in (css.text, js.text):
        assert not re.search(r"https?://|url\(\s*['\"]?//|@import", text), text[:200]
    assert not re.search(r"\bfetch\(|XMLHttpRequest|innerHTML|eval\(", js.text)
    assert get("/static/no-such.css").status_code == 404


# ------------------------------------------------------------------------------------------------
# 6. Explain pages: every entry, by its id and by its name; every link of the answers answers
# ------------------------------------------------------------------------------------------------


def test_every_entry_has_an_explain_page_by_id_and_by_name() -> None:
    ids = sorted(KB.by_id)
    by_id = get_all(explain_url(i) for i in ids)
    by_name = get_all(explain_url(KB.name_of(i)) for i in ids)
    for ident, response in zip(ids, by_id, strict=True):
        assert response.status_code == 200, ident
        assert response.headers["content-security-policy"] == page.CSP
        html = Html(response.text)
        title = " ".join(KB.name_of(ident).split())
        assert html.one("h1").text == title, ident
        assert html.one("title").text.startswith(title)
        check_nothing_inline_or_foreign(html)
    for ident, response in zip(ids, by_name, strict=True):
        assert response.status_code == 200, ident
        html = Html(response.text)
        title = " ".join(KB.name_of(ident).split())
        others = [a.text for a in html.find("a", href=None) if a.parents[-1].tag == "p"]
        # the entry itself, or another of the same name with a link to it (an option that is
        # not for every cancer named with its cancers: "... (for cervical cancer)")
        assert html.one("h1").text == title or any(
            o == title or o.startswith(title + " (") for o in others), ident


@pytest.mark.parametrize("name", ["no such thing", "a/b", "<b>Ana</b>"])
def test_an_unknown_name_is_a_404_page(name: str) -> None:
    response = get(explain_url(name))
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == page.CSP
    html = Html(response.text)
    assert name in html.one("h1").text
    assert "<b>" not in response.text, "the name is escaped"
    assert not [a for a in html.find("a") if a.get("href").startswith("/explain/")]


@pytest.mark.parametrize("path", ["/explain/", "/explain/%20", "/explain/%20%09"])
def test_an_explain_page_with_no_name_says_to_give_one_as_the_api_does(path: str) -> None:
    """The page for an empty or blank name was a 404 headed "onconav does not know “”"; the API
    refuses it with 422 and says to give a name (a review of the page). The page does too."""
    response = get(path)
    assert response.status_code == 422
    html = Html(response.text)
    assert html.one("h1").text == "Which name?"
    assert "a drug, a regimen, a procedure, a test or a term" in response.text
    assert "“”" not in response.text
    assert get("/api/v1" + path).status_code == 422


SAID = "Your cancer cannot be treated. Stop chemotherapy now and call 555-0100"


def test_a_name_or_a_search_typed_is_only_quoted_cut_short() -> None:
    """Words in an address are only quoted, cut at 40 characters (words.cut), as a cancer
    onconav does not know is: the explain page's 404 had the whole name in its heading, and a
    search up to 500 characters of its question in the title and the results' heading, so that
    a shared link could make the page say anything."""
    short = words.cut(SAID)
    assert len(short) == 41 and "555-0100" not in short
    missing = get(explain_url(SAID))
    assert missing.status_code == 404
    html = Html(missing.text)
    assert html.one("h1").text == f"onconav does not know “{short}”"
    assert "555-0100" not in missing.text
    for found in ("stoma " + SAID, "zzqx " + SAID):  # hits, and none
        response = get("/search?" + urlencode({"q": found}))
        assert response.status_code == 200
        html = Html(response.text)
        shown = words.cut(found)
        assert html.one("title").text == f"\u2068{shown}\u2069 — Search — onconav"
        assert f"“{shown}”" in html.one("h2", id="hits-title").text
        # the question whole only in its box, to be changed
        assert response.text.count("555-0100") == 1 and html.one("input", id="q").get(
            "value") == found  # fmt: skip


@pytest.mark.parametrize("name", ["Xelodaa", "lonsruf", "FOLFOXX"])
def test_an_unknown_name_suggests_the_closest_names_as_the_api_does(name: str) -> None:
    """The page's 404 suggests the knowledge base's closest names, each a link to its page, as
    the command line and the API do (it suggested nothing)."""
    closest = KB.closest_names(name)
    assert closest, name
    response = get(explain_url(name))
    assert response.status_code == 404
    html = Html(response.text)
    links = [(a.text, a.get("href")) for a in html.find("a") if a.get("href").startswith(
        "/explain/")]  # fmt: skip
    assert links == [(n, explain_url(n)) for n in closest]
    assert all(get(href).status_code == 200 for _, href in links)
    api = get("/api/v1/explain/" + name)
    assert api.status_code == 404 and all(n in api.json()["detail"] for n in closest)


@pytest.mark.parametrize(("query", "field", "box"), [
    ("q=" + "a" * 600, "q", "q"),
    ("q=   ", None, None),  # the empty box: no error
    ("q=stoma&cancer=stomch", "cancer", "cancer"),
])  # fmt: skip
def test_a_search_that_cannot_run_says_so_beside_the_field_it_is_about(
    query: str, field: str | None, box: str | None
) -> None:
    """A search refused (422) names its field in words, beside that field, which is marked and
    tied to the message: a cancer not among the sources was shown under the question's box."""
    response = get("/search?" + query)
    html = Html(response.text)
    errors = html.find("p", class_="field-error")
    if field is None:
        assert response.status_code == 200 and not errors
        return
    assert response.status_code == 422
    (error,) = errors
    assert error.text.startswith({"q": "Your question:", "cancer": "Which cancer:"}[field])
    marked = html.one(None, id=box)
    assert marked.get("aria-invalid") == "true"
    assert error.get("id") in marked.get("aria-describedby").split()
    other = html.one(None, id={"q": "cancer", "cancer": "q"}[field])
    assert "aria-invalid" not in other.attrs
    assert error.get("id") not in other.get("aria-describedby").split()


@pytest.mark.parametrize(("query", "box", "words"), [
    ("q=lonsurf&q=stoma", "q", "the address holds more than one question: ask one at a time"),
    ("q=stoma&cancer=rectum&cancer=stomach", "cancer", "the address names more than one cancer"),
    ("q=stoma&foo=bar", "q", "words that are not part of a search (foo)"),
    ("q=stoma&limit=3&Q=x", "q", "words that are not part of a search (Q)"),
    ("q=stoma&limit=3&limit=4", "q", "more than one number of results (limit)"),
])  # fmt: skip
def test_a_search_address_giving_a_name_twice_or_one_not_the_searchs_is_refused(
    query: str, box: str, words: str
) -> None:
    """The search used the last of a question given twice (q=lonsurf&q=stoma searched "stoma")
    and dropped a name it does not take without a word; as the answer's address is (a question
    given two answers, a name that is not a question), it is refused (422) beside the box."""
    response = get("/search?" + query)
    assert response.status_code == 422
    html = Html(response.text)
    (error,) = html.find("p", class_="field-error")
    assert words in error.text, error.text
    marked = html.one(None, id=box)
    assert marked.get("aria-invalid") == "true"
    assert error.get("id") in marked.get("aria-describedby").split()
    assert not html.find("ol", class_="hits"), "no search was made"


@pytest.mark.parametrize("noise", ["fbclid=IwAR0abc", "utm_source=newsletter&utm_medium=email",
                                   "gclid=Cj0K"])  # fmt: skip
def test_a_shared_search_link_opens_with_what_sites_add_to_it(noise: str) -> None:
    """A search's link shared on a social site gains ``fbclid`` (a newsletter's, ``utm_*``): it
    was refused, 422, "words that are not part of a search", where an answer's link opens."""
    plain = get("/search?q=stoma&cancer=rectum")
    shared = get("/search?q=stoma&cancer=rectum&" + noise)
    assert plain.status_code == shared.status_code == 200, shared.text[:2000]
    hits = [Html(r.text).one("ol", class_="hits").text for r in (plain, shared)]
    assert hits[0] == hits[1] != ""


@pytest.mark.parametrize(("cancer", "limit"), [("rectum", None), (None, None), ("rectum", "3")])
def test_a_search_s_suggestions_keep_the_cancer_chosen(
    cancer: str | None, limit: str | None
) -> None:
    """"Did you mean" searches the sources of the cancer chosen, as the search did (its links
    searched every source), for as many results as the address asked (they dropped limit)."""
    # ("smell", a word of its own, is suggested the closest known words; "stomma", surely a
    # slip of stoma, is answered with stoma's hits, saying so: below)
    query = urlencode([("q", "smell"), *([("cancer", cancer)] if cancer else []),
                       *([("limit", limit)] if limit else [])])  # fmt: skip
    html = Html(get("/search?" + query).text)
    links = [a.get("href") for a in html.find("a") if a.get("href").startswith("/search?q=")]
    assert links, "the misspelling has suggestions"
    for link in links:
        asked = dict(parse_qsl(link.split("?", 1)[1]))
        assert (asked.get("cancer"), asked.get("limit")) == (cancer, limit), link
        assert get(link).status_code == 200


def test_a_search_of_a_slip_shows_the_hits_of_the_word_meant_and_says_so() -> None:
    """"stomma" is surely a slip of stoma: the page shows stoma's hits, with the notice that
    nothing matches the words as written and which words the hits are for."""
    html = Html(get("/search?" + urlencode({"q": "stomma", "cancer": "rectum"})).text)
    notices = [p.text for p in html.find("p", class_="notice")]
    assert any("Nothing matches “stomma” as written" in n and "“stoma”" in n for n in notices)
    assert html.find("li", class_="hit")


@pytest.mark.parametrize(("cancer", "selected", "name"), [
    ("gastric", "stomach", "stomach cancer"), ("Stomach", "stomach", "stomach cancer"),
    ("cervical", "cervix", "cervical cancer"), ("lung", "lung", "lung")])  # fmt: skip
def test_a_search_kept_to_a_cancer_chooses_it_in_the_list_and_says_so(
    cancer: str, selected: str, name: str
) -> None:
    """/search?q=chemo&cancer=gastric kept to stomach cancer but chose no cancer in the list
    (it showed "All the sources", and searching again searched every source)."""
    text = get("/search?" + urlencode({"q": "chemo", "cancer": cancer})).text
    chosen = re.findall(r'<option value="([^"]*)" selected>', text)
    assert chosen == [selected], chosen
    assert f"The search was kept to {name}." in Html(text).text


@pytest.mark.parametrize("cancer", ["colon", "colorectal", "breast", "prostate", "thyroid",
                                    "any", "lung"])  # fmt: skip
def test_a_cancer_with_no_source_of_its_own_is_listed_with_the_sources_kept_to(
    cancer: str,
) -> None:
    """/search?q=liver&cancer=colon listed "colon cancer (the general source)" while the notice
    said the search keeps to the general source and the rectal one, and the first hit was from
    the rectal source: the list names the sources the notice names."""
    html = Html(get("/search?" + urlencode({"q": "liver", "cancer": cancer})).text)
    label = html.one("option", selected=None).text.replace("\u2068", "").replace("\u2069", "")
    notices = " ".join(p.text for p in html.find("p", class_="notice"))
    kept = re.search(r"in general and the one(s?) on ([^,]+), which the knowledge base cites",
                     notices)  # fmt: skip
    if kept:  # colon cancer: the rectal source too
        assert label.endswith(f"(the general source and the one{kept[1]} on {kept[2]})"), label
    else:
        assert label.endswith("(the general source)"), label
    assert bool(kept) == (cancer in ("colon", "colorectal"))


@pytest.mark.parametrize("cancer", [c.id for c in KB.data.cancers] + ["GEJ", "gastric"])
def test_a_cancer_chosen_is_listed_with_the_sources_its_hits_cite(cancer: str) -> None:
    """/search?q=pain&cancer=GEJ listed "gastro-oesophageal junction cancer (the general
    source)" while the hits cited the stomach pages (GEJ cancer is answered as stomach cancer):
    a cancer listed with the sources kept to names every cancer whose sources its hits cite."""
    asked = urlencode({"q": "pain", "cancer": cancer, "limit": "50"})
    html = Html(get("/search?" + asked).text)
    label = html.one("option", selected=None).text.replace("\u2068", "").replace("\u2069", "")
    hits = get("/api/v1/search?" + asked).json()["hits"]  # the page's hits (a parity test)
    cited = {KB.sources[c["source"]].cancer for h in hits for c in h["citations"]}
    assert cited, hits
    if "(" not in label:  # a cancer of the list itself: its own sources
        return
    named = {c.id for c in KB.data.cancers if c.id != "any" and KB.name_of(c.id) in
             label.partition("(")[2]}  # fmt: skip
    assert cited - {"any"} <= named, (label, cited)


def test_a_search_shows_how_the_question_was_read() -> None:
    text = get("/search?" + urlencode({"q": "no chemo for my rectal cancer"})).text
    assert "Kept to rectal cancer, named in the question" in text
    assert "are not read as leaving anything out" in text
    assert re.findall(r'<option value="([^"]*)" selected>', text) == [""]
    none = get("/search?" + urlencode({"q": "lonsurf", "cancer": "cervix"})).text
    assert "but the sources on rectal cancer do" in none


def local_links(html: Html, at: str = "/options") -> set[str]:
    """The page's links to this site, and the addresses its quotes give as their source
    (``cite``, read from the page's own address ``at``: a source's id there, "acs-advanced",
    was the address /acs-advanced, which does not exist)."""
    out = set()
    for a in html.find("a", href=None):
        href = a.get("href")
        if href.startswith("/"):
            out.add(href)
    for quote_ in html.find(None, cite=None):
        address = urljoin(at, quote_.get("cite"))
        assert address.startswith(("/", "https://")), quote_.attrs
        if address.startswith("/"):
            out.add(address)
    return out


def test_every_link_of_the_answer_pages_and_their_explain_pages_answers(sources: Path) -> None:
    app = create_app(KB, Settings(sources=sources))  # the passages cited quoted: their cite too
    pages = get_all(("/options?" + form.query_of(example_profile(p)) for p in EXAMPLES), app)
    links: set[str] = set()
    for response, path in zip(pages, EXAMPLES, strict=True):
        assert response.status_code == 200
        html = Html(response.text)
        assert html.find("blockquote"), path.name  # the passages cited are quoted
        links |= local_links(html)
        result = evaluate(example_profile(path), KB)
        for option in result.options:
            article = html.one("article", data_option=option.id)
            # the option's name leads to its page; names it mentions lead to theirs
            # an id is one page; its address carries the answer's cancer, which the explain
            # page's search box keeps to
            # and the answer's query, which it links back to
            cancer = result.cancer if result.cancer in KB.by_id else "any"
            back = form.query_of(example_profile(path))
            heading = html.one("a", within=html.one("h4", within=article))
            assert heading.text == option.name
            assert heading.get("href") == explain_url(option.id, cancer, back)
            # an option whose question is asked above links to the option that asks it
            # ("... Asked above, under ...": test_each_question_that_would_decide_...)
            above = [a for a in html.find("a", within=article)
                     if (a.get("href") or "").startswith("#option-")]  # fmt: skip
            for a in above:
                asker = html.one("article", id=a.get("href")[1:])
                assert html.elements.index(asker) < html.elements.index(article), a.attrs
            anchors = [a for a in html.find("a", within=article) if a not in above]
            for a in anchors:
                if a is not heading:
                    assert a.get("href") == explain_url(KB.find(a.text)[0].id, cancer,
                                                        back), a.attrs  # fmt: skip
            mentioned = [a.text for a in anchors if a is not heading]
            for name in [*option.uses, *option.given_with, *option.may_involve]:
                if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", option.description):
                    assert any(name in m for m in mentioned), (option.id, name)
    assert any(link.startswith("/explain/") for link in links)
    links = {link for link in links if not link.startswith("/report.pdf")}  # PDFs: test_report
    explained = [link for link in sorted(links) if link.startswith("/explain/")]
    responses = get_all(sorted(links), app)
    for link, response in zip(sorted(links), responses, strict=True):
        assert response.status_code == 200, link
    # one step further: every link of those explain pages answers too
    further: set[str] = set()
    for link, response in zip(sorted(links), responses, strict=True):
        if link in explained:
            further |= local_links(Html(response.text))
    further -= links
    for link, response in zip(sorted(further), get_all(sorted(further), app), strict=True):
        assert response.status_code == 200, link


# ------------------------------------------------------------------------------------------------
# 7. The logs hold the method, the path, the status and the time: never an answer
# ------------------------------------------------------------------------------------------------

LOG_LINE = re.compile(r"^(GET|POST) /\S* \d{3} \d+\.\dms$")


def test_the_logs_hold_no_answers(caplog: pytest.LogCaptureFixture) -> None:
    from test_web import serving

    queries = [form.query_of(example_profile(p)) for p in EXAMPLES]
    secret = urlencode([("cancer", "Ana-17 secret"), ("stage", "x9"), ("symptoms", "hiccupz")])
    with caplog.at_level(logging.DEBUG), serving(APP) as url, \
            httpx.Client(base_url=url, timeout=30) as client:  # fmt: skip
        for query in queries:
            for route in ("/options", "/report.html"):
                assert client.get(f"{route}?{query}").status_code == 200, route
        assert client.get(f"/options?{secret}").status_code == 422
        pdf = client.get(f"/report.pdf?{queries[-1]}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("onconav", "uvicorn"))]
    said = {"Ana-17 secret", "Ana-17", "x9", "hiccupz"}
    for query in queries:
        said |= {v for _, v in parse_qsl(query)} | {query}
    said = {v for v in said if len(v) > 3}  # yes, no, 4: too short to be found only in answers
    for line in lines:
        for value in said:
            assert value not in line.split(" ", 1)[1], (value, line)
        assert "?" not in line and "=" not in line, line
    ours = [r.getMessage() for r in caplog.records if r.name == "onconav.web"]
    assert len(ours) == 2 * len(queries) + 2, ours
    assert all(LOG_LINE.match(line) for line in ours), ours
    assert "GET /report.pdf 200" in " ".join(ours)


@pytest.mark.parametrize("route", ["/options", "/report.html"])
def test_the_answer_says_what_each_status_means_and_the_disclaimer_first(route: str) -> None:
    """Beside the counts, each status with its icon, its words and what it means ("Offered"
    alone read as "my doctors offer it", "Needs information" as a no); and the disclaimer
    before the first option, not only at the end of a page 30 screens long on a phone."""
    path = EXAMPLES[0]
    query = form.query_of(example_profile(path))
    html = Html(get(f"{route}?{query}").text)
    meanings = html.one("dl", class_="meanings")
    terms = html.find("dt", within=meanings)
    said = html.find("dd", within=meanings)
    result = evaluate(example_profile(path), KB)
    # the statuses counted: "only in clinical trials" and "not chosen" when an option has one
    counted = counted_statuses(result)
    assert Status.declined not in counted  # (the example does not say no to treatment)
    # then the tag of an option for a symptom the person listed, when an option carries it
    assert [t.text for t in terms[len(counted):]] in ([], [views.SYMPTOMS_TAG])
    for status, term, meaning in zip(counted, terms[:len(counted)], said[:len(counted)],
                                     strict=True):  # fmt: skip
        assert term.text == STATUS_WORDS[status] or term.text.endswith(" " + STATUS_WORDS[status])
        # its icon, as beside each option: a picture on the page, a letter in a disc on paper
        assert html.find("svg", within=term) or html.find("span", within=term, aria_hidden="true")
        assert meaning.text == " ".join(STATUS_MEANING[status].split())
    notice = html.one("p", class_="notice")
    assert notice.text == " ".join(result.disclaimer.split())
    first_option = html.find("article", class_=None)[0]
    assert html.elements.index(notice) < html.elements.index(first_option)


@pytest.mark.parametrize("typed", ["unknown", "Unknown", " UNKNOWN "])
def test_a_cancer_whose_start_is_not_known_is_typed_unknown(typed: str) -> None:
    """"unknown" in the cancer's box is a cancer whose start is not known, as the profile reads
    it (the general options), and the form says so beside the box: the form dropped it as "I
    don't know" and asked for the cancer, while the message for "I don't know" typed there said
    to write "unknown"."""
    html = Html(get("/").text)
    note = html.one("p", id="n-cancer")
    assert "unknown" in note.text
    assert "n-cancer" in html.one("input", id="f-cancer").get("aria-describedby").split()
    response = get("/options?" + urlencode([("cancer", typed), ("stage", "4")]))
    assert response.status_code == 200
    result = evaluate(parse_profile({"cancer": "unknown", "stage": "4"}, KB), KB)
    assert shown(Html(response.text)) == statuses(result)
    # a guess typed there is refused, and its message names the word that works
    refused = error_links(Html(get("/options?" + urlencode([("cancer", "maybe stomach")])).text))
    assert "'unknown'" in refused["cancer"], refused
    # "Change your answers" shows it again, and sending it again gives the same
    again = Html(get("/?" + urlencode([("cancer", typed)])).text)
    assert again.one("input", id="f-cancer").get("value") == typed.strip()


def test_the_answer_lists_the_kinds_of_option_with_links_to_each() -> None:
    """A list of the kinds of option, each a link to its heading with how many options it holds:
    an answer holds up to 45 options, 30 screens on a phone, and a keyboard reached the
    symptom relief or the trials only through every link of every option before them. Not in
    the report, where a link leads nowhere."""
    path = ROOT / "examples" / "rectal-stage4-kras-wild-type.json"
    query = form.query_of(example_profile(path))
    html = Html(get("/options?" + query).text)
    contents = html.one("nav", class_="contents")
    headings = [h for h in html.find("h3") if h.get("id").startswith("g-")]
    links = html.find("a", within=contents)
    assert len(headings) > 5 and len(links) == len(headings)
    for link, heading in zip(links, headings, strict=True):
        assert link.get("href") == "#" + heading.get("id")
        assert link.text == heading.text
        group = html.one("section", **{"aria-labelledby": heading.get("id")})
        count = len(html.find("article", within=group))
        assert link.parents[-1].text == f"{heading.text} ({count} option{'s' * (count != 1)})"
    assert not Html(get("/report.html?" + query).text).find("nav", class_="contents")


@pytest.mark.parametrize("given", [
    [("metastases", "none"), ("metastases", "liver"), ("progressed_on", "Xelodaa")],
    [("stage", "4"), ("stage", "4B"), ("her2", "5+"), ("symptoms", "hiccups")],
    [("colour", "blue"), ("resectable", "maybe")],
    [("symptoms", "none"), ("symptoms", "pain"), ("stage", "9")],
])  # fmt: skip
def test_every_mistake_is_shown_at_once(given: list[tuple[str, str]]) -> None:
    """A mistake the form finds itself ("None" ticked beside a name, two answers to one
    question) is shown with the mistakes in the other answers: they were shown only once it was
    corrected and the form sent again. The summary lists them in the order of the questions."""
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), *given])).text)
    named = list(dict.fromkeys(name for name, _ in given))
    order = [q.name for q in QUESTIONS]  # in the form's order, a name not asked first
    assert list(error_links(html)) == sorted(named, key=lambda n: order.index(n) + 1
                                             if n in order else 0)  # fmt: skip


@pytest.mark.parametrize(("name", "aim"), [
    ("rectum-clinical-trial", "to test a new treatment, or a new way to give one, and learn "
     "whether it is safe and works against the cancer; it may or may not help you"),
    ("general-feeding-tube", "to relieve symptoms"),
    ("rectum-folfiri", "to control the cancer and help you live longer"),
])  # fmt: skip
def test_an_explain_page_states_the_aim_in_the_answers_words(name: str, aim: str) -> None:
    """The explain page said "Aim: learn", "Aim: relieve", "type: nutrition"."""
    html = Html(get(f"/explain/{name}").text)
    facts = {dt.text: dd.text for dt, dd in zip(html.find("dt"), html.find("dd"), strict=True)}
    assert facts["Aim"] == aim
    assert "type:" not in facts["For"]


@pytest.mark.parametrize("query", ["can I get help with bleeding", "surgery", "pain",
                                   "feeding", "stent", "radiation"])  # fmt: skip
def test_what_cites_a_passage_is_never_two_links_of_the_same_words(query: str) -> None:
    """"Cited by: Surgery to stop bleeding; ...; Surgery to stop bleeding" linked an option and a
    procedure of the same name: two of the same name are each named with their kind."""
    for cancer in ("stomach", "rectum", ""):
        html = Html(get("/search?" + urlencode({"q": query, "cancer": cancer})).text)
        for hit in html.find("li", class_="hit"):
            cited = [p for p in html.find("p", within=hit) if p.text.startswith(("Cited by",
                                                                                 "Given by"))]
            for line in cited:
                links = html.find("a", within=line)
                words_ = [a.text.casefold() for a in links]
                assert len(words_) == len(set(words_)), line.text
    # (a question of surgery: kept to stomach cancer, "can I get help with bleeding" now shows
    # the stomach pages' own passages first, and the general one that cites both falls below)
    html = Html(get("/search?q=surgery+to+stop+bleeding&cancer=stomach").text)
    both = 0
    for line in (p for p in html.find("p") if p.text.startswith("Cited by")):
        # the links keep to the cancer chosen (the explain page's search box does)
        named = {a.get("href").removesuffix("?cancer=stomach"): a.text
                 for a in html.find("a", within=line)}  # fmt: skip
        if {"/explain/general-bleeding-surgery", "/explain/bleeding-surgery"} <= set(named):
            assert named["/explain/general-bleeding-surgery"] == "Surgery to stop bleeding (option)"
            assert named["/explain/bleeding-surgery"] == "Surgery to stop bleeding (procedure)"
            both += 1
    assert both


# ------------------------------------------------------------------------------------------------
# A person's words repeated: isolated, and never a control character
# ------------------------------------------------------------------------------------------------

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it is shown reversed, to the paragraph's end
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(("query", "typed"), [
    ("/options?" + urlencode({"cancer": "lung" + RLO, "stage": "4"}), "lung"),
    ("/report.html?" + urlencode({"cancer": "lung" + RLO}), "lung"),
    ("/options?" + urlencode({"cancer": "mars" + RLO + "\u2069" + RLO}), "mars"),
    ("/search?" + urlencode({"q": "pain" + RLO + "x"}), "painx"),
    ("/search?" + urlencode({"q": "zzqx" + RLO}), "zzqx"),
    ("/search?" + urlencode({"q": "pain", "cancer": "mars" + RLO + "y"}), "marsy"),
    (explain_url("ab" + RLO + "cd"), "abcd"),
    ("/options?" + urlencode({"cancer": "rectum", "zz" + RLO: "1"}), "zz"),
    ("/options?" + urlencode({"cancer": "rectum", "stage": "4" + RLO}), "4"),  # stage 4
    ("/search?" + urlencode({"q": "pain", "zz" + RLO: "1"}), "zz"),
])  # fmt: skip
def test_words_typed_are_isolated_and_cannot_turn_the_page_around(
    query: str, typed: str
) -> None:
    """``/options?cancer=lung%E2%80%AE`` showed the rest of the page's sentence after "you wrote:
    “lung" reversed: a directional formatting character typed in the address went into the
    page. Every echo of a person's words (a cancer not known, a search, a name not known, a
    name that is not a question, a value a mistake quotes) is isolated in <bdi>, without such a
    character (one that ends an isolate would end the <bdi> early); where no element can isolate
    them (the <title>, an <option>) they are between FSI and PDI, and nothing else."""
    page = get(query).text
    html = Html(page)
    # words that hold such a character are refused as a control character is (the page says
    # so, with the character's escape isolated); others are isolated as typed
    assert any(typed in e.text for e in html.find("bdi")) or (
        "control character" in page), [e.text for e in html.find("bdi")]  # fmt: skip
    body = html.one("body").raw
    for option in html.find("option"):
        body = body.replace(option.raw, "")
    assert not BIDI.search(body), BIDI.findall(body)
    for plain in [*html.find("title"), *html.find("option")]:
        assert BIDI.findall(plain.raw) in ([], ["\u2068", "\u2069"]), plain.raw


@pytest.mark.parametrize("query", [
    "/search?q=a%00b", "/search?q=a%1bb", "/search?q=pain&cancer=a%00b", "/?cancer=a%00b",
    "/options?cancer=a%00b&stage=4", "/options?cancer=rectum&symptoms=a%1b%5B31mb",
    "/options?cancer=rectum&a%00b=1", "/explain/a%00b", "/search?q=a%7fb%c2%85c",
])  # fmt: skip
def test_no_control_character_reaches_the_page(query: str) -> None:
    """``/search?q=a%00b`` put a NUL into the <title> and the box's value (a page holding one is
    not HTML), ``a%1bb`` an escape. A control character typed is shown as its picture
    ("a\u2400b"), one of C1 as "\ufffd": the person sees that the words held one, and nothing
    invalid reaches the page."""
    response = get(query)
    controls = [c for c in response.text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]
    assert controls == [], controls
    if query.startswith("/search?q=a%00b"):
        html = Html(response.text)
        assert html.one("input", id="q").get("value") == "a\u2400b"
        assert html.one("title").text.startswith("\u2068a\u2400b\u2069")


def test_a_question_named_in_two_spellings_is_told_as_the_question_the_form_asks() -> None:
    """``stage=4&Stage=4`` was reported under the name "Stage", a name the form never shows,
    linked to nothing, with the stage's answers not marked: the mistake is the question's."""
    html = Html(get("/options?cancer=rectum&stage=4&Stage=4").text)
    links = error_links(html)  # linked, to the question's first answer
    assert list(links) == ["stage"], links
    assert links["stage"].startswith("Stage of the cancer: is given twice, by names that differ "
                                     "in case only ('stage' and 'Stage')"), links
    assert summary_targets(html) == {"Stage of the cancer": "#c-stage"}
    radios = html.find("input", within=html.one("div", id="q-stage"), type="radio")
    assert radios and all(r.get("aria-invalid") == "true" for r in radios)
    assert "e-stage" in html.one("fieldset", within=html.one("div", id="q-stage")).get(
        "aria-describedby").split()


def test_a_cancer_longer_than_a_profile_takes_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cancer of 2,000 words in the address (4 KB) was read before being refused: the page took
    ten minutes, and every other request waited. It is refused, naming the field, unread."""
    import onconav.profile

    def reading(kb: Any, name: str) -> Any:
        assert len(name) <= onconav.profile.CANCER_CHARS, "a name too long to take was read"
        return real(kb, name)

    real = onconav.profile.read_cancer
    monkeypatch.setattr(onconav.profile, "read_cancer", reading)
    long = "+".join(["x"] * 2000)
    answered = get(f"/options?cancer={long}&stage=4")
    assert answered.status_code == 422 and "at most 300" in answered.text
    assert get(f"/?cancer={long}").status_code == 200  # the form, with the mistake shown


@pytest.mark.parametrize("typed", ["advanced", "cancer"])
def test_words_that_name_no_place_are_a_cancer_whose_start_is_not_given(typed: str) -> None:
    """``cancer=advanced`` and ``cancer=cancer`` say a cancer, not where it started: the
    general options, as for ``unknown``, with a note that says so (they had been a cancer named
    "advanced", with the options of a named cancer ruled out)."""
    html = Html(get("/options?" + urlencode({"cancer": typed, "stage": "4"})).text)
    facts = {dt.text: dd.text for dt, dd in zip(html.find("dt"), html.find("dd"), strict=True)}
    assert facts["Sources"].startswith("Where the cancer started is not known"), facts
    assert "does not say where the cancer started" in facts["Please note"]
    assert "this cancer" not in facts["Please note"]


@pytest.mark.parametrize("typed", ["general", "source", "mars"])
def test_only_the_sentence_about_the_sources_says_this_cancer(typed: str) -> None:
    """``cancer=advanced`` read "the options the source about this cancer in general describes",
    and ``cancer=cancer`` "stomach this cancer": the name read from the words typed was replaced
    wherever it stood. Only the sentence about the sources names it, as "this cancer"."""
    html = Html(get("/options?" + urlencode({"cancer": typed, "stage": "4"})).text)
    facts = {dt.text: dd.text for dt, dd in zip(html.find("dt"), html.find("dd"), strict=True)}
    assert facts["Sources"] == (
        "No source here is about this cancer itself, so these are the options the source about "
        "advanced cancer in general describes; stomach cancer, rectal cancer and cervical cancer "
        "have sources of their own. Ask your care team about the treatments used for your type "
        "of cancer."), facts["Sources"]
    # said once: no warning says it again (a review of the page found it said three times)
    assert "sources of their own" not in facts.get("Please note", "")
    assert "this cancer" not in facts.get("Please note", "")


def test_head_of_the_pdf_report_reads_the_answers_and_makes_no_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``HEAD /report.pdf?...`` made the whole PDF (5.6 s of work) for a body never sent. It
    answers as GET does, status and headers (a 422 for a mistake), but the length, which only
    the PDF would tell; GET makes the PDF as before."""
    query = "/report.pdf?cancer=thyroid&stage=4"
    made = get(query)
    assert made.status_code == 200 and made.content.startswith(b"%PDF")

    def refused(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("HEAD made the PDF")

    monkeypatch.setattr(report_module, "pdf", refused)

    async def head(paths: list[str]) -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav.test") as c:
            return [await c.head(path) for path in paths]

    answered, wrong = asyncio.run(head([query, "/report.pdf?cancer=thyroid&stage=9"]))
    assert answered.status_code == 200 and answered.content == b""
    assert "content-length" not in answered.headers
    assert {k: v for k, v in answered.headers.items()} == {
        k: v for k, v in made.headers.items() if k != "content-length"}
    refusal = get("/report.pdf?cancer=thyroid&stage=9")
    assert wrong.status_code == refusal.status_code == 422
    assert wrong.headers == refusal.headers


@pytest.mark.parametrize("cancer", ["stomch", "stomach?"])
def test_a_search_keeps_the_cancer_it_refuses_chosen(cancer: str) -> None:
    """``/search?q=lonsurf&cancer=stomch`` said "did you mean stomach cancer?" beside a list
    showing "All the sources": searching again searched every source. The cancer given stays
    chosen (quoted) until the person chooses another."""
    response = get("/search?" + urlencode({"q": "lonsurf", "cancer": cancer}))
    assert response.status_code == 422
    html = Html(response.text)
    chosen = html.find("option", selected=None)
    assert [o.get("value") for o in chosen] == [cancer]
    assert cancer in chosen[0].text


def test_the_search_heading_counts_passages_and_entries_in_words() -> None:
    """The heading said "N passages and entries" whatever the hits ("1 passage and entries")."""
    for query in ("lonsurf", "will I need a stoma bag", "her2", "pain"):
        for limit in ("1", "2", "10"):
            text = get("/search?" + urlencode({"q": query, "limit": limit})).text
            html = Html(text)
            hits = html.find("li", class_="hit")
            entries = sum(1 for hit in hits
                          if html.find("a", within=html.find("h3", within=hit)[0]))  # fmt: skip
            passages = len(hits) - entries
            said = [f"{n} {w}" for n, w in ((passages, "passage" if passages == 1 else "passages"),
                                            (entries, "entry" if entries == 1 else "entries"))
                    if n]  # fmt: skip
            heading = html.one("h2", id="hits-title").text
            assert heading.startswith(" and ".join(said) + " for "), (query, limit, heading)


@pytest.mark.parametrize(("limit", "hits"), [("3", 3), ("1", 1), ("50", None)])
def test_a_search_address_with_a_limit_searches_as_the_api_does(
    limit: str, hits: int | None
) -> None:
    """``/search?q=her2&limit=3``, a link as the API takes it, was a 422 ("words that are not
    part of a search (limit)"). The page takes it as the API does, and searching again from
    the page keeps it; a limit the API refuses is refused beside the box, nothing searched."""
    html = Html(get("/search?" + urlencode({"q": "pain", "limit": limit})).text)
    api = get("/api/v1/search?" + urlencode({"q": "pain", "limit": limit})).json()
    found = html.find("li", class_="hit")
    assert len(found) == len(api["hits"]) == (hits or len(api["hits"]))
    assert len(found) > 10 or hits is not None
    assert html.one("input", name="limit", type="hidden").get("value") == limit
    for wrong in ("0", "ten", "51"):
        response = get("/search?" + urlencode({"q": "pain", "limit": wrong}))
        assert response.status_code == 422
        error = Html(response.text).one("p", class_="field-error")
        assert "(limit)" in error.text and "1 to 50" in error.text, error.text
        assert not Html(response.text).find("input", name="limit")


def test_a_mistake_made_again_is_listed_once() -> None:
    """``symptoms=a,a,a,...`` listed "'a' is not known" twenty times, in the summary and beside
    the question: each distinct mistake is listed once."""
    html = Html(get("/options?" + urlencode({"cancer": "rectum",
                                             "symptoms": ",".join("a" * 20)})).text)  # fmt: skip
    summary = html.one("div", class_="error-summary")
    assert len(html.find("li", within=summary)) == 1
    assert len(html.find("p", within=html.one(id="e-symptoms"), class_="field-error")) == 1


@pytest.mark.parametrize("q", MANY, ids=lambda q: q.name)
def test_none_beside_names_is_told_in_the_questions_words(q: form.Question) -> None:
    """"It has not spread" beside liver ticked was told "you chose “It has not spread” and also
    ticked or typed some", for a question with no box to type in."""
    name = LIST_WORDS[q.name][0]
    html = Html(get("/options?" + urlencode([("cancer", "rectum"), (q.name, "none"),
                                             (q.name, name)])).text)  # fmt: skip
    ticked = "ticked or typed some" if q.typed else "ticked some of its boxes"
    assert error_links(html)[q.name] == (f"{q.label}: you chose \u201c{q.answers[1]}\u201d and "
                                         f"also {ticked}; choose one")


@pytest.mark.parametrize("q", MANY, ids=lambda q: q.name)
def test_yes_these_with_nothing_named_is_a_mistake(q: form.Question) -> None:
    """"Yes, these:" chosen and nothing ticked or typed was read as "I don't know", silently: the
    person had meant to name some. It is a mistake on the question, told in its words (what
    its answers are given by: ticks, a box, both), linking to it; beside "I don't know" it is
    still unknown."""
    done, do = (("ticked or typed", "tick or type") if q.choices and q.typed
                else ("typed", "type") if q.typed else ("ticked", "tick"))  # fmt: skip
    told = (f"{q.label}: you chose \u201c{q.answers[2].rstrip(':')}\u201d but {done} none: "
            f"{do} them, or choose \u201c{q.answers[0]}\u201d")  # fmt: skip
    for answers in ([(q.name, "some")], [(q.name, "some"), (q.name, "")],
                    [(q.name, "Some"), (q.name, " , ")]):  # fmt: skip
        query = urlencode([("cancer", "rectum"), ("stage", "4"), *answers])
        with pytest.raises(ProfileError):
            form.profile_data(form.answers(parse_qsl(query, keep_blank_values=True)), KB)
        for route in ("/options", "/report.html"):
            response = get(f"{route}?{query}")
            assert response.status_code == 422, (route, answers)
            html = Html(response.text)
            assert error_links(html) == {q.name: told}
            assert summary_targets(html) == {q.label: f"#c-{q.name}"}
    if q.name in OPEN_LISTS:
        # "perhaps others not listed" alone is an answer, as the API and the command take it
        # ("something stopped working, not known which"), whether "Yes, these" was chosen (the
        # page's script chooses it) or not (a browser without it), and by its id or its words:
        # it had been refused here, and a CDS card's link from a record that gives it opened
        # on the form's errors (a review of the front ends)
        label = KB.label(q.name, OTHERS_NOT_KNOWN)
        body = {"cancer": "rectum", "stage": "4", q.name: [OTHERS_NOT_KNOWN]}
        api = post_json("/api/v1/options", json.dumps(body).encode()).json()
        for answers in ([(q.name, "some"), (q.name, OTHERS_NOT_KNOWN)],
                        [(q.name, OTHERS_NOT_KNOWN)], [(q.name, "some"), (q.name, label)]):
            query = urlencode([("cancer", "rectum"), ("stage", "4"), *answers])
            response = get(f"/options?{query}")
            assert response.status_code == 200, answers
            assert value_of(through_the_query(query), q.name) == [OTHERS_NOT_KNOWN]
            assert shown(Html(response.text)) == [(o["id"], o["status"])
                                                  for o in api["options"]], answers
    named = next(w for w in LIST_WORDS[q.name] if w != OTHERS_NOT_KNOWN)  # a thing, named
    for answers, value in (([(q.name, "some"), (q.name, named)], [named]),
                         ([(q.name, "unknown,some")], None)):  # fmt: skip
        query = urlencode([("cancer", "rectum"), *answers])
        assert get("/options?" + query).status_code == 200
        read = value_of(through_the_query(query), q.name)
        assert read == value or (value and isinstance(read, list) and len(read) == 1), read


# ------------------------------------------------------------------------------------------------
# The header: its search keeps to the answer's cancer, and its links say where they lead
# ------------------------------------------------------------------------------------------------


def site_search(html: Html) -> tuple[str, str | None]:
    """The header's search box: its label, and the cancer it keeps to (None: every source)."""
    box = html.one("form", class_="site-search")
    hidden = html.find("input", within=box, type="hidden", name="cancer")
    return html.one("label", within=box).text, hidden[0].get("value") if hidden else None


def explain_links(html: Html) -> list[str]:
    return [a.get("href") for a in html.find("a") if a.get("href").startswith("/explain/")]


@pytest.mark.parametrize(("typed", "kept"), [
    ("stomach", "stomach"), ("gastric", "stomach"), ("rectum", "rectum"), ("cervix", "cervix"),
    ("colon", "colon"), ("unknown", "any"), ("mars", "any")])  # fmt: skip
def test_the_header_search_of_an_answer_keeps_to_its_cancer(typed: str, kept: str) -> None:
    """The header's search on a stomach cancer's answer searched every source, and listed an
    option for rectal cancer only: it keeps to the cancer as the answer reads it (advanced
    cancer in general for one the knowledge base does not know, as its options are), and says
    which. The explain pages the answer links to keep to it, and their links too."""
    html = Html(get("/options?" + urlencode({"cancer": typed, "stage": "4"})).text)
    said = f"Ask a question in your own words about {KB.name_of(kept)}"
    assert site_search(html) == (said, kept)
    links = explain_links(html)

    def kept_to(link: str) -> str | None:
        return dict(parse_qsl(link.partition("?")[2])).get("cancer")

    assert links and all(kept_to(link) == kept for link in links), links
    for response in get_all(links[:3]):
        explained = Html(response.text)
        assert site_search(explained) == (said, kept)
        assert all(kept_to(link) == kept for link in explain_links(explained))


@pytest.mark.parametrize("path", ["/", "/search?q=pain", "/explain/FOLFOX",
                                  "/explain/FOLFOX?cancer=mars", "/explain/FOLFOX?cancer=FOLFOX",
                                  "/explain/no-such-thing"])  # fmt: skip
def test_a_page_reached_without_a_cancer_searches_every_source(path: str) -> None:
    html = Html(get(path).text)
    boxes = html.find("form", class_="site-search")
    assert not boxes or site_search(html) == ("Ask a question in your own words", None)
    assert all("?" not in link for link in explain_links(html))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_search_from_an_answer_lists_no_option_for_another_cancer(path: Path) -> None:
    """What the header's search of an answer lists never contradicts the answer (nor
    `onconav options`): each option it links to is for a cancer the answer's options are for,
    or for every cancer; never one for another cancer."""
    profile = example_profile(path)
    listed = {o.id for o in evaluate(profile, KB).options}
    cancers = {c for o in KB.options if o.id in listed for c in o.cancers} | {"any"}
    _, cancer = site_search(Html(get("/options?" + form.query_of(profile)).text))
    assert cancer is not None
    for question in ("can they put chemo straight into the liver", "radiation", "pain",
                     "stent", "Lonsurf"):  # fmt: skip
        html = Html(get("/search?" + urlencode({"q": question, "cancer": cancer})).text)
        for link in explain_links(html):
            record = KB.by_id.get(link.split("?")[0].removeprefix("/explain/"))
            if isinstance(record, Option):
                assert set(record.cancers) <= cancers, (question, record.id)


def test_every_option_listed_names_the_cancers_it_is_for() -> None:
    """An option listed with others (a search's hits and what gives or cites them, an explain
    page's "Options that give it" and the other entries of its name) names the cancers it is
    for when it is not for every cancer: "Chemotherapy into the liver artery (hepatic arterial
    infusion)" was listed as if for any cancer."""
    paths = [f"/search?{urlencode({'q': q})}" for q in (
        "can they put chemo straight into the liver", "radiation", "pain", "surgery", "stent",
        "feeding tube", "bleeding")]  # fmt: skip
    paths += [explain_url(i) for i in sorted(KB.by_id) if KB.kind_of[i] != "options"]
    paths += sorted({explain_url(o.name) for o in KB.options})
    seen = 0
    for path, response in zip(paths, get_all(paths), strict=True):
        assert response.status_code == 200, path
        html = Html(response.text)
        for a in html.find("a"):
            ident = a.get("href").split("?")[0].removeprefix("/explain/")
            record = KB.by_id.get(ident)
            if not isinstance(record, Option) or a.parents[-1].tag == "h4":
                continue
            told = a.parents[-1].text if a.parents[-1].tag == "h3" else a.text  # a hit: its kind
            if "any" not in record.cancers:
                seen += 1
                for cancer in record.cancers:
                    assert f"for {KB.name_of(cancer)}" in told, (path, told)
    assert seen > 20


def site_links(html: Html) -> dict[str, str]:
    nav = html.one("nav", aria_label="Site")
    return {a.text: a.get("href") for a in html.find("a", within=nav)}


ANSWER = "cancer=rectum&stage=4&symptoms=bleeding"


@pytest.mark.parametrize("path", ["/", f"/options?{ANSWER}", "/explain/FOLFOX",
                                  "/search?q=pain", "/?cancer=rectum&stage=9", "/?stage=4",
                                  "/options?cancer=rectum&stage=9"])  # fmt: skip
def test_the_header_says_where_its_links_lead(path: str) -> None:
    """"Your options" led to the blank form, and a person expecting their options lost them: it
    says what it does, "Start again"; the form filled from an answer ("Change your answers")
    links back to that answer, a form whose answers give none yet does not."""
    assert site_links(Html(get(path).text)) == {"Start again": "/",
                                                "Ask in your own words": "/search"}


def test_the_form_filled_from_an_answer_links_back_to_it() -> None:
    answer = Html(get(f"/options?{ANSWER}").text)
    change = answer.one("a", href=f"/?{ANSWER}", class_="button")
    form_ = Html(get(change.get("href")).text)
    links = site_links(form_)
    assert links == {"Back to your options": f"/options?{ANSWER}", "Start again": "/",
                     "Ask in your own words": "/search"}  # fmt: skip
    assert shown(Html(get(links["Back to your options"]).text)) == shown(answer)


def test_a_search_kept_to_a_cancer_whose_start_is_not_known_is_said_in_words(
    served: httpx.Client,
) -> None:
    """The header's search from an answer whose cancer's start is not known keeps to "any": the
    page said "kept to any advanced cancer", and the notice quoted the id 'any'."""
    html = served.get("/search", params={"q": "chemo", "cancer": "any"}).text
    text = re.sub(r"<[^>]+>", "", html)  # the words as read (a name is isolated in <bdi>)
    assert "The search was kept to advanced cancer in general." in text
    assert "any advanced cancer" not in html and "&#39;any&#39;" not in html
    assert "Where the cancer started is not known" in html


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_what_would_change_links_each_question_to_where_the_form_asks_it(
    profile: Profile,
) -> None:
    """What would change the options named questions (was the rectum itself taken out?) with
    no way to see where the form takes the answer (a review of the page): each is a link to
    its question on the form, filled with the answers given. The printed report has no links."""
    query = form.query_of(profile)
    response = get("/options?" + query)
    assert response.status_code == 200
    html = Html(response.text)
    result = evaluate(profile, KB)
    section = html.find("section", class_="change")
    if not result.what_would_change:
        assert not section
        return
    # (and after a question, each test that answers it, to its page)
    links = [a.get("href") for a in html.find("a", within=section[0])
             if not a.get("href").startswith("/explain/")]  # fmt: skip
    assert links == [f"/?{query}#q-{f.fact}" for f in result.what_would_change]
    form_page = Html(get(f"/?{query}").text)
    for fact in {f.fact for f in result.what_would_change}:
        form_page.one(id=f"q-{fact}")
    printed = Html(get("/report.html?" + query).text)
    assert all("#q-" not in a.get("href") for a in printed.find("a"))


def test_the_tag_for_a_symptom_listed_is_explained_with_the_statuses() -> None:
    """"Offered" and the tag of an option for a symptom stood beside each other, and only the
    first was explained under "What the statuses mean" (a review of the page): the tag is
    explained there when an option carries it, on the page and in the report."""
    for path in ("/options?", "/report.html?"):
        with_tag = Html(get(path + "cancer=stomach&stage=4&symptoms=bleeding").text)
        meanings = with_tag.one("dl", class_="meanings").text
        assert views.SYMPTOMS_TAG in meanings and "for a symptom you listed" in meanings
        assert with_tag.find("span", class_="tag")
        without = Html(get(path + "cancer=stomach&stage=4&symptoms=none").text)
        assert views.SYMPTOMS_TAG not in without.one("dl", class_="meanings").text


def _stems(text: str) -> set[str]:
    """The words of four letters or more, by their first four ("ease", "eases" and "eased"
    alike; "symptom" and "symptoms")."""
    return {w[:4] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4}


def test_the_symptoms_tag_never_echoes_an_options_name() -> None:
    """The tag read "for your symptoms", and after a name that says it ("Radiation with
    chemotherapy to ease symptoms for your symptoms", in the report's "In short") it said it
    twice. No option's name has a word of the tag, so it follows none with an echo."""
    echoed = {o.name for o in KB.data.options if _stems(o.name) & _stems(views.SYMPTOMS_TAG)}
    assert not echoed, echoed


@pytest.mark.parametrize("path", ["/options?", "/report.html?"])
def test_the_symptoms_tag_is_the_same_on_the_page_and_the_report(path: str) -> None:
    """Every tag of an option for a symptom, beside its status and in the report's "In short"
    beside its name, is the one wording; "for your symptoms" is gone."""
    query = "cancer=rectum&stage=4&symptoms=bleeding&symptoms=bowel-obstruction&symptoms=pain"
    html = Html(get(path + query).text)
    tags = {t.text for t in html.find("span", class_="tag")}
    assert tags == {views.SYMPTOMS_TAG}, tags
    assert "for your symptoms" not in get(path + query).text
    if path.startswith("/report"):  # "In short": the name, then the tag
        listed = {" ".join(li.text.split()) for li in html.find("li")}
        assert f"Radiation to ease symptoms {views.SYMPTOMS_TAG}" in listed, listed


def test_a_template_is_read_once_by_a_running_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template changed on disk under a running server was read again, beside code it was not
    written for, and every answer page was a 500 until a restart (a review saw it): each is
    read once, whatever its file's time says later."""
    import os

    env = views.environment()
    first = env.get_template("missing.html")
    monkeypatch.setattr(os.path, "getmtime", lambda _path: 0.0)  # as if the file had changed
    assert env.get_template("missing.html") is first


def test_a_search_kept_to_a_cancer_names_what_an_entry_rests_on_for_others() -> None:
    """Kept to stomach cancer, the page showed bevacizumab's description, which speaks of rectal
    and cervical cancer, with only a stomach passage as its source (a review of the search):
    the page names the entry's citations of other cancers' sources, as the API gives them."""
    query = {"q": "avastin", "cancer": "stomach"}
    html = Html(get("/search?" + urlencode(query)).text)
    api = get("/api/v1/search?" + urlencode(query)).json()
    hit = next(h for h in api["hits"] if h["entry"] and h["entry"]["id"] == "bevacizumab")
    labels = [f"[{c['source']} {c['start']}-{c['end']}]" for c in hit["other_citations"]]
    assert labels
    shown = [p.text for p in html.find("p", class_="cite") if "on other cancers" in p.text]
    assert shown and all(label in shown[0] for label in labels[:6]), shown


def test_a_page_reached_from_an_answer_links_back_to_it() -> None:
    """An explain page or a search reached from an answer linked only to the blank form ("Find
    the options for your situation"), and the answers were lost but for the browser's Back (a
    review of the page): each carries the answer's query (``from``) and links back to that very
    answer, through the links it gives on (another explain page, the search again), and only
    to an answer of this server, whatever the address says."""
    query = urlencode([("cancer", "rectum"), ("stage", "4"), ("kras", "wild-type")])
    answer = Html(get("/options?" + query).text)
    explain = next(a.get("href") for a in answer.find("a", href=None)
                   if str(a.get("href")).startswith("/explain/folfiri?"))  # fmt: skip
    assert "from=" in str(explain)
    back = f"/options?{query}"
    page_ = Html(get(str(explain)).text)
    assert [a.get("href") for a in page_.find("a") if a.text == "Back to your options"] == [
        back, back]  # the header's and the page's own
    onward = next(a.get("href") for a in page_.find("a", href=None)
                  if str(a.get("href")).startswith("/explain/")
                  and a.get("href") != explain)  # fmt: skip
    assert any(a.get("href") == back for a in Html(get(str(onward)).text).find("a"))
    search = answer.one("form", class_="site-search")
    carried = {i.get("name"): i.get("value") for i in answer.find("input", within=search)
               if i.get("type") == "hidden"}  # fmt: skip
    found = Html(get("/search?" + urlencode({**carried, "q": "FOLFIRI"})).text)
    assert any(a.get("href") == back for a in found.find("a"))
    hit = next(a.get("href") for a in found.find("a", href=None)
               if str(a.get("href")).startswith("/explain/"))  # fmt: skip
    assert any(a.get("href") == back for a in Html(get(str(hit)).text).find("a"))
    # never another site, nor another path of this one
    odd = Html(get("/explain/folfiri?from=" + quote("//evil.example/x?a=1")).text)
    assert all(str(a.get("href")).startswith(("/", "#")) for a in odd.find("a", href=None)
               if a.text == "Back to your options")  # fmt: skip
    assert [a.get("href") for a in Html(get("/explain/folfiri").text).find("a")
            if a.text == "Back to your options"] == []


def test_the_main_drug_of_an_option_links_to_its_page() -> None:
    """An option's description names its main drug first, capitalised ("Bevacizumab (Avastin)
    is ..."): it was no link, while a name later in it (FOLFIRI) was (a review of the page).
    Names link in any case, the text kept as written."""
    html = Html(get("/options?" + urlencode({"cancer": "rectum", "stage": "4",
                                             "kras": "wild-type"})).text)  # fmt: skip
    for option, name, ident in [("rectum-bevacizumab-folfiri", "Bevacizumab", "bevacizumab"),
                                ("rectum-panitumumab", "Panitumumab", "panitumumab"),
                                ("rectum-capecitabine", "Capecitabine", "capecitabine")]:
        article = html.one("article", data_option=option)
        links = {a.text: a.get("href") for a in html.find("a", within=article)}
        assert str(links.get(name, "")).startswith(f"/explain/{ident}?"), (option, links)


def test_a_long_answer_links_to_its_explain_pages_without_its_query() -> None:
    """An answer of 6,000 characters (under the longest address taken) gave explain links of
    8,000 and more that the server refused (414), and each of its hundred links carried it (a
    review of the change): a long answer's links leave its query out, and answer."""
    padded = urlencode([("cancer", "rectum"), ("stage", "4"),
                        *[("cannot_have", "capecitabine")] * 150])  # fmt: skip
    answer = get("/options?" + padded)
    assert answer.status_code == 200 and len(padded) > 1500
    links = [a.get("href") for a in Html(answer.text).find("a", href=None)
             if str(a.get("href")).startswith("/explain/")]  # fmt: skip
    assert links and all("from=" not in str(link) for link in links)
    assert all(r.status_code == 200 for r in get_all([str(link) for link in links[:5]]))


def test_a_warning_about_a_drug_an_option_gives_is_on_its_card() -> None:
    """The answer's warning that capecitabine, of the kind of the fluorouracil of FOLFOX that
    stopped working, may not work either is on the cards of the options that give it (as a
    note, in the page and in the printed report), not only at the head of the page: a family
    that jumped to "Capecitabine alone: offered" had seen nothing against it (a review)."""
    query = ("cancer=rectal+cancer&recurrence=yes&metastases=liver&prior_treatments=bowel-resection"
             "&prior_treatments=FOLFOX&progressed_on=FOLFOX")
    for path in (f"/options?{query}", f"/report.html?{query}"):
        html = Html(get(path).text)
        card = html.one("article", data_option="rectum-capecitabine")
        notes = [e.text for e in html.find("p", within=card) if "capecitabine" in e.text]
        assert any(n.startswith("Please note:") and "may not work either" in n for n in notes), (
            path, notes)  # fmt: skip
        folfiri = html.one("article", data_option="rectum-folfiri")
        assert "may not work either" not in folfiri.text, path  # it gives neither of them


def test_the_explain_page_heads_the_options_that_give_an_entry_as_the_command_line_does() -> None:
    """The command line said "Options that use it", the page "Options that give it": one
    heading, from one place (``explain.USED_BY``; test_cli checks the command line's)."""
    from onconav.explain import USED_BY

    html = Html(get("/explain/Herceptin").text)
    assert [h.text for h in html.find("h2") if h.text.startswith("Options")] == [USED_BY]


@pytest.mark.parametrize("query", [
    "cancer=rectum&stage=IV",
    "cancer=cervix&stage=IV&metastases=some&metastases=pelvis&prior_treatments=none",  # read as 4A
])  # fmt: skip
def test_the_words_typed_are_isolated_beside_what_they_were_read_as(query: str) -> None:
    """"stage 4 (you wrote: IV), read as stage 4A": the words typed had lost their <bdi> when
    what the answer was read as followed them (a review of the change)."""
    html = get("/options?" + query).text
    assert "(you wrote: <bdi>IV</bdi>)" in html, re.findall(r"you wrote: [^<]*<?[^)]*\)", html)


# ------------------------------------------------------------------------------------------------
# The questions to ask the care team: in the person's own voice
# ------------------------------------------------------------------------------------------------

# Words that speak of the care team, or to the person: not the words of one asking their team
NOT_ASKERS_VOICE = re.compile(r"\b(care team|your?)\b", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(I|my|me)\b")


def every_question_to_ask() -> dict[str, str]:
    """Every question the list "Questions to ask your care team" can hold, by where it comes
    from: the engine's own, each fact's ``ask`` and ``ask_tested``, and the narrower questions
    of values as they are asked (``kb.which`` of every value of every fact, each way it can be
    asked; ``which_had``; the templates of a list that may not be whole), ``{values}`` filled."""
    from onconav import engine

    out = {f"engine {i}": q for i, q in enumerate(
        [*engine.QUESTIONS, *engine.QUESTIONS_WITHOUT_TREATMENT])}  # fmt: skip
    for fact in KB.facts.values():
        out[f"{fact.id}.ask"] = fact.ask
        for name in ("ask_tested", "which_had"):
            template = getattr(fact, name)
            if template is not None:
                out[f"{fact.id}.{name}"] = template.format(values="FOLFIRI")
        for value in sorted(KB.vocabulary.known(fact.id)):
            for tested in ((), ("chemotherapy",)):
                for whole in (True, False):
                    which = KB.which(fact.id, value, tested, whole)
                    if which is not None:
                        out[f"{fact.id}={value}"] = which.format(values="FOLFIRI")
    return out


def test_every_question_to_ask_the_care_team_is_in_the_persons_own_voice() -> None:
    """The list had held "Has the care team said FOLFIRI cannot be given, or did it cause severe
    side effects?" (the fact's ``which_tested``, which asks the person) among questions in the
    first person ("Could surgery remove all of my cancer ...?"): a review of the page by a
    patient's family member. Every question the list can hold speaks as the person asking:
    none of the care team, none to "you"; each written for the list (``ask``, ``ask_tested``,
    the engine's) in the first person. A fact with ``which_tested`` needs ``ask_tested``."""
    questions = every_question_to_ask()
    assert len(questions) > 50
    wrong = {k: q for k, q in questions.items() if NOT_ASKERS_VOICE.search(q)}
    assert not wrong, wrong
    own = {k: q for k, q in questions.items() if k.startswith("engine") or ".ask" in k}
    assert {k: q for k, q in own.items() if not FIRST_PERSON.search(q)} == {}
    assert all(f.ask_tested for f in KB.facts.values() if f.which_tested)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_page_lists_the_questions_to_ask_in_the_persons_own_voice(path: Path) -> None:
    """Each example's answer page: every question to ask the care team speaks as the person
    asking (the rectal example had listed "Has the care team said FOLFIRI cannot be given
    ...?"), and the list "What would change your options" still asks the person."""
    result = evaluate(example_profile(path), KB)
    html = Html(get("/options?" + form.query_of(result.profile)).text)
    section = html.one("section", class_="questions")
    listed = [li.text for li in html.find("li", within=section)]
    # each question its own item: a fact's two ("Was the rectum itself taken out ...? Has there
    # also been a pelvic exenteration?") are two
    assert listed and listed == [" ".join(one.split()) for q in result.questions
                                 for one in render.asked_apart(q)]  # fmt: skip
    assert [q for q in listed if NOT_ASKERS_VOICE.search(q)] == [], path.name


# ------------------------------------------------------------------------------------------------
# Citations say whose page they are
# ------------------------------------------------------------------------------------------------


def test_every_source_is_named_by_its_publisher_and_title_or_its_title_alone() -> None:
    """Whose page a source is, in words: its publisher and its title, its title alone when the
    copy does not state the publisher (never "not stated in the copy" as a publisher)."""
    for source in KB.data.sources:
        name = render.source_name(source)
        assert name.endswith(source.title) and "not stated" not in name, name
        stated = not source.publisher.startswith(render.NOT_STATED)
        assert name == (f"{source.publisher}: {source.title}" if stated else source.title)
    assert render.source_name(KB.sources["ccs-rectal-stage4"]) == (
        "Canadian Cancer Society: Treatments for stage 4 or recurrent rectal cancer")
    assert render.source_name(KB.sources["gastric-recurrent"]) == "Recurrent Gastric Cancer"


def check_citations(html: Html, within: Element, cited: list[Any]) -> None:
    """The citations of a part of a page, by source in the order first cited: each source says
    whose page it is, in words; each passage is a summary "passage" (numbered when there are
    more), which a screen reader reads with whose page it is; the id and offsets are under the
    passage, not in the summary."""
    (listed,) = html.find("ul", within=within, class_="citations")
    items = [li for li in html.find("li", within=listed)]
    by_source: dict[str, list[str]] = {}
    for c in cited:
        by_source.setdefault(c.source, []).append(f"[{c.source} {c.start}-{c.end}]")
    assert len(items) == len(by_source)
    for li, (source, labels) in zip(items, by_source.items(), strict=True):
        who = render.source_name(KB.sources[source])
        assert html.one("span", within=li, class_="who").text == who
        summaries = html.find("summary", within=li)
        assert len(summaries) == len(labels)
        for n, (summary, label) in enumerate(zip(summaries, labels, strict=True), 1):
            shown = "passage" if len(labels) == 1 else f"passage {n}"
            assert summary.text == f"{shown} from {who}", summary.text
            assert label not in summary.text
        under = [p.text for p in html.find("p", within=li, class_="cite")]
        assert under == labels


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_citation_of_the_page_says_whose_page_it_is(path: Path, sources: Path) -> None:
    """A citation had been shown as its id and offsets ("[ccs-rectal-stage4 2654-2820]"), and
    opening it showed the passage with nothing near it saying who wrote it, the publishers
    named only in the page's footer (a review of the page by a patient's family member)."""
    app = create_app(KB, Settings(sources=sources))
    result = evaluate(example_profile(path), KB)
    html = Html(get("/options?" + form.query_of(result.profile), app).text)
    for option in result.options:
        article = html.one("article", data_option=option.id)
        (part,) = html.find("div", within=article, class_="sources")
        check_citations(html, part, option.citations)
    for note, div in zip(result.notes, html.find("div", class_="note"), strict=True):
        check_citations(html, div, note.citations)


def test_an_explain_page_says_whose_page_each_passage_is(sources: Path) -> None:
    app = create_app(KB, Settings(sources=sources))
    html = Html(get("/explain/folfiri", app).text)
    evidence = KB.by_id["folfiri"].evidence
    assert evidence
    check_citations(html, html.one("main"), list(evidence))


def test_an_explain_page_reached_with_a_cancer_lists_that_cancers_options_first() -> None:
    """Bevacizumab's page, reached from a rectal cancer's answer, listed cervical cancer's
    options first (a review as a family): reached with a cancer, an explain page lists the
    options for it first, then those for every cancer, then the other cancers'; each entry given
    by options of more than one cancer, for every cancer that has options of its own (and colon
    cancer, which has none)."""
    cancers = sorted({c for o in KB.options for c in o.cancers if c != "any"} | {"colon"})
    mixed = [i for i in sorted(KB.by_id) if KB.kind_of[i] != "options"
             and len({tuple(o.cancers) for o in KB.options_using(i)}) > 1]  # fmt: skip
    assert "bevacizumab" in mixed
    paths = [explain_url(i, c) for i in mixed for c in cancers]
    checked = 0
    for path, response in zip(paths, get_all(paths), strict=True):
        assert response.status_code == 200, path
        cancer = path.split("cancer=")[1]
        html = Html(response.text)
        (heading,) = [h for h in html.find("h2") if h.text == "Options that give it"]
        after = html.elements[html.elements.index(heading):]
        listing = next(e for e in after if e.tag == "ul")
        listed = [KB.by_id[a.get("href").split("?")[0].removeprefix("/explain/")]
                  for a in html.find("a", within=listing)]  # fmt: skip
        ranks = [0 if cancer in o.cancers else 1 if "any" in o.cancers else 2 for o in listed]
        assert ranks == sorted(ranks), (path, [o.id for o in listed])
        checked += len(set(ranks)) > 1
    assert checked > 10
    html = Html(get(explain_url("bevacizumab", "rectum")).text)
    first = [a.text for a in html.find("a") if a.get("href").startswith("/explain/rectum-")]
    assert first and html.text.index(first[0]) < html.text.index("for cervical cancer")


def test_the_word_regimen_is_said_in_plain_words_where_a_page_first_uses_it() -> None:
    """"regimen" was never explained (a review as a family): the form's boxes of names, the
    explain page of every regimen (headed with the kind "regimen") and the page asking for a
    name each say what it is where they first use it: a plan of which drugs are given."""
    paths = ["/", "/explain/", *(explain_url(r.id) for r in KB.data.regimens)]
    for path, response in zip(paths, get_all(paths), strict=True):
        text = Html(response.text).one("main").text
        first = re.search(r"\bregimens?\b", text, re.IGNORECASE)
        assert first, path
        said = text[first.start() : first.start() + 200]
        assert re.search(r"\bplans?\b", said), (path, said)
    # on the explain pages, in the glossary's words (one place)
    (term,) = [g for g in KB.data.glossary if g.name == "Regimen"]
    assert term.description in Html(get("/explain/FOLFOX").text).text


def test_the_answer_links_a_short_report_beside_the_full_one() -> None:
    """The full report (37 pages for the README's rectal example) was the only one: the answer
    links a short report beside it, as PDF and as a page (the address's ``report=short``); the
    short report links back to the same answer; ``report=full`` is the full one; another word,
    or two, is a mistake on the form (422), as a name that is not a question is."""
    query = "cancer=rectum&stage=4&kras=wild-type&symptoms=bleeding"
    html = Html(get("/options?" + query).text)
    links = {a.text: a.get("href") for a in html.find("a", within=html.one("nav", class_="tools"))}
    assert links["Short report (PDF)"] == "/report.pdf?report=short&" + query
    assert links["Short report as a web page"] == "/report.html?report=short&" + query
    assert links["Full report (PDF)"] == "/report.pdf?" + query
    assert links["Full report as a web page"] == "/report.html?" + query
    short, full, also_full = (Html(get(path).text) for path in (
        links["Short report as a web page"], links["Full report as a web page"],
        "/report.html?report=full&" + query))  # fmt: skip
    result = evaluate(parse_profile({"cancer": "rectum", "stage": "4", "kras": "wild-type",
                                     "symptoms": ["bleeding"]}, KB), KB)  # fmt: skip
    assert shown(short) == [(o.id, o.status.value) for o in result.options
                            if o.status in render.IN_SHORT]  # fmt: skip
    assert shown(full) == shown(also_full) == statuses(result)
    assert short.find("section", class_="left-out") and not full.find("section", class_="left-out")
    back = [a.get("href") for a in short.find("a") if a.text == "Back to your options"]
    assert back == ["/options?" + query]
    pdf = get(links["Short report (PDF)"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "onconav-options-short.pdf" in pdf.headers["content-disposition"]
    for wrong in ("report=medium", "report=short&report=full"):
        for route in ("/report.html", "/report.pdf"):
            refused = get(f"{route}?{wrong}&{query}")
            assert refused.status_code == 422, (route, wrong)
            assert "report: is not a report onconav makes" in Html(refused.text).text


def kb_questions() -> list[str]:
    """Every question of the knowledge base, as the answer asks it (a template's values filled
    in): each fact's own, in the person's voice, of what was had or tested, and each value's
    narrowing question (``which``)."""
    out = []
    for fact in KB.data.facts:
        out += [q for q in (fact.question, fact.ask, fact.which_had, fact.which_with_radiation,
                            fact.which_tested, fact.ask_tested) if q]  # fmt: skip
        out += [v.which for v in getattr(fact, "values", None) or [] if getattr(v, "which", None)]
    for kind in ("symptoms", "sites", "drug_classes", "drugs", "procedures", "regimens"):
        out += [r.which for r in getattr(KB.data, kind) if getattr(r, "which", None)]
    return sorted({" ".join(q.replace("{values}", "FOLFOX or CAPOX").split()) for q in out})


def test_each_question_of_the_knowledge_base_asks_in_one_sentence() -> None:
    """The page parts the questions of one fact that come as one text ("Where does the bleeding
    come from? For example ... What kind of pain is it? ...") where a sentence asks
    (``render.asked_apart``): so each question of the data asks in its first sentence alone ("Where
    is the blockage? At the top ...?" would be parted in two)."""
    questions = kb_questions()
    assert len(questions) > 40
    for question in questions:
        assert render.asked_apart(question) == [question], question


@SETTINGS
@given(st.lists(st.sampled_from(kb_questions()), min_size=1, max_size=4))
def test_questions_of_one_fact_joined_are_parted_again(questions: list[str]) -> None:
    assert render.asked_apart(" ".join(questions)) == questions


TWO_SYMPTOMS = "cancer=rectum&stage=4&symptoms=bleeding&symptoms=pain"


@pytest.mark.parametrize("query", [TWO_SYMPTOMS, *(form.query_of(example_profile(p))
                                                   for p in EXAMPLES)])  # fmt: skip
def test_each_question_to_ask_is_an_item_of_its_own(query: str) -> None:
    """Two narrowing questions of one fact were one item ("Where does the bleeding come from?
    ... What kind of pain is it? ...", a review as a family): on the answer and in both reports,
    each item of what would decide an option, of what would change the options and of the
    questions to ask holds one question; a fact of two is named by its label in what would
    change, its questions under it."""
    for path in (f"/options?{query}", f"/report.html?{query}",
                 f"/report.html?report=short&{query}"):  # fmt: skip
        html = Html(get(path).text)
        items = [li for div in html.find("div", class_="missing")
                 for li in html.find("li", within=div)]  # fmt: skip
        for name in ("questions", "change"):
            items += [li for s in html.find("section", class_=name)
                      for li in html.find("li", within=s) if not html.find("ul", within=li)]
        assert items, path
        for li in items:
            assert len(render.asked_apart(li.text)) == 1, (path, li.text)
        if query == TWO_SYMPTOMS:
            asked = [li.text for li in items]
            assert any(q.startswith("What kind of pain is it?") for q in asked), path
            assert any(q.startswith("Where does the bleeding come from?") for q in asked), path


def check_each_question_said_once(html: Html, result: Result, printed: bool) -> None:
    """What would decide the options, in the order they are shown, question by question: one
    of one or two lines (``views.LONG_QUESTION`` characters at most) in full every time; a
    longer one (where the bleeding comes from: four lines) in full under the first option of
    its group (one status and kind: a section) that it decides, under each later one of that
    group "<its first sentence> Asked above, under <that option>." (a link to it on the page)
    where that is shorter than the question (a long question of one sentence, "Which operation
    was it ...?", is said in full again: its pointer had been longer than itself), never in full
    again there otherwise, and never pointing to another group's option nor one of another
    status. A review as a family found "The same as for Radiation with chemotherapy to ease
    symptoms, above" longer than the one-line question it stood for, a 4A treatment pointed to
    a 4B chemotherapy, an option in trials to one of another status seven pages back. An
    option printed short (one that does not suit) says none."""
    by_id = {o.id: o for o in result.options}
    group_of = {o.id: at for at, (_, options) in enumerate(render.groups(result))
                for o in options}  # fmt: skip
    first: dict[tuple[int, str], OptionResult] = {}  # a long question in a group: its asker
    for article in html.find("article", data_option=None):
        option = by_id[article.get("data-option")]
        missing = html.find("div", within=article, class_="missing")
        if printed and views.printed_short(option):
            assert not missing, option.id
            continue
        assert bool(missing) is bool(option.missing), option.id
        if not missing:
            continue
        group = group_of[option.id]
        expected: list[str] = []
        targets: list[OptionResult] = []
        for m in option.missing:
            for question in render.questions_of(m):
                key = " ".join(question.split())
                if len(key) <= views.LONG_QUESTION or (group, key) not in first:
                    expected.append(key)
                    if len(key) > views.LONG_QUESTION:
                        first[(group, key)] = option
                    continue
                above = first[(group, key)]
                assert above.status == option.status, option.id
                pointer = (f"{views.asked_head(question)} Asked above, under "
                           f"{' '.join(above.name.split())}.")  # fmt: skip
                if len(pointer) >= len(key):  # no shorter (one long sentence): said in full
                    expected.append(key)
                    continue
                assert key not in " ".join(article.text.split()), (option.id, key)
                expected.append(pointer)
                targets.append(above)
        items = html.find("li", within=missing[0])
        assert [li.text for li in items] == expected, option.id
        links = [a for li in items for a in html.find("a", within=li)]
        if printed:
            assert not links, option.id
        else:  # each pointer links to the option above that asks it, of the same group; the
            # other links are the tests that answer a question, each to its page
            pointers = [a for a in links if a.get("href").startswith("#option-")]
            assert [by_id[a.get("href").removeprefix("#option-")] for a in pointers] == targets
            tests = {t.name: t.id for m in option.missing for t in m.tests}
            assert all(a.get("href").startswith(f"/explain/{tests[a.text]}?")
                       for a in links if a not in pointers), option.id  # fmt: skip


@pytest.mark.parametrize("query", [TWO_SYMPTOMS, *(form.query_of(example_profile(p))
                                                   for p in EXAMPLES)])  # fmt: skip
def test_each_question_that_would_decide_an_option_is_said_once(query: str) -> None:
    """On the answer and in both reports (``check_each_question_said_once``)."""
    data = form.profile_data(form.answers(parse_qsl(query)), KB)
    result = evaluate(parse_profile(data, KB), KB)
    for path, printed in ((f"/options?{query}", False), (f"/report.html?{query}", True),
                          (f"/report.html?report=short&{query}", True)):  # fmt: skip
        check_each_question_said_once(Html(get(path).text), result, printed)


def test_a_long_question_of_one_sentence_is_said_in_full_not_pointed_to() -> None:
    """Stomach cancer after an operation not named: the partial gastrectomy and the stent, both
    surgery that needs information, ask which operation it was, one long sentence. Under the
    second it had read "<that whole sentence> Asked above, under Surgery to remove part of the
    stomach (to ease symptoms).", longer than the question (found by new draws of the property
    below); it is said in full there too."""
    data = {"cancer": "stomach", "stage": "4", "prior_treatments": ["surgery"]}
    result = evaluate(parse_profile(data, KB), KB)
    asking = [o.id for o in result.options if any(
        q.startswith("Which operation was it") for m in o.missing for q in render.questions_of(m))]
    assert asking == ["stomach-subtotal-gastrectomy", "stomach-stent-placement"], asking
    html = Html(get("/options?" + form.query_of(parse_profile(data, KB))).text)
    article = html.one("article", data_option="stomach-stent-placement")
    said = " ".join(html.one("div", within=article, class_="missing").text.split())
    assert "Which operation was it" in said and "Asked above" not in said, said
    check_each_question_said_once(html, result, False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=partial_and_more())
def test_each_question_that_would_decide_an_option_is_said_once_for_any_answer(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """As for the examples, for any answer: the page and both reports."""
    profile = parse_profile(pair[0], KB)
    result = evaluate(profile, KB)
    check_each_question_said_once(Html(report_module.html(result, KB)), result, True)
    check_each_question_said_once(Html(report_module.html(result, KB, short=True)), result, True)
    answer = get("/options?" + form.query_of(profile))
    assert answer.status_code == 200, answer.text
    check_each_question_said_once(Html(answer.text), result, False)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_counts_are_said_once(path: Path) -> None:
    """How many options have each status is said once where a reader looks for it: on the
    page under "At a glance" (the lead had said it too), in a report in "In short", in the
    heading over each status's names and the line on those that do not suit (the lead and "At
    a glance" had said it too: three times)."""
    profile = example_profile(path)
    result = evaluate(profile, KB)
    query = form.query_of(profile)
    said = headline(result)
    answer = Html(get(f"/options?{query}").text)
    assert said not in answer.one("p", class_="lead").text
    assert len(answer.find("ul", class_="headline")) == 1
    for short in ("", "report=short&"):
        html = Html(get(f"/report.html?{short}{query}").text)
        assert said not in html.text
        assert not html.find("ul", class_="headline") and not html.find("h2", id="counts-h")
        summary = html.one("section", class_="in-short")
        for status, options in render.in_short(result):
            heading = f"{STATUS_WORDS[status]}: {render.options_word(len(options))}"
            if status is Status.offered:  # how many treat the cancer, as the headline says
                heading += f" ({render.offered_split(result)})"
            assert heading in summary.text
        for status in (Status.not_suitable, Status.declined):
            if count := getattr(result.counts, status.value):
                assert render.options_word(count) in summary.text, status
        assert html.one("h2", id="meaning-h").text == "What the statuses mean"


# ------------------------------------------------------------------------------------------------
# A family's review of the page (review18): the tests that decide an option linked and named as
# a report names them, the kinds of drug on the form explained, the count of those that need
# information said with what most wait on, an option in trials not asked about as if an answer
# would make it given, and a stage in the cancer's name that is not the stage chosen said
# ------------------------------------------------------------------------------------------------

TEST_NAMES = sorted((t.id, n) for t in KB.data.tests for n in t.names()
                    if n.casefold().endswith(" test"))  # fmt: skip


@pytest.mark.parametrize(("ident", "name"), TEST_NAMES)
def test_a_test_is_found_by_its_name_without_test(ident: str, name: str) -> None:
    """A test is explained by any of its names with "test" dropped: "ISH", "FISH" and "IHC",
    as a pathology report and the questions call them, had been "does not know" though the
    entry lists "ISH test" and "FISH test"."""
    short = name[: -len(" test")]
    page = get(explain_url(short))
    assert page.status_code == 200, short
    assert Html(page.text).one("h1").text.endswith(KB.name_of(ident)), short


@pytest.mark.parametrize(("name", "ident"), [("ISH", "her2-ish-test"), ("FISH", "her2-ish-test"),
                                             ("IHC", "her2-test"), ("fish", "her2-ish-test")])
def test_ish_fish_and_ihc_have_pages(name: str, ident: str) -> None:
    assert [r.id for r in kb_explain.find(KB, name)] == [ident]
    assert get(explain_url(name)).status_code == 200


def test_a_name_not_of_a_test_is_not_found_with_test_added() -> None:
    """Only tests are found so: "HER2" is the HER2 test's own name, "mars" nothing."""
    assert kb_explain.find(KB, "mars") == []


def decides_items(html: Html, article: Element) -> list[Element]:
    box = html.find("div", within=article, class_="missing")
    return html.find("li", within=box[0]) if box else []


@SETTINGS
@given(profile=profiles())
def test_each_test_that_would_decide_an_option_links_to_its_page(profile: Profile) -> None:
    """Each test named as what would decide an option ("(HER2 ISH test)") is a link to its
    explain page on the page, under the option and in "What would change your options": it had
    been words alone, though its page explains it (a review as a family)."""
    result = evaluate(profile, KB)
    html = Html(get("/options?" + form.query_of(profile)).text)
    for option in result.options:
        article = html.one("article", data_option=option.id)
        items = decides_items(html, article)
        for test in {t.id: t for m in option.missing for t in m.tests}.values():
            links = [a for li in items for a in html.find("a", within=li) if a.text == test.name]
            said = [li for li in items if f"({test.name})" in li.text]
            assert len(links) == len(said) and said, (option.id, test.name)
            assert all(a.get("href").startswith(f"/explain/{test.id}?") for a in links)
    change = html.find("section", class_="change")
    for fact in result.what_would_change:
        for test in fact.tests:
            assert any(a.get("href").startswith(f"/explain/{test.id}?") and a.text == test.name
                       for a in html.find("a", within=change[0])), test.name  # fmt: skip


def test_a_borderline_her2_says_how_to_answer_once_the_ish_test_is_done() -> None:
    """"What would change your options" says, beside the borderline HER2 question, how to
    answer once the ISH test has a result: nothing had said to choose HER2-positive or
    HER2-negative then (a review as a family)."""
    html = Html(get("/options?cancer=stomach&stage=4&her2=equivocal").text)
    change = html.one("section", class_="change")
    said = [p.text for p in html.find("p", within=change, class_="when-known")]
    assert said == ["Once the HER2 ISH test has a result, answer HER2-positive or HER2-negative."]
    ish = [a for a in html.find("a", within=change) if a.text == "HER2 ISH test"]
    assert len(ish) == 1 and ish[0].get("href").startswith("/explain/her2-ish-test?")
    # a HER2 not known is asked by its own question, with nothing to say beyond it
    html = Html(get("/options?cancer=stomach&stage=4").text)
    assert not html.find("p", class_="when-known")


@SETTINGS
@given(profile=profiles())
def test_a_value_not_yet_decided_says_its_narrower_answers(profile: Profile) -> None:
    """Whatever the answers: a line on how to answer once known is said only for a question of
    a value with narrower values, and names each of them."""
    result = evaluate(profile, KB)
    for fact, line in views.when_known(KB, result).items():
        values = KB.facts[fact].values
        asked = next(f for f in result.what_would_change if f.fact == fact)
        value = next(v for v in values if v.which == asked.question)
        for narrower in (v for v in values if v.parent == value.id):
            assert narrower.label in line, (fact, line)


NARROW_KINDS = [(q.name, c) for q in QUESTIONS for c in q.choices
                if isinstance(c_kind := KB.by_id.get(c.value), DrugClass) and c_kind.parent]


def test_the_kinds_of_drug_ticked_are_the_narrow_ones() -> None:
    assert {c.value for q, c in NARROW_KINDS if q == "kin_may_work"} == {
        "platinum", "taxane", "fluoropyrimidine", "anti-egfr", "anti-her2", "anti-vegf",
        "checkpoint-inhibitor"}  # fmt: skip


@pytest.mark.parametrize(("question", "choice"), NARROW_KINDS,
                         ids=lambda x: x if isinstance(x, str) else x.value)
def test_each_kind_of_drug_ticked_names_its_drugs_and_links_to_its_page(
        question: str, choice: form.Choice) -> None:  # fmt: skip
    """A tick that is a kind of drug within a broader one ("fluoropyrimidines") says its drugs
    ("such as fluorouracil, capecitabine or floxuridine") and links to its page, in a new tab
    so that the answers given are kept: the form's "may still work" ticks had given neither (a
    review as a family)."""
    html = Html(get("/").text)
    box = html.one("input", type="checkbox", name=question, value=choice.value)
    label = box.parents[-1]
    assert label.tag == "label"
    drugs = [d.name for d in KB.data.drugs if choice.value in d.classes]
    assert drugs and f"such as {words.and_list(drugs, 'or')}" in label.text
    (link,) = html.find("a", within=label)
    assert link.get("href") == explain_url(choice.value) and link.get("target") == "_blank"
    assert get(link.get("href")).status_code == 200


def test_a_broad_kind_of_treatment_is_ticked_by_its_name_alone() -> None:
    """Chemotherapy, a word a family knows, is not explained beside its tick."""
    html = Html(get("/").text)
    box = html.one("input", type="checkbox", name="progressed_on", value="chemotherapy")
    assert not html.find("a", within=box.parents[-1])


@SETTINGS
@given(profile=profiles())
def test_an_option_in_trials_is_asked_about_for_a_study(profile: Profile) -> None:
    """What would decide an option only in clinical trials is headed as what a study of it may
    ask, on the page and in the report: lapatinib's "What would decide it: HER2 test" read as
    if answering would make it available (a review as a family)."""
    result = evaluate(profile, KB)
    query = form.query_of(profile)
    for path in (f"/options?{query}", f"/report.html?{query}"):
        html = Html(get(path).text)
        for option in result.options:
            box = html.find("div", within=html.one("article", data_option=option.id),
                            class_="missing")  # fmt: skip
            if not box:
                continue
            heading = html.find("strong", within=box[0])[0].text
            assert heading == (render.DECIDES_IN_TRIALS if option.in_trials
                               else render.DECIDES) + ":", (option.id, heading)  # fmt: skip


def test_lapatinib_is_not_decided_by_the_her2_test() -> None:
    html = Html(get("/options?cancer=stomach&stage=4").text)
    box = html.one("div", within=html.one("article", data_option="stomach-lapatinib-trial"),
                   class_="missing")  # fmt: skip
    assert "What would decide it" not in box.text and "study" in box.text


@SETTINGS
@given(profile=profiles())
def test_the_count_that_needs_information_says_what_most_wait_on(profile: Profile) -> None:
    """"27 need information" says what most of them wait on, when most do ("19 of them on
    symptoms the cancer is causing"), "only" when none of those waits on anything else; the
    page's "At a glance" as the headline says it. It had alarmed more than it told (a review
    as a family: 19 of 27 waited on the symptoms)."""
    result = evaluate(profile, KB)
    said = render.waiting_split(result)
    waiting = [o for o in result.options if o.status is Status.needs_information]
    if said:
        found = re.fullmatch(r"(all|\d+) of them (only )?on (.+)", said)
        assert found, said
        fact = next(f for f in KB.data.facts if in_sentence(f.label) == found[3])
        on = [o for o in waiting if fact.id in {m.fact for m in o.missing}]
        assert len(on) * 2 > len(waiting) >= 2
        assert found[1] == ("all" if len(on) == len(waiting) else str(len(on)))
        assert bool(found[2]) == all({m.fact for m in o.missing} == {fact.id} for o in on)
        assert f"{len(waiting)} need information ({said})" in headline(result)
        html = Html(get("/options?" + form.query_of(profile)).text)
        item = html.one("li", within=html.one("section", class_="counts"),
                        class_="status-needs-information")  # fmt: skip
        assert f"({said})" in item.text
    else:
        each = Counter(f for o in waiting for f in {m.fact for m in o.missing})
        assert len(waiting) < 2 or all(n * 2 <= len(waiting) for n in each.values())


def test_27_need_information_says_19_wait_on_the_symptoms() -> None:
    profile = parse_profile({"cancer": "stomach", "stage": "4",
                             "progressed_on": ["chemotherapy"]}, KB)  # fmt: skip
    said = headline(evaluate(profile, KB))
    assert "27 need information (19 of them on symptoms the cancer is causing)" in said


STAGE_WORDS = ["stage 4", "stage IV", "stage 2", "stage III", "stage 4B", "metastatic"]


@settings(max_examples=40, deadline=None)
@given(words_=st.sampled_from(STAGE_WORDS), given_=st.sampled_from(["earlier", "4", "4A", "4B"]),
       cancer=st.sampled_from(["stomach cancer", "rectal cancer"]))
def test_a_stage_in_the_cancers_name_not_the_stage_chosen_is_said(
        words_: str, given_: str, cancer: str) -> None:  # fmt: skip
    """A stage in the cancer's name ("stomach cancer stage 4") that is not the stage chosen
    (stage 1 to 3) is said, naming both; the name's stage had been dropped without a word (a
    review as a family). One the chosen stage is of (4 and 4B) is not."""
    name = f"{cancer} {words_}" if words_.startswith("stage") else f"{words_} {cancer}"
    result = evaluate(parse_profile({"cancer": name, "stage": given_}, KB), KB)
    read = words.stage(words_).value
    assert read is not None
    differs = not (read.startswith(given_) or given_.startswith(read))
    said = [w for w in result.warnings if "name says" in w and words_ in w]
    assert bool(said) == differs, (name, given_, result.warnings)
    if differs:
        assert KB.label("stage", given_) in said[0]
        html = Html(get("/options?" + urlencode({"cancer": name, "stage": given_})).text)
        assert f"the cancer's name says '{words_}'" in html.text
