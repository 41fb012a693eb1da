"""The words people type for a profile's values, read into the values the engine uses.

People copy their situation from a pathology report, a clinic letter or a nurse's notes: "Stage
IVB", "T4N1M1", "HER2 3+ (IHC)", "KRAS G12D", "gastro-oesophageal junction adenocarcinoma". Each
reader here takes such words and gives the value they mean, with a note when the reading needs
saying, or raises ``NotUnderstood`` naming what is accepted. Names of things the knowledge base
knows (cancers, drugs, symptoms, places) are looked up in the knowledge base itself
(``onconav.profile``); this module holds only the words of stages, results, answers and cancer
descriptions, which are the same whatever the data says.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace


def shown(given: object) -> str:
    """A value given, as a message shows it: words quoted ('04'), anything else as JSON writes it
    (true, null, {"name": "rectum"}), not as Python does (True, None); JSON longer than
    ``VALUE_SHOWN`` characters cut, with its length (a list of 51,000 stages was quoted whole in
    an error's message and detail: 255 KB each). Words are cut where they are shown
    (``short_quotes``, ``cut``); the value itself is given back whole where an error has room for
    it (the API's ``value``)."""
    if isinstance(given, str):
        return repr(given)
    said = json.dumps(given, default=str, ensure_ascii=False)
    if len(said) <= VALUE_SHOWN:
        return said
    return f"{said[:VALUE_SHOWN]}... ({len(said)} characters long)"


VALUE_SHOWN = 80  # the most characters of a value that is not words (a list, a number) quoted


TYPED_SHOWN = 40  # the most characters of a person's free words that an answer repeats
NAME_SHOWN = 60  # the most characters of a field's name, given but not known, an error repeats


def cut(text: str, most: int = TYPED_SHOWN) -> str:
    """Free words a person typed (a cancer's name), as an answer repeats them: spaces made
    single, cut at ``most`` characters ("…" marks the cut). Whatever words a shared link puts
    in, the page, the report and every other view repeat at most this much of them."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most].rstrip() + "\u2026"


# A value a mistake's message quotes, as ``shown`` quotes it (a Python string literal: '...',
# or "..." when it holds an apostrophe, a backslash or a quote inside escaped): it opens after no
# letter and closes before none, so that the apostrophe of "cancer's" and the words between two
# values quoted are never taken for a value (they were, and the message was cut short).
QUOTED = re.compile(r"""(?<!\w)('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?!\w)""")


def short_quotes(message: str) -> str:
    """A message with each value it quotes (``QUOTED``) over ``TYPED_SHOWN`` characters cut
    as ``cut`` cuts (a name of 1,000 characters typed was quoted whole); every other word of
    the message kept as it is."""

    def short(found: re.Match[str]) -> str:
        try:
            value = ast.literal_eval(found.group(1))
        except (ValueError, SyntaxError):
            return found.group(0)
        if not isinstance(value, str) or len(value) <= TYPED_SHOWN:
            return found.group(0)
        return shown(cut(value))

    return QUOTED.sub(short, message)


def one_of_its_kind(kind: str) -> str:
    """What a thing is, said of its kind's name: "a kind of chemotherapy", and of a kind named in
    the plural "one of the taxanes" (it had read "a kind of immune checkpoint inhibitors")."""
    return f"one of the {kind}" if kind.endswith("s") else f"a kind of {kind}"


def part_of(drugs: Iterable[str], regimen: str) -> str:
    """Where drugs were given, from their names and the regimen's, to follow the drugs' names:
    "part of FOLFIRI"; "in fluorouracil with leucovorin" when the regimen's name names them
    ("fluorouracil, part of fluorouracil with leucovorin" had read oddly: a clinician's review).
    The one wording of it for every front end: the CDS cards, the questions, the notes and the
    reasons."""
    words = set(re.findall(r"[\w-]+", regimen.lower()))
    named = all(set(re.findall(r"[\w-]+", d.lower())) <= words for d in drugs)
    return f"{'in' if named else 'part of'} {regimen}"


def and_list(names: Iterable[str], last: str = "and") -> str:
    """Names as a sentence lists them: "a", "a and b", "a, b and c" (``last`` "or": "a, b or
    c")."""
    items = list(names)
    return ", ".join(items[:-1]) + f" {last} " + items[-1] if len(items) > 1 else "".join(items)


def quoted_if_joined(names: list[str]) -> list[str]:
    """Names to list in a sentence, each quoted when one holds "and" (a mix's name, "cisplatin
    and paclitaxel"): "CAPIRI and trifluridine and tipiracil stopped working" had read as
    three treatments."""
    if any(" and " in name for name in names):
        return [f"\u201c{name}\u201d" for name in names]
    return names


def listed(names: list[str], most: int = 5) -> str:
    """Words not read, as an answer names them: the first ``most`` (each cut as ``cut`` cuts),
    then how many more."""
    more = len(names) - most
    return ", ".join(cut(n) for n in names[:most]) + (f" and {more} more" if more > 0 else "")


class NotUnderstood(ValueError):
    """Words that do not say any accepted value; ``accepted`` says what would."""

    def __init__(
        self, given: object, accepted: str, values: tuple[str, ...], why: str = ""
    ) -> None:
        """``why``: why these words are not one of the values, beyond what is accepted ("a dash
        alone may mean no result ..."), or "": a front end that shows its own list of what is
        accepted (the page's answers to choose from) says it apart."""
        self.given, self.accepted, self.values, self.why = given, accepted, values, why
        super().__init__(f"{shown(given)} is not accepted; accepted: {accepted}"
                         + (f"; {why}" if why else ""))  # fmt: skip


@dataclass(frozen=True)
class Reading:
    value: str | None  # None: the words do not decide the value (it stays unknown)
    note: str | None = None  # what a person should know about the reading
    far: bool = False  # a stage in words that say it has spread far ("metastatic", M1)
    near: bool = False  # a stage 4 with a note that says it has not ("Stage IV (M0)")


# Characters that show nothing: zero-width ones and marks of direction (U+200B-U+200F), the
# directional embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the byte
# order mark (U+FEFF). In a FHIR record's words they had been read as written ("rec\u2066tal
# can\u2069cer" was no cancer at all); shown back, one at the end of a cancer typed in the
# address ("lung\u202e") turned the rest of the page's sentence around, and one that ends an
# isolate ended a <bdi> early. A person's or a record's words are read and repeated without them
# (``fhir.reader``, ``web.views``; a profile's names fold them away, ``normalise_name``).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def without_invisible(text: str) -> str:
    """A text without the characters that show nothing (``INVISIBLE``)."""
    return INVISIBLE.sub("", text)


# The characters no answer, question or field's name holds: Unicode's control characters (Cc:
# an escape that recolours a terminal, a NUL) and its format characters (Cf). Of these, the
# bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) reorder the text
# around them on a screen, so that "you wrote" shows other words than those read; the rest of Cf
# (zero-width spaces and joiners, the soft hyphen, the byte-order mark, tags) are invisible: a
# zero-width joiner inside an emoji is harmless, but no field needs one, and an invisible
# character makes an answer differ from what it looks like. All of Cf is refused: one rule, and
# no list to keep up to date as Unicode adds characters.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf"})


def control_character(text: str) -> str | None:
    """The first control or format character (``CONTROL_CATEGORIES``) of a text that is not a
    space, a tab or a line break, or None: no answer or question holds one, and "you wrote"
    would send it to the screen as it came."""
    return next((c for c in text if unicodedata.category(c) in CONTROL_CATEGORIES
                 and not c.isspace()), None)  # fmt: skip


def folded(text: str) -> str:
    """Full-width forms and the Roman numeral signs as the letters they are ("４", "Ⅳ", "３＋"),
    as names are folded (``normalise_name``: "ｓｔｏｍａｃｈ" was read and "４" refused); a
    footnote's superscript ("Stage IV¹") left out, as it always was, not read as a digit."""
    kept = "".join(c for c in text if unicodedata.category(c) != "No")
    return unicodedata.normalize("NFKC", kept)


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", folded(text).lower())


_UNSURE_WORDS = (r"pending|awaited|awaiting|not (yet )?tested|not done|unknown|uncertain|"
                 r"unclear|possible|possibly|probable|probably|suspected|query|likely|"
                 r"unlikely(?!\s+to\b)|maybe|"
                 r"inconclusive|indeterminate|not sure|unsure|(not|cannot be|can't be|can not be) "
                 r"(excluded|ruled out)|not confirmed|unconfirmed|to be confirmed|"
                 # a belief, not a result: "4 (I think)", "liver (suspicious)", "(tbc)"
                 r"(i|we|they|he|she|doctors?|the doctors?|the team) (think|thinks|believe|"
                 r"believes|suspect|suspects)|presumed|presumably|presumptive|suspicious|"
                 r"provisional|provisionally|tbc|tbd|to be determined|not certain|"
                 r"thought to be|might be|could be")  # fmt: skip
UNSURE = re.compile(rf"\?|\b({_UNSURE_WORDS})\b")
UNSURE_HINT = "when it is not known yet, leave the field out or say unknown"

# Words that say a value is not known (yet), all of it: the field is read as if left out, never
# as "no" (an export's "Unknown" or "Not tested" column is no answer, and asks for the test).
# Words that say more ("KRAS pending", "stage IV?") are refused by ``_sure``.
NOT_KNOWN = ("unknown", "not known", "not tested", "not yet tested", "untested", "not done",
             "pending", "awaiting", "awaited", "don't know", "do not know", "I don't know",
             "not sure", "unsure",
             "unk", "n/a", "not applicable", "not assessed", "not available", "not recorded",
             "not stated", "null", "nan",
             # a spreadsheet's or a database's words for an empty cell ("#N/A" reads as "n/a")
             "(blank)", "missing", "undefined", "empty")  # fmt: skip
_NOT_KNOWN = frozenset(_compact(w) for w in NOT_KNOWN)


def not_known(value: object) -> bool:
    """Whether the value says, all of it, that it is not known (``NOT_KNOWN`` in any case and
    spacing), or is blank text."""
    return isinstance(value, str) and (not value.strip() or _compact(value) in _NOT_KNOWN)


def _sure(value: object, accepted: str, values: tuple[str, ...]) -> None:
    """Refuse words that say the value is not known or not sure (a question mark, "pending",
    "suspected"): a guess is never read as a result."""
    if isinstance(value, str) and (UNSURE.search(value.lower()) or denying_note(value)):
        raise NotUnderstood(value, accepted, values, why=UNSURE_HINT)


# A note in brackets that says what it follows is not so or no longer ("liver (ruled out)",
# "bleeding (resolved)", "IV (excluded)", "FOLFOX (not given)"; a note of "no" alone), and, of a
# treatment had, not yet or never ("FOLFOX (planned)", "(declined)"): the words are never read as
# if the note were not there. Not a result's own words ("HER2 1+ (negative)", "wild-type (not
# mutated)"), nor a note that says how ("pain (not controlled)", "FOLFOX (no response)").
_NOTE = re.compile(r"\(([^()]*)\)")
_NOTE_DENIES = re.compile(
    r"\b(ruled out|excluded|resolved|no longer|not (given|had|present|there|done)|"
    r"never (given|had)|was not|wasn'?t|absent)\b|^\s*(no|none|nil|never|not)\s*$")
# Notes that say a treatment is yet to come ("(not yet)", "(next week)", "(booked)", "(due in
# May)"): not had; "(stopped due to neuropathy)" and "(waiting for results)" say nothing so
_NOTE_NOT_HAD = re.compile(
    r"\b(planned|declined|refused|cancell?ed|not (yet )?started|not yet|scheduled|booked|upcoming|"
    r"to (start|begin|be (done|given|started))|due (in|on|next|this|to (start|begin|have|be))|"
    r"will (start|begin|have|be)|tomorrow|soon|(next|this coming) (week|month|year)|"
    r"in \d+ (days?|weeks?|months?)|awaiting|waiting (for|to have) (it|surgery|the operation))\b")
# A note that is only a suggestion ("(recommended)", "(offered)"): not had. The whole note, so
# that "(recommended, done 2022)" says nothing so
_NOTE_SUGGESTED = re.compile(
    r"(only )?(recommended|offered|suggested|proposed|considered|discussed|advised)( only)?")
# A note on a treatment had that says, and is only, how it went ("FOLFOX (did not work)",
# "oxaliplatin (severe allergic reaction)"): answers of their own (what stopped working, what
# cannot be had), which a list of treatments had cannot carry; they had been left out with no
# word. The whole note: "(no progression)", "(dose reduced for toxicity)" say nothing so
_NOTE_OUTCOME = re.compile(
    r"((it|the cancer|cancer|disease) )?(did ?n[o']t work|not working|no response|"
    r"stopped working|progressed|progression|progressive disease|failed|refractory|"
    r"(severe |bad |an? )*(allergic reaction|allergy|reaction)|not tolerated|intolerance|"
    r"could ?n[o']t (have|take) it)( on it| during it| after it)?|"
    # the cancer grew on a treatment named ("(disease progression on FOLFOX)": it had been
    # left out with no word, and FOLFOX read as only had)
    r"((the )?(cancer|disease|tumou?r) )?(progressed|progression|progressive disease|grew) "
    r"(on|during|while on|despite) [^()]+")
# A lack of the enzyme that breaks down fluorouracil and its kin: given again, they can kill
# ("DPD deficiency", "DPD-deficient", "DPYD variant", "DPYD*2A", "DPYD poor metaboliser"); a
# bar, as an allergy is, and a property of the person, not of one drug (``PERSON_HARMS``)
DPD_DEFICIENCY = (r"\bdpd[ -]deficien\w*|dihydropyrimidine dehydrogenase deficien\w*|"
                  r"\bdpyd (gene )?(variant|mutation|deficien|poor metaboli[sz]er)\w*|"
                  # a variant allele, not *1, the usual one ("DPYD*1/*1" is none, "DPYD *1/*2A"
                  # one)
                  r"\bdpyd ?(\*\s?1 ?/ ?)?\*\s?(?!1\b)\d+[a-z]?\b|"
                  # a carrier of a DPYD variant, named or not, or one who has it on one copy
                  # or both ("DPYD c.1905+1G>A carrier", "DPYD carrier", "carrier of a DPYD
                  # variant", "DPYD c.1905+1G>A heterozygous": a partial deficiency, a bar as
                  # the others); not the usual gene ("DPYD wild type", "DPYD homozygous
                  # reference", "DPYD *1/*1 homozygous", "DPYD non carrier")
                  r"\bdpyd( (?!wild|wt\b|normal|ref|negative|non\b|non-|no\b|\*\s?1\b)\S+)? "
                  r"(variant |mutation )?(carrier|heterozygo\w*|homozygo\w*\b(?! (for (the )?)?"
                  r"(ref|wild|wt\b|normal|usual|\*\s?1\b)))|"
                  r"\bcarrier of (an? |the )?dpyd\b|"
                  r"\b(heterozygo|homozygo)\w* (for )?(an? |the )?dpyd (variant|mutation)")
# The harms that are a property of the person, not of one drug, by their id: the words people
# and records type for each. Which kind of drug each bars is clinical knowledge, held in the
# knowledge base (a drug class's ``barred_by``: dpd-deficiency bars the fluoropyrimidines,
# which that enzyme breaks down; not oxaliplatin or irinotecan, given with them); the load
# refuses an id not here. (id, its words)
PERSON_HARMS: dict[str, str] = {
    "dpd-deficiency": DPD_DEFICIENCY,
}
# Words that make a mention of such a harm not the person's own when they come directly before
# it, as they govern it: a relative's ("Family history of DPD deficiency", "Mother has DPD
# deficiency"), a test for it ("Screening for DPD deficiency", "awaiting testing for DPYD
# variants"), a risk of it. Said anywhere else they govern nothing ("DPD deficiency (discussed
# with patient and family)", "Risk of fatal toxicity due to DPD deficiency": the person's own;
# ``person_harms``)
_RELATIVES = (r"(family|relatives?|mother|father|parents?|sister|brother|siblings?|son|"
              r"daughter|aunt|uncle|cousin|grand(mother|father|parent))")
_NOT_THE_PERSONS = re.compile(
    r"\b(" + _RELATIVES + r"('s)?"
    r"( members?)?( (history|hx|h/o))?(:| of| with| has| had| have| is)?|"
    r"(screen(ing|ed)?|test(s|ing|ed)?) for|risk (of|for)) (an? |the |possible |known )?$")
# Where a clause of a note ends, for the words said of a harm of the person beside it: a
# semicolon, a full stop before a space, a line break (not the full stop of "c.1905+1G>A")
_CLAUSE_END = re.compile(r";|\.\s|\n")
# Words after a harm of the person, in its clause, that say it is not there or not yet known
# ("DPYD *2A negative", "DPD deficiency - negative", "DPYD variant carrier status: negative",
# "DPYD variants: none found", "DPD deficiency test sent", "DPD deficiency unlikely") or a
# relative's ("DPD deficiency in father", "History of DPD deficiency in family", "DPD
# deficiency (mother)"): any of them had barred every fluoropyrimidine. Not a relative named
# after a comma ("DPD deficiency, brother tested for it": the person's, and the brother's test)
_NOT_SO_AFTER = re.compile(
    r"[\s:(\-–]*((carrier|status|result|results|test|testing|genotyp\w*|screen\w*|is|was)\b[\s:\-–]*)*"
    r"(negative|neg\b|not (detected|found|present|identified|seen)|"
    r"none( (found|detected|identified|seen))?\b|no (variants?|mutations?|deficiency)\b|"
    r"(no|nil|absent)\b(?=\s*($|[,)]))|normal\b|wild[ -]?type|wt\b|unlikely|excluded|"
    r"ruled out|pending|awaited|awaiting|sent|requested|ordered|to follow|to be (done|sent|"
    r"tested|checked))|"
    r"[\s:(\-–]*(in|of|for) (his |her |their |the |patient's )?" + _RELATIVES + r"\b|"
    r"\s*\(" + _RELATIVES + r"('s)?\)")
# Words before a harm of the person, in its clause, that say a test found none or that it is
# to be ruled out ("Tested negative for DPYD*2A", "Negative for DPD deficiency", "genotyping
# requested to rule out DPD deficiency"), beside ``_NOT_THE_PERSONS``, which must come directly
# before it
_NOT_SO_BEFORE = re.compile(r"\b(tested negative|negative for|neg for|rule out|r/o)\b")
# A harm a cancer drug is stopped for, named ("Peripheral neuropathy", "Grade 3 diarrhoea",
# "Oxaliplatin-induced neuropathy", "CIPN", "Paraesthesia", "Febrile neutropenia", "Hand-foot
# syndrome"): a side effect bad enough to stop it, as a clinician reads a drug stopped for it (a
# FHIR record's stop reason and a note on a treatment had: ``outcome_note``); not words of the
# cancer or of a choice. Of the drug stopped (``DRUG_HARM_WORDS``), and of the person, barring
# a kind of drug (``PERSON_HARMS``)
DRUG_HARM_WORDS = (r"neuropath\w*|\bcipn\b|pa?ra?esthesi\w*|dys(a)?esthesi\w*|"
                   # British spelling too ("Febrile neutropaenia", "Thrombocytopaenia")
                   r"neutropa?eni\w*|thrombocytopa?eni\w*|pancytopa?eni\w*|cytopa?eni\w*|"
                   r"myelosuppress\w*|marrow suppression|mucositis|stomatitis|diarrh(o)?ea|colitis|"
                   r"pneumonitis|hepatitis|nephritis|hand[ -]foot|\bhfsr?\b|palmar[ -]plantar|"
                   r"\brash|cardiomyopath\w*|ototoxic\w*|hearing (loss|impairment)|tinnitus|"
                   r"nausea|vomiting|proteinuria|"
                   # oxaliplatin's neuropathy as a person says it ("Numbness and tingling in
                   # hands and feet", "Cold sensitivity")
                   r"numbness|tingling|cold[- ]sensitiv\w*|"
                   # the kidneys harmed (cisplatin's known harm): "Acute kidney injury", "AKI"
                   r"acute kidney injury|\baki\b|acute renal (failure|injury)|"
                   r"renal (impairment|toxicity)|"
                   # harms that stop a drug for good (the lungs, the heart, the skin or the
                   # liver harmed, the heart's arteries in spasm on fluorouracil). Not
                   # "perforation": a typed operation's note gives it as why the operation was
                   # done ("colostomy (perforation)"), not how a drug went
                   r"interstitial lung disease|\bild\b|myocarditis|myositis|"
                   r"stevens[- ]johnson|\bsjs\b|transaminitis|(coronary )?vasospasm|"
                   r"liver (injury|toxicity)|drug[- ]induced liver")
HARM_WORDS = DRUG_HARM_WORDS + "".join("|" + harm_words for harm_words in PERSON_HARMS.values())
# (Not "fatigue" nor "tiredness": the cancer's own most common harm as much as the drug's, and
# one a drug is paused or its dose lowered for, not one that bars it again; a stop for it is
# said in a warning, not read. "Fatigue, a side effect" or "fatigue toxicity" is read by its
# words of a side effect.)
# (not able to bear it: "Not tolerated", "unable to tolerate", "could not tolerate", "not
# tolerating"; its "not" is no denial, ``harm_denied``)
NOT_TOLERATED = (r"(\bnot|\bunable to|\bnot able to|\bcould ?n[o']t|\bdid ?n[o']t|\bcannot|"
                 r"\bpoorly|\bno longer) tolerat(e|ed|ing)\b")
SIDE_EFFECT_WORDS = (r"allerg|intoleran|intolerab|" + NOT_TOLERATED + r"|\w*toxicit(y|ies)|"
                     r"side[ -]?effect|adverse (drug )?(reaction|event|effect)|hypersensitiv|"
                     r"infusion[- ]?(related )?reaction|anaphyla|"
                     # a hypersensitivity or infusion-related reaction, and a dose-limiting
                     # toxicity, by their letters ("Grade 3 HSR", "IRR", "DLT")
                     r"\bhsrs?\b|\birrs?\b|\bdlts?\b|"
                     # an adverse event by its letters ("AE", "SAE" serious, "irAE" of the
                     # immune system), "toxic", "tox" as notes shorten it ("d/c'd for tox",
                     # "neurotox"; not "cytotoxic", which names a kind of chemotherapy)
                     r"\b(s|ir)?aes?\b|\btoxic\b|\b(neuro|cardio|hepato|nephro|oto|haemato|"
                     r"hemato)?tox\b")
# A harm or a side effect named, any of them: a drug stopped for one is read as one that cannot be
# had (a FHIR stop reason, a note on a treatment had). The text, for the patterns built on it
HARM_OR_SIDE_EFFECT = SIDE_EFFECT_WORDS + "|" + HARM_WORDS
HARM_NAMED = re.compile(HARM_OR_SIDE_EFFECT)
# Of those, a harm of the drug itself, not of the person (``PERSON_HARMS``): a drug stopped for
# one is the drug that cannot be had; for a harm of the person, the kind it bars is
# (``person_harms``)
DRUG_HARM_NAMED = re.compile(SIDE_EFFECT_WORDS + "|" + DRUG_HARM_WORDS)
# Words that deny or put aside a harm or a side effect named beside them ("no toxicity", "not due
# to side effects", "toxicity resolved"), or say the drug stopped as planned with the harm on
# the mend ("Neuropathy improving, stopped per protocol after 6 cycles" is a course that ended,
# not a drug ruled out)
# Of those, the words that put a harm aside as one to come ("Risk of neuropathy", "to avoid
# toxicity"): beside a harm of the person (``PERSON_HARMS``) they say what it may lead to, not
# that it is not there ("Risk of fatal toxicity due to DPD deficiency": ``person_harms``)
_AVERTED = r"risk|avoid|prevent"
NOT_SO_WORDS = re.compile(
    r"\b(no|not|non|none|nil|never|without|free|resolved|resolving|unrelated|other than|"
    r"rather than|instead of|ruled out|excluded|denies|denied|" + _AVERTED + r"|improv(ed|ing)|"
    r"per protocol|as planned|course completed)\b")
# Of those, the words that say the stop was planned, whatever harm they stand beside: read in
# the whole reason, not only in the harm's part of it (``harm_denied``)
_PLANNED_STOP = re.compile(r"\b(per protocol|as planned|course completed)\b")
# Where a reason's parts part: a denial is of what its part names ("Neuropathy (not due to
# progression)", "Grade 3 neurotoxicity; no progression" deny the progression, not the harm)
_REASON_PARTS = re.compile(r"[;,:()\[\]/]|\s-\s|\.(?:\s|$)|\b(?:but|although|though|while)\b")
# Within a part, what "and" joins is one: a denial of a harm in it reaches the other harms it
# joins ("no nausea and vomiting", "nausea and vomiting resolved"), but not a harm beside a
# denial of something else ("Neurotoxicity and no progression")
_JOINED = re.compile(r"\band\b")
# The words a part may hold beside a denial and still be about the harm named before it
# ("Neuropathy, now resolved", "Diarrhoea; not drug related"): a part with other words ("not due
# to progression", "no evidence of disease") denies something else
_DENIAL_FILLER = frozenset({
    "due", "to", "of", "from", "by", "for", "any", "now", "since", "then", "has", "have",
    "had", "is", "was", "were", "been", "being", "fully", "completely", "totally", "partly",
    "partially", "mostly", "largely", "slowly", "quickly", "the", "a", "an", "it", "this",
    "that", "these", "all", "evidence", "sign", "signs", "further", "longer", "more",
    "related", "caused", "attributable", "drug", "drug-related", "treatment-related",
    "treatment", "medication", "chemo", "chemotherapy", "it's", "yet", "so"
})
# "No further", "no more" of the drug, not of a harm ("No further treatment due to neuropathy",
# "No more oxaliplatin due to neuropathy"): it stops the drug, and denies no harm ("no further
# toxicity" still does)
_NO_MORE_OF_IT = re.compile(r"\bno (further|more) (?!(grade \d |severe |serious )?("
                            + HARM_OR_SIDE_EFFECT + r"))[\w-]+")


# Words of a harm that take in every harm ("toxicity", "side effects", "adverse event", "AE",
# "intolerance"; not "neurotoxicity", one harm): denied ("not due to toxicity"), they deny a harm
# another part names too ("Not due to toxicity; neuropathy stable" says the neuropathy is not
# why), but "other", "new" or "additional" ones ("Hand-foot syndrome; no other toxicity") do not
_ANY_HARM = re.compile(r"\b(toxicit(y|ies)|tox|toxic|side[ -]?effects?|adverse (drug )?"
                       r"(reactions?|events?|effects?)|(s|ir)?aes?|intoleran\w*)\b")
_OTHER_HARM = re.compile(r"\b(other|new|additional|another)\b")
# A part that gives its harm as why the drug stopped ("stopped for neuropathy", "due to
# neuropathy"): read even beside a denial of every harm ("No toxicity, stopped for neuropathy")
_STOPPED_FOR = re.compile(r"\b(stop(ped|ping|s)?|discontinu\w*|d/?c'?d|ceased|halted|due to|"
                          r"because of|secondary to|owing to|caused by|for)\b")
# A denial itself denied, which doubts and does not deny ("not ruled out", "cannot be excluded",
# "cannot exclude", "not yet ruled out"): of a harm in a stop reason or a note, no denial (a
# doubt is no bar, as ``NOT_SO_WORDS`` says); of a Condition's verificationStatus or its words,
# a doubt (the FHIR reader's ``STATUS_DOUBTED``). The one pattern of both
DENIAL_DENIED = re.compile(r"\b(not|never|cannot|can ?not|can'?t|could ?n[o']t)( yet)?"
                           r"( be(en)?)? (ruled out|excluded|exclude|rule out)\b")
# The words of a harm on the mend ("now improving", "since resolved"): after the drug was
# stopped for the harm ("Stopped for neuropathy, now improving"), they say how it went since,
# not that it was not why; beside a harm alone ("Neuropathy, now resolved") they deny it. A mend
# itself denied ("not resolved", "has not improved") says the harm is there: no denial
_MEND = re.compile(r"\b(resolved|resolving|improv(ed|ing))\b")
_MEND_DENIED = re.compile(r"\b(not|never|has ?n[o']t|hasn't|did ?n[o']t|yet to)( yet)?"
                          r"( (fully|completely|totally))? (resolved?|improv(ed|ing|e))\b")
# Words of a harm, joined by "and" to one denied, that say it is there, so that the denial does
# not reach it ("No nausea and grade 3 neuropathy", "no rash and severe colitis"): a grade, a
# severity, a stop for it (``_STOPPED_FOR``)
_SAID_THERE = re.compile(r"\b(grade|gr|g|ctcae)\s?[1-5]\b|\b(severe|serious|significant|"
                         r"intolerable|marked|worsening|worse|persistent|persisting|ongoing|"
                         r"new|recurrent|progressive|developed)\b|" + _STOPPED_FOR.pattern)


def _stops_for_it(text: str, harm: re.Pattern[str]) -> bool:
    """Whether words say the drug stopped for their harm, the stop before the harm ("stopped for
    neuropathy", not "Mucositis, improving for now")."""
    stop, named = _STOPPED_FOR.search(text), harm.search(text)
    return bool(stop and named and stop.start() < named.start())


def _only_mend(text: str) -> bool:
    """Whether the only words of a denial in ``text`` are of a harm on the mend (``_MEND``)."""
    return all(_MEND.fullmatch(m.group(0)) for m in NOT_SO_WORDS.finditer(text))


def _denies_first(text: str, harm: re.Pattern[str]) -> bool:
    """Whether the denial in words comes before their harm ("no nausea": it reaches a harm "and"
    joins after it) or after it ("vomiting resolved": one joined before it)."""
    denial, named = NOT_SO_WORDS.search(text), harm.search(text)
    return bool(denial and named and denial.start() < named.start())


def harm_denied(text: str, harm: re.Pattern[str] = HARM_NAMED) -> bool:
    """Whether words that deny or put aside a harm (``NOT_SO_WORDS``) deny every harm or side
    effect a reason or a note names (``harm``: any, ``HARM_NAMED``, unless another is given),
    read part by part (``_REASON_PARTS``): a planned stop anywhere ("per protocol") denies them
    all; a denial in a part that names a harm ("no neutropenia", "diarrhoea resolved") denies
    that part's harm, and one in a part that names nothing else ("Neuropathy, now resolved")
    the harm of the part before it; a harm in a part of its own with no denial still counts ("No
    neutropenia; grade 3 neuropathy", "Progression ruled out. Stopped for neuropathy."). Within
    a part, a denial reaches a harm "and" joins to it, after it when the denial comes first ("no
    nausea and vomiting"), before it when it comes after ("nausea and vomiting resolved"), but
    not one whose words say it is there (``_SAID_THERE``: "No nausea and grade 3 neuropathy").
    A harm on the mend (``_MEND``) after the drug was stopped for it ("Stopped for neuropathy,
    now improving") is still why it stopped. A denial of every harm (``_ANY_HARM``: "not due to
    toxicity") denies too a harm named in another part, unless that part says the drug stopped
    for it (``_STOPPED_FOR``: "No toxicity, stopped for neuropathy"): "Not due to toxicity;
    neuropathy stable" is read as the writer says, not a stop for a harm. A denial of something
    else in a part of its own ("Neuropathy (not due to progression)") denies not the harm; "not
    tolerated" is a harm, not a denial (``NOT_TOLERATED``), nor is "no further" of the drug
    (``_NO_MORE_OF_IT``), nor a denial denied ("not ruled out": ``DENIAL_DENIED``), nor a mend
    denied ("not resolved": ``_MEND_DENIED``). False when nothing is denied. The one test both
    readers use (a FHIR stop reason, a note on a treatment had)."""
    lowered = _NO_MORE_OF_IT.sub(" ", " ".join(text.lower().split()))
    lowered = _MEND_DENIED.sub(" ", DENIAL_DENIED.sub(" ", lowered))
    if _PLANNED_STOP.search(lowered):
        return True
    standing: list[str] = []  # the parts whose harm no denial reaches
    denied = every = False
    for part in _REASON_PARTS.split(lowered):
        joined = [j.strip() for j in _JOINED.split(part) if j.strip()]
        if not joined:
            continue
        kept = [re.sub(NOT_TOLERATED, "", j) for j in joined]
        own = [i for i, k in enumerate(kept) if NOT_SO_WORDS.search(k) and harm.search(k)
               and not (_stops_for_it(k, harm) and _only_mend(k))]  # fmt: skip
        bare = [k for k in kept if NOT_SO_WORDS.search(k) and not harm.search(k) and not [
            w for w in re.findall(r"[a-z][\w'-]*", NOT_SO_WORDS.sub(" ", k))
            if w not in _DENIAL_FILLER]]  # fmt: skip
        if own:  # its own harm denied ("no neutropenia"), and what "and" joins to it
            denied = True
            every |= any(_ANY_HARM.search(kept[i]) and not _OTHER_HARM.search(kept[i])
                         for i in own)  # fmt: skip
            # a harm joined that says it is there, or that no denial reaches ("Neuropathy and
            # no nausea"), stands
            standing += [k for i, k in enumerate(kept) if i not in own and harm.search(k) and (
                _SAID_THERE.search(k) or not any(
                    (j < i) == _denies_first(kept[j], harm) for j in own))]  # fmt: skip
        elif bare and not any(harm.search(j) for j in joined):  # "now resolved"
            denied = True
            if standing and _stops_for_it(standing[-1], harm) and _only_mend(part):
                continue  # "stopped for neuropathy, now improving": still why it stopped
            if standing:  # of the harm of the part before it
                standing.pop()
            else:
                every = True
        elif bare:  # "neuropathy and now resolved"
            denied = True
        elif harm.search(part):
            standing.append(part)
    if every:
        standing = [part for part in standing if _STOPPED_FOR.search(part)]
    return denied and not standing


def person_harms(text: str) -> list[str]:
    """The harms of the person (``PERSON_HARMS``: ids, each barring a kind of drug, the
    knowledge base's ``DrugClass.barred_by``) that words name and do not deny (``harm_denied``
    of that harm alone: "DPD deficiency" and "Neuropathy; DPD deficiency" name dpd-deficiency,
    "DPD deficiency ruled out" and "no DPD deficiency" do not), in the order of
    ``PERSON_HARMS``; none when each mention is a relative's, a test for it or a risk of it
    (``_NOT_THE_PERSONS`` directly before it: "Family history of DPD deficiency"). Those words
    said elsewhere leave the harm the person's ("DPD deficiency confirmed; mother also
    affected"), as words of a harm to come do (``_AVERTED``: "Risk of fatal toxicity due to DPD
    deficiency")."""
    lowered = " ".join(text.lower().split())
    present = re.sub(rf"\b({_AVERTED})\b", " ", lowered)
    return [harm for harm, harm_words in PERSON_HARMS.items()
            if any(_the_persons(lowered, m) for m in re.finditer(harm_words, lowered))
            and not harm_denied(present, re.compile(harm_words))]  # fmt: skip


def _the_persons(text: str, mention: re.Match[str]) -> bool:
    """Whether a mention of a harm of the person is theirs and there, as the words of its
    clause say: not a relative's, a test for it or a risk of it directly before it
    (``_NOT_THE_PERSONS``), nor a test that found none or one to rule it out before it in its
    clause (``_NOT_SO_BEFORE``), nor a result that is negative, pending or a relative's after
    it (``_NOT_SO_AFTER``)."""
    before = _CLAUSE_END.split(text[:mention.start()])[-1]
    after = _CLAUSE_END.split(text[mention.end():])[0]
    return not (_NOT_THE_PERSONS.search(text[:mention.start()]) or _NOT_SO_BEFORE.search(before)
                or _NOT_SO_AFTER.match(after))


# A note on a treatment had that says it was stopped for a harm or a side effect, or names only
# such a harm ("FOLFOX (stopped due to neuropathy)", "oxaliplatin (grade 3 neuropathy)",
# "capecitabine (d/c'd for hand-foot syndrome)"): how it went, an answer of its own (what cannot
# be had), as ``_NOTE_OUTCOME``; the note had been left out with no word. It begins with the
# stop or with the harm: "(dose reduced for toxicity)", "(continued despite nausea)" say nothing
# so, nor does one whose words deny the harm ("(stopped, no toxicity)": ``NOT_SO_WORDS``)
_NOTE_HARM_FIRST = re.compile(
    r"(stopped|stop|discontinued|ceased|held|halted|d/?c'?d?|switched|changed|taken off|"
    r"came off|(severe |bad |serious |intolerable |grade [1-5] |g[1-5] |peripheral |febrile |"
    r"an? )*(" + HARM_OR_SIDE_EFFECT + r"))")
# A note that joins another treatment to the one it follows ("FOLFOX (with Avastin)",
# "oxaliplatin (and bevacizumab)", "(w/ bev)", "(+Avastin)"): the words after the joining word;
# read as the two written together when they name a treatment (else the note is left out, as
# any note that names nothing: "(with dose reduction)")
JOINED_NOTE = re.compile(r"(?i)^\s*(?:(?:together|along|combined|given) with|in combination "
                         r"with|with|w/|and|plus|\+|&)\s*(?=\S)")
HAD_FIELDS = ("prior_treatments", "progressed_on")  # treatments had: "(planned)" denies them
# A note that says, and is only, that a symptom or a place of spread is gone or not sure
# ("bleeding (stopped)", "liver (removed)", "liver (NED)", "bone (equivocal)"): each had been
# read as there now. The whole note: "(stopped passing wind)", "(PET negative, MRI positive)",
# "(2 removed, 3 remain)" say nothing so. Of a treatment, "(stopped)" says nothing against it
_NOTE_GONE = re.compile(
    r"((now|since|has|have|was|were|all|surgically|completely) )*(stopped|gone|no more|none|"
    r"not now|denie[sd]|negative|removed|resected|ned|no evidence( of disease)?|"
    r"complete (response|remission)|in remission|cleared|disappeared|cured|equivocal|"
    r"indeterminate)( now| since| \d{4}| in \d{4})?")
PRESENT_FIELDS = ("symptoms", "metastases")  # what is there now: "(gone)" denies them


def outcome_note(text: str) -> bool:
    """Whether a note in brackets after a treatment says how it went (``_NOTE_OUTCOME``), or
    that it was stopped for a harm or a side effect (``_NOTE_HARM_FIRST``)."""
    for note in _NOTE.findall(text):
        note = " ".join(note.lower().split())
        if _NOTE_OUTCOME.fullmatch(note):
            return True
        if (_NOTE_HARM_FIRST.match(note) and HARM_NAMED.search(note)
                and not harm_denied(note)):
            return True
    return False


def denying_note(text: str, field: str = "") -> bool:
    """Whether a note in brackets says that what it follows is not so or no longer (or, for a
    field of treatments had, ``HAD_FIELDS``, not yet or never; for a symptom or a place of
    spread, ``PRESENT_FIELDS``, gone or not sure)."""
    notes = [" ".join(note.lower().split()) for note in _NOTE.findall(text)]
    return any(_NOTE_DENIES.search(note)
               or (field in HAD_FIELDS and (_NOTE_NOT_HAD.search(note)
                                            or _NOTE_SUGGESTED.fullmatch(note)))
               or (field in PRESENT_FIELDS and _NOTE_GONE.fullmatch(note))
               for note in notes)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------

STAGE_ACCEPTED = (
    "4, 4A, 4B (also IV, IVA, IVB, stage four, FIGO IVB), metastatic, M1 or a TNM stage such as "
    "T4N1M1; 1 to 3 (I-III) for cancer that came back after an earlier stage"
)
STAGE_VALUES = ("earlier", "4", "4A", "4B")
_LABEL_WORDS = r"\b(stage|stadium|figo|ajcc|uicc|clinical|pathologic(al)?|prognostic|group|is)\b"
_METASTATIC = {"metastatic", "metastasised", "metastasized", "m1", "m1a", "m1b", "m1c",
               "distantmetastases", "widespread", "metastaticdisease"}  # fmt: skip
_UNDECIDED = {"advanced": "does not say the stage; it is taken as unknown",
              "locallyadvanced": "does not say the stage; it is taken as unknown"}  # fmt: skip
TNM = re.compile(  # a TNM stage, folded: T (with a prefix), N (may be left out) and M; the M
    # decides: "T4 M0", "T3 M1" as much as "T4N0M0"
    r"^[cpyra]{0,3}t(?:[0-4x]|is)[a-d]?\d?(?:[cpyra]{0,3}n[0-3x][a-c]?)?[cpyra]{0,3}m([01x])"
    r"([a-d]?)$"
)


# A minus (any dash) in front of a stage: at the start ("-4", "- IV", "-stage 4") or right before
# the numeral after a space or a bracket ("stage -4", "(-4)"); "IV-B" and "stage 4 - metastatic"
# are not.
DASHES = "\\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
MINUS_STAGE = re.compile(rf"^[{DASHES}]\s*(\d|[iv]+[ab]?\b|stage)"
                         rf"|(?<=[\s(\[])[{DASHES}](\d|[iv]+[ab]?\b)")


# One digit written with a point and zeros: how a table's column of numbers with blanks in it
# writes a whole number ("4.0" in a CSV made from a spreadsheet or pandas)
_WHOLE_TEXT = re.compile(r"\s*(\d)\.0+\s*")


def whole(value: object) -> object:
    """A number written with a decimal point that is whole (JSON's 4.0, a CSV's "4.0") is that
    whole number; anything else is as given."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (found := _WHOLE_TEXT.fullmatch(value)):
        return int(found.group(1))
    return value


def stage(value: object) -> Reading:
    """The stage a person's words say: ``4``, ``4A``, ``4B``, ``earlier`` (1 to 3), or None
    (the words do not decide it, as "advanced" or "Mx")."""
    value = whole(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise NotUnderstood(value, STAGE_ACCEPTED, STAGE_VALUES)
    if isinstance(value, int) and not 0 <= value <= 4:
        raise NotUnderstood(value, STAGE_ACCEPTED, STAGE_VALUES)
    _sure(value, STAGE_ACCEPTED, STAGE_VALUES)
    text = folded(str(value)).strip().lower()  # "４", "Ⅳ"
    if MINUS_STAGE.search(text):
        raise NotUnderstood(value, STAGE_ACCEPTED, STAGE_VALUES)  # "-4", as the number -4 is
    outside = re.sub(r"\([^()]*\)", " ", text).strip()  # "Stage IVB (FIGO 2018)": the stage
    if outside and outside != text:
        try:
            reading = stage(outside)
        except NotUnderstood:
            pass
        else:  # a note that says it has spread far ("Stage IV (M1)") says so of the stage too
            notes = re.findall(r"\(([^()]*)\)", text)
            if (reading.value or "").startswith("4") and any(map(_says_far, notes)):
                reading = replace(reading, far=True)
            elif (reading.value or "").startswith("4") and any(map(_says_near, notes)):
                # "Stage IV (M0)": the note had been left out, as any note is, and a cervical
                # IVB (M0) read as 4B without a word
                reading = replace(reading, near=True, note=NEAR_NOTE)
            if not re.fullmatch(r"(stage\s*)?(iv|4)[ab]?", outside):  # a letter after M1 ("M1(a)",
                # M1a) is no sub-stage: the letter alone is read only after the stage 4
                notes = [n for n in notes if n.strip() not in ("a", "b")]
            return _with_sub_stage(reading, notes)
    text = re.sub(r"\b(disease|cancer)\b", " ", text).strip()
    text = re.sub(r"\b([cpy]+)(m[01x])", r"\2", text)  # cM1, pM1
    compact = _compact(text)
    if compact in ("dukesd", "dukesc2"):
        return Reading("4" if compact == "dukesd" else "earlier", "Dukes' stage read as stage "
                       f"{'4' if compact == 'dukesd' else '1 to 3'}")  # fmt: skip
    tnm = TNM.match(compact)
    if tnm:
        if tnm.group(1) == "1":
            return Reading("4", "a TNM stage with M1 (distant spread) is stage 4", far=True)
        if tnm.group(1) == "x":
            return Reading(None, "the TNM stage says Mx: whether it has spread far is not known")
        return Reading("earlier", "a TNM stage with M0 (no distant spread) is read as stage 1 "
                       "to 3, unless it is stage 4A for cervical cancer (T4)")  # fmt: skip
    if compact in _METASTATIC:
        # the note follows the words as typed (``profile._stage_notes``): it had quoted them
        # again, lower-cased ("'M1': 'm1' is read as stage 4")
        return Reading("4", None if compact == "metastatic" else "read as stage 4", far=True)
    if compact in _UNDECIDED:
        return Reading(None, _UNDECIDED[compact])
    words = _compact(re.sub(_LABEL_WORDS, " ", text))
    # a sub-stage's number only after its letter (IVA1, IIIC2r): "04", "14" or "40" is no stage
    found = re.fullmatch(r"(4|iv|four)(?:([abc])\d?)?", words)
    if found:
        letter = found.group(2) or ""
        if letter == "c":
            return Reading("4", "stage IVC is read as stage 4 (the sources do not use IVC)")
        return Reading("4" + letter.upper())
    found = re.fullmatch(r"(0|1|2|3|i|ii|iii|one|two|three|zero|earlier)(is|(?:[abc]\d?)?[rp]?)",
                         words)  # IIIC1r, IIIC2p: FIGO's r and p say how it was found
    if found:
        if found.group(1) in ("0", "zero") or found.group(2) == "is":  # in situ (0, Tis)
            return Reading("earlier", "stage 0 (not spread beyond where it started) is read as "
                           "an earlier stage, as stage 1 to 3 are")  # fmt: skip
        return Reading("earlier")
    raise NotUnderstood(value, STAGE_ACCEPTED, STAGE_VALUES)


def _with_sub_stage(reading: Reading, notes: list[str]) -> Reading:
    """A stage 4 with a note that names its sub-stage ("Stage IV (FIGO IVB)", "IV(b)": its letter
    alone had been dropped, and stage 4B asked again) is that sub-stage;
    notes that name two sub-stages, or one other than the stage's own ("Stage IVA (IVB)"), leave
    stage 4 with its sub-stage not known, with the words to check. Other notes ("(FIGO 2018)")
    change nothing."""
    if not (reading.value or "").startswith("4"):
        return reading
    named = set()
    for note in notes:
        if note.strip().lower() in ("a", "b"):  # "IV(b)": the letter of the sub-stage alone
            named.add("4" + note.strip().upper())
            continue
        try:
            value = stage(note).value
        except NotUnderstood:
            continue
        if value in ("4A", "4B"):
            named.add(value)
    subs = named | ({reading.value} if reading.value != "4" else set())
    if len(subs) > 1:
        return Reading("4", "the words name two sub-stages of stage 4 (IVA and IVB): the stage "
                       "is taken as 4, its sub-stage not known; check which is right")  # fmt: skip
    if named and reading.value == "4":
        return replace(reading, value=named.pop())
    return reading


NEAR_NOTE = ("the note in brackets says it has not spread to distant parts of the body (M0), "
             "which stage 4 of most cancers means it has: the stage is read as 4; check which "
             "is right")  # fmt: skip
NEAR_WORDS = {"nodistantspread", "nodistantmetastases", "nodistantmetastasis", "nonmetastatic",
              "notmetastatic"}  # fmt: skip


def _says_near(note: str) -> bool:
    """Whether a note beside a stage says it has not spread far on its own ("M0", "cM0", "no
    distant spread", a TNM stage with M0)."""
    compact = _compact(note.lower())
    tnm = TNM.match(compact)
    return bool(re.fullmatch(r"[cpy]{0,2}m0", compact)) or compact in NEAR_WORDS or bool(
        tnm and tnm.group(1) == "0")  # fmt: skip


def _says_far(note: str) -> bool:
    """Whether a note beside a stage reads as spread far on its own ("M1", "metastatic")."""
    try:
        return stage(note).far
    except NotUnderstood:
        return False


def cervical_stage(value: object, reading: Reading) -> Reading:
    """For cervical cancer (FIGO): distant spread (M1, "metastatic") is stage 4B; a T4 tumour
    without it (M0) is stage 4A."""
    compact = _compact(str(value))
    tnm = TNM.match(compact)
    if reading.value == "4" and reading.far:  # M1, "metastatic", "Stage IV (M1)"
        return Reading("4B", "for cervical cancer, distant spread is stage 4B", far=True)
    if reading.value == "4A" and reading.far:  # "Stage IVA (M1)": FIGO IVA has not spread far
        return Reading(None, "for cervical cancer, stage 4A has not spread to distant parts of "
                       "the body, but the words also say it has (M1): the stage is taken as "
                       "not known; check which is right")  # fmt: skip
    if reading.near:  # "Stage IV (M0)": 4A; "Stage IVB (M0)": both cannot be right
        if reading.value == "4B":
            return Reading(None, "for cervical cancer, stage 4B has spread to distant parts of "
                           "the body, but the words also say it has not (M0): the stage is "
                           "taken as not known; check which is right")  # fmt: skip
        if reading.value == "4A":  # "Stage IVA (M0)" says the same twice
            return Reading("4A")
        return Reading("4A", "for cervical cancer, stage 4 that has not spread to distant parts "
                       "of the body (M0) is 4A")  # fmt: skip
    if tnm and tnm.group(1) == "0" and re.match(r"^[cpyra]{0,3}t4", compact):
        return Reading("4A", "for cervical cancer, a T4 tumour without distant spread is 4A")
    return reading


# --------------------------------------------------------------------------------------------
# Test results
# --------------------------------------------------------------------------------------------

HER2_ACCEPTED = ("positive (3+, amplified, ISH positive), negative (0, 1+, not amplified), or "
                 "2+ / equivocal (borderline: the ISH test decides)")  # fmt: skip
HER2_VALUES = ("positive", "negative", "equivocal")


_HER2_WORDS = {
    "positive": {"positive", "pos", "+", "3+", "3", "amplified", "amplification", "overexpressed",
                 "overexpression"},
    "negative": {"negative", "neg", "-", "0", "0+", "1", "1+"},
    "equivocal": {"equivocal", "borderline", "2", "2+"},
}  # fmt: skip
# a dash with no result beside it: "-", "--", "HER2: -", "HER2 status = -", "HER2 --" (a blank
# cell of a table as often as a negative); "HER2-" and "HER2 -", the marker's own sign, are read
_DASH_ALONE = re.compile(r"\s*(?:(?:her-?2(?:/neu)?|erbb2)(?:\s+(?:status|result))?"
                         r"\s*(?:[:=]\s*|\s+(?=--)))?[-\u2010-\u2015\u2212]+\s*", re.IGNORECASE)
_HER2_FILLER = {"her2", "erbb2", "neu", "status", "result", "score", "ihc", "ish", "fish", "sish",
                "cish", "by", "test", "tested", "immunohistochemistry", "is", "was",
                "the"}  # fmt: skip


def her2(value: object) -> str:
    """A HER2 result: ``positive``, ``negative`` or ``equivocal`` (IHC 2+, which an ISH test
    settles). Every word must say the same result."""
    value = whole(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES)
    if isinstance(value, int) and not 0 <= value <= 3:  # an IHC score is 0 to 3
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES)
    _sure(value, HER2_ACCEPTED, HER2_VALUES)
    text = re.sub(r"(?<=[+-])ve\b", "", folded(str(value)).lower()
                  ).replace("+++", "3+")  # HER2 +ve; "３＋"
    if str(value).strip() == "+" or re.search(r"(?<!\+)\+\+", text):  # 1+ or 2+, some reports
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES,
                            why="write the IHC score as 1+ or 2+")
    if _DASH_ALONE.fullmatch(str(value)):  # a dash alone, or after a label: a blank cell, often
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES,
                            why="a dash alone may mean no result as well as "
                            "a negative one: write negative, or leave the result out")  # fmt: skip
    # an ISH result, which decides an IHC 2+ (found before "not amplified" is read as negative)
    ish = re.search(r"\b(ish|fish|sish|cish|amplified|amplification)\b", text)
    # an ISH test's sign: "FISH+" is amplified, as "FISH-" is not (it had been refused)
    text = re.sub(r"\b([fsc]?ish) ?\+(?![+\d])", r"\1 positive", text)
    text = re.sub(r"her-?2 ?/? ?neu", "her2", text)  # HER2/neu
    text = re.sub(r"\bher-?2-(?=[a-z]|[0-3]\+)", " ", text)  # HER2-positive, HER2-1+
    negated = r"\b(not|non|no)[- ]?(amplified|amplification|over-?expressed)"
    text = re.sub(negated, " negative ", text)
    text = text.replace("her-2", "her2")
    # HER2+ followed by a space or nothing is positive, so "HER2+ 0" says both (the + had been
    # read as the sign of the score: IHC 0, negative); "HER2+3" is a score with its sign
    text = re.sub(r"\bher2\+(?=\s|$)", "her2 positive", text)
    text = re.sub(r"\bher2(?=[+-])", "her2 ", text)  # HER2+3, HER2-
    # a score with its sign in front: "+3", "+ 1" are 3+ and 1+; a range of two scores, "0-1+",
    # is both ("0 1+": negative; "1-2+" says no one result); a dash stuck to a score, "-1" or
    # "1-", is no IHC score (the dash had been read as negative, whatever the number)
    dash = r"[-\u2010-\u2015\u2212]"
    text = re.sub(rf"(?<![\w+])([0-3])\+? ?{dash} ?([0-3]\+?)(?![\d.])", r"\1+ \2", text)
    text = re.sub(r"(?<![\w+])\+ ?([0-3])(?![\d+.])", r"\1+", text)
    if re.search(rf"(?<![\w+]){dash}\d|(?<![a-z\d])\d{dash}(?![\w])", text):
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES,
                            why="an IHC score is 0, 1+, 2+ or 3+")  # fmt: skip
    found = set()
    for word in re.findall(r"[a-z0-9]+\+?|\+|-", text):
        if word in _HER2_FILLER:
            continue
        kinds = [k for k, ws in _HER2_WORDS.items() if word in ws]
        if not kinds:
            raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES)
        found.add(kinds[0])
    if len(found) == 2 and "equivocal" in found and ish:  # IHC 2+, then ISH: the ISH decides
        found.discard("equivocal")  # (two IHC scores, "1+/2+", say no one result)
    if len(found) != 1:
        raise NotUnderstood(value, HER2_ACCEPTED, HER2_VALUES)
    return found.pop()


