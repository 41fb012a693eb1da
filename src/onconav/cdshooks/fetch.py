"""Fetching from a record system's FHIR server what it did not prefetch, with the access token it
gave (``fhirAuthorization``): httpx, a timeout per request and a deadline for the whole call,
searches followed page by page (only to pages on the same server, where the token may go).

Any failure (unreachable, refused, not FHIR, too slow, too large, a read answered with another
resource than the one asked for, a search with resources of another type than it finds, a next
page that no request can go to) is a ``FetchError`` naming the prefetch key and what went wrong,
never the query (it holds the patient's id); the service then answers 412, as the specification
asks; but a search the server answers as not supported (404, 400 or 501 with an
OperationOutcome whose issue is ``not-supported``: a server without MedicationStatement) finds
nothing, and its resource type is named in ``Fetched.not_supported`` for the cards to say. Reads
fetched ``each_as_found`` (the Medications that orders name) are best effort instead:
one that fails, is late or is answered with anything that cannot be read finds nothing, and
only its key and what went wrong (the kind of error, for one not foreseen) are logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

import httpx

from onconav.cdshooks.models import FhirAuthorization
from onconav.cdshooks.prefetch import (
    PrefetchError,
    another_type,
    checked,
    has_error,
    included_types,
    placed,
    resource_type,
)
from onconav.cdshooks.settings import CdsSettings
from onconav.reading import NotUnicode, field_name, json_and_repeats

__all__ = ["FetchError", "Fetched", "fetch"]

FHIR_JSON = "application/fhir+json"
NOT_SUPPORTED = (400, 404, 501)  # how servers answer a search of a type they do not have
# The searches no record can do without: the Conditions hold the cancer, and a server that
# does not answer them (a 400 not-supported is also how a server refuses a parameter, a
# _count over its most) had given no cards at all, with no word to the clinician
NEEDED = frozenset({"conditions"})
SMALL_PAGE = 100  # the page size asked for when a server refuses the templates' (``_one``)
log = logging.getLogger("onconav.cdshooks")


class FetchError(Exception):
    """Data that could not be fetched, and why (one sentence, safe to send back)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NotSupported(FetchError):
    """A search of a resource type the FHIR server does not support."""


class Refused(FetchError):
    """A search the FHIR server refused as a bad request (400): a parameter it does not take."""


@dataclass(frozen=True)
class Fetched:
    """What the queries found, and the resource types the server does not support (searched,
    nothing found: the record may hold more than was read)."""

    resources: list[dict[str, Any]]
    not_supported: list[str] = field(default_factory=list)


async def fetch(
    server: str,
    authorization: FhirAuthorization | None,
    queries: Mapping[str, str],
    patient_id: str,
    settings: CdsSettings,
    deadline: float | None = None,
    each_as_found: bool = False,
) -> Fetched:
    """The resources each query finds on ``server`` (a read that finds nothing: none), all
    queries at once, by ``deadline`` (the event loop's time: the call's deadline, shared by
    every fetch of one call) or else within ``settings.fetch_deadline`` seconds; the first
    failure, or the deadline, stops the others (a ``FetchError``), unless ``each_as_found``:
    then a query that fails, or is not answered by the deadline, finds nothing (logged), the
    others go on, and what was found in time is kept (no ``FetchError``)."""
    if deadline is None:
        deadline = asyncio.get_running_loop().time() + settings.fetch_deadline
    base = server.rstrip("/") + "/"
    headers = {"Accept": FHIR_JSON}
    if authorization is not None:
        headers["Authorization"] = f"Bearer {authorization.access_token}"
    async with httpx.AsyncClient(
        transport=settings.transport,
        timeout=settings.fhir_timeout,
        headers=headers,
        follow_redirects=False,
    ) as http:
        reads = {key: _one(http, base, key, query, patient_id, settings)
                 for key, query in queries.items()}  # fmt: skip
        if each_as_found:  # the deadline is each read's own: one that is late costs no other
            given = max(deadline - asyncio.get_running_loop().time(), 0)
            async with asyncio.TaskGroup() as group:
                jobs = [group.create_task(_or_nothing(read, key, deadline, given))
                        for key, read in reads.items()]  # fmt: skip
            found = [job.result() for job in jobs]
            return Fetched([resource for resources in found for resource in resources])
        try:
            async with asyncio.timeout_at(deadline), asyncio.TaskGroup() as group:
                searches = [group.create_task(read) for read in reads.values()]
        except TimeoutError:
            raise FetchError(f"The FHIR server did not answer within "
                             f"{settings.fetch_deadline:g} s.") from None  # fmt: skip
        except ExceptionGroup as failed:  # the first query that failed; the others cancelled
            first = next((e for e in failed.exceptions if isinstance(e, FetchError)), None)
            if first is None:
                raise
            raise first from None
    answers = [search.result() for search in searches]
    asked = list(queries.values())
    unsupported = [asked[i].split("?")[0] for i, got in enumerate(answers) if got is None]
    return Fetched([r for resources in answers if resources for r in resources], unsupported)


