"""The CDS Hooks 2.0 service in the app: a record system's patient in, cards out.

- ``GET /cds-services``: discovery, the ``patient-view`` and ``order-select`` services with their
  prefetch templates;
- ``POST /cds-services/{id}``: the record's data from the prefetch (what is missing fetched from
  ``fhirServer``; 412 when it can be neither), read by the FHIR mapping (``onconav.fhir``) into a
  profile, evaluated by the core, and turned into cards (``onconav.cdshooks.cards``);
- ``POST /cds-services/{id}/feedback``: the record system's feedback on a card, checked, 200.

Every call carries the record system's JWT (``onconav.cdshooks.auth``) unless the development
setting turns that off. Errors are problem documents (RFC 9457) of the API's shape
(``onconav.web.problems``: each field error with its field, value, what is accepted and a message;
the value null where it may be the patient's: only a code of a field that never holds the
patient's data is given back, ``ECHOED``), never a 500 for bad input; the log
holds the method, path, status and time (the app's request log) and counts, never patient data.
These routes follow the CDS Hooks specification rather than the API's OpenAPI document, and are
left out of it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from onconav.cdshooks import cards, orders
from onconav.cdshooks.auth import Authenticator, AuthError
from onconav.cdshooks.fetch import FetchError, fetch
from onconav.cdshooks.models import (
    Card,
    CdsRequest,
    CdsResponse,
    CdsService,
    Discovery,
    FeedbackRequest,
    OrderSelectContext,
    PatientViewContext,
    dump,
)
from onconav.cdshooks.prefetch import (
    MEDICATION_READS,
    TEMPLATES,
    Gathered,
    PrefetchError,
    accepted_for,
    bundle_placed,
    checked,
    gather,
    medication_references,
    medications_named,
    orders_unread,
    queries,
)
from onconav.cdshooks.settings import CdsSettings
from onconav.engine import evaluate
from onconav.fhir import FhirError, drugs_of_medication, fhir_json, read_resources
from onconav.kb import KnowledgeBase
from onconav.profile import Problem, ProfileError, at_most, parse_profile
from onconav.reading import field_name
from onconav.web.body import body_text
from onconav.web.form import query_of
from onconav.web.problems import (
    FieldError,
    accepted_by,
    accepted_when_missing,
    detail_of,
    field_errors,
    not_allowed,
    not_json,
    problem,
    refused_words,
)

log = logging.getLogger("onconav.cdshooks")
PATIENT_VIEW, ORDER_SELECT = "onconav-patient-view", "onconav-order-select"
SERVICES = {
    PATIENT_VIEW: CdsService(
        hook="patient-view",
        title="onconav: every treatment option for advanced cancer",
        description="When a patient's record is opened: the treatment options that onconav's "
        "patient-education sources describe for the cancer on record (offered, needing "
        "information), and the facts not on record that would decide the most options (such "
        "as a HER2 or KRAS test), each with its sources and a link to the onconav page.",
        id=PATIENT_VIEW,
        prefetch=TEMPLATES,
    ),
    ORDER_SELECT: CdsService(
        hook="order-select",
        title="onconav: a drafted cancer drug against the record",
        description="When a drug is selected in an order: whether the options that give it "
        "suit the patient's record (a KRAS mutation for cetuximab or panitumumab, a drug that "
        "stopped working or that the patient cannot have), or which test result would decide.",
        id=ORDER_SELECT,
        prefetch=TEMPLATES,
    ),
}
CONTEXTS: dict[str, type[PatientViewContext] | type[OrderSelectContext]] = {
    "patient-view": PatientViewContext,
    "order-select": OrderSelectContext,
}
INSECURE_WARNING = (
    "CDS Hooks authentication is OFF (development setting ONCONAV_CDS_INSECURE): any caller "
    "that reaches this server can call the CDS services and make it fetch from any FHIR server. "
    "Never run it like this with patient data."
)


HTTPS_ONLY = (
    "must be an https URL: the access token and the patient's record would cross the network "
    "in the clear (http only with the development setting ONCONAV_CDS_INSECURE)"
)


# The share of the call's deadline that the drafted orders' Medications are read within (best
# effort, before the record's searches, which have the rest).
DRAFTED_SHARE = 0.5


class Unavailable(Exception):
    """The record's data can be neither taken from the prefetch nor fetched: 412, with a field
    error for each prefetch key that could not be taken (``problems``)."""

    def __init__(self, reason: str, problems: list[Problem]) -> None:
        super().__init__(reason)
        self.problems = problems


# What a 412 of a FHIR server that failed names as accepted
ANSWERING = ("a FHIR R4 server that answers the searches and reads of the prefetch templates "
             "(GET /cds-services)",)  # fmt: skip


Call = TypeVar("Call", bound=BaseModel)


def add_cds_hooks(app: FastAPI, kb: KnowledgeBase, settings: CdsSettings) -> None:
    """Mount the discovery, service and feedback routes on ``app``."""
    auth = Authenticator(settings) if settings.auth else None
    # httpx logs each request's URL at INFO; a FHIR search's URL holds the patient's id.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if auth is None:
        log.warning("!" * 20 + " " + INSECURE_WARNING + " " + "!" * 20)
    elif not settings.clients:
        log.info("CDS Hooks: no trusted record system is configured (ONCONAV_CDS_CLIENTS); "
                 "every call to /cds-services will be refused")  # fmt: skip

    async def refused(request: Request, path: str) -> Response | None:
        if auth is None:
            return None
        base = settings.public_url or str(request.base_url)
        try:
            await auth.check(request.headers.get("authorization"), base.rstrip("/") + path)
        except AuthError as error:
            # RFC 6750 3.1: no error code for a request that sent no credentials
            code = f', error="{error.code}"' if error.code else ""
            return problem(401, error.reason, headers={
                "WWW-Authenticate": f'Bearer realm="onconav-cds-hooks"{code}'})  # fmt: skip
        return None

    async def called(request: Request, service_id: str, path: str,
                     model: type[Call]) -> Call | Response:  # fmt: skip
        """What every call to a service passes first: the caller's token, a service we have, a
        JSON body within the limit that ``model`` reads; else the problem to answer with."""
        denied = await refused(request, path)
        if denied:
            return denied
        if service_id not in SERVICES:
            return _unknown(service_id)
        body = await read_json(request, settings.max_body_bytes)
        if isinstance(body, Response):
            return body

        def validated() -> Call | Response:
            try:
                return model.model_validate(body)
            except ValidationError as error:
                return invalid(error, model)

        return await run_in_threadpool(validated)  # 16 MiB of JSON takes a while

    @app.api_route("/cds-services", methods=["GET", "HEAD"], include_in_schema=False)
    async def discovery(request: Request) -> Response:
        return await refused(request, "/cds-services") or answer(
            Discovery(services=list(SERVICES.values()))
        )

    @app.post("/cds-services/{service_id}", include_in_schema=False)
    async def service(service_id: str, request: Request) -> Response:
        call = await called(request, service_id, f"/cds-services/{service_id}", CdsRequest)
        if isinstance(call, Response):
            return call
        known = SERVICES[service_id]
        if settings.auth and call.fhirServer and urlsplit(call.fhirServer).scheme != "https":
            # CDS Hooks 2.0: "MUST be https when production data is exchanged"; over http the
            # access token and the record would cross the network in the clear
            return problem(422, f"fhirServer: {HTTPS_ONLY}",
                           _errors([Problem("fhirServer", None, ("an https URL",),
                                            HTTPS_ONLY)]))  # fmt: skip
        if call.hook != known.hook:  # the hook sent not repeated: a call's words may be the
            # patient's, and it was given back whole (5,000 characters, all of them)
            return problem(
                422,
                f"This service answers the {known.hook} hook, not the one the call gives.",
                _errors([Problem("hook", call.hook, (known.hook,), f"must be {known.hook}")]),
            )
        try:
            context = CONTEXTS[known.hook].model_validate(call.context)
        except ValidationError as error:
            return invalid(error, CONTEXTS[known.hook], "context")
        base = (settings.public_url or str(request.base_url)).rstrip("/")
        try:
            if isinstance(context, OrderSelectContext):
                made = await _order_select(call, context, kb, settings, base)
            else:
                made = await _patient_view(call, context, kb, settings, base)
        except PrefetchError as error:
            return problem(422, str(error), _errors([
                Problem(error.field, error.value, error.accepted, error.message)]))  # fmt: skip
        except (Unavailable, FetchError) as error:
            # each key that could not be taken, or the FHIR server that failed, named with what
            # is accepted (every 412 had "errors": [])
            if isinstance(error, FetchError):
                reason, problems = error.reason, [
                    Problem("fhirServer", None, ANSWERING, error.reason)]
            else:
                reason, problems = str(error), error.problems
            return problem(412, f"The patient's data could not be prefetched or fetched: "
                           f"{reason}", _errors(problems))  # fmt: skip
        log.info("CDS Hooks %s: %d card(s)", known.hook, len(made))
        return answer(CdsResponse(cards=made))

    async def not_posted(request: Request) -> Response:
        """A service is called by POST: any other method to a service is a 405 saying so, and
        to a service that does not exist a 404 naming the services, as a POST there is (it was
        a 405 "Allow: POST"); the token is asked for first, as for a POST. (A route of every
        method, ``methods=None``, after the POST routes: a POST matches those first.)"""
        service_id = request.path_params["service_id"]
        denied = await refused(request, request.url.path)
        if denied:
            return denied
        if service_id not in SERVICES:
            return _unknown(service_id)
        return not_allowed(request.method, ["POST"], {"Allow": "POST"})

    @app.post("/cds-services/{service_id}/feedback", include_in_schema=False)
    async def feedback(service_id: str, request: Request) -> Response:
        given = await called(request, service_id, f"/cds-services/{service_id}/feedback",
                             FeedbackRequest)  # fmt: skip
        if isinstance(given, Response):
            return given
        outcomes = [item.outcome for item in given.feedback]
        log.info("CDS Hooks feedback: %d accepted, %d overridden", outcomes.count("accepted"),
                 outcomes.count("overridden"))  # fmt: skip
        return Response(status_code=200)

    for path in ("/cds-services/{service_id}", "/cds-services/{service_id}/feedback"):
        app.router.routes.append(Route(path, _AnyMethod(not_posted), include_in_schema=False))


class _AnyMethod:
    """A route's endpoint that takes every method (Starlette gives a function's route GET only
    when it names none; an ASGI app's, every one)."""

    def __init__(self, handle: Callable[[Request], Awaitable[Response]]) -> None:
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)


