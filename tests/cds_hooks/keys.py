"""Test keys and tokens for the CDS Hooks tests and the benchmark: a record system ("the EHR")
with an EC P-384 and an RSA key in its configured JWK set, an EC P-256 key behind an
allow-listed jku URL, and a key nobody trusts. Made fresh in each process; never real keys."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISS = "https://ehr.example.org"
JKU = "https://ehr.example.org/.well-known/jwks.json"
OTHER_JKU = "https://keys.example.net/jwks.json"

PRIVATE: dict[str, tuple[Any, str]] = {
    "ehr-es384": (ec.generate_private_key(ec.SECP384R1()), "ES384"),
    "ehr-rs384": (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS384"),
    "ehr-es256": (ec.generate_private_key(ec.SECP256R1()), "ES256"),
    "stranger": (ec.generate_private_key(ec.SECP384R1()), "ES384"),
}


def public_jwk(kid: str) -> dict[str, Any]:
    key, alg = PRIVATE[kid]
    to_jwk = ECAlgorithm.to_jwk if alg.startswith("ES") else RSAAlgorithm.to_jwk
    jwk: dict[str, Any] = to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


JWKS = {"keys": [public_jwk("ehr-es384"), public_jwk("ehr-rs384")]}  # configured
JKU_JWKS = {"keys": [public_jwk("ehr-es256")]}  # served at JKU


def token(
    aud: str,
    kid: str = "ehr-es384",
    *,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
    sign_with: str | None = None,
) -> str:
    """A JWT as the EHR signs it for ``aud``: ``header`` and ``claims`` change or add fields,
    ``drop`` leaves claims out, ``sign_with`` signs with another key under the same kid."""
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISS,
        "aud": aud,
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    body.update(claims or {})
    for name in drop:
        body.pop(name, None)
    key, alg = PRIVATE[sign_with or kid]
    headers = {"kid": kid, "typ": "JWT", **(header or {})}
    return jwt.encode(body, key, algorithm=alg, headers=headers)