KRAS_ACCEPTED = ("wild-type (WT, not mutated, no mutation, negative) or mutated (mutant, a "
                 "variant such as G12C or G12D, positive)")  # fmt: skip
KRAS_VALUES = ("wild-type", "mutated")
# "all RAS", "extended RAS", "pan-RAS": every RAS gene (a result of none of them is KRAS's too)
_ALL_RAS = r"(?:all[- ]|extended[- ]|pan[- ]?)"
_WILD = re.compile(r"wild-?type|wild|\bwt\b|\b(not|non|un)[- ]?(a )?(mutated|mutant)\b|"
                   r"\bno (kras )?mutations?\b|not detected|negative|\bneg\b|\bnormal\b|"
                   r"\bno ((pathogenic|clinically (significant|relevant)|significant|"
                   r"reportable|detectable|kras) )*(mutations?|variants?|alterations?|changes?)\b|"
                   r"\b(mutations?|variants?|alterations?)( (detected|found|identified))?\s*"
                   r"[:=-]?\s*(none|no|not|nil)\b|"
                   r"\bnot (identified|found|seen|present)\b|\babsent\b|\bexcluded\b|"
                   r"\bnone (detected|identified|found)\b")  # fmt: skip
# wild-type denied: "not wild-type", "non-WT", "wild-type: no" (a mutation; "not mutated" is
# wild-type, in _WILD)
_NOT_WILD = re.compile(r"\b(not|non|no|isn'?t)[- ]?(a )?(wild[- ]?type|wt)\b|"
                       r"\b(wild[- ]?type|wt)\s*[:=-]\s*(no|false)\s*(?=$|[,;.)\]])")
