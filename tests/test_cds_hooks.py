"""The CDS Hooks 2.0 service: discovery, patient-view and order-select cards for onconav's
situations written as FHIR records (prefetched, or fetched from a mock FHIR server), the
specification's own example requests replayed, feedback, every refusal of the JWT, 412 when the
data can be neither prefetched nor fetched, problem documents for bad input, no patient data in
the logs, and the cards compared with a reviewed snapshot (tests/cds_hooks/cards.json; write it
again with ONCONAV_UPDATE_SNAPSHOTS=1 and review the difference)."""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import logging
import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cds_hooks import records
from cds_hooks.keys import ISS, JKU, JKU_JWKS, JWKS, OTHER_JKU, public_jwk, token
from onconav import evaluate, parse_profile
from onconav.cdshooks import CdsClient, CdsSettings
from onconav.cdshooks import cards as cardlib
from onconav.cdshooks.auth import Authenticator, AuthError
from onconav.cdshooks.models import Card, CdsService, Feedback, FhirAuthorization, Link, Source
from onconav.cdshooks.prefetch import (
    MEDICATION_READS,
    OBSERVATION_CODE,
    OBSERVATION_CODES,
    TEMPLATES,
    PrefetchError,
    checked,
    fewer_than_found,
    gather,
    queries,
    resource_type,
)
from onconav.cdshooks.settings import SettingsError, from_environment
from onconav.fhir import FhirError, read_bundle
from onconav.fhir.reader import PENDING
from onconav.kb import load_kb
from onconav.kb.vocabulary import in_sentence
from onconav.profile import facts_of, stopped_of
from onconav.render import md_escape
from onconav.result import OptionResult, Result
from onconav.web import Settings, create_app
from onconav.web.cds_hooks import ECHOED, echoed
from test_web import serving

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "cds_hooks"
SNAPSHOT = FIXTURES / "cards.json"
REFERENCE = HERE.parents[1] / "shared" / "reference" / "cds-hooks"
MCODE = HERE.parents[1] / "shared" / "reference" / "mcode"
BASE = "https://onconav.example.org"
FHIR = "https://fhir.example.org/r4"
FHIR_TOKEN = "fhir-access-token-for-onconav"
PATIENT_VIEW = f"{BASE}/cds-services/onconav-patient-view"
ORDER_SELECT = f"{BASE}/cds-services/onconav-order-select"
DISCOVERY = f"{BASE}/cds-services"
KB = load_kb()
CLIENT = CdsClient(iss=ISS, jwks=JWKS, jku=(JKU,))


class FakeEhr:
    """The record system's side, as an httpx MockTransport handler: its JWK set at ``JKU`` and
    a FHIR server at ``FHIR`` (or any other base in ``records``) holding ``records`` by patient.
    Reads and searches by patient; pages of the ``_count`` asked for, at most ``max_page_size``
    (``page_size`` when none is asked for, as HAPI FHIR's 20); the bearer token checked."""

    def __init__(self) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[httpx.Request] = []
        self.page_size = 1000
        self.max_page_size = 1000
        self.answer: Callable[[httpx.Request], httpx.Response | None] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            given = self.answer(request)
            if given is not None:
                return given
        if str(request.url) == JKU:
            return httpx.Response(200, json=JKU_JWKS)
        if request.headers.get("authorization") != f"Bearer {FHIR_TOKEN}":
            return httpx.Response(401, json={"resourceType": "OperationOutcome"})
        url = request.url
        parts = url.path.split("/")  # ["", "r4", "Condition"] or ["", "r4", "Patient", id]
        kind = parts[2]
        if "patient" in url.params:
            found = [
                r for r in self.records.get(url.params["patient"], []) if r["resourceType"] == kind
            ]
            if "code" in url.params:  # system|code, ... as FHIR's token search
                wanted = set(url.params["code"].split(","))
                found = [r for r in found if wanted & {f"{c.get('system')}|{c.get('code')}"
                                                       for c in r["code"]["coding"]}]  # fmt: skip
            start = int(url.params.get("page", "0"))
            size = min(int(url.params.get("_count", self.page_size)), self.max_page_size)
            bundle = records.searchset(found[start : start + size])
            if start + size < len(found):
                nxt = url.copy_set_param("page", str(start + size))
                bundle["link"] = [{"relation": "next", "url": str(nxt)}]
            return httpx.Response(200, json=bundle)
        found = [r for held in self.records.values() for r in held
                 if r["resourceType"] == kind and r.get("id") == parts[-1]]  # fmt: skip
        if len(parts) != 4 or not found:
            return httpx.Response(404, json={"resourceType": "OperationOutcome"})
        return httpx.Response(200, json=found[0])


def make_app(ehr: FakeEhr, **changes: Any) -> Any:
    given: dict[str, Any] = {
        "clients": (CLIENT,),
        "transport": httpx.MockTransport(ehr),
        "public_url": BASE,
        **changes,
    }
    cds = CdsSettings(**given)
    return create_app(KB, Settings(cds_hooks=cds))


@pytest.fixture
def ehr() -> FakeEhr:
    return FakeEhr()


class Client:
    """The app in this process through httpx's ASGI transport, called synchronously."""

    def __init__(self, app: Any, base_url: str = BASE) -> None:
        self.app, self.base_url = app, base_url

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as http:
                return await http.request(method, url, **kw)

        return asyncio.run(call())

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)


@pytest.fixture
def client(ehr: FakeEhr) -> Client:
    return Client(make_app(ehr))


