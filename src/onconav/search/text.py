"""Words for the search: folding, stop words, stemming.

A text is folded (accents dropped, lower case), split into words at anything that is not a letter
or a digit ("5-FU" is "5" and "fu"; "can’t" is "can" and "t", as "can't" is), the common
words of questions dropped ("what", "can", "my"), and each word stemmed with the Snowball
English stemmer (PyStemmer): "cured", "cures" and "cure" are one term; "come back", "came
back", "comes back" and "coming back" are one word and one term (``COME_BACK``), and so is
"back" said of the cancer ("it is back", "it's back", "cancer back", "back again":
``come_back``). Before stemming, a British or Canadian spelling is read as the American one
("tumour" as "tumor", "oesophageal" as "esophageal", "randomised" as "randomized"): the Canadian
sources write "tumour", the American one "tumor", and a person may write either. The same steps
read the documents, the names of the knowledge base and the question, so that they meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

WORD = re.compile(r"[a-z0-9]+")

# Words of the stop list that carry meaning in a question about treatment: "before surgery",
# "radiation again", "only spread to the liver", "the same place".
KEPT = frozenset({"after", "before", "again", "against", "more", "most", "only", "same", "once",
                  "off", "above", "below", "during", "under", "over", "few", "both"})  # fmt: skip
STOP = frozenset(w for w in STOPWORDS_EN_PLUS if w not in KEPT) | {
    "could", "would", "also", "might", "must", "us", "let", "please", "tell", "get", "got",
}  # fmt: skip
# Everyday words with no content of their own: how long, how much or how often, where or in
# what way, a verb that stands for any doing ("put", "make", "go"), a word for anything
# ("thing", "something", "way", "kind"), and the short forms written without an apostrophe
# ("dont"). Unlike a stop word, such a word of a question is searched and adds to the score of
# a document another word matches ("how long will I be on chemo": "as long as"), but it matches
# no document by itself: "how long do I have" found the glossary's bowel, "the long tube", first
# (``Index._search``). Each is listed as written; its inflections share its term ("putting").
# Not weak here, though everyday: "take" (surgery to take out a tumour; taken by mouth), "help"
# (what symptom relief is for), "next" (asking for other options), "many" (many tumours, a value
# of how much the cancer has spread). "call" is weak: the sources say "called" to name a thing
# ("CAPOX (also called XELOX)"), and "when should we call hospice" had shown those lines after
# hospice care. So are "left" and "time" ("how much time is left" had shown the left
# hemicolectomy), "else" ("is there anything else she can try": the feeding tube's "something
# else"), "fit" and "fits" ("she keeps having fits": "choices may fit you"; "fits" is a name
# only of the catch-all *another symptom*, ``Index.weak``) and "de" (a particle of names: "de
# Gramont"; "¿quimioterapia para cáncer de estómago?" had shown fluorouracil with leucovorin).
WEAK = frozenset({
    "long", "much", "lot", "lots", "really", "quite", "even", "enough", "ever", "still",
    "yet", "already", "soon", "always", "instead", "straight", "away",
    "somewhere", "anywhere", "everywhere", "way", "ways", "like", "well", "thing", "things",
    "anything", "something", "everything", "nothing", "someone", "anyone", "everyone", "somebody",
    "anybody", "people", "kind", "sort", "type", "put", "give", "gave",
    "given", "make", "made", "go", "goes", "went", "gone", "come", "came", "done", "say", "said",
    "call", "called", "calls", "calling",
    "know", "knew", "think", "thought", "mean", "meant", "want", "need", "try", "happen", "use",
    "keep", "kept", "possible", "able", "sure", "true", "okay", "ok", "never", "except",
    "cant", "dont", "doesnt", "didnt", "wont", "isnt", "arent", "wasnt", "ive", "shes", "hes",
    "theyre",
    "left", "time", "times", "else", "fit", "fits", "de",
})  # fmt: skip


# British and Canadian spellings, each read as the American one (a word, folded, before it is
# stemmed). Only the documents and the question meet through these, so a rule that also changes
# a word it was not written for ("advise" to "advize") does no harm as long as it does not turn
# it into another real word.
SPELLINGS = (
    (re.compile(r"^([a-z]{2,})our(s|ed|ing|able|ite|ites)?$"), r"\1or\2"),  # tumour, colour, favour
    # randomised, organise; not -cise, -vise (excise, revise: excision, revision keep their "s")
    (re.compile(r"^([a-z]{2,}[abd-uw-z])is(e|ed|es|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"^oe(soph|strog|dem)"), r"e\1"),  # oesophagus, oestrogen, oedema
    (re.compile(r"^(h|an|leuk|isch|septic)aem"), r"\1em"),  # haemorrhage, anaemia, leukaemia
    (re.compile(r"^(an)aesth"), r"\1esth"),  # anaesthetic
    (re.compile(r"^(p|orthop|gyn)ae(d|c)"), r"\1e\2"),  # paediatric, gynaecologist
    (re.compile(r"^(cent|fib|lit|met|theat)re(s|d)?$"), r"\1er\2"),  # centre, litre
    (re.compile(r"^diarrhoea"), "diarrhea"),
)


# a word any of SPELLINGS may change: the others (most) are passed over with one test
_MAY_CHANGE = re.compile(r"our|is|^oe|ae|re[sd]?$|diarrhoea")


@functools.lru_cache(maxsize=65536)  # the same words come again and again (bounded: a server)
def american(word: str) -> str:
    """A folded word in its American spelling ("tumours" is "tumors"); any other word as it is."""
    if not _MAY_CHANGE.search(word):
        return word
    for pattern, replacement in SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


# "come back" in each of its forms is one word, with one term: in all five sources "back" is
# "come(s)/came/coming back" (the cancer recurring), where a person's "back" is most often the
# body part ("pain in my back"); and "came", a weak word, added to every passage on recurrence.
# "back" alone is read so too after a form of "be" or the cancer, or before "again" (``RETURNED``:
# "her cancer is back", "it's back", "cancer back in the pelvis", "back again"), which the sources
# never say of the body part: it had been "back" the body part, in no passage, and the question
# found nothing on recurrence.
COME = frozenset({"come", "comes", "came", "coming"})
COME_BACK = "comeback"  # its term
RETURNED = frozenset({"is", "was", "cancer", "cancers", "tumor", "tumors", "tumour", "tumours"})
# "'s back" ("it's back" is "it", "s", "back") after these alone: "my mum's back" is her back
SAID_OF_IT = frozenset({"it", "she", "he", "that", "cancer", "tumor", "tumour"})
READ_BACK = "come back"  # what "back" alone is read as, when it is


# A term that is a number: digits, with a letter after them or not ("4", "4b", "5"), or a Roman
# numeral from two to four ("ii", "iii", "iv", "ivb"; a lone "i" is the common word, never a
# term). A number among the words of a name is another thing: "phase II trials" is no phase I
# trial, though "phase I clinical trials" is "phase clinical trials" as read (``Index``'s
# ``_together``).
NUMBER = re.compile(r"\d+[a-z]?|(?:ii|iii|iv)[a-c]?")


def come_back(raw: list[str], i: int) -> int:
    """How many of the folded words from ``i`` are "come back": two for a form of "come" and
    "back" ("came back"), one for "back" after a word of ``RETURNED`` ("is back"), after "'s"
    of a word of ``SAID_OF_IT`` ("it's back") or before "again", else none."""
    if raw[i] in COME and raw[i + 1 : i + 2] == ["back"]:
        return 2
    if raw[i] != "back":
        return 0
    before = raw[max(0, i - 2) : i]
    returned = (before[-1:] and before[-1] in RETURNED) or (
        len(before) == 2 and before[1] == "s" and before[0] in SAID_OF_IT)
    return 1 if returned or raw[i + 1 : i + 2] == ["again"] else 0


def _joined(raw: list[str]) -> list[str]:
    """Folded words as read: the common words (``STOP``) left out, and "come back" in each of
    its forms (``come_back``) one word with a space inside ("came back"; "back" alone, as
    ``READ_BACK``)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        n = come_back(raw, i)
        if n:
            out.append(" ".join(raw[i : i + n]) if n == 2 else READ_BACK)
            i += n
            continue
        if raw[i] not in STOP:
            out.append(raw[i])
        i += 1
    return out