async def _or_nothing(
    query: Coroutine[Any, Any, list[dict[str, Any]] | None], key: str, deadline: float,
    given: float,
) -> list[dict[str, Any]]:  # fmt: skip
    """What a query finds by ``deadline`` (``given`` seconds from the start), or nothing when it
    fails or is late."""
    try:
        async with asyncio.timeout_at(deadline):
            return await query or []
    except TimeoutError:
        log.warning("CDS Hooks: %s: the FHIR server did not answer within the %.3g s it was "
                    "given.", key, given)  # fmt: skip
    except FetchError as error:
        log.warning("CDS Hooks: %s", error.reason)  # the key and what failed: no patient data
    except Exception as error:  # an answer broken in a way not foreseen: best effort still
        log.warning("CDS Hooks: %s: the FHIR server's answer could not be read (%s).", key,
                    type(error).__name__)  # the kind only: its words may quote the answer
    return []


async def _one(
    http: httpx.AsyncClient,
    base: str,
    key: str,
    query: str,
    patient_id: str,
    settings: CdsSettings,
) -> list[dict[str, Any]] | None:
    """What ``query`` finds (``_pages``); None when the server does not support its search (but the
    Conditions', ``NEEDED``: a ``FetchError``). A search with parameters a server may refuse,
    ``_include`` (the Medications an order names) and ``_count`` (the page size), that the
    server refuses (400) or answers as not supported is asked again without ``_include`` and
    with pages of ``SMALL_PAGE``, then without ``_count`` too, as a search that server takes:
    FHIR lets a server refuse a parameter it does not know or a page size over its most, and the
    search's own resources had been lost (no card for a drug that stopped working or that the
    patient cannot have, or a 412; a review). The Medications are then read one by one, as
    before. A ``|`` of a token (``http://loinc.org|48676-1``) is sent percent-encoded: a server
    behind Tomcat refuses it as written (400), and every call that fetched the Observations was
    a 412 (a review)."""
    query = query.replace("|", "%7C")
    bare = re.sub(r"&_include=[^&]*", "", query)
    # asked again with pages of SMALL_PAGE (a server's default, 20 on HAPI FHIR, would cap a
    # search at 20 pages of 20: a long drug history failed so), then without _count at all
    fallbacks = dict.fromkeys(q for q in (re.sub(r"&_count=\d+", f"&_count={SMALL_PAGE}", bare),
                                          re.sub(r"&_count=[^&]*", "", bare)) if q != query)
    try:
        return await _pages(http, base, key, query, patient_id, settings)
    except (Refused, NotSupported) as error:
        failure: FetchError = error
    for fallback in fallbacks:
        log.warning("CDS Hooks: %s: the FHIR server did not take the search as asked "
                    "(_include, _count); asked again without.", key)  # fmt: skip
        try:
            return await _pages(http, base, key, fallback, patient_id, settings)
        except (Refused, NotSupported) as error:
            failure = error
    if isinstance(failure, NotSupported) and key not in NEEDED:
        log.warning("CDS Hooks: %s", failure.reason)  # the key: no patient data
        return None
    raise FetchError(failure.reason) from None


async def _pages(
    http: httpx.AsyncClient,
    base: str,
    key: str,
    query: str,
    patient_id: str,
    settings: CdsSettings,
) -> list[dict[str, Any]]:
    """What ``query`` finds; ``NotSupported`` when the server does not support its search. A
    search's answer holding another type of resource than it finds (but for what ``_include``
    brings) is refused, as a read's answer with another resource than the one asked for is;
    only a search's pages are followed (a read's answer is one resource, whatever links it
    holds)."""
    url: str | None = base + query
    read = "?" not in query
    kind = resource_type(query)
    out: list[dict[str, Any]] = []
    for page in range(settings.max_pages):
        assert url is not None
        try:
            answer = await _get(http, url, key, read, settings)
        except NotSupported as error:
            if page:  # a type supported on the first page and not on the next: a failure
                raise FetchError(error.reason) from None
            raise  # the first page: see _one
        if answer is None:
            return out
        try:
            out += checked(placed(answer, key), patient_id)
        except PrefetchError as error:  # its field: the key, or the entry (key.entry[2]...)
            raise FetchError(f"{error.field}: the FHIR server's answer {error.message}.") from None
        if read:
            if not _is(answer, query):
                # a proxy's or a merged record's answer: filed under its own id, it would stand
                # for a resource that was not read (another order's drug)
                raise FetchError(f"{key}: the FHIR server answered a read with another "
                                 "resource than the one asked for.")  # fmt: skip
            return out
        stray = another_type(answer, kind, included_types(query))
        if stray is not None:  # taken, it would stand for the record's (Conditions: none)
            raise FetchError(f"{key}: the FHIR server answered a search of {kind} resources "
                             f"with a resource of type {stray[1]}.")  # fmt: skip
        if has_error(answer):  # part of the record, which would read as the whole of it
            raise FetchError(f"{key}: the FHIR server's answer to the search holds an "
                             "OperationOutcome with an error: the search did not run whole.")
        url = _next(answer, base, key)
        if url is None:
            return out
    raise FetchError(f"{key}: the search has more than {settings.max_pages} pages.")