# (the answer "no" ends its clause: "wild type - no mutation detected" is wild-type)
_MUTATED = re.compile(r"mutat|mutant|positive|\bpos\b|detected|variant|\bmut\b|"
                      r"p\.[a-z]{3}\d{1,3}[a-z]{3}|"
                      r"\b(p\.)?[acdefghiklmnpqrstvwy]\d{1,3}[acdefghiklmnpqrstvwy*]\b|"
                      r"c\.\d+[acgt]>[acgt]|codon ?\d+")  # fmt: skip

# words that say a mutation even beside words that say none: a change named, or mutated,
# mutant, positive not denied ("mutation not detected" says none: its "mutation" is not here)
_SURELY_MUTATED = re.compile(
    r"\b(mutated|mutant|positive|pos|mut|mt)\b(?!\s*(not|absent|excluded))|"
    r"p\.[a-z]{3}\d{1,3}[a-z]{3}|"
    r"\b(p\.)?[acdefghiklmnpqrstvwy]\d{1,3}[acdefghiklmnpqrstvwy*]\b|c\.\d+[acgt]>[acgt]"
)


# KRAS and other RAS genes named together, then one result that says none of them is mutated
# ("KRAS/NRAS wild type", "KRAS and NRAS: no mutation detected"): KRAS wild-type too; any other
# words with NRAS are not read here
_RAS_GENE = r"(k-?ras|n-?ras|h-?ras)"
_RAS_GENES_WILD = re.compile(
    rf"{_RAS_GENE}(\s*(/|,|&|\band\b)\s*{_RAS_GENE})+\s*[:-]?\s*"
    r"(wild[- ]?type|wt|not mutated|no mutations?( (detected|found|identified))?|negative)"
)