# Words the stemmer would make one term with another word of another meaning, each read as its
# own term (its plural too), as the Snowball stemmer keeps "news", "inning" and "outing" whole:
# a thing named by a word in "-ing" that is no doing of the verb its stem is. "lining" (of the
# belly: the peritoneum) is not "line" (first-line treatment, a line into a vein): "cancer in the
# lining of the tummy" had shown first-line treatment first. Folded, in the American spelling.
WHOLE = {"lining": "lining", "linings": "lining"}


def stem_words(stem: Stemmer.Stemmer, found: list[str]) -> list[str]:
    """The terms of folded words: each in its American spelling, stemmed (a word of ``WHOLE``
    as its own term); "came back" (and each form of it, ``_joined``) is ``COME_BACK``."""
    spelt = [american(w) for w in found]
    terms = stem.stemWords(spelt)
    return [COME_BACK if " " in w else WHOLE.get(a, t)
            for w, a, t in zip(found, spelt, terms, strict=True)]  # fmt: skip


# Words a question says a thing with, each read in a question as the word it stands for, and
# never looked for in the documents: "my back hurts" is "back pain", "hurts" alone is "pain";
# "tablets" are "pills" (the knowledge base's words: no source says "tablet"), a "drip" goes
# "into a vein" (no source says "drip"). Words that are another name of an entry of the
# knowledge base ("relapsed": recurrent cancer) are its aliases, not here.
# The knowledge base's words on a blocked bowel say "it can hurt a lot": as a word of its own,
# "hurts" put the blocked bowel first ("my back hurts"), and as another name of pain (an alias)
# it put the blocked bowel first for "pain" itself, its rare word outscoring pain's. Read only in
# a question, "hurts" finds what "pain" finds, and "pain" finds no "hurt". Each word as
# written, folded (``Index.question_words``; plain BM25 reads none of them).
# A "lump" is what the sources call a tumour (no source says "lump": "can they remove the lump"
# had been told it is not a word the sources use).
READ_AS = {"hurt": "pain", "hurts": "pain", "hurting": "pain", "tablet": "pill",
           "tablets": "pills", "drip": "vein", "drips": "vein", "lump": "tumour",
           "lumps": "tumours"}  # fmt: skip