async def _patient_view(
    call: CdsRequest, context: PatientViewContext, kb: KnowledgeBase, settings: CdsSettings,
    base: str,
) -> list[Card]:  # fmt: skip
    situation = await _situation(call, context.patientId, kb, settings, base)
    if not isinstance(situation, cards.Situation):
        return [situation] if situation is not None else []
    return cards.patient_view(situation, kb)


async def _order_select(
    call: CdsRequest, context: OrderSelectContext, kb: KnowledgeBase, settings: CdsSettings,
    base: str,
) -> list[Card]:  # fmt: skip
    now = asyncio.get_running_loop().time()
    deadline = now + settings.fetch_deadline  # for every fetch
    # a drafted order about another patient than the one in context is refused, as a prefetch
    # resource about another patient is (it was checked against this patient's record)
    checked(bundle_placed(context.draftOrders, "context.draftOrders"), context.patientId)
    orders.check_medications(context.draftOrders, context.selections)
    # Medication/ID on the server; read first, best effort, by half the deadline: one that is
    # late leaves its own drug not known, and the record's searches keep the other half (they
    # had none left, and the call was a 412)
    reads = orders.named(context.draftOrders, context.selections, call.fhirServer)
    fetched = await _medications(call, reads, context.patientId, settings,
                                 now + settings.fetch_deadline * DRAFTED_SHARE)  # fmt: skip
    drugs = orders.drafted(context.draftOrders, context.selections,
                           lambda concept: drugs_of_medication(concept, kb), fetched,
                           call.fhirServer)  # fmt: skip
    # an order whose Medication could not be read: its drug is not known, nor whether it suits
    unread = orders.unread(context.draftOrders, context.selections, fetched, call.fhirServer)
    if not drugs and not unread:
        return []  # no drug onconav knows is selected: nothing to check, nothing more fetched
    situation = await _situation(call, context.patientId, kb, settings, base, deadline,
                                 list(reads.values()), fetched)  # fmt: skip
    if not isinstance(situation, cards.Situation):
        return [situation] if situation is not None else []
    made = cards.order_select(situation, drugs, kb)
    return [*made, cards.unchecked(situation, unread, kb, call.fhirServer is not None)] if (
        unread) else made  # fmt: skip