async def _get(
    http: httpx.AsyncClient, url: str, key: str, read: bool, settings: CdsSettings
) -> dict[str, Any] | None:
    try:
        async with http.stream("GET", url) as response:
            if read and response.status_code in (404, 410):  # logged, as every read that
                # fails is (docs/cds-hooks.md): the key and the status, no patient data
                log.warning("CDS Hooks: %s: the FHIR server answered %d (not found): read as "
                            "nothing.", key, response.status_code)  # fmt: skip
                return None
            if response.status_code != 200:
                status = response.status_code
                if not read and status in NOT_SUPPORTED and _not_supported(
                    await _body(response, key, settings)
                ):
                    raise NotSupported(f"{key}: the FHIR server does not support this search "
                                       f"(it answered {status}, not-supported).")  # fmt: skip
                if status == 400 and not read:  # a parameter refused: see _one
                    raise Refused(f"{key}: the FHIR server answered {status}.")
                raise FetchError(f"{key}: the FHIR server answered {status}.")
            body = await _body(response, key, settings)
    except httpx.TimeoutException:
        raise FetchError(f"{key}: the FHIR server did not answer within "
                         f"{settings.fhir_timeout:g} s.") from None  # fmt: skip
    except httpx.InvalidURL:  # a next page's link that no request can go to
        raise FetchError(f"{key}: the FHIR server's address is not a URL that can be "
                         "fetched.") from None  # fmt: skip
    except httpx.HTTPError as error:
        raise FetchError(
            f"{key}: the FHIR server could not be reached ({type(error).__name__})."
        ) from None
    try:
        answer, repeated = json_and_repeats(body)
    except NotUnicode as error:  # no answer of the service could hold it (it had been a 500)
        raise FetchError(f"{field_name((key, *error.places[0]))}: the FHIR server's answer holds "
                         "half of a UTF-16 pair alone (a surrogate), which is no "
                         "character.") from None  # fmt: skip
    except (ValueError, RecursionError):  # a number too long to read too
        raise FetchError(f"{key}: the FHIR server's answer is not JSON.") from None
    if repeated:  # the parser kept the last and dropped the others
        raise FetchError(f"{key}: the FHIR server's answer gives {field_name(repeated[0])} "
                         "twice in one object.")  # fmt: skip
    if not isinstance(answer, dict) or not isinstance(answer.get("resourceType"), str):
        raise FetchError(f"{key}: the FHIR server's answer is not a FHIR resource.")
    if answer["resourceType"] == "OperationOutcome":
        raise FetchError(f"{key}: the FHIR server answered with an OperationOutcome (an error).")
    if not read and answer["resourceType"] != "Bundle":
        raise FetchError(f"{key}: the FHIR server's answer to a search is not a Bundle.")
    return answer


async def _body(response: httpx.Response, key: str, settings: CdsSettings) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > settings.max_response_bytes:
            raise FetchError(f"{key}: the FHIR server's answer is larger than "
                             f"{settings.max_response_bytes} bytes.")  # fmt: skip
    return bytes(body)


def _not_supported(body: bytes) -> bool:
    """Whether an error's body is an OperationOutcome whose issue is ``not-supported``."""
    try:
        outcome, _ = json_and_repeats(body)
    except (ValueError, RecursionError):
        return False
    if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
        return False
    issues = outcome.get("issue")
    return any(isinstance(issue, dict) and issue.get("code") == "not-supported"
               for issue in (issues if isinstance(issues, list) else []))  # fmt: skip


def _is(resource: Mapping[str, Any], read: str) -> bool:
    """Whether ``resource`` is the one ``read`` asks for (``Medication/ID``: its type and id)."""
    kind, _, rest = read.partition("/")
    return resource.get("resourceType") == kind and resource.get("id") == unquote(
        rest.split("/")[0]
    )


def _next(bundle: Mapping[str, Any], base: str, key: str) -> str | None:
    """The next page's URL, if it is on the server (the token goes nowhere else)."""
    links = bundle.get("link")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            try:
                url = urljoin(base, url) if isinstance(url, str) else None
                on = url is not None and _on(url, base)
            except (ValueError, httpx.InvalidURL):  # a link that no request can go to (urljoin
                # refuses a host of "[" not closed, httpx one it cannot read)
                raise FetchError(f"{key}: the FHIR server's address is not a URL that can be "
                                 "fetched.") from None  # fmt: skip
            if url is None or not on:
                raise FetchError(f"{key}: the next page is not on the FHIR server given.")
            return url
    return None


def _on(url: str, base: str) -> bool:
    """Whether ``url`` is under ``base``: the same origin as httpx normalises it (scheme and
    host in lower case, a default port dropped: https://FHIR.example.org:443 is
    https://fhir.example.org), and a path under the base's."""
    there, here = httpx.URL(url), httpx.URL(base)
    origin = (here.scheme, here.userinfo, here.host, here.port)
    return (there.scheme, there.userinfo, there.host, there.port) == origin and (
        there.path + "/"
    ).startswith(here.path.rstrip("/") + "/")