# A verb with "out" after it (at most two words between: "cut it out", "take the tumour out",
# "get it all out"), read in a question as "remove", the sources' word for surgery that takes
# the cancer out ("surgery to remove metastatic tumours", "it can be removed with surgery"):
# "can they cut it out" had shown nerve cutting for pain in all three places, on "cut", and "can
# they take it out" the nerve tumour's surgery alone, on "take". The "out" is read with the
# verb (``Index.question_words``). By their folded words.
OUT_VERBS = frozenset({"cut", "cuts", "cutting", "take", "takes", "taking", "took", "taken",
                       "get", "gets", "getting", "got"})  # fmt: skip
OUT = "out"
READ_OUT = "remove"
# "the end" (or "this end"), not "the end of ...", read in a question as "end stage" (an other
# name of advanced cancer): "is it the end" had shown the colostomy's "2 ends of the intestine"
# first, and kept to stomach cancer the endoscope's "camera on the end". By the folded words.
THE_END = frozenset({"the", "this"})
END = "end"
READ_END = "end stage"
# "options" or "choices" with no "treatment" right before, read in a question as "treatment"
# beside the word itself: "what are my options" asks for the treatment options, and had shown a
# sentence on surgery to stop bleeding first ("... may be an option"), the shortest passage with
# the word, where "what are my treatment options" shows the overviews of the options. By the
# folded words.
OPTIONS = frozenset({"option", "options", "choice", "choices"})
TREATMENT = "treatment"
# Words read as another only right before the name of a treatment (a drug, a regimen, a
# procedure, a class of drugs, an option: ``Index.question_words``): "more radiation" is
# "radiation again", as people ask it ("can I have more radiation"), where the sources say
# "again" (the rectal page: radiation the pelvis already had may rule out more, [ccs-rectal-stage4
# 5126-5224]); that answer had come 15th, after passages where radiation makes chemotherapy
# "more" effective. Not elsewhere: "nothing more
# can be done" keeps its "more", which the general source has in those words.
READ_BEFORE_TREATMENT = {"more": "again"}
# Words that ask whether a treatment must be had, or that refuse it, read in a question as
# "want" when treatment is named after them (``CHOSEN``; ``Index.question_words``): the
# sources answer such a question where they say a person may not "want" treatment and may
# decide to stop it ("do I have to have treatment" had shown five passages of research on
# stomach cancer first, on "treatment" alone, every other word a common one). By their folded
# words.
MUST = {("have", "to"): "want", ("has", "to"): "want", ("must",): "want",
        ("refuse",): "want", ("refuses",): "want", ("refused",): "want", ("refusing",): "want",
        ("decline",): "want", ("declining",): "want"}  # fmt: skip