def _says_both(text: str) -> bool:
    """Whether words that say wild-type also say mutated, outside the wild-type words ("WT
    mutated", "G12D wild-type"; not "not mutated")."""
    wild = [m.span() for m in _WILD.finditer(text)]
    return any(not any(a < m.end() and m.start() < b for a, b in wild)
               for m in _SURELY_MUTATED.finditer(text))  # fmt: skip


# The KRAS codons a change is read at, with the amino acid KRAS has there: those of exons 2, 3
# and 4 (G12, G13, A59, Q61, K117, A146) that a RAS test for bowel cancer reads and whose change
# decides the anti-EGFR drugs. A change named elsewhere (V600E, L858R, G999D) is another gene's,
# or a slip: it had been read as KRAS mutated, which ruled out cetuximab and panitumumab.
KRAS_CODONS = {12: "g", 13: "g", 59: "a", 61: "q", 117: "k", 146: "a"}
KRAS_LENGTH = 189  # KRAS's codons (isoform 4A; 4B has 188): a change named past them is not its
_AMINO = {"ala": "a", "arg": "r", "asn": "n", "asp": "d", "cys": "c", "gln": "q", "glu": "e",
          "gly": "g", "his": "h", "ile": "i", "leu": "l", "lys": "k", "met": "m", "phe": "f",
          "pro": "p", "ser": "s", "thr": "t", "trp": "w", "tyr": "y", "val": "v"}  # fmt: skip
_CHANGE = re.compile(r"\b(?:p\.)?([acdefghiklmnpqrstvwy])(\d{1,4})[acdefghiklmnpqrstvwy*]\b|"
                     r"\bp\.([a-z]{3})(\d{1,4})[a-z]{3}\b|\bc\.(\d+)[acgt]>[acgt]|"
                     r"\bcodon ?(\d+)")  # fmt: skip


def not_kras_changes(text: str, kras_named: bool = False) -> list[str]:
    """The changes named in a KRAS result's words that cannot be KRAS's. With the gene not
    named (a change alone, "G12D"): those at no codon of ``KRAS_CODONS`` with KRAS's own amino
    acid there. With KRAS named ("KRAS G60R", a record's variant of the gene KRAS): those past
    KRAS's last codon (``KRAS_LENGTH``: "KRAS V600E" is BRAF's change); the lab says the gene.
    By protein, one letter or three; by DNA, c.35G>A is codon 12."""
    out = []
    for m in _CHANGE.finditer(text.lower()):
        one, at1, three, at3, dna, codon = m.groups()
        if dna is not None:
            at, amino = (int(dna) + 2) // 3, None
        elif codon is not None:
            at, amino = int(codon), None
        else:
            at = int(at1 or at3)
            amino = one or _AMINO.get(three or "", "?")
        if kras_named:
            if not 1 <= at <= KRAS_LENGTH:
                out.append(m.group(0))
        elif at not in KRAS_CODONS or amino not in (None, KRAS_CODONS[at]):
            out.append(m.group(0))
    return out


