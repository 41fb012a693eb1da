"""FHIR R4 records for the CDS Hooks tests and the benchmark: onconav's situations written as a
record system holds them (mCODE-shaped resources identified by their codes; the codes are those
of the FHIR mapping's reviewed tables, ``src/onconav/fhir/data``), and the prefetch a record
system sends for the services' templates.

Each situation is a list of resources about one patient; ``prefetch`` sorts them into the
services' keys as the record system would answer each template (a Patient read, searchset
Bundles for the searches)."""

from __future__ import annotations

from typing import Any

PATIENT = "onconav-patient-1"
SUBJECT = {"reference": f"Patient/{PATIENT}"}
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
HGNC = "http://www.genenames.org"

Resource = dict[str, Any]


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def patient() -> Resource:
    return {
        "resourceType": "Patient",
        "id": PATIENT,
        "gender": "female",
        "birthDate": "1961-04-02",
        "name": [{"family": "Testperson", "given": ["Ada"]}],
    }


def condition(ident: str, *codings: dict[str, str]) -> Resource:
    return {
        "resourceType": "Condition",
        "id": ident,
        "clinicalStatus": {
            "coding": [
                coding(
                    "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"
                )
            ]
        },
        "verificationStatus": {
            "coding": [
                coding(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "confirmed",
                    "Confirmed",
                )
            ]
        },
        "category": [
            {
                "coding": [
                    coding(
                        "http://terminology.hl7.org/CodeSystem/condition-category",
                        "problem-list-item",
                        "Problem List Item",
                    )
                ]
            }
        ],
        "code": {"coding": list(codings)},
        "subject": SUBJECT,
        "onsetDateTime": "2024-02-01",
    }


def stomach_cancer() -> Resource:
    return condition(
        "primary-stomach",
        coding(SNOMED, "363349007", "Malignant tumor of stomach"),
        coding(ICD10CM, "C16.9", "Malignant neoplasm of stomach, unspecified"),
    )


def rectal_cancer() -> Resource:
    return condition(
        "primary-rectum",
        coding(SNOMED, "254582000", "Adenocarcinoma of rectum"),
        coding(ICD10CM, "C20", "Malignant neoplasm of rectum"),
    )


def liver_metastasis() -> Resource:
    return condition(
        "secondary-liver",
        coding(SNOMED, "94381002", "Metastatic malignant neoplasm to liver"),
        coding(
            ICD10CM, "C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"
        ),
    )


def observation(ident: str, code: dict[str, str], **value: Any) -> Resource:
    return {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "category": [
            {
                "coding": [
                    coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "laboratory",
                        "Laboratory",
                    )
                ]
            }
        ],
        "code": {"coding": [code]},
        "subject": SUBJECT,
        "effectiveDateTime": "2024-02-10",
        **value,
    }


def stage_4(ident: str = "stage-group") -> Resource:
    """A clinical TNM stage group of stage IV (AJCC's own code system, as mCODE STU1 and 2
    recorded it)."""
    return observation(
        ident,
        coding(SNOMED, "399537006", "Clinical TNM stage grouping"),
        valueCodeableConcept={"coding": [coding("http://cancerstaging.org", "4", "Stage IV")]},
    )


def kras(present: bool) -> Resource:
    """A genomic variant of KRAS: Present (a mutation) or Absent (wild-type), as mCODE records
    pertinent negatives."""
    answer = (
        coding(LOINC, "LA9633-4", "Present") if present else coding(LOINC, "LA9634-2", "Absent")
    )
    resource = observation(
        "kras-variant",
        coding(LOINC, "69548-6", "Genetic variant assessment"),
        valueCodeableConcept={"coding": [answer]},
    )
    resource["component"] = [
        {
            "code": {"coding": [coding(LOINC, "48018-6", "Gene studied [ID]")]},
            "valueCodeableConcept": {"coding": [coding(HGNC, "HGNC:6407", "KRAS")]},
        }
    ]
    return resource


def medication_request(
    ident: str, code: str, display: str, status: str = "active", reason: str | None = None
) -> Resource:
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": ident,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"coding": [coding(RXNORM, code, display)]},
        "subject": SUBJECT,
        "authoredOn": "2024-03-01",
    }
    if reason == "progressed":
        resource["statusReason"] = {
            "coding": [coding(SNOMED, "266721009", "No response to treatment (situation)")]
        }
    elif reason == "not-tolerated":
        resource["statusReason"] = {
            "coding": [coding(SNOMED, "407563006", "Treatment not tolerated (situation)")]
        }
    return resource


def stopped_with_fluorouracil(regimen: str, code: str, display: str) -> list[Resource]:
    """A regimen of a drug with fluorouracil and leucovorin (FOLFOX, FOLFIRI) stopped: no
    response to treatment."""
    return [
        medication_request(f"{regimen}-{display.lower()}", code, display, "stopped", "progressed"),
        medication_request(f"{regimen}-fluorouracil", "4492", "Fluorouracil", "stopped",
                           "progressed"),
        medication_request(f"{regimen}-leucovorin", "1803932", "Leucovorin 100 MG Injection",
                           "stopped", "progressed"),
    ]  # fmt: skip


