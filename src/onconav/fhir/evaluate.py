"""The options for a record read from FHIR: the same evaluation as for a profile, with what the
reading found worth saying (a stage read from its words, resources not used) among the Result's
warnings, so that every front end shows it."""

from __future__ import annotations

from onconav.fhir import FhirReading
from onconav.result import Result


def with_reading(result: Result, reading: FhirReading) -> Result:
    """The Result with the record's warnings first, and how many resources were not used."""
    said = [f"From the record: {warning}" for warning in reading.warnings]
    if reading.unused:
        said.append(f"From the record: {len(reading.unused)} resource(s) were not used; `onconav "
                    "fhir profile` (or POST /api/v1/fhir/profile) lists each with the "
                    "reason.")  # fmt: skip
    return result.model_copy(update={"warnings": [*said, *result.warnings]})