def kras(value: object) -> str:
    """A KRAS result: ``wild-type`` (words that say no mutation win) or ``mutated`` (a mutation,
    or any KRAS variant such as G12C, G13D or Q61H)."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES)
    lowered = folded(value).lower()  # "ｗｉｌｄ－ｔｙｐｅ"
    if re.search(r"\bvus\b|unknown significance|uncertain significance", lowered):
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="a variant of unknown significance is for "
                            "the care team to read")  # fmt: skip
    if re.search(r"\b(actionable|targetable)\b", lowered):  # KRAS G12D may be "not actionable"
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="whether a change can be targeted does not "
                            "say whether KRAS is mutated: give the KRAS result")  # fmt: skip
    _sure(value, KRAS_ACCEPTED, KRAS_VALUES)
    both = NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                         why="it says both, so it is for the care team to read")  # fmt: skip
    if _NOT_WILD.search(lowered):  # "not wild-type", "non-WT", "wild-type: no": a mutation
        if re.search(r"(?<!k-)\bras\b|\b(n|h)-?ras\b|braf", lowered):
            raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="a RAS result other than wild-type "
                                "does not say which RAS gene: give the KRAS result")  # fmt: skip
        if _WILD.search(_NOT_WILD.sub(" ", lowered)):  # "not WT, no mutation detected"
            raise both
        return "mutated"
    all_ras = re.search(rf"\b{_ALL_RAS}?ras (wild|wt|not mutated|negative)", lowered)
    if all_ras and not re.search(r"\b(n|h)-?ras\b|braf", lowered):  # RAS wild-type: KRAS, NRAS
        if _says_both(lowered):  # "RAS wild-type mutated"
            raise both
        return "wild-type"
    if _RAS_GENES_WILD.fullmatch(lowered.strip()) and re.search(r"\bk-?ras\b", lowered):
        return "wild-type"
    if re.search(r"\b(n-?ras|h-?ras|braf|egfr|pik3ca|erbb2|her2|msi|mmr|ntrk|tp53|apc)\b",
                 lowered):  # fmt: skip
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="give the KRAS result alone (other genes, such as NRAS or "
                            "BRAF, are not read here: ask your care team)")  # fmt: skip
    if re.search(r"(?<!k-)\bras\b", lowered):  # "RAS mutant": KRAS, or NRAS, or both
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="a RAS result other than wild-type does not "
                            "say which RAS gene: give the KRAS result")  # fmt: skip
    text = " ".join(re.sub(r"\bk-?ras\b", " ", lowered).split())
    gene = bool(re.search(r"\bk-?ras\b", lowered))
    if elsewhere := not_kras_changes(text, kras_named=gene):
        written = re.search(re.escape(elsewhere[0]), folded(value), re.IGNORECASE)
        named = written.group(0) if written else elsewhere[0]
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why=f"{named} is no KRAS change read here ("
                            + (f"KRAS has {KRAS_LENGTH} codons" if gene else
                               "named alone, a change is read at a codon a RAS test reads: 12, "
                               "13, 59, 61, 117 or 146, as G12C, G13D, Q61H, A146T; with "
                               "'KRAS' before it, any of KRAS's") +
                            "): another gene's change, such as BRAF V600E, is for the care team "
                            "to read")  # fmt: skip
    one_change = re.search(r"\b(no|negative for|not detected|absent)\b.*\b[gqak]\d{2,3}[a-z]\b|"
                           r"\b[gqak]\d{2,3}[a-z]\b.*\b(not detected|negative|absent)\b", text)
    if one_change:  # "no G12C": one change tested, not the whole gene
        raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES,
                            why="a test of one change (such as G12C) does not say "
                            "whether the gene has others: give the KRAS result")  # fmt: skip
    if _WILD.search(text):
        if _says_both(text):  # "G12D wild-type", "WT mutated"
            raise both
        return "wild-type"
    if _MUTATED.search(text) or re.fullmatch(r"mt|mut|m", text.strip()):
        return "mutated"
    raise NotUnderstood(value, KRAS_ACCEPTED, KRAS_VALUES)


# --------------------------------------------------------------------------------------------
# Answers with a few values
# --------------------------------------------------------------------------------------------

RECURRENCE = {
    "none": "none", "no": "none", "false": "none", "notrecurred": "none", "notcomeback": "none",
    "newdiagnosis": "none", "firstdiagnosis": "none", "denovo": "none", "primary": "none",
    "yes": "yes", "true": "yes", "recurrent": "yes", "recurred": "yes", "recurrence": "yes",
    "relapse": "yes", "relapsed": "yes", "cameback": "yes", "comeback": "yes",
    "local": "local", "locally": "local", "localrecurrence": "local", "locoregional": "local",
    "locoregionalrecurrence": "local", "localrelapse": "local", "pelvicrecurrence": "local",
    "distant": "distant", "metastatic": "distant", "distantrecurrence": "distant",
    "distantrelapse": "distant", "metastaticrecurrence": "distant",
}  # fmt: skip
EXTENT = {
    "few": "few", "afew": "few", "oligometastatic": "few", "oligometastases": "few",
    "limited": "few", "single": "few", "solitary": "few", "one": "few",
    "many": "many", "widespread": "many", "multiple": "many", "diffuse": "many",
    "extensive": "many", "numerous": "many", "disseminated": "many",
}  # fmt: skip
CHOICES: dict[str, tuple[dict[str, str], str]] = {
    "recurrence": (
        RECURRENCE,
        "none, yes, local, distant (also relapsed, local recurrence, distant recurrence, "
        "new diagnosis)",
    ),
    "metastasis_extent": (EXTENT, "few, many (also a few, oligometastatic, widespread)"),
}


# Words that say a treatment stopped working ("refractory", "platinum-resistant", "progressed"),
# not whether the cancer came back: given as the recurrence, they are refused saying where they
# belong (the refusal had listed the values accepted only)
STOPPED_WORKING = re.compile(r"(?i)(?<![\w-])(?:(?!non-)\w+-)?(?:refractory|resistant|"
                             r"progress(?:ed|ing|ion|ive)?|not\s+responding|stopped\s+working)"
                             r"(?![\w-])")  # fmt: skip
STOPPED_WORKING_HINT = ("{said} says that a treatment stopped working, not whether the cancer "
                        "came back: list the treatments that stopped working (progressed_on), "
                        "and give here whether it came back after treatment")  # fmt: skip


# A recurrence both near where the cancer started and far from it ("both", "local and distant"):
# one answer cannot say both; the places of spread say the distant part (a clinical review found
# these refused with no hint)
_NEAR, _FAR = r"(?:local|locally|loco-?regional)\w*", r"(?:distant|metastatic)\w*"
_BOTH_JOIN = r"\s*(?:and|&|\+|/|,|plus)\s*"
BOTH_RECURRENCES = re.compile(rf"(?i)\s*(?:both|{_NEAR}{_BOTH_JOIN}{_FAR}|"
                              rf"{_FAR}{_BOTH_JOIN}{_NEAR})(?:\s+(?:recurrences?|relapses?))?\s*")
BOTH_RECURRENCES_HINT = ("{said} says it came back both near where it started and far away: give "
                         "local here, and list the places it has spread to among the places of "
                         "spread (metastases)")  # fmt: skip


def choice(value: object, field: str) -> str:
    """The value of a field of a few values that the words say."""
    table, accepted = CHOICES[field]
    if isinstance(value, str):
        found = table.get(_compact(value))
        if found is not None:
            return found
        if field == "recurrence" and BOTH_RECURRENCES.fullmatch(value):
            raise NotUnderstood(value, accepted, tuple(sorted(set(table.values()))),
                                why=BOTH_RECURRENCES_HINT.format(said=repr(value.strip())))
        said = STOPPED_WORKING.search(value) if field == "recurrence" else None
        # (not of words that deny it: "no progression" says nothing stopped working)
        if said is not None and not re.search(r"(?i)\b(?:no|not|non|without)[\s-]*$",
                                               value[:said.start()]):  # fmt: skip
            raise NotUnderstood(value, accepted, tuple(sorted(set(table.values()))),
                                why=STOPPED_WORKING_HINT.format(said=repr(said.group())))
    raise NotUnderstood(value, accepted, tuple(sorted(set(table.values()))))


# --------------------------------------------------------------------------------------------
# Cancer descriptions
# --------------------------------------------------------------------------------------------

# Words that say what kind of cell or tumour a cancer is, or how it is described, not where it
# started: left out when a cancer name is looked up ("rectal adenocarcinoma", "squamous cell
# carcinoma of the cervix", "metastatic gastric cancer").
DESCRIBING = frozenset({
    "adenocarcinoma", "adenocarcinomas", "carcinoma", "carcinomas", "cancer", "cancers",
    "tumour", "tumor", "tumours", "tumors", "neoplasm", "neoplasms", "malignancy", "malignant",
    "squamous", "cell", "cells", "scc", "adeno", "signet", "ring", "poorly", "moderately",
    "well", "differentiated", "invasive", "primary", "metastatic", "advanced", "recurrent",
    "refractory", "stage", "iv", "ivb", "iva", "of", "the", "in", "a", "an", "and",
    "type", "grade", "high", "low", "i", "ii", "iii", "castrate-resistant",
    "castration-resistant", "crpc", "mcrpc", "hormone-refractory", "hormone-resistant",
    # how far it has gone, not where it started ("stage 4 cancer", "terminal cancer", "mets":
    # each had been named as a cancer of its own, and an option for one cancer ruled out)
    "1", "2", "3", "4", "4a", "4b", "four", "terminal", "end", "end-stage", "late",
    "late-stage", "secondary", "secondaries", "mets", "metastases", "metastasis", "spread",
    "widespread", "disseminated",
    # a kind of stomach cancer that spreads through the wall, named where it started or alone
    # (``CANCER_OF_ITS_KIND``): "linitis plastica of the stomach" had warned them not read
    "linitis", "plastica",
})
# Words of a cancer's name that say nothing of where it started or what kind it is: with only
# these and the describing words ("Malignant neoplasm of unspecified site", "Malignant
# neoplastic disease", "Carcinoma"), a cancer's words name no cancer, and where it started is
# read as not known (by the profile's reader and the FHIR mapping alike).
NOTHING_NAMED = frozenset({"neoplastic", "disease", "site", "sites", "origin", "unspecified",
                           "specified", "specification", "without", "unknown", "nos", "other",
                           "unclassified", "undetermined", "uncertain"})  # fmt: skip
# The words of a cancer's name that say whether hormones make it grow: read by
# ``hormone_answers``, and so left out of the words not read when they give an answer.
HORMONE_WORDS = frozenset({
    "er", "pr", "hr", "positive", "negative", "pos", "neg", "er-positive", "pr-positive",
    "hr-positive", "er-pos", "pr-pos", "hr-pos", "er-negative", "pr-negative", "er-neg",
    "pr-neg", "hr-negative", "hr-neg", "hormone", "receptor", "receptor-positive",
    "receptor-negative", "hormone-receptor-positive", "hormone-receptor-negative",
    "hormone-sensitive", "hormone-dependent", "hormone-responsive", "sensitive", "dependent",
    "responsive", "castration-sensitive", "castrate-sensitive", "hspc", "mhspc", "cspc", "mcspc",
    "triple-negative", "triple", "tnbc", "and", "er-pr", "pr-er", "hormone-insensitive",
    "insensitive",
})  # fmt: skip
# Words of a cancer's name that say hormones make it grow: hormone-receptor-positive (oestrogen
# or progesterone receptor positive) breast cancer, hormone- or castration-sensitive prostate
# cancer; and words that say they do not: triple-negative breast cancer (no hormone receptor).
HORMONE_SENSITIVE = re.compile(
    r"\bhormone[- ]receptor[- ]positive|\b(er|pr|hr)(/(er|pr))?[- ]?(positive|pos\b)|"
    r"\b(er|pr|hr)\+(?!/-)|"
    r"\bhormone[- ](sensitive|dependent|responsive)|castrat(e|ion)[- ]sensitive|\bm?(hs|cs)pc\b"
)
# a receptor written as negative: "ER-negative", "ER neg", or "ER-" alone (a minus sign, not the
# hyphen of "PR-weakly positive" or "PR-10%", which say more than negative)
_NEGATIVE = r"[- ]?(negative|neg\b|-(?=[^\w%+]|$|(er|pr)\b))"
NOT_HORMONE_SENSITIVE = re.compile(
    r"hormone[- ]insensitive|triple[- ]negative|\btnbc\b|\bhormone[- ]receptor[- ]negative|"
    r"\bhr[- ]?(negative|neg)\b|"
    rf"\b(er|pr){_NEGATIVE}[\s,/]*(and\s+)?(er|pr){_NEGATIVE}"
)
# A cancer that grows although hormones are lowered: castration-resistant or hormone-refractory
# prostate cancer. It does not say hormones no longer make it grow: drugs that block their
# effect may still help (acs-advanced 8870-9051), so whether they do is the care team's to say.
GROWS_DESPITE_HORMONE_THERAPY = re.compile(
    r"castrat(e|ion)[- ]resistant|\bm?crpc\b|hormone[- ](refractory|resistant)")
# one hormone receptor written as negative ("ER-negative breast cancer"): with the other not
# said, whether hormones make the cancer grow is not known (the other may be positive)
RECEPTOR_NEGATIVE = re.compile(rf"\b(er|pr){_NEGATIVE}")


# a receptor and the result written with it ("ER-/PR+", "PR 0"): read with the answer
_RECEPTOR = re.compile(r"\b(er|pr|hr)\b(\s*[-+/]\s*|\s+)?((positive|negative|pos|neg)\b)?")


def _said(pattern: re.Pattern[str], lowered: str) -> list[tuple[int, int]]:
    """Where words of a cancer's name say what ``pattern`` says: not denied before ("not ER
    positive", "not triple negative") nor doubted after ("ER positive?", "ER+ (not confirmed)")."""
    return [m.span() for m in pattern.finditer(lowered)
            if not _DENIED_BEFORE.search(lowered[: m.start()])
            and not UNSURE.match(lowered[m.end() :].lstrip(" ("))
            and not OR_NOT.match(lowered, m.end())]  # "ER positive or not"


