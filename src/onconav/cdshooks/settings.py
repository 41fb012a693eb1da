"""How the CDS Hooks service runs: who may call it (the trusted record systems and their keys),
the address it is known by, and how it reaches a record system's FHIR server.

From the environment (``onconav serve``): ``ONCONAV_CDS_CLIENTS`` names a JSON file of the trusted
clients, ``ONCONAV_PUBLIC_URL`` the service's address as the record systems call it (required
with trusted clients: the JWT's aud is checked against it, never against the Host header), and
``ONCONAV_CDS_INSECURE=1`` turns authentication off for local development (logged loudly); an
``http`` public URL is refused without it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from jwt.exceptions import InvalidKeyError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from onconav.cdshooks.models import Url

CLIENTS_ENV = "ONCONAV_CDS_CLIENTS"
INSECURE_ENV = "ONCONAV_CDS_INSECURE"
PUBLIC_URL_ENV = "ONCONAV_PUBLIC_URL"


_PUBLIC_PARTS = {"EC": ("crv", "x", "y"), "RSA": ("n", "e")}
_FROM_JWK = {"EC": ECAlgorithm.from_jwk, "RSA": RSAAlgorithm.from_jwk}


def unusable_key(jwk: dict[str, Any]) -> str | None:
    """Why a JWK cannot be a public key to check signatures with, in a few words; or None. For
    the keys configured (at start-up) and those fetched from a jku (at each call)."""
    if "d" in jwk:
        return "it holds a private key (d): give the public key"
    for part in _PUBLIC_PARTS.get(jwk.get("kty"), ()):  # type: ignore[arg-type]
        if part not in jwk:
            return f"it has no {part}"
        if not isinstance(jwk[part], str):
            return f"its {part} is {jwk[part]!r}, not a base64url string"
    make = _FROM_JWK.get(jwk.get("kty"))  # type: ignore[arg-type]
    try:  # another kty is refused at the call, as not the kind of key the token's alg needs
        if make is not None:
            make(jwk)
    except InvalidKeyError as error:  # a bad x, a curve not known, ...
        return f"it cannot be made into a key ({error})"
    return None


def _jwk_set(value: dict[str, Any]) -> dict[str, Any]:
    keys = value.get("keys")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) for k in keys):
        raise ValueError('a JWK set is {"keys": [a JWK, ...]} with at least one key')
    for key in keys:
        if not isinstance(key.get("kid"), str) or not key["kid"]:
            raise ValueError("every key of a JWK set needs its kid")
        why = unusable_key(key)
        if why is not None:
            raise ValueError(f"key {key['kid']!r} cannot be used: {why}")
    return value


class CdsClient(BaseModel):
    """A record system trusted to call the service: its ``iss``, and where its public keys are:
    a JWK set given here, or JWK set URLs (``jku``) that its tokens may name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    iss: Annotated[str, StringConstraints(min_length=1)]
    jwks: Annotated[dict[str, Any], AfterValidator(_jwk_set)] | None = None
    jku: tuple[Url, ...] = ()

    @model_validator(mode="after")
    def _some_key(self) -> CdsClient:
        if self.jwks is None and not self.jku:
            raise ValueError(f"client {self.iss!r} needs a JWK set (jwks) or jku URLs")
        for url in self.jku:  # keys fetched in the clear: whoever is on the way signs anything
            if urlsplit(url).scheme != "https":
                raise ValueError(f"client {self.iss!r}: jku {url!r} must be an https URL (the "
                                 "keys that decide whom to trust are fetched from it)")  # fmt: skip
        return self


