"""A request's body read as text, the one way the API and the CDS Hooks service read one: its
media type, charset, content coding and size checked, and the problem document that refuses it
when one of them is not what the route reads."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response

from onconav.web.problems import FieldError, problem
from onconav.words import cut

UTF8_NAMES = ("utf-8", "utf8", "us-ascii", "ascii")  # ASCII is a part of UTF-8


async def body_text(request: Request, limit: int, what: str, kinds: tuple[str, ...],
                    told: Mapping[str, str] | None = None,
                    field: str = "body") -> str | Response:  # fmt: skip
    """The body as text, or the problem that refuses it: not one of the media types ``kinds``
    (with what ``told`` says of a type sent to the wrong address), another charset than UTF-8,
    or sent with a content coding (415), over the limit by its declared length or as soon as that
    much is read (413), not UTF-8 (400, naming ``field``, as the route names the body when it
    is not JSON: "profile", "bundle"; it had named none). A client that leaves while it is read
    raises ClientDisconnect (the app's request log)."""
    # Every refusal about a header names it among the errors, with the value sent (None: none
    # was) and what is accepted; a type not read and a content coding had "errors": []
    sent = request.headers.get("content-type")
    kind, *parameters = (sent or "").split(";")
    kind = kind.strip()
    if kind.lower() not in kinds:
        none = "No Content-Type is sent. " if sent is None else ""
        return problem(415, detail=f"{none}Send {what} as {' or '.join(kinds)}."
                       + (told or {}).get(kind.lower(), ""),
                       errors=[FieldError(field="Content-Type",
                                          value=None if sent is None else cut(kind),
                                          accepted=list(kinds),
                                          message="none was sent" if sent is None else
                                          "this media type is not read here")])  # fmt: skip
    charsets = [v.strip().strip('"') for k, _, v in (p.partition("=") for p in parameters)
                if k.strip().lower() == "charset"]  # fmt: skip
    if any(c.lower() not in UTF8_NAMES for c in charsets):
        # JSON is UTF-8 (RFC 8259 8.1): a body in another charset had been "not UTF-8 text",
        # 400, as if the client had sent broken bytes rather than a kind that is not read
        return problem(415, detail=f"The body is sent as charset={cut(charsets[0])}; send "
                       f"{what} as UTF-8 ({kinds[0]}; charset=utf-8, or no charset).",
                       errors=[FieldError(field="Content-Type", value=cut(charsets[0]),
                                          accepted=["charset=utf-8"], message="only UTF-8 is "
                                          "accepted")])  # fmt: skip
    coding = request.headers.get("content-encoding", "identity").strip()
    if coding.lower() != "identity":  # the bytes were read as if not compressed: "not UTF-8 text"
        return problem(415, detail=f"The body is sent with Content-Encoding: {cut(coding)}; no "
                       "content coding is accepted: send it as it is.",
                       errors=[FieldError(field="Content-Encoding", value=cut(coding),
                                          accepted=["identity"], message="no content coding "
                                          "is accepted")],
                       headers={"Accept-Encoding": "identity"})  # fmt: skip
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _too_large(limit, what, [FieldError(
            field="Content-Length", value=int(declared), accepted=[f"at most {limit} bytes"],
            message=f"the body is larger than {limit} bytes")])  # fmt: skip
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return _too_large(limit, what)
    try:
        # decoded as UTF-8 here: JSON's reader would take UTF-16 and UTF-32 bytes as well
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return problem(400, detail="The request body is not UTF-8 text.",
                       errors=[FieldError(field=field, value=None, accepted=["UTF-8 text"],
                                          message="is not UTF-8 text")])  # fmt: skip


def _too_large(limit: int, what: str, errors: list[FieldError] | None = None) -> Response:
    # a sentence starts with ``what``: its first letter made a capital, the rest as it is
    # ("The FHIR Bundle"; capitalize() made it "The fhir bundle"). A body sent in chunks, with
    # no length declared, has no header at fault: it is refused with no error.
    return problem(413, detail=f"{what[0].upper()}{what[1:]} is larger than {limit} bytes.",
                   errors=errors)