def folfox_stopped() -> list[Resource]:
    """FOLFOX (oxaliplatin, fluorouracil, leucovorin) stopped: no response to treatment."""
    return stopped_with_fluorouracil("folfox", "32592", "Oxaliplatin")


def folfiri_stopped() -> list[Resource]:
    """FOLFIRI (irinotecan, fluorouracil, leucovorin) stopped: no response to treatment."""
    return stopped_with_fluorouracil("folfiri", "51499", "Irinotecan")


def allergy(ident: str, code: str, display: str) -> Resource:
    """An active, confirmed allergy to a drug (an AllergyIntolerance coded by RxNorm)."""
    return {
        "resourceType": "AllergyIntolerance",
        "id": ident,
        "clinicalStatus": {"coding": [coding(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active",
            "Active")]},
        "verificationStatus": {"coding": [coding(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed",
            "Confirmed")]},
        "code": {"coding": [coding(RXNORM, code, display)]},
        "patient": SUBJECT,
        "recordedDate": "2024-04-02",
    }  # fmt: skip


def dispensed(ident: str, code: str, display: str) -> Resource:
    """A drug handed over (a completed MedicationDispense), as oral chemotherapy often is only
    on record."""
    return {
        "resourceType": "MedicationDispense",
        "id": ident,
        "status": "completed",
        "medicationCodeableConcept": {"coding": [coding(RXNORM, code, display)]},
        "subject": SUBJECT,
        "whenHandedOver": "2024-03-04",
    }


def draft_order(ident: str, code: str, display: str) -> Resource:
    return medication_request(ident, code, display, status="draft")


SITUATIONS: dict[str, list[Resource]] = {
    "stomach-stage4-her2-unknown": [patient(), stomach_cancer(), stage_4(), liver_metastasis()],
    "rectal-stage4-kras-mutated": [
        patient(),
        rectal_cancer(),
        stage_4(),
        liver_metastasis(),
        kras(present=True),
    ],
    "rectal-stage4-kras-unknown": [patient(), rectal_cancer(), stage_4(), liver_metastasis()],
    # what only a dispense and an allergy say: capecitabine had, oxaliplatin cannot be given
    "rectal-stage4-oxaliplatin-allergy": [
        patient(),
        rectal_cancer(),
        stage_4(),
        liver_metastasis(),
        kras(present=False),
        dispensed("capecitabine-dispensed", "194000", "Capecitabine"),
        allergy("oxaliplatin-allergy", "32592", "Oxaliplatin"),
    ],
    "rectal-stage4-folfox-progressed": [
        patient(),
        rectal_cancer(),
        stage_4(),
        liver_metastasis(),
        kras(present=False),
        *folfox_stopped(),
    ],
}

TEMPLATE_TYPES = {
    "patient": "Patient",
    "conditions": "Condition",
    "observations": "Observation",
    "medicationRequests": "MedicationRequest",
    "medicationAdministrations": "MedicationAdministration",
    "medicationStatements": "MedicationStatement",
    "medicationDispenses": "MedicationDispense",
    "allergies": "AllergyIntolerance",
    "procedures": "Procedure",
    "serviceRequests": "ServiceRequest",
    "diagnosticReports": "DiagnosticReport",
}


def searchset(resources: list[Resource]) -> Resource:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"https://fhir.example.org/r4/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def prefetch(resources: list[Resource], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The prefetch a record system sends for ``keys`` (all the templates by default): the
    Patient read, or null; a searchset Bundle for each search (null when it finds nothing)."""
    out: dict[str, Any] = {}
    for key, kind in TEMPLATE_TYPES.items():
        if keys is not None and key not in keys:
            continue
        found = [r for r in resources if r["resourceType"] == kind]
        if kind == "Patient":
            out[key] = found[0] if found else None
        else:
            out[key] = searchset(found) if found else None
    return out


def padding(count: int) -> list[Resource]:
    """Resources a real record holds beside the cancer's (vital signs, laboratory results, other
    problems, other medicines), which the mapping reads and sets aside: for the benchmark's
    200-resource prefetch."""
    vitals = [
        ("8867-4", "Heart rate", "/min", 72),
        ("8310-5", "Body temperature", "Cel", 36.8),
        ("29463-7", "Body weight", "kg", 61.5),
        ("718-7", "Hemoglobin", "g/dL", 11.2),
        ("6690-2", "Leukocytes", "10*3/uL", 6.1),
        ("777-3", "Platelets", "10*3/uL", 240),
    ]
    out: list[Resource] = []
    for i in range(count):
        code, display, unit, value = vitals[i % len(vitals)]
        if i % 10 == 9:
            out.append(condition(f"other-{i}", coding(SNOMED, "38341003", "Hypertensive disorder")))
        elif i % 10 == 8:
            out.append(
                medication_request(f"other-med-{i}", "197361", "amlodipine 5 MG Oral Tablet")
            )
        else:
            out.append(
                observation(
                    f"lab-{i}",
                    coding(LOINC, code, display),
                    valueQuantity={
                        "value": value,
                        "unit": unit,
                        "system": "http://unitsofmeasure.org",
                        "code": unit,
                    },
                )
            )
    return out