async def _situation(
    call: CdsRequest, patient_id: str, kb: KnowledgeBase, settings: CdsSettings, base: str,
    deadline: float | None = None, asked: Sequence[str] = (),
    fetched: Sequence[dict[str, Any]] = (),
) -> cards.Situation | Card | None:  # fmt: skip
    """The Result for the record's data, or the card that says why there is none (None when
    the record holds no cancer: nothing to say); every fetch
    by ``deadline`` (the event loop's time: the call's, by default from now). ``asked``: the
    Medications read already for the call (``Medication/ID``, the drafted orders'), and
    ``fetched`` what those reads found."""
    gathered = gather(call.prefetch, patient_id)
    resources = gathered.resources
    if deadline is None:
        deadline = asyncio.get_running_loop().time() + settings.fetch_deadline
    if gathered.missing and call.fhirServer is None:
        raise _unavailable(gathered)
    not_supported: list[str] = []
    if gathered.missing and call.fhirServer is not None:
        wanted = queries(call.context, {key: TEMPLATES[key] for key in gathered.missing})
        searched = await fetch(call.fhirServer, call.fhirAuthorization, wanted, patient_id,
                               settings, deadline)  # fmt: skip
        resources, not_supported = resources + searched.resources, searched.not_supported
    # The drugs of orders that name a Medication. One read already made for the call is not
    # made again (what it found is used, if the record names it; a Medication it does not name
    # would be listed as read but not used), and the call makes MEDICATION_READS in all.
    held = {f"Medication/{r.get('id')}" for r in resources if r.get("resourceType") == "Medication"}
    needed = set(medication_references(resources, call.fhirServer)) - held
    resources = resources + [m for m in fetched if f"Medication/{m.get('id')}" in needed]
    named = medications_named(resources, call.fhirServer, asked, MEDICATION_READS - len(asked))
    resources = resources + await _medications(call, named, patient_id, settings, deadline)
    # what the record may hold and could not be read, for the cards to say
    incomplete = cards.Incomplete(not_supported, orders_unread(resources, call.fhirServer))
    # Reading a record of thousands of resources takes seconds: in a worker thread, so that the
    # server answers every other call meanwhile.
    return await run_in_threadpool(_read_and_evaluate, call, resources, kb, base, incomplete)


