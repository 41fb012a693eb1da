"""The CDS Hooks 2.0 messages as models, with the specification's invariants.

What onconav answers (discovery, cards) is validated before it is sent: no value is null or empty
(the specification forbids ``null``, ``""``, ``[]`` and ``{}`` except an empty list of cards), a
summary is under 140 characters, an absolute link is an absolute http(s) URL, an override reason
has a display. Serialise them with ``dump`` (``exclude_none``).

What a record system sends (a hook call, feedback) is read leniently where the specification
allows more (extensions, other context fields) and strictly where it sets a rule (a
``hookInstance`` is a UUID, ``fhirServer`` is a base URL with no query or fragment,
``fhirAuthorization`` comes with ``fhirServer`` and its access token is an RFC 6750 bearer
token, an accepted outcome names its suggestions, a timestamp has its time zone). A value a
record system sends is never quoted in an error: it may be the patient's, or a secret.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

__all__ = [
    "AcceptedSuggestion",
    "Card",
    "CdsRequest",
    "CdsResponse",
    "CdsService",
    "Coding",
    "Discovery",
    "Feedback",
    "FeedbackRequest",
    "FhirAuthorization",
    "Link",
    "OrderSelectContext",
    "OverrideReason",
    "PatientViewContext",
    "Source",
    "dump",
]

Text = Annotated[str, StringConstraints(min_length=1)]
SUMMARY_LIMIT = 140  # a summary is "<140 characters"
MAX_ITEMS = 1000
"""The most items a list a record system sends may hold (feedback, selections, accepted
suggestions): a call has a few. Checked as the list is read, so that a list of millions of
items is refused at once: 16 MiB of empty feedback items took 18 GB for their validation errors."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http or https URL")
    try:  # what urlsplit lets through and no request can go to ("https://\x00x/")
        httpx.URL(value)
    except httpx.InvalidURL:
        raise ValueError("must be an absolute http or https URL that can be fetched") from None
    return value


def _base_url(value: str) -> str:
    """A FHIR server's base URL: requests go to it with the resource's path after it, which a
    query or a fragment would swallow (``/r4?tenant=a/Condition?...``) or cut off (``/r4#x``)."""
    if "?" in value or "#" in value:
        raise ValueError("must be the FHIR server's base URL, an absolute https URL (http only "
                         "with the development setting) with no query (?) or fragment (#)")
    return value


# RFC 6750's b64token, the access token as a bearer token's header carries it: letters, digits
# and -._~+/, then any =. Any other character (a space, a line break, one not ASCII) cannot go in
# the header of a request, or goes there broken.
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def _bearer_token(value: str) -> str:
    if not B64TOKEN.fullmatch(value):  # the token never quoted: it is a secret
        raise ValueError("must be an RFC 6750 bearer token: letters, digits and - . _ ~ + /, "
                         "then any = (no space, line break or other character)")
    return value


def _date_time(value: object) -> object:
    """A date-time written out (``2020-12-11T10:30:00Z``), as the specification has it: pydantic
    reads a number, or text of digits ("2020", "0"), as seconds since 1970."""
    if not isinstance(value, str) or not DATE_TIME.fullmatch(value):
        raise ValueError("must be a date-time with its time zone, such as 2020-12-11T10:30:00Z")
    return value


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        raise ValueError("must be a UUID") from None
    return value


# each with what it accepts in words, as a field missing from a call says (its JSON schema's
# description, ``web.problems.accepted_when_missing``)
Url = Annotated[str, StringConstraints(min_length=1), AfterValidator(_http_url),
                Field(description="an absolute http or https URL")]  # fmt: skip
BaseUrl = Annotated[Url, AfterValidator(_base_url),
                    Field(description="the FHIR server's base URL, an absolute https URL")]
BearerToken = Annotated[str, StringConstraints(min_length=1), AfterValidator(_bearer_token)]
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d.*", re.ASCII)  # the rest read by pydantic
DateTime = Annotated[AwareDatetime, BeforeValidator(_date_time),  # with its time zone
                     Field(description="a date-time with its time zone, such as "
                           "2020-12-11T10:30:00Z")]  # fmt: skip
Uuid = Annotated[str, StringConstraints(min_length=1), AfterValidator(_uuid),
                 Field(description="a UUID")]  # fmt: skip


class Sent(BaseModel):
    """What onconav sends: no unknown fields, nothing empty (every optional field is None and
    left out rather than empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Received(BaseModel):
    """What a record system sends: other fields (extensions, newer versions) are kept, unread."""

    model_config = ConfigDict(extra="allow", frozen=True)


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON object of a message: optional fields without a value left out."""
    return model.model_dump(mode="json", exclude_none=True)


# -- discovery ----------------------------------------------------------------------------------


class CdsService(Sent):
    hook: Text
    title: Text | None = None
    description: Text
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]+$")]
    prefetch: Annotated[dict[Text, Text], Field(min_length=1)] | None = None
    usageRequirements: Text | None = None


class Discovery(Sent):
    services: list[CdsService]  # may be empty: "an empty array of services"


# -- cards --------------------------------------------------------------------------------------


class Coding(Sent):
    code: Text
    system: Text
    display: Text | None = None


class Source(Sent):
    label: Text
    url: Url | None = None
    icon: Url | None = None
    topic: Coding | None = None


