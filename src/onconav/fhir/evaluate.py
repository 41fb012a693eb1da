"""The options for a record read from FHIR: the same evaluation as for a profile, with what the
reading found worth saying (a stage read from its words, resources not used) among the Result's
warnings, so that every front end shows it."""

from __future__ import annotations

from onconav.fhir import FhirReading
from onconav.result import Result

# The label of the treatments had when the record says a drug among them is being given now (or
# is on hold): the profile has no field of its own for a treatment being given, so it is read
# among the treatments had (docs/fhir.md), and "Treatments already had: FOLFOX" had been said of
# a FOLFOX order active
HAD_OR_BEING_GIVEN = "Treatments already had or being given"


def with_reading(result: Result, reading: FhirReading) -> Result:
    """The Result with the record's warnings first, and how many resources were not used; the
    situation's treatments had say "or being given" when the record's drugs being given now are
    among them (the list is the record's, not one a flag gave in its place)."""
    said = [f"From the record: {warning}" for warning in reading.warnings]
    if reading.unused:
        said.append(f"From the record: {len(reading.unused)} resource(s) were not used; `onconav "
                    "fhir profile` (or POST /api/v1/fhir/profile) lists each with the "
                    "reason.")  # fmt: skip
    understood = result.understood
    if reading.being_given and result.profile.prior_treatments == reading.data.get(
            "prior_treatments"):  # fmt: skip
        understood = [u.model_copy(update={"label": HAD_OR_BEING_GIVEN})
                      if u.fact == "prior_treatments" else u for u in understood]  # fmt: skip
    return result.model_copy(update={"warnings": [*said, *result.warnings],
                                     "understood": understood})  # fmt: skip