def _unavailable(gathered: Gathered) -> Unavailable:
    """The 412 of a prefetch whose keys ``gathered.missing`` could not be taken, with no
    fhirServer to fetch them from: each key named, with why (left out; an answer that reports an
    error, an OperationOutcome, named by its issues' codes: it had been said to be left out; a
    first page; fewer resources than its search found) and what it takes."""
    failed, paged, short = gathered.failed, gathered.paged, gathered.short
    why = {key: "is not given" for key in gathered.missing}
    for key, codes in failed.items():
        issue = f" (issue {', '.join(codes)})" if codes else ""
        why[key] = (f"reports an error{issue}, an OperationOutcome: its search did not run "
                    "whole")  # fmt: skip
    why |= {key: "is only a first page of its search (it links to a next page)" for key in paged}
    why |= {key: "holds fewer resources than its search found (its total)" for key in short}
    lacks = [key for key in gathered.missing if why[key] == "is not given"]
    said = ([f"the prefetch lacks {', '.join(lacks)}"] if lacks else []) + [
        f"the prefetch of {key} {why[key]}" for key in failed] + (
        [f"the prefetch of {', '.join(paged)} is only a first page (it links to a next page)"]
        if paged else []) + (
        [f"the prefetch of {', '.join(short)} holds fewer resources than its search found "
         "(its total)"] if short else [])  # fmt: skip
    them = "them" if len(gathered.missing) > 1 else "it"
    problems = [Problem(f"prefetch.{key}", None,
                        (*accepted_for(TEMPLATES[key]), "a fhirServer to fetch it from"),
                        f"{why[key]}, and the call gives no fhirServer to fetch it from")
                for key in gathered.missing]  # fmt: skip
    return Unavailable(f"{'; '.join(said)}, and the call gives no fhirServer to fetch {them} "
                       "from.", problems)  # fmt: skip


async def _medications(
    call: CdsRequest, reads: Mapping[str, str], patient_id: str, settings: CdsSettings,
    deadline: float,
) -> list[dict[str, Any]]:  # fmt: skip
    """The Medications ``reads`` name (``Medication/ID``), read from the call's ``fhirServer``
    by ``deadline`` as far as they can be: a read that fails or is late finds nothing (the
    fetch logs its key) and leaves its drug not known, no more; none without a server."""
    if not reads or call.fhirServer is None:
        return []
    found = await fetch(call.fhirServer, call.fhirAuthorization, reads, patient_id, settings,
                        deadline, each_as_found=True)  # fmt: skip
    return found.resources