# What may be chosen so, named after those words: treatment in general and its main kinds
CHOSEN = frozenset({"treatment", "treatments", "therapy", "therapies", "chemo", "chemotherapy",
                    "radiation", "radiotherapy", "surgery", "operation"})  # fmt: skip
@dataclass(frozen=True)
class Word:
    """A word of a text: as written (folded), and the term it is indexed under; ``read_as``:
    in a question, the word it is read as (``READ_AS``: "hurts" is "pain")."""

    surface: str
    term: str
    read_as: str | None = None
    # in a question, where it is in the folded question (``fold``): its first character and
    # the one after its last (``typed`` gives the question's own characters there)
    span: tuple[int, int] | None = None


def fold(text: str, lower: bool = True) -> str:
    """Lower case, accents dropped; any other character that is not ASCII parts words: a space
    as a space, a mark (a curly apostrophe, a dash, a registered sign) as "-" does: "can’t" is
    "can-t", as "can't" is "can't", not the word "cant"; "HER‑2" is "her-2". ``lower=False``
    keeps the case, each character where the folded text has it (to see how a word was
    written: "HER 2")."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c if c.isascii() else "" if unicodedata.combining(c) else
                     " " if c.isspace() else "-" for c in decomposed)  # fmt: skip
    return folded.lower() if lower else folded


def typed(text: str, start: int, end: int) -> str:
    """The characters of ``text`` that ``fold(text)[start:end]`` comes from, as typed: a notice
    quotes a question's words so ("lining of the Tummy"), not as the search reads them
    ("lining tummy", its common words left out). Each character folds alone as in the whole
    (NFKD; the marks it drops are dropped alike), so the offsets are counted character by
    character."""
    first = last = None
    at = 0
    for place, c in enumerate(text):
        width = len(fold(c))
        if first is None and at + width > start:
            first = place
        at += width
        if at >= end:
            last = place + 1
            break
    return text[first or 0 : last if last is not None else len(text)].strip()


def left_out(text: str) -> list[str]:
    """The runs of a text's letters and digits that ``fold`` leaves out, as written: those whose
    decomposition (NFKD, the accents dropped) is no ASCII letter or digit, such as "化疗" and
    "Лонсурф" (a mark such as an accent that follows one is part of its run). Fullwidth Latin
    ("ＦＯＬＦＯＸ") and accented letters ("Lönsurf") are folded to ASCII and read: none of
    theirs is left out."""
    runs: list[str] = []
    run = ""
    for c in text:
        if (c.isalnum() and _dropped(c)) or (run and unicodedata.category(c).startswith("M")):
            run += c  # a letter or digit left out, or a mark (an accent, a vowel sign) on one
            continue
        if run:
            runs.append(run)
        run = ""
    if run:
        runs.append(run)
    return runs


def _dropped(c: str) -> bool:
    """Whether ``fold`` leaves out a letter or digit: its decomposition has one that is not
    ASCII (the accents aside)."""
    decomposed = unicodedata.normalize("NFKD", c)
    return any(not d.isascii() and d.isalnum() and not unicodedata.combining(d)
               for d in decomposed)  # fmt: skip


def stemmer() -> Stemmer.Stemmer:
    """A stemmer (it keeps a cache of the words it has seen). Not safe to share between
    threads: each build and each search makes its own, which costs a few microseconds."""
    return Stemmer.Stemmer("english")


def words(text: str, stem: Stemmer.Stemmer | None = None) -> list[Word]:
    """The words of ``text`` that count, in order, each with its term."""
    found = _joined(WORD.findall(fold(text)))
    terms = stem_words(stem or stemmer(), found)
    return [Word(w, t) for w, t in zip(found, terms, strict=True)]


def terms(text: str, stem: Stemmer.Stemmer | None = None) -> list[str]:
    """The terms of ``words(text)``, alone (what the index is built from)."""
    return stem_words(stem or stemmer(), _joined(WORD.findall(fold(text))))


# The terms of ``WEAK``, as a question's words are indexed (its inflections among them), and of
# ``KEPT``, which count alike: only beside another word matching the same document ("bleeding
# down below" with --cancer cervix had shown a passage on the spinal cord first, on "below")
WEAK_TERMS = frozenset(stem_words(stemmer(), sorted(WEAK | KEPT)))