class CdsSettings(BaseModel):
    """The CDS Hooks service's settings (``Settings.cds_hooks`` of the app)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    auth: bool = Field(
        default=True,
        description="Check the JWT of every call. False only for local development "
        "(ONCONAV_CDS_INSECURE=1): a loud warning is logged when the app starts",
    )
    clients: tuple[CdsClient, ...] = ()
    public_url: Url | None = Field(
        default=None,
        description="The service's base URL as record systems call it (the JWT's aud is checked "
        "against it, and the cards link to its pages); required with trusted clients while "
        "the JWT is checked; otherwise by default the request's own URL",
    )
    leeway: float = Field(default=60, ge=0, description="Clock leeway for exp and iat, seconds")
    max_lifetime: float = Field(
        default=300,
        gt=0,
        description="How far ahead of now a token's exp may be, seconds, beyond the leeway: a "
        "token is made for one call (five minutes, as SMART Backend Services, whose JWT CDS "
        "Hooks follows, and the first CDS Hooks drafts ask)",
    )
    fhir_timeout: float = Field(default=5, gt=0, description="Per request to a FHIR server")
    fetch_deadline: float = Field(default=10, gt=0, description="For all fetches of one call")
    max_pages: int = Field(default=20, gt=0, description="Pages of one search followed at most")
    max_response_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    jwks_ttl: float = Field(default=300, ge=0, description="How long a fetched JWK set is kept")
    max_jwks_bytes: int = Field(
        default=64 * 1024,
        gt=0,
        description="A JWK set fetched from a jku, at most (a set of a few keys, even RSA keys "
        "with their certificates, is a few KiB)",
    )
    max_body_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    transport: httpx.AsyncBaseTransport | None = Field(
        default=None,
        exclude=True,
        description="The HTTP transport for FHIR servers and jku URLs (tests give a mock)",
    )

    @model_validator(mode="after")
    def _audience(self) -> CdsSettings:
        # The request's own URL comes from its Host header, which the caller writes: checked
        # against it, the aud of a token minted for another service could be made to fit.
        if self.auth and self.clients and self.public_url is None:
            raise ValueError(
                f"public_url ({PUBLIC_URL_ENV}) is required when trusted record systems are "
                f"configured ({CLIENTS_ENV}): the JWT's aud is checked against it (without it, "
                "against the Host header the caller sends); give the address the record "
                "systems call, such as https://onconav.example.org"
            )
        plain = self.public_url is not None and urlsplit(self.public_url).scheme != "https"
        if self.auth and plain:  # as a jku, and as fhirServer in each call
            raise ValueError(
                f"public_url ({PUBLIC_URL_ENV}) {self.public_url!r} must be an https URL, such "
                "as https://onconav.example.org: the JWT's aud is checked against it, and the "
                "record systems would send their tokens and patients' records to it in the "
                f"clear (http only with the development setting {INSECURE_ENV}=1)"
            )
        return self


class SettingsError(ValueError):
    """Settings from the environment that cannot be used, in one sentence."""


def from_environment(env: Mapping[str, str]) -> CdsSettings:
    """The settings from ``ONCONAV_CDS_CLIENTS``, ``ONCONAV_PUBLIC_URL`` and
    ``ONCONAV_CDS_INSECURE``."""
    clients: list[Any] = []
    path = env.get(CLIENTS_ENV)
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SettingsError(f"{CLIENTS_ENV}: {path} cannot be read: {error}") from None
        clients = data.get("clients") if isinstance(data, dict) else None  # type: ignore[assignment]
        if not isinstance(clients, list):
            raise SettingsError(f'{CLIENTS_ENV}: {path} must hold {{"clients": [...]}}')
    insecure = env.get(INSECURE_ENV, "").strip().lower()
    if insecure not in ("", "0", "1", "false", "true", "no", "yes"):
        raise SettingsError(f"{INSECURE_ENV} must be 1 or 0 (also true or false, yes or no), "
                            f"not {insecure!r}")
    try:
        return CdsSettings(
            auth=insecure not in ("1", "true", "yes"),
            clients=tuple(clients),
            public_url=env.get(PUBLIC_URL_ENV) or None,
        )
    except ValidationError as error:
        where = ", ".join(_said(e["loc"], e["msg"]) for e in error.errors())
        raise SettingsError(f"the CDS Hooks settings cannot be used: {where}") from None


def _said(loc: tuple[int | str, ...], message: str) -> str:
    """A settings error in words: where (none for the settings as a whole) and what."""
    where = ".".join(str(p) for p in loc)
    message = message.removeprefix("Value error, ")  # pydantic's words for our own
    return f"{where}: {message}" if where else message
