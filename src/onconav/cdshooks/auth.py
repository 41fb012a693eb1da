"""Who is calling: the JWT a record system sends with every CDS Hooks call, checked as the
specification asks (CDS Hooks 2.0, "Trusting CDS Clients").

- header: ``typ`` is ``JWT`` (in any case, ``application/`` before it or not); ``alg`` is
  ES384, RS384 or ES256 (``none`` and HMAC are refused); ``kid`` names the key; an optional
  ``jku`` must be one of the issuer's allow-listed URLs;
- the key comes from the issuer's configured JWK set, or from an allow-listed ``jku`` (fetched,
  at most ``max_jwks_bytes`` read, and kept for ``jwks_ttl`` seconds); its type and curve must
  fit ``alg``;
- claims: ``iss`` (a configured client), ``aud`` (the exact URL called), ``exp``, ``iat`` and
  ``jti``, each required; ``exp`` and ``iat`` (and ``nbf``, if given) within the clock leeway;
  ``exp`` at most ``max_lifetime`` seconds (5 minutes) ahead, plus the leeway;
- a ``jti`` is good for one call: seen again before it expires, the call is refused.

Every refusal is an ``AuthError`` whose message says why, in one sentence. The store of seen
``jti`` is in memory, per process: with several workers, a token replayed to another worker is
not caught (run one worker, or put a shared store in front).
"""

from __future__ import annotations

import asyncio
import heapq
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from jwt.exceptions import (
    DecodeError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    PyJWKError,
)

from onconav.cdshooks.settings import CdsClient, CdsSettings, unusable_key

ALGORITHMS = {"ES384": ("EC", "P-384"), "RS384": ("RSA", None), "ES256": ("EC", "P-256")}
REQUIRED = ("iss", "aud", "exp", "iat", "jti")
MIN_RSA_BITS = 2048
REFETCH_AFTER = 10.0  # seconds: a kid not in a cached JWK set refetches it, at most this often


class AuthError(Exception):
    """A call that is not authenticated, and why (one sentence, safe to send back); ``code`` is
    the error code of RFC 6750 (3.1) for the ``WWW-Authenticate`` header: none when the call
    sent no bearer token at all."""

    def __init__(self, reason: str, code: str | None = "invalid_token") -> None:
        self.reason, self.code = reason, code
        super().__init__(reason)


@dataclass(frozen=True)
class Caller:
    """An authenticated call: the issuer, and the token's id (never logged with a patient)."""

    iss: str
    jti: str


