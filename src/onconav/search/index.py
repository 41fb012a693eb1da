"""The index and the ranking.

The documents, built at load from the knowledge base (and the source files, when at hand):

- ``passage``: each passage the knowledge base cites (one evidence span, once however many
  entries cite it), with the entries that cite it. Its words are the passage itself when the
  source file is at hand (and still matches the span); without the sources, the names and plain
  descriptions of the entries that cite it, where a word of one of their names of several words
  counts only with the rest of the name ("back" of "back passage cancer": ``build_index``).
- ``paragraph``: each paragraph of a source's treatment content that the cited passages do not
  already cover for the most part (only with the sources).
- ``entry``: each entry of the knowledge base with evidence and something to show (a
  description, a note's text, a cancer's note; a site has none), in its own plain words (name,
  other names, description; an option's caveats; a note's text), cited by its evidence.

Ranking is BM25 (bm25s) over stemmed terms. A question is read into concepts: the longest runs of
its words that are a name of an entry (any name: a brand, an abbreviation, a plain word), and each
word left over (not a lone digit or letter). A concept scores a document with the best of its
names: its own words (plain BM25; a name of several words only where they stand together,
``_together``) or another name of the same entry (BM25 of that name's terms,
scaled down when the name has more words than the question's, times ``SYNONYM_WEIGHT``), or for a
class of drugs the name of one of its drugs (times ``MEMBER_WEIGHT``, and never above
``MEMBER_WEIGHT`` times the best its own names score). Another name matches only a document with
all its words; an other name of a symptom or a site leads to its main name alone (``PLACES``),
and every name of one to its broader one (``parent``: times ``BROADER_WEIGHT``, and never above
``BROADER_WEIGHT`` times the best its own names score; up the line while no document has the
broader name's words together). A
passage that an option cites counts ``OPTION_BOOST`` times; kept to one cancer, a document citing
its own sources ``OWN_BOOST`` times, and one of them that answers comes before the general
source's (``Index._own_first``). Passages that overlap a better one of the same source by half
are left out, the entries citing them named on the better one. In a question, two words joined by
a hyphen that spell a one-word name are that name ("HER-2" is "HER2"), and two apart written as
the name ("HER 2", "her 2 positive"); a word of ``text.READ_AS`` is read as the word it stands
for ("hurts" as "pain"), and one of ``text.READ_BEFORE_TREATMENT`` right before the name of a
treatment ("more radiation" as "again radiation"), and one of ``text.MUST`` before a word of
``text.CHOSEN`` as "want" ("have to have treatment"). A word no document has is named in a
notice. A weak word (``text.WEAK``: "long", "put", "instead") adds to the score of a document
another word matches, but a document only weak words match is no hit; so are the words naming
the cancer the search is about, beside another word that matches a document the search may show
(``_names_the_cancer``). A question of one name shows its entry first (``NAMED_BOOST``). With
no hit, the entry the question is a name of, as explain finds it, is offered (``explained``);
with none, no slip of the keys and no other cancer's sources that match, a notice names the
words that matched nothing (``_not_used``): those no document has, and those some have. A
symptom only other cancers' sources speak of leads to the documents about the options that may
ease it (``_eased``). Without the source documents, the hits come with a notice that their
order may differ from that with them (``WITHOUT_SOURCES``). A
short abbreviation ("HAI") is suggested only for a word written in capitals. A notice quotes
the question's words as typed (``Concept.said``). An entry hit whose words matched in a part of
it that it does not show (an option's note, another name) shows that part (``_unshown``).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized
from Stemmer import Stemmer

from onconav.engine import DISCLAIMER, sources_used
from onconav.explain import cancers_of, find, view
from onconav.kb import KnowledgeBase, provenance
from onconav.kb.model import KINDS, Option, Span
from onconav.kb.vocabulary import normalise_name, without_little_words
from onconav.logic import Truth, relieves
from onconav.profile import (
    NO_CONTROL_ACCEPTED,
    NOT_TEXT,
    NOT_TEXT_ACCEPTED,
    SURROGATE,
    Problem,
    ProfileError,
    close_name,
    parse_profile,
    read_cancer,
)
from onconav.search import text as words_of
from onconav.search.model import Cited, Hit, Match, Ref, SearchResult, Unshown
from onconav.words import and_list as _and
from onconav.words import control_character, cut

SYNONYM_WEIGHT = 0.9  # another name of the same thing counts a little less than the words given
MEMBER_WEIGHT = 0.5  # a drug's name for its class ("nivolumab" for "immunotherapy"): narrower
BROADER_WEIGHT = 0.5  # a broader symptom's or site's name ("bleeding" for "rectal bleeding")
OPTION_BOOST = 1.25  # a passage that an option cites
OWN_BOOST = 1.25  # kept to one cancer: a document citing that cancer's own sources
OWN_ANSWER_SHARE = 0.5  # of the best score, at least, for an own document to come first
NAMED_BOOST = 1.5  # a question of one topic: the entry it names (``Index._named_entry``)
NEAR = 1  # other words a name of more words may have among its own in a document
COVERED = 0.5  # a paragraph mostly inside cited passages, or a passage overlapping a better one
LIMIT_MAX = 50
MAX_QUERY_CHARS = 500
# What a question (q) takes, said by every refusal of one that has no word to look for (empty,
# marks alone, no English word), as the profile's refusals say what a field takes: the API's
# search route had filled it in from a table of its own (``SEARCH_TAKES``)
QUERY_ACCEPTED = (f"a question or some words in English, at most {MAX_QUERY_CHARS} characters",)
JOINER = re.compile(r"[-/]+")  # what joins the parts of a name in a question: "HER-2", "K/RAS"
# Words after a name written with a space inside ("HER 2") that say it is the name: a result
STATUS = frozenset({"positive", "negative", "pos", "neg", "test", "tests", "tested", "testing",
                    "status", "result", "results", "score"})  # fmt: skip
# Words that say what is not wanted; the search reads none of them as leaving anything out
NEGATIONS = frozenset({"no", "not", "without", "never", "except", "instead", "dont", "doesnt",
                       "didnt", "wont", "avoid"})  # fmt: skip
NEGATED = frozenset({"don", "doesn", "didn", "won"})  # "don't": "don" and "t"
# Kinds whose other names are often narrower than the main one, a place or a kind of it
# ("rectal bleeding", "black stools" and "throwing up blood" for bleeding from the stomach or
# bowel; "spine" for bone): ``_names``
PLACES = frozenset({"symptoms", "sites"})
# A name of at most this many letters and digits, written in capitals, is a short abbreviation
# ("HAI", "LAR", "GOO", "KRAS"): suggested only for a word written in capitals (``_slip``)
SHORT_ABBREVIATION = 4
# With no hit, no slip of the keys for a name and no other cancer's sources that match, a notice
# names the words that matched nothing (``Index._not_used``): not that the sources do not cover
# the question, which nothing here can tell ("terminal cancer", "life expectancy" and "her cancer
# is back" had been told "The sources here do not seem to cover this", of what they are written
# about). Said instead when every word of the question is weak ("what if it goes on", "how
# long") and no two of them side by side are a phrase a document has (``Index._weak_phrase``):
# not that the sources do not cover it, which nothing here can tell; and that the care team can
# answer it ("how long do I have" is a question for them)
SAY_MORE = ("Say a little more: the treatment, the symptom or the part of the body the "
            "question is about; or ask your care team.")
# What a match through an option that may ease the symptom named says after its name
# ("malnutrition, which it may ease": ``Index._eased``)
EASED = ", which it may ease"
# Said with the hits of an index built without the source documents: each passage is searched
# by the words of the entries citing it (``build_index``), so the order differs from that of a
# search with them; the command without --sources and the API's server without
# $ONCONAV_SOURCES answer alike, but "can I have more radiation" put the rectal page's answer
# 3rd without them and 1st with them, with nothing to say why the two differed
WITHOUT_SOURCES = ("Searched without the source documents: each passage is found by the words "
                   "of the entries that cite it, not by its own, so the order may differ from a "
                   "search with the sources at hand.")
# Where a cancer started, for the cancers the knowledge base does not know, as a question names
# them before "cancer" ("lung cancer") or after "cancer of (the)" ("cancer of the pancreas"); and
# kinds of cancer named by one word. Folded, in the American spelling (``text.american``). Such a
# cancer has no source of its own: a question naming it keeps to the general source, as
# --cancer does (``_named_cancer``). Not "liver tumours", which are most often a cancer that has
# spread there; a cancer the knowledge base knows (colon, breast) is found by its names.
ORGANS = frozenset({
    "lung", "lungs", "bronchial", "esophageal", "esophagus", "gullet", "pancreatic", "pancreas",
    "liver", "hepatocellular", "kidney", "kidneys", "renal", "bladder", "urothelial", "skin",
    "brain", "bone", "bones", "blood", "ovarian", "ovary", "ovaries", "uterine", "uterus", "womb",
    "endometrial", "vulval", "vulvar", "vulva", "vaginal", "vagina", "testicular", "testis",
    "penile", "head", "neck", "throat", "mouth", "oral", "tongue", "laryngeal", "larynx",
    "pharyngeal", "nasopharyngeal", "oropharyngeal", "tonsil", "gallbladder", "biliary", "bile",
    "anal", "anus", "appendix", "adrenal", "eye"})  # fmt: skip
DISEASE = frozenset({"cancer", "cancers", "carcinoma", "carcinomas", "adenocarcinoma",
                     "adenocarcinomas"})  # fmt: skip
CANCER_KINDS = frozenset({
    "lymphoma", "lymphomas", "melanoma", "melanomas", "sarcoma", "sarcomas", "leukemia",
    "leukemias", "myeloma", "myelomas", "mesothelioma", "mesotheliomas", "glioma", "gliomas",
    "glioblastoma", "glioblastomas", "cholangiocarcinoma"})  # fmt: skip
NAMED_KINDS = ("cancers", "drug_classes", "drugs", "regimens", "procedures", "tests", "symptoms",
               "sites", "glossary")  # fmt: skip


class SearchError(ValueError):
    """A search that cannot be run: the problem names the field and what is accepted."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class Doc:
    kind: Literal["passage", "paragraph", "entry"]
    citations: tuple[Span, ...]
    text: str | None  # shown: the passage, or the entry's description
    entry: str | None = None
    cited_by: tuple[str, ...] = ()
    boosted: bool = False

    @functools.cached_property
    def sources(self) -> frozenset[str]:
        return frozenset(c.source for c in self.citations)


@dataclass(frozen=True)
class Name:
    """One name of an entry, as terms."""

    entry: str
    name: str
    terms: tuple[str, ...]
    weight: float = SYNONYM_WEIGHT
    # "same": a name of the same thing; "member": a drug's name for its class
    # (``MEMBER_WEIGHT``); "broader": a broader symptom's or site's (``BROADER_WEIGHT``)
    # "eases": an option that may ease the symptom named (``Index._eased``)
    relation: Literal["same", "member", "broader", "eases"] = "same"


@dataclass(frozen=True)
class Concept:
    words: str  # the question's words, folded
    terms: tuple[str, ...]
    names: tuple[Name, ...] = ()  # other names of the same thing
    read_as: str | None = None  # the words as read, when one is read as another ("back pain")
    # the question's words as typed, from the first to the last ("lining of the Tummy", where
    # ``words`` are "lining tummy"): what a notice quotes (``text.typed``)
    said: str = ""

    @property
    def typed(self) -> str:
        return self.said or self.words


Way = tuple[Name | None, np.ndarray]  # a way a concept matches (None: its own words), its scores


@dataclass(frozen=True)
class NamedCancer:
    """A cancer a question names."""

    words: str  # as ``Index._allowed`` reads it: the id of the knowledge base, or the words
    site: str  # as a profile reads it: the cancer whose sources and options count
    name: str  # to show: the knowledge base's name, or the question's words