class Link(Sent):
    label: Text
    url: Url
    type: Literal["absolute", "smart"]
    appContext: Text | None = None
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _app_context_only_for_smart(self) -> Link:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("appContext is only for smart links")
        return self


class Action(Sent):
    type: Literal["create", "update", "delete"]
    description: Text
    resource: Annotated[dict[str, Any], Field(min_length=1)] | None = None
    resourceId: Text | None = None


class Suggestion(Sent):
    label: Text
    uuid: Uuid | None = None
    isRecommended: bool | None = None
    actions: Annotated[list[Action], Field(min_length=1)] | None = None


class Card(Sent):
    uuid: Uuid | None = None
    summary: Annotated[str, StringConstraints(min_length=1, max_length=SUMMARY_LIMIT - 1)]
    detail: Text | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: Annotated[list[Suggestion], Field(min_length=1)] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: Annotated[list[Coding], Field(min_length=1)] | None = None
    links: Annotated[list[Link], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _invariants(self) -> Card:
        if self.suggestions is not None and self.selectionBehavior is None:
            raise ValueError("a card with suggestions needs selectionBehavior")
        if "\n" in self.summary:
            raise ValueError("a summary is one sentence on one line")
        for reason in self.overrideReasons or []:
            if reason.display is None:
                raise ValueError("an override reason needs a display")
        return self


class CdsResponse(Sent):
    cards: list[Card]  # required; empty when there is nothing to say
    systemActions: Annotated[list[Action], Field(min_length=1)] | None = None


# -- a hook call --------------------------------------------------------------------------------


class FhirAuthorization(Received):
    access_token: BearerToken
    token_type: Literal["Bearer"]
    expires_in: int = Field(ge=0)
    scope: Text
    subject: Text
    patient: Text | None = None


class CdsRequest(Received):
    hook: Text = Field(description="a hook's name: patient-view or order-select")
    hookInstance: Uuid
    fhirServer: BaseUrl | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @field_validator("fhirAuthorization")
    @classmethod
    def _server_with_authorization(
        cls, value: FhirAuthorization | None, info: ValidationInfo
    ) -> FhirAuthorization | None:
        if value is not None and info.data.get("fhirServer") is None:
            # said as what is accepted ("must be ...": ``reading.accepted_by``): it had said
            # only what was wrong, accepting nothing
            raise ValueError("must be given with the fhirServer it is the access token for")
        return value


class PatientViewContext(Received):
    userId: Text
    patientId: Text
    encounterId: Text | None = None


class OrderSelectContext(Received):
    userId: Text
    patientId: Text
    encounterId: Text | None = None
    # before selections, which are checked against it
    draftOrders: dict[str, Any] = Field(description="a FHIR Bundle")
    selections: Annotated[list[Text], Field(min_length=1, max_length=MAX_ITEMS)]

    @field_validator("draftOrders")
    @classmethod
    def _a_bundle(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("resourceType") != "Bundle":
            raise ValueError("must be a FHIR Bundle")
        if not isinstance(value.get("entry", []), list):
            raise ValueError("must be a Bundle whose entry is a list of entries")
        return value

    @field_validator("selections")
    @classmethod
    def _drafted(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Each selection names ("MedicationRequest/123") a resource of draftOrders, as the
        specification has it: one that names none would be checked against nothing. Each one
        that does not is an error of its own, named by its place (``selections[3]``), never
        quoted (it may be the patient's)."""
        bundle = info.data.get("draftOrders")
        if bundle is None:
            return value  # draftOrders is refused on its own
        resources = [e.get("resource") for e in bundle.get("entry", []) if isinstance(e, dict)]
        drafted = {f"{r.get('resourceType')}/{r.get('id')}" for r in resources
                   if isinstance(r, dict)}  # fmt: skip
        wrong = ValueError("must be the Type/id of a resource of draftOrders (such as "
                           "MedicationRequest/123)")  # fmt: skip
        errors = [InitErrorDetails(type="value_error", loc=(i,), input=None, ctx={"error": wrong})
                  for i, selection in enumerate(value) if selection not in drafted]  # fmt: skip
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return value


# -- feedback -----------------------------------------------------------------------------------


class AcceptedSuggestion(Received):
    id: Text


class ReasonCoding(Received):
    code: Text
    system: Text
    display: Text | None = None


class OverrideReason(Received):
    reason: ReasonCoding | None = None
    userComment: Text | None = None

    @model_validator(mode="after")
    def _something(self) -> OverrideReason:
        if self.reason is None and self.userComment is None:
            raise ValueError("an overrideReason needs a reason or a userComment")
        return self


class Feedback(Received):
    card: Uuid
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: (
        Annotated[list[AcceptedSuggestion], Field(min_length=1, max_length=MAX_ITEMS)] | None
    ) = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: DateTime

    @model_validator(mode="after")
    def _outcome(self) -> Feedback:
        if self.outcome == "accepted" and self.acceptedSuggestions is None:
            raise ValueError("an accepted outcome names its acceptedSuggestions")
        if self.outcome == "overridden" and self.acceptedSuggestions is not None:
            raise ValueError("an overridden card has no acceptedSuggestions")
        if self.outcome == "accepted" and self.overrideReason is not None:
            raise ValueError("an overrideReason is only for an overridden card")
        return self


class FeedbackRequest(Received):
    feedback: Annotated[list[Feedback], Field(min_length=1, max_length=MAX_ITEMS)]