def hook_call(
    hook: str,
    prefetch: dict[str, Any] | None,
    *,
    drafts: list[dict[str, Any]] | None = None,
    fhir: bool = False,
    patient: str = records.PATIENT,
) -> dict[str, Any]:
    """A hook call as a record system sends it."""
    context: dict[str, Any] = {"userId": "Practitioner/onconav-doctor", "patientId": patient}
    if hook == "order-select":
        drafts = drafts or []
        context["selections"] = [f"MedicationRequest/{d['id']}" for d in drafts]
        context["draftOrders"] = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": d} for d in drafts],
        }
    call: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context}
    if prefetch is not None:
        call["prefetch"] = prefetch
    if fhir:
        call["fhirServer"] = FHIR
        call["fhirAuthorization"] = {
            "access_token": FHIR_TOKEN,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/*.read",
            "subject": "onconav",
        }
    return call


def post(client: Client, url: str, body: Any, **headers: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token(url)}", **headers}
    return client.post(url, json=body, headers=headers)


def cards_of(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    no_empty_values(body)
    for card in body["cards"]:
        Card.model_validate(card)
    return list(body["cards"])


def no_empty_values(value: Any, path: str = "") -> None:
    """The specification: no null, "", [] or {} anywhere, except an empty list of cards."""
    if isinstance(value, dict):
        assert value or not path, f"{path} is an empty object"
        for key, item in value.items():
            if path == "" and key == "cards" and item == []:
                continue
            no_empty_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        assert value, f"{path} is an empty list"
        for i, item in enumerate(value):
            no_empty_values(item, f"{path}[{i}]")
    else:
        assert value is not None and value != "", f"{path} is {value!r}"


UNCHECKED = "The drafted drug could not be checked: its Medication could not be read"


def _situation(result: Result) -> cardlib.Situation:
    """A situation of an answer for the cards, as the service makes one (its links on a stand-in
    server)."""
    return cardlib.Situation(result=result, hook_instance="h", base_url="http://s",
                             page_url="http://s/p")  # fmt: skip


def _answered(data: dict[str, Any]) -> Result | None:
    """The answer to a profile, or None where it gives a stage its cancer does not have."""
    try:
        return evaluate(parse_profile(data, KB), KB)
    except ValueError:
        return None


def summaries(response: httpx.Response) -> list[str]:
    return [card["summary"] for card in cards_of(response)]


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    return dict(body)


# -- discovery ----------------------------------------------------------------------------------


def test_discovery_lists_both_services_with_their_prefetch(client: Client) -> None:
    response = client.get("/cds-services", headers={"authorization": f"Bearer {token(DISCOVERY)}"})
    assert response.status_code == 200
    body = response.json()
    no_empty_values(body)
    services = {s["id"]: s for s in body["services"]}
    assert {s["hook"] for s in services.values()} == {"patient-view", "order-select"}
    for service in services.values():
        CdsService.model_validate(service)
        assert service["prefetch"] == TEMPLATES
        assert all("{{context.patientId}}" in t for t in service["prefetch"].values())
    # the same shape as the specification's example
    example = json.loads((REFERENCE / "discovery-response.json").read_text(encoding="utf-8"))
    for service in example["services"]:
        CdsService.model_validate(service)


def test_no_answer_is_kept_by_a_cache_nor_sniffed(client: Client) -> None:
    """The cards hold the patient's situation and a problem document quotes the call: each is
    sent with Cache-Control: no-store and X-Content-Type-Options: nosniff (they had neither)."""
    situation = records.SITUATIONS["stomach-stage4-her2-unknown"]
    call = hook_call("patient-view", records.prefetch(situation))
    feedback = {"feedback": [{"card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
                              "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"}]}
    answers = [
        (post(client, PATIENT_VIEW, call), 200),
        (post(client, PATIENT_VIEW, {**call, "hookInstance": "x"}), 422),
        (post(client, f"{PATIENT_VIEW}/feedback", feedback), 200),
        (client.get("/cds-services", headers={"authorization": f"Bearer {token(DISCOVERY)}"}),
         200),
        (client.get("/cds-services"), 401),
    ]  # fmt: skip
    for response, status in answers:
        assert response.status_code == status, response.text
        assert response.headers.get("cache-control") == "no-store", response.url
        assert response.headers.get("x-content-type-options") == "nosniff", response.url


def test_the_routes_are_not_in_the_apis_openapi_document() -> None:
    document = create_app(KB).openapi()
    assert not [path for path in document["paths"] if path.startswith("/cds-services")]


# -- patient-view -------------------------------------------------------------------------------


def patient_view(client: Client, situation: str, **kw: Any) -> list[dict[str, Any]]:
    resources = records.SITUATIONS[situation]
    return cards_of(
        post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(resources), **kw))
    )


def test_stomach_her2_unknown_gets_a_card_naming_the_her2_test(client: Client) -> None:
    made = patient_view(client, "stomach-stage4-her2-unknown")
    options, *facts = made
    assert options["indicator"] == "info"
    assert options["summary"].startswith("Stomach cancer")
    assert " offered" in options["summary"]
    her2 = [c for c in facts if c["summary"].startswith("HER2 not on record")]
    assert len(her2) == 1, [c["summary"] for c in facts]
    assert "HER2 test" in her2[0]["summary"]
    assert "48676-1" in her2[0]["detail"]  # the test's LOINC code
    assert "Trastuzumab" in her2[0]["detail"]
    # the record is asked by those codes: a result under a laboratory's own code is not seen,
    # and the card says so (a review found it said "not on record" where the command line,
    # given the record whole, warned of a HER2 result it could not read)
    assert ("- onconav asks the record for this result by the codes of its table (as above); "
            "one filed under another code, such as a laboratory's own, is not read: check the "
            "record") in her2[0]["detail"].splitlines()


def test_an_option_only_in_trials_is_said_so_once(client: Client) -> None:
    """The HER2 card had listed "Lapatinib (only in studies) (only in clinical trials)": the
    option's name says it, and the card added its status. The status is left out beside an
    option only in trials, which holds only while every such option's name says so; in the
    order card's lines too ("Lapatinib (only in studies): only in clinical trials")."""
    trials = [o for o in KB.options if o.in_trials]
    assert trials and all(o.name.endswith("(only in studies)") for o in trials), trials
    made = patient_view(client, "stomach-stage4-her2-unknown")
    her2 = next(c for c in made if c["summary"].startswith("HER2 not on record"))
    lines = her2["detail"].splitlines()
    assert any(line.startswith("- Lapatinib (only in studies) \\[") for line in lines), lines
    (card,) = order_cards({"cancer": "stomach", "stage": "4"}, "lapatinib")
    assert "- **Lapatinib (only in studies)**. To decide: " in card.detail, card.detail
    for line in [*lines, *card.detail.splitlines()]:
        assert not ("only in studies" in line and "only in clinical trials" in line), line


def test_the_options_card_says_how_many_offered_treat_the_cancer(client: Client) -> None:
    """"Stomach cancer, stage 4: 10 options offered" had counted the three clinical trials,
    supportive and comfort care, ablation for symptoms and care at a centre of experts among
    them: the card says how many are treatments of the cancer, as well as the page's count."""
    (options, *_) = patient_view(client, "stomach-stage4-her2-unknown")
    assert options["summary"].startswith("Stomach cancer, stage 4: 9 offered (2 cancer "
                                         "treatments), "), options["summary"]
    detail = options["detail"]
    treating = detail.split("**Offered: treatments of the cancer**")[1].split("**Offered:")[0]
    assert "Nivolumab with chemotherapy" in treating and "Clinical trials" not in treating


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "breast"]),
       st.sampled_from(["4", "4A", "4B"]),
       st.lists(st.sampled_from(["liver", "lung", "bone", "brain"]), max_size=2, unique=True),
       st.booleans())  # fmt: skip
def test_the_options_cards_count_is_the_pages_split_by_what_treats_the_cancer(
    cancer: str, stage: str, metastases: list[str], wants: bool
) -> None:
    """Whatever the situation: the card's offered count is the page's (``Result.counts``), the
    number beside it the offered options that treat the cancer (``Rules.standard``), each listed
    under its heading, the others under the trials' and care's."""
    data = {"cancer": cancer, "stage": stage, "metastases": metastases,
            "wants_cancer_treatment": wants}  # fmt: skip
    if (result := _answered(data)) is None:
        return  # a stage this cancer does not have
    situation = _situation(result)
    (card, *_) = cardlib.patient_view(situation, KB)
    offered = [o for o in result.options if o.status.value == "offered"]
    treating = [o for o in offered if o.standard]  # (as the answer counts them)
    found = re.search(r": (\d+) offered(?: \((\d+|no) cancer treatments?\))?",
                      card.summary)  # fmt: skip
    assert found, card.summary
    assert int(found[1]) == result.counts.offered == len(offered)
    if offered:
        first = 0 if found[2] == "no" else int(found[2])
        assert first == len(treating), card.summary
        heads = re.split(r"\*\*Offered: (?:clinical trials and care|care|clinical trials)\*\*",
                         card.detail)  # (the others named as what they are: others_kind)
        for option in offered:
            assert (f"**{option.name}**" in heads[0]) is (option in treating), option.name


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "colon", "lung"]),
       st.sampled_from(["4", "4A", "4B", None]),
       st.lists(st.sampled_from(["liver", "lung", "bone", "brain"]), max_size=2, unique=True),
       st.lists(st.sampled_from(["FOLFOX", "FOLFIRI", "cisplatin", "chemoradiation"]),
                max_size=2, unique=True),
       st.sampled_from([None, "positive", "negative"]))  # fmt: skip
@example("stomach", "4", ["liver"], [], None)  # HER2 not known: trastuzumab waits on its test
def test_the_options_card_names_each_cancer_treatment_that_needs_information(
    cancer: str, stage: str | None, metastases: list[str], had: list[str], her2: str | None
) -> None:
    """Whatever the situation: every treatment of the cancer (``OptionResult.standard``) that
    needs information is named in the options card's detail, on one line under its heading,
    with the short name of each fact it waits on and the test that settles it, and each such
    test's codes on a test line (the card had given only their number, "6 cancer
    treatments")."""
    data: dict[str, Any] = {"cancer": cancer, "metastases": metastases,
                            "prior_treatments": had}  # fmt: skip
    if stage is not None:
        data["stage"] = stage
    if her2 is not None and cancer == "stomach":
        data["her2"] = her2
    if (result := _answered(data)) is None:
        return  # a stage this cancer does not have
    (card, *_) = cardlib.patient_view(_situation(result), KB)
    asking = [o for o in result.options if o.status.value == "needs_information" and o.standard]
    head = "**Need information: treatments of the cancer**"
    assert (head in card.detail) is bool(asking), card.detail
    if not asking:
        return
    # the lines under the heading, and the tests' lines after them
    lines = "\n\n".join(card.detail.split(head)[1].split("\n\n")[1:3]).splitlines()
    for option in asking:
        (line,) = [x for x in lines if x.startswith(f"- **{option.name}**: ")]
        for missing in option.missing:
            assert md_escape(in_sentence(missing.label)) in line, (line, missing.label)
            for test in missing.tests:
                assert f"({test.name}" in line or f" {test.name})" in line, (line, test.name)
                assert f"- Test: **{test.name}** (LOINC {', '.join(test.loinc)})" in lines
    assert len(card.summary) <= 140


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "colon"]),
       st.sampled_from(["4", "4A", "4B", None]),
       st.lists(st.sampled_from(["liver", "lung", "bone", "brain"]), max_size=2, unique=True),
       st.lists(st.sampled_from(["pain", "bleeding", "bowel blockage"]), max_size=1,
                unique=True),
       st.sampled_from([None, True, False]))  # fmt: skip
@example("rectum", "4", ["liver"], [], None)  # symptoms not known: its card
def test_a_fact_card_says_where_in_the_record_in_a_clinicians_words(
    cancer: str, stage: str | None, metastases: list[str], symptoms: list[str],
    wants: bool | None,
) -> None:
    """A not-on-record card is a clinician's: "Where to find it: You know this best" was written
    for the patient (a clinician's review), and the line was then left out for every fact no
    test settles. Every fact a card names has where in the record it is (``Fact.in_record``, in
    clinical words) or a test that settles it, and the card says ``in_record`` where there is
    one; no card says a fact's ``find_it``, the patient's words."""
    data: dict[str, Any] = {"cancer": cancer, "metastases": metastases, "symptoms": symptoms}
    if stage is not None:
        data["stage"] = stage
    if wants is not None:
        data["wants_cancer_treatment"] = wants
    if (result := _answered(data)) is None:
        return  # a stage this cancer does not have
    (_, *facts) = cardlib.patient_view(_situation(result), KB)
    for card, fact in zip(facts, cardlib.chosen_facts(result), strict=True):
        known = KB.facts[fact.fact]
        assert known.in_record or fact.tests, fact.fact
        if known.in_record:
            assert f"- Where in the record: {known.in_record}\n" in card.detail, card.detail
        else:
            assert "- Where in the record" not in card.detail, card.detail
        for other in KB.facts.values():
            assert other.find_it not in card.detail, (fact.fact, other.id)


def test_every_card_keeps_the_specifications_rules(client: Client) -> None:
    for situation in records.SITUATIONS:
        for card in patient_view(client, situation):
            assert len(card["summary"]) < 140
            assert "\n" not in card["summary"]
            uuid.UUID(card["uuid"])
            assert card["source"]["label"].startswith("onconav")
            for link in card["links"]:
                assert link["type"] == "absolute"
                assert link["url"].startswith(BASE + "/")


def test_the_options_card_cites_its_sources_and_links_to_the_page(client: Client) -> None:
    options = patient_view(client, "rectal-stage4-kras-mutated")[0]
    result = offered_result(records.SITUATIONS["rectal-stage4-kras-mutated"])
    for option in result.options:
        if option.status.value == "offered":
            assert option.name in options["detail"]
            for citation in option.citations:
                assert citation.label.replace("[", "\\[").replace("]", "\\]") in options["detail"]
    page = options["links"][0]["url"]
    assert page.startswith(f"{BASE}/options?")
    assert "cancer=rectum" in page and "kras=mutated" in page
    assert "Condition/primary-rectum" in options["detail"]  # where each fact came from


def offered_result(resources: list[dict[str, Any]]) -> Any:
    from onconav import evaluate, parse_profile
    from onconav.fhir import read_resources

    return evaluate(parse_profile(read_resources(resources, KB).data, KB), KB)


@pytest.mark.parametrize("situation", list(records.SITUATIONS))
def test_the_page_link_opens_the_same_options(client: Client, situation: str) -> None:
    """The card's link is the onconav page for the same situation: each option's status on the
    page is the one the API (and the command line) gives for the record. The test looked only
    for the options' names, which the page shows in every status: a link that lost the stage,
    the KRAS result or what stopped working passed it."""
    expected = {o.id: o.status.value for o in offered_result(records.SITUATIONS[situation]).options}
    (options, *_) = patient_view(client, situation)
    shown = client.get(options["links"][0]["url"].removeprefix(BASE))
    assert shown.status_code == 200
    statuses = dict(re.findall(r'data-option="([^"]+)" data-status="([^"]+)"', shown.text))
    assert statuses == expected
    counts = Counter(expected.values())  # the card's counts are the page's too
    assert re.search(f": {counts['offered']} offered", options["summary"]), options


def test_the_page_link_opens_a_record_whose_stopped_drug_is_not_read(client: Client) -> None:
    """A drug stopped because the cancer grew, named only by a Medication the record does not
    give, is "perhaps other treatments not listed" among what stopped working; the card's link
    says so, and the page opened it on the form's errors ("you ticked only ..."), while the API
    and the command line took it (a review of the front ends). It opens the same options."""
    stopped = records.medication_request("unread-drug", "0", "x", "stopped", "progressed")
    del stopped["medicationCodeableConcept"]
    stopped["medicationReference"] = {"reference": "Medication/not-given"}
    resources = [*records.SITUATIONS["stomach-stage4-her2-unknown"], stopped]
    expected = {o.id: o.status.value for o in offered_result(resources).options}
    call = hook_call("patient-view", records.prefetch(resources))
    (options, *_) = cards_of(post(client, PATIENT_VIEW, call))
    link = options["links"][0]["url"].removeprefix(BASE)
    assert "progressed_on=others-not-known" in link, link
    shown = client.get(link)
    assert shown.status_code == 200, shown.text[:300]
    statuses = dict(re.findall(r'data-option="([^"]+)" data-status="([^"]+)"', shown.text))
    assert statuses == expected


def test_cards_are_the_same_whether_prefetched_or_fetched(client: Client, ehr: FakeEhr) -> None:
    for situation, resources in records.SITUATIONS.items():
        ehr.records[records.PATIENT] = resources
        call = hook_call("patient-view", records.prefetch(resources))
        prefetched = cards_of(post(client, PATIENT_VIEW, call))
        ehr.requests.clear()
        fetched = cards_of(
            post(
                client,
                PATIENT_VIEW,
                {
                    **hook_call("patient-view", None, fhir=True),
                    "hookInstance": call["hookInstance"],
                },
            )
        )
        assert fetched == prefetched, situation
        asked = {r.url.path.split("/")[2] for r in ehr.requests}
        assert asked == set(records.TEMPLATE_TYPES.values())
        assert all(r.headers["authorization"] == f"Bearer {FHIR_TOKEN}" for r in ehr.requests)


def test_only_what_was_not_prefetched_is_fetched(client: Client, ehr: FakeEhr) -> None:
    resources = records.SITUATIONS["stomach-stage4-her2-unknown"]
    ehr.records[records.PATIENT] = resources
    partial = records.prefetch(resources, keys=("patient", "conditions"))
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", partial, fhir=True)))
    assert made[0]["summary"].startswith("Stomach cancer")
    kinds = sorted(r.url.path.rsplit("/", 1)[-1] for r in ehr.requests)
    assert kinds == sorted(set(records.TEMPLATE_TYPES.values()) - {"Patient", "Condition"})


def test_the_templates_ask_for_every_type_the_mapping_reads() -> None:
    """Each type of resource the FHIR mapping reads from a search has its prefetch key (the
    Medications and BodyStructures that resources name are read by reference): the templates
    had no MedicationDispense nor AllergyIntolerance, so a card offered FOLFOX to a patient
    whose record holds an oxaliplatin allergy, which the API's reading of the same record
    does not."""
    from onconav.cdshooks.prefetch import MEDICATION_TYPES, resource_type
    from onconav.fhir import reader

    asked = {resource_type(template) for template in TEMPLATES.values()}
    assert asked == {"Patient", *reader.IDENTIFIED_BY}
    assert set(MEDICATION_TYPES) == set(reader.MEDICATIONS)


def test_an_allergy_and_a_dispense_on_record_change_the_cards(client: Client) -> None:
    """An active, confirmed allergy to oxaliplatin (an AllergyIntolerance) and capecitabine
    handed over (a MedicationDispense) are read from the prefetch as the API reads them: no
    oxaliplatin regimen is offered, and the card says oxaliplatin cannot be given."""
    situation = "rectal-stage4-oxaliplatin-allergy"
    result = offered_result(records.SITUATIONS[situation])
    statuses = {o.id: o.status.value for o in result.options}
    assert statuses["rectum-folfox"] == statuses["rectum-capox"] == "not_suitable"
    assert "capecitabine" in result.profile.prior_treatments
    options, *_ = patient_view(client, situation)
    offered, _, not_suitable = options["detail"].partition("**Not suitable**")
    assert "FOLFOX" not in offered and "FOLFIRI" in offered, options["detail"]
    assert "FOLFOX chemotherapy: the record says this patient cannot have oxaliplatin" in \
        not_suitable  # fmt: skip
    assert "AllergyIntolerance/oxaliplatin-allergy" in options["detail"]
    assert "MedicationDispense/capecitabine-dispensed" in options["detail"]
    without = [r for r in records.SITUATIONS[situation]
               if r["resourceType"] not in ("AllergyIntolerance", "MedicationDispense")]
    unread = {o.id: o.status.value for o in offered_result(without).options}
    assert unread["rectum-folfox"] == "offered"  # what the cards said before the templates asked


def test_a_search_is_followed_page_by_page(client: Client, ehr: FakeEhr) -> None:
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"] + records.padding(30)
    ehr.records[records.PATIENT] = resources
    ehr.max_page_size = 2
    whole = cards_of(
        post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(resources)))
    )
    paged = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)))
    assert [c["summary"] for c in paged] == [c["summary"] for c in whole]
    assert sum("page" in r.url.params for r in ehr.requests) >= 3


@pytest.mark.parametrize(
    "written",
    ["https://fhir.example.org:443/r4", "https://FHIR.Example.ORG/r4", "HTTPS://fhir.example.org/r4"],
)
def test_a_next_page_on_the_same_server_written_otherwise_is_followed(
    client: Client, ehr: FakeEhr, written: str
) -> None:
    """A next page's link with the default port, or the host or scheme in capitals, is the same
    server: it was refused as another one (412)."""
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"] + records.padding(30)
    server = FakeEhr()
    server.records[records.PATIENT] = resources
    server.max_page_size = 2

    def respelt(request: httpx.Request) -> httpx.Response:
        answer = server(request)
        body = answer.json()
        for link in body.get("link", []):
            link["url"] = link["url"].replace(FHIR, written, 1)
        return httpx.Response(answer.status_code, json=body)

    ehr.answer = respelt
    whole = cards_of(
        post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(resources)))
    )
    paged = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)))
    assert [c["summary"] for c in paged] == [c["summary"] for c in whole]
    assert sum("page" in r.url.params for r in server.requests) >= 3


def test_a_long_treated_patient_is_searched_in_large_pages(client: Client, ehr: FakeEhr) -> None:
    """The searches asked for no page size: at a server's default of 20 (HAPI FHIR's), a patient
    with 401 blood counts (DiagnosticReports) took more than the 20 pages a search may take, and
    the call was 412. Each search asks for pages of ``PAGE_SIZE`` (``_count``, which the
    specification lets a prefetch template use), and the templates still name the patient by
    ``{{context.patientId}}`` alone."""
    from onconav.cdshooks.prefetch import PAGE_SIZE, TOKEN

    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    blood_counts = [{"resourceType": "DiagnosticReport", "id": f"cbc-{i}", "status": "final",
                     "subject": records.SUBJECT, "effectiveDateTime": "2025-01-01",
                     "code": {"coding": [records.coding(records.LOINC, "58410-2", "CBC panel - "
                                                        "Blood by Automated count")]}}
                    for i in range(401)]  # fmt: skip
    ehr.records[records.PATIENT] = [*resources, *blood_counts]
    ehr.page_size = 20  # when no _count is asked for
    fetched = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)))
    prefetched = cards_of(post(client, PATIENT_VIEW, hook_call(
        "patient-view", records.prefetch(resources))))  # fmt: skip
    assert [c["summary"] for c in fetched] == [c["summary"] for c in prefetched]
    searches = [r for r in ehr.requests if "patient" in r.url.params]
    assert len(searches) == len(TEMPLATES) - 1  # one page each
    assert all(r.url.params["_count"] == str(PAGE_SIZE) for r in searches)
    for key, template in TEMPLATES.items():
        assert [m.group(1) for m in TOKEN.finditer(template)] == ["patientId"], key
        assert "{{context.patientId}}" in template
        query = parse_qs(template.partition("?")[2])
        assert query.get("_count", [str(PAGE_SIZE)]) == [str(PAGE_SIZE)], key
        assert ("_count" in query) == (key != "patient"), key


def test_only_the_observations_the_mapping_reads_are_searched(
    client: Client, ehr: FakeEhr
) -> None:
    """The observations search named only the patient: a record of 1,200 vital signs and
    laboratory results took more than 20 pages, and the call was 412. It names the codes the
    mapping reads (its table's tests), in the discovery document and in what is fetched."""
    from onconav.fhir.codes import SYSTEMS, load_tables

    table = {f"{SYSTEMS[r.system][0]}|{r.code}" for r in load_tables().rows
             if r.table == "observations" and "test" in r.meaning}  # fmt: skip
    assert set(parse_qs(TEMPLATES["observations"].split("?")[1])["code"][0].split(",")) == table
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"] + records.padding(1500)
    ehr.records[records.PATIENT] = resources
    ehr.max_page_size = 50
    fetched = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)))
    situation = records.SITUATIONS["rectal-stage4-kras-mutated"]
    prefetched = cards_of(post(client, PATIENT_VIEW, hook_call(
        "patient-view", records.prefetch(situation))))  # fmt: skip
    assert [c["summary"] for c in fetched] == [c["summary"] for c in prefetched]
    searched = [r for r in ehr.requests if r.url.path.endswith("/Observation")]
    assert len(searched) == 1 and set(searched[0].url.params["code"].split(",")) == table
    # each token's "|" percent-encoded, as servers behind Tomcat take it (written as it is, they
    # answer 400, and every call that fetched the Observations was a 412: a review)
    assert b"|" not in searched[0].url.raw_path and b"%7C" in searched[0].url.raw_path


def test_a_prefetch_that_is_only_a_first_page_is_fetched_whole(
    client: Client, ehr: FakeEhr
) -> None:
    """The specification lets a record system page a prefetch. Reading only the first page read
    the KRAS result on the second as not on record; now the search is fetched whole, or 412."""
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = resources
    prefetch = records.prefetch(resources)
    observations = prefetch["observations"]
    kras = [e for e in observations["entry"] if e["resource"]["id"] == "kras-variant"]
    assert kras
    observations["entry"] = [e for e in observations["entry"] if e not in kras]  # on page 2
    observations["link"] = [{"relation": "next", "url": f"{FHIR}/Observation?page=2"}]

    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch, fhir=True)))
    whole = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(
        resources))))  # fmt: skip
    assert [c["summary"] for c in made] == [c["summary"] for c in whole]
    assert [r.url.path.rsplit("/", 1)[-1] for r in ehr.requests] == ["Observation"]

    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch)), 412)
    assert "the prefetch of observations is only a first page" in problem["detail"]


def fetched_whole(client: Client, ehr: FakeEhr, prefetch: dict[str, Any],
                  resources: list[dict[str, Any]], key: str, path: str) -> None:
    """A prefetch whose ``key`` holds fewer resources than its search found gives the cards of
    the whole record when the search can be made again on ``fhirServer`` (one search, of
    ``path``), and 412 when it cannot, saying why."""
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch, fhir=True)))
    whole = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(
        resources))))  # fmt: skip
    assert [c["summary"] for c in made] == [c["summary"] for c in whole]
    assert [r.url.path.rsplit("/", 1)[-1] for r in ehr.requests] == [path]
    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch)), 412)
    assert (f"the prefetch of {key} holds fewer resources than its search found"
            in problem["detail"]), problem


@pytest.mark.parametrize("search", [{}, {"search": {"mode": "match"}}])
def test_a_prefetch_with_fewer_resources_than_its_total_is_fetched_whole(
    client: Client, ehr: FakeEhr, search: dict[str, Any]
) -> None:
    """A searchset whose ``total`` is more than the resources it holds (a page whose next link
    was left out) had been read as the whole search, the KRAS result left out read as not on
    record: it is fetched whole, or 412. One whose total counts only its matches (an
    ``_include``'s resources beside them) is read as it is."""
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = resources
    prefetch = records.prefetch(resources)
    observations = prefetch["observations"]
    for entry in observations["entry"]:
        entry.update(search)
    whole = len(observations["entry"])
    observations["entry"] = [e for e in observations["entry"]
                             if e["resource"]["id"] != "kras-variant"]  # fmt: skip
    observations["total"] = whole

    fetched_whole(client, ehr, prefetch, resources, "observations", "Observation")

    counted = records.prefetch(resources)["observations"]
    counted["total"] = len(counted["entry"])
    counted["entry"].append({"resource": {"resourceType": "Patient", "id": records.PATIENT},
                             "search": {"mode": "include"}})  # fmt: skip
    assert not fewer_than_found(counted)


def _entry(kind: str, ident: str, mode: str | None) -> dict[str, Any]:
    return {"resource": {"resourceType": kind, "id": ident},
            **({"search": {"mode": mode}} if mode else {})}  # fmt: skip


def test_only_the_matches_are_counted_against_a_searchsets_total() -> None:
    """A page of total 3 holding one match and two Medications its _include brought had been
    read as whole (the two counted as matches): the orders left out read as not on record.
    Then three unmarked orders beside two Medications marked include, total 3, had been read
    as short (only mode "match" counted once any entry stated a mode): fetched again, or 412.
    Every entry counts but those of mode "include" or "outcome" and an OperationOutcome; an
    entry stating no mode is a match."""
    def searchset(total: int, *entries: dict[str, Any]) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "searchset", "total": total,
                "entry": list(entries)}  # fmt: skip

    match, medication = _entry("MedicationRequest", "a", "match"), _entry("Medication", "x",
                                                                            "include")
    assert fewer_than_found(searchset(3, match, medication, _entry("Medication", "y", "include")))
    assert not fewer_than_found(searchset(1, match, medication))
    assert fewer_than_found(searchset(2, match, _entry("OperationOutcome", "o", "outcome")))
    # no mode stated: every entry but an OperationOutcome
    unstated = [_entry("MedicationRequest", "a", None), _entry("Medication", "x", None)]
    assert not fewer_than_found(searchset(2, *unstated))
    assert fewer_than_found(searchset(2, unstated[0], _entry("OperationOutcome", "o", None)))
    # an entry stating no mode beside ones that do is a match
    assert not fewer_than_found(searchset(2, match, _entry("MedicationRequest", "b", None)))
    orders = [_entry("MedicationRequest", str(i), None) for i in range(3)]
    included = [_entry("Medication", f"m{i}", "include") for i in range(2)]
    assert not fewer_than_found(searchset(3, *orders, *included))
    assert fewer_than_found(searchset(4, *orders, *included))
    conditions = [_entry("Condition", str(i), None) for i in range(2)]
    outcome = _entry("OperationOutcome", "o", "outcome")
    assert not fewer_than_found(searchset(2, *conditions, outcome))
    assert fewer_than_found(searchset(3, *conditions, outcome))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["MedicationRequest", "Medication", "OperationOutcome"]),
                          st.sampled_from(["match", "include", "outcome", None])), max_size=8),
       st.integers(min_value=0, max_value=10), st.booleans())  # fmt: skip
def test_a_searchsets_total_is_held_against_its_matches(
    entries: list[tuple[str, str | None]], total: int, modes: bool
) -> None:
    """Whatever entries a searchset holds, with modes stated on some, all or none: it holds
    fewer than found exactly when its total is more than its entries that are neither of mode
    "include" or "outcome" nor an OperationOutcome (an entry stating no mode is a match)."""
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": total,
              "entry": [_entry(kind, str(i), mode if modes else None)
                        for i, (kind, mode) in enumerate(entries)]}  # fmt: skip
    counted = sum(kind != "OperationOutcome" and not (modes and mode in ("include", "outcome"))
                  for kind, mode in entries)  # fmt: skip
    assert fewer_than_found(bundle) is (total > counted)


def test_a_medication_prefetch_short_of_its_matches_beside_its_includes_is_fetched_whole(
    client: Client, ehr: FakeEhr
) -> None:
    """The medication templates use _include: a page whose total counts its matches, one of
    which was left out, beside the Medications included had been read as whole (the includes
    counted as matches), the oxaliplatin stopped for no response read as not on record. It is
    fetched whole, or 412."""
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    ehr.records[records.PATIENT] = resources
    prefetch = records.prefetch(resources)
    requests = prefetch["medicationRequests"]
    total = len(requests["entry"])
    assert total >= 2
    requests["entry"] = requests["entry"][1:] + [
        _entry("Medication", f"med-{i}", "include") for i in range(2)]  # fmt: skip
    requests["total"] = total
    assert fewer_than_found(requests)
    fetched_whole(client, ehr, prefetch, resources, "medicationRequests", "MedicationRequest")


def test_a_whole_prefetch_of_unmarked_matches_beside_its_includes_is_read_as_it_is(
    client: Client, ehr: FakeEhr
) -> None:
    """A medication page of total 3 holding its 3 orders stating no search.mode beside 2
    Medications marked include is whole: it had been read as short (only mode "match"
    counted once any entry stated one), fetched again, or 412 without a fhirServer. It is read
    as it is, nothing fetched."""
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    ehr.records[records.PATIENT] = resources
    prefetch = records.prefetch(resources)
    requests = prefetch["medicationRequests"]
    for entry in requests["entry"]:
        del entry["search"]
    requests["entry"] += [_entry("Medication", f"med-{i}", "include") for i in range(2)]
    assert requests["total"] == len(requests["entry"]) - 2
    whole = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(
        resources))))  # fmt: skip
    for fhir in (True, False):
        made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch, fhir=fhir)))
        assert [c["summary"] for c in made] == [c["summary"] for c in whole]
    assert not ehr.requests


def test_null_prefetch_means_no_data_and_nothing_is_fetched(client: Client, ehr: FakeEhr) -> None:
    resources = records.SITUATIONS["stomach-stage4-her2-unknown"]
    prefetch = records.prefetch(resources)
    assert prefetch["procedures"] is None and prefetch["medicationRequests"] is None
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch, fhir=True)))
    assert made and not ehr.requests


# -- order-select -------------------------------------------------------------------------------

CETUXIMAB = records.draft_order("draft-cetuximab", "318341", "Cetuximab")
OXALIPLATIN = records.draft_order(
    "draft-oxaliplatin", "1736776", "10 ML oxaliplatin 5 MG/ML Injection"
)
IRINOTECAN = records.draft_order("draft-irinotecan", "51499", "Irinotecan")


def order_select(client: Client, situation: str, *drafts: dict[str, Any]) -> list[Any]:
    call = hook_call(
        "order-select", records.prefetch(records.SITUATIONS[situation]), drafts=list(drafts)
    )
    return cards_of(post(client, ORDER_SELECT, call))


def test_cetuximab_with_kras_mutated_is_a_warning(client: Client) -> None:
    (card,) = order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Cetuximab: not suitable")
    assert "KRAS mutation found" in card["summary"]
    assert "Cetuximab with irinotecan" in card["detail"]
    assert "\\[ccs-rectal-stage4" in card["detail"]  # the citations
    assert {r["display"] for r in card["overrideReasons"]}


def test_an_order_is_read_as_the_mapping_reads_a_medication(client: Client) -> None:
    """A cetuximab order whose RxNorm code (here a made-up one) is not in the drug table: the
    mapping reads such a medication by its name, with a warning; order-select gave no card, so
    a patient with a KRAS mutation drafted cetuximab and nothing was said."""
    unlisted = records.draft_order("draft-cetuximab-2", "999999001",
                                   "cetuximab 2 MG/ML Injectable Solution")  # fmt: skip
    (card,) = order_select(client, "rectal-stage4-kras-mutated", unlisted)
    (same,) = order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)
    assert card["summary"] == same["summary"]
    assert card["indicator"] == "warning"
    named = records.draft_order("draft-prednisone", "8640", "prednisone 5 MG Oral Tablet")
    assert order_select(client, "rectal-stage4-kras-mutated", named) == []  # in the table: not read


def test_an_nras_change_on_record_is_said_on_the_order_of_a_drug_kras_decides(
    client: Client,
) -> None:
    """Cetuximab drafted for a rectal cancer of KRAS wild-type whose record holds an NRAS
    mutation got no card: the answer offers it (the sources speak of KRAS alone), and the
    reading's warning was one line of the options card (a review of the clinicians' path). Its
    order card says the change, naming the resource; an order of a drug KRAS does not decide
    (oxaliplatin) says nothing of it."""
    nras = copy.deepcopy(records.kras(True))
    nras["id"] = "nras-variant"
    nras["component"][0]["valueCodeableConcept"] = {
        "coding": [records.coding(records.HGNC, "HGNC:7989", "NRAS")]}
    resources = records.SITUATIONS["rectal-stage4-kras-unknown"] + [records.kras(False), nras]
    call = hook_call("order-select", records.prefetch(resources), drafts=[CETUXIMAB])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert card["summary"] == ("Cetuximab: the record holds a change in NRAS, which the sources "
                               "do not speak of; check before ordering"), card["summary"]
    assert "Observation/nras-variant" in card["detail"] and "KRAS result alone" in card["detail"]
    call = hook_call("order-select", records.prefetch(resources), drafts=[OXALIPLATIN])
    assert not any("NRAS" in c["summary"] for c in cards_of(post(client, ORDER_SELECT, call)))
    # without it, cetuximab of KRAS wild-type needs no card
    plain = records.SITUATIONS["rectal-stage4-kras-unknown"] + [records.kras(False)]
    call = hook_call("order-select", records.prefetch(plain), drafts=[CETUXIMAB])
    assert cards_of(post(client, ORDER_SELECT, call)) == []


def test_cetuximab_with_kras_unknown_is_an_info_naming_the_test(client: Client) -> None:
    (card,) = order_select(client, "rectal-stage4-kras-unknown", CETUXIMAB)
    assert card["indicator"] == "info"
    assert "KRAS test" in card["summary"] and "not on record" in card["summary"]
    assert "21702-6" in card["detail"]


def _kras_disagreeing() -> list[dict[str, Any]]:
    wild = copy.deepcopy(records.kras(False))
    wild["id"] = "kras-2"
    return records.SITUATIONS["rectal-stage4-kras-unknown"] + [records.kras(True), wild]


def _her2_borderline() -> list[dict[str, Any]]:
    ihc = records.coding(records.LOINC, "72383-3", "HER2 [Presence] in Tissue by Immunoassay")
    return records.SITUATIONS["stomach-stage4-her2-unknown"] + [
        records.observation("h1", ihc, valueString="2+")
    ]


def test_a_result_on_record_that_does_not_decide_is_not_called_missing(client: Client) -> None:
    """KRAS results that disagree, and HER2 IHC 2+ awaiting ISH, are on record: the cards had
    said "KRAS not on record" and "not in the record onconav read"."""
    drafted = hook_call("order-select", records.prefetch(_kras_disagreeing()), drafts=[CETUXIMAB])
    (card,) = cards_of(post(client, ORDER_SELECT, drafted))
    assert card["summary"] == "Cetuximab: the KRAS results on record disagree; check which is right"
    assert "not in the record" not in card["detail"]
    assert ("- KRAS status of the cancer: the results on record disagree (KRAS mutation found, "
            "KRAS wild-type \\(no KRAS mutation\\); Observation/kras-2, Observation/kras-variant): "
            "check which is right") in card["detail"].splitlines()  # fmt: skip
    # the notes name the fact in words, as the page does, not by the profile's field
    notes = [line for line in card["detail"].splitlines() if line.startswith("- Note: ")]
    assert any(line.startswith("- Note: KRAS: ") for line in notes), notes
    assert not any("biomarkers." in line for line in notes), notes
    viewed = hook_call("patient-view", records.prefetch(_kras_disagreeing()))
    kras = [c for c in cards_of(post(client, PATIENT_VIEW, viewed)) if "KRAS" in c["summary"]]
    assert [c["summary"] for c in kras] == [
        "KRAS results on record disagree: checking which is right would decide 2 options"
    ]
    assert "not in the record" not in kras[0]["detail"]
    viewed = hook_call("patient-view", records.prefetch(_her2_borderline()))
    her2 = [c for c in cards_of(post(client, PATIENT_VIEW, viewed)) if "HER2" in c["summary"]]
    assert [c["summary"] for c in her2] == [
        "HER2 on record, not decided: a HER2 ISH test would decide 3 options"
    ]  # (the ISH test settles a borderline result; the fact is named by its own test, HER2)
    assert her2[0]["detail"].startswith(
        "**HER2 status of the cancer**: on record as HER2 borderline \\(IHC 2\\+\\), not yet "
        "decided (Observation/h1): it does not decide."
    )
    assert "ISH" in her2[0]["detail"]  # the question that says what would decide
    trastuzumab = records.draft_order("draft-trastuzumab", "224905", "trastuzumab")
    drafted = hook_call("order-select", records.prefetch(_her2_borderline()), drafts=[trastuzumab])
    (card,) = cards_of(post(client, ORDER_SELECT, drafted))
    assert card["summary"] == (
        "Trastuzumab: HER2 on record, not decided; a HER2 ISH test decides whether it suits"
    )
    assert "Observation/h1" in card["detail"].split("**Read from the record**")[0]
    # a fact no test settles: stage 4 on record, cervical cancer's 4A or 4B not
    cervix = records.condition("primary-cervix", records.coding(
        records.SNOMED, "363354003", "Malignant tumor of cervix"))  # fmt: skip
    viewed = hook_call("patient-view",
                       records.prefetch([records.patient(), cervix, records.stage_4()]))
    stage = [c for c in cards_of(post(client, PATIENT_VIEW, viewed)) if "Stage" in c["summary"]]
    assert [c["summary"] for c in stage] == [  # 19 until hormone therapy, beside the cervical
        "Stage of the cancer on record, not decided: it would decide 18 options"  # options, was
    ]  # no longer asked (knowledge base 1.6.32: the cervical source names none)


def test_a_fact_of_many_values_on_record_is_not_called_missing(client: Client) -> None:
    """Pain on record (a Condition), and which pain still deciding options: the fact card said
    "Not on record: symptoms the cancer is causing" and "is not in the record onconav read",
    while the options card of the same answer listed "Symptoms the cancer is causing: pain
    (Condition/sym)". It says what is on record, from where, and the question that decides."""
    pain = records.condition("sym", records.coding(records.SNOMED, "22253000", "Pain"))
    resources = [*records.SITUATIONS["stomach-stage4-her2-unknown"], pain]
    result = offered_result(resources)
    assert result.profile.symptoms == ["pain", "others-not-known"]
    (symptoms,) = [f for f in cardlib.chosen_facts(result) if f.fact == "symptoms"]
    options, *facts = cards_of(post(client, PATIENT_VIEW,
                                    hook_call("patient-view", records.prefetch(resources))))
    assert ("- Symptoms the cancer is causing: pain, perhaps others not listed (Condition/sym)"
            in options["detail"])  # fmt: skip
    (card,) = [c for c in facts if "symptoms" in c["summary"].lower()]
    n = f"{symptoms.decides} option{'s' if symptoms.decides != 1 else ''}"
    assert card["summary"] == ("Symptoms the cancer is causing on record, not decided: it would "
                               f"decide {n}")  # fmt: skip
    assert card["detail"].startswith(
        "**Symptoms the cancer is causing**: on record as pain, perhaps others not listed "
        "(Condition/sym): it does not "
        "decide these options; the question below would.")  # fmt: skip
    assert f"- Asked as: {symptoms.question}" in card["detail"].splitlines()
    assert "not in the record" not in card["detail"]


def test_a_fact_names_a_few_of_its_resources_in_natural_order(client: Client) -> None:
    """Two years of fortnightly FOLFOX, each dose of oxaliplatin and fluorouracil given an
    administration: the treatments-had line named all 300 (13,604 characters), sorted as text
    (ma-oxaliplatin-0, -1, -10, -100). Three, in natural order, and how many more."""
    given = [
        {"resourceType": "MedicationAdministration", "id": f"ma-{name.lower()}-{i}",
         "status": "completed", "subject": records.SUBJECT,
         "medicationCodeableConcept": {"coding": [records.coding(records.RXNORM, code, name)]},
         "effectiveDateTime": f"{2023 + i // 75}-{1 + (i // 6) % 12:02d}-{1 + i % 28:02d}"}
        for i in range(150) for code, name in (("32592", "Oxaliplatin"), ("4492", "Fluorouracil"))
    ]  # fmt: skip
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"] + given
    made = cards_of(post(client, PATIENT_VIEW,
                         hook_call("patient-view", records.prefetch(resources))))  # fmt: skip
    (line,) = [line for line in made[0]["detail"].splitlines()
               if line.startswith("- Treatments already had")]  # fmt: skip
    assert line.endswith("(MedicationAdministration/ma-fluorouracil-0, MedicationAdministration/"
                         "ma-fluorouracil-1, MedicationAdministration/ma-fluorouracil-2 and "
                         "300 more)")  # 303 in all: the situation names 3  # fmt: skip
    assert all(len(card["detail"]) < 8000 for card in made)


def test_the_patient_is_not_counted_as_a_resource_not_used(client: Client) -> None:
    """Every card said "1 resource read but not used": the Patient, who the record is about."""
    (card, *_) = patient_view(client, "rectal-stage4-kras-mutated")
    assert "read but not used" not in card["detail"]
    unused = records.observation("other", records.coding(records.LOINC, "2345-7", "Glucose"),
                                 valueQuantity={"value": 5.4, "unit": "mmol/L"})  # fmt: skip
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"] + [unused]
    (card, *_) = cards_of(post(client, PATIENT_VIEW,
                               hook_call("patient-view", records.prefetch(resources))))  # fmt: skip
    assert "- 1 resource read but not used" in card["detail"].splitlines()


def test_a_drug_that_stopped_working_is_a_warning(client: Client) -> None:
    (card,) = order_select(client, "rectal-stage4-folfox-progressed", OXALIPLATIN)
    assert card["indicator"] == "warning"
    assert "stopped working" in card["summary"]
    assert "FOLFOX" in card["detail"]


# A Medication on the record system's FHIR server, named as FHIR lets a reference name it:
# relative, relative with its version, or by its absolute URL on that server.
MEDICATION_FORMS = {"reference": "Medication/{}", "versioned": "Medication/{}/_history/1",
                    "absolute": FHIR + "/Medication/{}"}  # fmt: skip


def folfox_stopped_as(how: str) -> list[dict[str, Any]]:
    """FOLFOX stopped for no response, written as record systems write it: orders naming the
    drug (``request``), statements of what was taken (``statement``), or orders that name a
    Medication resource (``reference``, ``versioned``, ``absolute``: ``MEDICATION_FORMS``)."""
    out: list[dict[str, Any]] = []
    for order in records.folfox_stopped():
        if how == "statement":
            del order["intent"]
            order["resourceType"] = "MedicationStatement"
            order["statusReason"] = [order["statusReason"]]
            order["effectiveDateTime"] = order.pop("authoredOn")
        elif how in MEDICATION_FORMS:
            code = order.pop("medicationCodeableConcept")
            out.append({"resourceType": "Medication", "id": f"med-{order['id']}", "code": code})
            written = MEDICATION_FORMS[how].format(f"med-{order['id']}")
            order["medicationReference"] = {"reference": written}
        out.append(order)
    return out


@pytest.mark.parametrize("how", ["request", "statement", *MEDICATION_FORMS])
@pytest.mark.parametrize("fetched", [False, True], ids=["prefetched", "fetched"])
def test_a_drug_stopped_reads_the_same_however_the_record_holds_it(
    client: Client, ehr: FakeEhr, how: str, fetched: bool
) -> None:
    """The cards follow what the API reads from the same resources, whichever resource type the
    record system keeps the drugs in: the services' prefetch asks for every type the mapping
    reads (MedicationStatement and ServiceRequest were not asked for), and a Medication an order
    names is read from the FHIR server (a search by patient does not return it), however the
    reference is written (one with its version, or an absolute URL on the server, was never read:
    FOLFOX was not known to have stopped, though the command line read it)."""
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"], *folfox_stopped_as(how)]
    expected = offered_result(resources)
    assert expected.profile.progressed_on == ["folfox"]
    ehr.records[records.PATIENT] = resources
    given = None if fetched else records.prefetch(resources)
    call = hook_call("order-select", given, drafts=[OXALIPLATIN], fhir=True)
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning"
    assert "stopped working" in card["summary"]
    view = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", given, fhir=True)))
    offered = [o.name for o in expected.options if o.status.value == "offered"]
    assert offered and all(name in view[0]["detail"] for name in offered)


@pytest.mark.parametrize("marked", [True, False], ids=["include", "unmarked"])
def test_a_prefetch_of_the_medication_searches_brings_the_medications_they_name(
    client: Client, marked: bool
) -> None:
    """The medication templates asked for no Medication: a record system that answers only the
    prefetch (no fhirServer), as the specification has it ("equivalent to the data ... using
    the parameterized prefetch template"), could not send them, and every drug an order names
    as a Medication was not known: FOLFOX offered after it stopped working (a review of the
    CDS Hooks service). Each medication search _includes its Medications; brought beside the
    orders, marked as included or not, they are read as the command line reads them."""
    for key, template in TEMPLATES.items():
        kind = resource_type(template)
        if kind.startswith("Medication"):
            assert f"_include={kind}:medication" in template, key
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"],
                 *folfox_stopped_as("reference")]  # fmt: skip
    assert offered_result(resources).profile.progressed_on == ["folfox"]
    prefetch = records.prefetch(resources)
    medications = [r for r in resources if r["resourceType"] == "Medication"]
    found = prefetch["medicationRequests"]
    found["entry"] += [{"fullUrl": f"{FHIR}/Medication/{m['id']}", "resource": m,
                        **({"search": {"mode": "include"}} if marked else {})}
                       for m in medications]  # fmt: skip
    (card,) = cards_of(post(client, ORDER_SELECT, hook_call("order-select", prefetch,
                                                            drafts=[OXALIPLATIN])))  # fmt: skip
    assert card["indicator"] == "warning" and "stopped working" in card["summary"], card
    problem = problem_of(post(client, ORDER_SELECT, hook_call("order-select", {
        **prefetch, "conditions": found}, drafts=[OXALIPLATIN])), 422)  # fmt: skip
    assert problem["errors"][0]["field"].startswith("prefetch.conditions.entry[")


@pytest.mark.parametrize("code", ["not-supported", "processing"])
def test_a_fhir_server_that_refuses_include_is_searched_without_it(
    ehr: FakeEhr, code: str
) -> None:
    """A server that refuses _include (400, not-supported or processing, as HAPI refuses a
    parameter) had cost the medication history: no card for oxaliplatin after FOLFOX stopped
    working, or a 412 (a review of the change). The search is asked again without it, and the
    Medications are read one by one."""
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"],
                 *folfox_stopped_as("reference")]  # fmt: skip
    ehr.records[records.PATIENT] = resources
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": code, "diagnostics": "_include is not supported"}]}
    ehr.answer = lambda request: (httpx.Response(400, json=outcome)
                                  if "_include" in str(request.url) else None)
    client = Client(make_app(ehr))
    (card,) = cards_of(post(client, ORDER_SELECT, hook_call("order-select", None,
                                                            drafts=[OXALIPLATIN], fhir=True)))
    assert card["indicator"] == "warning" and "stopped working" in card["summary"], card
    assert any("_include" in str(r.url) for r in ehr.requests)


@pytest.mark.parametrize("most", [None, 200])  # refuses any _count, or one over 200
@pytest.mark.parametrize("kind", ["MedicationRequest", "AllergyIntolerance", "Condition"])
def test_a_fhir_server_that_refuses_the_page_size_is_searched_without_it(
        ehr: FakeEhr, kind: str, most: int | None) -> None:  # fmt: skip
    """A server that refuses a ``_count`` over its most (400 not-supported) had cost the drug
    history: cisplatin drafted for a record that says it cannot be had, or after it stopped
    working, got no card, and not even a word that drugs were not read (a review). The search
    is asked again (without ``_include``) with pages of 100, then without ``_count``: a
    server's default page (20 on HAPI FHIR) would cap it at 20 pages of 20 (a review of the
    change), and read whole."""
    stopped = records.medication_request("cisplatin", "2555", "Cisplatin", "stopped", "progressed")
    allergy = records.allergy("cisplatin-allergy", "2555", "Cisplatin")
    resources = [*STOMACH_STAGE_4, stopped if kind != "AllergyIntolerance" else allergy]
    ehr.records[records.PATIENT] = resources
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "not-supported", "diagnostics": "_count is too large"}]}
    ehr.answer = lambda request: (
        httpx.Response(400, json=outcome) if "_count" in request.url.params
        and (most is None or int(request.url.params["_count"]) > most) else None)  # fmt: skip
    client = Client(make_app(ehr))
    draft = records.draft_order("draft-cisplatin", "2555", "Cisplatin")
    (card,) = cards_of(post(client, ORDER_SELECT, hook_call("order-select", None,
                                                            drafts=[draft], fhir=True)))
    assert card["summary"] == ("Cisplatin: the record says " + (
        "this patient cannot have cisplatin" if kind == "AllergyIntolerance"
        else "cisplatin stopped working")), card["summary"]  # fmt: skip
    asked = [r.url.params.get("_count") for r in ehr.requests if r.url.path.endswith("/" + kind)]
    assert asked == (["1000", "100", None] if most is None else ["1000", "100"]), asked


def test_the_medications_named_are_read_within_the_calls_limits(ehr: FakeEhr) -> None:
    """The Medications an order names are read within the one deadline of the call (they were
    read after the searches with a deadline of their own), at most ``MEDICATION_READS`` of them
    (3,000 orders made 3,000 reads), never a path made of dots (``Medication/..`` read the
    server's base), and as far as they can be: a read refused leaves the drug not known, it does
    not cost the cards (it was a 412)."""
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"], *folfox_stopped_as("reference")]
    orders = [r for r in resources if r["resourceType"] == "MedicationRequest"]
    many = [{**orders[0], "id": f"order-{i}", "medicationReference": {"reference":
             f"Medication/x{i}"}} for i in range(3 * MEDICATION_READS)]  # fmt: skip
    dots = [{**orders[0], "id": f"dots-{i}", "medicationReference": {"reference":
             f"Medication/{d}"}} for i, d in enumerate([".", ".."])]  # fmt: skip
    ehr.records[records.PATIENT] = [*resources, *many, *dots]

    def refused(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.startswith("/r4/Medication/x"):
            return httpx.Response(403, json={"resourceType": "OperationOutcome"})
        return None

    ehr.answer = refused
    client = Client(make_app(ehr))
    call = hook_call("order-select", records.prefetch([*resources, *many, *dots]),
                     drafts=[OXALIPLATIN], fhir=True)  # fmt: skip
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert "stopped working" in card["summary"]  # the three FOLFOX Medications were read
    paths = [r.url.path for r in ehr.requests if "/Medication" in r.url.path]
    assert len(paths) == MEDICATION_READS
    assert all(p.rsplit("/", 1)[1] not in ("", ".", "..", "Medication") for p in paths)

    asked: list[str] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        await asyncio.sleep(0.06)
        return ehr(request)

    ehr.answer, ehr.requests = None, []
    ehr.records[records.PATIENT] = resources
    slow_app = make_app(ehr, transport=httpx.MockTransport(slow), fetch_deadline=0.1)
    started = time.monotonic()
    (view, *_) = cards_of(post(Client(slow_app), PATIENT_VIEW,
                               hook_call("patient-view", None, fhir=True)))  # fmt: skip
    took = time.monotonic() - started
    # the searches (0.06 s) left too little of the call's 0.1 s for the Medications (0.06 s
    # more): not read, so FOLFOX is not known to have stopped (something did: "perhaps other
    # treatments not listed"); the cards are given all the same
    # (not the lines of the options, which name FOLFOX and what they wait on)
    stopped = [line for line in view["detail"].splitlines()
               if "stopped working" in line and not line.startswith("- **")]  # fmt: skip
    assert not any("FOLFOX" in line for line in stopped), stopped
    assert any("/Medication/" in path for path in asked)  # asked for, not waited for
    assert took < 0.5, took


def test_a_drafted_order_naming_a_medication_on_the_server_is_read(ehr: FakeEhr) -> None:
    """A drafted order that names its drug as ``Medication/ID`` on the record system's FHIR
    server (not in draftOrders): the Medication is read from ``fhirServer`` and the order
    checked as if it named the drug itself; it had no drug, so cetuximab for a KRAS mutation
    got no card. Without a ``fhirServer``, or when the read is refused, the drug is not known:
    an info card says it could not be checked (it had been no card at all), never an error."""
    mutated = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = mutated
    ehr.records["medications"] = [{"resourceType": "Medication", "id": "cetux-1",
                                   "code": CETUXIMAB["medicationCodeableConcept"]}]  # fmt: skip
    order = {k: v for k, v in CETUXIMAB.items() if k != "medicationCodeableConcept"}
    order["medicationReference"] = {"reference": "Medication/cetux-1"}
    client = Client(make_app(ehr))
    call = hook_call("order-select", records.prefetch(mutated), drafts=[order], fhir=True)
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    (same,) = order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)
    assert card["summary"] == same["summary"] and card["indicator"] == "warning"
    fhir = [r.url.path for r in ehr.requests if r.url.path.startswith("/r4/")]
    assert fhir == ["/r4/Medication/cetux-1"]  # the read only: the prefetch holds the rest
    # the bundle's own Medication is used, not read again
    held = {"resourceType": "Medication", "id": "cetux-1",
            "code": CETUXIMAB["medicationCodeableConcept"]}  # fmt: skip
    ehr.requests = []
    call = hook_call("order-select", records.prefetch(mutated), drafts=[order], fhir=True)
    call["context"]["draftOrders"]["entry"].append({"resource": held})
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"] == same["summary"]
    assert not [r for r in ehr.requests if r.url.path.startswith("/r4/")]
    # no fhirServer to read it from, or a read refused: not known, and said
    call = hook_call("order-select", records.prefetch(mutated), drafts=[order])
    assert summaries(post(client, ORDER_SELECT, call)) == [UNCHECKED]
    ehr.answer = lambda request: httpx.Response(403, json={"resourceType": "OperationOutcome"})
    call = hook_call("order-select", records.prefetch(mutated), drafts=[order], fhir=True)
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"] == UNCHECKED and card["indicator"] == "info"
    assert "1 drafted order (MedicationRequest/draft-cetuximab)" in card["detail"]


@pytest.mark.parametrize("form", list(MEDICATION_FORMS.values()))
def test_a_drafted_medication_is_read_however_the_reference_is_written(
    ehr: FakeEhr, form: str
) -> None:
    """A drafted cetuximab naming its Medication with its version (``/_history/1``) or by its
    absolute URL on the FHIR server was never read: a patient with a KRAS mutation got no
    warning. Each is read as ``Medication/ID``; an absolute URL on another server is not read
    (the token goes to ``fhirServer`` only) and the drug is not known."""
    mutated = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = mutated
    ehr.records["medications"] = [{"resourceType": "Medication", "id": "cetux-1",
                                   "code": CETUXIMAB["medicationCodeableConcept"]}]  # fmt: skip
    order = {k: v for k, v in CETUXIMAB.items() if k != "medicationCodeableConcept"}
    order["medicationReference"] = {"reference": form.format("cetux-1")}
    client = Client(make_app(ehr))
    call = hook_call("order-select", records.prefetch(mutated), drafts=[order], fhir=True)
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    (same,) = order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)
    assert card["summary"] == same["summary"] and card["indicator"] == "warning"
    assert [r.url.path for r in ehr.requests if "/Medication" in r.url.path] == [
        "/r4/Medication/cetux-1"]  # fmt: skip
    ehr.requests = []
    elsewhere = {**order, "medicationReference": {
        "reference": "https://elsewhere.example.org/r4/Medication/cetux-1"}}  # fmt: skip
    call = hook_call("order-select", records.prefetch(mutated), drafts=[elsewhere], fhir=True)
    assert summaries(post(client, ORDER_SELECT, call)) == [UNCHECKED]
    assert not [r for r in ehr.requests if "/Medication" in r.url.path]


def test_a_reference_elsewhere_is_not_read_from_the_fhir_server() -> None:
    """The references to read from ``fhirServer``: relative ones (a version cut off) and absolute
    URLs under it; not a URL on another server, nor one beside its base."""
    from onconav.cdshooks.prefetch import medication_references

    written = ["Medication/a", "Medication/b/_history/3", f"{FHIR}/Medication/c",
               f"{FHIR}/Medication/d/_history/2", f"{FHIR}/Medication/a",
               "https://elsewhere.example.org/r4/Medication/e", f"{FHIR}x/Medication/f",
               "https://fhir.example.org/Medication/g", "urn:uuid:5d0b1a4e-6a43-4b36-9b1c",
               "Medication/..", f"{FHIR}/Medication/../Patient/p"]  # fmt: skip
    orders = [{"resourceType": "MedicationRequest", "medicationReference": {"reference": w}}
              for w in written]  # fmt: skip
    assert medication_references(orders, FHIR) == [
        "Medication/a", "Medication/b", "Medication/c", "Medication/d"]  # fmt: skip
    assert medication_references(orders, FHIR + "/") == medication_references(orders, FHIR)
    assert medication_references(orders, None) == ["Medication/a", "Medication/b"]


def drafts_naming(*medications: str, like: dict[str, Any] = CETUXIMAB) -> list[dict[str, Any]]:
    """Drafted orders (``draft-ID``) that each name their drug as ``Medication/ID``."""
    out = []
    for medication in medications:
        order = {k: v for k, v in like.items() if k != "medicationCodeableConcept"}
        order["id"] = f"draft-{medication}"
        order["medicationReference"] = {"reference": f"Medication/{medication}"}
        out.append(order)
    return out


def test_a_call_reads_each_medication_once_and_at_most_the_limit(ehr: FakeEhr) -> None:
    """The drafted orders' Medications were read, then the record's, each up to
    ``MEDICATION_READS``: a call made twice as many reads, and one named by both was read twice
    (also when its first read found nothing). A Medication read for a drafted order now serves
    the record too, and the call reads at most ``MEDICATION_READS`` in all."""
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"], *folfox_stopped_as("reference")]
    folfox = [r for r in resources if r["resourceType"] == "Medication"]
    record = [r for r in resources if r["resourceType"] != "Medication"]  # on the server only
    ehr.records[records.PATIENT] = record
    ehr.records["medications"] = folfox
    # the drafted oxaliplatin names the record's own FOLFOX Medication: read once, for both
    drafted = drafts_naming(folfox[0]["id"], like=OXALIPLATIN)
    call = hook_call("order-select", records.prefetch(record), drafts=drafted, fhir=True)
    (card,) = cards_of(post(Client(make_app(ehr)), ORDER_SELECT, call))
    assert "stopped working" in card["summary"]
    reads = [r.url.path for r in ehr.requests if r.url.path.startswith("/r4/Medication/")]
    assert sorted(reads) == sorted(f"/r4/Medication/{m['id']}" for m in folfox)
    # the drafts and the record name the same Medications, half of them not on the server
    # (404), and more of them than a call reads
    many = 2 * MEDICATION_READS
    named = [f"m{i}" for i in range(many)]
    orders = [{**order, "id": f"old-{order['id']}", "status": "completed"}
              for order in drafts_naming(*named)]  # fmt: skip
    ehr.records[records.PATIENT] = [*record, *orders]
    code = CETUXIMAB["medicationCodeableConcept"]
    ehr.records["medications"] = [{"resourceType": "Medication", "id": m, "code": code}
                                  for m in named[::2]]  # fmt: skip
    ehr.requests = []
    drafted = drafts_naming(*named[: MEDICATION_READS // 2])
    call = hook_call("order-select", records.prefetch([*record, *orders]), drafts=drafted,
                     fhir=True)  # fmt: skip
    cards_of(post(Client(make_app(ehr)), ORDER_SELECT, call))
    reads = [r.url.path for r in ehr.requests if r.url.path.startswith("/r4/Medication/")]
    assert len(reads) == len(set(reads)) == MEDICATION_READS


def test_a_read_answered_with_another_resource_finds_nothing(
    ehr: FakeEhr, caplog: pytest.LogCaptureFixture
) -> None:
    """The read of ``Medication/a`` answered with a Medication whose id is ``b`` (a proxy, a
    merged record) was filed as ``Medication/b``: cetuximab then stood for another drafted order
    whose own read of ``Medication/b`` was a 404, and got a warning. A read is answered by the
    resource it asks for, or it finds nothing; the log names the key, never the query."""
    mutated = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = mutated
    cetuximab_b = {"resourceType": "Medication", "id": "b",
                   "code": CETUXIMAB["medicationCodeableConcept"]}  # fmt: skip

    def proxy(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/r4/Medication/a":
            return httpx.Response(200, json=cetuximab_b)
        if request.url.path == "/r4/Medication/b":
            return httpx.Response(404, json={"resourceType": "OperationOutcome"})
        return None

    ehr.answer = proxy
    call = hook_call("order-select", records.prefetch(mutated),
                     drafts=drafts_naming("a", "b", like=OXALIPLATIN), fhir=True)  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        assert summaries(post(Client(make_app(ehr)), ORDER_SELECT, call)) == [UNCHECKED]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "another resource than the one asked for" in logged
    assert "Medication/" not in logged and records.PATIENT not in logged


@pytest.mark.parametrize("status", [404, 410, 401, 403, 500, 503])
def test_every_medication_read_that_fails_is_logged_by_its_key(
    ehr: FakeEhr, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    """docs/cds-hooks.md: a read that fails (refused, not found ...) is logged. A read answered
    404 or 410 found nothing with no word in the log (``fetch._get``), where one answered 500
    was logged: every status is logged, by the read's key and the status, never the
    Medication's id nor the patient's."""
    kras_unknown = records.SITUATIONS["rectal-stage4-kras-unknown"]
    ehr.records[records.PATIENT] = kras_unknown
    ehr.answer = lambda request: (httpx.Response(status) if "/Medication/" in request.url.path
                                  else None)  # fmt: skip
    call = hook_call("order-select", records.prefetch(kras_unknown),
                     drafts=drafts_naming("gone-17"), fhir=True)  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        assert summaries(post(Client(make_app(ehr)), ORDER_SELECT, call)) == [UNCHECKED]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"medications[1]: the FHIR server answered {status}" in logged, logged
    assert "gone-17" not in logged and records.PATIENT not in logged


def test_an_unchecked_drafted_drug_says_truly_why_its_medication_was_not_read(
    ehr: FakeEhr,
) -> None:
    """A drafted order naming its drug as a Medication, in a call with no fhirServer, was said
    to name a Medication "on the record system's FHIR server, which could not be read": no
    server was given. The card says so; with a server whose read fails, it says the read
    failed."""
    kras_unknown = records.SITUATIONS["rectal-stage4-kras-unknown"]
    ehr.records[records.PATIENT] = kras_unknown
    ehr.answer = lambda request: (httpx.Response(503) if "/Medication/" in request.url.path
                                  else None)  # fmt: skip
    client = Client(make_app(ehr))
    for fhir in (False, True):
        call = hook_call("order-select", records.prefetch(kras_unknown),
                         drafts=drafts_naming("x"), fhir=fhir)  # fmt: skip
        (card,) = cards_of(post(client, ORDER_SELECT, call))
        assert card["summary"] == UNCHECKED
        first = card["detail"].splitlines()[0]
        assert ("which could not be read" in first) == fhir, first
        assert ("the call gives no fhirServer to read it from" in first) == (not fhir), first


def test_a_medication_read_is_best_effort_whatever_its_answer(
    ehr: FakeEhr, caplog: pytest.LogCaptureFixture
) -> None:
    """A Medication read answered with a "next" link to an address no request can go to was a
    500: the read's links were followed as a search's pages, and the link's ValueError was
    caught neither there nor by the best-effort read. A read's answer is one resource (its links
    are not pages), and a read whose answer breaks in a way not foreseen finds nothing, logged
    by its key and the kind of error only."""
    kras_unknown = records.SITUATIONS["rectal-stage4-kras-unknown"]
    ehr.records[records.PATIENT] = kras_unknown
    code = CETUXIMAB["medicationCodeableConcept"]

    def answer(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/r4/Medication/linked":
            link = {"relation": "next", "url": "https://[fhir.example.org/r4/x"}
            return httpx.Response(200, json={"resourceType": "Medication", "id": "linked",
                                             "code": code, "link": [link]})  # fmt: skip
        if request.url.path == "/r4/Medication/broken":
            raise RuntimeError(f"an answer not foreseen for {records.PATIENT}")
        return None

    ehr.answer = answer
    client = Client(make_app(ehr))
    (expected,) = order_select(client, "rectal-stage4-kras-unknown", CETUXIMAB)
    call = hook_call("order-select", records.prefetch(kras_unknown),
                     drafts=drafts_naming("linked"), fhir=True)  # fmt: skip
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"] == expected["summary"]
    assert [r.url.path for r in ehr.requests if "Medication" in r.url.path] == [
        "/r4/Medication/linked"]  # fmt: skip
    call = hook_call("order-select", records.prefetch(kras_unknown),
                     drafts=drafts_naming("broken"), fhir=True)  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        assert summaries(post(client, ORDER_SELECT, call)) == [UNCHECKED]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "medications[1]: the FHIR server's answer could not be read (RuntimeError)" in logged
    assert records.PATIENT not in logged and "Medication/" not in logged


@pytest.mark.parametrize("prefetched", [True, False], ids=["prefetched", "fetched"])
def test_a_late_read_costs_only_its_own_drug(ehr: FakeEhr, prefetched: bool) -> None:
    """The call's deadline passing while one Medication is read threw away every read, the
    ones already answered too: the cetuximab of a drafted order, read at once, was not known
    because another order's Medication was slow. Each read now has the deadline on its own.
    And the drafted orders' reads had the call's whole deadline: when one was late, the record's
    searches after them had no time left and the call was a 412 (this test passed only because
    the record was prefetched). The drafted orders' reads have half the deadline."""
    mutated = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = mutated
    ehr.records["medications"] = [
        {"resourceType": "Medication", "id": m, "code": CETUXIMAB["medicationCodeableConcept"]}
        for m in ("quick", "slow")
    ]

    asked: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/r4/Medication/slow":
            await asyncio.sleep(2)  # well past the call's deadline
        return ehr(request)

    app = make_app(ehr, transport=httpx.MockTransport(answer), fetch_deadline=0.6)
    call = hook_call("order-select", records.prefetch(mutated) if prefetched else None,
                     drafts=drafts_naming("quick", "slow"), fhir=True)  # fmt: skip
    started = time.monotonic()
    card, late = cards_of(post(Client(app), ORDER_SELECT, call))
    assert time.monotonic() - started < 1.5
    assert card["indicator"] == "warning" and card["summary"].startswith("Cetuximab")
    assert late["summary"] == UNCHECKED and "MedicationRequest/draft-slow" in late["detail"]
    assert "/r4/Medication/slow" in asked and "/r4/Medication/quick" in asked
    assert prefetched or "/r4/Condition" in asked


def test_orders_whose_medication_could_not_be_read_are_said(ehr: FakeEhr) -> None:
    """FOLFOX stopped working, its orders naming each drug as a Medication: prefetched without
    the Medications and no fhirServer, a read refused, or past the reads a call makes, the drugs
    were silently not known, and oxaliplatin drafted got no card where a warning was due. The
    cards say how many orders name a Medication not read; the drafted drug gets an info card."""
    situation, medications = [], []
    for resource in records.SITUATIONS["rectal-stage4-folfox-progressed"]:
        if resource["resourceType"] == "MedicationRequest":
            resource = copy.deepcopy(resource)
            ident = f"med-{resource['id']}"
            medications.append({"resourceType": "Medication", "id": ident,
                                "code": resource.pop("medicationCodeableConcept")})  # fmt: skip
            resource["medicationReference"] = {"reference": f"Medication/{ident}"}
        situation.append(resource)
    ehr.records[records.PATIENT] = situation
    ehr.records["medications"] = medications
    client = Client(make_app(ehr))
    drafted = hook_call("order-select", records.prefetch(situation), drafts=[OXALIPLATIN],
                        fhir=True)  # fmt: skip
    (read,) = cards_of(post(client, ORDER_SELECT, drafted))  # every Medication read
    assert read["indicator"] == "warning" and "stopped working" in read["summary"]
    said = ("- 3 orders name a Medication that could not be read: the treatments had, those that "
            "stopped working and those the patient cannot have may be incomplete")  # fmt: skip
    assert said not in read["detail"].splitlines()
    ehr.answer = lambda request: (httpx.Response(503) if "/Medication/" in request.url.path
                                  else None)  # fmt: skip
    for call in (hook_call("order-select", records.prefetch(situation), drafts=[OXALIPLATIN]),
                 drafted):  # fmt: skip
        (card,) = cards_of(post(client, ORDER_SELECT, call))
        assert card["indicator"] == "info"
        # the stopped orders' drugs not read: whether oxaliplatin stopped is not known
        assert card["summary"] == ("Oxaliplatin: not every drug on record could be read; "
                                   "whether it stopped working is not known")  # fmt: skip
        assert said in card["detail"].splitlines()
    options = patient_view(client, "rectal-stage4-folfox-progressed")[0]
    assert said not in options["detail"].splitlines()
    viewed = cards_of(post(client, PATIENT_VIEW,
                           hook_call("patient-view", records.prefetch(situation))))  # fmt: skip
    assert said in viewed[0]["detail"].splitlines()


def test_a_resource_type_the_fhir_server_does_not_support_is_said_not_a_412(
    ehr: FakeEhr,
) -> None:
    """A FHIR server without MedicationStatement answers its search 404 with an OperationOutcome
    whose issue is not-supported: every call was a 412. That type reads as holding nothing, and
    the cards say it was not read; another 404 to a search is still a 412."""
    ehr.records[records.PATIENT] = records.SITUATIONS["rectal-stage4-kras-mutated"]
    prefetch = records.prefetch(records.SITUATIONS["rectal-stage4-kras-mutated"])
    del prefetch["medicationStatements"]  # a record system that cannot satisfy it
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "not-supported",
         "diagnostics": "Unknown resource type 'MedicationStatement'"}]}  # fmt: skip
    client = Client(make_app(ehr))
    for status in (404, 400, 501):
        ehr.answer = lambda request, status=status: (
            httpx.Response(status, json=outcome)
            if request.url.path.endswith("/MedicationStatement") else None)  # fmt: skip
        made = cards_of(post(client, PATIENT_VIEW,
                             hook_call("patient-view", prefetch, fhir=True)))  # fmt: skip
        assert made[0]["summary"].startswith("Rectal cancer")
        assert ("- Not read: MedicationStatement (the FHIR server does not support searching "
                "it): what it holds is missing here") in made[0]["detail"].splitlines()
    (card,) = cards_of(post(client, ORDER_SELECT, hook_call("order-select", prefetch,
                                                            drafts=[CETUXIMAB], fhir=True)))
    assert "- Not read: MedicationStatement" in card["detail"]
    # a drug that suits gets no card for it: the server holds no MedicationStatement, so nothing
    # on record went unread (a review found "not every drug on record could be read" on every
    # order such a server's users drafted)
    oxaliplatin = records.draft_order("draft-oxaliplatin", "32592", "oxaliplatin")
    assert cards_of(post(client, ORDER_SELECT, hook_call(
        "order-select", prefetch, drafts=[oxaliplatin], fhir=True))) == []  # fmt: skip
    ehr.answer = lambda request: (
        httpx.Response(404, json={"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": "not-found"}]})
        if request.url.path.endswith("/MedicationStatement") else None)  # fmt: skip
    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch,
                                                              fhir=True)), 412)  # fmt: skip
    assert "medicationStatements: the FHIR server answered 404" in problem["detail"]


def test_a_condition_search_the_fhir_server_does_not_support_is_a_412(ehr: FakeEhr) -> None:
    """The Condition search answered 400 not-supported (how a server also refuses a parameter,
    a _count over its most) read as no Conditions: no cards at all, and no word (a review of the
    CDS Hooks service). The cancer is there: it is a 412 with the reason."""
    ehr.records[records.PATIENT] = records.SITUATIONS["rectal-stage4-kras-mutated"]
    prefetch = records.prefetch(records.SITUATIONS["rectal-stage4-kras-mutated"])
    del prefetch["conditions"]
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "not-supported"}]}  # fmt: skip
    ehr.answer = lambda request: (httpx.Response(400, json=outcome)
                                  if request.url.path.endswith("/Condition") else None)
    client = Client(make_app(ehr))
    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch,
                                                              fhir=True)), 412)  # fmt: skip
    assert "conditions: the FHIR server does not support this search" in problem["detail"]


def test_a_search_that_says_it_did_not_run_whole_is_not_the_whole_record(ehr: FakeEhr) -> None:
    """A searchset holding an OperationOutcome entry of severity error (a timeout part way) was
    read as the whole record: a stage 4 rectal cancer whose Condition search said so had no
    cards, and FOLFOX was offered after it stopped working when the administrations' did (a
    review of the CDS Hooks service). Prefetched, the key is fetched again (412 without a
    fhirServer); fetched, it is a 412; a note of severity information is left out as before."""
    resources = records.SITUATIONS["rectal-stage4-kras-mutated"]
    ehr.records[records.PATIENT] = resources
    client = Client(make_app(ehr))

    def with_outcome(severity: str) -> dict[str, Any]:
        found = records.searchset([r for r in resources if r["resourceType"] == "Condition"])
        found["entry"].append({"resource": {"resourceType": "OperationOutcome", "issue": [
            {"severity": severity, "code": "timeout"}]}, "search": {"mode": "outcome"}})
        return found

    whole = summaries(post(client, PATIENT_VIEW, hook_call("patient-view",
                                                           records.prefetch(resources))))
    assert whole
    for severity, read in (("error", False), ("fatal", False), ("information", True)):
        prefetch = {**records.prefetch(resources), "conditions": with_outcome(severity)}
        answer = post(client, PATIENT_VIEW, hook_call("patient-view", prefetch))
        if read:
            assert summaries(answer) == whole
            continue
        # no fhirServer to fetch it from: said to report an error, not to be left out (it was
        # "the prefetch lacks conditions"), named with what it takes
        problem = problem_of(answer, 412)
        assert "lacks" not in problem["detail"], problem
        assert "the prefetch of conditions reports an error (issue timeout)" in problem[
            "detail"], problem  # fmt: skip
        assert problem["errors"] == [{
            "field": "prefetch.conditions", "value": None,
            "accepted": ["a searchset Bundle of Condition resources", "null",
                         "a fhirServer to fetch it from"],
            "message": "reports an error (issue timeout), an OperationOutcome: its search did "
                       "not run whole, and the call gives no fhirServer to fetch it from"}]
        fetched = post(client, PATIENT_VIEW, hook_call("patient-view", prefetch, fhir=True))
        assert summaries(fetched) == whole  # fetched again, whole
    del prefetch["conditions"]
    ehr.answer = lambda request: (httpx.Response(200, json=with_outcome("error"))
                                  if request.url.path.endswith("/Condition") else None)
    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch,
                                                              fhir=True)), 412)  # fmt: skip
    assert ("conditions: the FHIR server's answer to the search holds an OperationOutcome with "
            "an error") in problem["detail"]


def test_a_drug_the_patient_cannot_have_is_a_warning(client: Client) -> None:
    resources = [
        *records.SITUATIONS["rectal-stage4-kras-unknown"],
        records.medication_request(
            "oxaliplatin-stopped", "32592", "Oxaliplatin", "stopped", "not-tolerated"
        ),
    ]
    call = hook_call("order-select", records.prefetch(resources), drafts=[OXALIPLATIN])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning"
    assert "cannot have" in card["summary"]


@pytest.mark.parametrize("reason", [
    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason",
                 "code": "salg", "display": "Allergy"}]},
    {"coding": [{"system": "http://snomed.info/sct", "code": "395009001",
                 "display": "Medication stopped - side effect"}]},
    {"text": "Neurotoxicity"},
])  # fmt: skip
def test_a_drug_stopped_for_an_allergy_or_side_effects_is_a_warning(
    client: Client, reason: dict[str, Any]
) -> None:
    """Oxaliplatin stopped with FHIR R4's own stop reason salg (allergy), SNOMED's "Medication
    stopped - side effect" or the words "Neurotoxicity" was read as a treatment had: a drafted
    oxaliplatin got no card. It gets the warning a drug not tolerated gets."""
    stopped = records.medication_request("oxaliplatin-stopped", "32592", "Oxaliplatin", "stopped")
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"],
                 {**stopped, "statusReason": reason}]  # fmt: skip
    call = hook_call("order-select", records.prefetch(resources), drafts=[OXALIPLATIN])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert "cannot have oxaliplatin" in card["summary"], card["summary"]


@pytest.mark.parametrize(("status", "intent", "reason", "said"), [
    ("stopped", "plan", "progressed", "stopped working"),
    ("stopped", "proposal", "not-tolerated", "cannot have oxaliplatin"),
    ("on-hold", "order", "salg", "cannot have oxaliplatin"),
    ("cancelled", "order", "salg", "cannot have oxaliplatin"),
])  # fmt: skip
def test_a_drug_stopped_held_or_cancelled_is_read_by_its_reason(
    client: Client, status: str, intent: str, reason: str, said: str
) -> None:
    """A plan of oxaliplatin stopped for no response was read as planned, and oxaliplatin on
    hold or cancelled for an allergy as had or not given: a drafted oxaliplatin got no card
    (an order stopped so got the warning). The reason is read whatever the status and intent."""
    held = records.medication_request("oxaliplatin-held", "32592", "Oxaliplatin", status,
                                      None if reason == "salg" else reason)  # fmt: skip
    held["intent"] = intent
    if reason == "salg":
        held["statusReason"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason",
            "code": "salg", "display": "Allergy"}]}  # fmt: skip
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"], held]
    call = hook_call("order-select", records.prefetch(resources), drafts=[OXALIPLATIN])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert said in card["summary"], card["summary"]


def test_a_drug_the_record_rules_out_is_a_warning_whatever_else_its_options_ask(
    client: Client,
) -> None:
    """Fluorouracil drafted for a patient whose record says it was not tolerated got no card: the
    rectal option of 5-FU or capecitabine with radiation still asked about something else, so
    the drug's options were not all not suitable."""
    resources = [
        *records.SITUATIONS["rectal-stage4-kras-unknown"],
        records.medication_request(
            "fluorouracil-stopped", "4492", "Fluorouracil", "stopped", "not-tolerated"
        ),
    ]
    fluorouracil = records.draft_order("draft-fluorouracil", "4492", "fluorouracil")
    call = hook_call("order-select", records.prefetch(resources), drafts=[fluorouracil])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert card["summary"].startswith("Fluorouracil: not suitable here, the record says this "
                                      "patient cannot have fluorouracil"), card["summary"]
    # capecitabine, of the same kind, is not ruled out, but the card says the reason may hold
    # (it got no card: an option of capecitabine is offered)
    capecitabine = records.draft_order("draft-capecitabine", "194000", "capecitabine")
    call = hook_call("order-select", records.prefetch(resources), drafts=[capecitabine])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert card["summary"] == ("Capecitabine: the record says this patient cannot have "
                               "fluorouracil, of the same kind; the reason may hold for it too")
    # and a drug of no kin of it, that suits, gets none
    assert cards_of(post(client, ORDER_SELECT, hook_call(
        "order-select", records.prefetch(resources), drafts=[IRINOTECAN]))) == []  # fmt: skip


FLUOROURACIL = records.draft_order("draft-fluorouracil", "4492", "Fluorouracil")
RECTAL_STAGE_4 = records.SITUATIONS["rectal-stage4-kras-unknown"]


def test_a_drug_of_the_kind_of_one_that_stopped_working_is_a_warning(client: Client) -> None:
    """Fluorouracil drafted after capecitabine stopped working got no card, though the answer's
    page warns that fluorouracil, of the same kind, may not work either: the card read only
    what the patient cannot have."""
    resources = [*RECTAL_STAGE_4, records.medication_request(
        "capecitabine-stopped", "194000", "Capecitabine", "stopped", "progressed")]  # fmt: skip
    result = offered_result(resources)
    assert any(w.startswith("progressed_on: capecitabine stopped working") and "fluorouracil"
               in w for w in result.warnings), result.warnings  # fmt: skip
    call = hook_call("order-select", records.prefetch(resources), drafts=[FLUOROURACIL])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert card["summary"] == ("Fluorouracil: the record says capecitabine stopped working, of "
                               "the same kind; it may not work either"), card["summary"]
    assert card["overrideReasons"], card


def order_cards(data: dict[str, Any], drug: str) -> list[Card]:
    """The order-select cards of one drafted drug for a profile, as the service makes them from
    the profile's answer (``cards.order_select``), without a record to read."""
    result = evaluate(parse_profile(data, KB), KB)
    situation = _situation(result)
    return cardlib.order_select(situation, [cardlib.Drafted(order="MedicationRequest/d",
                                                            drug=drug)], KB)  # fmt: skip


@pytest.mark.parametrize("data", [
    {"cancer": "rectum", "stage": "4", "prior_treatments": ["folfiri", "folfox"]},
    {"cancer": "rectum", "stage": "4", "metastases": ["liver"], "prior_treatments": ["folfox"]},
    {"cancer": "stomach", "stage": "4", "prior_treatments": ["fluorouracil"]},
    {"cancer": "cervix", "stage": "4B", "prior_treatments": ["cisplatin"]},
])  # fmt: skip
def test_an_order_cards_questions_are_said_as_sentences(data: dict[str, Any]) -> None:
    """Irinotecan drafted after FOLFIRI and FOLFOX: its card had said "...?. To decide: ...?."
    (a review of the clinicians' path). For each drug drafted, no question is followed by a full
    stop."""
    for drug in sorted(d.id for d in KB.data.drugs):
        for card in order_cards(data, drug):
            assert "?." not in card.detail and "?." not in card.summary, (drug, card.detail)


@pytest.mark.parametrize("stopped", ["FOLFIRI", "FOLFOX"])
def test_a_drug_that_stopped_still_carries_the_reason_of_its_kind(stopped: str) -> None:
    """5-FU drafted for one who cannot have capecitabine, after FOLFIRI (which gave 5-FU)
    stopped working: the card had warned that the reason may hold for it too, and lost the
    warning once it read the core's rule, which left out of the kin every drug of either list
    (a review of the change). FOLFOX or FOLFIRI, which give it, are offered."""
    data = {"cancer": "rectum", "stage": "4", "metastases": ["liver"], "resectable": False,
            "prior_treatments": [stopped, "capecitabine"], "progressed_on": [stopped],
            "cannot_have": ["capecitabine"]}  # fmt: skip
    (card,) = order_cards(data, "fluorouracil")
    assert card.indicator == "warning", card
    assert card.summary == ("Fluorouracil: the record says this patient cannot have "
                            "capecitabine, of the same kind; the reason may hold for it too")


def test_a_drug_of_the_kind_of_both_lists_is_said_in_a_whole_summary() -> None:
    """Carboplatin drafted for one who cannot have cisplatin and whose oxaliplatin stopped
    working: the summary had read "cannot have cisplatin and oxaliplatin stopped working" (one
    list, misread) and was cut at 140 characters before saying what to do (two reviews)."""
    data = {"cancer": "cervix", "stage": "4B", "prior_treatments": ["oxaliplatin", "cisplatin"],
            "cannot_have": ["cisplatin"], "progressed_on": ["oxaliplatin"]}  # fmt: skip
    (card,) = order_cards(data, "carboplatin")
    assert card.summary == ("Carboplatin: same kind as cisplatin (cannot have) and oxaliplatin "
                            "(stopped working); check before ordering"), card.summary
    assert "cannot have cisplatin, and that oxaliplatin stopped working" in card.detail


def test_a_drug_card_says_once_that_the_own_source_is_silent() -> None:
    """Cisplatin drafted for cervical cancer back in the pelvis after chemoradiation: each of
    the options that give it had said under it that the cervical source does not say how such
    a situation is treated; the card says it once, in the answer's scope above them, and each
    line points to it."""
    (card,) = order_cards({"cancer": "cervix", "stage": "2", "recurrence": "local",
                           "prior_treatments": ["chemoradiation"]}, "cisplatin")  # fmt: skip
    assert card.detail.count("does not say how a situation like yours is treated") == 1
    pointer = "the source about cervical cancer does not cover your situation (see above)"
    assert card.detail.count(pointer) >= 5, card.detail
    assert card.detail.index("does not say how a situation") < card.detail.index(pointer)


def test_a_drug_only_in_trials_says_so_first_beside_its_kind() -> None:
    """Lapatinib drafted for a stomach cancer whose patient cannot have trastuzumab: the kin
    warning had taken the place of "only in clinical trials" (a review): both, trials first."""
    (card,) = order_cards({"cancer": "stomach", "stage": "4", "cannot_have": ["trastuzumab"]},
                          "lapatinib")
    assert card.indicator == "warning", card
    assert card.summary == ("Lapatinib: only in clinical trials for stomach cancer; same kind as "
                            "trastuzumab (cannot have)"), card.summary


def test_an_order_for_one_who_wants_no_cancer_treatment_gets_no_kin_card() -> None:
    """Options not chosen by one who wants no cancer treatment give no card (as before the
    session's change): counting them had put a kin warning in the place of the card's reading
    (a review)."""
    assert order_cards({"cancer": "rectum", "stage": "4", "wants_cancer_treatment": False,
                        "cannot_have": ["capecitabine"]}, "fluorouracil") == []  # fmt: skip


def test_a_drafted_mix_is_warned_of_by_its_drugs_kind() -> None:
    """CAPOX drafted for one who cannot have fluorouracil got no card, though the answer warns
    that capecitabine, of the same kind, may carry the reason: the card matched only a drafted
    drug, not the drugs of a drafted mix. The detail names the mix as written (it had read
    "capox")."""
    (card,) = order_cards({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                           "cannot_have": ["fluorouracil"]}, "capox")  # fmt: skip
    assert card.indicator == "warning", card
    assert card.summary == ("CAPOX: the record says this patient cannot have fluorouracil, of "
                            "the same kind as its capecitabine; the reason may hold for it too")
    assert "of the same kind as capecitabine, part of CAPOX." in card.detail, card.detail


def open_options_and_cards(result: Result, drafted: str) -> tuple[list[OptionResult], list[Card]]:
    """The options of an answer that give a drafted drug and the person may have, not as a choice
    they rule out (not options not chosen: an order for one who wants no cancer treatment gets
    no card), and the drug's order cards."""
    using = {o.id for o in KB.options_using(drafted)}
    open_ = [o for o in result.options if o.id in using
             and o.status.value not in ("not_suitable", "declined")
             and not any(r.given == drafted for r in o.choices_ruled_out)]  # fmt: skip
    situation = _situation(result)
    drafted_order = [cardlib.Drafted(order="MedicationRequest/d", drug=drafted)]
    return open_, cardlib.order_select(situation, drafted_order, KB)


def test_a_drafted_mix_that_gives_what_stopped_is_flagged() -> None:
    """CAPOX drafted after capecitabine alone stopped working got no card, though the answer
    warns that CAPOX gives it with a drug not listed as stopped working (issue 9: such a mix is
    "ruled out or flagged"): the card reads the answer's rule (``built_on_what_stopped``). It is
    an info card, as the answer offers the mix with a note: a warning with override reasons had
    been given to FOLFIRI drafted after FOLFOX, the usual next chemotherapy (a review)."""
    data = {"cancer": "rectum", "stage": "4", "metastases": ["liver"],
            "prior_treatments": ["capecitabine"], "progressed_on": ["capecitabine"]}
    (card,) = order_cards(data, "capox")
    assert card.indicator == "info", card
    assert card.summary == ("CAPOX: gives capecitabine, which stopped working, with oxaliplatin; "
                            "ask whether it could still help"), card.summary
    assert not card.overrideReasons, card
    data |= {"prior_treatments": ["folfox"], "progressed_on": ["folfox"]}
    (card,) = order_cards(data, "folfiri")
    assert card.indicator == "info", card
    assert card.summary.startswith("FOLFIRI: gives leucovorin and fluorouracil, part of FOLFOX, "
                                   "which stopped working, with irinotecan"), card.summary
    # a mix that stopped, one of whose drugs another mix gives
    data |= {"prior_treatments": ["capox"], "progressed_on": ["capox"]}
    (card,) = order_cards(data, "capiri")
    assert card.summary.startswith("CAPIRI: gives capecitabine, part of CAPOX, which stopped "
                                   "working, with irinotecan"), card.summary


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "breast"]),
       st.lists(st.sampled_from(sorted(d.id for d in KB.data.drugs) + sorted(
           r.id for r in KB.data.regimens)), min_size=1, max_size=3, unique=True),
       st.sampled_from(sorted(r.id for r in KB.data.regimens)))  # fmt: skip
def test_an_order_card_flags_whenever_the_answer_flags_a_mix_built_on_what_stopped(
    cancer: str, stopped: list[str], drafted: str
) -> None:
    """Whenever the answer says a drafted mix gives what stopped working with a drug not listed
    as stopped (not ruled out; ask the care team), and an option giving it is open, its order
    gets a card (an info card, or a warning where the record says more: a drug of a listed
    drug's kind, itself stopped): the page and the record system agree."""
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "prior_treatments": stopped,
                            "progressed_on": stopped}  # fmt: skip
    result = evaluate(parse_profile(data, KB), KB)
    quoted = f"\u201c{KB.name_of(drafted)}\u201d"
    flagged = [w for w in result.warnings if w.startswith("progressed_on:")
               and "with a drug not listed as stopped working" in w and quoted in w]  # fmt: skip
    open_, cards = open_options_and_cards(result, drafted)
    if flagged and open_:
        assert len(cards) == 1 and cards[0].indicator in ("info", "warning"), (flagged, cards)
        assert "stopped working" in cards[0].summary, cards[0].summary


KIN_DRUGS = sorted(d.id for d in KB.data.drugs if KB.kin_of(d.id))
REGIMENS = sorted(r.id for r in KB.data.regimens)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "breast"]),
       st.sampled_from(["cannot_have", "progressed_on"]),
       st.sampled_from(KIN_DRUGS + REGIMENS),
       st.sampled_from(KIN_DRUGS + REGIMENS))  # fmt: skip
def test_an_order_card_warns_whenever_the_answer_warns_of_its_kind(
    cancer: str, fact: str, listed: str, drafted: str
) -> None:
    """The page and the record system never disagree on a drug of the same narrow kind as one
    listed: whenever the answer warns that a drafted drug may not work either, or that the
    reason may hold for it too, and an option that gives it is offered or asks, its order gets
    a warning card (rule: the core's ``kin_of_listed``, read by both); a drafted mix, whenever
    the answer warns so of one of its drugs."""
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", fact: [listed]}
    if fact == "progressed_on":
        data["prior_treatments"] = [listed]
    result = evaluate(parse_profile(data, KB), KB)
    names = [KB.name_of(d) for d in KB.drugs_of(drafted)]
    warned = [w for w in result.warnings if w.startswith(f"{fact}:") and "of the same kind" in w
              and any(name in w.split(", and ", 1)[-1].split(" of the same kind")[0]
                      for name in names)]  # fmt: skip
    open_, cards = open_options_and_cards(result, drafted)
    if warned and open_:
        assert [c.indicator for c in cards] == ["warning"], (warned, cards)
        assert "of the same kind" in cards[0].summary, (warned, cards[0].summary)
    elif not warned and cards:
        assert "of the same kind" not in cards[0].summary, (result.warnings, cards[0].summary)


@pytest.mark.parametrize("stopped", ["folfiri", "folfox"])
def test_a_drug_given_again_by_an_offered_option_is_no_warning(
    client: Client, stopped: str
) -> None:
    """Fluorouracil drafted after FOLFIRI stopped working was "not suitable here, FOLFIRI stopped
    working for this patient", though the engine offers FOLFOX, which gives it: the engine
    removes 5-FU only as the choice of chemoradiation, as part of the regimen that stopped. So
    after FOLFOX, where FOLFIRI gives it."""
    resources = [*RECTAL_STAGE_4, *getattr(records, f"{stopped}_stopped")()]
    result = offered_result(resources)
    assert result.profile.progressed_on == [stopped]
    giving = {o.id for o in KB.options_using("fluorouracil")}
    assert any(o.status.value == "offered" and o.id in giving and not o.choices_ruled_out
               for o in result.options)  # fmt: skip
    call = hook_call("order-select", records.prefetch(resources), drafts=[FLUOROURACIL])
    assert cards_of(post(client, ORDER_SELECT, call)) == []


@pytest.mark.parametrize("text", ["Do not rechallenge", "Neurotoxicity, do not rechallenge"])
def test_do_not_rechallenge_on_each_drug_of_a_course_is_read_as_its_regimen(
    client: Client, text: str
) -> None:
    """FOLFOX's three orders each stopped "Do not rechallenge" (or "Neurotoxicity, do not
    rechallenge") had barred each drug: a drafted fluorouracil got a warning that the patient
    cannot have it, though the note means FOLFOX. The service reads the record as the FHIR
    reader does (FOLFOX cannot be had), and fluorouracil, which the FOLFIRI offered gives, gets
    no card."""
    stopped = [{**order, "statusReason": {"text": text}} for order in records.folfox_stopped()]
    resources = [*RECTAL_STAGE_4, *stopped]
    assert offered_result(resources).profile.cannot_have == ["folfox"]
    call = hook_call("order-select", records.prefetch(resources), drafts=[FLUOROURACIL])
    assert cards_of(post(client, ORDER_SELECT, call)) == []


def test_a_drug_that_stopped_in_a_regimen_is_a_warning_naming_where_it_is_given_again(
    client: Client,
) -> None:
    """Irinotecan drafted after FOLFIRI stopped working got no card (KRAS wild-type: cetuximab
    with irinotecan offered) or only one naming the KRAS test, though the page says irinotecan
    alone and CAPIRI are not suitable, as they give irinotecan, part of FOLFIRI; oxaliplatin
    after FOLFOX was warned of (a review). The rectal source gives cetuximab with irinotecan
    after irinotecan stopped (ccs-rectal-stage4 2654-2820): the card names it."""
    resources = [*records.SITUATIONS["rectal-stage4-folfox-progressed"][:-3],
                 *records.folfiri_stopped()]  # KRAS wild-type  # fmt: skip
    call = hook_call("order-select", records.prefetch(resources), drafts=[IRINOTECAN])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning", card
    assert card["summary"] == ("Irinotecan (part of FOLFIRI) stopped working; the sources give "
                               "it again only in cetuximab with irinotecan (offered)")
    assert card["overrideReasons"], card
    assert "- **Irinotecan alone**: not suitable" in card["detail"], card["detail"]
    # KRAS not on record: cetuximab with irinotecan asks, and the card says so
    call = hook_call("order-select", records.prefetch([*RECTAL_STAGE_4,
                                                       *records.folfiri_stopped()]),
                     drafts=[IRINOTECAN])  # fmt: skip
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"] == ("Irinotecan (part of FOLFIRI) stopped working; the sources give "
                               "it again only in cetuximab with irinotecan (needs information)")


KEY_DRUGS = [(drug, regimen.id, cancer) for regimen in KB.data.regimens
             for drug in regimen.stopped_by
             for cancer in sorted({c for o in KB.options_using(drug) for c in o.cancers})]


@pytest.mark.parametrize(("drug", "regimen", "cancer"), KEY_DRUGS)
def test_every_drug_that_stopped_as_a_key_drug_is_a_warning(
    drug: str, regimen: str, cancer: str
) -> None:
    """Every drug of the knowledge base drafted after a regimen stopped working whose drug it
    is that makes the regimen what it is (``Regimen.stopped_by``): a warning that names the
    regimen and says it stopped working, and every option the person may have that still gives
    the drug (not as a choice the record removes), as the page shows it."""
    data = {"cancer": cancer, "stage": "4", "prior_treatments": [regimen],
            "progressed_on": [regimen]}  # fmt: skip
    result = evaluate(parse_profile(data, KB), KB)
    open_, cards = open_options_and_cards(result, drug)
    (card,) = cards
    assert card.indicator == "warning", card
    assert "stopped working" in card.summary and KB.name_of(regimen) in card.summary, card.summary
    if open_:
        assert all(o.name in card.detail for o in open_), card.detail
        shown = [o for o in open_ if in_sentence(o.name) in card.summary]
        assert shown == open_ or f"only in {len(open_)} option" in card.summary, card.summary


# Situations whose options wait on tests: each cancer at stage 4 with nothing else known, and
# each with a regimen stopped working whose key drug makes it what it is (``KEY_DRUGS``: the
# card of irinotecan after FOLFIRI is a warning that it stopped, not a test's card)
TEST_SITUATIONS = [{"cancer": c, "stage": "4"} for c in sorted(
    {c for o in KB.data.options for c in o.cancers})] + [
    {"cancer": cancer, "stage": "4", "prior_treatments": [regimen], "progressed_on": [regimen]}
    for regimen, cancer in sorted({(r, c) for _, r, c in KEY_DRUGS})]  # fmt: skip


def _test_line(test: str) -> str:
    """A test as every card that asks for it names it: its name and the knowledge base's codes."""
    codes = getattr(KB.by_id[test], "loinc", [])
    return f"- Test: **{KB.name_of(test)}**" + (f" (LOINC {', '.join(codes)})" if codes else "")


@pytest.mark.parametrize("data", TEST_SITUATIONS, ids=lambda d: "-".join(
    [d["cancer"], *d.get("progressed_on", [])]))  # fmt: skip
def test_every_card_that_asks_for_a_test_names_it_with_its_codes(data: dict[str, Any]) -> None:
    """Every drug of the knowledge base drafted, in each cancer at stage 4 and after each
    regimen whose key drug stopped: the card of irinotecan after FOLFIRI, KRAS not on record,
    asked for the KRAS test (cetuximab with irinotecan: "To decide: ... KRAS ...") without the
    codes it is ordered by, which the card of cetuximab gave. Each card that lists an option
    waiting on a test names each such test with the codes the knowledge base has for it, and
    so does each not-on-record card of patient-view."""
    result = evaluate(parse_profile(data, KB), KB)
    situation = _situation(result)
    asked = 0
    for drug in KB.data.drugs:
        for card in cardlib.order_select(situation, [cardlib.Drafted(
                order="MedicationRequest/d", drug=drug.id)], KB):  # fmt: skip
            for option in result.options:
                if f"- **{option.name}**: needs information" not in card.detail:
                    continue
                for test in [t.id for m in option.missing for t in m.tests]:
                    asked += 1
                    assert _test_line(test) in card.detail.splitlines(), (drug.id, card.detail)
    (_, *facts) = cardlib.patient_view(situation, KB)
    for fact, card in zip(cardlib.chosen_facts(result), facts, strict=True):
        for test in fact.tests:
            assert _test_line(test.id) in card.detail.splitlines(), card.detail
    assert asked or not any(m.tests for o in result.options for m in o.missing), data


def test_the_card_of_irinotecan_after_folfiri_names_the_kras_tests_codes() -> None:
    """Irinotecan drafted after FOLFIRI stopped working, KRAS not on record: the card warns that
    it stopped and names cetuximab with irinotecan, which asks for KRAS; it had not named the
    KRAS test's LOINC codes, as the card of cetuximab does."""
    (card,) = order_cards({"cancer": "rectum", "stage": "4", "prior_treatments": ["FOLFIRI"],
                           "progressed_on": ["FOLFIRI"]}, "irinotecan")  # fmt: skip
    assert card.indicator == "warning", card.summary
    assert _test_line("kras-test") in card.detail.splitlines(), card.detail
    assert "LOINC 21702-6" in card.detail, card.detail


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "breast", "thyroid"]),
       st.sampled_from(["4", "4A", "4B"]),
       st.lists(st.sampled_from(["liver", "lung", "bone", "brain"]), max_size=2, unique=True),
       st.lists(st.sampled_from(["pain", "bleeding", "trouble swallowing", "bowel blockage"]),
                max_size=2, unique=True),
       st.booleans())  # fmt: skip
def test_the_options_cards_need_information_count_is_split_as_the_offered_one(
    cancer: str, stage: str, metastases: list[str], symptoms: list[str], wants: bool
) -> None:
    """Whatever the situation: "27 need information" for a stomach cancer at stage 4 had counted
    21 kinds of care (surgery for a blockage, a nerve block, a feeding tube) with the 6
    treatments of the cancer, where the offered count beside it said how many treat the cancer.
    The card's need-information count is the page's (``Result.counts``), with how many of them
    treat the cancer (``Rules.standard``) as the offered count says it, in the summary, and both
    numbers in the detail adding up to it."""
    data = {"cancer": cancer, "stage": stage, "metastases": metastases, "symptoms": symptoms,
            "wants_cancer_treatment": wants}  # fmt: skip
    if (result := _answered(data)) is None:
        return  # a stage this cancer does not have
    situation = _situation(result)
    (card, *_) = cardlib.patient_view(situation, KB)
    asking = [o for o in result.options if o.status.value == "needs_information"]
    treating = sum(o.standard for o in asking)  # (as the answer counts them: none to one who
    # wants no cancer treatment, what of it is asked about being for a symptom of theirs)
    assert len(card.summary) < 140 and not card.summary.endswith("…"), card.summary
    found = re.search(r", (\d+) need information(?: \((\d+|no) cancer treatments?\))?[,]?",
                      card.summary)  # fmt: skip
    assert found, card.summary
    assert int(found[1]) == result.counts.needs_information == len(asking)
    if not asking:
        assert found[2] is None, card.summary
        return
    assert found[2] is not None, card.summary  # "27 need information" had said no more
    assert (0 if found[2] == "no" else int(found[2])) == treating, card.summary
    said = re.search(r"\*\*Need information\*\*: (\d+) options \((\d+|no) cancer treatments?"
                     r"(?:(?: and|:) (\d+) (?:trials? or care|care options?|clinical trials?))?\)",
                     card.detail)  # fmt: skip
    assert said, card.detail
    assert int(said[1]) == len(asking)
    assert (0 if said[2] == "no" else int(said[2])) == treating
    assert int(said[3] or 0) == len(asking) - treating, card.detail


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix", "breast"]),
       st.lists(st.sampled_from(REGIMENS + sorted(d.id for d in KB.data.drugs)), min_size=1,
                max_size=3, unique=True),
       st.data())  # fmt: skip
def test_a_drafted_drug_that_stopped_working_is_always_a_warning(
    cancer: str, stopped: list[str], data_: st.DataObject
) -> None:
    """Whatever stopped working: a drafted drug (or mix) that stopped itself, named or as what
    makes a regimen that stopped what it is (``profile.stopped_of``), gets a warning whenever
    an option gives it here (one who wants no cancer treatment aside), and when an option the
    person may have gives it again, the warning says it stopped working."""
    # what stopped, a drug of it, or any drug or mix
    near = sorted({*stopped, *(d for s in stopped for d in KB.drugs_of(s))})
    drafted = data_.draw(st.one_of(st.sampled_from(near), st.sampled_from(
        sorted(d.id for d in KB.data.drugs) + REGIMENS)))  # fmt: skip
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "prior_treatments": stopped,
                            "progressed_on": stopped}  # fmt: skip
    result = evaluate(parse_profile(data, KB), KB)
    facts = facts_of(result.profile, KB)
    itself = [d for d, _ in stopped_of(KB, facts.row, drafted) if d == drafted]
    using = {o.id for o in KB.options_using(drafted)}
    if not itself or not any(o.id in using for o in result.options):
        return
    open_, cards = open_options_and_cards(result, drafted)
    assert [c.indicator for c in cards] == ["warning"], (stopped, drafted, cards)
    if open_:
        assert "stopped working" in cards[0].summary, cards[0].summary


def test_a_drug_no_option_gives_after_both_regimens_stopped_is_a_warning(client: Client) -> None:
    """After FOLFIRI and FOLFOX both stopped working, no option gives fluorouracil: the one of
    5-FU or capecitabine with radiation is offered with capecitabine only, and says so."""
    resources = [*RECTAL_STAGE_4, *records.folfiri_stopped(), *records.folfox_stopped()]
    call = hook_call("order-select", records.prefetch(resources), drafts=[FLUOROURACIL])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Fluorouracil: not suitable here, "), card["summary"]
    # (it asks what else was had: a record's treatments had are not the whole history)
    assert ("- **Chemoradiation before surgery**: needs information. Not with fluorouracil here: "
            "it gives fluorouracil, part of FOLFIRI, which has already stopped working for you. "
            "To decide: ") in card["detail"]  # fmt: skip


def test_a_drug_an_offered_option_gives_is_never_not_suitable_here(client: Client) -> None:
    """Over records of drugs stopped and not tolerated, and every cancer drug of the rectal
    options drafted at once: a drug that an offered option gives (not only as a choice the
    record removes) never gets "not suitable here"; one that no option offered or asking gives
    gets a warning. The cards say what the engine says."""
    drafts = {"fluorouracil": FLUOROURACIL, "irinotecan": IRINOTECAN, "oxaliplatin": OXALIPLATIN,
              "cetuximab": CETUXIMAB,
              "capecitabine": records.draft_order("draft-capecitabine", "194000", "Capecitabine"),
              "leucovorin": records.draft_order("draft-leucovorin", "1803932", "Leucovorin"),
              "bevacizumab": records.draft_order("draft-bevacizumab", "253337", "Bevacizumab"),
              "panitumumab": records.draft_order("draft-panitumumab", "263034", "Panitumumab")}
    stopped = records.medication_request
    cases = {
        **records.SITUATIONS,
        "folfiri": [*RECTAL_STAGE_4, *records.folfiri_stopped()],
        "folfiri-and-folfox": [*RECTAL_STAGE_4, *records.folfiri_stopped(),
                               *records.folfox_stopped()],
        "irinotecan": [*RECTAL_STAGE_4, stopped("i", "51499", "Irinotecan", "stopped",
                                                "progressed")],
        "5-fu-not-tolerated": [*RECTAL_STAGE_4, stopped("f", "4492", "Fluorouracil", "stopped",
                                                        "not-tolerated")],
        "oxaliplatin-not-tolerated": [*RECTAL_STAGE_4, stopped("o", "32592", "Oxaliplatin",
                                                               "stopped", "not-tolerated")],
    }  # fmt: skip
    warned = 0
    for name, resources in cases.items():
        result = offered_result(resources)
        call = hook_call("order-select", records.prefetch(resources), drafts=list(drafts.values()))
        # (a card saying the same of several drugs names them together, linking to each)
        made = {link["url"].rsplit("/", 1)[1]: card
                for card in cards_of(post(client, ORDER_SELECT, call))
                for link in card["links"][1:]}  # fmt: skip
        for drug in drafts:
            using = {o.id for o in KB.options_using(drug)}
            gives = [o for o in result.options if o.id in using
                     and drug not in {r.given for r in o.choices_ruled_out}]  # fmt: skip
            summary = made[drug]["summary"] if drug in made else ""
            if any(o.status.value == "offered" for o in gives):
                assert "not suitable here" not in summary, (name, drug, summary)
            elif gives and all(o.status.value == "not_suitable" for o in gives):
                assert made[drug]["indicator"] == "warning", (name, drug, summary)
                warned += 1
    assert warned >= 5  # the property was put to the test


def test_a_drug_that_suits_gets_no_card(client: Client) -> None:
    assert order_select(client, "rectal-stage4-kras-mutated", IRINOTECAN) == []
    assert order_select(client, "rectal-stage4-kras-unknown", OXALIPLATIN) == []


def test_only_selected_orders_are_checked(client: Client) -> None:
    call = hook_call(
        "order-select",
        records.prefetch(records.SITUATIONS["rectal-stage4-kras-mutated"]),
        drafts=[CETUXIMAB, IRINOTECAN],
    )
    call["context"]["selections"] = ["MedicationRequest/draft-irinotecan"]
    assert cards_of(post(client, ORDER_SELECT, call)) == []


def test_an_order_of_no_cancer_drug_fetches_nothing(client: Client, ehr: FakeEhr) -> None:
    amlodipine = records.draft_order("draft-amlodipine", "197361", "amlodipine 5 MG Oral Tablet")
    call = hook_call("order-select", None, drafts=[amlodipine], fhir=True)
    assert cards_of(post(client, ORDER_SELECT, call)) == []
    assert not ehr.requests


# -- the specification's example requests, replayed -----------------------------------------------


def reference(name: str) -> dict[str, Any]:
    return dict(json.loads((REFERENCE / name).read_text(encoding="utf-8")))


def test_the_specifications_patient_view_request(client: Client, ehr: FakeEhr) -> None:
    """Its patient (1288992, a man born in 1925) has no cancer on record: no card, as the
    specification asks when there is nothing to say. Its prefetch key is another service's and
    is not read; the rest is fetched with its token."""
    call = reference("patient-view-request.json")
    # its fhirServer is http, which onconav refuses unless in the development setting (below)
    call["fhirServer"] = base = call["fhirServer"].replace("http://", "https://", 1)
    ehr.answer = lambda request: (
        httpx.Response(200, json=call["prefetch"]["patientToGreet"])
        if request.url.path.endswith("/Patient/1288992")
        else httpx.Response(200, json=records.searchset([]))
        if str(request.url).startswith(base)
        and request.headers["authorization"] == "Bearer some-opaque-fhir-access-token"
        else None
    )
    assert cards_of(post(client, PATIENT_VIEW, call)) == []
    assert len(ehr.requests) == len(TEMPLATES)


def test_an_http_fhir_server_is_refused_unless_in_the_development_setting(
    client: Client, ehr: FakeEhr
) -> None:
    """The specification's example names an http fhirServer with an access token: the token
    and the record would cross the network in the clear, so with authentication on it is a 422
    naming fhirServer and nothing is fetched; the development setting takes it."""
    call = reference("patient-view-request.json")
    assert call["fhirServer"].startswith("http://") and call["fhirAuthorization"]
    problem = problem_of(post(client, PATIENT_VIEW, call), 422)
    assert [e["field"] for e in problem["errors"]] == ["fhirServer"]
    assert "https" in problem["detail"] and "ONCONAV_CDS_INSECURE" in problem["detail"]
    assert not ehr.requests
    ehr.answer = lambda request: (
        httpx.Response(200, json=call["prefetch"]["patientToGreet"])
        if request.url.path.endswith("/Patient/1288992")
        else httpx.Response(200, json=records.searchset([]))
    )
    development = Client(make_app(ehr, auth=False, clients=()))
    assert cards_of(development.post(PATIENT_VIEW, json=call)) == []
    assert {r.url.scheme for r in ehr.requests} == {"http"}


def test_the_specifications_prefetch_example(client: Client, ehr: FakeEhr) -> None:
    """Its patient key is read; its other key (hemoglobin-a1c) is not one of ours; the keys it
    lacks are fetched, or 412 without a FHIR server."""
    example = reference("prefetch-data-example.json")["prefetch"]
    call = hook_call("patient-view", example, patient="1288992")
    problem = problem_of(post(client, PATIENT_VIEW, call), 412)
    assert "conditions" in problem["detail"]
    ehr.answer = lambda request: httpx.Response(200, json=records.searchset([]))
    call = hook_call("patient-view", example, patient="1288992", fhir=True)
    assert cards_of(post(client, PATIENT_VIEW, call)) == []
    assert not any(r.url.path.endswith("/Patient/1288992") for r in ehr.requests)


@pytest.mark.parametrize(
    "name", ["order-select-context-r4.json", "order-select-request-radiology.json"]
)
def test_the_specifications_order_select_requests(client: Client, name: str) -> None:
    """A diet, an antibiotic and a knee MRI: no cancer drug, so no card and nothing fetched."""
    call = reference(name)
    if "fhirServer" in call:  # an http one is refused unless in the development setting
        call["fhirServer"] = call["fhirServer"].replace("http://", "https://", 1)
    call.setdefault("hook", "order-select")
    call.setdefault("hookInstance", str(uuid.uuid4()))
    assert cards_of(post(client, ORDER_SELECT, call)) == []


def test_an_mcode_patient_with_another_cancer_gets_the_general_options(
    client: Client,
) -> None:
    """The mCODE example patient Jenny M (breast cancer), her bundle as the prefetch: the
    general advanced-cancer options, never an error."""
    bundle = json.loads((MCODE / "Bundle-mcode-patient-bundle-jenny-m.json").read_text("utf-8"))
    resources = [entry["resource"] for entry in bundle["entry"]]
    patient = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    mine = [r for r in resources if r["resourceType"] in records.TEMPLATE_TYPES.values()]
    call = hook_call("patient-view", records.prefetch(mine), patient=patient)
    options = cards_of(post(client, PATIENT_VIEW, call))[0]
    assert options["summary"].startswith("Breast cancer")
    assert "offered" in options["summary"]


# -- 412, and bad calls ---------------------------------------------------------------------------


def test_412_when_nothing_is_prefetched_and_there_is_no_fhir_server(client: Client) -> None:
    problem = problem_of(post(client, PATIENT_VIEW, hook_call("patient-view", None)), 412)
    assert "no fhirServer" in problem["detail"]
    # each key named with what it takes (the errors were [])
    assert [e["field"] for e in problem["errors"]] == [f"prefetch.{k}" for k in TEMPLATES]
    assert problem["errors"][0]["accepted"] == ["a Patient resource", "null",
                                                "a fhirServer to fetch it from"]


# The ways a prefetch key may be left unsatisfied, each as the value sent (None: left out)
def _unsatisfied(how: str, value: Any) -> Any:
    outcome = {"resourceType": "OperationOutcome",
               "issue": [{"severity": "error", "code": "too-costly",
                          "diagnostics": "Ana-17's search"}]}  # fmt: skip
    if how == "outcome":
        return outcome
    bundle = copy.deepcopy(value) if value is not None else records.searchset([])
    if how == "error":
        bundle["entry"].append({"resource": outcome, "search": {"mode": "outcome"}})
    elif how == "paged":
        bundle["link"] = [{"relation": "next", "url": f"{FHIR}/Condition?page=2"}]
    elif how == "short":
        bundle["total"] = len(bundle["entry"]) + 3
    return bundle


@given(st.fixed_dictionaries({key: st.sampled_from(
    ["given", "left out", "outcome"] + (["error", "paged", "short"] if "?" in template else []))
    for key, template in TEMPLATES.items()}))  # fmt: skip
@settings(max_examples=30, deadline=None)
def test_a_412_names_each_key_not_taken_with_why_and_what_it_takes(hows: dict[str, str]) -> None:
    """Whatever keys a prefetch leaves unsatisfied, with no fhirServer, the 412 names each in
    its errors with what it takes and why it was not taken: a key sent is never said to be
    lacking (a search that reported an error was "the prefetch lacks conditions"), and a 412
    had "errors": []."""
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    given = records.prefetch(resources)
    prefetch = {key: (given[key] if how == "given" else _unsatisfied(how, given[key]))
                for key, how in hows.items() if how != "left out"}  # fmt: skip
    response = post(Client(make_app(FakeEhr())), PATIENT_VIEW,
                    hook_call("patient-view", prefetch))  # fmt: skip
    unsatisfied = [key for key in TEMPLATES if hows[key] != "given"]  # in the templates' order
    if not unsatisfied:
        assert cards_of(response)
        return
    problem = problem_of(response, 412)
    errors = {e["field"]: e for e in problem["errors"]}
    assert list(errors) == [f"prefetch.{key}" for key in unsatisfied], problem
    lacking = problem["detail"].partition("the prefetch lacks ")[2].partition(";")[0]
    why = {"left out": "is not given", "outcome": "reports an error (issue too-costly)",
           "error": "reports an error (issue too-costly)", "paged": "is only a first page",
           "short": "holds fewer resources than its search found"}  # fmt: skip
    for key in unsatisfied:
        error = errors[f"prefetch.{key}"]
        assert error["accepted"][-1] == "a fhirServer to fetch it from", error
        assert error["accepted"][0] in ("a Patient resource",
                                        f"a searchset Bundle of {resource_type(TEMPLATES[key])}"
                                        " resources"), error  # fmt: skip
        assert error["message"].startswith(why[hows[key]]), error
        assert error["value"] is None
        # named as lacking only when left out
        assert (key in lacking.replace(",", " ").split()) == (hows[key] == "left out"), problem
    assert "Ana-17" not in json.dumps(problem)  # the server's words are not given back


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (lambda r: httpx.Response(401), "answered 401"),
        (lambda r: httpx.Response(503), "answered 503"),
        (lambda r: httpx.Response(200, text="<html>"), "not JSON"),
        (lambda r: httpx.Response(200, text='{"total": ' + "1" * 5000 + "}"), "not JSON"),  # a
        # number of more than 4,300 digits, which Python's reader refuses: it was a 500
        (
            lambda r: httpx.Response(200, json={"resourceType": "OperationOutcome"}),
            "OperationOutcome",
        ),
        (
            lambda r: (
                httpx.Response(200, json={"resourceType": "Observation"})
                if r.url.query  # the searches (the patient's read is checked below)
                else None
            ),
            "not a Bundle",
        ),
        (  # a read is answered by the resource it asks for, or it is refused
            lambda r: (
                httpx.Response(200, json={"resourceType": "Observation", "id": records.PATIENT})
                if "Patient" in r.url.path
                else None
            ),
            "answered a read with another resource than the one asked for",
        ),
        (
            lambda r: (
                httpx.Response(200, json={"resourceType": "Patient", "id": "someone-else"})
                if "Patient" in r.url.path
                else None
            ),
            "other than the one in context",
        ),
        (  # a search's resource about another patient: named by its entry (the key alone)
            lambda r: (
                httpx.Response(200, json=records.searchset([{
                    **records.rectal_cancer(), "subject": {"reference": "Patient/someone-else"}}]))
                if r.url.path.endswith("/Condition")
                else None
            ),
            "conditions.entry[0].resource: the FHIR server's answer holds a Condition about "
            "another patient",
        ),
        (  # the parser keeps the last of a key given twice and drops the other
            lambda r: httpx.Response(
                200, text='{"resourceType": "Bundle", "type": "searchset", "type": "batch"}'
            ),
            "gives type twice",
        ),
        (  # half of a UTF-16 pair alone (the escape "\\ud800") in an id and its fullUrl: no
            # answer could hold it (it was a 500)
            lambda r: (
                httpx.Response(200, content=json.dumps(records.searchset([{
                    **records.rectal_cancer(), "id": "rectum-\ud800"}])).encode())
                if r.url.path.endswith("/Condition")
                else None
            ),
            "conditions.entry[0].fullUrl: the FHIR server's answer holds half of a UTF-16 "
            "pair alone",
        ),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused")), "could not be reached"),
        (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow")), "did not answer within"),
        (
            lambda r: (
                httpx.Response(
                    200,
                    json={
                        **records.searchset([]),
                        "link": [
                            {
                                "relation": "next",
                                "url": "https://elsewhere.example.net/r4/Condition?page=2",
                            }
                        ],
                    },
                )
                if r.url.query  # the searches
                else None
            ),
            "not on the FHIR server",
        ),
        (  # a search answered with another type of resource: read, it would stand for the
            # record's Conditions (none)
            lambda r: (
                httpx.Response(200, json=records.searchset([records.patient()]))
                if r.url.path.endswith("/Condition")
                else None
            ),
            "answered a search of Condition resources with a resource of type Patient",
        ),
        (  # a next page whose host urljoin cannot read: it was a 500
            lambda r: (
                httpx.Response(
                    200,
                    json={
                        **records.searchset([]),
                        "link": [{"relation": "next",
                                  "url": "https://[fhir.example.org/r4/Condition?page=2"}],
                    },
                )
                if r.url.path.endswith("/Condition")
                else None
            ),
            "not a URL that can be fetched",
        ),
        (  # a next page on the server that no request can go to: it was a 500
            lambda r: (
                httpx.Response(
                    200,
                    json={
                        **records.searchset([]),
                        "link": [{"relation": "next", "url": f"{FHIR}/Condition?page=\u0000"}],
                    },
                )
                if r.url.query  # the searches
                else None
            ),
            "not a URL that can be fetched",
        ),
    ],
)
def test_412_when_the_fhir_server_fails(
    client: Client, ehr: FakeEhr, answer: Any, words: str
) -> None:
    ehr.answer = answer
    problem = problem_of(
        post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)), 412
    )
    assert words in problem["detail"]
    assert FHIR_TOKEN not in problem["detail"] and records.PATIENT not in problem["detail"]
    # the server named with what is accepted (the errors were [])
    (error,) = problem["errors"]
    assert error["field"] == "fhirServer" and error["accepted"], error
    assert words in error["message"] and FHIR_TOKEN not in json.dumps(error)


def test_412_when_a_search_never_ends(ehr: FakeEhr) -> None:
    ehr.records[records.PATIENT] = records.SITUATIONS["rectal-stage4-kras-mutated"] + (
        records.padding(120)  # 12 other conditions: more than 5 pages of 2
    )
    ehr.max_page_size = 2
    small = Client(make_app(ehr, max_pages=5), base_url=BASE)
    problem = problem_of(post(small, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)), 412)
    assert "more than 5 pages" in problem["detail"]


def test_412_when_the_fhir_server_is_too_slow_overall(ehr: FakeEhr) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.3)
        return httpx.Response(200, json=records.searchset([]))

    transport = httpx.MockTransport(slow)
    cds = CdsSettings(clients=(CLIENT,), transport=transport, public_url=BASE, fetch_deadline=0.1)
    slow_client = Client(create_app(KB, Settings(cds_hooks=cds)), base_url=BASE)
    problem = problem_of(
        post(slow_client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)), 412
    )
    assert "within 0.1 s" in problem["detail"]


def bad_calls() -> list[tuple[str, Callable[[dict[str, Any]], Any], str]]:
    def drop(*path: str) -> Callable[[dict[str, Any]], Any]:
        def change(call: dict[str, Any]) -> Any:
            target = call
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
            return call

        return change

    def put(value: Any, *path: str) -> Callable[[dict[str, Any]], Any]:
        def change(call: dict[str, Any]) -> Any:
            target = call
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            return call

        return change

    another = copy.deepcopy(records.SITUATIONS["stomach-stage4-her2-unknown"])
    another[1]["subject"] = {"reference": "Patient/somebody-else"}
    return [
        ("no hook", drop("hook"), "hook"),
        ("hookInstance not a UUID", put("call-1", "hookInstance"), "hookInstance"),
        ("another hook", put("order-sign", "hook"), "hook"),
        ("no patientId", drop("context", "patientId"), "context.patientId"),
        ("context not an object", put("patient", "context"), "context"),
        (
            "fhirAuthorization alone",
            put(
                {
                    "access_token": "x",
                    "token_type": "Bearer",
                    "expires_in": 1,
                    "scope": "s",
                    "subject": "s",
                },
                "fhirAuthorization",
            ),
            "fhirAuthorization",
        ),
        ("fhirServer not a URL", put("fhir.example.org", "fhirServer"), "fhirServer"),
        # a URL urlsplit reads and no request can go to: the fetch failed with a 500
        ("fhirServer not fetchable", put("https://\u0000x/r4", "fhirServer"), "fhirServer"),
        # the access token and the record would go in the clear (CDS Hooks 2.0: "MUST be https
        # when production data is exchanged"); http only with the development setting
        ("fhirServer over http", put("http://fhir.example.org/r4", "fhirServer"), "fhirServer"),
        # the query swallowed each request's path (GET /r4?tenant=a/Condition?patient=...), and
        # the fragment was dropped (every request went to GET /r4)
        ("fhirServer with a query", put(FHIR + "?tenant=a", "fhirServer"), "fhirServer"),
        ("fhirServer with a fragment", put(FHIR + "#x", "fhirServer"), "fhirServer"),
        ("fhirServer with an empty query", put(FHIR + "/?", "fhirServer"), "fhirServer"),
        (
            "token type",
            put(
                {
                    "access_token": "x",
                    "token_type": "MAC",
                    "expires_in": 1,
                    "scope": "s",
                    "subject": "s",
                },
                "fhirAuthorization",
            ),
            "fhirAuthorization.token_type",
        ),
        (
            "a prefetch value not a resource",
            put("yes", "prefetch", "conditions"),
            "prefetch.conditions",
        ),
        (
            "a prefetched resource about another patient",  # named by its entry (it was the
            put(records.searchset(another[1:2]), "prefetch", "conditions"),  # key alone)
            "prefetch.conditions.entry[0].resource",
        ),
        (  # a Bundle inside a searchset: the mapping opens it, so it is checked too (it was
            # read, and the two patients gave a "no cancer on record" card)
            "a resource about another patient in a Bundle inside the prefetch",
            put(
                records.searchset([{**records.searchset(another[1:2]), "id": "inner"}]),
                "prefetch",
                "conditions",
            ),
            "prefetch.conditions.entry[0].resource.entry[0].resource",
        ),
        (
            "a Bundle entry that is not an object",
            put({"resourceType": "Bundle", "entry": ["hello"]}, "prefetch", "observations"),
            "prefetch.observations.entry[0]",
        ),
        (
            "a prefetched Patient who is someone else",
            put({"resourceType": "Patient", "id": "somebody-else"}, "prefetch", "patient"),
            "prefetch.patient",
        ),
        (
            "a Bundle whose entry is not a list",
            put({"resourceType": "Bundle", "entry": {}}, "prefetch", "observations"),
            "prefetch.observations",
        ),
        (
            "a Bundle entry that is not a resource",
            put({"resourceType": "Bundle", "entry": [{"resource": 3}]}, "prefetch", "observations"),
            "prefetch.observations.entry[0].resource",
        ),
    ]


@pytest.mark.parametrize(
    ("key", "value", "field", "accepted"),
    [
        ("conditions", records.searchset([records.stage_4()]), "prefetch.conditions.entry[0]"
         ".resource", ["a searchset Bundle of Condition resources", "null"]),
        ("conditions", records.patient(), "prefetch.conditions",
         ["a searchset Bundle of Condition resources", "null"]),
        ("medicationRequests", records.searchset([records.patient()]),
         "prefetch.medicationRequests.entry[0].resource",
         ["a searchset Bundle of MedicationRequest resources", "null"]),
        ("patient", records.stage_4(), "prefetch.patient", ["a Patient resource", "null"]),
    ],
)  # fmt: skip
def test_a_prefetch_value_of_another_type_than_its_template_is_422(
    client: Client, key: str, value: Any, field: str, accepted: list[str]
) -> None:
    """The Condition search answered with Observations, or with a Patient, was taken as
    answered: the record read as holding no Condition, and the cards were silent ({"cards":
    []}). The specification: "It is the CDS Service's responsibility to check prefetched data
    against its template". A value of another type than its template finds is a 422 naming the
    key and what it takes."""
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    for hook, url, drafts in [("patient-view", PATIENT_VIEW, None),
                              ("order-select", ORDER_SELECT, [OXALIPLATIN])]:  # fmt: skip
        call = hook_call(hook, {**records.prefetch(resources), key: value}, drafts=drafts)
        problem = problem_of(post(client, url, call), 422)
        (error,) = problem["errors"]
        assert (error["field"], error["accepted"]) == (field, accepted), problem
        assert f"prefetch.{key}" in problem["detail"] and accepted[0] in problem["detail"]
    # what _include brings, of another type, and the server's notes are taken
    outcome = {"resourceType": "OperationOutcome", "id": "o"}
    included = records.searchset([*(r for r in resources if r["resourceType"] == "Condition"),
                                  records.patient(), outcome])  # fmt: skip
    included["entry"][-2]["search"]["mode"] = "include"
    included["entry"][-1]["search"]["mode"] = "outcome"
    included["total"] -= 2  # the matches: neither what is included nor the outcome
    call = hook_call("patient-view", {**records.prefetch(resources), "conditions": included})
    assert summaries(post(client, PATIENT_VIEW, call)) == summaries(post(
        client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(resources))))  # fmt: skip


@pytest.mark.parametrize("server", [FHIR + "?tenant=a", FHIR + "#x", FHIR + "/?", FHIR + "/#",
                                    "http://127.0.0.1:8080/r4?tenant=a"])  # fmt: skip
def test_a_fhir_server_with_a_query_or_fragment_is_422(ehr: FakeEhr, server: str) -> None:
    """A fhirServer with a query or a fragment was taken, and the record's requests went to
    another URL than the server's: the query swallowed each path, the fragment was dropped
    (every request went to the base); the call was a 412 ("answered 404"), or the base's answer
    was read. It is a 422 naming fhirServer and what is accepted, and nothing is fetched, also
    in the development setting (which takes http on loopback)."""
    for client in (Client(make_app(ehr)), Client(make_app(ehr, auth=False, clients=()))):
        call = {**hook_call("patient-view", None, fhir=True), "fhirServer": server}
        problem = problem_of(post(client, PATIENT_VIEW, call), 422)
        # fhirAuthorization is named too: it comes with a fhirServer that can be used
        (error,) = [e for e in problem["errors"] if e["field"] == "fhirServer"]
        assert "no query" in error["message"] and "fragment" in error["message"], problem
        assert "tenant" not in json.dumps(problem)
        assert not ehr.requests


@pytest.mark.parametrize(("name", "change", "field"), bad_calls(), ids=[c[0] for c in bad_calls()])
def test_a_call_that_does_not_fit_the_specification_is_422(
    client: Client, name: str, change: Any, field: str
) -> None:
    call = hook_call(
        "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    )
    problem = problem_of(post(client, PATIENT_VIEW, change(call)), 422)
    assert field in [e["field"] for e in problem["errors"]], problem
    # each says what is accepted (a prefetch value not a resource, a Bundle entry not an
    # object, a Patient who is someone else had said none)
    assert all(e["accepted"] for e in problem["errors"]), problem
    # a value is given back only in a field that never holds the patient's data
    for error in problem["errors"]:
        assert error["value"] is None or ECHOED.fullmatch(error["field"]), error
    sent = {"another hook": "order-sign", "token type": "MAC"}
    if name in sent:  # a code sent: given back (it was null)
        (error,) = [e for e in problem["errors"] if e["field"] == field]
        assert error["value"] == sent[name], error


# a code, as a hook's name or a token's type is written; free text is not given back
CODES = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}\Z")


@given(st.one_of(CODES, st.text(max_size=80), st.integers(), st.booleans()))
@settings(max_examples=60, deadline=None)
@example("order-sign")
@example("Ana-17 " + "x" * 100)
@example("x" * 65)
def test_a_refused_hook_is_given_back_only_as_a_code(hook: Any) -> None:
    """Every refusal of the hook gives back the hook sent where it is a code ("order-sign" to
    the order-select service had been "value": null, where the API gives each value refused),
    and never text that is not a code (it may be anyone's words)."""
    client = Client(make_app(FakeEhr()))
    call = {**hook_call("order-select", None, drafts=[CETUXIMAB]), "hook": hook}
    response = post(client, ORDER_SELECT, call)
    if hook == "order-select":
        return
    (error,) = problem_of(response, 422)["errors"]
    assert error["field"] == "hook", error
    code = isinstance(hook, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}", hook)
    expected = hook if code or isinstance(hook, int) else None
    assert error["value"] == expected, (hook, error)


def test_the_fields_whose_values_are_given_back_hold_no_patient_data() -> None:
    """The rule of what is given back, field by field: a Bundle's type wherever the Bundle is,
    the hook, the token's type and a feedback's outcome; never an id, a server's address, the
    access token, a resource or a date."""
    for field in ("hook", "fhirAuthorization.token_type", "feedback[3].outcome",
                  "prefetch.conditions.type", "prefetch.conditions.entry[0].resource.type",
                  "context.draftOrders.type"):  # fmt: skip
        assert ECHOED.fullmatch(field), field
        assert echoed(field, "a-code") == "a-code" and echoed(field, "two words") is None
        assert echoed(field, {"a": 1}) is None and echoed(field, ["x"]) is None
    for field in ("hookInstance", "context.patientId", "context.userId", "fhirServer",
                  "fhirAuthorization.access_token", "fhirAuthorization.subject",
                  "prefetch.conditions", "prefetch.conditions.entry[0].resource",
                  "prefetch.patient.id", "context.draftOrders.entry[0].resource",
                  "feedback[0].outcomeTimestamp", "feedback[0].card", "body"):  # fmt: skip
        assert not ECHOED.fullmatch(field), field
        assert echoed(field, "a-code") is None


@pytest.mark.parametrize(("value", "accepted"), [
    ("", ["text of at least 1 character"]), (5, ["text"]),
])  # fmt: skip
def test_a_context_id_that_is_not_text_says_what_is_accepted(
    client: Client, value: Any, accepted: list[str]
) -> None:
    """An empty or numeric patientId is named with what is accepted (a review of the front
    ends found an empty one with nothing accepted, only pydantic's words)."""
    call = hook_call(
        "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    )
    call["context"]["patientId"] = value
    problem = problem_of(post(client, PATIENT_VIEW, call), 422)
    (error,) = [e for e in problem["errors"] if e["field"] == "context.patientId"]
    assert error["accepted"] == accepted, error


@pytest.mark.parametrize(("hook", "path", "accepted"), [
    ("patient-view", ("hook",), ["a hook's name: patient-view or order-select"]),
    ("patient-view", ("hookInstance",), ["a UUID"]),
    ("patient-view", ("context",), ["a JSON object"]),
    ("patient-view", ("context", "userId"), ["text of at least 1 character"]),
    ("patient-view", ("context", "patientId"), ["text of at least 1 character"]),
    ("order-select", ("context", "draftOrders"), ["a FHIR Bundle"]),
    ("order-select", ("context", "selections"), ["a list of at least 1 item"]),
    ("patient-view", ("fhirAuthorization", "token_type"), ["Bearer"]),
    ("patient-view", ("fhirAuthorization", "expires_in"), ["a whole number"]),
])  # fmt: skip
def test_a_field_missing_from_a_call_says_what_it_takes(
    client: Client, hook: str, path: tuple[str, ...], accepted: list[str]
) -> None:
    """A required field left out of a call is named with what it takes, as a field given wrong
    is: a front-end review found a missing userId or patientId with nothing accepted, only
    pydantic's "Field required"."""
    call = hook_call(hook, records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"]),
                     fhir=path[0] == "fhirAuthorization")  # fmt: skip
    holder = call
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]
    url = PATIENT_VIEW if hook == "patient-view" else ORDER_SELECT
    problem = problem_of(post(client, url, call), 422)
    (error,) = [e for e in problem["errors"] if e["field"] == ".".join(path)]
    assert error["accepted"] == accepted, error


@pytest.mark.parametrize(
    ("reference", "refused"),
    [
        ("Patient/1", False),
        ("https://x/fhir/Patient/1/_history/2", False),
        ("https://x/fhir/Patient/2/_history/1", True),
        ("Patient/2", True),
        # the fullUrl of the Patient in context (id 1): the mapping reads it as Patient/1
        ("https://x/fhir/Patient/p-old", False),
    ],
)  # fmt: skip
def test_a_prefetched_patient_reference_is_read_as_the_mapping_reads_it(
    reference: str, refused: bool
) -> None:
    """The check parsed Patient references itself ("Patient/" and what follows): a subject
    naming the patient in context by the fullUrl of its entry was refused as another patient,
    though the mapping reads it as the same one (``reading.reference_key``)."""
    patient = {"fullUrl": "https://x/fhir/Patient/p-old",
               "resource": {"resourceType": "Patient", "id": "1"}}  # fmt: skip
    condition = {"resourceType": "Condition", "id": "c", "subject": {"reference": reference}}
    record = {"resourceType": "Bundle", "type": "collection",
              "entry": [patient, {"resource": condition}]}  # fmt: skip
    if refused:
        with pytest.raises(PrefetchError, match="about another patient"):
            checked([("prefetch.conditions", record)], "1")
    else:
        assert checked([("prefetch.conditions", record)], "1") == [record]


@pytest.mark.parametrize(("kind", "said"), [("Observation", "holds an Observation about"),
                                             ("Condition", "holds a Condition about")])
def test_a_resource_about_another_patient_is_named_in_good_english(kind: str, said: str) -> None:
    """The refusal said "holds a Observation" (a review of the CDS Hooks service)."""
    other = {"resourceType": kind, "id": "x", "subject": {"reference": "Patient/someone-else"}}
    with pytest.raises(PrefetchError, match=said):
        checked([("prefetch.observations", other)], "1")


def test_a_prefetched_patient_without_an_id_is_the_patient_in_context(client: Client) -> None:
    """The specification's own prefetch example gives the Patient of ``Patient/{{context.
    patientId}}`` without its id. The mapping then counted two people (that Patient, and the one
    the Conditions name), and a record with a stomach cancer got "No cancer diagnosis onconav
    can read is on record". The Patient of the patient key is the one in context."""
    resources = records.SITUATIONS["stomach-stage4-her2-unknown"]
    prefetch = copy.deepcopy(records.prefetch(resources))
    whole = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch)))
    del prefetch["patient"]["id"]
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch)))
    assert made[0]["summary"].startswith("Stomach cancer")
    assert [c["summary"] for c in made] == [c["summary"] for c in whole]


def test_a_422_has_the_shape_of_every_422_of_onconav(client: Client) -> None:
    """The service's field errors held only the field and the message; every other 422 of
    onconav (the API's) holds the value given and what is accepted too. They have one shape now,
    with what is accepted where it is known; the value is null where it may be the patient's
    (given back only in the fields of ``ECHOED``: here the hook)."""
    api = problem_of(client.post(f"{BASE}/api/v1/options",
                                 json={"cancer": "rectum", "stage": "purple"}), 422)  # fmt: skip
    shape = list(api["errors"][0])
    assert shape == ["field", "value", "accepted", "message"]
    prefetch = records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    wrong_hook = hook_call("order-select", prefetch, drafts=[CETUXIMAB])
    over_http = {**hook_call("patient-view", prefetch, fhir=True),
                 "fhirServer": "http://fhir.example.org/r4"}  # fmt: skip
    not_a_resource = hook_call("patient-view", {**prefetch, "conditions": "yes"})
    not_a_uuid = {**hook_call("patient-view", prefetch), "hookInstance": "x"}
    over_ftp = {**hook_call("patient-view", prefetch, fhir=True),
                "fhirServer": "ftp://fhir.example.org/r4"}  # fmt: skip
    accepted = {}
    for url, call in [(PATIENT_VIEW, wrong_hook), (PATIENT_VIEW, over_http),
                      (PATIENT_VIEW, not_a_resource), (PATIENT_VIEW, not_a_uuid),
                      (PATIENT_VIEW, over_ftp),
                      (FEEDBACK, {"feedback": []}), (FEEDBACK, {"feedback": [{}] * 1001})]:
        problem = problem_of(post(client, url, call), 422)
        assert problem["type"] == "about:blank" and problem["title"], problem
        for error in problem["errors"]:
            assert list(error) == shape, error
            assert isinstance(error["accepted"], list), error
            # the value given back only where it is never the patient's: the hook sent
            assert error["value"] is None or error["field"] == "hook", error
            accepted[error["field"]] = error["accepted"]
    assert accepted["hook"] == ["patient-view"]
    assert accepted["hookInstance"] == ["a UUID"]  # a validator's "must be a UUID" (was [])
    assert accepted["fhirServer"] in (["an https URL"], ["an absolute http or https URL"])
    assert accepted["feedback"] == ["at most 1000 items"]


@pytest.mark.parametrize("access_token", ["tökén", "tok en", "tok\nen", "tok=en", "=tok", ""])
def test_an_access_token_that_is_not_a_bearer_token_is_422(
    client: Client, ehr: FakeEhr, access_token: str
) -> None:
    """A token that is not RFC 6750's b64token: one not ASCII ("tökén") could not be put in the
    request's header and was a 500 with a traceback; one with a space or a line break went out as
    a broken header, and the FHIR server's answer was a 412 ("answered 401"). It is a 422 naming
    the field and what is accepted, never the token, and nothing is fetched."""
    call = hook_call("patient-view", None, fhir=True)
    call["fhirAuthorization"]["access_token"] = access_token
    problem = problem_of(post(client, PATIENT_VIEW, call), 422)
    assert [e["field"] for e in problem["errors"]] == ["fhirAuthorization.access_token"]
    text = json.dumps(problem, ensure_ascii=False)
    if access_token:
        assert access_token not in text and json.dumps(access_token)[1:-1] not in text
    assert not ehr.requests
    if access_token:  # what is accepted, in words
        assert "RFC 6750" in problem["errors"][0]["message"], problem
    for good in ("a", "abc-._~+/XYZ09", "YWJj==", "eyJh.eyJz.c2ln"):
        FhirAuthorization(access_token=good, token_type="Bearer", expires_in=1, scope="s",
                          subject="s")  # fmt: skip


def test_the_hook_sent_is_not_given_back(client: Client) -> None:
    """A call for another hook was refused with the hook it gave quoted whole (5,000 characters
    of it): what a call sends may be the patient's, and no value of it is sent back."""
    call = hook_call("patient-view", None)
    problem = problem_of(post(client, PATIENT_VIEW, {**call, "hook": "Ana-17 " + "x" * 5000}), 422)
    assert problem["detail"] == ("This service answers the patient-view hook, not the one the "
                                 "call gives.")  # fmt: skip
    assert "Ana-17" not in json.dumps(problem) and "xxx" not in json.dumps(problem)


def test_a_drafted_order_about_another_patient_is_refused(client: Client) -> None:
    """A drafted order whose subject is another patient than the one in context is a 422
    naming the drafted order (context.draftOrders.entry[0].resource), as a prefetch resource
    about another patient is (it had been checked against this patient's record and given a
    card)."""
    other = {**copy.deepcopy(CETUXIMAB), "subject": {"reference": "Patient/somebody-else"}}
    call = hook_call("order-select", records.prefetch(records.SITUATIONS[
        "rectal-stage4-kras-mutated"]), drafts=[other])  # fmt: skip
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert [e["field"] for e in problem["errors"]] == ["context.draftOrders.entry[0].resource"]
    assert order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)  # this patient's: cards


def test_order_select_needs_its_context(client: Client) -> None:
    call = hook_call("order-select", None, drafts=[CETUXIMAB])
    del call["context"]["draftOrders"]
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert "context.draftOrders" in [e["field"] for e in problem["errors"]]
    call = hook_call("order-select", None, drafts=[CETUXIMAB])
    call["context"]["draftOrders"] = {"resourceType": "MedicationRequest"}
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert "context.draftOrders" in [e["field"] for e in problem["errors"]]
    # these two were answered with no card, as if nothing had been ordered
    call = hook_call("order-select", None, drafts=[CETUXIMAB])
    call["context"]["draftOrders"]["entry"] = {"resource": CETUXIMAB}
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert "context.draftOrders" in [e["field"] for e in problem["errors"]]
    # a selection that names no drafted order: named by its place, never quoted (it was quoted
    # in the detail and in each error's message, up to 1,000 of them)
    call = hook_call("order-select", None, drafts=[CETUXIMAB])
    call["context"]["selections"] = ["MedicationRequest/Ada Testperson 1961-04-02",
                                     "MedicationRequest/draft-cetuximab",
                                     *(f"MedicationRequest/not-drafted-{i}" for i in range(30))]
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    fields = [e["field"] for e in problem["errors"]]
    assert fields[:3] == ["context.selections[0]", "context.selections[2]",
                          "context.selections[3]"], fields  # fmt: skip
    assert len(problem["errors"]) == 21  # 20, and one that counts the rest
    assert "Testperson" not in json.dumps(problem) and "not-drafted" not in json.dumps(problem)
    assert "draftOrders" in problem["errors"][0]["message"]
    assert problem["errors"][0]["accepted"]


def test_bodies_that_cannot_be_read(client: Client) -> None:
    auth = {"authorization": f"Bearer {token(PATIENT_VIEW)}"}
    sent = client.post(
        PATIENT_VIEW, content=b"{not json", headers={**auth, "content-type": "application/json"}
    )
    assert problem_of(sent, 400)["detail"] == ("The body is not valid JSON: Expecting property "
                                               "name enclosed in double quotes (line 1, column "
                                               "2).")  # fmt: skip
    sent = client.post(PATIENT_VIEW, content=b'{"hook": ' + b"1" * 5000 + b"}",
                       headers={"authorization": f"Bearer {token(PATIENT_VIEW)}",
                                "content-type": "application/json"})  # fmt: skip
    assert problem_of(sent, 400)["detail"] == (  # a number Python's reader refuses: was a 500
        "The body holds a value that cannot be read (Exceeds the limit (4300 digits) for "
        "integer string conversion).")
    deep = b'{"hook": ' * 20_000 + b"1" + b"}" * 20_000  # JSON, too deep for the reader
    sent = client.post(PATIENT_VIEW, content=deep,
                       headers={"authorization": f"Bearer {token(PATIENT_VIEW)}",
                                "content-type": "application/json"})  # fmt: skip
    assert "nested too deeply" in problem_of(sent, 400)["detail"]
    sent = client.post(PATIENT_VIEW, content=b'{"hook": NaN}',  # Python's reader took it
                       headers={"authorization": f"Bearer {token(PATIENT_VIEW)}",
                                "content-type": "application/json"})  # fmt: skip
    assert "NaN is no JSON value" in problem_of(sent, 400)["detail"]
    sent = client.post(
        PATIENT_VIEW,
        content=b"[1]",
        headers={
            "authorization": f"Bearer {token(PATIENT_VIEW)}",
            "content-type": "application/json",
        },
    )
    problem_of(sent, 400)
    utf16 = json.dumps(hook_call("patient-view", None)).encode("utf-16")  # was read, unlike the API
    sent = client.post(
        PATIENT_VIEW,
        content=utf16,
        headers={
            "authorization": f"Bearer {token(PATIENT_VIEW)}",
            "content-type": "application/json",
        },
    )
    assert "not UTF-8" in problem_of(sent, 400)["detail"]
    sent = client.post(
        PATIENT_VIEW,
        content=b"\xff\xfe",
        headers={
            "authorization": f"Bearer {token(PATIENT_VIEW)}",
            "content-type": "application/json",
        },
    )
    problem_of(sent, 400)
    sent = client.post(
        PATIENT_VIEW,
        content=b"{}",
        headers={"authorization": f"Bearer {token(PATIENT_VIEW)}", "content-type": "text/plain"},
    )
    problem_of(sent, 415)
    sent = client.post(
        PATIENT_VIEW,
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={
            "authorization": f"Bearer {token(PATIENT_VIEW)}",
            "content-type": "application/json",
        },
    )
    problem_of(sent, 400)


def test_a_key_given_twice_in_the_call_is_422_naming_it(client: Client) -> None:
    """A KRAS result written twice in one Observation (wild-type, then a mutation): the parser
    would keep the last and drop the first without a word."""
    situation = copy.deepcopy(records.SITUATIONS["rectal-stage4-kras-mutated"])
    call = hook_call("patient-view", records.prefetch(situation))
    entries = call["prefetch"]["observations"]["entry"]
    at = next(i for i, e in enumerate(entries) if "valueCodeableConcept" in e["resource"]
              and e["resource"]["code"]["coding"][0]["code"] == "69548-6")  # fmt: skip
    entries[at]["resource"] = {"TWICE": {"text": "wild-type"}, **entries[at]["resource"]}
    text = json.dumps(call).replace('"TWICE"', '"valueCodeableConcept"')
    sent = client.post(PATIENT_VIEW, content=text.encode(), headers={
        "authorization": f"Bearer {token(PATIENT_VIEW)}", "content-type": "application/json"})
    problem = problem_of(sent, 422)
    where = f"prefetch.observations.entry[{at}].resource.valueCodeableConcept"
    assert [e["field"] for e in problem["errors"]] == [where]


@pytest.mark.parametrize("where", ["id", "code.coding[0].display"])
def test_a_lone_surrogate_in_the_call_is_422_naming_it(client: Client, where: str) -> None:
    """Half of a UTF-16 pair alone (the escape "\\ud800", no character) as an allergy's id: the
    call was a 500 ("The server failed"), no answer could hold it; as its display, the allergy
    to oxaliplatin was dropped as not valid and FOLFOX offered. It is a 422 naming where."""
    situation = copy.deepcopy(records.SITUATIONS["rectal-stage4-oxaliplatin-allergy"])
    call = hook_call("patient-view", records.prefetch(situation))
    (entry,) = call["prefetch"]["allergies"]["entry"]
    if where == "id":
        entry["resource"]["id"] = "oxaliplatin-\ud800"
    else:
        entry["resource"]["code"]["coding"][0]["display"] = "Oxali\udfffplatin"
    sent = client.post(PATIENT_VIEW, content=json.dumps(call).encode(), headers={
        "authorization": f"Bearer {token(PATIENT_VIEW)}", "content-type": "application/json"})
    problem = problem_of(sent, 422)
    assert [e["field"] for e in problem["errors"]] == [
        f"prefetch.allergies.entry[0].resource.{where}"]
    assert "half of a UTF-16 pair" in problem["detail"]


def test_reading_a_record_does_not_hold_up_other_calls(
    ehr: FakeEhr, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record of thousands of resources takes seconds to read; it was read in the event loop,
    and every other call (another patient's chart opening) waited. Here the reading waits until
    a discovery call has been answered: only possible if the reading is off the event loop."""
    import onconav.web.cds_hooks as service

    reading, answered = threading.Event(), threading.Event()
    read_resources = service.read_resources

    def slow(resources: Any, kb: Any) -> Any:
        reading.set()
        assert answered.wait(10), "discovery was answered while the record was read"
        return read_resources(resources, kb)

    monkeypatch.setattr(service, "read_resources", slow)
    app = make_app(ehr)
    situation = records.SITUATIONS["rectal-stage4-kras-mutated"]
    call = hook_call("patient-view", records.prefetch(situation))
    auth = {"authorization": f"Bearer {token(PATIENT_VIEW)}"}

    async def both() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            made = asyncio.create_task(http.post(PATIENT_VIEW, json=call, headers=auth))
            for _ in range(1000):
                if reading.is_set():
                    break
                await asyncio.sleep(0.01)
            found = await http.get("/cds-services",
                                   headers={"authorization": f"Bearer {token(DISCOVERY)}"})
            answered.set()
            return found, await made

    found, made = asyncio.run(both())
    assert found.status_code == 200 and made.status_code == 200, made.text
    assert cards_of(made)


@pytest.mark.parametrize(("content_type", "encoding", "said", "field", "value", "accepted"), [
    ("application/json; charset=iso-8859-1", None, "charset=iso-8859-1", "Content-Type",
     "iso-8859-1", ["charset=utf-8"]),
    ("application/json; charset=utf-16", None, "charset=utf-16", "Content-Type", "utf-16",
     ["charset=utf-8"]),
    ("application/json", "gzip", "Content-Encoding: gzip", "Content-Encoding", "gzip",
     ["identity"]),
    ("application/fhir+json", None, "Send the call as application/json.", "Content-Type",
     "application/fhir+json", ["application/json"]),
    ("text/plain", None, "Send the call as application/json.", "Content-Type", "text/plain",
     ["application/json"]),
    (None, None, "No Content-Type is sent.", "Content-Type", None, ["application/json"]),
])  # fmt: skip
def test_a_call_in_another_charset_coding_or_type_is_415_as_the_api_says(
    client: Client, content_type: str | None, encoding: str | None, said: str, field: str,
    value: str | None, accepted: list[str],
) -> None:
    """The service reads a call's body as the API reads a profile (``web.body.body_text``): a
    charset other than UTF-8, or a compressed body, was read as plain UTF-8 bytes ("not UTF-8
    text", 400, or a gzip body as broken JSON); any ``+json`` type was read as the call. Each
    refusal names the header at fault, the value sent and what is accepted (a type not read
    and a compressed call had "errors": [])."""
    whole = hook_call("patient-view",
                      records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"]))
    call = json.dumps(whole).encode()
    headers = {"authorization": f"Bearer {token(PATIENT_VIEW)}"}
    if content_type:
        headers["content-type"] = content_type
    if encoding:
        headers["content-encoding"] = encoding
        call = gzip.compress(call)
    refused = problem_of(client.post(PATIENT_VIEW, content=call, headers=headers), 415)
    assert said in refused["detail"]
    [error] = refused["errors"]
    assert (error["field"], error["value"], error["accepted"]) == (field, value, accepted)
    sent = client.post(PATIENT_VIEW, content=json.dumps(whole),
                       headers={"authorization": f"Bearer {token(PATIENT_VIEW)}",
                                "content-type": "application/json; charset=US-ASCII"})
    assert sent.status_code == 200, sent.text


def test_a_body_over_the_limit_is_413(ehr: FakeEhr) -> None:
    small = Client(make_app(ehr, max_body_bytes=1000), base_url=BASE)
    call = hook_call(
        "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    )
    [error] = problem_of(post(small, PATIENT_VIEW, call), 413)["errors"]
    # the length the call declares is the header at fault, named as the API names it
    assert error["field"] == "Content-Length" and error["value"] > 1000
    assert error["accepted"] == ["at most 1000 bytes"]


def test_an_unknown_service_is_404(client: Client) -> None:
    url = f"{BASE}/cds-services/no-such-service"
    problem = problem_of(post(client, url, hook_call("patient-view", None)), 404)
    assert "onconav-patient-view" in problem["detail"]
    problem_of(post(client, f"{url}/feedback", {"feedback": []}), 404)


def test_discovery_answers_head_as_get(client: Client) -> None:
    """HEAD of the discovery address was a 405; it is answered as GET is, with no body, and
    refused without a token as GET is."""

    def auth(authorized: bool) -> dict[str, str]:  # a token each: a token is good for one call
        return {"authorization": f"Bearer {token(DISCOVERY)}"} if authorized else {}

    for authorized in (True, False):
        got = client.get("/cds-services", headers=auth(authorized))
        head = client.request("HEAD", "/cds-services", headers=auth(authorized))
        assert head.status_code == got.status_code == (200 if authorized else 401)
        for name in ("content-type", "content-length", "www-authenticate"):
            assert head.headers.get(name) == got.headers.get(name), name
        assert head.content == b""


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
                                    "FOO"])  # fmt: skip
@pytest.mark.parametrize("feedback", [False, True], ids=["service", "feedback"])
def test_another_method_than_post_is_405_to_a_service_and_404_to_none(
    client: Client, method: str, feedback: bool
) -> None:
    """A service is called by POST. Another method was a bare 405 ("Method Not Allowed",
    "errors": []), and to a service that does not exist a 405 "Allow: POST" too, where a POST
    there is a 404 naming the services: the 405 says POST is taken, and no service is a 404
    whatever the method."""
    tail = "/feedback" if feedback else ""
    for url, status in ((PATIENT_VIEW + tail, 405), (f"{BASE}/cds-services/nope{tail}", 404)):
        response = client.request(method, url,
                                  headers={"authorization": f"Bearer {token(url)}"})  # fmt: skip
        assert response.status_code == status, (method, url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        if method == "HEAD":
            continue  # no body
        problem = problem_of(response, status)
        if status == 405:
            assert response.headers["allow"] == "POST"
            assert problem["detail"] == (f"{method} is not a method this address takes; it "
                                         "takes POST (Allow).")  # fmt: skip
            assert problem["errors"][0]["accepted"] == ["POST"], problem
        else:
            assert "onconav-patient-view" in problem["detail"] and "allow" not in (
                response.headers)  # fmt: skip
    # without the token: refused first, as a POST is
    assert client.get(f"{BASE}/cds-services/nope").status_code == 401


# -- feedback -----------------------------------------------------------------------------------

FEEDBACK = f"{PATIENT_VIEW}/feedback"
CARD = "4e0a3a1e-3283-4575-ab82-028d55fe2719"


@pytest.mark.parametrize(
    "item",
    [
        {
            "card": CARD,
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": "e56e1945"}],
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        },
        {"card": CARD, "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
        {
            "card": CARD,
            "outcome": "overridden",
            "outcomeTimestamp": "2020-12-11T00:00:00+01:00",
            "overrideReason": {
                "reason": {"code": "record-incomplete", "system": cardlib.OVERRIDE_SYSTEM},
                "userComment": "The KRAS result is in a scanned letter.",
            },
        },
        {
            "card": CARD,
            "outcome": "overridden",
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
            "overrideReason": {"userComment": "Discussed at the tumour board."},
        },
    ],
)
def test_feedback_from_the_specification_is_accepted(
    client: Client, item: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = post(client, FEEDBACK, {"feedback": [item]})
    assert response.status_code == 200, response.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "scanned letter" not in logged and "tumour board" not in logged and CARD not in logged


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (
            {"card": CARD, "outcome": "accepted", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
            "acceptedSuggestions",
        ),
        (
            {"card": CARD, "outcome": "ignored", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
            "outcome",
        ),
        (
            {"card": "card-1", "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
            "UUID",
        ),
        (
            {"card": CARD, "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00"},
            "accepted: a date-time with its time zone",  # it was pydantic's "timezone info"
        ),
        (
            {
                "card": CARD,
                "outcome": "overridden",
                "outcomeTimestamp": "2020-12-11T00:00:00Z",
                "overrideReason": {},
            },
            "reason or a userComment",
        ),
        ({"card": CARD, "outcome": "overridden"}, "outcomeTimestamp"),
        # read by pydantic as seconds since 1970: 2020 s, 0, and a number were taken
        *[({"card": CARD, "outcome": "overridden", "outcomeTimestamp": when},
           "feedback[0].outcomeTimestamp: must be a date-time with its time zone, such as "
           "2020-12-11T10:30:00Z") for when in ("2020", "0", 1700000000, "2020-12-11")],
    ],
)  # fmt: skip
def test_feedback_that_does_not_fit_is_422(
    client: Client, item: dict[str, Any], words: str
) -> None:
    problem = problem_of(post(client, FEEDBACK, {"feedback": [item]}), 422)
    assert words in problem["detail"], problem["detail"]
    # named as every error of onconav names a field (they were "feedback.0.card", "Value error,
    # must be a UUID")
    assert all(e["field"].startswith("feedback[0]") for e in problem["errors"]), problem
    assert not any("Value error" in e["message"] for e in problem["errors"]), problem


def test_a_list_of_millions_is_refused_at_once(client: Client) -> None:
    """Each item of a long list was validated and given its errors: 16 MiB of empty feedback
    items took the server to 18 GB. A list of more than 1,000 items is now refused as it is read,
    and an answer lists at most 20 errors and counts the rest."""
    problem = problem_of(post(client, FEEDBACK, {"feedback": [{}] * 5_000}), 422)
    assert problem["errors"] == [{"field": "feedback", "value": None,
                                  "accepted": ["at most 1000 items"],
                                  "message": "has 5000 items; at most 1000 are read"}]  # fmt: skip
    problem = problem_of(post(client, FEEDBACK, {"feedback": [{}] * 900}), 422)
    assert len(problem["errors"]) == 21  # 2,700 errors: 20 and a count
    assert problem["errors"][-1]["message"].startswith("and 2680 more problems (in feedback)")
    call = hook_call("order-select", None, drafts=[CETUXIMAB])
    call["context"]["selections"] = [1] * 5_000
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert [e["field"] for e in problem["errors"]] == ["context.selections"]


def test_empty_feedback_is_422(client: Client) -> None:
    problem_of(post(client, FEEDBACK, {"feedback": []}), 422)
    problem_of(post(client, FEEDBACK, {}), 422)


# -- authentication -------------------------------------------------------------------------------


def now() -> int:
    return int(time.time())


def forged(header: dict[str, Any]) -> str:
    """A token with any header, its signature made up."""
    claims = {"iss": ISS, "aud": DISCOVERY, "exp": now() + 300, "iat": now(), "jti": "forged"}
    parts = [json.dumps(part).encode() for part in (header, claims)]
    return ".".join(jwt.utils.base64url_encode(p).decode() for p in [*parts, b"signature"])


REFUSALS: list[tuple[str, Callable[[], str | None], str]] = [
    ("missing token", lambda: None, "No Authorization header"),
    ("not bearer", lambda: "Basic b25jb25hdjpzZWNyZXQ=", "not 'Bearer <JWT>'"),
    ("not a JWT", lambda: "Bearer not-a-jwt", "not a JWT"),
    (
        "bad signature",
        lambda: f"Bearer {token(DISCOVERY, sign_with='stranger')}",
        "signature does not match",
    ),
    (
        "alg none",
        lambda: (
            "Bearer "
            + jwt.encode(
                {"iss": ISS, "aud": DISCOVERY, "exp": now() + 300, "iat": now(), "jti": "x"},
                None,
                algorithm="none",
                headers={"kid": "ehr-es384"},
            )
        ),
        "alg 'none'",
    ),
    (
        "HS256",
        lambda: (
            "Bearer "
            + jwt.encode(
                {"iss": ISS, "aud": DISCOVERY, "exp": now() + 300, "iat": now(), "jti": "x"},
                "a-shared-secret-of-more-than-32-bytes!",
                algorithm="HS256",
                headers={"kid": "ehr-es384"},
            )
        ),
        "alg 'HS256'",
    ),
    (
        "HS384 named by a key's kid",
        lambda: (
            "Bearer "
            + jwt.encode(
                {"iss": ISS},
                "another-shared-secret-of-48-bytes-or-more-000000",
                algorithm="HS384",
                headers={"kid": "ehr-es384"},
            )
        ),
        "alg 'HS384'",
    ),
    (
        "an algorithm not accepted",
        lambda: "Bearer " + forged({"alg": "PS384", "kid": "ehr-rs384", "typ": "JWT"}),
        "alg 'PS384' is not accepted",
    ),
    (
        "alg none, forged",
        lambda: "Bearer " + forged({"alg": "none", "kid": "ehr-es384", "typ": "JWT"}),
        "alg 'none'",
    ),
    ("unknown kid", lambda: f"Bearer {token(DISCOVERY, 'stranger')}", "kid 'stranger'"),
    ("no kid", lambda: "Bearer " + forged({"alg": "ES384", "typ": "JWT"}), "no kid"),
    (
        "jku not allow-listed",
        lambda: "Bearer " + token(DISCOVERY, "ehr-es256", header={"jku": OTHER_JKU}),
        "not an allow-listed",
    ),
    (
        "a kid from the jku set without the jku",
        lambda: f"Bearer {token(DISCOVERY, 'ehr-es256')}",
        "kid 'ehr-es256' is not in the issuer's JWK set",
    ),
    ("wrong aud", lambda: f"Bearer {token(PATIENT_VIEW)}", "is not the URL called"),
    (
        "aud of another host",
        lambda: f"Bearer {token('https://evil.example.net/cds-services')}",
        "is not the URL called",
    ),
    (
        "expired beyond the leeway",
        lambda: "Bearer " + token(DISCOVERY, claims={"exp": now() - 61, "iat": now() - 400}),
        "expired",
    ),
    (  # a token good for years was taken, its jti kept in memory as long
        "exp beyond five minutes and the leeway",
        # 30 s past the limit: at 1 s past, a loaded machine's slower check took it (a flake)
        lambda: "Bearer " + token(DISCOVERY, claims={"exp": now() + 300 + 60 + 30}),
        "is more than 300 s from now",
    ),
    (
        "iat in the future",
        lambda: f"Bearer {token(DISCOVERY, claims={'iat': now() + 120})}",
        "in the future",
    ),
    (
        "not valid yet",
        lambda: f"Bearer {token(DISCOVERY, claims={'nbf': now() + 120})}",
        "not valid before",
    ),
    (
        "missing claims",
        lambda: f"Bearer {token(DISCOVERY, drop=('jti', 'exp'))}",
        "lacks the claim(s) exp, jti",
    ),
    ("no iss", lambda: f"Bearer {token(DISCOVERY, drop=('iss',))}", "no iss"),
    (
        "an issuer not trusted",
        lambda: "Bearer " + token(DISCOVERY, claims={"iss": "https://other-ehr.example.net"}),
        "not a record system",
    ),
    (
        "exp not a number",
        lambda: f"Bearer {token(DISCOVERY, claims={'exp': 'tomorrow'})}",
        "exp is not a number",
    ),
    (  # json reads NaN and Infinity; NaN passed every comparison and never expired
        "exp NaN",
        lambda: f"Bearer {token(DISCOVERY, claims={'exp': float('nan')})}",
        "exp is nan, not a finite number",
    ),
    (
        "exp infinite",
        lambda: f"Bearer {token(DISCOVERY, claims={'exp': float('inf')})}",
        "exp is inf, not a finite number",
    ),
    (
        "nbf NaN",
        lambda: f"Bearer {token(DISCOVERY, claims={'nbf': float('nan')})}",
        "nbf is nan, not a finite number",
    ),
    (  # a whole number no float holds: every sum with it failed, a 500
        "exp too large",
        lambda: f"Bearer {token(DISCOVERY, claims={'exp': 10**400})}",
        "exp is out of range for a time",
    ),
    (
        "iat too small",
        lambda: f"Bearer {token(DISCOVERY, claims={'iat': -(10**400)})}",
        "iat is out of range for a time",
    ),
    (
        "nbf too large",
        lambda: f"Bearer {token(DISCOVERY, claims={'nbf': 10**400})}",
        "nbf is out of range for a time",
    ),
    (
        "jti a number",
        lambda: f"Bearer {token(DISCOVERY, claims={'jti': 5})}",
        "JWT ID must be a string",
    ),
    (
        "sub a number",
        lambda: f"Bearer {token(DISCOVERY, claims={'sub': 5})}",
        "Subject must be a string",
    ),
    (
        "wrong typ",
        lambda: f"Bearer {token(DISCOVERY, header={'typ': 'at+jwt'})}",
        "typ is 'at+jwt'",
    ),
    (
        "typ a number",
        lambda: f"Bearer {token(DISCOVERY, header={'typ': 5})}",
        "The token's typ is 5; it must be 'JWT'.",
    ),
    (  # it said "The token's typ is None"
        "no typ",
        lambda: f"Bearer {token(DISCOVERY, header={'typ': None})}",
        "The token's header has no typ: it must be 'JWT'.",
    ),
    (  # these two said "The bearer token is not a JWT"
        "kid a number",
        lambda: "Bearer " + forged({"alg": "ES384", "typ": "JWT", "kid": 5}),
        "The token's header is refused: Key ID header parameter must be a string.",
    ),
    (
        "crit not known",
        lambda: "Bearer " + forged({"alg": "ES384", "typ": "JWT", "kid": "ehr-es384",
                                    "crit": ["exp-x"], "exp-x": 1}),
        "The token's header is refused: Unsupported critical extension: exp-x.",
    ),
]


@pytest.mark.parametrize(("name", "authorization", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_is_401_with_its_reason(
    client: Client, name: str, authorization: Callable[[], str | None], words: str
) -> None:
    given = authorization()
    headers = {"authorization": given} if given is not None else {}
    response = client.get("/cds-services", headers=headers)
    problem = problem_of(response, 401)
    assert words in problem["detail"], problem["detail"]
    # RFC 6750 3.1: an error code only when a bearer token was sent (it said invalid_token for
    # a call with no Authorization header)
    sent = given is not None and given.startswith("Bearer ")
    code = ', error="invalid_token"' if sent else ""
    assert response.headers["www-authenticate"] == f'Bearer realm="onconav-cds-hooks"{code}'


def test_every_route_needs_the_token(client: Client) -> None:
    call = hook_call(
        "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    )
    problem_of(client.post(PATIENT_VIEW, json=call), 401)
    problem_of(client.post(FEEDBACK, json={"feedback": []}), 401)
    problem_of(client.post(f"{BASE}/cds-services/no-such-service", json=call), 401)


def test_a_replayed_token_is_refused(client: Client) -> None:
    once = token(DISCOVERY)
    assert (
        client.get("/cds-services", headers={"authorization": f"Bearer {once}"}).status_code == 200
    )
    again = client.get("/cds-services", headers={"authorization": f"Bearer {once}"})
    assert "used before" in problem_of(again, 401)["detail"]


@pytest.mark.parametrize(
    ("name", "authorization"),
    [
        ("ES384 from the configured set", lambda: token(DISCOVERY)),
        ("RS384 from the configured set", lambda: token(DISCOVERY, "ehr-rs384")),
        (
            "ES256 from the allow-listed jku",
            lambda: token(DISCOVERY, "ehr-es256", header={"jku": JKU}),
        ),
        ("aud as a list", lambda: token(DISCOVERY, claims={"aud": [DISCOVERY, "x"]})),
        # a media type in any case, with or without its "application/" (RFC 7515, 4.1.9): "jwt"
        # had been refused
        ("typ in lower case", lambda: token(DISCOVERY, header={"typ": "jwt"})),
        ("typ as a full media type", lambda: token(DISCOVERY, header={"typ": "application/JWT"})),
        (
            "expired within the leeway",
            lambda: token(DISCOVERY, claims={"exp": now() - 30, "iat": now() - 330}),
        ),
        ("iat ahead within the leeway", lambda: token(DISCOVERY, claims={"iat": now() + 30})),
        (
            "exp five minutes ahead, within the leeway",
            lambda: token(DISCOVERY, claims={"exp": now() + 300 + 30}),
        ),
    ],
)
def test_good_tokens_are_accepted(
    client: Client, name: str, authorization: Callable[[], str]
) -> None:
    response = client.get("/cds-services", headers={"authorization": f"Bearer {authorization()}"})
    assert response.status_code == 200, response.text


def test_a_jku_set_is_fetched_once_and_kept(client: Client, ehr: FakeEhr) -> None:
    for _ in range(3):
        signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
        assert (
            client.get("/cds-services", headers={"authorization": f"Bearer {signed}"}).status_code
            == 200
        )
    assert [str(r.url) for r in ehr.requests] == [JKU]


def test_calls_at_once_naming_a_jku_fetch_it_once(ehr: FakeEhr) -> None:
    """Tokens are read before their signature is checked: 20 at once naming an allow-listed
    jku and a kid not in it each fetched the set (anyone could make the record system serve
    it over and over). One fetch now, the others wait for what it finds."""
    fetched: list[str] = []

    async def slow_jwks(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        await asyncio.sleep(0.05)
        return httpx.Response(200, json=JKU_JWKS)

    app = make_app(ehr, transport=httpx.MockTransport(slow_jwks))

    async def calls() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            return await asyncio.gather(*(
                http.get("/cds-services", headers={"authorization": "Bearer " + token(
                    DISCOVERY, "ehr-es256", header={"jku": JKU, "kid": f"new-{n}"})})
                for n in range(20)))  # fmt: skip

    answers = asyncio.run(calls())
    assert {a.status_code for a in answers} == {401}
    assert all("is not in the JWK set at" in a.json()["detail"] for a in answers)
    assert fetched == [JKU]
    # a fetch that fails: the calls that waited are refused with its reason, not one by one
    # after a fetch each (20 fetches of up to 5 s, one after the other)
    ehr_down = httpx.Response(503)
    fetched.clear()

    async def failing(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        await asyncio.sleep(0.05)
        return ehr_down

    app = make_app(ehr, transport=httpx.MockTransport(failing))
    answers = asyncio.run(calls())
    assert all(a.json()["detail"] == f"The JWK set at {JKU} answered 503." for a in answers)
    assert fetched == [JKU]


def test_a_jku_that_cannot_be_fetched_is_refused(ehr: FakeEhr) -> None:
    ehr.answer = lambda request: httpx.Response(500) if str(request.url) == JKU else None
    test_client = Client(make_app(ehr), base_url=BASE)
    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    response = test_client.get("/cds-services", headers={"authorization": f"Bearer {signed}"})
    assert "answered 500" in problem_of(response, 401)["detail"]


def test_a_jwk_set_larger_than_the_limit_is_refused_as_it_is_read(ehr: FakeEhr) -> None:
    """A jku's answer was read whole, whatever its size: 1 GB held the server's memory. It is
    read as it comes, and refused past 64 KiB, as another JWK set that cannot be fetched."""
    sent: list[int] = []

    async def endless() -> Any:
        for _ in range(1024):  # 1 GiB, had it been read to the end
            sent.append(1)
            yield b" " * (1024 * 1024)

    async def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    served = Client(make_app(ehr, transport=httpx.MockTransport(huge)))
    response = served.get("/cds-services", headers={"authorization": f"Bearer {signed}"})
    detail = problem_of(response, 401)["detail"]
    assert detail == f"The JWK set at {JKU} is larger than 65536 bytes."
    assert len(sent) <= 2
    # a set just within the limit is read, and its key used
    padded = {**JKU_JWKS, "padding": " " * (64 * 1024 - len(json.dumps(JKU_JWKS)) - 20)}
    assert len(json.dumps(padded)) <= 64 * 1024
    ehr.answer = lambda request: httpx.Response(200, json=padded)
    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    response = Client(make_app(ehr)).get("/cds-services",
                                         headers={"authorization": f"Bearer {signed}"})
    assert response.status_code == 200, response.text


def test_a_jwk_set_sent_slowly_is_refused_at_the_deadline(ehr: FakeEhr) -> None:
    """Each read had its timeout, the download none: a jku that sent a byte every few seconds
    held the call as long as it liked. The whole set must come within the fetch deadline."""
    sent: list[int] = []

    async def trickle() -> Any:
        for _ in range(100):  # 100 s, had it been read to the end
            sent.append(1)
            yield b" "
            await asyncio.sleep(1)

    async def slow(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=trickle())

    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    served = Client(make_app(ehr, transport=httpx.MockTransport(slow), fetch_deadline=1.5))
    started = time.monotonic()
    response = served.get("/cds-services", headers={"authorization": f"Bearer {signed}"})
    detail = problem_of(response, 401)["detail"]
    assert detail == f"The JWK set at {JKU} was not fetched within 1.5 s."
    assert time.monotonic() - started < 10 and len(sent) <= 3


@pytest.mark.parametrize("body", [b"[" * 40_000, b'{"keys": [' + b"1" * 5000 + b"]}"],
                         ids=["nested too deeply", "a number too long to read"])  # fmt: skip
def test_a_jwk_set_json_cannot_read_is_not_json(ehr: FakeEhr, body: bytes) -> None:
    """JSON nested 40,000 levels deep (40 KB) failed the reader with a RecursionError, and a
    number of more than 4,300 digits with a ValueError: each a 500."""
    ehr.answer = lambda request: httpx.Response(200, content=body)
    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    response = Client(make_app(ehr)).get("/cds-services",
                                         headers={"authorization": f"Bearer {signed}"})
    assert problem_of(response, 401)["detail"] == f"The JWK set at {JKU} is not JSON."


def test_a_key_of_the_wrong_kind_is_refused() -> None:
    """A P-256 key named by an ES384 token, an RSA key named by an ES384 one."""
    wrong = {
        "keys": [
            {**public_jwk("ehr-es256"), "kid": "k1", "alg": "ES384"},
            {**public_jwk("ehr-rs384"), "kid": "k2", "alg": "ES384"},
        ]
    }
    auth = Authenticator(CdsSettings(clients=(CdsClient(iss=ISS, jwks=wrong),), public_url=BASE))
    for kid, sign in (("k1", "ehr-es384"), ("k2", "ehr-es384")):
        signed = token(DISCOVERY, kid, sign_with=sign)
        with pytest.raises(AuthError, match="is not a EC P-384 key"):
            asyncio.run(auth.check(f"Bearer {signed}", DISCOVERY))


def _spoilt(kid: str, **changes: Any) -> dict[str, Any]:
    """The public key ``kid`` with ``changes``; a change to None leaves that part out."""
    jwk = {**public_jwk(kid), **changes}
    return {name: value for name, value in jwk.items() if value is not None}


UNUSABLE = [  # (the key, the reason said)
    (_spoilt("ehr-es256", y=None), "it has no y"),
    (_spoilt("ehr-es256", x="AQ"), "it cannot be made into a key (Coords should be 32 bytes"),
    (_spoilt("ehr-es256", x=5), "its x is 5, not a base64url string"),
    (_spoilt("ehr-es256", d="AQ"), "it holds a private key (d)"),
]


@pytest.mark.parametrize(("jwk", "why"), UNUSABLE, ids=["no y", "bad x", "x a number", "d"])
def test_a_jku_key_that_cannot_be_made_into_a_key_is_401_naming_it(
    ehr: FakeEhr, jwk: dict[str, Any], why: str
) -> None:
    """A key of a jku's set that the JWT library cannot make into a key (an EC key without y,
    a bad x) had been a 500 with a traceback: PyJWK raises InvalidKeyError, not PyJWKError."""
    ehr.answer = lambda request: httpx.Response(200, json={"keys": [jwk]})
    signed = token(DISCOVERY, "ehr-es256", header={"jku": JKU})
    response = Client(make_app(ehr)).get("/cds-services",
                                         headers={"authorization": f"Bearer {signed}"})  # fmt: skip
    detail = problem_of(response, 401)["detail"]
    assert detail.startswith(f"Key 'ehr-es256' in the JWK set at {JKU} cannot be used: {why}")


@pytest.mark.parametrize(
    ("jwk", "why"),
    [*UNUSABLE, (_spoilt("ehr-rs384", e=65537), "its e is 65537, not a base64url string")],
    ids=["no y", "bad x", "x a number", "d", "e a number"],
)
def test_a_configured_key_that_cannot_be_made_into_a_key_is_refused_at_start_up(
    tmp_path: Path, jwk: dict[str, Any], why: str
) -> None:
    clients = tmp_path / "clients.json"
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": {"keys": [jwk]}}]}))
    with pytest.raises(SettingsError) as refused:
        from_environment({"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": BASE})
    assert f"key {jwk['kid']!r} cannot be used: {why}" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_clock_leeway_is_sixty_seconds_by_default() -> None:
    assert CdsSettings().leeway == 60
    assert CdsSettings().max_lifetime == 300  # exp at most five minutes ahead, beyond it


def test_development_setting_turns_authentication_off_loudly(
    ehr: FakeEhr, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="onconav.cdshooks"):
        app = make_app(ehr, auth=False)
    assert any("authentication is OFF" in r.getMessage() for r in caplog.records)
    open_client = Client(app, base_url=BASE)
    assert open_client.get("/cds-services").status_code == 200
    call = hook_call(
        "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
    )
    assert open_client.post(PATIENT_VIEW, json=call).status_code == 200


def test_settings_from_the_environment(tmp_path: Path) -> None:
    clients = tmp_path / "clients.json"
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": JWKS, "jku": [JKU]}]}))
    settings = from_environment({"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": BASE})
    assert settings.auth and settings.clients[0].iss == ISS and settings.public_url == BASE
    assert not from_environment({"ONCONAV_CDS_INSECURE": "1"}).auth
    assert from_environment({}).auth
    for env, words in [
        ({"ONCONAV_CDS_INSECURE": "maybe"}, r"must be 1 or 0 \(also true or false, yes or no\)"),
        ({"ONCONAV_CDS_CLIENTS": str(tmp_path / "missing.json")}, "cannot be read"),
        ({"ONCONAV_PUBLIC_URL": "onconav.example.org"}, "public_url"),
    ]:
        with pytest.raises(SettingsError, match=words):
            from_environment(env)
    private = {"keys": [{**public_jwk("ehr-es384"), "d": "secret"}]}
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": private}]}))
    with pytest.raises(SettingsError, match="private key"):
        from_environment({"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": BASE})
    clients.write_text(json.dumps({"clients": [{"iss": ISS}]}))
    with pytest.raises(SettingsError, match="needs a JWK set"):
        from_environment({"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": BASE})
    # a JWK set fetched in the clear: whoever is on the way could put a key of theirs in it
    plain = JKU.replace("https://", "http://")
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": JWKS, "jku": [JKU, plain]}]}))
    with pytest.raises(SettingsError, match=f"jku '{plain}' must be an https URL"):
        from_environment({"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": BASE})
    # trusted clients without the public URL: the aud would be checked against the Host header
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": JWKS}]}))
    required = r"^the CDS Hooks settings cannot be used: public_url \(ONCONAV_PUBLIC_URL\) is"
    with pytest.raises(SettingsError, match=required + " required when trusted record systems"):
        from_environment({"ONCONAV_CDS_CLIENTS": str(clients)})
    assert not from_environment({"ONCONAV_CDS_CLIENTS": str(clients),
                                 "ONCONAV_CDS_INSECURE": "1"}).auth  # fmt: skip
    # an http public URL: the tokens whose aud it is, and the records, sent in the clear
    plain_url = BASE.replace("https://", "http://")
    for env in ({"ONCONAV_CDS_CLIENTS": str(clients)}, {}):
        refused = r"^the CDS Hooks settings cannot be used: public_url \(ONCONAV_PUBLIC_URL\) "
        with pytest.raises(SettingsError, match=rf"{refused}'{plain_url}' must be an https URL"):
            from_environment({**env, "ONCONAV_PUBLIC_URL": plain_url})
    development = {"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": plain_url,
                   "ONCONAV_CDS_INSECURE": "1"}  # fmt: skip
    assert from_environment(development).public_url == plain_url


def test_trusted_clients_need_the_public_url(ehr: FakeEhr) -> None:
    """Without the public URL the aud was checked against the request's own URL, made from the
    Host header the caller writes: a token minted for another service (its aud
    http://other.example.org/cds-services) was taken with "Host: other.example.org". Trusted
    clients now need the public URL; without a client (every call refused) or with the JWT
    check off (the development setting), the request's own URL is still used for the links."""
    with pytest.raises(ValidationError, match="ONCONAV_PUBLIC_URL"):
        CdsSettings(clients=(CLIENT,))
    assert CdsSettings(clients=(CLIENT,), auth=False).public_url is None
    assert CdsSettings().public_url is None
    forged = Client(make_app(ehr), base_url="http://other.example.org")
    other = token("http://other.example.org/cds-services")
    refused = forged.get("/cds-services", headers={"authorization": f"Bearer {other}"})
    assert "is not the URL called, " + DISCOVERY in problem_of(refused, 401)["detail"]
    signed = {"authorization": f"Bearer {token(DISCOVERY)}"}
    assert forged.get("/cds-services", headers=signed).status_code == 200


# -- the models ---------------------------------------------------------------------------------


def test_the_card_model_keeps_the_specifications_invariants() -> None:
    source = Source(label="onconav")
    Card(summary="x" * 139, indicator="info", source=source)
    bad: list[dict[str, Any]] = [
        {"summary": "x" * 140},
        {"summary": ""},
        {"summary": "two\nlines"},
        {"indicator": "urgent"},
        {"links": []},
        {"detail": ""},
        {"overrideReasons": [{"code": "c", "system": "s"}]},
        {"suggestions": [{"label": "Do it"}]},
        {"uuid": "card-1"},
    ]
    for change in bad:
        with pytest.raises(ValidationError):
            Card.model_validate(
                {"summary": "s", "indicator": "info", "source": {"label": "o"}, **change}
            )
    with pytest.raises(ValidationError):
        Link(label="page", url="/options?cancer=rectum", type="absolute")
    with pytest.raises(ValidationError):
        Link(label="page", url=f"{BASE}/", type="absolute", appContext="{}")
    with pytest.raises(ValidationError):
        Source(label="")
    Feedback.model_validate(
        {
            "card": CARD,
            "outcome": "overridden",
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
            "extension": {},
        }
    )


def test_the_specifications_card_examples_fit_the_model() -> None:
    for card in reference("cards-response-example-1.json")["cards"]:
        Card.model_validate(card)
    # the second example leaves out indicator, which the specification requires
    (card,) = reference("cards-response-example-2.json")["cards"]
    with pytest.raises(ValidationError, match="indicator"):
        Card.model_validate(card)
    Card.model_validate({**card, "indicator": "info"})
    Card.model_validate(reference("opioid-card-example.json") | {"source": {"label": "CDC"}})


def test_summaries_are_cut_at_a_word_under_140() -> None:
    cut = cardlib._short("word " * 60)
    assert len(cut) < 140 and cut.endswith("…") and "  " not in cut


def test_prefetch_templates_and_tokens() -> None:
    assert queries({"patientId": "a b/c"})["conditions"] == (
        "Condition?patient=a%20b%2Fc&_count=1000")  # fmt: skip
    with pytest.raises(PrefetchError, match=r"context\.patientId"):
        queries({"userId": "Practitioner/1"})
    gathered = gather({"conditions": None, "patient": {"resourceType": "OperationOutcome"}}, "p")
    assert "patient" in gathered.missing and "conditions" not in gathered.missing


def test_the_cdshooks_package_imports_no_front_end() -> None:
    """The CDS Hooks parts hold no clinical rule and lean on the core only: the FHIR mapping and
    the app are joined to them in onconav.web.cds_hooks."""
    from test_layers import MODULES, imports

    for module in MODULES:
        if module.startswith("onconav.cdshooks"):
            bad = {
                m
                for m in imports(module)
                if m.startswith(("onconav.web", "onconav.fhir", "onconav.cli"))
            }
            assert not bad, f"{module} imports {bad}"


# -- logs, loopback, snapshot ---------------------------------------------------------------------


def test_no_patient_data_in_the_logs(
    client: Client, ehr: FakeEhr, caplog: pytest.LogCaptureFixture
) -> None:
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    ehr.records[records.PATIENT] = resources
    with caplog.at_level(logging.DEBUG):
        cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", records.prefetch(resources))))
        cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", None, fhir=True)))
        order_select(client, "rectal-stage4-folfox-progressed", OXALIPLATIN)
        post(client, PATIENT_VIEW, hook_call("patient-view", None))  # a 412
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "cds-services/onconav-patient-view" in logged
    for secret in (
        records.PATIENT,
        "Testperson",
        "1961-04-02",
        "primary-rectum",
        "rectum",
        "FOLFOX",
        "folfox",
        "oxaliplatin",
        "C20",
        "254582000",
        FHIR_TOKEN,
    ):
        assert secret not in logged, secret


def test_a_patient_view_over_a_real_loopback_server(ehr: FakeEhr) -> None:
    """Behind its proxy: called on loopback, known by its public URL (the aud, the links)."""
    app = make_app(ehr)
    with serving(app) as url, httpx.Client(base_url=url, timeout=10) as http:
        found = http.get("/cds-services", headers={"authorization": f"Bearer {token(DISCOVERY)}"})
        assert found.status_code == 200
        call = hook_call(
            "patient-view", records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"])
        )
        answer = http.post(
            "/cds-services/onconav-patient-view",
            json=call,
            headers={"authorization": f"Bearer {token(PATIENT_VIEW)}"},
        )
    made = cards_of(answer)
    assert made[0]["links"][0]["url"].startswith(f"{BASE}/options?cancer=stomach")


SNAPSHOT_CASES: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
    "patient-view stomach-stage4-her2-unknown": ("patient-view", "stomach-stage4-her2-unknown", []),
    "patient-view rectal-stage4-kras-mutated": ("patient-view", "rectal-stage4-kras-mutated", []),
    "patient-view rectal-stage4-folfox-progressed": (
        "patient-view",
        "rectal-stage4-folfox-progressed",
        [],
    ),
    "order-select rectal-stage4-kras-mutated cetuximab": (
        "order-select",
        "rectal-stage4-kras-mutated",
        [CETUXIMAB],
    ),
    "order-select rectal-stage4-kras-unknown cetuximab": (
        "order-select",
        "rectal-stage4-kras-unknown",
        [CETUXIMAB],
    ),
    "order-select rectal-stage4-folfox-progressed oxaliplatin": (
        "order-select",
        "rectal-stage4-folfox-progressed",
        [OXALIPLATIN],
    ),
}


def test_the_docs_give_the_source_the_cards_give(client: Client) -> None:
    """docs/cds-hooks.md gave each card's source as "knowledge base 1.0.0" while the cards said
    1.2.0: its example is the label the cards give, with the knowledge base's own version."""
    docs = (HERE.parent / "docs" / "cds-hooks.md").read_text(encoding="utf-8")
    (label,) = {card["source"]["label"]
                for card in patient_view(client, "stomach-stage4-her2-unknown")}  # fmt: skip
    assert label.endswith(f"knowledge base {KB.version})")
    assert f"`{label}`" in docs


def test_the_docs_count_the_observation_codes_asked_for() -> None:
    """docs/cds-hooks.md said the observations prefetch asks for 48 codes; it asks for 49. The
    count it gives, and by system, is the prefetch's."""
    docs = (HERE.parent / "docs" / "cds-hooks.md").read_text(encoding="utf-8")
    counts = re.findall(r"the (\d+) codes, (\d+) LOINC and (\d+) SNOMED CT,", docs)
    loinc, snomed = (len(OBSERVATION_CODES[s]) for s in ("http://loinc.org",
                                                         "http://snomed.info/sct"))  # fmt: skip
    assert counts == [(str(loinc + snomed), str(loinc), str(snomed))]
    assert len(OBSERVATION_CODES) == 2 and OBSERVATION_CODE.count(",") == loinc + snomed - 1


def test_the_cards_match_the_reviewed_snapshot(client: Client) -> None:
    made = {}
    for name, (hook, situation, drafts) in SNAPSHOT_CASES.items():
        call = hook_call(hook, records.prefetch(records.SITUATIONS[situation]), drafts=drafts)
        call["hookInstance"] = str(uuid.uuid5(uuid.NAMESPACE_URL, name))  # the same card ids
        url = PATIENT_VIEW if hook == "patient-view" else ORDER_SELECT
        made[name] = cards_of(post(client, url, call))
    text = json.dumps(made, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("ONCONAV_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.exists(), "write the snapshot with ONCONAV_UPDATE_SNAPSHOTS=1, then review it"
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert made == expected, "the cards changed: review, then ONCONAV_UPDATE_SNAPSHOTS=1"


def test_a_clinicians_reason_writes_values_within_the_sentence() -> None:
    """A card's reason for a clinician names what an option is for and what the record holds
    as words within a sentence: ramucirumab's read "for treatments that stopped working:
    Chemotherapy". It says "only for": "not suitable here, for KRAS wild-type" read as if
    wild-type were why."""
    from onconav import evaluate, parse_profile
    from onconav.cdshooks import cards

    profile = {"cancer": "stomach", "stage": "4", "prior_treatments": ["surgery", "radiation"],
               "progressed_on": ["radiation"]}  # fmt: skip
    result = evaluate(parse_profile(profile, KB), KB)
    said = {o.id: cards._reason_words(o.reasons, o, KB) for o in result.options
            if o.id.startswith("stomach-ramucirumab")}  # fmt: skip
    assert said and all(w == "only for treatments that stopped working: chemotherapy; on "
                        "record: radiation therapy" for w in said.values()), said  # fmt: skip


def test_a_drug_only_in_trials_is_an_info(client: Client) -> None:
    bevacizumab = records.draft_order("draft-bevacizumab", "253337", "Bevacizumab")
    (card,) = order_select(client, "stomach-stage4-her2-unknown", bevacizumab)
    assert card["indicator"] == "info"
    assert "only in clinical trials" in card["summary"]
    assert "overrideReasons" not in card


def test_the_benchmark_appends_its_section(tmp_path: Path) -> None:
    """benchmarks/cds_hooks.py runs end to end (a few calls: checked here, not timed)."""
    import subprocess
    import sys

    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(HERE.parent / "benchmarks" / "cds_hooks.py"), "--calls", "5",
         "--append", str(report)],
        capture_output=True, text=True, cwd=HERE.parent, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert "## CDS Hooks: patient-view with a full prefetch" in text
    assert "p99 at most 100 ms" in text and "parse_profile + evaluate" in text
    bad = subprocess.run(
        [sys.executable, str(HERE.parent / "benchmarks" / "cds_hooks.py"), "--calls", "0"],
        capture_output=True, text=True, cwd=HERE.parent,
    )  # fmt: skip
    assert bad.returncode == 2 and "--calls" in bad.stderr


def test_serve_refuses_unusable_cds_settings_in_one_line(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kw: served.append(args))  # never serves
    done = run("serve", env={"ONCONAV_CDS_CLIENTS": str(tmp_path / "missing.json")})
    assert done.status == 2
    (line,) = done.errors()
    assert "ONCONAV_CDS_CLIENTS" in line and "cannot be read" in line
    clients = tmp_path / "clients.json"
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": JWKS}]}), encoding="utf-8")
    done = run("serve", env={"ONCONAV_CDS_CLIENTS": str(clients), "ONCONAV_PUBLIC_URL": ""})
    assert done.status == 2 and not served  # refused before any worker starts
    (line,) = done.errors()
    assert "ONCONAV_PUBLIC_URL" in line and "is required" in line
    done = run("serve", env={"ONCONAV_CDS_CLIENTS": str(clients),
                             "ONCONAV_PUBLIC_URL": "http://onconav.example.org"})  # fmt: skip
    assert done.status == 2 and not served
    (line,) = done.errors()
    assert "ONCONAV_PUBLIC_URL" in line and "must be an https URL" in line


def test_onconav_serve_reads_the_cds_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gc

    from onconav.web.app import app_from_environment

    clients = tmp_path / "clients.json"
    clients.write_text(json.dumps({"clients": [{"iss": ISS, "jwks": JWKS}]}), encoding="utf-8")
    monkeypatch.setenv("ONCONAV_CDS_CLIENTS", str(clients))
    monkeypatch.setenv("ONCONAV_PUBLIC_URL", BASE)
    try:
        app = app_from_environment()
    finally:
        gc.unfreeze()
    served = Client(app)
    assert served.get("/cds-services").status_code == 401
    signed = {"authorization": f"Bearer {token(DISCOVERY)}"}
    assert served.get("/cds-services", headers=signed).status_code == 200


def test_malformed_fhir_is_never_a_500(client: Client) -> None:
    """Resources that are not valid FHIR where the mapping reads them (a coding whose system is
    a number, a coding that is a string, a component that is not an object)."""
    situation = records.SITUATIONS["rectal-stage4-kras-mutated"]
    changes = [
        lambda r: r[3]["code"].update(coding=[{"system": 3, "code": []}]),
        lambda r: r[3]["code"].update(coding="C78.7"),
        lambda r: r[4].update(component=["KRAS"]),
        lambda r: r[1]["code"]["coding"][0].update(code=7),
    ]
    for change in changes:
        resources = copy.deepcopy(situation)
        change(resources)
        call = hook_call("patient-view", records.prefetch(resources))
        response = post(client, PATIENT_VIEW, call)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            problem_of(response, 422)
        else:
            cards_of(response)


def test_a_resource_id_that_is_not_a_string_is_never_a_500(client: Client) -> None:
    """A Medication whose id is a list (in the prefetch) or an object (in draftOrders) was a
    500: the ids were gathered in a set. It is listed unused by the mapping ("id is a list, not
    a string"); the cards are given."""
    situation = records.SITUATIONS["rectal-stage4-kras-mutated"]
    odd = {"resourceType": "Medication", "id": ["x"], "code": {"text": "cetuximab"}}
    prefetch = records.prefetch(situation)
    prefetch["medicationRequests"] = records.searchset([odd])
    prefetch["medicationRequests"]["entry"][0]["search"]["mode"] = "include"  # as _include does
    prefetch["medicationRequests"]["total"] = 0  # the matches: none
    cards_of(post(client, PATIENT_VIEW, hook_call("patient-view", prefetch)))
    order = {k: v for k, v in CETUXIMAB.items() if k != "medicationCodeableConcept"}
    order["medicationReference"] = {"reference": "Medication/m9"}
    call = hook_call("order-select", records.prefetch(situation), drafts=[order])
    call["context"]["draftOrders"]["entry"].append(
        {"resource": {"resourceType": "Medication", "id": {"a": 1}}})
    assert summaries(post(client, ORDER_SELECT, call)) == [UNCHECKED]


def test_a_drafted_order_names_its_medication_as_the_mapping_reads_a_reference(
    client: Client,
) -> None:
    """A drafted order naming its Medication by an absolute URL or by the ``urn:uuid`` fullUrl
    of its entry got no card (only ``Medication/ID`` was looked up); cetuximab for a KRAS
    mutation was passed over. An order not to give the drug (doNotPerform) gets no card."""
    mutated = records.SITUATIONS["rectal-stage4-kras-mutated"]
    (same,) = order_select(client, "rectal-stage4-kras-mutated", CETUXIMAB)
    medication = {"resourceType": "Medication", "id": "cetux-1",
                  "code": CETUXIMAB["medicationCodeableConcept"]}  # fmt: skip
    order = {k: v for k, v in CETUXIMAB.items() if k != "medicationCodeableConcept"}
    for reference, full_url in [("https://ehr.example.org/fhir/Medication/cetux-1", None),
                                ("urn:uuid:5d0b1a4e-6a43-4b36-9b1c-0d5cf3a1c9aa",
                                 "urn:uuid:5d0b1a4e-6a43-4b36-9b1c-0d5cf3a1c9aa")]:  # fmt: skip
        named = {**order, "medicationReference": {"reference": reference}}
        call = hook_call("order-select", records.prefetch(mutated), drafts=[named])
        entry: dict[str, Any] = {"resource": medication}
        if full_url:
            entry["fullUrl"] = full_url
        call["context"]["draftOrders"]["entry"].append(entry)
        (card,) = cards_of(post(client, ORDER_SELECT, call))
        assert card["summary"] == same["summary"], reference
    refused = {**CETUXIMAB, "doNotPerform": True}
    assert order_select(client, "rectal-stage4-kras-mutated", refused) == []


def test_the_no_cancer_card_names_the_cancer_condition_not_read(client: Client) -> None:
    """A cancer Condition still provisional: the card said only that no Condition is coded as a
    cancer; it names the Condition and why it was not read. A cancer on record that cannot be
    read gets a card; a record of no cancer none (below)."""
    resources = [copy.deepcopy(r) for r in records.SITUATIONS["rectal-stage4-kras-unknown"]
                 if r["id"] != "secondary-liver"]  # fmt: skip
    cancer = next(r for r in resources if r["id"] == "primary-rectum")
    cancer["verificationStatus"]["coding"][0]["code"] = "provisional"
    call = hook_call("patient-view", records.prefetch(resources))
    (card,) = cards_of(post(client, PATIENT_VIEW, call))
    assert card["summary"] == "onconav could not read the cancer on record; no options are shown"
    assert "or in words" in card["detail"]  # how the cancer is read, as the reader now reads it
    assert ("Condition/primary-rectum is coded as a cancer but was not read: a cancer "
            "condition that is provisional") in card["detail"]


def test_a_patient_with_no_cancer_gets_no_card(client: Client) -> None:
    """Macular degeneration only, and bevacizumab drafted for the eye: each had an info card,
    "No cancer diagnosis onconav can read is on record", on every chart and order of everyone
    without cancer; CDS Hooks answers no cards when there is nothing to say."""
    eyes = [records.patient(), records.condition("amd", records.coding(
        records.SNOMED, "267718000", "Age-related macular degeneration"))]  # fmt: skip
    call = hook_call("patient-view", records.prefetch(eyes))
    assert cards_of(post(client, PATIENT_VIEW, call)) == []
    bevacizumab = records.draft_order("draft-bevacizumab", "253337", "bevacizumab")
    bevacizumab["dosageInstruction"] = [{"text": "1.25 mg intravitreal, left eye"}]
    call = hook_call("order-select", records.prefetch(eyes), drafts=[bevacizumab])
    assert cards_of(post(client, ORDER_SELECT, call)) == []


def test_a_resource_nested_too_deep_is_set_aside_not_a_500(client: Client) -> None:
    """A Condition of extensions nested 150 deep (6 KB) beside the cancer's was a RecursionError
    in the reading: 500. It is set aside as the command line sets it aside."""
    inner: list[dict[str, Any]] = [{"url": "https://example.org/leaf", "valueString": "x"}]
    for _ in range(150):
        inner = [{"url": "https://example.org/nest", "extension": inner}]
    deep = {**records.liver_metastasis(), "id": "deep", "extension": inner}
    resources = [*records.SITUATIONS["stomach-stage4-her2-unknown"], deep]
    made = cards_of(post(client, PATIENT_VIEW,
                         hook_call("patient-view", records.prefetch(resources))))  # fmt: skip
    assert made[0]["summary"].startswith("Stomach cancer")


@pytest.mark.parametrize(
    "subject",
    [{"reference": "Group/g1"}, {"display": "Someone Else"},
     {"identifier": {"system": "https://hospital.example.org/mrn", "value": "999"}}],
)  # fmt: skip
def test_a_resource_whose_subject_is_no_patient_reads_as_not_on_record(
    client: Client, subject: dict[str, Any]
) -> None:
    """A KRAS result whose subject is a Group, a name or an identifier only (someone else's,
    perhaps) was read as this person's; the cards are those of a record without it, as the
    command line and the API read it."""
    resources = copy.deepcopy(records.SITUATIONS["rectal-stage4-kras-mutated"])
    for resource in resources:
        if resource["resourceType"] == "Observation" and resource["id"] != "stage-group":
            resource["subject"] = subject
    made = cards_of(post(client, PATIENT_VIEW,
                         hook_call("patient-view", records.prefetch(resources))))  # fmt: skip
    without = patient_view(client, "rectal-stage4-kras-unknown")
    assert [c["summary"] for c in made] == [c["summary"] for c in without]
    assert [(o.id, o.status) for o in offered_result(resources).options] == [
        (o.id, o.status) for o in offered_result(records.SITUATIONS[
            "rectal-stage4-kras-unknown"]).options]  # fmt: skip


@pytest.mark.parametrize("form", ["BodyStructure/{}", "BodyStructure/{}/_history/2",
                                  FHIR + "/BodyStructure/{}"])  # fmt: skip
def test_a_radiotherapy_volume_on_the_server_is_read_as_the_command_line_reads_it(
    ehr: FakeEhr, form: str
) -> None:
    """An mCODE radiotherapy course whose pelvic site is in the BodyStructure its volume names
    read as pelvic radiation on the command line, but as radiation therapy only in the cards:
    the BodyStructure was never asked for. It is read from the FHIR server, as a Medication an
    order names is, however the reference is written (with its version, or its absolute URL on
    the server)."""
    volume = {"resourceType": "BodyStructure", "id": "vol", "patient": records.SUBJECT,
              "location": {"coding": [records.coding(records.SNOMED, "34402009",
                                                     "Rectum structure")]}}  # fmt: skip
    course = {"resourceType": "Procedure", "id": "rt", "status": "completed",
              "subject": records.SUBJECT, "performedDateTime": "2021-03-01",
              "code": {"coding": [records.coding(records.SNOMED, "1217123003",
                                                 "Radiotherapy course of treatment")]},
              "extension": [{"url": "http://hl7.org/fhir/us/mcode/StructureDefinition/"
                             "mcode-radiotherapy-dose-delivered-to-volume",
                             "extension": [{"url": "volume", "valueReference":
                                            {"reference": form.format("vol")}}]}]}  # fmt: skip
    resources = [*records.SITUATIONS["rectal-stage4-kras-unknown"], course]
    ehr.records[records.PATIENT] = [*resources, volume]
    client = Client(make_app(ehr))
    cards = cards_of(post(client, PATIENT_VIEW, hook_call(
        "patient-view", records.prefetch(resources), fhir=True)))  # fmt: skip
    assert any(r.url.path == "/r4/BodyStructure/vol" for r in ehr.requests)
    from onconav.fhir import read_resources

    reading = read_resources([*resources, volume], KB)
    assert reading.data["prior_treatments"] == ["pelvic-radiation", "others-not-known"]
    detail = " ".join(c["detail"] for c in cards)
    assert "pelvi" in detail.lower(), detail


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(["volume", "BodyStructure/vol", "BodyStructure/..",
                       "http://hl7.org/fhir/us/mcode/StructureDefinition/"
                       "mcode-radiotherapy-dose-delivered-to-volume"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["url", "extension", "valueReference", "reference"]), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_the_volumes_named_are_found_in_any_extension_never_a_crash(extension: Any) -> None:
    """Whatever a Procedure's extension holds, the BodyStructures to read are relative
    ``BodyStructure/ID`` references (never an id of dots), found without an error."""
    from onconav.cdshooks.prefetch import (
        DOSE_TO_VOLUME,
        body_structure_references,
        medications_named,
    )
    from onconav.fhir import reader

    assert DOSE_TO_VOLUME == reader.DOSE_TO_VOLUME

    procedure = {"resourceType": "Procedure", "id": "rt", "extension": extension}
    found = body_structure_references([procedure])
    assert all(r.startswith("BodyStructure/") and r != "BodyStructure/.." for r in found)
    assert list(medications_named([procedure]).values()) == found


# -- fullUrls: a reference written as an entry's fullUrl (urn:uuid) -------------------------------


def urn_of(resource: dict[str, Any]) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, resource['resourceType'] + resource['id'])}"


def with_urns(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resources with every reference to one of them (``Type/id``) written as its fullUrl,
    a urn:uuid, as a server that sends a record with urn:uuid fullUrls writes them."""
    urns = {f"{r['resourceType']}/{r['id']}": urn_of(r) for r in resources}

    def rewritten(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (urns.get(v, v) if k == "reference" and isinstance(v, str)
                        else rewritten(v)) for k, v in value.items()}  # fmt: skip
        return [rewritten(v) for v in value] if isinstance(value, list) else value

    return [rewritten(r) for r in resources]


def urn_searchset(resources: list[dict[str, Any]], include: list[dict[str, Any]] = ()) -> Any:
    """A searchset whose entries' fullUrls are urn:uuids (``include``: entries of another type
    the search brings, as ``_include`` does)."""
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": urn_of(r), "resource": r,
                       "search": {"mode": "match" if r in resources else "include"}}
                      for r in [*resources, *include]]}  # fmt: skip


def urn_prefetch(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The prefetch of a record written with urn:uuid references: each search a searchset of
    urn:uuid fullUrls, the Patient too (the record system answers its read as a Bundle)."""
    written = with_urns(resources)
    out: dict[str, Any] = {}
    for key, kind in records.TEMPLATE_TYPES.items():
        found = [r for r in written if r["resourceType"] == kind]
        out[key] = urn_searchset(found) if found else None
    return out


@settings(max_examples=len(records.SITUATIONS), deadline=None)
@given(st.sampled_from(sorted(records.SITUATIONS)))
def test_a_prefetch_reads_as_its_record_read_whole(situation: str) -> None:
    """The resources taken out of the prefetch's searchsets lost their fullUrls: a subject
    written as a urn:uuid (the Patient's fullUrl) was listed unused in the cards, though the
    same record read whole (the command line, the API) reads it. What the service gathers reads
    as the record read whole, whatever its fullUrls."""
    from onconav.fhir import read_bundle, read_resources

    resources = records.SITUATIONS[situation]
    prefetch = urn_prefetch(resources)
    gathered = gather(prefetch, records.PATIENT)
    whole = {"resourceType": "Bundle", "type": "collection",
             "entry": [e for value in prefetch.values() if value for e in value["entry"]]}
    mine, theirs = read_resources(gathered.resources, KB), read_bundle(whole, KB)
    assert (mine.data, mine.sources, mine.warnings) == (theirs.data, theirs.sources,
                                                        theirs.warnings)  # fmt: skip
    assert [u.reason for u in mine.unused] == [u.reason for u in theirs.unused]
    plain = read_resources(gather(records.prefetch(resources), records.PATIENT).resources, KB)
    assert mine.data == plain.data


def test_urn_uuid_references_give_the_same_cards_prefetched_or_fetched(
    client: Client, ehr: FakeEhr
) -> None:
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    call = hook_call("patient-view", records.prefetch(resources))
    expected = cards_of(post(client, PATIENT_VIEW, call))
    prefetched = cards_of(post(client, PATIENT_VIEW, {
        **hook_call("patient-view", urn_prefetch(resources)),
        "hookInstance": call["hookInstance"]}))  # fmt: skip
    assert prefetched == expected
    # fetched: the server writes urn:uuid fullUrls and references; the Condition search brings
    # the Patient (as _include does), the Patient read is not prefetched (null)
    written = with_urns(resources)
    person = [r for r in written if r["resourceType"] == "Patient"]

    def answer(request: httpx.Request) -> httpx.Response | None:
        if "patient" not in request.url.params or request.url.params.get("page"):
            return None
        kind = request.url.path.split("/")[2]
        found = [r for r in written if r["resourceType"] == kind]
        if "code" in request.url.params:
            wanted = set(request.url.params["code"].split(","))
            found = [r for r in found if wanted & {f"{c.get('system')}|{c.get('code')}"
                                                   for c in r["code"]["coding"]}]  # fmt: skip
        return httpx.Response(200, json=urn_searchset(
            found, person if kind == "Condition" else []))  # fmt: skip

    ehr.answer = answer
    fetched = cards_of(post(client, PATIENT_VIEW, {
        **hook_call("patient-view", {"patient": None}, fhir=True),
        "hookInstance": call["hookInstance"]}))  # fmt: skip
    assert fetched == expected


def test_a_subject_written_as_the_fullurl_of_another_patient_is_refused() -> None:
    other = {"resourceType": "Patient", "id": "someone-else"}
    condition = {**records.rectal_cancer(), "subject": {"reference": urn_of(other)}}
    with pytest.raises(PrefetchError, match="about another patient"):
        gather({"conditions": urn_searchset([condition], [other])}, records.PATIENT)


@pytest.mark.parametrize(("item", "field", "accepted"), [
    ({"card": CARD, "outcome": "overridden"}, "feedback[0].outcomeTimestamp",
     ["a date-time with its time zone, such as 2020-12-11T10:30:00Z"]),
    ({"outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"}, "feedback[0].card",
     ["a UUID"]),
])  # fmt: skip
def test_a_field_missing_from_feedback_says_what_it_takes(
    client: Client, item: dict[str, Any], field: str, accepted: list[str]
) -> None:
    problem = problem_of(post(client, FEEDBACK, {"feedback": [item]}), 422)
    (error,) = problem["errors"]
    assert (error["field"], error["accepted"]) == (field, accepted), error


def order_cards_of(data: dict[str, Any], drugs: list[str]) -> list[Card]:
    """The order-select cards of drugs drafted together, one order each, for a profile."""
    result = evaluate(parse_profile(data, KB), KB)
    situation = _situation(result)
    drafted = [cardlib.Drafted(order=f"MedicationRequest/{d}", drug=d) for d in drugs]
    return cardlib.order_select(situation, drafted, KB)


def test_orders_drafted_together_are_read_as_the_regimen_they_make() -> None:
    """FOLFIRI drafted as orders of irinotecan, fluorouracil and leucovorin, as order sets write
    it, after FOLFOX stopped working, got no card, while FOLFIRI drafted as one order was warned
    of (a review): the drugs of orders drafted together are named as the regimen they make, as
    the FHIR reader names a course."""
    data = {"cancer": "rectum", "stage": "4", "metastases": ["liver"], "kras": "wild-type",
            "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]}  # fmt: skip
    (card,) = order_cards_of(data, ["irinotecan", "fluorouracil", "leucovorin"])
    assert card.indicator == "info", card  # flagged as FOLFIRI drafted as one order is
    assert card.summary.startswith("FOLFIRI: gives leucovorin and fluorouracil, part of FOLFOX, "
                                   "which stopped working, with irinotecan"), card.summary
    # a concern a drug of it is warned of already is said once
    cards = order_cards_of({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                            "cannot_have": ["fluorouracil"]}, ["capecitabine", "oxaliplatin"])
    assert [c.summary.split(":")[0] for c in cards] == ["Capecitabine"], cards


def test_a_kin_card_of_a_mix_built_on_what_stopped_says_both() -> None:
    """CAPOX drafted for one who cannot have fluorouracil and whose capecitabine alone stopped:
    the page says both (same kind; a mix built on what stopped); the card had said only the
    first (a review)."""
    (card,) = order_cards({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                           "prior_treatments": ["capecitabine"],
                           "progressed_on": ["capecitabine"],
                           "cannot_have": ["fluorouracil"]}, "capox")  # fmt: skip
    assert "of the same kind" in card.summary, card.summary
    assert "CAPOX gives capecitabine again, with oxaliplatin" in card.detail, card.detail


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix"]),
       st.lists(st.sampled_from(sorted(d.id for d in KB.data.drugs) + REGIMENS), min_size=1,
                max_size=2, unique=True),
       st.sampled_from([r.id for r in KB.data.regimens if len(r.components) > 1
                        and "radiation" not in r.id]))  # fmt: skip
@example("rectum", ["folfox"], "folfiri")
def test_a_regimen_drafted_as_its_drugs_is_warned_of_as_when_drafted_as_one(
    cancer: str, stopped: list[str], regimen: str
) -> None:
    """Whenever a regimen drafted as one order gets a warning card, drafting its drugs as one
    order each gets a warning card too (for the regimen, or for a drug of it)."""
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", "prior_treatments": stopped,
                            "progressed_on": stopped}  # fmt: skip
    whole = order_cards(data, regimen)
    if [c.indicator for c in whole] == ["warning"]:
        parts = KB.by_id[regimen].components  # type: ignore[union-attr]
        assert "warning" in [c.indicator for c in order_cards_of(data, parts)], (whole, parts)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["rectum", "stomach", "cervix"]),
       st.lists(st.sampled_from(sorted(d.id for d in KB.data.drugs) + REGIMENS), min_size=1,
                max_size=2, unique=True),
       st.sampled_from([r.id for r in KB.data.regimens if len(r.components) > 1
                        and "radiation" not in r.id]),
       st.sampled_from(["progressed_on", "cannot_have"]))  # fmt: skip
@example("rectum", ["folfox"], "folfox", "progressed_on")
@example("rectum", ["oxaliplatin"], "folfox", "cannot_have")
def test_orders_drafted_together_say_each_thing_once(
    cancer: str, listed: list[str], regimen: str, fact: str
) -> None:
    """FOLFOX drafted as orders of oxaliplatin, fluorouracil and leucovorin after FOLFOX stopped
    working gave two warnings saying the same ("Oxaliplatin: ..." and "FOLFOX: not suitable
    here, FOLFOX stopped working for this patient"; a clinician's review): whatever is drafted
    together, no two cards say the same thing; one card says it, naming the drugs together."""
    data: dict[str, Any] = {"cancer": cancer, "stage": "4", fact: listed}
    if fact == "progressed_on":
        data["prior_treatments"] = listed
    parts = KB.by_id[regimen].components  # type: ignore[union-attr]
    cards = order_cards_of(data, parts)
    statements = [c.summary.split(": ", 1)[-1] for c in cards]
    assert len(statements) == len(set(statements)), [c.summary for c in cards]
    for card in cards:
        uuid.UUID(card.uuid)
        assert len(card.summary) < 140 and card.detail.count("**Read from the record**") == 1
    assert len({c.uuid for c in cards}) == len(cards)


def test_folfox_drafted_as_its_drugs_after_it_stopped_is_warned_of_once() -> None:
    """The review's example: one warning naming oxaliplatin and FOLFOX, listing the options."""
    data = {"cancer": "rectum", "stage": "4", "metastases": ["liver"],
            "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]}  # fmt: skip
    (card,) = order_cards_of(data, ["oxaliplatin", "fluorouracil", "leucovorin"])
    assert card.indicator == "warning"
    assert card.summary == ("Oxaliplatin and FOLFOX: not suitable here, FOLFOX stopped working "
                            "for this patient"), card.summary
    assert "- **CAPOX (XELOX) chemotherapy**: not suitable" in card.detail
    assert {link.url.rsplit("/", 1)[1] for link in card.links} >= {"oxaliplatin", "folfox"}


PART_OF = re.compile(r"([\w-]+)(?: \(part of ([^)]*)\)|, part of ([^,.;]*)[,.;])")


@pytest.mark.parametrize("regimen", [r.id for r in KB.data.regimens])
def test_a_drug_is_not_said_part_of_a_regimen_named_by_it(regimen: str) -> None:
    """"Fluorouracil (part of fluorouracil with leucovorin)" read oddly (a clinician's review):
    for every regimen of the knowledge base, stopped working, and each drug drafted (its own,
    and those of their kind), no card says a drug is "part of" a regimen whose name names it;
    it says "in" it ("Fluorouracil (in fluorouracil with leucovorin) stopped working"). (The
    options' reasons and questions and the answer's notes, which the card lists, are the
    engine's words, of the same ``KnowledgeBase.part_of``: tests/test_engine.py.)"""
    name = KB.name_of(regimen)
    words = set(re.findall(r"[\w-]+", name.lower()))
    drugs = sorted(d.id for d in KB.data.drugs)
    for cancer in ["rectum", "stomach", "cervix"]:
        data = {"cancer": cancer, "stage": "4", "prior_treatments": [regimen],
                "progressed_on": [regimen]}  # fmt: skip
        result = evaluate(parse_profile(data, KB), KB)
        situation = _situation(result)
        for drug in drugs:
            for card in cardlib.order_select(situation, [cardlib.Drafted(
                    order="MedicationRequest/d", drug=drug)], KB):  # fmt: skip
                # (the card's own sentences: its list's options, reasons, questions and notes
                # are the engine's words)
                text = "\n".join([card.summary, *(line for line in card.detail.splitlines()
                                                   if not line.startswith("- "))])
                for found in PART_OF.finditer(text):
                    whole = found[2] or found[3]
                    if whole == name:
                        assert found[1].lower() not in words, (drug, found[0], card.summary)
    drug = KB.by_id[regimen].components[0]  # type: ignore[union-attr]
    said = f"{KB.name_of(drug)} ({KB.part_of([drug], regimen)})"
    assert said == (f"{KB.name_of(drug)} (in {name})" if KB.name_of(drug).lower() in name.lower()
                    else f"{KB.name_of(drug)} (part of {name})"), said


def test_fluorouracil_stopped_in_its_mix_with_leucovorin_is_said_in_it() -> None:
    (card,) = order_cards({"cancer": "rectum", "stage": "4",
                           "prior_treatments": ["fluorouracil-leucovorin"],
                           "progressed_on": ["fluorouracil-leucovorin"]}, "fluorouracil")
    assert card.summary.startswith("Fluorouracil (in fluorouracil with leucovorin) stopped "
                                   "working"), card.summary


def test_a_drug_ruled_out_by_what_its_option_gives_with_it_says_so() -> None:
    """Paclitaxel drafted after ramucirumab stopped working (the stomach option of paclitaxel
    gives it with ramucirumab) read "not suitable here, ramucirumab stopped working", as if
    paclitaxel had been judged on its own (a review): the card says what it is given with."""
    (card,) = order_cards({"cancer": "stomach", "stage": "4", "prior_treatments": ["ramucirumab"],
                           "progressed_on": ["ramucirumab"]}, "paclitaxel")  # fmt: skip
    assert card.summary == ("Paclitaxel: not suitable here, it is given with ramucirumab, and "
                            "ramucirumab stopped working for this patient"), card.summary
    (card,) = order_cards({"cancer": "rectum", "stage": "4", "metastases": ["liver"],
                           "prior_treatments": ["FOLFOX"], "progressed_on": ["FOLFOX"]},
                          "oxaliplatin")  # fmt: skip
    assert card.summary == "Oxaliplatin: not suitable here, FOLFOX stopped working for this patient"


@pytest.mark.parametrize(("listed", "said"), [
    ({"cannot_have": ["FOLFIRI"], "prior_treatments": ["capecitabine"],
      "progressed_on": ["capecitabine"]},
     "FOLFIRI: not suitable here, the record says this patient cannot have FOLFIRI"),
    ({"cannot_have": ["capecitabine"], "prior_treatments": ["FOLFIRI"],
      "progressed_on": ["FOLFIRI"]},
     "FOLFIRI: not suitable here, FOLFIRI stopped working for this patient")])  # fmt: skip
def test_a_regimen_of_orders_drafted_together_is_not_hidden_by_a_drug_of_another_concern(
    listed: dict[str, list[str]], said: str
) -> None:
    """FOLFIRI drafted as its three drugs, for one who cannot have FOLFIRI (or after it stopped
    working): its card was hidden because fluorouracil had a warning of another concern (of the
    kind of capecitabine, which stopped or cannot be had; a review). It is hidden only when it
    would say again only what its drugs' cards say, that they are of a listed drug's kind."""
    data = {"cancer": "rectum", "stage": "4", "metastases": ["liver"], **listed}
    summaries = [c.summary for c in order_cards_of(data, ["fluorouracil", "leucovorin",
                                                          "irinotecan"])]  # fmt: skip
    assert said in summaries, summaries
    assert any(s.startswith("Fluorouracil:") and "of the same kind" in s for s in summaries)


STOMACH_STAGE_4 = records.SITUATIONS["stomach-stage4-her2-unknown"]


@pytest.mark.parametrize("reason", ["not-tolerated", "progressed"])
def test_a_drug_no_option_gives_is_warned_of_by_what_the_record_says(
        client: Client, reason: str) -> None:  # fmt: skip
    """Cisplatin drafted for a stomach cancer whose record says cisplatin was not tolerated got
    no card: no stomach option gives cisplatin, and the card stopped there, before it read the
    record (a review). Over every drug with an RxNorm code that no stomach option gives: on
    record as not tolerated, or as stopped working, its order gets a warning that says so; on
    record as neither, no card."""
    in_scope = {o.id for o in offered_result(STOMACH_STAGE_4).options}
    drugs = [d for d in KB.data.drugs if d.rxnorm
             and not any(o.id in in_scope for o in KB.options_using(d.id))]  # fmt: skip
    assert len(drugs) >= 10
    said = "cannot have" if reason == "not-tolerated" else "stopped working"
    for drug in drugs:
        draft = records.draft_order(f"draft-{drug.id}", drug.rxnorm, drug.name)
        had = records.medication_request(f"had-{drug.id}", drug.rxnorm, drug.name, "stopped",
                                          reason)  # fmt: skip
        resources = [*STOMACH_STAGE_4, had]
        call = hook_call("order-select", records.prefetch(resources), drafts=[draft])
        (card,) = cards_of(post(client, ORDER_SELECT, call))
        assert card["indicator"] == "warning", drug.id
        assert card["summary"] == f"{drug.name[0].upper()}{drug.name[1:]}: the record says " + (
            f"this patient cannot have {drug.name}" if said == "cannot have"
            else f"{drug.name} stopped working"), card["summary"]  # fmt: skip
        call = hook_call("order-select", records.prefetch(STOMACH_STAGE_4), drafts=[draft])
        assert cards_of(post(client, ORDER_SELECT, call)) == [], drug.id


def test_a_drug_of_a_regimen_that_stopped_is_warned_of_when_no_option_gives_it(
        client: Client) -> None:  # fmt: skip
    """Oxaliplatin drafted after FOLFOX stopped working, for a stomach cancer: no stomach option
    gives oxaliplatin; the record says it stopped, as part of FOLFOX (rule 1)."""
    resources = [*STOMACH_STAGE_4, *records.folfox_stopped()]
    call = hook_call("order-select", records.prefetch(resources), drafts=[OXALIPLATIN])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"] == ("Oxaliplatin: the record says oxaliplatin (part of FOLFOX) "
                               "stopped working")
    assert card["overrideReasons"]


@pytest.mark.parametrize("text", ["oxaliplatin, leucovorin, fluorouracil",
                                  "Oxaliplatin + Leucovorin + Fluorouracil (FOLFOX)",
                                  "leucovorin and fluorouracil and oxaliplatin"])  # fmt: skip
def test_a_drafted_order_naming_its_drugs_together_is_read_as_they_are(
        client: Client, text: str) -> None:  # fmt: skip
    """A drafted order whose words name several drugs given together ("oxaliplatin, leucovorin,
    fluorouracil") named no drug, and got no card after FOLFOX stopped working, where "mFOLFOX6"
    warned (a review): it is the regimen they make, with FOLFOX's card."""
    named = records.draft_order("draft-folfox", "", text)
    del named["medicationCodeableConcept"]["coding"]
    named["medicationCodeableConcept"]["text"] = text
    by_name = records.draft_order("draft-folfox", "", "mFOLFOX6")
    del by_name["medicationCodeableConcept"]["coding"]
    by_name["medicationCodeableConcept"]["text"] = "mFOLFOX6"
    (card,) = order_select(client, "rectal-stage4-folfox-progressed", named)
    (same,) = order_select(client, "rectal-stage4-folfox-progressed", by_name)
    assert card["summary"] == same["summary"] and card["indicator"] == "warning", card["summary"]


@pytest.mark.parametrize("value", ["Oxaliplatin", ["Oxaliplatin"], 5])
@pytest.mark.parametrize("name", ["medicationCodeableConcept", "medicationReference"])
def test_a_drafted_order_whose_medication_is_not_an_object_is_refused(
        client: Client, name: str, value: Any) -> None:  # fmt: skip
    """A selected order's medication given as text or a list (not FHIR) answered no card: the
    drug not checked, and no word (a review). It is a 422 naming the element."""
    draft = records.draft_order("draft-oxaliplatin", "32592", "Oxaliplatin")
    del draft["medicationCodeableConcept"]
    draft[name] = value
    call = hook_call("order-select", records.prefetch(records.SITUATIONS[
        "rectal-stage4-folfox-progressed"]), drafts=[draft])  # fmt: skip
    problem = problem_of(post(client, ORDER_SELECT, call), 422)
    assert problem["errors"][0]["field"] == f"context.draftOrders.entry[0].resource.{name}"
    assert "could not be checked" in problem["detail"]


def test_a_drug_a_stopped_regimen_only_builds_on_gets_no_record_card(client: Client) -> None:
    """After FOLFOX stopped, for a stomach cancer (no stomach option gives these drugs),
    leucovorin drafted alone was warned of as having stopped working, and FOLFIRI drafted as
    three orders got three warnings (a review of the change): a drug of a regimen that stopped
    is said to have stopped only when it makes the regimen what it is (oxaliplatin of FOLFOX),
    as the options read it; FOLFIRI after FOLFOX, which gives fluorouracil and leucovorin again,
    is how it is given."""
    resources = [*STOMACH_STAGE_4, *records.folfox_stopped()]
    leucovorin = records.draft_order("draft-leucovorin", "1803932", "Leucovorin")
    for drafts in ([leucovorin], [leucovorin, FLUOROURACIL, IRINOTECAN]):
        call = hook_call("order-select", records.prefetch(resources), drafts=drafts)
        made = cards_of(post(client, ORDER_SELECT, call))
        assert not [c for c in made if "the record says" in c["summary"]
                    and "stopped working" in c["summary"]], [c["summary"] for c in made]


def test_a_card_of_a_result_not_on_record_names_the_resources_that_name_it(
    client: Client,
) -> None:
    """HER2 named only in a report's conclusion ("HER2 (IHC): 3+ POSITIVE") and as a panel's
    part: the reading warns of both, and the cards had said only "HER2 not on record", the order
    card of drafted trastuzumab too: a clinician with a pathology report saying 3+ positive was
    told to test (a review of the API). Each card names them; it is still not read."""
    report = {"resourceType": "DiagnosticReport", "id": "dr", "status": "final",
              "subject": records.SUBJECT,
              "code": {"coding": [records.coding("http://loinc.org", "60567-5", "Pathology")]},
              "conclusion": "Adenocarcinoma. HER2 (IHC): 3+ POSITIVE"}  # fmt: skip
    resources = [*records.SITUATIONS["stomach-stage4-her2-unknown"], report]
    call = hook_call("patient-view", records.prefetch(resources))
    made = cards_of(post(client, PATIENT_VIEW, call))
    (her2,) = [c for c in made if c["summary"].startswith("HER2 not on record")]
    assert "- The record names it in DiagnosticReport/dr, which onconav does not read" in her2[
        "detail"], her2["detail"]  # fmt: skip
    trastuzumab = records.draft_order("draft-trastuzumab", "224905", "trastuzumab")
    call = hook_call("order-select", records.prefetch(resources), drafts=[trastuzumab])
    (card,) = cards_of(post(client, ORDER_SELECT, call))
    assert card["summary"].startswith("Trastuzumab: HER2 not on record"), card["summary"]
    assert "DiagnosticReport/dr" in card["detail"], card["detail"]


def _test_not_read(marker: str, status: str, **value: Any) -> dict[str, Any]:
    """A HER2 (48676-1) or KRAS (21702-6) test of this cancer's whose result is not read."""
    code = records.coding("http://loinc.org", *(
        ("48676-1", "HER2 [Interpretation] in Tissue") if marker == "her2" else
        ("21702-6", "KRAS gene mutations found [Identifier]")))  # fmt: skip
    resource = records.observation(f"{marker}-test", code, **value)
    resource["status"] = status
    return resource


POSITIVE = {"valueCodeableConcept": {"coding": [records.coding("http://loinc.org", "LA6576-8",
                                                                "Positive")]}}  # fmt: skip
# every test of a result the reading names as not read, with the reason it gives, and the words
# of the summaries: each status of a result still to come (``reader.PENDING``) and one not read
NOT_READ = [
    *[(marker, status, {}, "no final result yet", "result pending")
      for marker in ("her2", "kras") for status in sorted(PENDING)],
    ("her2", "preliminary", POSITIVE, "no final result yet", "result pending"),
    ("her2", "final", {"valueString": "equivocal 2+ pending FISH"},
     "a result onconav cannot read", "result not readable"),
    ("kras", "final", {"valueString": "see the report"}, "a result onconav cannot read",
     "result not readable"),
]  # fmt: skip
TESTED_DRUGS = {"her2": [records.draft_order("draft-trastuzumab", "224905", "trastuzumab")],
                "kras": [CETUXIMAB, records.draft_order("draft-panitumumab", "263034",
                                                        "Panitumumab")]}  # fmt: skip


@pytest.mark.parametrize(("marker", "status", "value", "why", "held"), NOT_READ)
def test_a_test_on_record_whose_result_is_not_read_is_said_with_the_readings_reason(
    client: Client, marker: str, status: str, value: dict[str, Any], why: str, held: str,
) -> None:
    """A HER2 test registered, preliminary (even positive), of status unknown, or with a result
    onconav cannot read ("equivocal 2+ pending FISH"), and the same of KRAS: the reading's
    warning said "no final result yet" (or "a result onconav cannot read"), but the not-on-record
    card and the order card of trastuzumab (cetuximab, panitumumab) said the record names it in
    a resource "which onconav does not read (a code it does not know, a panel's part or a
    report's words)", and "HER2 not on record; a HER2 test decides", as if a test were to be
    ordered while one is running (a review of the API). Each card gives the reading's own reason
    and says a test is on record."""
    test = _test_not_read(marker, status, **value)
    situation = ("stomach-stage4-her2-unknown" if marker == "her2" else
                 "rectal-stage4-kras-unknown")  # fmt: skip
    resources = [*records.SITUATIONS[situation], test]
    ref = f"Observation/{test['id']}"
    name = marker.upper()
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view",
                                                         records.prefetch(resources))))
    # (the options card's note, the reading's warning, as it was)
    assert md_escape(f"{name} tests on record are not read: {ref} ({why})") in made[0]["detail"]
    (card,) = [c for c in made if c["summary"].startswith(name)]
    assert card["summary"].startswith(f"{name} test on record, {held}: its result would decide")
    ordered = [c for drug in TESTED_DRUGS[marker] for c in cards_of(post(
        client, ORDER_SELECT, hook_call("order-select", records.prefetch(resources),
                                        drafts=[drug])))]  # fmt: skip
    assert len(ordered) == len(TESTED_DRUGS[marker])  # a card for each drug
    for said in [card, *ordered]:
        assert f"{ref} ({why})" in said["detail"], said["detail"]
        assert "a code it does not know" not in said["detail"], said["detail"]
        assert "not on record" not in said["summary"], said["summary"]
        assert len(said["summary"]) < 140
    assert said["summary"].endswith(f"{name} test on record, {held}; its result decides whether "
                                    "it suits"), said["summary"]  # fmt: skip


def test_the_reading_names_each_test_not_read_with_its_reason() -> None:
    """``FhirReading.named`` gives each resource that names a result not read the reason it is
    not read, and none ("") to one that only names it (a report's conclusion): the cards take
    them from there (they had been read back out of the warning's words)."""
    from onconav.fhir import read_resources

    report = {"resourceType": "DiagnosticReport", "id": "dr", "status": "final",
              "subject": records.SUBJECT,
              "code": {"coding": [records.coding("http://loinc.org", "60567-5", "Pathology")]},
              "conclusion": "Adenocarcinoma. HER2 (IHC): 3+ POSITIVE"}  # fmt: skip
    pending = _test_not_read("her2", "preliminary")
    resources = [*records.SITUATIONS["stomach-stage4-her2-unknown"], report, pending]
    reading = read_resources(resources, load_kb())
    assert reading.named == {"biomarkers.her2": {"DiagnosticReport/dr": "",
                                                 "Observation/her2-test": "no final result yet"}}


# pydantic's own words, which a problem document of the service had sent as they were
PYDANTIC_WORDS = re.compile(r"(?i)input should|should have|field required|after validation|"
                            r"value error|valid string|valid integer|type=")


def _call_with(hook: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    call = hook_call(hook, records.prefetch(records.SITUATIONS["stomach-stage4-her2-unknown"]),
                     drafts=[CETUXIMAB] if hook == "order-select" else None)  # fmt: skip
    holder = call
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return call


@pytest.mark.parametrize(("hook", "path", "value"), [
    (hook, path, value)
    for hook, path in [("patient-view", ("hook",)), ("patient-view", ("hookInstance",)),
                       ("patient-view", ("context",)), ("patient-view", ("context", "userId")),
                       ("patient-view", ("context", "patientId")),
                       ("order-select", ("context", "selections")),
                       ("order-select", ("context", "draftOrders")),
                       ("patient-view", ("prefetch",)), ("patient-view", ("fhirServer",))]
    for value in (5, [], {}, None, True, "", [5])
])  # fmt: skip
def test_every_field_refused_is_said_in_onconavs_words_with_what_it_accepts(
    client: Client, hook: str, path: tuple[str, ...], value: Any
) -> None:
    """Whatever a field of a call is given wrong, each error names the field and what it
    accepts, in onconav's words: ``context.selections: []`` had said "List should have at least
    1 item after validation, not 0", ``context.userId: 5`` "Input should be a valid string"
    (pydantic's words; a review of the API). As the API words a value refused: "is not
    accepted; accepted: ..."."""
    response = post(client, PATIENT_VIEW if hook == "patient-view" else ORDER_SELECT,
                    _call_with(hook, path, value))  # fmt: skip
    if response.status_code in (200, 412):
        return  # a value the field takes (no prefetch: fetched, or 412 with no fhirServer)
    problem = problem_of(response, 422)
    assert problem["errors"], problem
    for error in problem["errors"]:
        assert error["field"] and error["accepted"], problem
        assert not PYDANTIC_WORDS.search(error["message"]), problem
        assert not PYDANTIC_WORDS.search(problem["detail"]), problem


def test_the_fields_of_the_review_are_said_plainly(client: Client) -> None:
    """The two of the review, word for word."""
    call = _call_with("order-select", ("context", "selections"), [])
    (error,) = problem_of(post(client, ORDER_SELECT, call), 422)["errors"]
    assert error == {"field": "context.selections", "value": None,
                     "accepted": ["at least 1 item"],
                     "message": "has 0 items; give at least 1 item"}  # fmt: skip
    call = _call_with("patient-view", ("context", "userId"), 5)
    (error,) = problem_of(post(client, PATIENT_VIEW, call), 422)["errors"]
    assert error == {"field": "context.userId", "value": None, "accepted": ["text"],
                     "message": "is not accepted; accepted: text"}  # fmt: skip


@pytest.mark.parametrize(("body", "field", "accepted"), [
    (b'{"hook":', "body", ["a JSON object"]),
    (b'{"hook": NaN}', "body", ["a JSON object"]),
    (b"[" * 1200 + b"]" * 1200, "body", ["a JSON object"]),
    (b"[1]", "body", ["a JSON object"]),
    ('{"hook": "patient-view é"}'.encode("latin-1"), "body", ["UTF-8 text"]),
    ('{"hook": "patient-view"}'.encode("utf-16"), "body", ["UTF-8 text"]),
    (b'{"hook": "patient-view", "hook": "order-select"}', "hook", ["each key once"]),
])  # fmt: skip
def test_a_call_that_cannot_be_read_names_the_body(
    client: Client, body: bytes, field: str, accepted: list[str]
) -> None:
    """A call not JSON, not UTF-8 or not an object, with a valid token, was a 400 (or 422) with
    "errors": []: it names the body and what is accepted, as the API names the profile."""
    response = client.post(PATIENT_VIEW, content=body, headers={
        "authorization": f"Bearer {token(PATIENT_VIEW)}", "content-type": "application/json"})
    assert response.status_code in (400, 422), response.text
    (error,) = response.json()["errors"]
    assert (error["field"], error["accepted"]) == (field, accepted), error


@pytest.mark.parametrize(("kind", "refused"), [
    ("banana", "not a valid FHIR R4 Bundle: type 'banana' is not a Bundle type"),
    (None, "not a valid FHIR R4 Bundle: type is required; accepted: a Bundle type ("),
    (5, "not a valid FHIR R4 Bundle: type is not accepted; accepted: a Bundle type ("),
    ("transaction", "is 'transaction': a prefetch key holds a search's answer"),
    ("history", "is 'history': a prefetch key holds a search's answer"),
    ("searchset", None), ("collection", None),
])  # fmt: skip
@pytest.mark.parametrize("key", ["conditions", "observations"])
def test_a_prefetch_bundle_of_a_type_no_search_answers_is_422(
    client: Client, key: str, kind: object, refused: str | None
) -> None:
    """A prefetch Bundle of type "banana" was read with no word, where the command line refuses
    the type naming bundle.type (a review of the FHIR input). Each key's Bundle is refused in the
    command line's words, naming the key's type; a searchset, and a collection (the same entries,
    read as the command line reads them), are read alike."""
    resources = records.SITUATIONS["rectal-stage4-folfox-progressed"]
    prefetch = records.prefetch(resources)
    value = {**prefetch[key], "type": kind} if kind is not None else {
        k: v for k, v in prefetch[key].items() if k != "type"}  # fmt: skip
    response = post(client, PATIENT_VIEW, hook_call("patient-view", {**prefetch, key: value}))
    if refused is None:
        assert summaries(response) == summaries(post(
            client, PATIENT_VIEW, hook_call("patient-view", prefetch)))  # fmt: skip
        return
    (error,) = problem_of(response, 422)["errors"]
    assert error["field"] == f"prefetch.{key}.type", error
    assert error["message"].startswith(refused) and error["accepted"] == [
        "searchset", "collection"], error  # fmt: skip
    # a Bundle's type is never the patient's: given back, as the API gives a value refused
    # (it was null)
    assert error["value"] == kind, error


@given(st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=12),
                 st.sampled_from(["banana", "transaction", "history", "searchset", "", " ",
                                  "search set", "searchset "]),
                 st.lists(st.text(max_size=3), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
@settings(max_examples=150, deadline=None)
def test_a_prefetch_bundle_type_is_refused_in_the_command_lines_words(kind: Any) -> None:
    """Whatever a prefetch Bundle's type is, where the command line refuses it (reading the
    Bundle whole: ``fhir.read_bundle``) the CDS Hooks service refuses it in the same words,
    naming the key's type: a Bundle with no type was "type None is not a Bundle type" here and
    "type is required; accepted: a Bundle type (...)" there."""
    bundle = {"resourceType": "Bundle", "entry": []} | ({} if kind is None else {"type": kind})
    try:
        read_bundle(bundle, KB)
        cli = None
    except FhirError as error:  # its type, or (a Bundle type) no cancer on record
        cli = next((p.message for p in error.problems if p.field == "bundle.type"), None)
    try:
        gather({"conditions": bundle}, records.PATIENT)
        cds = None
    except PrefetchError as error:
        assert error.field == "prefetch.conditions.type", error.field
        cds = error.message
    if cli is not None:
        assert cds == cli
    else:  # a Bundle type: refused here only if no search answers it
        assert (cds is None) == (kind in ("searchset", "collection")), cds
        assert "None" not in (cds or "")


NOT_READ_AS_THE_CANCER = ["History of rectal cancer", "Suspected gastric cancer",
                          "Rectal cancer, no evidence of disease", "Cancer-related pain"]
NO_CANCER_WORDS = ["Age-related macular degeneration", "Essential hypertension",
                   "Family history of colon cancer", "Hereditary risk of breast cancer",
                   "Malignant hypertension", "Carcinoma in situ of rectum"]  # fmt: skip


@pytest.mark.parametrize("words", NOT_READ_AS_THE_CANCER + NO_CANCER_WORDS)
def test_a_malignancy_in_words_not_read_as_the_cancer_gets_the_could_not_read_card(
    client: Client, words: str
) -> None:
    """A Condition whose words name a malignancy, not read as the person's cancer ("Metastatic
    rectal adenocarcinoma" had been so, in a record system's own code), answered no card, as for
    a person with no cancer: the mistake was silent (a review of the FHIR input). It gets the
    "could not read the cancer" card naming the Condition and its words; a chart whose words name
    no malignancy of the person's (a relative's, a risk) still gets none."""
    condition = records.condition("local", records.coding(
        "urn:oid:1.2.840.114350.1.13.0.1.7.2.696871", "12345", words))  # fmt: skip
    call = hook_call("patient-view", records.prefetch([records.patient(), condition]))
    made = cards_of(post(client, PATIENT_VIEW, call))
    if words in NO_CANCER_WORDS:
        assert made == []
        return
    (card,) = made
    assert card["summary"] == "onconav could not read the cancer on record; no options are shown"
    assert card["indicator"] == "info"
    assert "Condition/local names a malignancy in its words" in card["detail"], card["detail"]
    assert words in card["detail"].replace("\\", "")


@pytest.mark.parametrize("words", ["Metastatic rectal adenocarcinoma",
                                   "Rectal cancer w/ liver mets",
                                   "Rectal cancer, no liver metastases"])  # fmt: skip
def test_a_local_code_whose_text_repeats_its_display_gets_the_cancers_cards(
    client: Client, words: str
) -> None:
    """A record system's own code for the cancer, its text repeating its display "Metastatic
    rectal adenocarcinoma", answered 200 {"cards": []}, as for a person with no cancer (a review
    of the FHIR input): the cards are the rectal cancer's, as the command line reads it."""
    condition = records.condition("local", records.coding(
        "urn:oid:1.2.840.114350.1.13.0.1.7.2.696871", "12345", words))  # fmt: skip
    condition["code"]["text"] = words
    resources = [records.patient(), condition, records.stage_4()]
    made = cards_of(post(client, PATIENT_VIEW, hook_call("patient-view",
                                                         records.prefetch(resources))))
    assert made and made[0]["summary"].startswith("Rectal cancer"), [c["summary"] for c in made]
