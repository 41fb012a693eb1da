"""CDS Hooks 2.0: onconav's cards in a clinician's record system.

The parts, each usable alone: ``models`` (the specification's messages, with its invariants),
``settings`` (trusted record systems and their keys), ``auth`` (the JWT of every call),
``prefetch`` (the templates, and reading what a record system prefetched), ``fetch`` (what it did
not, from its FHIR server), ``orders`` (the drugs in drafted orders) and ``cards`` (a Result as
cards). The routes that join them to the FHIR mapping and the core are in
``onconav.web.cds_hooks``; docs/cds-hooks.md says how a record system connects.
"""

from onconav.cdshooks.settings import CdsClient, CdsSettings

__all__ = ["CdsClient", "CdsSettings"]