def _read_and_evaluate(
    call: CdsRequest, resources: list[dict[str, Any]], kb: KnowledgeBase, base: str,
    incomplete: cards.Incomplete,
) -> cards.Situation | Card | None:  # fmt: skip
    try:
        reading = read_resources(resources, kb)
    except FhirError as error:
        # No Condition is a cancer (a record of macular degeneration only): CDS Hooks answers
        # no cards when there is nothing to say. A cancer on record that the reader could not
        # read (a provisional one), or another error of the reading: a card says why.
        if error.no_cancer:
            return None
        return cards.cancer_not_read(call.hookInstance, base, [p.message for p in error.problems],
                                     kb)  # fmt: skip
    try:
        profile = parse_profile(reading.data, kb)
    except ProfileError as error:
        fields = sorted({p.field for p in error.problems})
        log.warning("CDS Hooks: the record's reading was refused in %s", ", ".join(fields))
        return cards.unreadable(call.hookInstance, base, fields, kb)
    result = evaluate(profile, kb)
    return cards.Situation(
        result=result,
        hook_instance=call.hookInstance,
        base_url=base,
        page_url=f"{base}/options?{query_of(result.profile)}",
        read_from=reading.sources,
        # the Patient is who the record is about, not a fact left out: it is not counted
        unused=sum(not u.reference.startswith("Patient/") for u in reading.unused),
        warnings=list(reading.warnings),
        incomplete=incomplete,
        named=reading.named,
        genes_not_read=reading.genes_not_read,
    )


# -- requests and answers -----------------------------------------------------------------------


def answer(model: BaseModel) -> Response:
    return Response(json.dumps(dump(model), ensure_ascii=False), media_type="application/json")


async def read_json(request: Request, limit: int) -> Any:
    """The body as JSON, or the problem document that says why it cannot be read."""
    text = await body_text(request, limit, "the call", ("application/json",))
    if isinstance(text, Response):
        return text
    try:
        data = await run_in_threadpool(fhir_json, text, "")
    except FhirError as error:  # a key given twice: the parser would keep only the last
        errors = _errors(error.problems)
        detail = detail_of(errors)
        return problem(422, f"The call is not valid JSON for FHIR: {detail}",
                       errors)  # fmt: skip
    except (ValueError, RecursionError) as error:  # not JSON, a number too long, too deep
        return not_json(error, "a CDS Hooks call needs a few dozen levels at most")
    if not isinstance(data, dict):
        return problem(400, "The body is not a JSON object.", [FieldError(
            field="body", value=None, accepted=["a JSON object"],
            message="is not a JSON object")])  # fmt: skip
    return data


def invalid(error: ValidationError, model: type[BaseModel], prefix: str = "") -> Response:
    """422 with each field that does not fit the specification (the value given only where
    ``_errors`` gives it back), and what it accepts: for a field missing, what ``model`` says
    it takes."""
    found = []
    for item in error.errors(include_url=False):
        path = field_name(tuple(p for p in (prefix, *item["loc"]) if p != ""))
        accepted = (accepted_when_missing(model, item["loc"]) if item["type"] == "missing"
                    else accepted_by(item))  # fmt: skip
        # in onconav's words, as the API's (pydantic's had been sent as they were)
        given = None if item["type"] == "missing" else item.get("input")
        found.append(Problem(path or "body", given, tuple(accepted),
                             refused_words(item, accepted)))  # fmt: skip
    errors = _errors(found)
    detail = detail_of(errors)
    return problem(422, f"The call does not fit CDS Hooks 2.0: {detail}",
                   errors)  # fmt: skip


# The fields whose value a refusal gives back, as the API's refusals do: those that never hold
# the patient's data (a Bundle's type, wherever a Bundle is; the hook's name; the access token's
# type; a feedback's outcome). Any other value may be the patient's (an id, a resource, a
# server's address with its tenant, the access token itself) and is null.
ECHOED = re.compile(
    r"hook|fhirAuthorization\.token_type|feedback\[\d+\]\.outcome"
    r"|(prefetch\.[A-Za-z0-9_]+|context\.draftOrders)(\.entry\[\d+\]\.resource)*\.type"
)
# ... and only a value in the form of a code: text that is not a code ("Ana-17 wants ...") may
# be anyone's words, and a hook of 5,000 characters had been given back whole
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")


def echoed(field: str, value: object) -> object:
    """What a refusal of ``field`` gives back as the value given: the value, where the field
    never holds the patient's data (``ECHOED``) and the value is a code, a number or true or
    false; else None."""
    if not ECHOED.fullmatch(field):
        return None
    if isinstance(value, str):
        return value if CODE.fullmatch(value) else None
    return value if isinstance(value, int | float | bool) else None


def _errors(problems: list[Problem]) -> list[FieldError]:
    """The field errors of a call's problems, as the API's, at most 20 and a count of the rest
    (200,000 empty feedback items were 67 MB of errors), each value given back only where it is
    never the patient's (``echoed``)."""
    return field_errors([replace(p, value=echoed(p.field, p.value)) for p in at_most(problems)])


def _unknown(service_id: str) -> Response:
    return problem(404, f"No CDS service is called {service_id!r}; the services "
                   f"are {', '.join(SERVICES)} (GET /cds-services).")  # fmt: skip