class Authenticator:
    """Checks the bearer JWT of each call against the settings' trusted clients."""

    def __init__(self, settings: CdsSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.clients = {client.iss: client for client in settings.clients}
        self._seen: set[tuple[str, str]] = set()  # (iss, jti) of tokens not yet expired
        self._expiry: list[tuple[float, tuple[str, str]]] = []  # a heap: when each is forgotten
        self._jwks: dict[str, tuple[float, dict[str, Any]]] = {}  # jku -> (fetched, JWK set)
        self._fetching: dict[str, asyncio.Lock] = {}  # jku -> one fetch at a time
        self._failed: dict[str, tuple[float, str]] = {}  # jku -> (when, why) its fetch failed
        self._lock = threading.Lock()

    async def check(self, authorization: str | None, audience: str) -> Caller:
        """The caller, if ``authorization`` (the Authorization header) holds a good token for
        the endpoint ``audience``; else AuthError."""
        token = _bearer(authorization)
        header = _header(token)
        alg = header["alg"]
        unverified = _claims(token, verify=None)
        iss = unverified.get("iss")
        if not isinstance(iss, str) or not iss:
            raise AuthError("The token has no iss claim: it must name the record system.")
        client = self.clients.get(iss)
        if client is None:
            raise AuthError(f"iss {iss!r} is not a record system this service trusts.")
        jwk = await self._key(client, header)
        claims = _claims(token, verify=(jwk, alg))
        self._check_claims(claims, audience)
        return self._once(iss, claims)

    async def _key(self, client: CdsClient, header: dict[str, Any]) -> dict[str, Any]:
        kid, jku = header["kid"], header.get("jku")
        if jku is not None:
            if not isinstance(jku, str) or jku not in client.jku:
                raise AuthError(f"jku {jku!r} is not an allow-listed JWK set URL of this issuer.")
            found = _find(await self._fetch(jku, refresh=False), kid)
            if found is None:
                found = _find(await self._fetch(jku, refresh=True), kid)
            where = f"the JWK set at {jku}"
        elif client.jwks is not None:
            found, where = _find(client.jwks, kid), "the issuer's JWK set"
        else:
            raise AuthError("The token names no jku, and no JWK set is configured for its iss.")
        if found is None:
            raise AuthError(f"kid {kid!r} is not in {where}.")
        _fits(found, header["alg"])
        why = unusable_key(found)
        if why is not None:  # a configured key was checked at start-up: one fetched from a jku
            raise AuthError(f"Key {kid!r} in {where} cannot be used: {why}.")
        return found

    async def _fetch(self, url: str, refresh: bool) -> dict[str, Any]:
        # One fetch of a URL at a time, the others waiting for what it finds (a set, or for
        # REFETCH_AFTER seconds a failure): tokens are read before their signature is checked,
        # so anyone could send a thousand at once naming an allow-listed jku and a kid not in
        # it, and each made the record system serve its set.
        async with self._fetching.setdefault(url, asyncio.Lock()):
            return await self._fetch_now(url, refresh)

    async def _fetch_now(self, url: str, refresh: bool) -> dict[str, Any]:
        now = self.clock()
        cached = self._jwks.get(url)
        fresh = cached is not None and now - cached[0] < self.settings.jwks_ttl
        if cached is not None and fresh and (not refresh or now - cached[0] < REFETCH_AFTER):
            return cached[1]
        failed = self._failed.get(url)
        if failed is not None and now - failed[0] < REFETCH_AFTER:
            raise AuthError(failed[1])  # the calls that waited for a fetch that failed
        try:
            jwks = await self._download(url)
        except AuthError as error:
            self._failed[url] = (now, error.reason)
            raise
        self._failed.pop(url, None)
        self._jwks[url] = (now, jwks)
        return jwks

    async def _download(self, url: str) -> dict[str, Any]:
        """The JWK set at ``url``: at most ``max_jwks_bytes``, whole within ``fetch_deadline``
        seconds (the timeout is each read's; a server that sends a byte every few seconds held
        the fetch, and the call, for as long as it liked)."""
        limit, deadline = self.settings.max_jwks_bytes, self.settings.fetch_deadline
        try:
            async with (
                asyncio.timeout(deadline),
                httpx.AsyncClient(transport=self.settings.transport,
                                  timeout=self.settings.fhir_timeout) as http,
                http.stream("GET", url, headers={"Accept": "application/json"}) as response,
            ):  # fmt: skip
                if response.status_code != 200:
                    raise AuthError(f"The JWK set at {url} answered {response.status_code}.")
                body = bytearray()
                async for chunk in response.aiter_bytes():  # decoded: a gzip bomb stops too
                    body += chunk
                    if len(body) > limit:
                        raise AuthError(f"The JWK set at {url} is larger than {limit} bytes.")
        except TimeoutError:
            raise AuthError(f"The JWK set at {url} was not fetched within {deadline:g} "
                            "s.") from None  # fmt: skip
        except httpx.HTTPError as error:
            raise AuthError(
                f"The JWK set at {url} could not be fetched ({type(error).__name__})."
            ) from None
        try:
            jwks = json.loads(bytes(body))
        except (ValueError, RecursionError):  # a number too long to read too
            raise AuthError(f"The JWK set at {url} is not JSON.") from None
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise AuthError(f'The JWK set at {url} is not {{"keys": [...]}}.')
        return jwks

    def _check_claims(self, claims: dict[str, Any], audience: str) -> None:
        missing = [name for name in REQUIRED if name not in claims]
        if missing:
            raise AuthError(f"The token lacks the claim(s) {', '.join(missing)}: "
                            f"{', '.join(REQUIRED)} are required.")  # fmt: skip
        for name in ("exp", "iat", "nbf"):
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AuthError(f"The token's {name} is not a number of seconds.")
            try:  # a whole number past a float's range (10**400) failed every sum with a 500
                finite = math.isfinite(float(value))
            except OverflowError:
                raise AuthError(f"The token's {name} is out of range for a time.") from None
            if not finite:  # NaN passes every comparison: it would never expire
                raise AuthError(f"The token's {name} is {value!r}, not a finite number of "
                                "seconds.")  # fmt: skip
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti:
            raise AuthError("The token's jti is not a non-empty string.")
        aud = claims["aud"]
        auds = aud if isinstance(aud, list) else [aud]
        if audience not in auds:
            raise AuthError(f"The token's aud {aud!r} is not the URL called, {audience}.")
        now, leeway = self.clock(), self.settings.leeway
        if claims["exp"] + leeway < now:
            raise AuthError(f"The token expired at {_iso(claims['exp'])} (more than "
                            f"{leeway:g} s ago).")  # fmt: skip
        lifetime = self.settings.max_lifetime
        if claims["exp"] - leeway > now + lifetime:  # good for years, its jti kept as long
            raise AuthError(f"The token's exp, {_iso(claims['exp'])}, is more than {lifetime:g} s "
                            f"from now (beyond {leeway:g} s of clock leeway): a token is made "
                            "for one call, and good for minutes.")  # fmt: skip
        if claims["iat"] - leeway > now:
            raise AuthError(f"The token's iat, {_iso(claims['iat'])}, is in the future.")
        if "nbf" in claims and claims["nbf"] - leeway > now:
            raise AuthError(f"The token is not valid before {_iso(claims['nbf'])}.")

    def _once(self, iss: str, claims: dict[str, Any]) -> Caller:
        now = self.clock()
        key = (iss, claims["jti"])
        with self._lock:
            while self._expiry and self._expiry[0][0] < now:
                self._seen.discard(heapq.heappop(self._expiry)[1])
            if key in self._seen:
                raise AuthError("The token's jti was used before: a token is good for one call.")
            self._seen.add(key)
            heapq.heappush(self._expiry, (claims["exp"] + self.settings.leeway, key))
        return Caller(iss, claims["jti"])


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("No Authorization header: send the record system's JWT as "
                        "'Authorization: Bearer <JWT>'.", code=None)  # fmt: skip
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":  # another scheme: no bearer credentials were sent
        raise AuthError("The Authorization header is not 'Bearer <JWT>'.", code=None)
    if not token.strip():
        raise AuthError("The Authorization header is not 'Bearer <JWT>'.", "invalid_request")
    return token.strip()


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except DecodeError:
        raise AuthError("The bearer token is not a JWT (header.payload.signature).") from None
    except InvalidTokenError as error:  # a JWT whose header PyJWT refuses (a kid that is not a
        # string, a crit naming an extension it does not know): said in its words
        raise AuthError(f"The token's header is refused: {error}.") from None
    typ = header.get("typ")
    if typ is None:
        raise AuthError("The token's header has no typ: it must be 'JWT'.")
    # a media type, read in any case and with or without "application/" (RFC 7515, 4.1.9):
    # "jwt" had been refused
    if not isinstance(typ, str) or typ.upper().removeprefix("APPLICATION/") != "JWT":
        raise AuthError(f"The token's typ is {typ!r}; it must be 'JWT'.")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise AuthError("alg 'none' (an unsigned token) is refused: sign with ES384, RS384 or "
                        "ES256.")  # fmt: skip
    if alg.upper().startswith("HS"):
        raise AuthError(f"alg {alg!r} (a shared secret) is refused: sign with ES384, RS384 or "
                        "ES256.")  # fmt: skip
    if alg not in ALGORITHMS:
        raise AuthError(f"alg {alg!r} is not accepted; accepted: {', '.join(ALGORITHMS)}.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("The token's header has no kid: it must name its key.")
    return header


def _claims(token: str, verify: tuple[dict[str, Any], str] | None) -> dict[str, Any]:
    """The payload: unverified (to find the issuer), or with the signature checked by ``jwk``."""
    options: Any = {"verify_signature": verify is not None, "verify_exp": False,
                    "verify_iat": False, "verify_nbf": False, "verify_aud": False,
                    "verify_iss": False, "require": []}  # fmt: skip
    try:
        if verify is None:
            claims = jwt.decode(token, options=options)
        else:
            jwk, alg = verify
            key = jwt.PyJWK(jwk, algorithm=alg).key
            claims = jwt.decode(token, key, algorithms=[alg], options=options)
    except InvalidSignatureError:
        raise AuthError("The token's signature does not match its key.") from None
    except (PyJWKError, InvalidKeyError) as error:  # for the alg, what unusable_key let pass
        kid = verify[0].get("kid") if verify else None
        raise AuthError(f"Key {kid!r} cannot be used: {error}.") from None
    except (InvalidJTIError, InvalidSubjectError) as error:  # PyJWT checks these two always
        raise AuthError(f"The token's claims do not fit: {error} (a JWT's jti and sub are "
                        "strings).") from None  # fmt: skip
    except InvalidTokenError:
        raise AuthError("The token's payload is not a JSON object of claims.") from None
    if not isinstance(claims, dict):
        raise AuthError("The token's payload is not a JSON object of claims.")
    return claims


def _find(jwks: dict[str, Any], kid: str) -> dict[str, Any] | None:
    for key in jwks.get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def _fits(jwk: dict[str, Any], alg: str) -> None:
    """The key is a public signing key of the kind ``alg`` needs."""
    kty, crv = ALGORITHMS[alg]
    kid = jwk.get("kid")
    if jwk.get("kty") != kty or (crv is not None and jwk.get("crv") != crv):
        want = f"{kty} {crv}" if crv else kty
        raise AuthError(f"Key {kid!r} is not a {want} key, as alg {alg} needs.")
    if jwk.get("alg") not in (None, alg):
        raise AuthError(f"Key {kid!r} is for alg {jwk['alg']}, not {alg}.")
    if jwk.get("use") not in (None, "sig"):
        raise AuthError(f"Key {kid!r} is not a signing key (use: {jwk['use']}).")
    if kty == "RSA":
        modulus = jwk.get("n")
        try:
            bits = len(jwt.utils.base64url_decode(modulus)) * 8 if isinstance(modulus, str) else 0
        except ValueError:
            bits = 0
        if bits < MIN_RSA_BITS:
            raise AuthError(f"Key {kid!r} is an RSA key under {MIN_RSA_BITS} bits.")


def _iso(seconds: float) -> str:
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return str(seconds)