@dataclass(frozen=True)
class Index:
    """The documents, their BM25 index, and the names of the knowledge base as synonyms."""

    kb: KnowledgeBase
    docs: tuple[Doc, ...]
    bm25: bm25s.BM25
    vocab: Mapping[str, int]
    names: Mapping[tuple[str, ...], tuple[Name, ...]]  # a name's terms -> every name of its entries
    longest: int
    known_names: frozenset[str]  # every name of the knowledge base, folded: for suggestions
    with_sources: bool
    boosts: np.ndarray  # per document: OPTION_BOOST for a passage an option cites, else 1
    sequences: tuple[tuple[str, ...], ...]  # per document: its terms in order ("" between parts)
    passage_terms: Mapping[tuple[str, int, int], frozenset[str]]  # a cited passage's terms
    bound: Mapping[str, np.ndarray]  # a term -> the documents with it only in a name held together
    synonyms: bool = True
    boost: bool = True  # OPTION_BOOST and OWN_BOOST (plain BM25: neither)
    abbreviations: frozenset[str] = frozenset()  # the short ones among known_names (``_slip``)
    # the entries whose explain page shows more than their names (``_explaining``)
    explaining: frozenset[str] = frozenset()
    # names read only as written, by their folded words: the name folded, and its entry's main
    # name (``_as_written``)
    as_written: Mapping[tuple[str, ...], tuple[str, Name]] = dataclasses.field(
        default_factory=dict)

    # ----------------------------------------------------------------------------------------

    def question_words(self, query: str) -> list[words_of.Word]:
        """The words of a question, as ``text.words`` reads them, but two words joined by a
        mark such as a hyphen that together spell a one-word name of the knowledge base are read
        as that name: "HER-2" as "HER2" (alone, "her" is a common word left out, and "2" is any
        2), "K-RAS" as "KRAS"; not when the two are a name as they are ("5-FU"), nor across a
        stop ("her. 2 years later"). Across a space, only when written as the name
        (``_spaced_name``: "what is HER 2", "her 2 positive"; not "her 2 sons"), or when the
        first part alone is no word of the documents (``_split_word``: "immuno therapy"). A word
        of ``text.READ_AS`` is read as the word it stands for ("hurts" as "pain"), a name read only
        as written as its entry's main name (``_written_name``: "being sick" as "vomiting"),
        and "back" as
        "come back" where ``text.come_back`` reads it so, unless it begins a name ("is back
        pain common")."""
        if not self.synonyms:
            return words_of.words(query)
        stem = words_of.stemmer()
        folded = words_of.fold(query)
        cased = words_of.fold(query, lower=False)  # the same characters, as written
        spans = list(words_of.WORD.finditer(folded))
        raw = [m.group() for m in spans]
        out: list[words_of.Word] = []
        i = 0
        while i < len(raw):
            written = self._written_name(raw, i, stem)  # "being sick": vomiting
            if written is not None:
                n, said, name = written  # (said as the name: "can't swallow", not "can t")
                surfaces = [said] + [""] * (len(name.terms) - 1)
                span = (spans[i].start(), spans[i + n - 1].end())
                out += [words_of.Word(w, t, name.name, span)
                        for w, t in zip(surfaces, name.terms, strict=True)]  # fmt: skip
                i += n
                continue
            must = _must(raw, i)  # "do I have to have treatment": have to, read as "want"
            if must:
                (term,) = words_of.stem_words(stem, [words_of.MUST[tuple(raw[i : i + must])]])
                out.append(words_of.Word(" ".join(raw[i : i + must]), term,
                                         words_of.MUST[tuple(raw[i : i + must])],
                                         (spans[i].start(), spans[i + must - 1].end())))
                i += must
                continue
            back = words_of.come_back(raw, i)  # one word, as read ("came back", "is back")
            if back == 2:
                out.append(words_of.Word(f"{raw[i]} back", words_of.COME_BACK, None,
                                         (spans[i].start(), spans[i + 1].end())))
                i += 2
                continue
            if back and tuple(words_of.stem_words(stem, raw[i : i + 2])) not in self.names:
                out.append(words_of.Word("back", words_of.COME_BACK, words_of.READ_BACK,
                                         spans[i].span()))
                i += 1  # (not "back pain", a name: "is back pain common")
                continue
            between = folded[spans[i].end() : spans[i + 1].start()] if i + 1 < len(raw) else ""
            if JOINER.fullmatch(between) or (between.isspace() and (
                    _spaced_name(cased, folded, spans, i) or self._split_word(raw[i], stem))):
                (joined,) = words_of.stem_words(stem, [raw[i] + raw[i + 1]])
                apart = tuple(words_of.stem_words(stem, raw[i : i + 2]))
                kept = all(w not in words_of.STOP for w in raw[i : i + 2])
                if (joined,) in self.names and not (kept and apart in self.names):
                    out.append(words_of.Word(raw[i] + raw[i + 1], joined, None,
                                             (spans[i].start(), spans[i + 1].end())))
                    i += 2
                    continue
            if raw[i] == words_of.END and i and raw[i - 1] in words_of.THE_END and (
                    raw[i + 1 : i + 2] not in (["of"], ["stage"])):  # "is it the end"
                ends = tuple(words_of.stem_words(stem, words_of.READ_END.split()))
                if ends in self.names:
                    out += [words_of.Word(w, t, words_of.READ_END, spans[i].span() if w else None)
                            for w, t in zip((raw[i], ""), ends, strict=True)]  # fmt: skip
                    i += 1
                    continue
            if raw[i] in words_of.OPTIONS and (not i or raw[i - 1] not in (
                    words_of.TREATMENT, words_of.TREATMENT + "s")):  # "what are my options"
                (term,) = words_of.stem_words(stem, [words_of.TREATMENT])
                out.append(words_of.Word(raw[i], term, words_of.TREATMENT, spans[i].span()))
            reading = words_of.READ_AS.get(raw[i])  # "hurts": read as "pain"
            if raw[i] in words_of.OUT_VERBS and words_of.OUT in raw[i + 1 : i + 4]:
                reading = words_of.READ_OUT  # "cut it out": remove ("out" is a common word)
                (term,) = words_of.stem_words(stem, [reading])
                out.append(words_of.Word(raw[i], term, reading, spans[i].span()))
                i += 1
                continue
            if raw[i] in words_of.READ_BEFORE_TREATMENT and i + 1 < len(raw) and (
                    words_of.stem_words(stem, [raw[i + 1]])[0] in self._treatment_starts):
                reading = words_of.READ_BEFORE_TREATMENT[raw[i]]  # "more radiation": again
            if raw[i] not in words_of.STOP:
                (term,) = words_of.stem_words(stem, [reading or raw[i]])
                out.append(words_of.Word(raw[i], term, reading, spans[i].span()))
            i += 1
        return out

    @functools.cached_property
    def _treatment_starts(self) -> frozenset[str]:
        """The first terms of the names of the treatments of the knowledge base (options,
        classes of drugs, drugs, regimens, procedures): a word of
        ``text.READ_BEFORE_TREATMENT`` right before one is read as the word it stands for
        ("more radiation" as "again radiation")."""
        kinds = {"options", "drug_classes", "drugs", "regimens", "procedures"}
        return frozenset(key[0] for key, names in self.names.items()
                         if any(self.kb.kind_of.get(n.entry) in kinds for n in names))

    def _written_name(self, raw: list[str], i: int,
                      stem: Stemmer) -> tuple[int, str, Name] | None:  # fmt: skip
        """A name read only as written (``as_written``: "being sick") that the folded words of
        a question from ``i`` begin with: how many words it has, the name (folded), and the
        main name of its entry (vomiting); None when they begin none, or a longer name of the
        knowledge base in order ("throwing up blood"), or "of" follows ("being sick of chemo":
        fed up)."""
        for n in sorted({len(k) for k in self.as_written}, reverse=True):
            if i + n > len(raw):  # (a shorter name at the end is found by its own length)
                continue
            found = self.as_written.get(tuple(raw[i : i + n]))
            if found is None or raw[i + n : i + n + 1] == ["of"]:
                continue
            ahead = [w for w in raw[i : i + n + self.longest] if w not in words_of.STOP]
            terms = tuple(words_of.stem_words(stem, ahead))
            if any(terms[:k] in self.names for k in range(2, len(terms) + 1)):
                continue  # a longer name in order
            return n, *found
        return None

    def _split_word(self, first: str, stem: Stemmer) -> bool:
        """Whether a word of a question may be the first part of a word written in two ("immuno
        therapy", "radio therapy"): it is no common word and no term of any document. The two
        are read as one only when joined they are a one-word name (``question_words``)."""
        return first not in words_of.STOP and not any(
            t in self.vocab for t in words_of.stem_words(stem, [first]))

    def concepts(self, query: str) -> list[Concept]:
        """The question read into concepts: names of entries (longest first), then single words."""
        found = self.question_words(query)
        terms = [w.term for w in found]
        out: list[Concept] = []
        i = 0
        while i < len(found):
            size = min(self.longest, len(found) - i) if self.synonyms else 1
            for n in range(size, 0, -1):
                key = tuple(terms[i : i + n])
                names = self.names.get(key, ()) if self.synonyms else ()
                if not names and n == 2 and self.synonyms and not any(  # "kidney is blocked"
                        tuple(terms[i + 1 : i + 1 + m]) in self.names
                        for m in range(2, min(self.longest, len(terms) - i - 1) + 1)
                ):  # (a name in order comes first)
                    names = self._other_way.get(key[::-1], ())
                if names or n == 1:
                    others = tuple(nm for nm in names if nm.terms != key)
                    run = found[i : i + n]
                    words = " ".join(w.surface for w in run if w.surface)
                    # read as another word ("hurts"): the words as read, by the name they are
                    read = None if not any(w.read_as for w in run) else next(
                        (nm.name for nm in names if nm.terms == key),
                        " ".join(w.read_as or w.surface for w in run))  # fmt: skip
                    if names or len(words) > 1:  # a lone "1" or "x" is no word to look for
                        at = [w.span for w in run if w.span is not None]
                        said = words_of.typed(query, at[0][0], at[-1][1]) if at else ""
                        out.append(Concept(words, key, others, read, said))
                    i += n
                    break
        return out

    @functools.cached_property
    def _parts(self) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
        """Per entry, its words by part (``_record_parts``) with their terms, as ``_unshown``
        needs them: filled as entries are hit."""
        return {}

    @functools.cached_property
    def _other_way(self) -> dict[tuple[str, ...], tuple[Name, ...]]:
        """The names of two different words, by their terms: two words of a question side by
        side (common words between them aside) that are such a name the other way round are
        that name (``concepts``), unless the second begins a name in order: "my kidney is
        blocked" is "blocked kidney", where "kidney" had been read alone as *another organ*,
        and so as spread far; "surgery for my stomach cancer" is still stomach cancer."""
        return {key: names for key, names in self.names.items()
                if len(key) == 2 and key[0] != key[1]}  # fmt: skip

    def weak(self, concept: Concept) -> bool:
        """Whether a concept is weak words alone (``text.WEAK``: "long", "put", "instead"), no
        name of an entry. It adds to the score of a document another concept matches, but a
        document only weak concepts match is no hit."""
        return (concept.terms not in self.names or self._generic(concept)) and set(
            concept.terms) <= words_of.WEAK_TERMS

    def _guessed(self, concepts: list[Concept], bests: list[np.ndarray], topics: list[Concept],
                 nowhere: list[str], about: list[Concept]) -> np.ndarray:  # fmt: skip
        """Per document, whether it is a guess, for a question with a word no document has
        (``nowhere``), which may carry what it asks: one plain word of the rest matches it (a
        word that is no name of a topic, ``_topic_name``) and nothing else does, but weak words
        and "cancer" in general, or none matches it but those. "hair loss" had shown a passage
        on the spinal cord (on "loss"), "life expectancy" quality of life, "MSI high" high-energy
        radiation, "second opinion" angiography, "she has yellow skin" radiofrequency ablation
        ("skin", a name of the catch-all *another organ* only: ``_catch_alls``) and
        "¿quimioterapia para cáncer de estómago?" fluorouracil with leucovorin ("cancer" and
        "de"). A document the cancer named matches (``about``: "is cervical cancer curable") is
        no guess."""
        plain = np.zeros(len(self.docs), dtype=np.int32)
        others = np.zeros(len(self.docs), dtype=np.int32)
        named = np.zeros(len(self.docs), dtype=bool)
        for concept, best in zip(concepts, bests, strict=True):
            found = best > 0
            if concept in about or self._topic_name(concept):
                named |= found
            elif concept in topics and concept.words not in nowhere and not self._generic(concept):
                plain += found
            else:  # a weak word, or a name of a catch-all ("cancer" in general, "skin")
                others += found
        alone = ((plain == 1) & (others == 0)) | ((plain == 0) & (others > 0))
        guess: np.ndarray = ~named & alone
        return guess

    def _generic(self, concept: Concept) -> bool:
        """Whether a concept names only catch-alls (``_catch_alls``: "cancer", "skin", "fits")."""
        entries = self._entries(concept)
        return bool(entries) and entries <= self._catch_alls

    def _topic_name(self, concept: Concept) -> bool:
        """Whether a concept is a name of an entry that names a topic: not a catch-all
        (``_catch_alls``), whose names the documents have in their everyday sense ("fits",
        "skin", "something else") or everywhere ("cancer", in sources all about cancer)."""
        return bool(self._entries(concept) - self._catch_alls)

    def _entries(self, concept: Concept) -> set[str]:
        """The entries a concept's words are a name of."""
        return {n.entry for n in self.names.get(concept.terms, ()) if n.relation == "same"}

    @functools.cached_property
    def _catch_alls(self) -> frozenset[str]:
        """The values the knowledge base names "other" (as explain finds the word): the cancer
        in general, *another symptom the cancer causes*, *another organ*. Their names are
        examples of anything else, or of everything ("cancer")."""
        return _catch_alls(self.kb)

    def _weak_phrase(self, concepts: list[Concept]) -> np.ndarray:
        """Per document, whether two weak words that stand side by side in a question of weak
        words alone stand together in it too (``_together``): "they said nothing more can be
        done" is every word weak, but "nothing more" and "can be done" (the latter
        read as "done") say something as a phrase, and the general source speaks to it. One weak
        word alone ("how long do I have") is still no hit."""
        found = np.zeros(len(self.docs), dtype=bool)
        for a, b in itertools.pairwise(concepts):
            pair = (*a.terms, *b.terms)
            if len(set(pair)) < 2:
                continue
            having = np.flatnonzero(np.all([self._term_scores(t) > 0 for t in pair], axis=0))
            for i in having:
                found[i] |= _together(self.sequences[int(i)], pair)
        return found

    def _term_scores(self, term: str) -> np.ndarray:
        ident = self.vocab.get(term)
        if ident is None:
            return np.zeros(len(self.docs), dtype=np.float32)
        return np.asarray(self.bm25.get_scores([ident]), dtype=np.float32)

    def _score(self, concept: Concept, cache: dict[str, np.ndarray]) -> list[Way]:
        """For each way the concept may match (its own words, then each other name), its scores."""

        def of(term: str) -> np.ndarray:
            if term not in cache:
                cache[term] = self._term_scores(term)
            return cache[term]

        def total(terms: tuple[str, ...], whole: bool = False) -> np.ndarray:
            """The sum of the terms' scores; ``whole``: only where every term is found, and
            the terms of a name of more words stand together (``_together``), and a lone
            term not only inside a name held together (``Index.bound``)."""
            found = np.zeros(len(self.docs), dtype=np.float32)
            every = np.ones(len(self.docs), dtype=bool)
            for term in terms:
                scores = of(term)
                found += scores
                every &= scores > 0
            if not whole:
                return found
            if len(set(terms)) == 1 and self.synonyms and terms[0] in self.bound:
                every[self.bound[terms[0]]] = False  # "back" alone: not "back passage cancer"
            if len(set(terms)) > 1:
                for i in np.flatnonzero(every):
                    every[i] = _together(self.sequences[int(i)], terms)
            return np.where(every, found, np.float32(0))

        # a name of several words is one thing, the question's own words as another name's:
        # all its words together, or no match ("back pain" is not "come back ... pain")
        ways: list[Way] = [(None, total(concept.terms, whole=True))]
        size = len(concept.terms)
        other_kind = self._other_kind(concept)
        for name in concept.names:
            scale = min(1.0, size / len(name.terms)) * name.weight
            scores = total(name.terms, whole=True) * np.float32(scale)
            if name.relation == "broader" and other_kind is not None:
                scores = np.where(other_kind, np.float32(0), scores)
            ways.append((name, scores))
        return _narrower_below(ways)

    def _other_kind(self, concept: Concept) -> np.ndarray | None:
        """Per document, whether it is about another kind of the broader symptom a narrower
        symptom the concept names leads to (``_about_other_kinds``), for every entry the
        concept's words name; None when they name no narrower symptom. Such a document does not
        match through the broader name: "vaginal bleeding" had found the general source's
        endoscopy, angiography and surgery to stop bleeding first (for bleeding from the stomach
        or bowel or the airways), where `onconav options` marks them not suitable for it and
        offers radiation to ease it."""
        entries = {n.entry for n in (*self.names.get(concept.terms, ()), *concept.names)
                   if n.relation == "same"}  # fmt: skip
        narrower = [e for e in entries if self.kb.kind_of.get(e) == "symptoms"
                    and getattr(self.kb.by_id[e], "parent", None)]  # fmt: skip
        if not entries or len(narrower) < len(entries):  # (built only when first needed)
            return None
        masks = [self._about_other_kinds[e] for e in entries]
        both = np.ones(len(self.docs), dtype=bool)
        for mask in masks:
            both &= mask
        return both

    @functools.cached_property
    def _about_other_kinds(self) -> dict[str, np.ndarray]:
        """For each symptom with a broader one (``parent``), per document, whether the options
        the document is about (``_options_of``) that ease some kind of a broader symptom (at
        least one) all leave this one out (``logic.relieves``, as `onconav options` decides it:
        "bleeding" may be eased by them, "bleeding from the vagina" is not): surgery to stop
        bleeding from the stomach, bowel or airways is about other kinds of bleeding than the
        vagina's. Options for no kind of it (a stent, for a blockage) say nothing either way."""

        @functools.cache
        def eases(option: str, symptom: str) -> bool:
            rules = self.kb.rules[option]
            return relieves(rules, {"symptoms": frozenset({symptom})}) is not Truth.FALSE

        out: dict[str, np.ndarray] = {}
        for symptom in self.kb.data.symptoms:
            above: list[str] = []
            parent = symptom.parent
            while parent is not None and parent not in above:
                above.append(parent)
                parent = getattr(self.kb.by_id.get(parent), "parent", None)
            if not above:
                continue
            mask = []
            for found in self._options_of:
                kin = [o for o in found if any(eases(o, a) for a in above)]
                mask.append(bool(kin) and not any(eases(o, symptom.id) for o in kin))
            out[symptom.id] = np.array(mask, dtype=bool)
        return out

    @functools.cached_property
    def _options_of(self) -> list[frozenset[str]]:
        """Per document, the options it is about: an option itself, the options giving a drug,
        a regimen, a procedure or a class of drugs; for a passage, those of the entries citing
        it. An entry that is none of these (a term of the glossary: "angiography") is about the
        options of the passages it cites."""

        def given(idents: Iterable[str]) -> set[str]:
            out: set[str] = set()
            for ident in idents:
                if ident in self.kb.rules:
                    out.add(ident)
                elif self.kb.kind_of.get(ident) in ("drugs", "regimens", "procedures",
                                                    "drug_classes"):  # fmt: skip
                    out.update(o.id for o in self.kb.options_using(ident))
            return out

        citers = {(d.citations[0].source, d.citations[0].start, d.citations[0].end): d.cited_by
                  for d in self.docs if d.kind == "passage"}  # fmt: skip
        out = []
        for doc in self.docs:
            found = given((doc.entry,) if doc.entry is not None else doc.cited_by)
            if doc.entry is not None and not found:
                found = given(r for c in doc.citations
                              for r in citers.get((c.source, c.start, c.end), ()))  # fmt: skip
            out.append(frozenset(found))
        return out

    def search(self, query: str, limit: int | str = 10, cancer: str | None = None) -> SearchResult:
        """The passages and entries that answer ``query``, best first, each with its citations
        and the words it matched (``_search``, with suggestions when nothing matches). When
        nothing matches the question as written but its closest known words do (``suggest``:
        "trouble swalowing", "cemo side efects", "lonsruf"), the hits are those of the question
        with those words in place of the slips, and the first notice says so: each of these had
        answered "Nothing ... matches" and left the person to type the question again."""
        result = self._search(query, limit, cancer, suggest=True)
        if result.hits or not result.suggestions:
            return result
        corrected = self._corrected(result.query, cancer)
        if corrected is None:
            return result
        again = self._search(corrected, limit, cancer, suggest=True)
        if not again.hits:
            return result
        notice = (f"Nothing matches “{result.query}” as written: the hits are for “{corrected}”, "
                  "the closest known words.")  # fmt: skip
        return again.model_copy(update={"query": result.query, "suggestions": result.suggestions,
                                        "notices": [notice, *again.notices]})  # fmt: skip

    def _corrected(self, query: str, cancer: str | None) -> str | None:
        """The question (folded) with each word that is surely a slip of the keys for a known
        name (``_slips``, ``_sure_slip``) in that name's place, or the name the whole question
        is a slip for; None when it has none."""
        slips = {w: c for w, c in self._slips(query, cancer).items() if _sure_slip(w, c)}
        asked = words_of.fold(" ".join(query.split()))
        if asked in slips:
            return slips[asked]
        words = [m.group() for m in words_of.WORD.finditer(asked)]
        if not any(w in slips for w in words):
            return None
        return words_of.WORD.sub(lambda m: slips.get(m.group(), m.group()), asked)

    def _search(self, query: str, limit: int | str, cancer: str | None,
                suggest: bool) -> SearchResult:  # fmt: skip
        """The passages and entries that answer ``query``, best first, each with its citations
        and the words it matched. Raises ``SearchError`` for an empty or too long question, a
        cancer not known, or a limit that is not a whole number from 1 to 50 (words too, as an
        address gives them: "ten")."""
        query = query.strip() if isinstance(query, str) else ""
        if not query:
            raise SearchError(Problem("q", query, QUERY_ACCEPTED,
                                      "give a question or some words to look for"))
        if SURROGATE.search(query):  # a byte the command line could not decode ("chemo \xff")
            raise SearchError(Problem("q", None, NOT_TEXT_ACCEPTED, NOT_TEXT))
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(Problem("q", cut(query), (f"at most {MAX_QUERY_CHARS} characters",),
                                      f"is {len(query)} characters long; at most "
                                      f"{MAX_QUERY_CHARS} are searched: ask it in fewer "
                                      "words"))  # fmt: skip
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
            raise SearchError(Problem("limit", limit, (f"1-{LIMIT_MAX}",),
                                      f"a whole number from 1 to {LIMIT_MAX}"))  # fmt: skip
        if control_character(query) is not None:
            raise SearchError(Problem("q", cut(query), NO_CONTROL_ACCEPTED, "holds a control "
                                      "character (such as NUL): give words only"))  # fmt: skip
        concepts = self.concepts(query)
        foreign = list(dict.fromkeys(words_of.left_out(query)))  # "化疗", "Лонсурф"
        if (not concepts and foreign) or self._no_english(query, concepts):
            raise SearchError(Problem("q", cut(query), QUERY_ACCEPTED, "has no English word: only "
                                      "English words are searched, as the sources and the "
                                      "knowledge base are in English"))  # fmt: skip
        if not concepts:  # "?!...", "x", "the": as empty, which is refused alike
            raise SearchError(Problem("q", cut(query), QUERY_ACCEPTED, "has no word to look for: "
                                      "give a question or some words (marks, a letter or digit "
                                      "alone and common words such as 'what' are left "
                                      "out)"))  # fmt: skip
        notices = self._negations(query)
        if foreign:  # "chemo,化疗": its words in another script were dropped without a word
            notices.append(f"Only English words are searched: {_and(f'“{w}”' for w in foreign)} "
                           f"{'was' if len(foreign) == 1 else 'were'} left out.")  # fmt: skip
        named = self._named_cancer(query, concepts)
        if cancer is not None and str(cancer).strip():
            allowed, site, cancer_id = self._allowed(cancer, notices)
            cancer_from: Literal["given", "question"] | None = "given"
            if named is not None and named.site.lower() != str(site).lower():
                notices.append(f"The question names {named.name}; the search keeps "
                               f"to {self._cancer_name(site)}, the cancer chosen.")  # fmt: skip
        elif named is not None and self._cited_for(named):  # colon cancer: rectal sources
            notices.insert(0, self._cited_elsewhere(named))
            allowed, site, cancer_id, cancer_from = None, None, None, None
        elif named is not None:
            allowed, site, cancer_id = self._allowed(named.words)
            cancer_from = "question"
            notices.insert(0, self._kept_to_named(named))
        else:
            allowed, site, cancer_id, cancer_from = None, None, None, None
        cache: dict[str, np.ndarray] = {}
        total = np.zeros(len(self.docs), dtype=np.float32)
        scored = []
        outside = self._outside(allowed) if allowed is not None else None
        only_elsewhere: list[tuple[str, list[str]]] = []
        unmatched: list[str] = []  # words no document has (not weak), said when others find hits
        content = np.zeros(len(self.docs), dtype=bool)  # matched by a word that is not weak
        # the concepts naming the cancer the search is about count as weak words when the
        # question has another word that is not weak and matches a document the search may
        # show (``_names_the_cancer``; below, once each concept is scored)
        about = self._names_the_cancer(concepts, site, named)
        topics = [c for c in concepts if not self.weak(c) and c not in about]
        nowhere: list[str] = []  # topics no document has at all: not a word the sources use
        bests: list[np.ndarray] = []  # per concept, its best score per document
        for concept in concepts:
            ways = self._score(concept, cache)
            if concept in topics and not any(s.any() for _, s in ways):
                nowhere.append(concept.words)
            if allowed is not None and outside is not None:
                ways = self._supported(concept, ways, allowed, outside, cache)
            eased = self._eased(concept, ways, allowed, site)  # "I can't eat": a feeding tube
            if eased is not None:
                ways.append(eased)
                notices.append(self._eased_notice(concept, eased[0], site))
            best = np.max(np.stack([s for _, s in ways]), axis=0)
            total += best
            bests.append(best)
            scored.append((concept, ways))
            if not best.any() and not self.weak(concept):  # ("cant": no word to name)
                unmatched.append(concept.words)
            if allowed is not None:  # words found only in other cancers' sources: said below
                seen = [self.docs[int(i)] for i in np.flatnonzero(best > 0)]
                if seen and not any(d.sources & allowed for d in seen):
                    cancers = {self.kb.sources[s].cancer for d in seen for s in d.sources}
                    only_elsewhere.append((concept.typed, sorted(cancers - {"any"})))
        # the topics that match a document the search may show: a word no document has, or one
        # only other cancers' sources have ("recurrent cervical cancer", "is cervical cancer
        # curable"), left the cancer's name weak beside nothing, and the search found nothing
        found = [c for c, best in zip(concepts, bests, strict=True) if c in topics and any(
            self._shown(self.docs[int(i)], allowed, site) for i in np.flatnonzero(best > 0))]
        # (beside a word nothing kept has, only a cancer the knowledge base knows: the words of
        # another, "lung cancer", name nothing in it, and "is lung cancer curable" had shown
        # angiography on "lungs" first; alone, "bone cancer" finds what its words find)
        known = any(c in self.kb.by_id for c in (cancer_id, named and named.words) if c)
        for concept, best in zip(concepts, bests, strict=True):
            if not self.weak(concept) and (
                    concept not in about or (not found and (known or not topics))):  # fmt: skip
                content |= best > 0
        if self.synonyms and not topics and not about:  # weak words alone: as a phrase
            content |= self._weak_phrase(concepts)
        # a word of the knowledge base's names that no document has ("poo", "tummy", of "blood
        # in poo", "tummy pain") is a word people use that the search knows, not one that may
        # carry what the question asks unseen: "poo bag" and "bag on my tummy" had found nothing,
        # where "bag" alone finds the colostomy and the stoma
        unknown = [w for w in nowhere if not self._knows(w)]
        if self.synonyms and unknown:
            content &= ~self._guessed(concepts, bests, topics, unknown, about)
        if self.synonyms:  # a document only weak words match is no hit (plain BM25: it is)
            total = np.where(content, total, np.float32(0))
        own = self._own(site)
        total = total * self.boosts * own * self._named_entry(
            [c for c in concepts if not self.weak(c) and (c not in topics or c in found)])
        order = np.lexsort((self._elsewhere(concepts), -total))  # best first; ties: see there
        order = self._own_first(order, own > 1, allowed, site, total, [b for c, b in zip(
            concepts, bests, strict=True) if c in found])  # fmt: skip
        taken: list[int] = []
        also: dict[int, list[str]] = {}  # a kept passage: the citers of those left out beside it
        for i in order:  # past the limit only to name the citers of passages left out
            if total[i] <= 0:
                break
            doc = self.docs[int(i)]
            if not self._shown(doc, allowed, site):
                continue
            better = next((j for j in taken if _overlaps(doc, self.docs[j])), None)
            if doc.kind != "entry" and better is not None:
                also.setdefault(better, []).extend(doc.cited_by)
            elif len(taken) < limit:
                taken.append(int(i))
        hits = [self._hit(self.docs[i], i, rank, float(total[i]), scored, cache, allowed,
                          site, also.get(i, ()))
                for rank, i in enumerate(taken, start=1)]  # fmt: skip
        elsewhere: list[str] = []
        if not hits and allowed is not None:  # the same words about another cancer
            cited = {s for i in np.flatnonzero(total > 0) for s in self.docs[int(i)].sources}
            elsewhere = sorted({self.kb.sources[s].cancer for s in cited - allowed})
            if elsewhere:  # (a cancer named in the question matches its own sources: a hit)
                notices.append(f"Nothing about {self._cancer_name(site)} matches these words, "
                               f"but the sources on {_and(self.kb.name_of(c) for c in elsewhere)}"
                               " do: search again without the cancer to see them.")  # fmt: skip
        for said, named_in in only_elsewhere if hits else []:  # the hits: for the other words
            notices.append(f"“{said}” is in no source on {self._cancer_name(site)}: the hits are "
                           f"for the other words; the sources on "
                           f"{_and(self.kb.name_of(c) for c in named_in)} name it.")  # fmt: skip
        if suggest:
            notices.extend(self._by_broader(scored, taken, topics))
        if hits and unmatched and suggest:
            notices.extend(self._unmatched(unmatched, site, _in_capitals(query),
                                           {c.words: c.typed for c in concepts}))
        # words of the question that each find something, but no hit has more than one of them:
        # said, as each hit is for one ("too weak for chemo" showed the metal rod for a weak bone
        # first, with no word that no passage speaks to both: a review). A hit of some of three
        # or more ("chemo isnt working anymore": chemo and working) is a hit for the question.
        # Only words of the knowledge base's names: "tired all the time" and "trial near me" had
        # been told no passage has both words (a review of the change)
        of_names = all(self._knows(c.words) for c in found)
        if len(found) > 1 and of_names and taken and not any(
                sum(best[i] > 0 for c, best in zip(concepts, bests, strict=True) if c in found) > 1
                for i in taken):  # fmt: skip
            two = len(found) == 2
            listed = _and([f"“{c.typed}”" for c in found], "and" if two else "or")
            notices.append(f"No passage or entry has {'both' if two else 'more than one of'} "
                           f"{listed}: each hit is for one of them.")  # fmt: skip
        suggestions = self.suggest(query, cancer=site) if suggest and not hits else []
        # with no hit, the entry the question is a name of, as `onconav explain` finds it, or
        # as the question is read: a place such as the peritoneum has no plain words of its own
        # to be a hit
        explained = [self.ref(e) for e in self._named_by(query, concepts, about)
                     if self._for(e, site) and e in self.explaining
                     ] if suggest and not hits else []  # fmt: skip
        # an entry explained that cites no passage: the sources may not speak of it, and its
        # page holds only what the knowledge base's rules say ("hydronephrosis": the options
        # that may ease it), which is said, with whom to ask
        for ref in explained:
            if not getattr(self.kb.by_id[ref.id], "evidence", None):
                notices.append(f"The knowledge base cites no passage of the sources for "
                               f"{ref.name} itself; ask your care team about it.")  # fmt: skip
        # the entry explained is the answer: "“lymph nodes” is not a word the sources use ... ask
        # your care team" had come right before "but the knowledge base explains it"
        if suggest and not hits and not suggestions and not elsewhere and not explained:
            notices.append(SAY_MORE if all(self.weak(c) for c in concepts)
                           else self._not_used(topics or [c for c in concepts
                                                          if not self.weak(c)]))  # fmt: skip
        if hits and not self.with_sources:  # the order is not the one with the sources
            notices.append(WITHOUT_SOURCES)
        cited = {c.source for hit in hits for c in (*hit.citations, *hit.other_citations)}
        return SearchResult(
            query=query,
            cancer=cancer_id,
            cancer_from=cancer_from,
            notices=notices,
            elsewhere=elsewhere,
            hits=hits,
            sources=sources_used(self.kb, cited),
            suggestions=suggestions,
            explained=explained,
            knowledge_version=self.kb.version,
            disclaimer=DISCLAIMER,
        )

    def _eased(self, concept: Concept, ways: list[Way], allowed: frozenset[str] | None,
               site: str | None) -> Way | None:
        """For a concept that names a symptom (one entry, no catch-all) that documents match by
        some name, but none the search may show (only other cancers' sources speak of it), the
        documents about the options that may ease it
        (those whose condition names it, ``logic.relieves`` TRUE, as `onconav options` reads the
        knowledge base's rules: the option itself, what it uses, the passages it cites), scoring
        ``BROADER_WEIGHT`` for the options easing the fewest symptoms and less for those easing
        more (radiation to ease symptoms); None otherwise.
        "I can't eat" (a name of malnutrition) kept to rectal cancer had found nothing, where the
        options for rectal cancer list a feeding tube: the words people use for a symptom are in
        the stomach sources alone ("malnourished")."""
        if not self.synonyms:
            return None
        entries = {n.entry for n in (*self.names.get(concept.terms, ()), *concept.names)
                   if n.relation == "same"}  # fmt: skip
        if len(entries) != 1 or self.kb.kind_of.get(next(iter(entries))) != "symptoms":
            return None
        (symptom,) = entries
        matched = [int(i) for _, scores in ways for i in np.flatnonzero(scores > 0)]
        if symptom in self._catch_alls or not matched or any(
                self._shown(self.docs[i], allowed, site) for i in matched):  # fmt: skip
            return None  # (matching nothing at all, its explain page is offered: ``explained``)
        row = {"symptoms": frozenset({symptom})}
        options = {o.id: self._eases_how_many[o.id] for o in self.kb.options
                   if relieves(self.kb.rules[o.id], row) is Truth.TRUE and self._for(o.id, site)}
        if not options:
            return None
        fewest = min(options.values())
        uses = {o: set(getattr(self.kb.by_id[o], "uses", ()) or ()) for o in options}
        scores = np.zeros(len(self.docs), dtype=np.float32)
        for i, doc in enumerate(self.docs):
            about = {doc.entry} if doc.entry is not None else set(doc.cited_by)
            about |= {o for o in options if doc.entry in uses[o]}
            eases = about & options.keys()
            if eases:  # the more symptoms an option eases, the less it counts
                scores[i] = BROADER_WEIGHT * fewest / min(options[o] for o in eases)
        if not scores.any():
            return None
        name = f"{self.kb.name_of(symptom)}{EASED}"
        return Name(entry=symptom, name=name, terms=(), weight=BROADER_WEIGHT,
                    relation="eases"), scores

    @functools.cached_property
    def _eases_how_many(self) -> dict[str, int]:
        """Per option, how many symptoms of the knowledge base it eases by its rules
        (``logic.relieves`` TRUE for a person naming that symptom alone): a feeding tube eases
        three, radiation to ease symptoms most (``_eased``)."""
        symptoms = [e for e, kind in self.kb.kind_of.items() if kind == "symptoms"]
        return {o.id: sum(relieves(self.kb.rules[o.id], {"symptoms": frozenset({s})})
                          is Truth.TRUE for s in symptoms) for o in self.kb.options}  # fmt: skip

    def _eased_notice(self, concept: Concept, name: Name | None, site: str | None) -> str:
        """What a notice says of a concept matched only through the options that may ease the
        symptom it names (``_eased``)."""
        symptom = self.kb.name_of(name.entry) if name is not None else concept.typed
        where = f" kept to {self._cancer_name(site)}" if site is not None else ""
        return (f"No passage or entry{where} speaks of “{concept.typed}” "
                f"({symptom}): the hits are the options that may ease it, as the knowledge "
                f"base's rules read it; ask your care team which of them apply.")

    def _by_broader(self, scored: list[tuple[Concept, list[Way]]], taken: list[int],
                    topics: list[Concept]) -> list[str]:  # fmt: skip
        """A notice for each word of a question (``topics``) that every hit it matches matched
        only through a broader name (``parent``): no passage names the peritoneum, and
        "peritoneum" or "cancer in the lining of the tummy" showed the passages on cancer
        spread far, "(as distant metastasis)", with nothing to say that no source speaks of the
        peritoneum itself."""
        out = []
        for concept, ways in scored:
            if concept not in topics:
                continue
            broader: list[str] = []
            for i in taken:
                found = [n for n, s in ways if float(s[i]) > 0]
                if any(n is None or n.relation != "broader" for n in found):
                    break  # the words themselves or a name of the same thing
                broader += [n.entry for n in found if n is not None]
            else:
                if broader:
                    named = _and(self.kb.name_of(e) for e in sorted(self._entries(concept) | {
                        n.entry for n in concept.names if n.relation == "same"}))
                    said = (f"“{concept.typed}”" if named in ("", concept.words) else
                            f"{named} (“{concept.typed}”)")  # fmt: skip
                    names = _and(self.kb.name_of(e) for e in dict.fromkeys(broader))
                    out.append(f"No passage or entry speaks of {said} by name: the hits are for "
                               f"{names}, a broader name that covers it; ask your care team how "
                               "they apply.")  # fmt: skip
        return out

    def _named_by(self, query: str, concepts: list[Concept], about: list[Concept]) -> list[str]:
        """The entries a question is a name of: as `onconav explain` finds them (the whole
        question, ``explain.find``), else as the search reads it, when its words but the weak ones
        and those naming the cancer it is about (``about``) are one name (``concepts``: "my
        kidney is blocked" is "blocked kidney", ``_other_way``; "what is hydronephrosis").
        Read as a name, such a question had found no entry to offer where the name itself
        did ("blocked kidney" with --cancer stomach)."""
        found = list(dict.fromkeys(r.id for r in find(self.kb, query)))
        if found or not self.synonyms:
            return found
        named = [c for c in concepts if not self.weak(c) and c not in about]
        if len(named) != 1:
            return []
        (concept,) = named
        return list(dict.fromkeys(n.entry for n in (*self.names.get(concept.terms, ()),
                                                    *concept.names)
                                  if n.relation == "same"))  # fmt: skip

    def _supported(self, concept: Concept, ways: list[Way], allowed: frozenset[str],
                   outside: np.ndarray, cache: Mapping[str, np.ndarray]) -> list[Way]:  # fmt: skip
        """Kept to one cancer, an entry that also cites another cancer's sources matches only
        on words its passages of the kept sources have, unless it matches by a name of its own
        (``_own_name``): "Libtayo" with --cancer stomach matched the checkpoint inhibitors
        through cemiplimab (a drug for cervical cancer) and was cited to the stomach page's
        nivolumab line; "FOLFOX" with --cancer cervix, bevacizumab (whose words name FOLFOX for
        rectal cancer) cited to a cervical passage with no FOLFOX. An entry's own name says what
        it is whatever its passages' words: "hospice", an other name of palliative care, kept
        to cervical cancer had found nothing, as no cervical passage says "hospice"."""
        out: list[Way] = []
        for name, scores in ways:
            terms = set(name.terms if name is not None else concept.terms)
            kept = scores.copy()
            for i in np.flatnonzero((scores > 0) & outside):
                doc = self.docs[int(i)]
                if self._own_name(doc, name.terms if name is not None else concept.terms):
                    continue
                has: set[str] = set()
                for c in doc.citations:
                    if c.source in allowed:
                        has |= self.passage_terms.get((c.source, c.start, c.end), frozenset())
                found = terms if name is not None else {t for t in terms if cache[t][i] > 0}
                if not found <= has:
                    kept[i] = 0
            out.append((name, kept))
        return out

    def _unmatched(self, said: list[str], site: str | None,
                   capitals: frozenset[str] = frozenset(),
                   typed: Mapping[str, str] | None = None) -> list[str]:  # fmt: skip
        """A notice naming the words of a question that no passage or entry has, when the other
        words find hits, with a known name each may be a slip of the keys for (as ``suggest``
        finds them; ``capitals``: the question's words written in capitals): "cervicle cancer
        treatment" showed hits for "cancer treatment" alone, and said nothing of "cervicle" (did
        you mean "cervical"?). Each is quoted as typed (``typed``: by the words as read)."""
        typed = typed or {}
        guesses = {}
        for words in said:
            close = (self._slip(words, set(words.split()) <= capitals)
                     if words not in self.known_names | self.known_words else None)  # fmt: skip
            if close is not None and self._finds(close, site):
                guesses[words] = close
        # a word some document has, but that matched none as read ("back", in the sources only
        # as "come back"), is not said to be in none: it "matched nothing"
        used = {w for w in said if self._used(w)}
        absent = [w for w in said if w not in used]
        parts = []
        if absent:
            parts.append(f"{_and(f'“{typed.get(w, w)}”' for w in absent)} "
                         f"{'is' if len(absent) == 1 else 'are'} in no passage or entry")
        if used:
            parts.append(f"{_and(f'“{typed.get(w, w)}”' for w in said if w in used)} matched "
                         "nothing")
        notice = f"{' and '.join(parts)}: the hits are for the other words."
        if len(said) == 1 and guesses:
            notice += f" Did you mean “{guesses[said[0]]}”?"
        else:
            notice += "".join(f" For “{typed.get(w, w)}”, did you mean “{c}”?"
                              for w, c in guesses.items())  # fmt: skip
        return [notice]

    def _knows(self, words: str) -> bool:
        """Whether words (folded, as a concept's) are a name of the knowledge base or words of
        its names (``known_words``)."""
        return words in self.known_names or set(words.split()) <= self.known_words

    def _used(self, words: str, names: bool = True) -> bool:
        """Whether some passage or entry has a word of these (folded, as a concept's words),
        however it is read there: "back" is in the sources, in "come back", which is indexed
        as one term (``text.COME_BACK``), and matches nothing alone; or, with ``names``, a name
        of the knowledge base has it ("poo", of "blood in poo", which no document has)."""
        stem = words_of.stemmer()
        written = self._written | self.known_words if names else self._written
        return any(t in self.vocab for t in words_of.stem_words(stem, words.split())) or any(
            words_of.american(w) in written for w in words.split())

    @functools.cached_property
    def _written(self) -> frozenset[str]:
        """The words the documents show (a passage, a paragraph, an entry's description),
        folded, in the American spelling."""
        return frozenset(words_of.american(w) for d in self.docs if d.text
                         for w in words_of.WORD.findall(words_of.fold(d.text)))  # fmt: skip

    def _not_used(self, concepts: list[Concept]) -> str:
        """The notice of a question with no hit (``concepts``: its words but weak ones and the
        cancer's name): the words no passage or entry has, and those some have that matched
        nothing as asked; not that the sources do not cover it, which nothing here can tell ("is
        it curable", "life expectancy": the sources say "cure" and "life")."""
        said = list(dict.fromkeys(c.words for c in concepts))
        typed = {c.words: c.typed for c in reversed(concepts)}  # quoted as typed, the first
        # in a name of the knowledge base alone is not in the sources: "poo" and "tummy" had
        # been said to be
        absent = [w for w in said if not self._used(w, names=False)]
        used = [w for w in said if w not in absent]
        parts = []
        if absent:
            parts.append(f"{_and(f'“{typed[w]}”' for w in absent)} "
                         f"{'is not a word' if len(absent) == 1 else 'are not words'} the sources "
                         "use")  # fmt: skip
        if used:
            parts.append(f"{_and(f'“{typed[w]}”' for w in used)} "
                         f"{'is' if len(used) == 1 else 'are'} in the sources but matched nothing "
                         "shown here")  # fmt: skip
        return (f"{', and '.join(parts)}, so the search cannot tell whether the sources cover "
                "the question: try other words for it (the treatment, the symptom, the part of "
                "the body), or ask your care team.")  # fmt: skip

    def _no_english(self, query: str, concepts: list[Concept]) -> bool:
        """Whether a question in Latin letters, some with accents ("¿qué es la quimioterapia?"),
        has no English word at all: no common word ("what", "is") and no word a passage or entry
        has. It is refused as one in another script is ("化疗"): only English words are
        searched. A question with no accent may be English words the sources do not use
        ("relapse"), and is searched."""
        if not any(c.isalpha() and not c.isascii() for c in query):
            return False
        raw = words_of.WORD.findall(words_of.fold(query))
        return not any(w in words_of.STOP for w in raw) and not any(
            self._used(c.words) for c in concepts)

    def _names_the_cancer(self, concepts: list[Concept], site: str | None,
                          named: NamedCancer | None) -> list[Concept]:  # fmt: skip
        """The concepts that name the cancer the search is about: the one kept to (chosen, or
        named in the question), or the one the question names when the search keeps to none
        (colon cancer). Each is a name of that cancer alone in the knowledge base ("cervical
        cancer", "cancer of the cervix"), or a word of a cancer the knowledge base does not
        know, as the question names it ("lung", "cancer" of "lung cancer"). The search counts
        them as weak words when the question has another word that is not weak and matches a
        document it may show (not "curable", which no source has, nor "recurrent", which only
        other cancers' sources have: "recurrent cervical cancer" had found nothing): "surgery for
        cervical cancer" had shown ten passages that say "cervical cancer" and nothing of
        surgery, "colon cancer chemo" the sigmoid colectomy (through "sigmoid colon"), and
        "lung cancer spread to brain" a passage on angiography that says "lung"."""
        about = site if site is not None else named.site if named is not None else None
        if about is None or not self.synonyms:
            return []
        # a cancer the knowledge base does not know: the words the question names it by
        unknown = (set(named.words.split()) if named is not None and named.site == about
                   and named.words not in self.kb.by_id else set())  # fmt: skip
        out = []
        for concept in concepts:
            entries = {n.entry for n in self.names.get(concept.terms, ())
                       if n.terms == concept.terms}  # fmt: skip
            words = {words_of.american(w) for w in concept.words.split()}
            if (entries and all(self._site_of(e) == about for e in entries)) or (
                    unknown and words <= unknown):
                out.append(concept)
        return out

    def _site_of(self, entry: str) -> str | None:
        """The cancer an entry is, as a profile reads it (gastric cancer: stomach); None for an
        entry that is no cancer."""
        if self.kb.kind_of.get(entry) != "cancers":
            return None
        record = self.kb.by_id[entry]
        return getattr(record, "read_as", None) or record.id

    def _named_entry(self, named: list[Concept]) -> np.ndarray:
        """Per document, ``NAMED_BOOST`` for the entry a question of one name or word that is
        not weak (``named``: its concepts that are not weak) names by its own name or an other
        name of it (not a drug's name for its class), else 1: "chemo" alone had shown
        chemoradiation and ramucirumab first and the entry on chemotherapy 15th. Only for one:
        for every question it took recall@3 from 0.959 to 0.918, and beside a cancer named
        ("can immunotherapy be used for stomach cancer") the entry on the class came before
        the passage on it for that cancer."""
        boost = np.ones(len(self.docs), dtype=np.float32)
        if self.boost and self.synonyms and len(named) == 1:
            for i, doc in enumerate(self.docs):
                if doc.kind == "entry" and self._own_name(doc, named[0].terms):
                    boost[i] = NAMED_BOOST
        return boost

    def _own_name(self, doc: Doc, terms: tuple[str, ...]) -> bool:
        """Whether ``terms`` are a name of the entry a document is (its name or an other name;
        not a name of one of a class's drugs, nor a broader one's): the match is the entry itself,
        not a word of it that may be about another cancer."""
        return doc.entry is not None and any(
            n.entry == doc.entry and n.relation == "same" for n in self.names.get(terms, ()))

    def _outside(self, allowed: frozenset[str]) -> np.ndarray:
        """Per document, whether it is an entry citing sources other than ``allowed``."""
        return np.array([d.kind == "entry" and not d.sources <= allowed for d in self.docs])

    def _negations(self, query: str) -> list[str]:
        """A notice when the question says "no", "not", "without" (...): the search reads no
        word as leaving something out ("no surgery please" finds the passages on surgery), and
        says so rather than guess what is to be left out."""
        found = words_of.WORD.findall(words_of.fold(query))
        said = [w for w in found if w in NEGATIONS]
        said += [f"{a}'t" for a, b in itertools.pairwise(found) if b == "t" and a in NEGATED]
        if not said:
            return []
        quoted = _and(f"“{w}”" for w in dict.fromkeys(said))
        return [f"Words such as {quoted} are not read as leaving anything out: the hits may be "
                "about what they name. Read each one, or ask about what you want instead."]

    def _named_cancer(self, query: str, concepts: list[Concept]) -> NamedCancer | None:
        """The cancer a question names, when it names exactly one: by a name of the knowledge
        base of more than one word ("rectal cancer", "cancer of the cervix", "gastric cancer":
        stomach; "colon cancer", with no source of its own), or a cancer the knowledge base does
        not know ("lung cancer", ``_unknown_cancers``). A one-word name ("stomach", "rectal",
        "cervical") may be the body part ("pain in my stomach", "rectal bleeding", "cervical
        spine") and names no cancer alone; beside a cancer named, it names another, and two
        cancers keep to nothing ("cervical and rectal cancer"). A one-word name another entry
        has too ("bowel") is not counted. "advanced cancer" names none."""
        if not self.synonyms:
            return None
        named: dict[str, NamedCancer] = {}  # by site
        beside: set[str] = set()  # the sites one-word names name
        in_names: set[str] = set()  # the words of the names of cancers the knowledge base knows
        for concept in concepts:
            entries = {name.entry for name in self.names.get(concept.terms, ())
                       if name.terms == concept.terms}  # fmt: skip
            cancers = {e for e in entries if self.kb.kind_of.get(e) == "cancers"}
            if cancers:
                in_names |= {words_of.american(w) for w in concept.words.split()}
            for entry in cancers:
                record = self.kb.by_id[entry]
                site = getattr(record, "read_as", None) or record.id
                if len(concept.terms) > 1:
                    named.setdefault(site, NamedCancer(entry, site, self.kb.name_of(entry)))
                elif cancers == entries:
                    beside.add(site)
        for words in _unknown_cancers(query):
            if words.split()[0] in in_names:  # "womb" of "neck of the womb cancer": the cervix
                continue
            site = read_cancer(self.kb, words).site
            named.setdefault(site, NamedCancer(words, site, words))
        named.pop("any", None)
        beside.discard("any")
        if len(named) != 1 or not beside <= set(named):
            return None
        return next(iter(named.values()))

    def _kept_to_named(self, named: NamedCancer) -> str:
        """The notice of a search kept to the cancer a question names: to its own sources and
        the general one, or, with no source of its own, to the general one (as --cancer says)."""
        if named.site in self._with_sources():
            return (f"Kept to {self._cancer_name(named.site)}, named in the question: its own "
                    "sources and the one on advanced cancer in general. Choose a cancer to "
                    "search another.")  # fmt: skip
        said = (f"{named.name.capitalize()}, named in the question," if named.words in self.kb.by_id
                else f"“{named.name}”, named in the question, is not a cancer the knowledge base "
                "knows, and")  # fmt: skip
        return (self._general_only(f"{said} has no source of its own here")
                + " Choose a cancer to search another.")

    def _cited_for(self, named: NamedCancer) -> list[str]:
        """The other cancers with sources of their own whose sources the knowledge base cites
        for a cancer with none: colon and colorectal cancer cite the rectal source, which names
        the treatments of colorectal cancer that has spread; breast cancer cites the general
        source alone."""
        return self._cited_for_site(named.site, named.words)

    def kept_to(self, cancer: str) -> list[str]:
        """The cancers whose sources a search kept to ``cancer`` (read as a profile reads it)
        keeps to besides the general source, as ``_allowed`` keeps to them: its own when it has
        sources of its own (GEJ cancer: stomach, as it is answered), else the other cancers'
        the knowledge base cites for it (colon cancer: rectal, ``_cited_for``). The page's list
        of cancers names them: it had said "the general source" alone for GEJ cancer, whose
        hits cite the stomach pages."""
        reading = read_cancer(self.kb, cancer)
        own = [reading.site] if reading.site in self._with_sources() else []
        return sorted({*own, *self._cited_for_site(reading.site, reading.record)})

    def _cited_for_site(self, site: str | None, record_id: str | None) -> list[str]:
        """``_cited_for`` of a cancer as a profile reads it: its site, and its id in the
        knowledge base (None for a cancer it does not know)."""
        if site in self._with_sources() or record_id is None:
            return []
        record = self.kb.by_id.get(record_id)
        cited = {self.kb.sources[e.source].cancer for e in getattr(record, "evidence", ())}
        return sorted(cited & self._with_sources())

    def _cited_elsewhere(self, named: NamedCancer) -> str:
        """The notice of a question naming a cancer with no source of its own that the
        knowledge base answers from other cancers' sources (``_cited_for``): not kept to it."""
        cited = _and(self.kb.name_of(c) for c in self._cited_for(named))
        return (f"{named.name.capitalize()}, named in the question, has no source of its own "
                f"here; the knowledge base cites the sources on {cited} for it, so the search "
                "keeps to no cancer, and the hits may be about other cancers. Choose a cancer "
                "to keep to one.")  # fmt: skip

    def _with_sources(self) -> set[str]:
        """The cancers with sources of their own."""
        return {s.cancer for s in self.kb.data.sources} - {"any"}

    def _general_only(self, said: str) -> str:
        """A notice that the search keeps to the general source, after ``said`` (why)."""
        own = sorted(self._with_sources())
        return (f"{said}: the search keeps to the source on advanced cancer in general. "
                f"{_and(self.kb.name_of(c) for c in own).capitalize()} have sources of their "
                "own.")  # fmt: skip

    def cancer_name(self, cancer: str) -> str:
        """The cancer a search was kept to (``SearchResult.cancer``: an id of the knowledge base,
        or words it does not know) as an answer names it: the knowledge base's name ("any":
        advanced cancer in general), or the words as a profile reads them ("Lung": "Lung
        cancer"). The command had printed the id ("gastroesophageal-junction") or the words."""
        if cancer == "any":
            return "advanced cancer in general"
        if cancer in self.kb.by_id:
            return self.kb.name_of(cancer)
        return read_cancer(self.kb, cancer).name or cut(cancer)

    def _cancer_name(self, site: str | None) -> str:
        """A site as words: a cancer the knowledge base does not know has its reading's name as
        its site ("mars cancer"; "cancer" was added again, "mars cancer cancer")."""
        return self.kb.name_of(site) if site and site in self.kb.by_id else str(site)

    def _own(self, site: str | None) -> np.ndarray:
        """Per document, ``OWN_BOOST`` when the search is kept to a cancer with sources of its
        own and the document cites one of them, else 1: kept to one cancer, the general source
        has more words on most symptoms than the cancer's own page, and "pain" with --cancer
        cervix showed ten general passages and the cervical ones on relieving pain 11th and
        12th, never seen. A boost, not a filter; an own document that answers is then put
        first (``_own_first``)."""
        own = {s.id for s in self.kb.data.sources if site is not None and s.cancer == site}
        if not self.boost or not own:
            return np.ones(len(self.docs), dtype=np.float32)
        return np.array([OWN_BOOST if d.sources & own else 1.0 for d in self.docs],
                        dtype=np.float32)  # fmt: skip

    def _own_first(self, order: np.ndarray, own: np.ndarray, allowed: frozenset[str] | None,
                   site: str | None, total: np.ndarray,
                   found: list[np.ndarray]) -> np.ndarray:  # fmt: skip
        """The documents in ``order`` (best first), with every document of the chosen cancer's
        own sources that answers placed before the general documents: kept to a cancer with
        sources of its own (``own``: per document, whether it cites one of them), such a
        document answers when it matches every word of the question that matches a document
        the search may show (``found``: each such word's best score per document; the cancer's
        own name and weak words aside) and scores at least ``OWN_ANSWER_SHARE`` of the best
        score of a document it may show. The own documents that score above the last such
        answer come with it, in their order; the rest keep theirs. The boost alone (``_own``)
        had left "bleeding" with --cancer cervix showing four passages and entries of the
        general source before the cervical passage on radiation to stop bleeding (the general
        source has more words on every symptom): a person who says where their cancer started
        sees their own source's answer first. A general document that matches more of the
        question's words than every own document still comes first."""
        top = next((total[i] for i in order if total[i] <= 0
                    or self._shown(self.docs[int(i)], allowed, site)), 0)  # fmt: skip
        if not own.any() or top <= 0:
            return order
        answers = own & (total >= OWN_ANSWER_SHARE * top)
        for word_scores in found:
            answers &= word_scores > 0
        where = np.flatnonzero(answers[order])
        if not where.size:
            return order
        ahead = np.zeros(len(order), dtype=bool)  # by place in ``order``
        ahead[: where[-1] + 1] = own[order[: where[-1] + 1]]
        return order[np.argsort(~ahead, kind="stable")]

    def _elsewhere(self, concepts: list[Concept]) -> np.ndarray:
        """Per document, 1 when the question names one cancer the sources are about ("my
        stomach cancer") and none of the document's sources is about it, else 0: of two
        documents with the same score (the same paragraph in the pages on stomach and on cervical
        cancer), the one about the cancer asked about comes first. Plain BM25 names nothing."""
        named = {self._source_cancer(name.entry) for concept in concepts
                 for name in self.names.get(concept.terms, ())} - {None}  # fmt: skip
        if not self.synonyms or len(named) != 1:
            return np.zeros(len(self.docs), dtype=np.int8)
        about = {s.id for s in self.kb.data.sources if s.cancer in named}
        return np.array([0 if d.sources & about else 1 for d in self.docs], dtype=np.int8)

    def _source_cancer(self, entry: str) -> str | None:
        """The cancer a source is about that an entry names (gastric cancer: stomach), if any."""
        ident = self._site_of(entry)
        about = {s.cancer for s in self.kb.data.sources} - {"any"}
        return ident if ident in about else None

    def _allowed(self, cancer: str | None, notices: list[str] | None = None
                 ) -> tuple[frozenset[str] | None, str | None, str | None]:  # fmt: skip
        """The sources a search kept to one cancer may show (those about it and the general
        one), the site the options' scope is decided by, and the cancer as a profile holds it.
        The cancer is read as a profile reads it (``read_cancer``): one with no source of its
        own (colon, lung; or a name the knowledge base does not know, "banana") keeps to the
        general one, whose options `onconav options` gives it, with a notice saying so; a cancer
        a profile refuses ("stomch", "stomach?", longer than 300 characters) is refused alike
        (one of 400 characters was searched). Read as a cancer the knowledge base knows, the
        reader's warnings are notices too, as `onconav options` says them ("stomach, rectum" is
        stomach cancer, "rectum" not read; GEJ is answered as stomach cancer): they had been
        dropped. Any other cancer's notice quotes all the words given."""
        if cancer is None or not str(cancer).strip():
            return None, None, None
        try:
            parse_profile({"cancer": str(cancer)}, self.kb)
        except ProfileError as error:
            raise SearchError(error.problems[0]) from None
        reading = read_cancer(self.kb, str(cancer))
        if notices is not None and reading.record not in (None, "any"):
            notices.extend(f"The cancer chosen: {w.removeprefix('cancer: ').rstrip('.')}."
                           for w in reading.warnings)  # fmt: skip
        # a cancer with no source of its own whose entry cites other cancers' sources (colon
        # cancer: the rectal page on colorectal cancer that has spread) keeps to those too, as
        # its options cite them: "FOLFIRI" kept to colon cancer had found nothing, where
        # `onconav options --cancer colon` names FOLFIRI from the rectal page
        cited = self._cited_for_site(reading.site, reading.record)
        names = _and(self.kb.name_of(c) for c in cited)
        if notices is not None and cited:
            notices.append(f"{self._cancer_name(reading.site).capitalize()} has no source of its "
                           "own here; the search keeps to the source on advanced cancer in "
                           f"general and the one{'s' if len(cited) > 1 else ''} on {names}, "
                           "which the knowledge base cites for it. A hit from "
                           f"{'those' if len(cited) > 1 else 'that one'} may be about {names} "
                           "alone: ask your care team how it applies.")  # fmt: skip
        elif notices is not None and reading.site not in self._with_sources():
            shown = cut(str(cancer).strip())
            known = ("" if reading.record else
                     " is not a cancer the knowledge base knows, and")  # fmt: skip
            # where it started not known (the page's search from such an answer sends "any"):
            # said in words, not as the id or the word given
            said = ("Where the cancer started is not known" if reading.site == "any" else
                    f"{shown!r}{known} has no source of its own here")  # fmt: skip
            notices.append(self._general_only(said))
        about = {s.id for s in self.kb.data.sources
                 if s.cancer in (reading.site, "any", *cited)}  # fmt: skip
        return frozenset(about), reading.site, reading.record or str(cancer).strip()

    def _hit(self, doc: Doc, i: int, rank: int, score: float,
             scored: list[tuple[Concept, list[Way]]], cache: Mapping[str, np.ndarray],
             allowed: frozenset[str] | None = None, cancer: str | None = None,
             also: Iterable[str] = ()) -> Hit:  # fmt: skip
        """A document as a hit; kept to one cancer (``allowed``, its sources), only the
        citations of those sources and the options for that cancer (or any) that cite or give
        it: "taxanes" with --cancer stomach is not "given by" the options for cervical cancer.
        An entry's other citations are apart (``other_citations``): its description, shown
        whole, speaks of other cancers too, and had been shown with none of their sources.
        ``also``: the entries citing passages left out as overlapping this one (trastuzumab's
        wider passage on HER2 beside lapatinib's), named among those that cite it. A concept
        is explained by the name that scored the document best, but by the words as given when
        the document has them (all, together: ``_score``): a passage saying "liver" was "liver
        (as hepatic)"."""
        matches = []
        # each match's words as typed (``Concept.typed``), and the terms it matched by
        found: list[tuple[str, tuple[str, ...]]] = []
        for concept, ways in scored:
            name, value = max(ways, key=lambda way: float(way[1][i]))
            if float(value[i]) <= 0:
                continue
            if float(ways[0][1][i]) > 0 and concept.read_as is not None:  # "hurts" as "pain"
                entry = next((self.ref(n.entry) for n in self.names.get(concept.terms, ())
                              if n.terms == concept.terms), None)  # fmt: skip
                matches.append(Match(words=concept.words, said=concept.typed,
                                     via=concept.read_as, entry=entry))
            elif float(ways[0][1][i]) > 0:  # the document has the words as given (all, together)
                matches.append(Match(words=concept.words, said=concept.typed))
            elif name is not None:
                entry = self.ref(name.entry)
                matches.append(Match(words=concept.words, said=concept.typed, via=name.name,
                                     entry=entry))
            if not self.weak(concept):  # (a weak word alone makes no hit)
                found.append((concept.typed, concept.terms if float(ways[0][1][i]) > 0
                              else name.terms if name is not None else concept.terms))
        return Hit(
            rank=rank,
            score=round(score, 3),
            kind=doc.kind,
            citations=[Cited(**c.model_dump()) for c in doc.citations
                       if allowed is None or c.source in allowed],
            # an entry's description is whole: what it says of other cancers keeps its sources
            other_citations=[Cited(**c.model_dump()) for c in doc.citations
                             if allowed is not None and c.source not in allowed],
            text=doc.text,
            entry=self.ref(doc.entry) if doc.entry else None,
            cited_by=[self.ref(r) for r in dict.fromkeys((*self._cited_by(doc), *also))
                      if self._for(r, cancer)],
            matches=matches,
            matched_in=self._unshown(doc, found),
        )

    def _unshown(self, doc: Doc, found: list[tuple[str, tuple[str, ...]]]) -> list[Unshown]:
        """For an entry hit, the parts of its words (``_record_parts``) that hold the terms of a
        match (each: the question's words, the terms it matched by) that neither its name nor
        the text shown holds: an option's note, another name. "my kidney is blocked" had listed
        the palliative radiation options, "matched: kidney blocked", through their note that
        the sources do not say how a blocked kidney is eased; the hit showed the description,
        which reads as if radiation eased it."""
        if not found:
            return []
        if doc.entry is None:
            return self._unshown_notes(doc, found) if doc.text is None else []
        parts = self._holding(doc.entry, found)
        out: dict[tuple[str, str], list[str]] = {}
        for n, (words, _) in enumerate(found):
            holding = [(part, text) for part, text, which in parts if n in which]
            if any(part in NAMING or text == doc.text for part, text in holding):
                continue  # its name or the text shown holds it
            names = [h for h in holding if h[0] == "other name"]
            if any(_same_name(text, words) for _, text in names):  # the words are one of its
                # other names: said as such, a name would be its own ("“stoma bag”: also called
                # stoma bag"); what was matched says it already
                holding = [h for h in holding if h[0] != "other name"]
            for held in holding:  # one other name says why, the shortest (Herceptin, not
                if held[0] != "other name" or held == min(names, key=lambda h: len(h[1])):
                    out.setdefault(held, []).append(words)  # Herceptin Hylecta too)
        return [Unshown(part=UNSHOWN_PART[part], text=text, words=list(dict.fromkeys(said)))
                for (part, text), said in out.items()]  # fmt: skip

    def _unshown_notes(self, doc: Doc,
                       found: list[tuple[str, tuple[str, ...]]]) -> list[Unshown]:  # fmt: skip
        """For a passage shown without its text (no source documents at hand: its words are
        those of the entries citing it), the notes of the entries citing it that hold the words
        of a match, each with the entry whose note it is: without the sources, "my kidney is
        blocked" had put the palliative radiation passages first, "matched: kidney blocked",
        through the options' note that the sources do not say how a blocked kidney is eased,
        which a passage on radiation easing pain and bleeding does not say either. Of every
        entry citing it, one not shown beside the cancer searched too (a general option's)."""
        out: dict[tuple[str, str], list[str]] = {}
        for ident in doc.cited_by:
            for part, text, which in self._holding(ident, found):
                if part == "caveat":
                    out.setdefault((ident, text), []).extend(found[n][0] for n in which)
        return [Unshown(part="note", text=text, words=list(dict.fromkeys(said)),
                        of=self.ref(ident)) for (ident, text), said in out.items()]

    def _entry_parts(self, ident: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """An entry's words by part (``_record_parts``), each with its terms; each entry's
        worked out once, as it is first hit (stemming them at each search took ~2 ms)."""
        parts = self._parts.get(ident)
        if parts is None:
            stem = words_of.stemmer()
            parts = self._parts[ident] = [(part, text, tuple(words_of.terms(text, stem)))
                                          for part, text in _record_parts(self.kb.by_id[ident])]
        return parts

    def _holding(self, ident: str, found: list[tuple[str, tuple[str, ...]]]
                 ) -> list[tuple[str, str, list[int]]]:  # fmt: skip
        """The parts of an entry's words (``_entry_parts``), in order, that hold the terms of a
        match (each: the question's words, the terms it matched by) together (``_together``),
        each with which matches (their places in ``found``): where ``_unshown`` and
        ``_unshown_notes`` find the words of a match."""
        out = []
        for part, text, terms in self._entry_parts(ident):
            which = [n for n, (_, matched) in enumerate(found) if _together(terms, matched)]
            if which:
                out.append((part, text, which))
        return out

    def _cited_by(self, doc: Doc) -> tuple[str, ...]:
        """A passage's citing entries; for an entry that is given (a drug, a regimen, a
        procedure, a class of drugs), the options that give it."""
        if doc.entry is None:
            return doc.cited_by
        if self.kb.kind_of.get(doc.entry) in ("drugs", "regimens", "procedures", "drug_classes"):
            return tuple(o.id for o in self.kb.options_using(doc.entry))
        return ()

    def _shown(self, doc: Doc, allowed: frozenset[str] | None, cancer: str | None) -> bool:
        """Whether a search kept to ``allowed`` sources (None: every source) and to ``cancer``
        may show a document as a hit: it cites a kept source, and an entry is for the cancer
        (``_for``)."""
        return (allowed is None or bool(doc.sources & allowed)) and (
            doc.entry is None or self._for(doc.entry, cancer))

    def _for(self, ident: str, cancer: str | None) -> bool:
        """Whether an entry is for the cancer a search is kept to: an option the options for
        that cancer may show (its own, or a general one in a situation its own source does not
        cover; not a general-only one its own source takes the place of), or any entry that is
        not an option."""
        if cancer is None or not isinstance(self.kb.by_id.get(ident), Option):
            return True
        scope = self.kb.rules[ident].scope
        return scope.holds(cancer) or any(site == cancer for site, _ in scope.uncovered)

    def ref(self, ident: str) -> Ref:
        return Ref(id=ident, kind=self.kb.kind_of.get(ident, ""), name=self.kb.name_of(ident),
                   cancers=cancers_of(self.kb, ident))

    def suggest(self, query: str, n: int = 5, cancer: str | None = None) -> list[str]:
        """Names of the knowledge base that the question's words (or the whole question) may be
        a slip of the keys for, as a profile reads a misspelt name (``profile.close_name``: about as
        long, the same first letter, only slips of single letters: "lonsruf" is lonsurf, but
        hysterectomy is no gastrectomy and "ascites" no "cites"), each one a search kept to the
        cancer finds something for. Never a word of the passages alone, nor a short
        abbreviation for a word not written in capitals (``_slip``: "hair" is not HAI)."""
        return list(dict.fromkeys(self._slips(query, cancer).values()))[:n]

    def _slips(self, query: str, cancer: str | None) -> dict[str, str]:
        """The words of a question (folded; the whole question first) that are slips of the
        keys for a known name, each with that name (``suggest``)."""
        asked = words_of.fold(" ".join(query.split()))
        capitals = _in_capitals(query)
        out: dict[str, str] = {}
        for word in [asked, *words_of.WORD.findall(asked)]:
            if (word in out or word in words_of.STOP or word in words_of.WEAK
                    or word in self.known_names or word in self.known_words):  # an everyday
                continue  # word, or a word of a name
            close = self._slip(word, set(words_of.WORD.findall(word)) <= capitals)
            if close is not None and self._finds(close, cancer):
                out[word] = close
        return out

    def _slip(self, word: str, in_capitals: bool) -> str | None:
        """The known name or word of one (``known_words``) a word (folded) may be a slip of the
        keys for: two letters side by side swapped ("pian": "pain"; four letters are too few for
        the rule below), or as a profile reads a misspelt name (``profile.close_name``), but not
        a short abbreviation (written in
        capitals, at most ``SHORT_ABBREVIATION`` letters and digits) unless the word was written
        in capitals too: one letter more or other than "HAI", "LAR" or "GOO" is most often an
        ordinary word ("hair", "liar", "good"), and "hair loss" was asked if it meant HAI."""
        names = self.known_names | self.known_words
        names = names if in_capitals else names - self.abbreviations
        swapped = next((w for i in range(len(word) - 1) if (w := word[:i] + word[i + 1]
                        + word[i] + word[i + 2 :]) in names and w != word), None)  # fmt: skip
        return swapped or close_name(word, {name: name for name in names}) or (
            self._sound_alikes.get(_sound(word)) if len(word) >= SOUND_LEAST else None)

    @functools.cached_property
    def _sound_alikes(self) -> dict[str, str]:
        """The known names and words of names (short abbreviations aside) by how they sound
        (``_sound``); of two that sound alike, the first in order."""
        out: dict[str, str] = {}
        for name in sorted((self.known_names | self.known_words) - self.abbreviations):
            if len(name) >= SOUND_LEAST:
                out.setdefault(_sound(name), name)
        return out

    @functools.cached_property
    def known_words(self) -> frozenset[str]:
        """The words of the names of the knowledge base (folded, common words left out): a word
        of a question that is one ("breath" of "short of breath") is no slip of the keys for
        another ("breast"), and a slip may be for one ("postive": "positive", of "HER2
        positive")."""
        return frozenset(w for name in self.known_names for w in words_of.WORD.findall(name)
                         if w not in words_of.STOP and len(w) > 1)  # fmt: skip

    def _finds(self, words: str, cancer: str | None = None) -> bool:
        """Whether a search for these words, kept to the same cancer, would find something (a
        suggestion must: not a name nothing cites)."""
        try:
            return bool(self._search(words, 1, cancer, suggest=False).hits)
        except SearchError:  # no word to look for
            return False


def _unknown_cancers(query: str) -> list[str]:
    """The cancers a question names that the knowledge base does not know, as a profile reads
    them: a place of ``ORGANS`` before "cancer" or "carcinoma" ("lung cancer", "esophageal
    cancer stent") or after "cancer of" ("cancer of the pancreas": "pancreas cancer"), and a
    kind of cancer of ``CANCER_KINDS`` ("lymphoma")."""
    found = [words_of.american(w) for w in words_of.WORD.findall(words_of.fold(query))]
    out = []
    for i, word in enumerate(found):
        after = found[i + 1 : i + 4]
        if after[1:2] == ["the"]:  # "cancer of the pancreas": as "cancer of pancreas"
            del after[1]
        if word in ORGANS and after[:1] and after[0] in DISEASE:
            out.append(f"{word} cancer")
        elif word in DISEASE and after[:1] == ["of"] and after[1:2] and after[1] in ORGANS:
            out.append(f"{after[1]} cancer")
        elif word in CANCER_KINDS:
            out.append(word)
    return out


def _must(raw: list[str], i: int) -> int:
    """How many words from ``i`` of a question's folded words are words of ``text.MUST``
    ("have to", "must", "refuse") with treatment named after them (``text.CHOSEN``), before any
    other word that is not a common one: "do I have to have treatment", "can I refuse chemo";
    0 when they are not ("I have to eat more": nothing chosen)."""
    for n in (2, 1):
        if tuple(raw[i : i + n]) in words_of.MUST:
            after = [w for w in raw[i + n :] if w not in words_of.STOP]
            return n if after[:1] and after[0] in words_of.CHOSEN else 0
    return 0


# Spellings of one sound, each read as one (``_sound``), for a word written as it sounds:
# "hospis" (hospice) and "radiashun" (radiation) are more than slips of single letters, and were
# offered nothing ("hospis" gets no suggestion, a review of the search found). In order: "tion"
# and "sion" as "shun", "ph" as "f", "ck" as "k", a "c" before e, i or y as "s", a letter
# written twice as once, and an "e" at the end dropped. Only for a word this long at least.
SOUNDS = ((re.compile(r"[ts]ion"), "shun"), (re.compile(r"ph"), "f"), (re.compile(r"ck"), "k"),
          (re.compile(r"c(?=[eiy])"), "s"), (re.compile(r"(.)\1"), r"\1"),
          (re.compile(r"e\b"), ""))  # fmt: skip
SOUND_LEAST = 5


def _sure_slip(word: str, name: str) -> bool:
    """Whether a word is surely a slip for a name (``suggest``), so that the search may look
    for the name in its place (``Index.search``): a letter more or fewer, two letters swapped,
    the same sound (``_sound``), or a word of ``SURE_LEAST`` letters or more. Not one letter for
    another in a shorter word, which is often another word: "smell" is not "small"."""
    return (len(word) >= SURE_LEAST or len(word) != len(name) or sorted(word) == sorted(name)
            or _sound(word) == _sound(name))  # fmt: skip


SURE_LEAST = 6


def _sound(word: str) -> str:
    """A word (folded) as it sounds, by ``SOUNDS``: "hospice" and "hospis" are "hospis"."""
    for pattern, replacement in SOUNDS:
        word = pattern.sub(replacement, word)
    return word


def _spaced_name(cased: str, folded: str, spans: list[re.Match[str]], i: int) -> bool:
    """Whether words ``i`` and ``i + 1`` of a question, a space between them, are written as
    one name would be ("HER 2" for HER2; ``cased``: the question folded but in its own case):
    the first is written in capitals (two letters or more, the rest of the question not all in
    capitals: "what is HER 2", "HER 2"; not "HER 2 SONS"), or a result follows ("her 2
    positive", "her 2 status", "her 2+", "her 2 3+"), or the number ends the question ("what is
    her 2", which was refused as having no word to look for). Not "her 2 sons": "her" is a
    common word, and "2" any 2."""
    if _written_in_capitals(cased, spans[i]):
        return True
    rest = folded[spans[i + 1].end() :]
    after = spans[i + 2].group() if i + 2 < len(spans) else ""
    if i + 2 == len(spans) and spans[i + 1].group().isdigit():  # the name ends the question
        return True
    return (rest.startswith("+") or after in STATUS
            or (after.isdigit() and rest.lstrip().removeprefix(after).startswith("+")))


def _written_in_capitals(cased: str, span: re.Match[str]) -> bool:
    """Whether a word of a question (``span``, in ``cased``: the question folded but in its own
    case) is written in capitals, two letters or more, and the rest of the question is not all
    in capitals ("what is HER 2", "HER 2", "what is HAI"; not "HER 2 SONS", "HAIR LOSS")."""
    word = cased[span.start() : span.end()]
    rest = cased[: span.start()] + cased[span.end() :]
    return len(word) > 1 and word.isupper() and not rest.isupper()


def _in_capitals(query: str) -> frozenset[str]:
    """The words of a question written in capitals (``_written_in_capitals``), folded."""
    cased = words_of.fold(query, lower=False)
    return frozenset(m.group().lower() for m in re.finditer(r"[A-Za-z0-9]+", cased)
                     if _written_in_capitals(cased, m))  # fmt: skip


def _narrower_below(ways: list[Way]) -> list[Way]:
    """A class's drugs' names (``MEMBER_WEIGHT``) and a symptom's or site's broader names
    (``BROADER_WEIGHT``) scaled so that none scores a document above its weight times the best
    the concept's own names score any document: a brand's rare word ("Paraplatin", one line of
    a list of drugs) must not outrank the passages on chemotherapy for "chemo", nor bleeding
    anywhere the passages on "rectal bleeding". When its own names find nothing, the others
    count as they are.
    """
    own = max(float(s.max(initial=0)) for n, s in ways if n is None or n.relation == "same")
    factors: dict[str, np.float32] = {}
    for relation, weight in (("member", MEMBER_WEIGHT), ("broader", BROADER_WEIGHT)):
        other = max((float(s.max(initial=0)) for n, s in ways
                     if n is not None and n.relation == relation), default=0.0)  # fmt: skip
        if own > 0 and other > weight * own:
            factors[relation] = np.float32(weight * own / other)
    if not factors:
        return ways
    return [(n, s * factors[n.relation] if n is not None and n.relation in factors else s)
            for n, s in ways]  # fmt: skip


def _together(sequence: tuple[str, ...], terms: tuple[str, ...]) -> bool:
    """Whether the terms of a name stand together in a document's terms, in any order, at most
    ``NEAR`` other words among them: "stops working" is not a document with "stop" in one
    sentence and "working" in another; "trifluridine and tipiracil" is "trifluridine-tipiracil"
    (the common words, such as "the" and "of", are not among the terms); nor across the
    parts of an entry's words ("" between them: its name, its other names, its description);
    nor with a number among them that is not one of its terms (``text.NUMBER``): "phase I
    clinical trials", read as "phase clinical trials" (a lone "i" is the common word), is not
    "phase II clinical trials"."""
    wanted = set(terms)
    width = len(terms) + NEAR
    places = [(p, t) for p, t in enumerate(sequence)
              if t in wanted or not t or words_of.NUMBER.fullmatch(t)]  # fmt: skip
    for a, (start, _) in enumerate(places):
        seen = set()
        for place, term in places[a:]:
            if place - start >= width or term not in wanted:  # a break, or another number
                break
            seen.add(term)
            if seen == wanted:
                return True
    return False


def _overlaps(a: Doc, b: Doc) -> bool:
    if b.kind == "entry":
        return False
    x, y = a.citations[0], b.citations[0]
    if x.source != y.source:
        return False
    shared = min(x.end, y.end) - max(x.start, y.start)
    return shared >= COVERED * min(x.end - x.start, y.end - y.start)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


# A part of a document's words, and whether it is a name whose words count only together (a
# name of several words, in a passage's stand-in: ``build_index``)
Part = tuple[str, bool]


# What a part of an entry's words is (``_record_parts``), for those a hit does not show
# (``Unshown.part``): an option's caveat is a note, as its explain page says
UNSHOWN_PART: Mapping[str, Literal["note", "other name"]] = {
    "caveat": "note", "other name": "other name", "description": "note", "text": "note",
    "note": "note"}  # fmt: skip
NAMING = frozenset({"name", "title"})  # the parts a hit shows as its heading


def _same_name(name: str, other: str) -> bool:
    """Whether two names are the same, whatever their case, quotes, punctuation, spacing and
    little words ("Stoma bag", "“stoma bag”", "a stoma bag")."""
    return normalise_name(without_little_words(name)) == normalise_name(
        without_little_words(other))


def _record_parts(record: object) -> list[tuple[str, str]]:
    """An entry's words by part, each as (what it is, its words): its name (a note's title),
    plain words (description, text, note), other names ("other name") and an option's caveats
    ("caveat"; the entry's page, which a hit links to, shows them). Leaving the caveats out took
    recall@3 from 0.959 to 0.945 (December 2026)."""
    parts: list[tuple[str, str]] = []
    for attr in ("name", "title", "description", "text", "note"):
        value = getattr(record, attr, None)
        if isinstance(value, str):
            parts.append((attr, value))
    parts.extend(("other name", alias) for alias in getattr(record, "aliases", []))
    parts.extend(("caveat", c.text) for c in getattr(record, "caveats", []))
    return parts


def _record_words(record: object) -> list[Part]:
    """An entry's words (``_record_parts``), each part with whether it is a name (its name or
    an other name)."""
    return [(text, part in ("name", "other name")) for part, text in _record_parts(record)]


def _base(ident: str) -> str:
    return ident.split("/")[0]


def build_index(kb: KnowledgeBase, sources: str | Path | None = None, *, synonyms: bool = True,
                boost: bool = True) -> Index:  # fmt: skip
    """The index over the knowledge base (and the source files in ``sources``, a folder's Path
    or its name, when given). ``synonyms=False, boost=False`` is plain BM25 over the same
    documents, the baseline."""
    texts = provenance.read_sources(Path(sources), kb) if sources is not None else None
    stem = words_of.stemmer()
    citing: dict[tuple[str, int, int, str], list[str]] = {}
    for ident, span in kb.spans():
        base = _base(ident)
        if base in kb.by_id and kb.kind_of.get(base) != "facts":
            key = (span.source, span.start, span.end, span.sha256)
            if base not in citing.setdefault(key, []):
                citing[key].append(base)
    docs: list[Doc] = []
    bodies: list[list[Part]] = []
    for (source, start, end, sha), citers in sorted(citing.items()):
        span = Span(source=source, start=start, end=end, sha256=sha)
        passage = None
        if texts is not None and source in texts:
            text = texts[source].text
            if provenance.check_span("", span, text) is None:
                passage = " ".join(text[start:end].split())
        # without its text, a passage stands in with the words of the entries citing it, and a
        # word of their names of several words counts only with the rest of the name: "back"
        # of "back passage cancer" (rectal cancer) had put the rectal page's passage on stage 4
        # first for "my back hurts"
        body = ([(passage, False)] if passage else
                [p for r in citers for p in _record_words(kb.by_id[r])])  # fmt: skip
        boosted = any(isinstance(kb.by_id[r], Option) for r in citers)
        docs.append(Doc("passage", (span,), passage, None, tuple(citers), boosted))
        bodies.append(body)
    if texts is not None:
        for source_text in texts.values():
            sid = source_text.source.id
            cited = [(s[1], s[2]) for s in citing if s[0] == sid]
            for block in provenance.content_blocks(source_text.text, source_text.source):
                near = [(s, e) for s, e in cited if s < block.end and e > block.start]
                inside = sum(min(e, block.end) - max(s, block.start) for s, e in near)
                if inside >= COVERED * (block.end - block.start):
                    continue
                passage = " ".join(source_text.text[block.start : block.end].split())
                span = provenance.make_span(sid, source_text.text, block.start, block.end)
                docs.append(Doc("paragraph", (span,), passage))
                bodies.append([(passage, False)])
    for kind in KINDS:
        if kind in ("sources", "facts"):
            continue
        for record in getattr(kb.data, kind):
            evidence = tuple(getattr(record, "evidence", ()) or ())
            shown = next((t for attr in ("description", "text", "note")
                          if isinstance(t := getattr(record, attr, None), str) and t), None)
            if not evidence or shown is None:  # nothing in plain words to show (a site)
                continue
            docs.append(Doc("entry", evidence, shown, record.id))
            # its own names are what it is, and each of their words counts alone: held
            # together, 77 words alone lost their first hits, most found nothing ("PEG" of "PEG
            # tube", "keyhole", "FISH"), and "treatment that goes through the whole body" lost
            # systemic therapy ("whole-body treatment")
            bodies.append([(text, False) for text, _ in _record_words(record)])
    vocab: dict[str, int] = {}
    ids: list[list[int]] = []
    sequences: list[tuple[str, ...]] = []
    bound: dict[str, list[int]] = {}  # a term -> the documents with it only in names held
    for number, body in enumerate(bodies):
        parts = [(words_of.terms(text, stem), name) for text, name in body]
        ids.append([vocab.setdefault(t, len(vocab)) for part, _ in parts for t in part])
        sequences.append(tuple(t for part, _ in parts for t in [*part, ""]))
        in_names = {t for part, name in parts if name and len(set(part)) > 1 for t in part}
        loose = {t for part, name in parts if not (name and len(set(part)) > 1) for t in part}
        for term in in_names - loose:
            bound.setdefault(term, []).append(number)
    retriever = bm25s.BM25(k1=1.2, b=0.75)  # the usual values (Lucene, Elasticsearch)
    retriever.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    postings: dict[str, set[int]] = {}  # a term -> the documents with it
    for number, sequence in enumerate(sequences):
        for term in sequence:
            postings.setdefault(term, set()).add(number)

    def stands(terms: tuple[str, ...]) -> bool:
        """Whether some document has a name's words together (``_together``)."""
        having = set.intersection(*(postings.get(t, set()) for t in terms)) if terms else set()
        return any(_together(sequences[i], terms) for i in having)

    as_written = _as_written(kb, stem)
    names, longest, known, abbreviations = _names(
        kb, stem, vocab, stands, frozenset((n.entry, n.name) for n in as_written.values()))
    boosts = np.array([OPTION_BOOST if boost and d.boosted else 1.0 for d in docs],
                      dtype=np.float32)  # fmt: skip
    passage_terms = {(d.citations[0].source, d.citations[0].start, d.citations[0].end):
                     frozenset(sequence) - {""}
                     for d, sequence in zip(docs, sequences, strict=True) if d.kind == "passage"}
    return Index(kb, tuple(docs), retriever, vocab, names, longest, frozenset(known),
                 texts is not None, boosts, tuple(sequences), passage_terms,
                 {t: np.array(d) for t, d in bound.items()},
                 synonyms, boost, frozenset(abbreviations), _explaining(kb),
                 {words: (words_of.fold(n.name), _main_name(kb, stem, n.entry))
                  for words, n in as_written.items()})  # fmt: skip


def _catch_alls(kb: KnowledgeBase) -> frozenset[str]:
    """``Index._catch_alls``: the values the knowledge base names "other"."""
    return frozenset(r.id for r in kb.find("other"))


def _explaining(kb: KnowledgeBase) -> frozenset[str]:
    """The entries that explain anything when offered for a question with no hit
    (``SearchResult.explained``), worked out once as the index is built: whether an entry's
    page shows more than its names depends on the knowledge base alone (each search had built
    the page, ``explain.view``, of every entry it might offer; for a symptom that runs the rules
    of every option, ``explain.eased_by``). A catch-all (``Index._catch_alls``: another symptom
    the cancer causes, another organ) whose page (``explain.view``) shows only its names, kind
    and other names does not: "short of breath" or "headache" had been told that the knowledge
    base explains it, as *another symptom*. Any other entry does, if only by its plain name:
    "odynophagia" is *trouble swallowing*, which `onconav options` reads (a review of the
    change found it dropped). Nor does any other entry whose page shows nothing but its names:
    "blocked kidney" had been told that the knowledge base explains it, where its page showed
    only its names (a symptom's page now lists the options that may ease it,
    ``explain.eased_by``). The options that may ease a catch-all ("another symptom": radiation
    to ease symptoms) explain nothing of a headache, and do not count."""
    catch_alls = _catch_alls(kb)
    out = set()
    for ident, record in kb.by_id.items():
        shown = view(kb, record)
        options = shown.used_by if ident not in catch_alls else []
        if (shown.text or shown.details or shown.notes or shown.codes or options
                or shown.settles or shown.evidence):  # fmt: skip
            out.add(ident)
    return frozenset(out)


NameTable = dict[tuple[str, ...], tuple[Name, ...]]  # a name's terms -> the names of its entries


def _names(kb: KnowledgeBase, stem: Stemmer, vocab: Mapping[str, int],
           stands: Callable[[tuple[str, ...]], bool],
           written: frozenset[tuple[str, str]] = frozenset()
           ) -> tuple[NameTable, int, set[str], set[str]]:  # fmt: skip
    """Every name of every entry that has names, as terms, mapped to all the names of the
    entries it names (its synonyms); a class of drugs is also named by its drugs' names. An other
    name of a symptom or a site (``PLACES``) maps to itself and the main name alone: "rectal
    bleeding" is a kind of bleeding from the stomach or bowel, not "throwing up blood"; unless
    no document has the main name's words (``vocab``), or none has them together (``stands``)
    and the sources cite the entry: then it maps to all its entry's names, as other entries'
    names do ("losing weight" had led to "malnutrition", which no source says; "metastatic
    disease" to "a distant part of the body" alone, and both found nothing). Every name of a
    symptom or a site, its main name too, also maps to its broader one (``parent``, weighed
    ``BROADER_WEIGHT``; up to one that some document has, its words together): "rectal bleeding"
    kept to rectal cancer had found only the general source's bleeding from the bowel, never the
    rectal page's radiation for bleeding; "vaginal bleeding", "blood in urine" and "gastric
    outlet obstruction" had found nothing (their main names are in no document, and the rule
    went to the broader name only from an other name, and only when the main name's words were
    in some document). With them, every name folded, and the short abbreviations among them
    (``_short_abbreviation``). The names read only as written (``written``, by entry and name:
    ``_as_written``) are in none of these but the names folded."""
    by_entry: dict[str, list[Name]] = {}
    known: set[str] = set()
    abbreviations: set[str] = set()
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            seen: set[tuple[str, ...]] = set()
            for name in record.names():
                terms = tuple(words_of.terms(name, stem))
                known.add(words_of.fold(name))
                if _short_abbreviation(name):
                    abbreviations.add(words_of.fold(name))
                if terms and terms not in seen and (record.id, name) not in written:
                    seen.add(terms)
                    by_entry.setdefault(record.id, []).append(Name(record.id, name, terms))
    members: dict[str, list[str]] = {}  # a class of drugs: its drugs' names count as its names
    for drug in kb.data.drugs:
        for cls in drug.classes:
            members.setdefault(cls, []).append(drug.id)
    def narrower(entry: str) -> bool:
        """Whether the other names of a symptom or a site are narrower than its main name, a
        place or a kind of it, and lead to the main name alone: unless no document has the main
        name's words (``vocab``), or none has them together (``stands``) and the sources cite the
        entry (its evidence: "metastatic disease" is what they call a distant part of the
        body; "kidney" is not "skin", both other organs the sources do not name)."""
        main = by_entry[entry][0].terms
        return kb.kind_of.get(entry) in PLACES and all(t in vocab for t in main) and (
            stands(main) or not getattr(kb.by_id[entry], "evidence", None))

    def leads(entry: str) -> list[Name]:
        """The names an other name of an entry leads to: the main name alone, or all."""
        return by_entry[entry][:1] if narrower(entry) else by_entry[entry]

    def broader(entry: str, found: bool) -> list[Name]:
        """The broader names a name of a symptom or a site leads to: its entry's broader one's
        main name (``parent``), and up while no document has that one's words together; at the
        top with none, when the name and those it leads to have none either (``found``), the
        names the top one's other names lead to ("peritoneum", which no document says, finds
        what "metastatic disease" finds; "brain" does not find "widespread")."""
        out: list[Name] = []
        parent = getattr(kb.by_id[entry], "parent", None)
        while kb.kind_of.get(entry) in PLACES and parent in by_entry:
            main = by_entry[parent][0]
            up = getattr(kb.by_id[parent], "parent", None)
            step = leads(parent) if up not in by_entry and not found else [main]
            out += [replace(n, weight=BROADER_WEIGHT, relation="broader") for n in step]
            found = found or any(stands(n.terms) for n in step)
            if stands(main.terms):
                break
            parent = up
        return out

    table: dict[tuple[str, ...], dict[tuple[str, tuple[str, ...]], Name]] = {}
    for entry, entry_names in by_entry.items():
        wider = [replace(n, weight=MEMBER_WEIGHT, relation="member")
                 for m in members.get(entry, []) for n in by_entry.get(m, [])]  # fmt: skip
        for position, name in enumerate(entry_names):
            bucket = table.setdefault(name.terms, {})
            others = leads(entry) if position else entry_names
            found = any(stands(n.terms) for n in [name, *others])
            for other in [*others, *wider, *broader(entry, found)]:
                bucket.setdefault((other.entry, other.terms), other)
    longest = max((len(k) for k in table), default=1)
    return {k: tuple(v.values()) for k, v in table.items()}, longest, known, abbreviations


def _as_written(kb: KnowledgeBase, stem: Stemmer) -> dict[tuple[str, ...], Name]:
    """The names of the knowledge base read only as written, by their words folded: a name of
    several words that is one word once its common words are left out (``text.STOP``), when
    that word is also a word of a name of another entry, so that alone it does not say which:
    "being sick" is vomiting, but "sick" alone is most often being ill, and "feeling sick" is
    nausea; "throwing up" is vomiting, but "throwing up blood" bleeding from the stomach or
    bowel. Not a name of a catch-all (``_catch_alls``: "other cancer", "other organ"), whose
    word alone stands for it. Read so in a question (``Index.question_words``), each is a
    name of the knowledge base as any other, which a profile and explain read as well (the
    search had read "being sick" from a list of its own, which the profile refused)."""
    catch_alls = _catch_alls(kb)
    named: list[tuple[str, str, tuple[str, ...]]] = []
    owners: dict[str, set[str]] = {}  # a term -> the entries with a name that has it
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            for name in record.names():
                terms = tuple(words_of.terms(name, stem))
                named.append((record.id, name, terms))
                for term in terms:
                    owners.setdefault(term, set()).add(record.id)
    out: dict[tuple[str, ...], Name] = {}
    for entry, name, terms in named:
        words = tuple(words_of.WORD.findall(words_of.fold(name)))
        if (len(words) > 1 and len(set(terms)) == 1 and terms[0] != words_of.COME_BACK
                and entry not in catch_alls and owners[terms[0]] - {entry}):  # fmt: skip
            out[words] = Name(entry, name, terms)
    return out


def _main_name(kb: KnowledgeBase, stem: Stemmer, entry: str) -> Name:
    """An entry's main name, as terms."""
    name = kb.name_of(entry)
    return Name(entry, name, tuple(words_of.terms(name, stem)))


def _short_abbreviation(name: str) -> bool:
    """Whether a name is a short abbreviation: one word written in capitals (two or more), of
    at most ``SHORT_ABBREVIATION`` letters and digits ("HAI", "5-FU", "HER2", "mCRC"; not
    "FOLFOX", "Lonsurf" or "chemo")."""
    letters = [c for c in name if c.isalnum()]
    return (" " not in name.strip() and sum(c.isupper() for c in letters) >= 2
            and len(letters) <= SHORT_ABBREVIATION)  # fmt: skip


def relevant(hit: Hit, answers: Iterable[str]) -> bool:
    """Whether a hit is one of the answers: ``entry ID``, or ``SOURCE START-END`` sharing at
    least half of the shorter passage (the rule of tests/search/questions.yaml)."""
    for answer in answers:
        head, _, rest = answer.partition(" ")
        if head == "entry":
            if hit.entry is not None and hit.entry.id == rest:
                return True
            continue
        if hit.kind == "entry":
            continue
        start, _, end = rest.partition("-")
        a, b = int(start), int(end)
        cited = hit.citations[0]
        if cited.source == head:
            shared = min(b, cited.end) - max(a, cited.start)
            if shared > 0 and shared >= COVERED * min(b - a, cited.end - cited.start):
                return True
    return False