def hormone_words_read(name: str) -> list[str]:
    """The words of a cancer's name that ``hormone_answers`` reads, once each where they are
    written: the receptors and their results, not another test's "negative" ("ER-positive breast
    cancer, PD-L1 negative"), nor words denied or doubted (``_said``), which are named as not
    read."""
    lowered = name.lower()
    spans = [span for r in (HORMONE_SENSITIVE, NOT_HORMONE_SENSITIVE, _RECEPTOR)
             for span in _said(r, lowered)]  # fmt: skip
    return [m.group(0) for m in re.finditer(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", lowered)
            if m.group(0) in HORMONE_WORDS and any(a <= m.start() < b for a, b in spans)]


# Words after a test's result that give another result of the same test beside it: a choice
# ("HER2 positive or negative") or a change ("HER2 positive, now negative", "KRAS wild-type then
# mutated"); the result after them is read too, so that the two say no one result (the first had
# been read and the second dropped: trastuzumab offered for a cancer now HER2-negative)
_CHOICE = frozenset({"or", "vs", "vs.", "versus", "/"})
_CHANGED = frozenset({"then", "now", "later", "became", "becoming", "but", "changed", "since"})
# (for a hormone receptor: its positive result followed by a negative one, "ER positive or
# negative", "ER+, now negative", "changed to negative": both are said)
_LINK_WORDS = "|".join(re.escape(w) for w in sorted(_CHOICE | _CHANGED, key=len, reverse=True)
                       if w != "/")  # fmt: skip
_THEN_NEGATIVE = re.compile(rf"[\s,;]*(?:(?:{_LINK_WORDS})(?:\s+to)?\s+|/\s*)(negative|neg)\b")


def _receptor(said: str) -> str:
    """The receptor words that say it is positive name: ``er``, ``pr``, else ``hr`` (hormone
    receptors, either)."""
    first = re.match(r"(er|pr)\b", said)
    return first.group(1) if first else "hr"


def hormone_answers(name: str) -> set[bool]:
    """What the words of a cancer's name say of whether hormones make it grow: {True}, {False},
    both when they say both (also a positive receptor then negative, ``_THEN_NEGATIVE``), or
    none."""
    lowered = name.lower()
    positive = _said(HORMONE_SENSITIVE, lowered)
    then_negative = any((m := _THEN_NEGATIVE.match(lowered, end)) is not None
                        and not _of_another(_receptor(lowered[start:end]), lowered, m.end())
                        for start, end in positive)  # fmt: skip  # "ER+/negative PR": ER's
    return ({True} if positive else set()) | (
        {False} if _said(NOT_HORMONE_SENSITIVE, lowered) or then_negative else set())


def hormone_result(value: object) -> object:
    """An answer to whether hormones make a cancer grow, from a hormone-receptor result as a
    pathology report or a table column writes it: ``positive`` or ``negative`` alone (it is the
    field's own result), or words ``hormone_answers`` reads one answer from (``ER+``,
    ``HR-positive``, ``ER-/PR-``, ``triple negative``): True or False. Anything else as given,
    for the yes-or-no reader to take ("yes", "no") or refuse (``hormone_refused``)."""
    if not isinstance(value, str):
        return value
    lowered = " ".join(value.lower().split())
    if lowered in ("positive", "pos", "+"):
        return True
    if lowered in ("negative", "neg", "-"):
        return False
    answers = hormone_answers(lowered)
    return answers.pop() if len(answers) == 1 else value


def hormone_refused(value: object) -> str:
    """Why an answer to whether hormones make a cancer grow was not read, and what is: one
    receptor written negative alone (``RECEPTOR_NEGATIVE``: the other may be positive) says so."""
    shown_value = shown(value)
    if isinstance(value, str) and RECEPTOR_NEGATIVE.search(value.lower()):
        return (f"{shown_value} gives one hormone receptor's result; whether hormones make the "
                "cancer grow needs the other one too (ER and PR): give no when both are "
                "negative (ER-/PR-), yes when either is positive, or leave it out when it is "
                "not known")  # fmt: skip
    return (f"{shown_value} is not accepted; accepted: yes, no (or true, false), or a hormone "
            "receptor result: positive, negative, ER+, PR+, HR-positive, ER-/PR-, "
            "triple-negative; leave it out when it is not known")  # fmt: skip


# Tests and words a person, a record or a table may give that none of the five sources uses to
# decide an option (they never name them): each with the name said for it. An unknown field, a
# name not known, a column or a FHIR result that is one of them is told so plainly
# (``not_deciding``): "biomarkers.pd-l1: unknown field" alone had read as a slip of the typing.
NOT_DECIDING = (
    (r"pd ?l ?1|programmed death ligand ?1", "PD-L1"),
    (r"msi(?: ?h| ?high| ?l| ?low| ?s| ?stable)?|microsatellite(?: instability| stable| status)?"
     r"(?: ?high| ?h)?|d ?mmr|p ?mmr|mmr|mismatch repair(?: deficien\w*| proficien\w*)?",
     "MSI or mismatch repair (MMR, dMMR)"),
    (r"cldn ?18(?: ?2)?|claudin(?: ?18(?: ?2)?)?", "Claudin 18.2"),
    (r"tmb|tumou?r mutational burden", "tumour mutational burden (TMB)"),
    (r"(?:kidney|renal) (?:failure|disease|impairment|insufficiency)|(?:ckd|aki)",
     "kidney failure"),
    (r"fistulae?|fistulas", "a fistula"),
)
_NOT_DECIDING = [(re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"), name)
                 for pattern, name in NOT_DECIDING]  # fmt: skip
NOT_DECIDING_SAID = "the sources this tool is built on do not use {} to decide an option"


def not_deciding(given: str) -> str | None:
    """That the sources do not use the test or the word ``given`` names to decide an option
    (``NOT_DECIDING``: a field's name, "pd_l1", "MSI-high", "Claudin 18.2", "kidney failure"),
    in words to say after what was refused; None when it names none of them."""
    text = " ".join(re.sub(r"[_\-./]", " ", given.lower()).split())
    name = next((name for pattern, name in _NOT_DECIDING if pattern.search(text)), None)
    return None if name is None else NOT_DECIDING_SAID.format(name)


# A test's name in a cancer's name, and the words after it that say its result is not known
# ("stomach cancer, HER2 pending", "KRAS not tested rectal cancer", "PD-L1 unknown", "HER2
# positive?", "FISH pending", "KRAS testing awaited"), or before it that say the test is awaited
# ("awaiting KRAS"): those words are about the test, not about whether it is cancer or where it
# started. ("possible HER2-positive stomach cancer" is not: the doubt may be about the cancer.)
TEST_NAME = (rf"\b(her-?2(?: ?/ ?neu)?|erbb2|k-?ras|n-?ras|{_ALL_RAS}?ras|braf|er|pr|hr|"
             r"pd-?l-?1|msi(?:-h)?|d?mmr|egfr|alk|ros-?1|ntrk|brca[12]?|pik3ca|hpv|p16|tmb|cldn18(?:\.2)?|"
             r"claudin[- ]?18(?:\.2)?|fgfr2b?|ihc|fish|ish|sish|cish|ngs)\b")  # fmt: skip
# The words a KRAS result in a cancer's name is written in (``_KRAS_WORD``), a gene variant among
# them (G12D, p.G12C, p.Gly12Asp, Q61H, c.35G>A)
_KRAS_WORDS = (
    r"wild|type|wild-?type|wildtype|wt|not|non|un|no|non-?mutated|un-?mutated|mutated|mutation|"
    r"mutations|mutant|non-?mutant|mut|mt|m|detected|identified|found|seen|present|absent|none|"
    r"excluded|negative|neg|normal|positive|pos|variant|status|result|test|is|was|gene|exon|"
    r"codon|\d+|p\.[a-z]{3}\d{1,3}[a-z]{3}|(?:p\.)?[a-z]\d{1,3}[a-z*]|c\.\d+[acgt]>[acgt]"
)
# a result written before the word that says it is not sure ("HER2 positive?", "KRAS wt pending",
# "KRAS G12D?", "KRAS not mutated?"): a KRAS result's words, or HER2's and PD-L1's; each ends
# at a space or at the question mark, and is taken whole (an atomic group), so that a run of them
# is read one way only: words that several alternatives match ("1", "2+") would else be tried
# every way, twice as long for each one more
_RESULT_TOKEN = (r"(?>(?:amplified|equivocal|[0-3]\+*|\++|cps|tps|score|ratio|"
                 rf"\d+(?:\.\d+)?%?|{_KRAS_WORDS})(?:\s+|(?=\?)))")  # fmt: skip
# A stage written as not known, in a cancer's name ("Rectal cancer stage unknown", "..., unknown
# stage", "stage: not yet known", "unstaged"): it says nothing of where the cancer started, which
# stays read (the "unknown" had made the whole name unsure: a record's "Rectal cancer stage
# unknown" was read as a cancer whose start is not known)
STAGE_NOT_KNOWN = re.compile(
    r"\b(?:(?:stage|staging)\s*(?::\s*|-\s*)?(?:(?:is|was)\s+)?(?:unknown|not\s+(?:yet\s+)?known|"
    r"unspecified|not\s+specified|not\s+stated|undetermined|not\s+determined|to\s+be\s+determined|"
    r"tbd|pending|unclear|uncertain|not\s+sure)|(?:unknown|unspecified|undetermined|uncertain)\s+"
    r"stage|unstaged)\b")  # fmt: skip
TEST_NOT_KNOWN = re.compile(
    TEST_NAME + rf"[\s:-]*((status|results?|tests?|testing)\s+)*((is|was)\s+)?{_RESULT_TOKEN}*"
    rf"(\?|\b({_UNSURE_WORDS})\b)|"
    # a choice of a result and none, ending its clause ("KRAS wild type or unknown", "HER2
    # positive [or not]?"); not "or possibly colon", a doubt of something else
    + TEST_NAME + r"[^,;()\[\]{}?]*?[,;(\[{]?\s*\b(or|vs\.?|versus)\s*"
    r"(unknown|not known|unsure|not sure|uncertain|unclear|pending|not|no)\s*\??"
    r"(?=\s*([)\]}]|$|[,;.!?:-]))"
    r"|\b(pending|awaiting|awaited|not (yet )?tested( for)?)\s+((the|a)\s+)?" + TEST_NAME
    # a question without its mark ("stomach cancer, is it HER2 positive"): not an answer
    + r"|\b(is|was)\s+it\s+" + TEST_NAME
)
# HER2 and KRAS named in a cancer's name with a result the profile reads ("HER2-positive
# stomach cancer", "KRAS G12D rectal cancer"): read by ``results_in_name``.
_RESULT_TESTS = re.compile(  # RAS (all, extended): every RAS gene, KRAS too; not N-RAS, H-RAS
    rf"\b(her-?2(?: ?/ ?neu)?|erbb2|k-?ras|(?:{_ALL_RAS}|(?<![nh]-))ras)\b")
# the tests that decide HER2: one written as not known leaves a HER2 result in the name not final
_HER2_TESTS = re.compile(r"\b(her-?2|erbb2|ihc|fish|ish|sish|cish)\b")
_RESULT_WORDS = 4  # the most words after a test's name its result is read in ("IHC 2+ ISH pos")
# Words before a test's name that deny what follows ("not HER2-positive", "without KRAS
# mutation"), and words after a result that deny it ("KRAS mutated: no"): a result so written
# is not read (it is named as not read), never read as the words without them.
_DENIED_BEFORE = re.compile(r"\b(not|non|no|never|without|negative for|free of)[\s-]*$")
_DENYING = frozenset({"not", "no", "non", "never", "without", "absent", "excluded", "negative",
                      "neg", "none", "nil"})  # fmt: skip
# The words a KRAS result in a cancer's name is written in: the field's reader finds a result
# anywhere in free words ("positive"), which in a name may be another test's ("KRAS tested, CEA
# positive"), so in a name each word must be one of these.
_KRAS_WORD = re.compile(_KRAS_WORDS)


@dataclass(frozen=True)
class ResultInName:
    field: str  # her2 or kras
    value: str
    words: str  # the words that gave it ("her2-positive")
    choice: bool = False  # given as another choice ("HER2 2+ or 3+"): it does not settle a 2+


# A result then a choice that denies or doubts it ("HER2 positive or not", "KRAS wild type, or
# not", "ER positive (or unknown)", "ER positive / not known", "HER2 3+/?"): the result is not
# known (it had been read, the rest not read). "Not" and "no" are a doubt unless a test's name
# or words of something else follow them ("ER+/no HER2", "HER2 positive or not eligible for
# surgery"): a doubt read where there was none asks for the test, the other way offers a drug
OR_NOT = re.compile(rf"[\s,;(\[{{]*(?:(?:or|/|vs\.?|versus)\s*(?:not|no)\b(?!\s*(?:{TEST_NAME}|"
                    r"eligible|candidate|suitable|fit|able|on|for|a|an|the|longer|brain|bone|"
                    r"liver|lung|spread|mets|metastas[ie]s|evidence|sign|signs|change|"
                    r"amplification|amplified|mutation|mutations|expression)\b)"
                    rf"|(?:or|/|vs\.?|versus)\s*(?:\?|(?:{_UNSURE_WORDS})(?![\w-])))")
# what after a second result makes it another thing's: a test other than the field's own, or a
# part of an operation ("negative for PD-L1", "ER+/negative PR", "now negative margins",
# "mutated in BRAF"); "for" or "of" anything but the field's own test ("positive for EBV");
# not other words of place or time ("now negative on repeat biopsy", "after panitumumab"), nor
# the field's own tests ("HER2 3+, now negative FISH"): those are the test's second result
_OTHER_THING = re.compile(r"\s*(?:(?:for|of)\s+(?:the\s+)?(?P<of>[\w-]+)|(?:(?:in|at|on)\s+"
                          r"(?:the\s+)?)?" + TEST_NAME + r"|(?:margins?|nodes?|resection|"
                          r"surgery)\b)")
# the tests of each field, by which its own results are reported (NGS reads KRAS and HER2)
_OWN_TESTS = {"her2": re.compile(r"her-?2(?: ?/ ?neu)?|erbb2|ihc|fish|ish|sish|cish|ngs"),
              "kras": re.compile(rf"k-?ras|{_ALL_RAS}?ras|ngs"),
              "er": re.compile(r"er|ihc|oestrogen|estrogen"),
              "pr": re.compile(r"pr|ihc|progesterone"),
              "hr": re.compile(r"hr|er|pr|ihc|hormone")}  # fmt: skip


def _of_another(field: str, text: str, at: int) -> bool:
    """Whether the words of ``text`` from ``at`` make a result just read another thing's: a test
    other than the field's own (``er``, ``pr`` or ``hr`` for a receptor), or a part of an
    operation (``_OTHER_THING``)."""
    found = _OTHER_THING.match(text, at)
    if found is None:
        return False
    named = found.group("of") or found.group(2)  # TEST_NAME's group
    return named is None or not _OWN_TESTS[field].fullmatch(named)




def results_in_name(name: str) -> list[ResultInName]:
    """The HER2 and KRAS results a cancer's name gives, each read by the field's own reader from
    the test's name and the words after it (at most ``_RESULT_WORDS``, to a comma, semicolon or
    bracket): the result of the most words that read as one ("KRAS mutation not detected" is
    wild-type, not the mutation of its first two words), said by the fewest of them that read
    the same, less the words after it that say no result with the test's name alone ("KRAS
    G12C mutated", not "KRAS G12C mutated rectal cancer"). A test named with no result read gives
    none, and so does one written as not known (``TEST_NOT_KNOWN``: "HER2 positive?"), denied
    ("not HER2-positive", "KRAS mutated: no") or in words of something else ("KRAS tested, CEA
    positive"). Each part after it (to the next comma, semicolon or bracket) that is a result of
    the same test and nothing else is read too ("HER2 IHC 2+, FISH amplified", "HER2-positive
    (3+)", "HER2 negative by IHC, positive by FISH"), until one that is not."""
    lowered = name.lower()
    not_known = [m.span() for m in TEST_NOT_KNOWN.finditer(lowered)]
    her2_awaited = any(_HER2_TESTS.search(lowered[a:b]) for a, b in not_known)
    found = []
    for test in _RESULT_TESTS.finditer(lowered):
        if any(a <= test.start() < b for a, b in not_known):
            continue  # "HER2 pending", "HER2 positive?": no result
        if _DENIED_BEFORE.search(lowered[: test.start()]):
            continue  # "not HER2-positive": no result
        field = "kras" if "ras" in test.group(1) else "her2"
        # the test's name as its reader reads it alone ("RAS": KRAS, whose reader knows "kras")
        alone = "kras" if field == "kras" else test.group(1)
        parts = re.split(r"[,;()\[\]]", lowered[test.end() :])
        words_after = list(re.finditer(r"\S+", parts[0]))
        after = words_after[:_RESULT_WORDS]
        phrases = [lowered[test.start() : test.end() + m.end()] for m in after]
        values = [_result(field, phrase) for phrase in phrases]
        if not any(values):
            continue
        end = last = max(i for i, v in enumerate(values) if v)
        following = words_after[end + 1].group(0) if end + 1 < len(words_after) else ""
        if following.strip(":.-") in _DENYING or (
                following and _result(field, f"{alone} {following}") is not None):
            continue  # "KRAS mutated: no", "HER2 3+ not", "HER2 - positive": no result
        if OR_NOT.match(lowered, test.end() + words_after[last].end()):
            continue  # "HER2 positive or not", "HER2 positive (or not)": no result
        while (end > 0 and values[end - 1] == values[end]
               and _result(field, f"{alone} {after[end].group(0)}") is None):  # fmt: skip
            end -= 1
        found.append(ResultInName(field, str(values[end]), phrases[end]))
        linked = _linked_result(field, [m.group(0) for m in words_after[last + 1:]])
        if linked is not None:  # "HER2 positive or negative": the second is read too
            found.append(linked)
        for part in parts[1:]:  # the parts that follow and say the same test's result alone
            if TEST_NOT_KNOWN.search(part) or _RESULT_TESTS.search(part):
                break
            value = _result(field, part) if part.strip() else None
            if value is None:  # "HER2 positive, now negative": a change, read too
                linked = _linked_result(field, part.split())
                if linked is not None:
                    found.append(linked)
                break
            found.append(ResultInName(field, value, part.strip()))
    if her2_awaited:  # "HER2 positive (FISH pending)": not final; "IHC 2+, FISH pending" is 2+
        found = [r for r in found if r.field != "her2" or r.value == "equivocal"]
    return found


def _linked_result(field: str, after: list[str]) -> ResultInName | None:
    """The result of the words after a word of choice or change ("or negative", "now negative",
    "changed to mutated": ``_CHOICE``, ``_CHANGED``), read as the words after a test's name are
    (at most ``_RESULT_WORDS``, the fewest that read); None when they begin otherwise or give
    none."""
    link = [w for w in after[:2] if w.strip(",:") in _CHOICE | _CHANGED or w == "to"]
    if not after or after[0].strip(",:") not in _CHOICE | _CHANGED:
        return None
    rest = after[len(link):][:_RESULT_WORDS]
    for n in range(1, len(rest) + 1):
        value = _result(field, " ".join(rest[:n]))
        if value is not None:
            if _of_another(field, " " + " ".join(after[len(link) + n:]), 0):
                return None  # "negative for PD-L1", "now negative margins": another thing's
            return ResultInName(field, value, " ".join(after[: len(link) + n]),
                                choice=after[0].strip(",:") in _CHOICE)  # fmt: skip
    return None


def _result(field: str, words: str) -> str | None:
    """The result of HER2 or KRAS the words give, or None when they give none (for KRAS, also
    when a word is not one a KRAS result is written in: ``_KRAS_WORD``)."""
    if field == "kras":
        rest = re.sub(rf"\b({_ALL_RAS}|k-?)?ras\b", " ", words)
        tokens = [t.strip(":.-") for t in re.findall(r"[^\s:/]+", rest)]
        if not all(_KRAS_WORD.fullmatch(t) for t in tokens if t):
            return None
    try:
        return her2(words) if field == "her2" else kras(words)
    except NotUnderstood:
        return None


# Kinds of cancer other than the carcinomas the organ-specific sources describe: a gastric
# lymphoma or a rectal melanoma is not "stomach cancer" or "rectal cancer" as they mean it.
OTHER_KINDS = re.compile(
    r"\b(lymphomas?|malt|gist|gastrointestinal stromal|stromal|carcinoids?|neuroendocrine|nets?|"
    r"nec|melanomas?|sarcomas?|leiomyosarcomas?|liposarcomas?|mesotheliomas?|leuka?emias?|"
    r"myelomas?|(?<!non-)(?<!non )small[- ]cell|small (bowel|intestine)|appendix|appendiceal|"
    r"anal|anus)\b"
)
# Words that name a cancer as a disease (cancer, carcinoma, tumour, lymphoma, leukaemia, ...): a
# place alone ("lung") is named with "cancer" after it.
KIND_OF_DISEASE = re.compile(
    r"\b\w*(cancers?|carcinomas?|tumou?rs?|neoplasms?|malignanc(y|ies)|omas?|leuka?emias?)\b",
    re.IGNORECASE,
)
# "Cervical" also means "of the neck": cervical spine, cervical lymph nodes, cervical oesophagus.
NECK = frozenset({"spine", "spinal", "vertebra", "vertebrae", "vertebral", "node", "nodes",
                  "lymph", "oesophagus", "esophagus", "oesophageal", "esophageal", "neck",
                  "cord"})  # fmt: skip
# Names of a kind of cancer that say where it started only by being of that kind: "TNBC"
# (triple-negative breast cancer), "linitis plastica" (a stomach cancer that spreads through the
# stomach's wall). Read as that cancer when the rest of the name names no cancer: each had been
# a cancer of its own name, with the general options (a clinical review); "linitis plastica of
# the rectum" is the rectum's
CANCER_OF_ITS_KIND = {"tnbc": "breast", "linitis plastica": "stomach"}
UNKNOWN_PRIMARY = re.compile(r"\b(unknown primary|primary unknown|cup)\b")
# A cancer named only by where it has spread ("bone metastases", "liver and lung mets",
# "metastatic to the lungs", "lung mets, bone mets"), with no word of where it started: the
# places are places of spread, not the cancer ("lung metastases" is not lung cancer).
_SPREAD_TO = re.compile(r"(?:(?:cancer|tumou?rs?|disease)\s+)?(?:metastatic(?: disease)?|"
                        r"metastasi[sz]ed|spread)\s+to\s+(.+)|"
                        # the noun before the place: "mets to liver", "metastases in the bones"
                        r"(?:metastases|metastasis|mets)\s+(?:to|in)\s+(?:the\s+)?(.+)")
_SPREAD_AT = re.compile(r"(?:(?:multiple|widespread|diffuse|extensive|many|several|numerous|"
                        r"a few|few|single|solitary)\s+)*(.+?)\s+(?:metastases|metastasis|"
                        r"metastatic disease|mets|secondaries|secondary|deposits)")


# "secondary liver cancer", "secondaries in the liver": cancer that has spread to the liver, from
# where not said (it had been a cancer of the liver's own, and radioactive iodine not suitable)
_SECONDARY = re.compile(r"secondar(?:y|ies)\s+(?:(?:in|of|to)\s+)?(.+?)(?:\s+(?:cancers?|"
                        r"tumou?rs?|malignancy|disease|carcinoma|deposits?|lesions?))?")


# Names of a place of spread that say by themselves that a cancer spread there ("Krukenberg
# tumour": to an ovary; "peritoneal carcinomatosis", "omental cake", "malignant ascites": to the
# peritoneum; "Virchow's node"; "metastatic disease", "widespread disease": far, where not said):
# never where a cancer started (given as the cancer, each had been read as a cancer of that name,
# with the general options and no word of where it started). "Rectal cancer with metastatic
# disease" had read no spread at all (a review), where "... with distant metastases" read a
# distant part of the body.
SPREAD_ITSELF = re.compile(r"\b(?:krukenberg|carcinomatosis|omental\s+cak(?:e|ing)|"
                           r"virchow(?:'?s)?\s+nodes?|malignant\s+(?:ascites|pleural\s+effusion)|"
                           r"(?:metastatic|widespread)\s+disease)\b")


def spread_places(name: str) -> list[str] | None:
    """The places a cancer's name gives as where it has spread, when that is all it gives
    (a place named with the words of spreading, or by a name that says spread itself,
    ``SPREAD_ITSELF``); None when it says anything else."""
    text = " ".join(name.lower().split())
    to = _SPREAD_TO.fullmatch(text) or _SECONDARY.fullmatch(text)
    if to:
        places = [next(g for g in to.groups() if g)]
    else:
        parts = [part for part in re.split(r"\s*[,;]\s*", text) if part]
        at = [_SPREAD_AT.fullmatch(part) for part in parts]
        if not at or not all(m or SPREAD_ITSELF.search(part)
                             for m, part in zip(at, parts, strict=True)):  # fmt: skip
            return None
        places = [m.group(1) if m else part for m, part in zip(at, parts, strict=True)]
    out = [re.sub(r"^(?:the|both)\s+", "", p).strip()
           for place in places for p in re.split(r"\s*(?:,|&|/|\band\b)\s*", place)]
    return [p for p in out if p] or None


# Where a cancer's name goes on to say where it has spread ("gastric cancer with peritoneal
# carcinomatosis", "rectal cancer, liver metastases", "rectal cancer metastatic to the liver"):
# before a joining word or mark, or before the words of spreading themselves
_SPREAD_JOIN = re.compile(r"(?i)\s*(?:\b(?:with|and|plus)\b|\bw/(?!o\b)|[,;+&]|\s-\s)\s*|"
                          r"\s+(?=(?:metastatic|metastasi[sz]ed|spread|spreading|mets)\s+to\b)")


def spread_cuts(name: str) -> Iterator[tuple[str, str, list[str]]]:
    """Each way to cut a cancer's name that goes on to say where it has spread, first cut
    first: the words before (the cancer), the words after the join ("liver metastases") and the
    places they name (as ``spread_places`` reads them: "gastric cancer with peritoneal
    carcinomatosis" is gastric cancer and peritoneal carcinomatosis); none when no rest of the
    name says only where it has spread, or nothing comes before it. The one cut of a cancer from
    its spread: the profile's reader (``spread_beside``) and the FHIR reader's both take it."""
    for join in _SPREAD_JOIN.finditer(name):
        head = name[:join.start()].strip(" ,;-")
        rest = name[join.end():]
        places = spread_places(rest) if head else None
        if places and re.search(r"[a-z]", head, re.IGNORECASE):
            yield head, rest, places


def spread_beside(name: str) -> Iterator[tuple[str, list[str]]]:
    """``spread_cuts``, each as the cancer and the places. The caller takes the first whose
    places are all known ("colon & rectum with liver metastases" is not cut at "&")."""
    for head, _rest, places in spread_cuts(name):
        yield head, places


# How many tumours a place of spread has ("multiple liver metastases"): the extent, a fact of its
# own, which a place of spread written with it does not give
_HOW_MANY = re.compile(r"(?i)\b(multiple|widespread|diffuse|extensive|many|several|numerous|few|"
                       r"single|solitary|one|two|three|\d+)\b")  # fmt: skip


def without_a_count(name: str) -> str | None:
    """A place of spread written with how many tumours there are ("multiple liver metastases"),
    without the count ("liver metastases"); None when it says no count."""
    text = re.sub(r"\([^()]*\)", " ", name)
    if not _HOW_MANY.search(text):
        return None
    rest = " ".join(_HOW_MANY.sub(" ", text).split())
    return re.sub(r"(?i)^(?:a|an)\s+", "", rest) or None  # "a few liver lesions"


def spread_said(name: str) -> list[str] | None:
    """The places a place of spread written as a family says it names ("spread to the liver and
    bones", "it has spread to the lungs", "metastatic to liver"); None when it says anything else,
    or how many tumours there are (the extent, given on its own)."""
    text = re.sub(r"(?i)^\s*(?:it|the cancer|cancer)\s+(?:has\s+|'s\s+)?(?=spread\b)", "", name)
    if _HOW_MANY.search(re.sub(r"\([^()]*\)", " ", text)):  # not a note: "liver (segment 7)"
        return None
    return spread_places(text)


# A word people use for one the knowledge base's names use ("radiotherapy to the pelvis",
# "pelvic radiotherapy"): a name not known as written is looked up again with it. A review found
# them refused with a hint about drugs, while "radiotherapy" alone and "radiation to the pelvis"
# were known.
OUR_WORDS = {"radiotherapy": "radiation"}
_OUR_WORDS = re.compile(r"(?i)\b(" + "|".join(OUR_WORDS) + r")\b")


def in_our_words(name: str) -> str:
    """A name with each word of ``OUR_WORDS`` written as the knowledge base's names write it."""
    return _OUR_WORDS.sub(lambda m: OUR_WORDS[m.group(1).lower()], name)


# A treatment had written with the words of having had it ("had chemo", "she had radiotherapy",
# "received FOLFOX", "previous surgery"), or with a clinic's words that say only that it was had,
# before it ("s/p total gastrectomy", "status post", "post", "h/o", "history of") or after it
# ("total gastrectomy done", "FOLFOX completed"): the treatment. A clinical review found these
# refused, and "s/p total gastrectomy" answered "did you mean Subtotal gastrectomy?"
HAD = re.compile(r"(?i)\s*(?:(?:(?:i|he|she|we|they|you)\s+)?(?:have\s+had|has\s+had|had|received|"
                 r"was\s+given|were\s+given|underwent|previous|prior|past|previously\s+had|"
                 r"s\s*/\s*p\.?|s\.\s*p\.|status[\s-]+post|post|h\s*/\s*o|hx(?:\s+of)?|"
                 r"(?:a\s+)?history\s+of)[\s-]+(?:an?\s+|some\s+)?(.+?)|"
                 r"(?:an?\s+)?(.+?)\s+(?:done|completed|complete|performed|given|received|"
                 r"finished|carried\s+out)(?:\s+already)?)\s*")  # fmt: skip


def had_said(name: str) -> str | None:
    """The treatment a name says was had, written with the words of having had it (``HAD``:
    "had chemo", "s/p total gastrectomy", "FOLFOX completed"); None when it has no such words."""
    found = HAD.fullmatch(name)
    return next(g for g in found.groups() if g) if found else None


# When a treatment was had, or how much of it, written beside it in a clinic's shorthand
# ("FOLFOX x6", "FOLFOX 2019-2020", "total gastrectomy done 2021", "FOLFOX 6 cycles", "in
# March 2020", "radiotherapy 30 Gy in 10 fractions", "2019: FOLFOX"): no option asks it. The
# treatment is read without these words, and the answer shows the words as written ("you
# wrote"), as a note in brackets ("FOLFOX (2019)") had been. They had been refused, and "total
# gastrectomy done 2021" was not read at all. Not a relative time ("in 3 weeks", "next month"),
# which may say the treatment is still to come.
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_YEAR = r"(?:19|20)\d{2}"
_DATE = (rf"(?:{_MONTH}\s+)?{_YEAR}|\d{{1,2}}\s*[/.-]\s*{_YEAR}|{_YEAR}\s*[/.-]\s*\d{{1,2}}"
         rf"(?:\s*[/.-]\s*\d{{1,2}})?|\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*(?:{_YEAR}|\d{{2}})")
_DATES = (rf"(?:(?:in|from|since|until|till|to|during|on|between|and|through|ended|"
          rf"started)\s+)?(?:{_DATE})(?:\s*(?:-|\u2013|to|until|till|through|and)\s*"
          rf"(?:{_DATE}|\d{{2}}|present|now|ongoing))?")
_COUNT = (r"(?:x|\u00d7)\s*\d+(?:\s*(?:cycles?|courses?|doses?|rounds?|months?|weeks?))?|"
          r"\d+\s*(?:cycles?|courses?|rounds?|doses?|fractions?|fx|#)(?:\s+(?:of|given|done))?|"
          r"(?:cycles?|c)\s*\d+(?:\s*-\s*\d+)?|"
          r"\d+(?:\.\d+)?\s*gy(?:\s*(?:/|in)\s*\d+\s*(?:fractions?|fx|#)?)?")
_WHEN = rf"(?:{_DATES}|{_COUNT})"
WHEN_HAD = re.compile(
    rf"(?i)\s*(?:(?:{_WHEN})(?:\s*[,;:\u2013-]\s*|\s+))+(?=\D)(.+?)\s*|"
    rf"\s*(.+?)(?<=[^\s,;:-])(?:(?:\s*[,;:]\s*|\s+-\s+|\s+)(?:{_WHEN}))+\s*[.]?\s*")


def only_when(name: str) -> bool:
    """Whether a name is only words of when or how much (``WHEN_HAD``: "2019", "x6", "6
    cycles"), with no treatment beside them."""
    return re.fullmatch(rf"(?i)\s*(?:{_WHEN})(?:\s*[,;:\u2013-]?\s*(?:{_WHEN}))*\s*[.]?\s*",
                        name) is not None


def without_when(name: str) -> str | None:
    """A treatment written with when it was had or how many cycles (``WHEN_HAD``: "FOLFOX x6",
    "total gastrectomy done 2021", "2019: FOLFOX") without those words; None when it has none.
    The words left may still say it was had ("done", "s/p"): read by ``had_said``."""
    found = WHEN_HAD.fullmatch(name)
    rest = next((g for g in found.groups() if g), None) if found else None
    return rest if rest and any(c.isalpha() for c in rest) else None


# A lymph node dissection's extent written with an operation ("D2 gastrectomy", "total
# gastrectomy with D2 lymphadenectomy"): how many lymph nodes were taken out with it, which no
# option asks; the operation, as written without it (total or subtotal, or the broad name when
# neither is said). Not of what cannot be had, where the broad name would rule out more
_NODES_TAKEN = r"(?:d[1-4]\+?|d[1-4]\s*/\s*d[1-4])"
LYMPH_DISSECTION = re.compile(
    rf"(?i)\s*(?:{_NODES_TAKEN}[\s-]+(.+?)|(.+?)\s*(?:,|\+|\bwith\b|\band\b|\bplus\b)?\s*"
    rf"(?:an?\s+)?{_NODES_TAKEN}\s*(?:(?:lymph\s+node|lymph|nodal|node)\s+)?"
    r"(?:dissection|lymphadenectomy|resection|clearance))\s*")  # fmt: skip


# A treatment written with how it is given ("IV chemotherapy", "oral capecitabine", "chemo
# pills", "Xeloda tablets", "FOLFOX infusion"): the treatment, which is what the options ask
# about (a nurse navigator's words had been refused). Only these plain routes: one that says
# where the drug goes ("intraperitoneal", "liver artery") is another treatment, named as such
_ROUTE_BEFORE = r"iv|i\.v\.|intravenous|oral|by\s+mouth|tablet|pill|po|p\.o\."
_ROUTE_AFTER = (r"pills?|tablets?|capsules?|infusions?|drip|by\s+mouth|orally|intravenously|iv|"
                r"i\.v\.|oral|intravenous|injections?|in\s+tablets?|as\s+tablets?|"
                r"tablet\s+form|pill\s+form|po|p\.o\.|tabs?|per\s+os|sc|s\.c\.|"
                r"subcut\w*")  # fmt: skip
# a word of how a drug is given, anywhere in a note ("chemotherapy (given orally at home)")
ROUTE_WORD = re.compile(r"(?i)\b(iv|i\.v|intravenous(ly)?|oral(ly)?|by\s+mouth|pills?|tablets?|"
                        r"tabs?|capsules?|infusions?|drip|injections?|po|p\.o|per\s+os|sc|"
                        r"s\.c|subcut\w*)\b")
ROUTE = re.compile(rf"(?i)\s*(?:(?:{_ROUTE_BEFORE})\s+(.+?)|(.+?)\s+(?:{_ROUTE_AFTER})(?:\s+only)?"
                   rf"|(.+?)\s+\((?:only\s+)?(?:{_ROUTE_AFTER})(?:\s+only)?\))\s*")  # fmt: skip


# Chemoradiation named by its drug first ("cisplatin chemoradiation", "cisplatin-based
# chemoradiotherapy", "capecitabine CRT"): read as "chemoradiation with" the drug (they had been
# refused, where "chemoradiation with cisplatin" was read: a clinical review)
DRUG_CHEMORADIATION = re.compile(r"(?i)\s*([^,;()/+&]+?)(?:[- ]based)?[\s-]+(?:chemo-?radiation|"
                                 r"chemo-?radiotherapy|c?crt)\s*")  # fmt: skip

# A symptom written with how bad, how often or how long it is ("severe pain", "heavy bleeding",
# "a lot of nausea", "constant back pain"): the symptom, which is what the options ask about
HOW_BAD = re.compile(r"(?i)\s*(?:(?:very|really|quite|so)\s+)?(?:severe|heavy|bad|mild|slight|"
                     r"moderate|terrible|awful|extreme|intense|constant|persistent|chronic|"
                     r"ongoing|recurring|recurrent|frequent|occasional|intermittent|worsening|"
                     r"increasing|new|some|a\s+lot\s+of|lots\s+of|a\s+little)\s+"
                     r"(.+?)\s*")  # fmt: skip
# A symptom written with the side or part of the body it is in ("upper abdominal pain", "lower
# back pain", "left-sided pelvic pain"): the symptom as named without it, which asks no side
SIDE = re.compile(r"(?i)\s*(?:upper|lower|left|right|(?:left|right)[\s-]+sided|central|mid|"
                  r"middle)\s+(.+?)\s*")  # fmt: skip
# A thing a person cannot do, written in any of the ways it is said ("can't eat", "unable to
# eat", "not able to swallow"): read as "cannot" and the rest, as the names of symptoms write it
CANNOT = re.compile(r"(?i)\s*(?:can[\u2019']?t|can\s*not|unable\s+to|not\s+able\s+to|"
                    r"inability\s+to)\s+(.+?)\s*")  # fmt: skip

# "not cancer", "no tumour", "never had", "non-malignant", "non-rectal"; not the names of cancers
# that start with "non-" ("non-small cell lung cancer", "non-Hodgkin lymphoma").
NEGATED = re.compile(r"^\s*((not|no|never)\b|non(?![- ]?(small|hodgkin|melanoma|seminoma|muscle)))")
# A person who does not know where the cancer started ("I don't know", "not sure"): the cancer
# is "unknown" (the general options), as "not known" is. Compared as NOT_KNOWN is, without
# spaces and marks: a phone's curly apostrophe ("I don’t know") is the same answer.
DONT_KNOW = ("I don't know", "don't know", "do not know", "I do not know", "idk", "not sure",
             "unsure", "I'm not sure", "I am not sure", "don't know yet", "not known yet")
_DONT_KNOW = frozenset(_compact(w) for w in DONT_KNOW)


def dont_know(value: str) -> bool:
    """Whether the whole answer says the person does not know (``DONT_KNOW``)."""
    return _compact(value) in _DONT_KNOW
# Answers that give no cancer: none said ("n/a", an export's "none") or not a cancer ("benign").
NO_CANCER = re.compile(
    r"^\s*(n/?a|none|nothing|tbd|negative|normal|healthy)"
    r"\s*$|\b(benign|pre-?cancerous|cancer[- ]free|ruled out|no evidence|ned)\b",
    re.IGNORECASE,
)


# A cancer named to be ruled out, or denied, by words before its name or by words after it that
# say nothing else ("r/o rectal cancer", "rule out gastric cancer", "rectal cancer, r/o",
# "gastric cancer - excluded", "rectal cancer excluded"): it had been read as the cancer, "r"
# and "o" not read (a review of the API). Not such words about something else ("rectal cancer,
# MSI excluded", "rectal cancer r/o liver mets").
CANCER_DOUBTED = re.compile(
    r"(?i)^\s*(rule[- ]out|r/o|to be ruled out)\b|"
    r"(?:[,;(]|\s-\s|\b(?:cancer|carcinoma|adenocarcinoma|ca|tumou?r|neoplasm)\s+)\s*"
    r"(r/o|rule[- ]out|ruled out|excluded|not confirmed|to be ruled out)\s*\)?\s*$")


ACRONYM = re.compile(r"[A-Z][A-Z0-9-]{1,7}")  # NSCLC, HCC, GBM: the name of a disease already


def cancer_name(name: str) -> str:
    """A cancer as the person named it, as a name of a disease: "lung" is "lung cancer";
    "pancreatic adenocarcinoma", "non-Hodgkin lymphoma" and an acronym ("NSCLC") stay as they
    are."""
    name = " ".join(name.split())
    if KIND_OF_DISEASE.search(name) or ACRONYM.fullmatch(name):
        return name
    return f"{name} cancer".strip()


def primary_part(name: str) -> str:
    """The part of a cancer description that says where it started: after "from" or "secondary
    to" when it says so ("cervical spine metastases from breast cancer": breast cancer)."""
    found = re.search(r"\b(?:from|secondary to|primary:?|originating in|arising in)\s+(.+)$",
                      name, flags=re.IGNORECASE)  # fmt: skip
    return found.group(1) if found else name


def place_words(name: str) -> list[str]:
    """The words of a cancer description that may say where it started (describing words, and
    "cervical" meaning the neck, left out)."""
    words = [w for w in re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", name.lower())
             if w not in DESCRIBING]  # fmt: skip
    if NECK & set(words):
        words = [w for w in words if w not in ("cervical", "cervix")]
    return words


# The most words a phrase to look a cancer up by has: the names of the knowledge base's cancers
# have at most two once the describing words are left out ("uterine cervix"), so a longer run
# names none, nor comes close to one; every run of a name of hundreds of words was tried, and a
# page read with such a name took seconds (minutes for thousands of words)
PHRASE_WORDS = 6


def cancer_phrases(name: str) -> list[str]:
    """The phrases to look a cancer up by, once the describing words are left out: the whole
    rest, then each shorter run of its words, longest first (at most ``PHRASE_WORDS`` words)."""
    words = place_words(name)
    phrases = []
    for size in range(min(len(words), PHRASE_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            phrases.append(" ".join(words[start : start + size]))
    return phrases


# --------------------------------------------------------------------------------------------
# The spellings each reader accepts, by value: for the profile's JSON Schema and its documentation
# (a test reads each one back through its reader)
# --------------------------------------------------------------------------------------------

SPELLINGS: dict[str, dict[str, list[str]]] = {
    "stage": {
        "4": ["4", "IV", "stage 4", "Stage IV", "stage four", "metastatic", "M1", "IVC"],
        "4A": ["4A", "IVA", "IVa", "IV-A", "stage 4A", "Stage IVA", "FIGO IVA"],
        "4B": ["4B", "IVB", "IVb", "IV-B", "stage 4B", "Stage IVB", "FIGO IVB"],
        "earlier": ["1", "2", "3", "I", "II", "III", "IIIA", "IIIB", "IIIC", "stage 3",
                    "Stage III", "earlier"],
        "": ["advanced"],
    },
    "recurrence": {
        "none": ["none", "no", "new diagnosis", "first diagnosis", "de novo"],
        "yes": ["yes", "recurrent", "recurred", "relapsed", "came back"],
        "local": ["local", "local recurrence", "locoregional"],
        "distant": ["distant", "distant recurrence", "metastatic recurrence"],
    },
    "metastasis_extent": {
        "few": ["few", "a few", "oligometastatic", "limited", "single", "solitary"],
        "many": ["many", "widespread", "multiple", "diffuse", "extensive", "numerous"],
    },
    "her2": {
        "positive": ["positive", "3+", "HER2 3+", "IHC 3+", "HER2-positive", "HER2+",
                     "amplified", "ISH positive", "FISH positive", "FISH+"],
        "negative": ["negative", "0", "1+", "IHC 0", "IHC 1+", "HER2-negative", "HER2-",
                     "not amplified", "ISH negative"],
        "equivocal": ["equivocal", "2+", "IHC 2+", "borderline"],
    },
    "kras": {
        "wild-type": ["wild-type", "wild type", "WT", "not mutated", "no mutation", "negative"],
        "mutated": ["mutated", "mutant", "mutation", "positive", "KRAS G12C", "G12C", "G12D",
                    "G12V", "G13D", "Q61H"],
    },
}
"""Representative spellings of each value (the readers accept more: any case, any KRAS variant,
any TNM stage); "" holds words that leave the value unknown."""
TNM_PATTERN = (  # a TNM stage as written, in either case (the reader folds case and spacing)
    r"^[cpyraCPYRA]{0,3}[Tt]([0-4xX]|is)[a-dA-D]?[0-9]? ?([cpyraCPYRA]{0,3}[Nn][0-3xX][a-cA-C]? ?)?"
    r"[cpyraCPYRA]{0,3}[Mm][01xX][a-dA-D]?$"
)


# Words for the yes/no answer of whether surgery could remove all of the cancer.
RESECTABLE = {
    "resectable": True, "operable": True, "removable": True, "can be removed": True,
    "unresectable": False, "not resectable": False, "non-resectable": False,
    "nonresectable": False, "inoperable": False, "not operable": False,
    "cannot be removed": False, "can't be removed": False,
}  # fmt: skip


def resectable(value: object) -> object:
    """The answer the words of ``resectable`` give; other values are left to the yes/no reader
    (``yes_no_number``)."""
    if isinstance(value, str):
        return yes_no_number(RESECTABLE.get(" ".join(value.lower().split()), value.strip()))
    return yes_no_number(value)


def yes_no_number(value: object) -> object:
    """1 or 0 written with a point ("1.0", 0.0: a CSV made from a column of numbers with blanks
    writes them so) as 1 or 0, which the yes/no reader takes; anything else as given, so that a
    refusal quotes it as written ("2.0")."""
    number = whole(value)
    return number if number in (0, 1) and not isinstance(value, bool) else value
