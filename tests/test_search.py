"""onconav search: the index, the synonyms, the quality on our own questions, the command."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from conftest import Run
from onconav import explain, words
from onconav.engine import evaluate
from onconav.explain import view
from onconav.kb import KnowledgeBase, provenance
from onconav.kb.model import Option
from onconav.logic import Truth, relieves
from onconav.profile import parse_profile
from onconav.search import Hit, Index, SearchError, build_index, relevant
from onconav.search import text as text_words
from onconav.search.index import EASED, LIMIT_MAX, NAMED_KINDS, _record_words, _together
from onconav.search.quality import load_questions, measure
from onconav.web import Settings, create_app
from onconav.words import cut

QUESTIONS = Path(__file__).parent / "search" / "questions.yaml"
HELD_OUT = Path(__file__).parent / "search" / "heldout.yaml"


def _get(app: FastAPI, path: str, q: str | None = None) -> httpx.Response:
    """A GET of ``path`` from the app in process (ASGI, no network), with ``q`` as the query's
    words when given."""

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://onconav.test") as c:
            return await c.get(path, params=None if q is None else {"q": q})

    return asyncio.run(get())


def _as_read(hits: list[Hit]) -> list[dict[str, object]]:
    """Hits without the question's words as typed (``matches[].said``, ``matched_in[].words``):
    what two ways of writing the same question ("can’t", "can't") read alike."""
    return [h.model_dump(exclude={"matches": {"__all__": {"said"}},
                                  "matched_in": {"__all__": {"words"}}}) for h in hits]


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase, sources: Path) -> Index:
    return build_index(kb, sources)


@pytest.fixture(scope="module")
def bare(kb: KnowledgeBase) -> Index:
    """Without the source files: passages are known by what cites them."""
    return build_index(kb)


@pytest.fixture(scope="module")
def texts(kb: KnowledgeBase, sources: Path) -> dict[str, provenance.SourceText]:
    return provenance.read_sources(sources, kb)


# --------------------------------------------------------------------------------------------
# Quality: recall@3 and MRR on tests/search/questions.yaml, beside plain BM25
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "least"), [(QUESTIONS, 60), (HELD_OUT, 25)])
def test_question_set_is_sound(kb: KnowledgeBase, texts: dict[str, provenance.SourceText],
                               path: Path, least: int) -> None:  # fmt: skip
    questions = load_questions(path)
    assert len(questions) >= least
    assert len({q.q for q in questions}) == len(questions)
    for question in questions:
        assert question.answers, question.q
        for answer in question.answers:
            head, _, rest = answer.partition(" ")
            if head == "entry":
                assert rest in kb.by_id, answer
                continue
            start, end = (int(x) for x in rest.split("-"))
            assert head in texts and 0 <= start < end <= len(texts[head].text), answer


def test_recall_and_mrr_beat_plain_bm25(kb: KnowledgeBase, index: Index, sources: Path) -> None:
    questions = load_questions(QUESTIONS)
    ours = measure(index, questions)
    plain = measure(build_index(kb, sources, synonyms=False, boost=False), questions)
    # The issue's target is 0.95; see docs/search.md for the figure measured.
    assert ours.recall_at_3 >= 0.95, ours.missed
    assert ours.recall_at_3 >= plain.recall_at_3 + 0.10, (ours, plain)
    assert ours.mrr > plain.mrr


def test_held_out_questions_beat_plain_bm25(kb: KnowledgeBase, index: Index,
                                            sources: Path) -> None:  # fmt: skip
    """The second set, written after the search was built (docs/search.md: 0.84 against 0.68)."""
    questions = load_questions(HELD_OUT)
    ours = measure(index, questions)
    plain = measure(build_index(kb, sources, synonyms=False, boost=False), questions)
    assert ours.recall_at_3 > plain.recall_at_3 and ours.mrr > plain.mrr, (ours, plain)


def test_relevant_rule(index: Index) -> None:
    # the first hit is the entry on Lonsurf (a question of one name, NAMED_BOOST); then its passage
    hit = next(h for h in index.search("Lonsurf", limit=3).hits if h.kind == "passage")
    assert relevant(hit, ["ccs-rectal-stage4 2450-2503"])
    assert relevant(hit, ["ccs-rectal-stage4 2440-2510"])
    assert not relevant(hit, ["ccs-rectal-stage4 2000-2460"])  # shares too little
    assert not relevant(hit, ["ccs-stomach-stage4 2450-2503", "entry capecitabine"])


# --------------------------------------------------------------------------------------------
# Synonyms and explanations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "entry"), [
    ("blood in poo", "gut-bleeding"), ("bleeding from the back passage", "gut-bleeding"),
    ("pain in my bottom", "pain"), ("bottom pain", "pain"), ("my bottom hurts", "pain"),
])  # fmt: skip
def test_lay_words_are_read_as_what_they_name(index: Index, question: str, entry: str) -> None:
    """A review of the search found "blood in poo" answered with the liver artery: the words
    are now names of what they mean (aliases in the data, read in a profile too), and among the
    first three hits one matches through that entry. Not "painkillers" (as symptom relief,
    "cannot have painkillers" ruled out all of it) nor "hasn't pooped" (as constipation, it
    ruled out the options for a blocked bowel): a review of the change."""
    hits = index.search(question, limit=3).hits
    matched = [m.entry.id for h in hits for m in h.matches if m.entry is not None]
    assert entry in matched, [[(m.words, m.via) for m in h.matches] for h in hits]


def test_pain_in_the_bottom_is_pain(index: Index) -> None:
    """"pain in my bottom" showed the option of endoscopy to stop bleeding first, whose words
    say the tube goes in "through the mouth or the bottom": "bottom pain" and "pain in the
    bottom" are names of pain (not of pain from the main tumour: the bottom may be the
    buttocks; a profile asks which pain it is), and kept to rectal cancer the rectal page's
    radiation and local excision to ease pain come among the first three."""
    first = index.search("pain in my bottom", limit=1).hits[0]
    assert first.entry is None or first.entry.id != "general-endoscopic-bleeding-control", first
    hits = index.search("pain in my bottom", cancer="rectum", limit=3).hits
    cited = {r.id for h in hits for r in h.cited_by}
    assert {"rectum-palliative-radiation", "rectum-local-excision"} <= cited, cited


def test_brand_name_finds_its_entry_then_the_passage(index: Index) -> None:
    """A question of one name shows the entry it names first (``NAMED_BOOST``), then the
    passage the entry cites, with what cites it."""
    entry, hit = index.search("Lonsurf").hits[:2]
    assert entry.entry is not None and entry.entry.id == "trifluridine-tipiracil"
    assert hit.kind == "passage"
    assert (hit.citations[0].source, hit.citations[0].start) == ("ccs-rectal-stage4", 2450)
    assert "trifluridine-tipiracil" in {r.id for r in hit.cited_by}
    assert "rectum-trifluridine-tipiracil" in {r.id for r in hit.cited_by}


def test_the_sources_folder_is_a_path_or_its_name(kb: KnowledgeBase, index: Index,
                                                  sources: Path) -> None:  # fmt: skip
    """build_index takes the sources' folder as a str as well as a Path (a str had raised
    TypeError): the same documents, passages read from the files."""
    given = build_index(kb, str(sources))
    assert given.docs == index.docs
    assert given.docs != build_index(kb).docs


def test_lay_words_match_through_the_knowledge_base(kb: KnowledgeBase, index: Index) -> None:
    hits = index.search("chemo stopped working", limit=10).hits
    ramucirumab = [h for h in hits if h.citations[0].label() == "[ccs-stomach-stage4 972-1076]"]
    assert ramucirumab, "the passage that says chemotherapy, not chemo"
    chemo = next(m for m in ramucirumab[0].matches if m.words == "chemo")
    assert chemo.via is not None and chemo.entry is not None  # chemotherapy, or one of its drugs
    assert chemo.entry.id == "chemotherapy" or "chemotherapy" in kb.by_id[chemo.entry.id].classes
    first = index.search("food pipe", limit=5).hits
    vias = {m.via for h in first for m in h.matches}
    assert "esophagus" in {v.lower() for v in vias if v}
    stoma = index.search("stoma bag", limit=3).hits
    found = {r.id for h in stoma for r in [*h.cited_by, *([h.entry] if h.entry else [])]}
    assert {"stoma", "colostomy"} & found
    hospice = index.search("is hospice an option", limit=3).hits  # no source says "hospice"
    assert hospice and all("comfort-care" in {r.id for r in [*h.cited_by, *(
        [h.entry] if h.entry else [])]} for h in hospice[:1])  # fmt: skip


# what is worn over, put in or carried with a thing is another thing: never another name of it
WORN_WITH = ("bag", "pouch", "appliance", "dressing")


def test_an_other_name_of_a_term_is_the_term_not_what_is_worn_with_it(kb: KnowledgeBase) -> None:
    """The glossary had "stoma bag" as another name of the stoma, the opening, where the bag is
    what is worn over it: a term's other names are of the thing itself, never its own name with
    a word for what is worn over it (every term checked); the stoma says what the bag is."""
    for term in kb.data.glossary:
        for alias in term.aliases:
            words = alias.lower().split()
            assert not (words[-1] in WORN_WITH and " ".join(words[:-1]) in
                        {n.lower() for n in term.names()}), (term.id, alias)  # fmt: skip
    assert "stoma" not in {r.id for r in kb.find("stoma bag")}
    assert "stoma bag" in kb.by_id["stoma"].description  # type: ignore[union-attr]


@pytest.mark.parametrize("question", ["stoma bag", "will I need a stoma bag",
                                      "what is a stoma bag", "Stoma bag?"])  # fmt: skip
def test_a_stoma_bag_question_finds_the_stoma_and_the_operations(index: Index,
                                                                  question: str) -> None:
    """Questions of a stoma bag find the stoma (whose words say what the bag is) first, and the
    operations that make one (colostomy, and the rectal option of a colostomy or ileostomy)."""
    hits = index.search(question, limit=5).hits
    ids = [h.entry.id if h.entry else None for h in hits]
    assert ids[0] == "stoma", ids
    cited = {r.id for h in hits for r in [*h.cited_by, *([h.entry] if h.entry else [])]}
    assert {"colostomy", "rectum-colostomy-ileostomy"} <= cited, cited


def test_another_name_matches_only_with_all_its_words(index: Index) -> None:
    """"Lonsurf" is also "trifluridine plus tipiracil hydrochloride": a passage that has only
    "plus" of it (cisplatin plus 5-FU, for cervical cancer) is not a match for Lonsurf."""
    for hit in index.search("Lonsurf", limit=50).hits:
        assert {c.source for c in hit.citations} == {"ccs-rectal-stage4"}, hit
    stomach = index.search("keytruda for stomach", limit=10).hits
    cervical = [h for h in stomach if h.citations[0].source == "ccs-cervical-stage4"]
    for hit in cervical:  # "stomach cancer" is a name of stomach cancer: "cancer" is not it
        assert [m.words for m in hit.matches] == ["keytruda"], hit.matches


def test_a_name_of_more_words_matches_only_with_its_words_together(index: Index) -> None:
    """"what if chemo stops working" with --cancer rectum put a passage first explained as
    "stops working (as no longer working)" that had "longer" in one sentence and "working" in
    another, and the rectal answers (FOLFIRI when the cancer progresses, regorafenib) were not
    in the first 50. "stopped working" is now also a name of progression (in the data)."""
    hits = index.search("what if chemo stops working", limit=5, cancer="rectum").hits
    assert any(relevant(h, ["ccs-rectal-stage4 2654-2820"]) for h in hits[:3]), hits
    assert any(relevant(h, ["ccs-rectal-stage4 4066-4160"]) for h in hits), hits
    assert _together(("no", "longer", "working"), ("longer", "working"))
    assert _together(("working", "x", "longer"), ("longer", "working"))  # one word between
    assert not _together(("longer", "x", "y", "working"), ("longer", "working"))
    assert not _together(("longer", "", "working"), ("longer", "working"))  # two names apart


@pytest.mark.parametrize(("query", "wrong"), [
    ("back pain", "local-excision"),  # "come back ... pain"
    ("pelvic pain", "rectum-pelvic-exenteration"),  # "pelvic" alone: no pain
    ("blood in my pee", "hepatic-artery"),  # "blood vessel"
])  # fmt: skip
def test_a_name_the_question_uses_counts_only_with_its_words_together(
        index: Index, query: str, wrong: str) -> None:  # fmt: skip
    """A name of several words that the question uses counted its words one by one, wherever
    they stood in a document: "back pain" put the local excision first ("come back ... pain"),
    "pelvic pain" four hits on pelvic exenteration with no pain, "blood in my pee" the hepatic
    artery ("blood vessel"). Its words now count only together, as another name's do.
    (No passage speaks of blood in the urine: that question found the entry explained, and now
    finds what bleeding, the broader name, finds.)"""
    result = index.search(query, limit=10)
    hits = result.hits  # (no source speaks of blood in the urine: its entry is explained)
    assert hits or [r.id for r in result.explained] == ["urinary-bleeding"], query
    assert wrong not in {h.entry.id for h in hits[:3] if h.entry is not None}, hits[:3]
    for hit in hits:  # the question's own words matched whole, or another name of it
        assert all(m.via is not None or m.words == " ".join(
            w.surface for w in text_words.words(query)) for m in hit.matches), (query, hit)


def _several_word_names() -> list[str]:
    from onconav.kb import load_kb

    kb = load_kb()
    return sorted({n for kind in NAMED_KINDS for r in getattr(kb.data, kind) for n in r.names()
                   if len(set(text_words.terms(n))) > 1})  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(name=st.sampled_from(_several_word_names()))
def test_the_words_of_a_name_score_a_document_only_together(index: Index, name: str) -> None:
    """For any name of several words, its own words score a document only where they all stand
    together (``_together``), whatever other names of it score."""
    for concept in index.concepts(name):
        if len(set(concept.terms)) < 2:
            continue
        (_, own), *_ = index._score(concept, {})
        for i in map(int, own.nonzero()[0]):
            assert _together(index.sequences[i], concept.terms), (name, index.docs[i])


def test_matched_words_are_those_the_passage_has(index: Index) -> None:
    """A hit that has only some words of a name the question used had shown those words alone
    ("cancer" of "stomach cancer" in the general source's passages); they no longer match it
    (a name's words count only together): a general passage matches the other words."""
    hits = index.search("can immunotherapy be used for stomach cancer", limit=10).hits
    general = [h for h in hits if h.kind != "entry" and h.citations[0].source == "acs-advanced"]
    assert general, hits
    for hit in general:
        assert not {"stomach cancer", "cancer"} & {m.words for m in hit.matches}, hit.matches


def test_a_class_of_drugs_finds_itself_before_its_drugs(kb: KnowledgeBase, index: Index) -> None:
    """Each name of a class of drugs ("chemo", "taxanes", "platinum") finds first what its own
    names match; its drugs' names count less (times 0.5), and a brand's rare word ("Paraplatin",
    one line of a list) no longer fills the first hits for "chemo"."""
    for cls in kb.data.drug_classes:
        for name in cls.names():
            first = index.search(name, limit=1).hits
            if not first:
                continue
            entries = {m.entry.id if m.entry else None for m in first[0].matches}
            assert entries <= {None, cls.id}, (name, first[0].matches)


def test_plain_bm25_has_no_synonyms(kb: KnowledgeBase, sources: Path) -> None:
    plain = build_index(kb, sources, synonyms=False, boost=False)
    result = plain.search("food pipe", limit=10)
    assert all(m.via is None for h in result.hits for m in h.matches)


def test_every_hit_says_which_words_matched(index: Index) -> None:
    for hit in index.search("can they put chemo straight into the liver").hits:
        assert hit.matches
        assert all(m.words for m in hit.matches)


def test_no_hit_is_an_answer_with_suggestions(index: Index) -> None:
    """A word that may be another word with one letter changed ("smell": small) is offered its
    suggestion, not searched for it; a sure slip ("lonsruf") is searched for its name
    (``test_a_sure_slip_is_searched_for_its_name``)."""
    result = index.search("smell")
    assert result.hits == []
    assert "small" in result.suggestions
    assert "lonsurf" in index.search("lonsruf").suggestions
    assert index.search("zzzzqqq").suggestions == []


def test_cancer_keeps_to_its_sources_and_the_general_one(index: Index) -> None:
    result = index.search("chemotherapy", limit=50, cancer="gastric")
    assert result.cancer == "stomach"
    allowed = {"ccs-stomach-stage4", "gastric-recurrent", "acs-advanced"}
    assert result.hits
    for hit in result.hits:
        assert {c.source for c in hit.citations} & allowed


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(words=st.lists(st.sampled_from(["taxanes", "paclitaxel", "chemo", "cisplatin", "5-FU",
                                       "radiation", "bleeding", "stent", "clinical trial",
                                       "surgery", "pain", "trastuzumab", "the", "pill",
                                       "immunotherapy", "targeted", "hormone"]),
                      min_size=1, max_size=3),
       cancer=st.sampled_from(["stomach", "gastric", "rectum", "cervix"]))  # fmt: skip
def test_a_search_kept_to_one_cancer_shows_nothing_of_another(
    kb: KnowledgeBase, index: Index, words: list[str], cancer: str
) -> None:
    """Kept to one cancer, a hit cites only the sources about it and the general one, and shows
    or names only options the options for that cancer can list (an entry hit listed every
    option that gives the drug: "taxanes" with --cancer stomach was "given by" four options for
    cervical cancer; "chemo pill" with --cancer stomach showed general chemotherapy, which
    stomach cancer's own options take the place of): those listed for the cancer alone, or a
    general one for the situations its own source does not cover."""
    from onconav import evaluate, parse_profile
    from onconav.kb.model import Option

    if set(words) == {"the"}:  # no word to look for: refused
        return
    result = index.search(" ".join(words), limit=50, cancer=cancer)
    allowed = {s.id for s in kb.data.sources if s.cancer in (result.cancer, "any")}
    # an entry's citations of other cancers' sources are apart, and their sources named
    others = {c.source for hit in result.hits for c in hit.other_citations}
    assert not others & allowed
    assert {s.id for s in result.sources} <= allowed | others
    assert result.cancer is not None
    listed = {o.id for o in evaluate(parse_profile({"cancer": result.cancer}, kb), kb).options}
    listed |= {o.id for o in kb.options
               if any(site == result.cancer for site, _ in kb.rules[o.id].scope.uncovered)}
    for hit in result.hits:
        assert hit.citations and {c.source for c in hit.citations} <= allowed, hit
        options = [r.id for r in hit.cited_by if isinstance(kb.by_id[r.id], Option)]
        if hit.entry is not None and isinstance(kb.by_id[hit.entry.id], Option):
            options.append(hit.entry.id)
        assert set(options) <= listed, (hit.rank, set(options) - listed)
        if hit.entry is not None and len(hit.citations) < len(kb.by_id[hit.entry.id].evidence):
            has = set().union(*(index.passage_terms[(c.source, c.start, c.end)]
                                for c in hit.citations))  # fmt: skip
            record = kb.by_id[hit.entry.id]  # an option has one name, other entries several
            names = record.names() if hasattr(record, "names") else [record.name]
            own = {tuple(text_words.terms(n)) for n in names}
            for match in hit.matches:  # by a name of its own, or words its passages here have
                said = tuple(text_words.terms(match.via or match.words))
                assert said in own or set(said) <= has, (hit.rank, hit.entry, match)


@pytest.mark.parametrize(("query", "cancer"), [("Libtayo", "stomach"), ("FOLFOX", "cervix"),
                                               ("Cyramza", "rectum")])  # fmt: skip
def test_kept_to_one_cancer_an_entry_matches_only_on_words_of_its_passages(
    index: Index, query: str, cancer: str
) -> None:
    """"Libtayo" with --cancer stomach found the checkpoint inhibitors through cemiplimab (for
    cervical cancer), cited to the stomach page's nivolumab line; "Cyramza" with --cancer rectum
    the anti-VEGF drugs, cited to the rectal bevacizumab line."""
    result = index.search(query, limit=50, cancer=cancer)
    assert result.hits == [] and result.elsewhere


@pytest.mark.parametrize("cancer", ["cervix", "stomach", "rectum", "any"])
def test_kept_to_one_cancer_an_entry_is_found_by_its_own_other_name(
    index: Index, cancer: str
) -> None:
    """"hospice" kept to cervical cancer (as the answer page's search box keeps it) found
    nothing: it is an other name of palliative care, which cites the cervical source, but no
    cervical passage says "hospice"."""
    result = index.search("hospice", cancer=cancer)
    assert result.hits and result.hits[0].entry is not None
    assert result.hits[0].entry.id == "comfort-care"


def test_kept_to_one_cancer_every_name_finds_its_entry(kb: KnowledgeBase, index: Index) -> None:
    """Every name and other name of every entry the search shows, kept to each cancer whose
    sources the entry cites, finds the entry: a match by the entry's own name is the entry
    itself, whatever words its passages of that cancer have."""
    shown = {d.entry for d in index.docs if d.kind == "entry"}
    missed = []
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            if record.id not in shown:
                continue
            for cancer in sorted({kb.sources[e.source].cancer for e in record.evidence}):
                for name in record.names():
                    result = index.search(name, limit=LIMIT_MAX, cancer=cancer)
                    if record.id not in {h.entry.id for h in result.hits if h.entry}:
                        missed.append((record.id, name, cancer))
    assert not missed


CANCER_NAMES = [("stomach", "stomach cancer"), ("stomach", "gastric cancer"),
                ("rectum", "rectal cancer"), ("rectum", "cancer of the rectum"),
                ("cervix", "cervical cancer"), ("cervix", "cancer of the cervix"),
                # lay names (a review found them matching nothing)
                ("rectum", "cancer of the back passage"),
                ("cervix", "neck of the womb cancer")]  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.lists(st.sampled_from(["chemo", "what", "if", "stops working", "5-FU",
                                        "paclitaxel", "immunotherapy", "most common",
                                        "came back", "surgery", "Lonsurf", "Cyramza"]),
                       max_size=3),
       named=st.sampled_from(CANCER_NAMES))  # fmt: skip
def test_a_question_naming_one_cancer_keeps_to_it(
    kb: KnowledgeBase, index: Index, before: list[str], named: tuple[str, str]
) -> None:
    """A question that names one cancer with a source of its own ("... for my rectal cancer")
    keeps to it, as --cancer would, and says so: other cancers' passages came first ("what is
    the most common chemo for rectal cancer" showed the cervical page's drug list first; "what
    if chemo stops working for my rectal cancer" stomach's ramucirumab)."""
    cancer, name = named
    result = index.search(" ".join([*before, "for my", name]), limit=50)
    same = index.search(" ".join([*before, "for my", name]), limit=50, cancer=cancer)
    assert (result.cancer, result.cancer_from) == (cancer, "question")
    assert result.hits == same.hits
    assert result.notices[0].startswith(f"Kept to {kb.name_of(cancer)}, named in the question")
    assert same.cancer_from == "given"


def test_a_question_naming_one_cancer_finds_its_answers_first(index: Index) -> None:
    first = index.search("what is the most common chemo for rectal cancer", limit=3).hits
    assert {c.source for h in first for c in h.citations} <= {"ccs-rectal-stage4", "acs-advanced"}
    assert any(relevant(h, ["ccs-rectal-stage4 2505-2653"]) for h in first)
    for question in ("gastric cancer came back", "5-FU for stomach cancer",
                     "paclitaxel for stomach cancer",
                     "immunotherapy for stomach cancer"):  # fmt: skip
        hits = index.search(question, limit=50).hits
        assert not {c.source for h in hits for c in h.citations} - {
            "ccs-stomach-stage4", "gastric-recurrent", "acs-advanced"}, question  # fmt: skip
        assert not any(r.id.startswith(("cervix-", "rectum-")) for h in hits
                       for r in [*h.cited_by, *([h.entry] if h.entry else [])]), question


@pytest.mark.parametrize("question", [
    "pain in my stomach", "rectal bleeding", "cervical spine", "chemo",
    "rectal cancer or cervical cancer", "stomach cancer that spread like colon cancer",
    "advanced cancer",
    # lay names of the body part, not the cancer (a review: they kept to rectal and cervical)
    "itching in the back passage", "pain in the neck of the womb"])  # fmt: skip
def test_a_question_naming_no_cancer_or_two_or_a_body_part_keeps_to_none(
    index: Index, question: str
) -> None:
    """A one-word name ("stomach", "rectal", "cervical") may be the body part; two cancers, or
    one with no source of its own beside one with, are no one cancer to keep to."""
    result = index.search(question)
    assert (result.cancer, result.cancer_from) == (None, None)
    assert not any(n.startswith("Kept to") for n in result.notices)


def test_a_cancer_chosen_wins_over_the_one_named(index: Index) -> None:
    result = index.search("rectal cancer", limit=50, cancer="stomach")
    assert (result.cancer, result.cancer_from) == ("stomach", "given")
    assert result.notices == ["The question names rectal cancer; the search keeps to stomach "
                              "cancer, the cancer chosen."]  # fmt: skip


@pytest.mark.parametrize(("question", "said"), [
    ("no surgery please", "“no”"), ("not chemo", "“not”"), ("I don't want chemo", "“don't”"),
    ("I don’t want chemo", "“don't”"), ("treatment without surgery", "“without”")])  # fmt: skip
def test_a_question_saying_no_is_told_the_search_reads_no_word_as_excluding(
    index: Index, question: str, said: str
) -> None:
    """"no surgery please" found the passages on surgery without a word ("no" is a common word
    left out): the result says that such words are not read as leaving anything out."""
    result = index.search(question)
    assert any(said in n and "not read as leaving anything out" in n for n in result.notices)
    assert not index.search("surgery please").notices


@pytest.mark.parametrize(("cancer", "known"), [("xyz", False), ("banana", False), ("rect", False),
                                               ("lung", False), ("colon", True)])  # fmt: skip
def test_a_cancer_with_no_source_of_its_own_is_told_so(index: Index, cancer: str,
                                                       known: bool) -> None:  # fmt: skip
    """An unknown cancer (--cancer xyz) kept to the general source without a word."""
    result = index.search("chemo", cancer=cancer)
    (notice,) = result.notices
    assert "has no source of its own here" in notice and "advanced cancer in general" in notice
    assert ("is not a cancer the knowledge base knows" in notice) is not known
    assert not index.search("chemo", cancer="gastric").notices


def test_no_hit_kept_to_one_cancer_names_the_cancers_that_match(index: Index) -> None:
    """"lonsurf" with --cancer cervix said nothing matches, though the rectal page names it."""
    result = index.search("lonsurf", cancer="cervix")
    assert result.hits == [] and result.elsewhere == ["rectum"]
    assert any("rectal cancer" in n and "search again without the cancer" in n
               for n in result.notices)  # fmt: skip
    assert index.search("lonsurf", cancer="rectum").elsewhere == []
    assert index.search("zzzzqqq", cancer="cervix").elsewhere == []


@pytest.mark.parametrize(("query", "cancer", "said"), [
    ("regorafenib chemotherapy", "cervix", "regorafenib"),
    ("lonsurf chemotherapy", "cervix", "lonsurf"),
])  # fmt: skip
def test_a_word_found_only_in_another_cancers_sources_is_named(
    index: Index, query: str, cancer: str | None, said: str
) -> None:
    """Kept to one cancer, a question with a word only other cancers' sources have found hits
    for its other words alone ("regorafenib chemotherapy": cervical chemotherapy), and no
    word said that regorafenib is in the rectal page: a notice names the word and where it is.
    The words the kept sources have (bone pain, radiation) bring no such notice."""
    result = index.search(query, cancer=cancer)
    assert result.hits
    assert any(f"“{said}” is in no source on cervical cancer" in n and "rectal cancer" in n
               for n in result.notices), result.notices  # fmt: skip
    plain = index.search("can radiation help bone pain", cancer="cervix")
    assert not any("is in no source on" in n for n in plain.notices), plain.notices
    # a word found nowhere is not said to be in other cancers' sources (its own notice, below)
    assert not any("zzzzqqq" in n and "is in no source on" in n
                   for n in index.search("zzzzqqq chemotherapy", cancer="cervix").notices)


def test_a_name_whole_only_in_another_cancers_sources_is_named(index: Index) -> None:
    """Kept to stomach cancer, "hepatic arterial infusion" found "arterial" in the general
    source's passage on angiography, and no word said that the rectal page names the treatment
    (a review of the search); a notice then said so. A name's words now count only together:
    the search finds nothing kept to stomach cancer and names the cancer whose sources have it;
    beside another word, the hits are for that word, and the notice names where it is. A name
    the kept sources have whole (feeding tube), and the same question kept to no cancer or to
    rectal cancer, bring no such notice."""
    result = index.search("hepatic arterial infusion", cancer="stomach")
    assert not result.hits and result.elsewhere == ["rectum"], result
    result = index.search("hepatic arterial infusion chemo", cancer="stomach")
    assert result.hits and all(m.words == "chemo" for h in result.hits for m in h.matches)
    assert ("“hepatic arterial infusion” is in no source on stomach cancer: the hits are for "
            "the other words; the sources on rectal cancer name it.") in result.notices
    for query, cancer in (("feeding tube", "stomach"), ("hepatic arterial infusion", None),
                          ("hepatic arterial infusion", "rectum")):  # fmt: skip
        result = index.search(query, cancer=cancer)
        assert result.hits and not any("is in no source" in n for n in result.notices), query


def test_a_passage_left_out_beside_a_better_one_names_its_citers_there(index: Index) -> None:
    """Trastuzumab's passage on HER2 overlaps lapatinib's, which ranks first for "her2" and
    stands for both: it names trastuzumab's option too, whatever the limit (it had named only
    the trial, and a HER2-positive reader was sent to lapatinib)."""
    for limit in (3, 10):  # (the entries named "HER2" come first: NAMED_BOOST)
        first = next(h for h in index.search("her2", limit=limit).hits if h.kind == "passage")
        assert "stomach-trastuzumab" in {r.id for r in first.cited_by}, first.cited_by


SITES = {"rectal cancer": "rectum", "cervical cancer": "cervix", "stomach cancer": "stomach",
         "gastric cancer": "stomach", "cancer of the cervix": "cervix", "colon cancer": "colon"}


def _beside_the_cancer(hit: Hit, cancer_words: set[str]) -> bool:
    """Whether a hit matched a word of the question other than those naming the cancer."""
    return any(not set(m.words.split()) <= cancer_words for m in hit.matches)


@pytest.mark.parametrize(("query", "cancer", "cancer_words", "topic"), [
    ("surgery for cervical cancer", None, {"cervical", "cancer"}, "surgery"),
    ("surgery for cervical cancer", "cervix", {"cervical", "cancer"}, "surgery"),
    ("colon cancer chemo", None, {"colon", "cancer"}, "chemo"),
    ("lung cancer spread to brain", None, {"lung", "cancer"}, "spread"),
])  # fmt: skip
def test_the_cancer_named_does_not_crowd_out_the_topic(
    index: Index, query: str, cancer: str | None, cancer_words: set[str], topic: str
) -> None:
    """The cancer the search is about (kept to, or named when it keeps to none) counts as a weak
    word beside another word: "surgery for cervical cancer" had shown ten passages that say
    "cervical cancer" and nothing of surgery; "colon cancer chemo" the sigmoid colectomy
    (through "sigmoid colon"); "lung cancer spread to brain" a passage on angiography first
    (on "lung")."""
    hits = index.search(query, limit=10, cancer=cancer).hits
    assert hits
    assert all(_beside_the_cancer(h, cancer_words) for h in hits), [h.matches for h in hits]
    assert any(m.words.startswith(topic) or m.words == topic for m in hits[0].matches)
    assert "sigmoid-colectomy" not in {h.entry.id for h in hits if h.entry}


def test_the_cancer_named_alone_still_finds_it(index: Index) -> None:
    """With no other word that is not weak, the cancer's name finds what it matches; beside a
    word only other cancers' sources have, too, and a notice says where that word is."""
    assert index.search("cervical cancer").hits
    assert index.search("how long do I have with rectal cancer").hits
    result = index.search("regorafenib in cervical cancer")
    assert result.hits == index.search("cervical cancer").hits
    assert ("“regorafenib” is in no source on cervical cancer: the hits are for the other words; "
            "the sources on rectal cancer name it.") in result.notices, result.notices


@pytest.mark.parametrize(("question", "cancer", "word", "said"), [
    ("is cervical cancer curable", "cervix", "curable", "is in no passage or entry"),
    ("cervical cancer prognosis", "cervix", "prognosis", "is in no passage or entry"),
    ("rectal cancer insomnia", "rectum", "insomnia", "is in no passage or entry"),
    # a name of the knowledge base (a site, which has no words of its own to show; tiredness, a
    # symptom no source names)
    ("rectal cancer fatigue", "rectum", "fatigue", "matched nothing"),
    ("cervical cancer in lymph nodes", "cervix", "lymph nodes", "matched nothing"),
])  # fmt: skip
def test_the_cancer_named_beside_a_word_nothing_kept_has_still_finds_it(
    index: Index, kb: KnowledgeBase, question: str, cancer: str, word: str, said: str
) -> None:
    """The cancer's name counts as a weak word only beside a word that matches something the
    search may show: "recurrent cervical cancer" ("recurrent" is only in other cancers'
    sources) and "is cervical cancer curable" (no source says "curable") had found nothing
    kept to cervical cancer. They find what the cancer's name alone finds, and say that the
    word is in no source on it, or in no passage or entry."""
    result = index.search(question, limit=3)
    assert result.cancer == cancer and result.hits
    assert result.hits == index.search(question.replace(word, ""), limit=3).hits
    kept = {s.id for s in kb.data.sources if s.cancer in (cancer, "any")}
    assert all(c.source in kept for h in result.hits for c in h.citations)
    assert any(n.startswith(f"“{word}” {said}: the hits are for the other words")
               for n in result.notices), result.notices


@pytest.mark.parametrize("question", [
    "is lung cancer curable", "lung cancer prognosis", "osimertinib for lung cancer",
    "pancreatic cancer whipple", "kidney cancer sunitinib"])  # fmt: skip
def test_the_words_of_a_cancer_the_knowledge_base_does_not_know_find_nothing_alone(
    index: Index, question: str
) -> None:
    """The words naming a cancer the knowledge base does not know ("lung cancer") name nothing
    in it: beside a word nothing kept has, they are no hit (the angiography passage had come
    first for "is lung cancer curable", on "lungs"; radioactive iodine for "pancreatic cancer
    whipple"), and the notice names the word."""
    result = index.search(question)
    assert not result.hits, [h.entry or h.citations for h in result.hits[:2]]
    assert any("is not a word the sources use" in n for n in result.notices), result.notices


def test_the_name_alone_of_a_cancer_the_knowledge_base_does_not_know_finds_its_words(
    index: Index
) -> None:
    """Alone, such words find what they find: "bone cancer" had found nothing and suggested
    "bowel cancer" (a third review of the rule above)."""
    result = index.search("bone cancer", limit=3)
    assert result.hits and "bone-metastasis-drugs" in {
        r.id for h in result.hits for r in h.cited_by}, result.notices
    assert not result.suggestions


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(named=st.sampled_from(list(SITES)),
       unknown=st.from_regex(r"zq[a-x]{3,8}", fullmatch=True),
       cancer=st.sampled_from([None, "stomach", "rectum", "cervix"]),
       first=st.booleans())  # fmt: skip
def test_a_word_no_document_has_leaves_the_cancers_hits_as_they_are(
    index: Index, named: str, unknown: str, cancer: str | None, first: bool
) -> None:
    """Whatever the cancer named, the cancer chosen and a word no passage or entry has, before
    the cancer's name or after it, the search finds what the cancer's name alone finds, and
    names the word."""
    alone = index.search(named, cancer=cancer)
    result = index.search(f"{unknown} {named}" if first else f"{named} {unknown}", cancer=cancer)
    assert result.hits == alone.hits, (named, unknown, cancer)
    if result.hits:
        assert any(n.startswith(f"“{unknown}” is in no passage or entry")
                   for n in result.notices), result.notices


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(topic=st.sampled_from(["surgery", "chemo", "radiation", "pain", "bleeding", "stent",
                              "clinical trial", "immunotherapy", "feeding tube", "FOLFOX",
                              "palliative care", "nausea", "side effects"]),
       named=st.sampled_from(list(SITES)),
       cancer=st.sampled_from([None, "stomach", "rectum", "cervix"]),
       order=st.booleans())  # fmt: skip
def test_every_hit_matches_more_than_the_cancer(
    index: Index, topic: str, named: str, cancer: str | None, order: bool
) -> None:
    """Whatever the topic, the cancer named and the cancer chosen, every hit of "<topic> for
    <cancer>" matches a word of the question that does not name the cancer the search is about
    (a cancer named that is not the one chosen is a word like another: not checked); unless the
    topic is in no source kept to ("FOLFOX for cervical cancer"): then the hits are the
    cancer's, and a notice says where the topic is."""
    query = f"{topic} for {named}" if order else f"{named} {topic}"
    result = index.search(query, limit=10, cancer=cancer)
    if cancer is not None and cancer != SITES[named]:
        return
    cancer_words = set(text_words.fold(named).split())
    if result.hits and not any(_beside_the_cancer(h, cancer_words) for h in result.hits):
        said = f"“{text_words.fold(topic)}” is in no source on "
        assert any(n.startswith(said) for n in result.notices), (query, result.notices)
        return
    for hit in result.hits:
        assert _beside_the_cancer(hit, cancer_words), (query, cancer, hit.rank,
                                                       [m.words for m in hit.matches])


@pytest.mark.parametrize(("query", "entry"), [
    ("chemo", "chemotherapy"), ("radiation therapy", "radiation-therapy"),
    ("targeted therapy", "targeted-therapy"), ("Lonsurf", "trifluridine-tipiracil"),
    ("what is chemo", "chemotherapy"),
])  # fmt: skip
def test_a_question_of_one_name_shows_its_entry_first(index: Index, query: str,
                                                      entry: str) -> None:  # fmt: skip
    """A question of one name (weak words aside) shows the entry it names first: "chemo" had
    shown chemoradiation and ramucirumab, the entry on chemotherapy 15th; "radiation therapy"
    17th. Not beside a second word: the passage on immunotherapy for stomach cancer stays
    above the entry on immunotherapy."""
    first = index.search(query, limit=3).hits[0]
    assert first.entry is not None and first.entry.id == entry, first
    both = index.search("can immunotherapy be used for stomach cancer", limit=3).hits
    assert both[0].kind == "passage" and both[0].citations[0].source == "ccs-stomach-stage4"


@pytest.mark.parametrize(("query", "name"), [
    ("immuno therapy", "immunotherapy"), ("radio therapy", "radiotherapy"),
    ("can I have immuno therapy", "immunotherapy"), ("colo stomy", "colostomy")])  # fmt: skip
def test_a_word_written_in_two_is_read_as_one(index: Index, query: str, name: str) -> None:
    """A one-word name written in two parts ("immuno therapy") is read as the name when the first
    part alone is no word of the documents: "immuno" and "therapy" had found passages on any
    therapy. Not when the first part is a word of its own ("chemo therapy": chemo, therapy)."""
    (concept,) = [c for c in index.concepts(query) if not index.weak(c)]
    assert concept.words == name
    assert [c.words for c in index.concepts("chemo therapy")] == ["chemo", "therapy"]
    assert [c.words for c in index.concepts("her 2 sons")] == ["sons"]  # (a lone digit: no word)


def _one_word_names() -> list[str]:
    from onconav.kb import load_kb

    kb = load_kb()
    return sorted({n.lower() for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                   for n in r.names() if n.isalpha() and len(n) >= 6})  # fmt: skip


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(name=st.sampled_from(_one_word_names()), cut_at=st.integers(min_value=2, max_value=30))
def test_a_one_word_name_split_by_a_space_is_the_name(index: Index, name: str,
                                                      cut_at: int) -> None:  # fmt: skip
    """Any one-word name of the knowledge base, split in two by a space where its first part is
    no common word and no word of the documents, and the two parts apart are no name, reads as
    the name; split where the first part is a word, it reads as the two words."""
    if not 2 <= cut_at <= len(name) - 2:
        return
    first, rest = name[:cut_at], name[cut_at:]
    stem = text_words.stemmer()
    apart = tuple(text_words.stem_words(stem, [first, rest]))
    asked = [w.term for w in index.question_words(f"{first} {rest}")]
    whole = [w.term for w in index.question_words(name)]
    if index._split_word(first, stem) and apart not in index.names:
        assert asked == whole, (first, rest)
    elif not index._split_word(first, stem):
        assert asked != whole, (first, rest)


def test_every_hit_has_words_to_show(index: Index) -> None:
    """An entry with nothing in plain words to show (a site) is not a hit of its own: "pain in
    bones" had answered first with the site "bone" and no text."""
    for query in ("pain in bones", "liver spots", "breast cancer", "thyroid", "lung"):
        for hit in index.search(query, limit=50).hits:
            assert hit.text, (query, hit.rank, hit.entry)


@pytest.mark.parametrize(("query", "wrong"), [
    ("hysterectomy", "gastrectomy"), ("MSI-H", "mvasi"), ("TPS", "types"), ("TPS", "stops"),
    ("microsatellite instability", "ability"), ("ascites", "cites"),
    ("her 2 sons", "ones")])  # fmt: skip
def test_no_suggestion_is_another_word(index: Index, query: str, wrong: str) -> None:
    """difflib at 0.75 over every word of the passages offered gastrectomy for hysterectomy and
    "cites" for ascites: a suggestion is a name of the knowledge base that the word is a slip
    of the keys for, as a profile reads a misspelt name."""
    assert wrong not in index.search(query).suggestions


def _words_of_names() -> list[str]:
    """The words of the names of the knowledge base, folded (common words left out)."""
    from onconav.kb import load_kb

    kb = load_kb()
    return sorted({w for kind in NAMED_KINDS for r in getattr(kb.data, kind) for n in r.names()
                   for w in text_words.WORD.findall(text_words.fold(n))
                   if w not in text_words.STOP and len(w) > 1})  # fmt: skip


WORDS_OF_NAMES = frozenset(_words_of_names())


def test_a_word_of_a_name_is_no_slip_for_another(index: Index) -> None:
    """"breath" (of "short of breath", a symptom) was offered "breast", and "short of breath"
    too (the API's suggestions): a word the knowledge base knows, as a word of one of its names,
    is not replaced by another."""
    offered = {w: s for w in _words_of_names() if (s := index.suggest(w))}
    assert not offered
    assert index.search("short of breath").suggestions == []


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(word=st.sampled_from([w for w in sorted(WORDS_OF_NAMES) if len(w) >= 4 and w.isalpha()]),
       at=st.integers(min_value=0, max_value=20))  # fmt: skip
@example(word="pain", at=1)  # "pian"
def test_two_letters_swapped_are_a_slip_for_the_word(index: Index, word: str, at: int) -> None:
    """"pian" got no suggestion while "hopsice" got "hospice": four letters with two swapped
    are too unlike the word for the rule of a misspelt name. Two letters side by side swapped
    in a word of a name suggest the word, where it finds something."""
    at %= len(word) - 1
    typed = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if typed == word or typed in WORDS_OF_NAMES or typed in index.known_names or (
            word in index.abbreviations):  # (suggested only for a word in capitals)
        reject()
    hits = index.search(word).hits
    offered = index.search(typed)
    if offered.hits and not offered.notices[0].startswith(f"Nothing matches “{typed}” as written"):
        reject()  # a word of the documents: no slip (a slip is searched for its suggestion)
    assert not hits or offered.suggestions, (typed, word)
    if hits and typed[:1] == word[:1]:  # (swapped at the start: another name may be as close)
        assert word in offered.suggestions, (typed, offered.suggestions)


def test_her2_postive_is_asked_if_it_meant_positive(index: Index) -> None:
    """A slip may be for a word of a name ("positive", of "HER2 positive"), not only for a
    whole name: "her2 postive" named "postive" with no suggestion; "bled" had been told it is
    not a word the sources use, and is offered "bleed" (of "GI bleed")."""
    assert "bleed" in index.search("bled").suggestions
    result = index.search("her2 postive")
    assert result.hits and any("Did you mean “positive”?" in n for n in result.notices), (
        result.notices)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(query=st.sampled_from(["lonsruf", "herceptn", "oxaliplaton", "stomma", "keytrda",
                              "avastn", "hospise", "cetuximb", "capcitabine", "hysterectomy"]),
       cancer=st.sampled_from([None, "stomach", "rectum", "cervix", "lung"]))  # fmt: skip
def test_a_suggestion_is_a_name_a_slip_away_that_finds_something_where_the_search_looks(
    index: Index, query: str, cancer: str | None
) -> None:
    """Each suggestion is a name of the knowledge base, differing from a word of the question
    by slips of single letters only, that the same search (kept to the same cancer) finds
    something for: "lonsruf" with --cancer cervix suggested lonsurf, which the cervical and
    general sources do not name."""
    from onconav.profile import _slips_only

    result = index.search(query, cancer=cancer)
    for suggestion in result.suggestions:
        assert suggestion in index.known_names
        assert any(_slips_only(w, suggestion) for w in [query, *query.split()]), suggestion
        assert index.search(suggestion, cancer=cancer).hits, (query, cancer, suggestion)
    assert "lonsurf" not in index.search("lonsruf", cancer="cervix").suggestions


def test_a_suggestion_finds_something_and_is_no_common_word(index: Index) -> None:
    """Each suggestion for a search with no hit finds something ("peritoneum", a site nothing
    cites, was offered for "peritoneal"; "can" and "want" for "cant poop")."""
    from onconav.search import text as words_of

    for query in ("herceptn", "oxaliplaton", "peritoneal", "cant poop", "hospice", "lonsruf"):
        for suggestion in index.search(query).suggestions:
            assert suggestion not in words_of.STOP
            assert index.search(suggestion).hits, (query, suggestion)


def test_a_cancer_without_a_source_of_its_own_keeps_to_the_general_one(
    kb: KnowledgeBase, index: Index
) -> None:
    """Lung cancer, which `onconav options` answers from the general source, keeps a search to
    that source (it had been refused: the command and the search disagreed); the cancer is read
    as a profile reads it, and a name it refuses is refused alike."""
    general = {s.id for s in kb.data.sources if s.cancer == "any"}
    for cancer, read in (("lung", "lung"), ("Lung cancer", "Lung cancer")):
        result = index.search("chemotherapy", limit=50, cancer=cancer)
        assert result.cancer == read and result.hits
        assert {c.source for h in result.hits for c in h.citations} <= general
    with pytest.raises(SearchError, match="did you mean stomach cancer"):
        index.search("chemotherapy", cancer="stomch")


@pytest.mark.parametrize("cancer", ["colon", "colorectal", "bowel cancer"])
def test_a_cancer_without_a_source_keeps_to_the_sources_its_options_cite(
    kb: KnowledgeBase, index: Index, cancer: str
) -> None:
    """Colon cancer has no source of its own, but its options cite the rectal page (FOLFIRI, the
    usual first chemotherapy of colorectal cancer that has spread): a search kept to it keeps to
    the general source and the rectal one, with a notice that says so. "FOLFIRI" kept to colon
    cancer had found nothing, while `onconav options --cancer colon` named it."""
    cited = {c.source for c in evaluate(parse_profile({"cancer": cancer}, kb), kb).cited()}
    assert "ccs-rectal-stage4" in cited
    result = index.search("FOLFIRI", limit=50, cancer=cancer)
    shown = {c.source for h in result.hits for c in h.citations}
    assert "ccs-rectal-stage4" in shown
    assert shown <= cited | {s.id for s in kb.data.sources if s.cancer == "any"}
    assert any("the one on rectal cancer, which the knowledge base cites for it" in n
               for n in result.notices)  # fmt: skip


@pytest.mark.parametrize(
    ("query", "limit", "cancer", "field"),
    [("", 10, None, "q"), ("   ", 10, None, "q"), ("x" * 501, 10, None, "q"),
     ("?!...", 10, None, "q"), ("\x01\x02", 10, None, "q"), ("\u200b", 10, None, "q"),
     ("x", 10, None, "q"), ("what is the", 10, None, "q"), ("chemo\x00", 10, None, "q"),
     ("chemo \udcff", 10, None, "q"),
     ("chemo", 0, None, "limit"), ("chemo", 51, None, "limit"), ("chemo", True, None, "limit"),
     ("chemo", 10, "no such", "cancer")],
)  # fmt: skip
def test_bad_input_names_the_field(
    index: Index, query: str, limit: int, cancer: str | None, field: str
) -> None:
    with pytest.raises(SearchError) as error:
        index.search(query, limit=limit, cancer=cancer)
    assert error.value.problem.field == field


def test_a_question_too_long_says_how_long_it_is_and_what_to_do(index: Index) -> None:
    """A worried family's 507-character message was told only "at most 500 characters"."""
    with pytest.raises(SearchError) as error:
        index.search("my mother " * 50 + "chemo", limit=10)
    problem = error.value.problem
    assert problem.message == ("is 505 characters long; at most 500 are searched: ask it in "
                               "fewer words"), problem  # fmt: skip
    assert problem.accepted == ("at most 500 characters",)


# --------------------------------------------------------------------------------------------
# Properties: every hit is cited, and its passage is the source's text at its offsets
# --------------------------------------------------------------------------------------------

WORDS = ["chemo", "liver", "Xeloda", "bleeding", "stent", "pain", "mets", "HER2", "surgery",
         "cured", "trial", "bone", "food pipe", "radiation", "stomach", "KRAS", "the"]  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    words=st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8)),
                   min_size=1, max_size=6),
    limit=st.integers(1, 50),
)  # fmt: skip
def test_every_hit_is_cited_and_its_passage_matches(
    index: Index, texts: dict[str, provenance.SourceText], words: list[str], limit: int
) -> None:
    query = " ".join(words)
    try:
        result = index.search(query, limit=limit)
    except SearchError as error:  # nothing to look for, or a control character
        assert error.problem.field == "q"
        return
    assert len(result.hits) <= limit
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    assert {s.id for s in result.sources} == {c.source for h in result.hits for c in h.citations}
    for hit in result.hits:
        assert hit.citations and hit.matches
        for cited in hit.citations:
            text = texts[cited.source].text
            assert 0 <= cited.start < cited.end <= len(text)
            assert provenance.sha256_text(text[cited.start : cited.end]) == cited.sha256
        if hit.kind != "entry":
            cited = hit.citations[0]
            shown = " ".join(texts[cited.source].text[cited.start : cited.end].split())
            assert hit.text == shown
            has = tuple(text_words.terms(shown))
            for match in hit.matches:  # each word it says it matched, or all of the name's
                assert set(text_words.terms(match.via or match.words)) <= set(has), (match, shown)
                if match.via:  # and a name's words together, as the name
                    assert _together(has, tuple(text_words.terms(match.via))), (match, shown)
        else:
            assert hit.entry is not None


@given(st.text(max_size=80))
def test_the_index_and_the_question_read_words_alike(text: str) -> None:
    assert text_words.terms(text) == [w.term for w in text_words.words(text)]
    assert all(w.surface not in text_words.STOP for w in text_words.words(text))


@given(
    left=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    right=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    mark=st.characters(min_codepoint=0x80, categories=["Pd", "Pf", "Pi", "Po", "Ps", "Pe", "So",
                                                       "Sm", "Zs"]).filter(
        lambda c: not any(x.isascii() and x.isalnum() for x in unicodedata.normalize("NFKD", c))),
)  # fmt: skip
def test_a_mark_that_is_not_ascii_parts_words_as_a_space_does(left: str, right: str,
                                                              mark: str) -> None:  # fmt: skip
    """"can’t" (a curly apostrophe, as the sources and phones write it) reads as "can't" does,
    not as the word "cant"; a dash or a registered sign parts words as well."""
    assert text_words.terms(left + mark + right) == text_words.terms(left + " " + right)
    assert text_words.fold("Lönsurf") == "lonsurf"  # an accent is dropped, not a word break


def test_the_same_paragraph_scores_the_same_whatever_its_apostrophes(index: Index) -> None:
    """The pages on stomach and on cervical cancer share a paragraph, one with ' and one with ’;
    the two score the same, and of two equal ones the page on the cancer named by a one-word
    name ("stomach", which keeps to nothing) comes first."""
    for question in ("I don't want any more treatment for my stomach",
                     "I don’t want any more treatment for my stomach"):  # fmt: skip
        hits = index.search(question, limit=50).hits
        both = {h.citations[0].source: h for h in hits if h.kind == "passage" and (
            h.citations[0].start, h.citations[0].source) in {
            (2699, "ccs-stomach-stage4"), (2982, "ccs-cervical-stage4")}}  # fmt: skip
        stomach, cervical = both["ccs-stomach-stage4"], both["ccs-cervical-stage4"]
        assert stomach.score == cervical.score
        assert stomach.rank < cervical.rank
    assert _as_read(index.search("can’t swallow").hits) == _as_read(
        index.search("can't swallow").hits)


BRITISH_AMERICAN = [("tumour", "tumor"), ("tumours", "tumors"), ("oesophageal", "esophageal"),
                    ("randomised", "randomized"), ("organisation", "organization"),
                    ("haemorrhage", "hemorrhage"), ("anaemia", "anemia"), ("centre", "center"),
                    ("gynaecologist", "gynecologist"), ("diarrhoea", "diarrhea"),
                    ("oestrogen", "estrogen"), ("anaesthesia", "anesthesia")]  # fmt: skip


@given(before=st.text(max_size=30), after=st.text(max_size=30),
       pair=st.sampled_from(BRITISH_AMERICAN))  # fmt: skip
def test_a_british_spelling_reads_as_the_american_one(before: str, after: str,
                                                      pair: tuple[str, str]) -> None:  # fmt: skip
    """The Canadian sources write "tumour", the American one "tumor"; a person writes either."""
    british, american = pair
    assert (text_words.terms(f"{before} {british} {after}")
            == text_words.terms(f"{before} {american} {after}"))  # fmt: skip


@pytest.mark.parametrize("word", ["our", "four", "hours", "your", "rise", "raised", "noise"])
def test_a_short_word_keeps_its_spelling(word: str) -> None:
    assert text_words.american(word) == word


ISE_FAMILIES = [
    "excise", "excised", "excises", "excising", "excision", "incise", "incised", "incision",
    "revise", "revised", "revising", "revision", "supervise", "supervised", "supervision",
    "precise", "precision", "advise", "advised", "advising", "concise", "concision", "organise",
    "organised", "organisation", "randomise", "randomised", "randomisation", "minimise",
    "minimised"]  # fmt: skip


def test_a_spelling_rule_never_parts_a_word_from_its_family(
    kb: KnowledgeBase, texts: dict[str, provenance.SourceText]
) -> None:
    """Words the stemmer puts together (excise, excised, excision) stay together once spelt the
    American way: the -ise rule made "excise" "excize" (stem exciz) while "excision" kept its s
    (excis), so "excised" and "incised" found nothing. Over every word of the sources and of the
    knowledge base's names, and the -ise families above."""
    from collections import defaultdict

    found = set(ISE_FAMILIES)
    for source in texts.values():
        found |= set(text_words.WORD.findall(text_words.fold(source.text)))
    found |= {w for name in kb_names(kb) for w in text_words.WORD.findall(name)}
    stem = text_words.stemmer()
    families: dict[str, set[str]] = defaultdict(set)
    for word in found:
        families[stem.stemWord(word)].add(word)
    parted = {k: sorted(v) for k, v in families.items()
              if len({stem.stemWord(text_words.american(w)) for w in v}) > 1}  # fmt: skip
    assert not parted


@given(root=st.from_regex(r"[a-z]{2,8}[cv]", fullmatch=True),
       ending=st.sampled_from(["ise", "ised", "ises", "ising", "ision", "isions"]))  # fmt: skip
def test_a_word_in_cise_or_vise_keeps_its_s(root: str, ending: str) -> None:
    """-cise and -vise are American spellings too (excise, revise: excision, revision)."""
    assert text_words.american(root + ending) == root + ending


def test_excise_finds_local_excision(index: Index) -> None:
    hits = index.search("can they excise the tumour in the rectum", limit=5, cancer="rectum").hits
    answers = ["ccs-rectal-stage4 5409-5564", "entry rectum-local-excision", "entry local-excision"]
    assert any(relevant(h, answers) for h in hits), hits
    assert index.search("excised").hits


def kb_names(kb: KnowledgeBase) -> list[str]:
    from onconav.search.index import NAMED_KINDS

    return [text_words.fold(n) for kind in NAMED_KINDS for r in getattr(kb.data, kind)
            for n in r.names()]  # fmt: skip


def test_tumour_and_tumor_find_the_same_passages(index: Index) -> None:
    """Both spellings find the passages of the Canadian pages ("tumour") and of the American one
    ("tumor"); before, "tumor" missed every Canadian passage."""
    for question in ("can the tumour be removed", "tumour pain", "oesophageal cancer"):
        british = index.search(question).hits
        american = index.search(text_words.fold(question).replace("tumour", "tumor")
                                .replace("oesophageal", "esophageal")).hits  # fmt: skip
        assert [(h.kind, h.citations, h.score) for h in british] == [
            (h.kind, h.citations, h.score) for h in american]  # fmt: skip
    first = {c.source for h in index.search("tumor", limit=5).hits for c in h.citations}
    assert "acs-advanced" in first and first & {"ccs-stomach-stage4", "ccs-rectal-stage4"}


def _cut_names() -> list[tuple[str, str]]:
    """Every one-word name of the knowledge base (folded) cut in two at every place."""
    from onconav.kb import load_kb
    from onconav.search.index import NAMED_KINDS

    kb = load_kb()
    names = sorted({text_words.fold(n) for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                    for n in r.names() if text_words.WORD.fullmatch(text_words.fold(n))
                    and text_words.fold(n) not in text_words.STOP})  # fmt: skip
    return [(name[:cut], name[cut:]) for name in names for cut in range(1, len(name))]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(cut=st.sampled_from(_cut_names()), mark=st.sampled_from(["-", "/", "‑", "–"]))
def test_a_name_written_with_a_hyphen_inside_is_the_name(index: Index, cut: tuple[str, str],
                                                         mark: str) -> None:  # fmt: skip
    """"HER-2" is "HER2" and "K-RAS" is "KRAS" (alone, "her" is a common word left out and "2"
    is any 2): a one-word name cut in two by a hyphen finds what the name finds, unless the two
    parts are a name themselves ("5-FU")."""
    left, right = cut
    name = left + right
    apart = tuple(text_words.stemmer().stemWords([left, right]))
    if left not in text_words.STOP and right not in text_words.STOP and apart in index.names:
        return
    assert _as_read(index.search(f"{left}{mark}{right}").hits) == _as_read(index.search(name).hits)


def test_two_words_apart_are_not_joined_into_a_name(index: Index) -> None:
    for apart in ("her 2 sons", "surgery on her. 2 years later", "her, 2 years on"):
        hits = index.search(apart).hits
        assert all(m.words != "her2" for h in hits for m in h.matches), apart
    assert {m.words for h in index.search("HER-2").hits for m in h.matches} == {"her2"}


def test_without_sources_passages_are_cited_but_not_shown(bare: Index) -> None:
    result = bare.search("Lonsurf")
    assert result.hits
    assert all(h.kind in ("passage", "entry") for h in result.hits)
    assert all(h.text is None for h in result.hits if h.kind == "passage")


def test_the_same_question_gives_the_same_answer(index: Index) -> None:
    first = index.search("is it worth treating cancer that can't be cured?")
    assert index.search("is it worth treating cancer that can't be cured?") == first


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_command_text(run: Run, sources: Path) -> None:
    done = run("search", "Lonsurf", "--limit", "2", "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "1. trifluridine and tipiracil (drugs: trifluridine-tipiracil)" in done.stdout
    assert "2. [ccs-rectal-stage4 2450-2503] passage" in done.stdout
    assert "trifluridine plus tipiracil" in done.stdout.lower()
    assert "matched: Lonsurf" in done.stdout  # as typed
    assert "[ccs-rectal-stage4] Treatments for stage 4 or recurrent rectal cancer" in done.stdout
    assert "dated:" in done.stdout
    assert "care team" in done.stdout


def test_command_json_is_the_library_result(run: Run, index: Index, sources: Path) -> None:
    done = run("search", "food pipe", "--format", "json", "--limit", "3", "--cancer", "stomach",
               env={"ONCONAV_SOURCES": str(sources)})  # fmt: skip
    assert done.status == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == index.search("food pipe", limit=3, cancer="stomach").model_dump(mode="json")


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_command_names_a_passage_it_cannot_show(
    run: Run, kb: KnowledgeBase, sources: Path, tmp_path: Path, output_format: str
) -> None:
    """A passage hit whose source file no longer matches it is shown without its text: a
    warning says so, as `options` does (it was silent)."""
    copy = tmp_path / "sources"
    shutil.copytree(sources, copy)
    file = copy / kb.sources["ccs-rectal-stage4"].file
    text = file.read_text(encoding="utf-8")
    file.write_text(text[:2460] + text[2460:2503].replace("i", "y", 1) + text[2503:], "utf-8")
    done = run("search", "Lonsurf", "--limit", "3", "--sources", str(copy), "-f", output_format)
    assert done.status == 0, done.stderr
    assert done.stderr.splitlines() == [
        "onconav: warning: --sources: ccs-rectal-stage4: the file no longer matches 1 cited "
        "passage, not shown: 2450-2503 (onconav kb check lists them)"]
    same = run("search", "Lonsurf", "--limit", "3", "--sources", str(sources), "-f", output_format)
    assert same.status == 0 and same.stderr == ""


def test_command_without_sources_says_how_to_read_the_passages(run: Run, sources: Path) -> None:
    """Without the sources a passage hit is its offsets alone: the answer says how to see it."""
    done = run("search", "Lonsurf", "--limit", "2", env={"ONCONAV_SOURCES": ""})
    assert done.status == 0, done.stderr
    assert "2. [ccs-rectal-stage4 2450-2503] passage" in done.stdout
    assert "give --sources DIR (or set $ONCONAV_SOURCES)" in done.stdout
    shown = run("search", "Lonsurf", "--limit", "2", "--sources", str(sources))
    assert "--sources" not in shown.stdout


def test_command_says_how_the_question_was_read(run: Run) -> None:
    """The notices of the result (the cancer kept to, words not read as excluding) are printed
    before the hits; with no hit kept to a cancer, the cancers that match are named."""
    done = run("search", "no chemo for my rectal cancer", "--limit", "1")
    assert done.status == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Note: Kept to rectal cancer, named in the question")
    assert lines[1].startswith("Note: Words such as “no” are not read as leaving anything out")
    none = run("search", "lonsurf", "--cancer", "cervix")
    # (the knowledge base explains Lonsurf: it says so, and offers the entry)
    assert "Nothing in the sources kept to cervical cancer matches" in none.stdout
    assert "onconav explain trifluridine-tipiracil" in none.stdout
    assert "but the sources on rectal cancer do" in none.stdout
    odd = run("search", "chemo", "--cancer", "xyz", "--limit", "1")
    assert odd.status == 0 and "Note: 'xyz' is not a cancer the knowledge base knows" in odd.stdout


def test_command_no_hit_exits_0_with_suggestions(run: Run) -> None:
    done = run("search", "smell")  # (a sure slip, "lonsruf", is searched for its name)
    assert done.status == 0
    assert "Nothing in the sources or the knowledge base matches" in done.stdout
    assert "Closest known words: small" in done.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [(["search", ""], "QUERY"), (["search", "?!..."], "QUERY"), (["search", "x"], "QUERY"),
     (["search", "chemo", "--limit", "0"], "--limit"),
     (["search", "chemo", "--limit", "many"], "--limit"),
     (["search", "chemo", "--cancer", "no such"], "--cancer"),
     (["search", "chemo", "--format", "xml"], "--format")],
)  # fmt: skip
def test_command_bad_input_is_one_line(run: Run, args: list[str], field: str) -> None:
    done = run(*args)
    assert done.status == 2
    lines = done.errors()
    assert len(lines) == 1 and field in lines[0], lines


def test_a_lone_character_is_no_word_to_look_for(index: Index) -> None:
    """A digit or letter alone matched any passage with it: "<script>alert(1)</script>" found
    the checkpoint inhibitors and phase I trials through "1". A name with one ("5-FU", "phase 1
    trial") still counts."""
    assert index.search("<script>alert(1)</script>").hits == []
    with pytest.raises(SearchError):  # no word to look for: refused, as an empty question is
        index.search("x 1")
    assert index.search("5-FU", limit=1).hits[0].matches[0].words == "5 fu"
    assert index.search("phase 1 trial", limit=1).hits[0].citations[0].start == 5585


@given(st.from_regex(r"[a-z]{1,14}", fullmatch=True))
@example("tumours")
@example("randomised")
@example("oesophagus")
@example("leukaemia")
@example("anaesthetic")
@example("gynaecologist")
@example("litres")
@example("diarrhoea")
def test_the_quick_test_of_a_spelling_passes_over_no_word_a_rule_would_change(word: str) -> None:
    """``american`` skips a word no rule may change (one test, for speed: the index reads every
    word of the sources); it gives what the rules themselves give, for any word."""
    ruled = word
    for pattern, replacement in text_words.SPELLINGS:
        ruled = pattern.sub(replacement, ruled)
    assert text_words.american(word) == ruled


# --------------------------------------------------------------------------------------------
# The review of December 2026 (2): a chosen cancer's own passages, places, words found nowhere,
# "HER 2", other scripts, the user's own words in "matched", caveats
# --------------------------------------------------------------------------------------------


def test_a_chosen_cancers_own_passages_come_before_general_ones_of_similar_score(
    index: Index,
) -> None:
    """"pain" with --cancer cervix showed ten passages of the general source; the cervical
    passages on relieving pain were 11th and 12th, never shown ("bleeding": 9th)."""
    first = index.search("pain", limit=3, cancer="cervix").hits
    assert "ccs-cervical-stage4" in {h.citations[0].source for h in first}, first
    bleeding = index.search("bleeding", limit=5, cancer="cervix").hits
    assert "ccs-cervical-stage4" in {c.source for h in bleeding for c in h.citations}, bleeding
    # a cervical passage that answers comes first (it had been the general one on nerve pain:
    # "bleeding" with --cancer cervix had shown the cervical passage 5th)
    assert index.search("pain", limit=1, cancer="cervix").hits[0].citations[0].source == (
        "ccs-cervical-stage4")


def test_kept_to_a_cancer_its_own_sources_answer_comes_before_the_general_source(
    index: Index,
) -> None:
    """"bleeding" with --cancer cervix showed four passages and entries of the general source
    before the cervical passage on radiation to stop bleeding (the general source has more
    words on every symptom). A person who says their cancer is cervical sees their own
    source's answer first."""
    hits = index.search("bleeding", limit=5, cancer="cervix").hits
    assert hits[0].citations[0].source == "ccs-cervical-stage4", hits[0]
    # a general document still comes first where no own document answers as well
    assert index.search("angiography", limit=1, cancer="cervix").hits[0].citations[0].source == (
        "acs-advanced")


def test_kept_to_a_cancer_no_general_hit_comes_before_an_own_hit_that_answers(
    kb: KnowledgeBase, index: Index
) -> None:
    """The rule over every symptom's name, for every cancer with sources of its own: a hit
    citing only other sources never comes before a hit of the cancer's own sources that matched
    every word any hit matched and scores at least half the best score."""
    checked = 0
    for cancer in [c.id for c in kb.data.cancers if c.sources and c.id != "any"]:
        own = {s.id for s in kb.data.sources if s.cancer == cancer}
        for symptom in kb.data.symptoms:
            hits = index.search(symptom.name, limit=10, cancer=cancer).hits
            if not hits:
                continue
            said = {m.words for h in hits for m in h.matches}
            best = max(h.score for h in hits)
            answers = [h.rank for h in hits if {c.source for c in h.citations} & own
                       and {m.words for m in h.matches} >= said and h.score >= 0.5 * best]
            general = [h.rank for h in hits if not {c.source for c in h.citations} & own]
            if answers and general:
                checked += 1
                assert min(answers) < min(general), (cancer, symptom.name, hits)
    assert checked > 5


def _as_written(index: Index, name: str) -> bool:
    """Whether the search reads a name only as written (``Index.as_written``: "being sick")."""
    return tuple(text_words.WORD.findall(text_words.fold(name))) in index.as_written


def test_a_narrower_name_of_a_symptom_or_site_leads_to_its_main_name_alone(
    kb: KnowledgeBase, index: Index
) -> None:
    """Every name of "bleeding from the stomach or bowel" was a synonym of every other, so
    "rectal bleeding", "black stools" and "throwing up blood" found the same five hits, through
    "bowel bleeding" and "stomach bleeding": the place was lost. An other name of a symptom or a
    site ("spine" for bone) now leads to the main name alone; unless no document has the main
    name's words ("malnutrition": "losing weight" found nothing, and the search said the sources
    do not cover it): then to every name of it."""
    unsaid = 0
    for kind in ("symptoms", "sites"):
        for record in getattr(kb.data, kind):
            main, *others = [tuple(text_words.terms(n)) for n in record.names()]
            said = all(t in index.vocab for t in main) and (
                any(_together(seq, main) for seq in index.sequences) or not record.evidence)
            unsaid += not said
            for name, terms in zip(record.names()[1:], others, strict=True):
                if terms == main or not terms or _as_written(index, name):
                    continue  # (a name read only as written is in no name table)
                reached = {n.terms for n in index.names[terms] if n.entry == record.id}
                every = {tuple(text_words.terms(n)) for n in record.names()} - {()}
                assert reached <= {terms, main} if said else reached == every, (
                    record.id, terms, reached)
    assert unsaid  # malnutrition
    hits = index.search("losing weight", cancer="stomach", limit=3).hits
    assert any(h.citations[0].source == "gastric-recurrent" and h.citations[0].start == 3887
               for h in hits), [(h.kind, h.citations[0].label()) for h in hits]  # fmt: skip
    # (no source has the words of these three together: each finds the main name's hits
    # first, and the broader name's, "bleeding", only after them)
    for question in ("rectal bleeding", "black stools", "throwing up blood"):
        hits = index.search(question, limit=10).hits
        vias = [m.via for h in hits for m in h.matches if m.via]
        main = vias.count("bleeding from the stomach or bowel")
        assert main >= 3 and set(vias[:main]) == {"bleeding from the stomach or bowel"}, (
            question, vias)
        assert set(vias[main:]) <= {"bleeding"}, (question, vias)


# ("blockage at the top of the stomach" was one too, until the stomach stent's name took those
# words: a document now has them together, and it finds the blockage's entry by its own name)
@pytest.mark.parametrize(("question", "broader"), [
    ("rectal pain", "pain"), ("pain in the rectum", "pain"), ("tenesmus", "pain"),
])  # fmt: skip
def test_a_narrower_name_whose_main_name_no_document_has_leads_to_the_broader_one(
        kb: KnowledgeBase, index: Index, question: str, broader: str) -> None:  # fmt: skip
    """"rectal pain", "pain in the rectum" and "tenesmus", names of pain from the main tumour,
    led to that name alone, whose words no document has together, and found nothing ("Nothing
    in the sources matches"); so did "blockage at the top of the stomach". Such a name leads to
    the broader one too (the entry's parent, up to one some document has), and finds what it
    finds. It does not lead to the other names of its entry: "kidney" (another organ) is not
    "skin", "headache" (another symptom) not "seizures"."""
    hits = index.search(question, limit=3).hits
    assert hits and all(any(m.via == broader for m in h.matches) for h in hits), hits
    for kind in ("symptoms", "sites"):
        for record in getattr(kb.data, kind):
            main, *others = [tuple(text_words.terms(n)) for n in record.names()]
            if not all(t in index.vocab for t in main) or (record.evidence and not any(
                    _together(seq, main) for seq in index.sequences)):  # fmt: skip
                continue  # (malnutrition, a distant part of the body: every name of it)
            chain, parent, at = [], getattr(record, "parent", None), main
            while not any(_together(seq, at) for seq in index.sequences) and parent:
                at = tuple(text_words.terms(kb.by_id[parent].name))
                chain.append((parent, at))
                parent = getattr(kb.by_id[parent], "parent", None)
            for name, terms in zip(record.names()[1:], others, strict=True):
                if terms == main or not terms or _as_written(index, name):
                    continue  # (a name read only as written is in no name table)
                reached = {(n.entry, n.terms) for n in index.names[terms]}
                assert {(e, t) for e, t in reached if e == record.id} <= {
                    (record.id, terms), (record.id, main)}, (record.id, terms)
                assert set(chain) <= reached, (record.id, terms, chain)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(weak=st.sampled_from(sorted(text_words.WEAK)),
       topic=st.sampled_from(["swallow", "chemo working", "pain", "stent"]))  # fmt: skip
def test_a_weak_word_is_not_said_to_be_in_no_passage(index: Index, weak: str,
                                                     topic: str) -> None:  # fmt: skip
    """"cant swallow" and "chemo isnt working anymore" said "“cant” is in no passage or entry":
    a weak word matches nothing by itself, and is not named as a word nothing has."""
    for query in (f"{weak} {topic}", f"{topic} {weak}"):
        result = index.search(query)
        assert result.hits, query
        assert not any(f"“{weak}” is in no passage" in n for n in result.notices), query
    assert not index.search("cant swallow").notices
    assert not index.search("chemo isnt working anymore").notices
    assert "“cervicle” is in no passage" in index.search("cervicle wont swallow").notices[-1]


@pytest.mark.parametrize(("question", "word"), [
    ("shes not eating", "shes"), ("hes so tired", "hes"), ("theyre saying chemo", "theyre")])
def test_short_forms_written_without_an_apostrophe_are_weak(index: Index, question: str,
                                                            word: str) -> None:  # fmt: skip
    """A review of December 2026: "shes", "hes" and "theyre" (as "cant" and "isnt") had been
    named as in no passage or entry; they are weak words, and the hits are for the others."""
    result = index.search(question)
    assert result.hits and not any(f"“{word}”" in n for n in result.notices), result.notices
    assert word in text_words.WEAK


@pytest.mark.parametrize("question", ["being sick", "she keeps being sick after chemo",
                                      "is being sick normal"])  # fmt: skip
def test_being_sick_is_vomiting(index: Index, question: str) -> None:
    """A review of December 2026: "being sick" (vomiting, as people in Britain and Canada say
    it) found only the glossary's side effects, on "sick". It is read as "vomiting" (an other
    name of it, read only as written: ``Index.as_written``), and finds what "vomiting" finds;
    "sick of" is not read so."""
    hits = index.search(question).hits
    read = [m for h in hits for m in h.matches if m.words == "being sick"]
    assert read and all(m.via == "vomiting" for m in read), hits[:2]
    alone = index.search("being sick").hits
    assert [h.citations for h in alone] == [h.citations for h in index.search("vomiting").hits]
    fed_up = index.search("being sick of chemo").hits
    assert not any(m.via == "vomiting" for h in fed_up for m in h.matches), fed_up[:2]


def test_every_word_read_as_another_finds_what_that_word_finds(index: Index) -> None:
    """Every word of ``text.READ_AS`` (never looked for in the documents) finds what the word
    it stands for finds ("tablets": "pills"; "drip": "vein"; "hurts": "pain"), said as read:
    "tablets" and "drip" had been told they are not words the sources use, where the knowledge
    base says pills, and the sources "into a vein"."""
    for word, read in text_words.READ_AS.items():
        hits, as_read = index.search(word).hits, index.search(read).hits
        assert hits, word
        assert [h.citations for h in hits] == [h.citations for h in as_read], word
        assert all(m.via == read for h in hits for m in h.matches), (word, hits[0].matches)
    for word in ("tablets", "tablet", "drip", "is there a tablet instead of a drip"):
        assert index.search(word).hits, word


@given(come=st.sampled_from(sorted(text_words.COME)), before=st.text(max_size=20),
       after=st.text(max_size=20))  # fmt: skip
def test_come_back_is_one_word_in_every_form(come: str, before: str, after: str) -> None:
    """In all five sources "back" is "come/came/coming back" (the cancer recurring); a person's
    "back" is most often the body part. Each form is one word with one term, in documents and
    questions alike; a lone "back" is not it, nor is "came" alone."""
    text = f"{before} {come} back {after}"
    assert text_words.COME_BACK in text_words.terms(text)
    assert text_words.terms(f"{come} back") == [text_words.COME_BACK]
    assert text_words.COME_BACK not in text_words.terms(f"{come} {after}".replace("back", ""))


def test_back_and_came_are_not_the_cancer_coming_back(index: Index) -> None:
    """"it came back in my bones" gave seven entries on recurrence before the first passage on
    bones; "pain in my back" put the local excision ("come back ... pain") first. A lone
    "back" matches nothing, and "came" (a weak word) adds nothing through "came back"."""
    hits = index.search("it came back in my bones", limit=5).hits
    assert sum("bones" in {m.words for m in h.matches} for h in hits[:3]) >= 2, hits[:3]
    for query in ("pain in my back", "my back is killing me"):
        for hit in index.search(query).hits:
            assert "back" not in {m.words for m in hit.matches}, (query, hit.matches)
    for hit in index.search("it came in my bones").hits:
        assert all(m.words == "bones" for m in hit.matches), hit.matches
    assert "came back" in {m.words for h in index.search("it came back").hits for m in h.matches}
    # "recurrent" (only other cancers' sources say it) now finds the cervical page's "comes back"
    first = index.search("recurrent cervical cancer").hits[0]
    assert (first.citations[0].source, first.citations[0].start) == ("ccs-cervical-stage4", 2533)


@pytest.mark.parametrize(("query", "via"), [("my bones hurt", "bone pain"),
                                            ("aching", "pain")])  # fmt: skip
def test_everyday_words_for_pain_find_pain(index: Index, query: str, via: str) -> None:
    """"my bones hurt" showed the glossary's bowel obstruction first ("it can hurt a lot"):
    ache and aching are names of pain, "bones hurt" of bone pain. Not "hurt", "hurts" or
    "sore" alone: "hurt" put the blocked bowel ("it can hurt a lot") first for "pain" itself,
    and "sore" is broader ("sore throat", "mouth sores": a review of the change). "hurt" is
    read as "pain" in a question only (``test_hurt_in_a_question_is_read_as_pain``)."""
    hits = index.search(query, limit=3).hits
    assert any(m.via == via for m in hits[0].matches), hits[0]


@pytest.mark.parametrize("cancer", [None, "cervix", "rectum", "stomach"])
def test_pain_finds_the_care_of_pain_first(index: Index, cancer: str | None) -> None:
    """"pain" put surgery around a blocked bowel first, through "hurt" (an alias of pain) in
    its description: the first hit for "pain" is matched on the word itself."""
    first = index.search("pain", cancer=cancer, limit=3).hits[0]
    assert any(m.via is None for m in first.matches), first.matches


BLOCKED_BOWEL = {"bowel-obstruction-term", "general-bowel-bypass", "bowel-bypass"}


@pytest.mark.parametrize("query", ["my back hurts", "hurts", "it hurts", "my tummy is hurting",
                                   "it hurt when I swallow"])  # fmt: skip
def test_hurt_in_a_question_is_read_as_pain(index: Index, query: str) -> None:
    """"my back hurts" and "hurts" showed the blocked bowel first (the knowledge base's words on
    it say "it can hurt a lot"): "hurt", "hurts" and "hurting" in a question are read as "pain"
    (``text.READ_AS``), and the hits are the care of pain, matched as pain. The documents keep
    their "hurt": "pain" does not find the blocked bowel through it."""
    hits = index.search(query, limit=3).hits
    assert hits, query
    for hit in hits:
        ids = {r.id for r in hit.cited_by} | ({hit.entry.id} if hit.entry else set())
        assert not ids & BLOCKED_BOWEL, (query, hit.rank, ids)
    assert any(m.via is not None and "pain" in m.via for m in hits[0].matches), hits[0].matches
    for hit in index.search("pain", limit=LIMIT_MAX).hits:
        assert hit.entry is None or hit.entry.id != "bowel-obstruction-term", hit


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.sampled_from(["", "my back", "my bones", "it", "her tummy", "the stoma",
                               "radiation for", "when I swallow it"]),
       hurt=st.sampled_from(["hurt", "hurts", "hurting", "HURTS"]),
       after=st.sampled_from(["", "a lot", "at night", "after chemo", "in my back"]))  # fmt: skip
def test_a_word_read_as_another_finds_what_the_other_finds(
        index: Index, before: str, hurt: str, after: str) -> None:  # fmt: skip
    """A question with "hurts" finds the same hits, in the same order and with the same scores,
    as the same question with "pain" in its place."""
    def shown(query: str) -> list[tuple[object, ...]]:
        return [(h.kind, h.score, h.entry, tuple(h.citations))
                for h in index.search(query, limit=10).hits]  # fmt: skip

    assert shown(f"{before} {hurt} {after}") == shown(f"{before} pain {after}")


def test_a_word_of_a_name_in_a_passage_known_by_what_cites_it_counts_only_with_the_rest(
        index: Index, bare: Index) -> None:  # fmt: skip
    """Without the sources a passage stands in with the words of the entries citing it; "back"
    of rectal cancer's other name "back passage cancer" put the rectal page's passage on stage
    4 first for "my back hurts" and "pain in my back" ("matched: back"). A word of a name of
    several words counts there only with the rest of the name; an entry's own document still
    counts each word of its names ("PEG" finds the feeding tube, named "PEG tube")."""
    for query in ("back", "pain in my back", "my back is killing me", "passage"):
        for hit in bare.search(query).hits:
            assert not {"back", "passage"} & {m.words for m in hit.matches}, (query, hit)
    whole = bare.search("cancer of the back passage", limit=3).hits
    assert ("ccs-rectal-stage4", 219) in {(h.citations[0].source, h.citations[0].start)
                                          for h in whole}, whole  # fmt: skip
    for searched in (index, bare):
        assert "feeding-tube" in {h.entry.id for h in searched.search("PEG", limit=3).hits
                                  if h.entry is not None}  # fmt: skip


def _name_words() -> list[tuple[str, str]]:
    from onconav.kb import load_kb

    kb = load_kb()
    return sorted({(n, w) for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                   for n in r.names() if len(set(text_words.terms(n))) > 1
                   for w in text_words.WORD.findall(text_words.fold(n))
                   if w not in text_words.STOP and len(w) > 1})  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(pair=st.sampled_from(_name_words()))
def test_a_lone_word_scores_a_stand_in_only_where_it_is_not_only_in_names(
        kb: KnowledgeBase, bare: Index, pair: tuple[str, str]) -> None:  # fmt: skip
    """For any word of any name of several words, alone it scores a passage known by what
    cites it only where the citing entries' words have it outside their names of several
    words (a one-word name, a description, a caveat)."""
    name, word = pair
    for concept in bare.concepts(word):
        if len(set(concept.terms)) != 1:
            continue
        (_, own), *_ = bare._score(concept, {})
        for i in map(int, own.nonzero()[0]):
            doc = bare.docs[i]
            if doc.kind != "passage":
                continue
            loose = [part for r in doc.cited_by for part, held in _record_words(kb.by_id[r])
                     if not held or len(set(text_words.terms(part))) < 2]  # fmt: skip
            assert any(concept.terms[0] in text_words.terms(p) for p in loose), (name, word, doc)


def test_a_kept_stop_word_counts_only_beside_another_word(index: Index) -> None:
    """"bleeding down below" with --cancer cervix put a passage on the spinal cord first, on
    "below": a word of ``text.KEPT`` counts as a weak word does, only beside another word
    matching the same document."""
    for hit in index.search("bleeding down below", cancer="cervix").hits:
        assert "bleeding" in {m.words for m in hit.matches}, hit.matches
    assert not index.search("below").hits
    hits = index.search("back passage bleeding", cancer="rectum", limit=3).hits
    assert all(m.via == "bleeding from the stomach or bowel" for m in hits[0].matches), hits[0]
    assert "feeding-tube" in {h.entry.id for h in index.search("PEG tube", limit=3).hits
                              if h.entry is not None}  # fmt: skip


def test_a_word_that_matches_nothing_is_named_with_the_name_it_may_be(index: Index) -> None:
    """"cervicle cancer treatment" showed hits for "cancer treatment" and said nothing of
    "cervicle": suggestions came only with no hit at all."""
    result = index.search("cervicle cancer treatment")
    assert result.hits
    assert any("“cervicle” is in no passage or entry" in n and "“cervical”" in n
               for n in result.notices), result.notices  # fmt: skip
    nowhere = index.search("zzzzqqq chemotherapy", cancer="cervix")
    assert any("“zzzzqqq” is in no passage or entry" in n and "did you mean" not in n
               for n in nowhere.notices), nowhere.notices  # fmt: skip
    assert not any("no passage or entry" in n for n in index.search("chemotherapy").notices)
    # nothing matches it alone: searched for its name, which the first notice says, alone
    assert index.search("cervicle").notices == [
        "Nothing matches “cervicle” as written: the hits are for “cervical”, the closest known "
        "words."]


@pytest.mark.parametrize("question", ["what is HER 2", "HER 2", "is it her 2 positive", "her 2+",
                                      "HER 2 status for stomach cancer", "her 2 3+",
                                      "what is her 2", "her 2", "what about her 2?"])
def test_her_2_written_as_the_name_is_her2(index: Index, question: str) -> None:
    """"what is HER 2" was refused as having no word to look for ("her" is a common word and
    "2" a lone digit); "HER" in capitals, a result after it, or the number ending the question
    ("what is her 2", refused until a review of the search) is the name."""
    result = index.search(question)
    assert "her2" in {m.words.split()[0] for h in result.hits for m in h.matches}, result.hits


@pytest.mark.parametrize("question", ["Her 2 sons", "HER 2 SONS", "her 2 sons are with her"])
def test_her_2_not_written_as_the_name_is_not_her2(index: Index, question: str) -> None:
    hits = index.search(question).hits
    assert not any(m.words.startswith("her2") for h in hits for m in h.matches), question


@pytest.mark.parametrize("question", ["化疗", "Лонсурф", "what is 化疗"])
def test_a_question_in_another_script_is_told_only_english_is_searched(
    index: Index, run: Run, question: str
) -> None:
    """"化疗" and "Лонсурф" were refused as having "no word to look for (marks, a letter or digit
    alone ...)": they have words, in a script the search does not read."""
    with pytest.raises(SearchError, match="only English words are searched") as error:
        index.search(question)
    assert error.value.problem.field == "q"
    done = run("search", question)
    assert done.status == 2 and "only English words are searched" in done.errors()[0]
    with pytest.raises(SearchError, match="no word to look for"):
        index.search("?!...")
    mixed = index.search("chemo 化疗")
    assert mixed.hits and any("“化疗” was left out" in n for n in mixed.notices), mixed.notices


@pytest.mark.parametrize("question", ["¿qué es la quimioterapia?", "quimioterapia estómago",
                                      "Strahlentherapie für Magenkrebs?"])  # fmt: skip
def test_a_question_in_latin_letters_with_no_english_word_is_told_only_english_is_searched(
    index: Index, run: Run, sources: Path, question: str
) -> None:
    """A review of December 2026: a question in Spanish had been told that the sources do not
    seem to cover it. Latin letters with accents and no English word at all (no common word,
    no word a passage or entry has) are refused as "化疗" is, by the command (exit 2), the API
    (422) and the page alike; with a word the sources use ("cáncer"), the words are named."""
    with pytest.raises(SearchError, match="only English words are searched"):
        index.search(question)
    done = run("search", question, "--sources", str(sources))
    assert done.status == 2 and "only English words are searched" in done.errors()[0]
    app = create_app(settings=Settings(sources=sources))

    api = _get(app, "/api/v1/search", question)
    assert api.status_code == 422 and "only English words" in api.text, api.text
    page = _get(app, "/search", question)
    assert "only English words are searched" in page.text, page.text
    spanish = index.search("quimioterapia para cáncer de estómago")  # "cancer" is English
    assert any("“quimioterapia”" in n for n in spanish.notices), spanish.notices
    assert index.search("prognosis").notices  # no accent: English words the sources do not use


@pytest.mark.parametrize("question", ["her cancer is back", "it's back", "cancer back",
                                      "she’s back again", "anything for cancer back in the pelvis",
                                      "the tumour was back"])  # fmt: skip
def test_back_said_of_the_cancer_is_come_back(index: Index, question: str) -> None:
    """A review of December 2026: "back" counted only after come or came, and "her cancer is
    back", "cancer back" and "it's back" found nothing on recurrence; "anything for cancer back
    in the pelvis" said "“back” is in no passage or entry", where the rectal and cervical pages
    say "come back". After a form of "be" or the cancer, or before "again", "back" is read as
    "come back"; "back pain" and "my back" are still the body part."""
    result = index.search(question, limit=50)
    read = [m for h in result.hits for m in h.matches if m.words == "back"]
    assert read and all(m.via is not None for m in read), result.hits  # "came back", "recurrent"
    assert any(h.entry is not None and h.entry.id == "recurrent" for h in result.hits), result
    assert not any("“back”" in n for n in result.notices), result.notices


@settings(max_examples=100, deadline=None)
@given(before=st.sampled_from(["is", "was", "cancer", "cancers", "tumour", "tumors", "come",
                               "came", "comes", "coming", "it's", "she’s", "that's"]),
       after=st.sampled_from(["", "in the pelvis", "after chemo"]),
       lead=st.sampled_from(["", "her", "my mum's", "the"]),
       other=st.sampled_from(["my back", "lower back", "mum's back", "back pain", "her back"]))
def test_back_after_the_cancer_or_be_is_one_term(before: str, after: str, lead: str,
                                                 other: str) -> None:  # fmt: skip
    """Wherever it stands, "back" after a form of "come" or "be", after "it's" or the cancer,
    or before "again", is the one term of "come back", in a document as in a question; after
    any other word ("my back", "mum's back", "lower back"), it is the body part."""
    said = " ".join(w for w in (lead, before, "back", after) if w)
    assert text_words.COME_BACK in text_words.terms(said), said
    if other.endswith("back"):
        assert text_words.COME_BACK in text_words.terms(f"{lead} {other} again"), other
    body = f"{lead} {other} {after}"
    assert text_words.COME_BACK not in text_words.terms(body), body


@pytest.mark.parametrize(("question", "said"), [
    ("radiation to my back", "“back” matched nothing: the hits are for the other words."),
    ("bump on her back chemo", "“bump” is in no passage or entry and “back” matched nothing"),
])  # fmt: skip
def test_a_word_the_sources_have_is_not_said_to_be_in_no_passage(
    index: Index, question: str, said: str
) -> None:
    """"back" (the body part) is in the sources, in "come back", read there as one word: it
    had been said to be "in no passage or entry". A word some passage or entry has but that
    matched none as read "matched nothing"."""
    result = index.search(question)
    assert result.hits and any(said in n for n in result.notices), result.notices


def test_back_pain_is_still_back_pain(index: Index) -> None:
    """"is back pain common": "back pain", a name of pain, is not read as "come back"."""
    hits = index.search("is back pain common").hits
    assert any(m.words == "back pain" for h in hits for m in h.matches), hits


@pytest.mark.parametrize("question", ["liver", "radiation", "chemo liver", "spread to the liver",
                                      "radiation for bleeding"])  # fmt: skip
def test_matched_names_the_users_own_words_when_the_hit_has_them(
    index: Index, question: str
) -> None:
    """A passage saying "liver" was explained "liver (as hepatic)", the entry on radiation
    therapy "radiation (as RT)": the synonym scored more, but the hit has the words given."""
    for hit in index.search(question, limit=20).hits:
        shown = [hit.text or ""]
        if hit.entry is not None:
            shown += _shown_words(index.kb.by_id[hit.entry.id])
        has = set(text_words.terms(" ".join(shown)))
        for match in hit.matches:
            if set(text_words.terms(match.words)) <= has:
                assert match.via is None, (question, hit.rank, match)


def _shown_words(record: object) -> list[str]:
    """An entry's names and plain words, as a hit shows or names them (not its caveats)."""
    words = [t for a in ("name", "title", "description", "text", "note")
             if isinstance(t := getattr(record, a, None), str)]  # fmt: skip
    return [*words, *getattr(record, "aliases", [])]


def test_command_names_a_word_that_matches_nothing(run: Run) -> None:
    done = run("search", "cervicle cancer treatment", "--limit", "1")
    assert done.status == 0, done.stderr
    assert "Note: “cervicle” is in no passage or entry" in done.stdout
    assert "Did you mean “cervical”?" in done.stdout


def test_the_console_example_in_the_docs_is_what_the_command_prints(
    run: Run, sources: Path
) -> None:
    """docs/search.md showed scores 5.45 and 4.77 where the command printed 5.46 and 4.78: each
    line of the example is a line the command prints ("..." stands for the rest of a line)."""
    import shlex

    docs = (Path(__file__).parents[1] / "docs" / "search.md").read_text(encoding="utf-8")
    block = docs.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    args = shlex.split(block[0].removeprefix("$ onconav "))
    args[args.index("--sources") + 1] = str(sources)
    done = run(*args)
    assert done.status == 0, done.stderr
    printed = [line.rstrip() for line in done.stdout.splitlines()]
    for line in block[1:]:
        head, dots, _ = line.rstrip().partition("...")
        if dots and not head.strip():
            continue
        assert any(p == head or (dots and p.startswith(head)) for p in printed), line


# --------------------------------------------------------------------------------------------
# Weak words, questions the sources do not cover, and short abbreviations
# --------------------------------------------------------------------------------------------

COVER = "The sources here do not seem to cover this"


def _weak_only(hit_matches: list[object]) -> bool:
    """Whether every word a hit matched is a weak word, in its own words (no other name)."""
    return all(getattr(m, "via", None) is None
               and set(text_words.terms(getattr(m, "words", ""))) <= text_words.WEAK_TERMS
               for m in hit_matches)  # fmt: skip


@pytest.mark.parametrize(("question", "cancer", "not_first"), [
    ("how long do I have", None, None),
    ("is there a pill instead of a drip", None, "alcohol-ablation"),
    ("can they put chemo straight into the liver", "stomach", "stomach-feeding-tube"),
])  # fmt: skip
def test_a_weak_word_matches_no_hit_by_itself(index: Index, question: str, cancer: str | None,
                                              not_first: str | None) -> None:  # fmt: skip
    """The review of December 2026: "how long do I have" showed the glossary's bowel ("the long
    tube") and catheter on "long"; "is there a pill instead of a drip" alcohol ablation first on
    "instead"; "can they put chemo straight into the liver" with --cancer stomach a feeding tube
    first on "put" and "straight". A word with no content of its own adds to a hit that another
    word matches, but is no hit by itself."""
    hits = index.search(question, limit=50, cancer=cancer).hits
    assert not any(_weak_only(h.matches) for h in hits), [h.matches for h in hits]
    if not_first is not None:  # (no hit at all: "drip" alone, beside "pill", which no
        # document has, is a guess: test_one_plain_word_beside_an_unknown_one_is_no_hit)
        assert not hits or hits[0].entry is None or hits[0].entry.id != not_first, hits[0]


def test_a_weak_word_still_counts_beside_another(index: Index) -> None:
    """"how long will I be on chemo for rectal cancer": the passage that says how long the
    chemotherapy goes on ("as long as") is first, and says it matched "long"."""
    first = index.search("how long will I be on chemo for rectal cancer").hits[0]
    assert relevant(first, ["ccs-rectal-stage4 1382-1715"]), first
    assert "long" in {m.words for m in first.matches}, first.matches


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(question=st.sampled_from([q.q for q in load_questions(QUESTIONS)]),
       weak=st.lists(st.sampled_from(sorted(text_words.WEAK)), min_size=1, max_size=4),
       at=st.integers(min_value=0, max_value=20))  # fmt: skip
@example(question="chemo for the liver", weak=["put", "straight"], at=1)
def test_weak_words_added_to_a_question_carry_no_hit(
    index: Index, question: str, weak: list[str], at: int
) -> None:
    """Whatever weak words a question has, every hit matched some other word (or a name)."""
    words = question.split()
    asked = " ".join([*words[:at], *weak, *words[at:]])
    for hit in index.search(asked, limit=20).hits:
        assert not _weak_only(hit.matches), (asked, hit.rank, hit.matches)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(weak=st.lists(st.sampled_from(sorted(text_words.WEAK)), min_size=1, max_size=4),
       common=st.lists(st.sampled_from(["how", "do", "i", "have", "will", "it", "what", "is"]),
                       max_size=3))  # fmt: skip
@example(weak=["long"], common=["how", "do", "i", "have"])
@example(weak=["happen", "soon"], common=["what", "will"])
def test_a_question_of_weak_words_alone_is_asked_to_say_more(
    index: Index, weak: list[str], common: list[str]
) -> None:
    """A question with no word of content ("how long do I have") finds nothing, and is asked to
    say more (which treatment, symptom or part of the body), not shown hits on "long"; not told
    that the sources do not cover it, which its words cannot tell."""
    asked = " ".join([*common, *weak])
    concepts = index.concepts(asked)
    if any(c.terms in index.names for c in concepts):  # "something else" is a name
        return
    result = index.search(asked)
    # two side by side that a document has together are a phrase ("nothing more"): a hit
    phrase = [(*a.terms, *b.terms) for a, b in itertools.pairwise(concepts)
              if len({*a.terms, *b.terms}) > 1]  # fmt: skip
    if any(_together(seq, pair) for pair in phrase for seq in index.sequences):
        assert result.hits, asked
        return
    assert result.hits == [], (asked, result.hits)
    assert any(n.startswith("Say a little more") for n in result.notices), (asked, result.notices)
    assert any(n.endswith("ask your care team.") for n in result.notices), result.notices
    assert not any(n.startswith(COVER) for n in result.notices), (asked, result.notices)


@pytest.mark.parametrize("question", ["when should we call hospice", "who do I call",
                                      "what is it called", "calling the nurse about pain"])
def test_call_matches_no_hit_by_itself(index: Index, question: str) -> None:
    """The sources say "called" to name a thing ("also called XELOX"): "when should we call
    hospice" showed nine such lines after hospice care. "call" is a weak word."""
    for hit in index.search(question).hits:
        assert {m.words for m in hit.matches} - {"call", "called", "calling"}, hit.matches


@pytest.mark.parametrize(("question", "answer"), [
    ("they said nothing more can be done", "acs-advanced 1166-1594"),
    ("they said nothing more can be done, is that true?", "acs-advanced 1166-1594"),
])  # fmt: skip
def test_weak_words_that_are_a_phrase_find_it(index: Index, question: str, answer: str) -> None:
    """"they said nothing more can be done" was asked to say a little more, every word of it
    being weak, though the general source speaks to exactly that: weak words side by side in a
    question, together in a document, are a phrase it has."""
    hits = index.search(question).hits
    assert hits and relevant(hits[0], [answer]), [h.citations[0].label() for h in hits]
    assert not index.search("how long do I have").hits  # one weak word: still no hit


@pytest.mark.parametrize("question", [
    "can they take it out", "what can help", "what if there are many"])  # fmt: skip
def test_everyday_words_that_mean_something_here_still_find_hits(
    index: Index, question: str
) -> None:
    """"take" (out: surgery; by mouth), "help" (symptom relief) and "many" (many tumours) say
    something in these sources: a question made of them finds hits (a review found them weak
    words). "what else can be done" and "what is the next step" were here: they found the
    feeding tube on "else" ("something else") and surgery to stop bleeding on "next", and now
    find nothing (test_a_hit_resting_on_one_common_word_is_no_answer)."""
    result = index.search(question)
    assert result.hits, (question, result.notices)
    assert not any(n.startswith(COVER) for n in result.notices), result.notices


def test_a_question_the_sources_do_not_answer_is_told_to_ask_the_care_team(
    index: Index, run: Run, sources: Path
) -> None:
    """No hit, no name it may be a slip for, and no other cancer's sources: the words that
    matched nothing are named, and the care team is the one to ask; never that the sources do
    not seem to cover it, which the search cannot tell. A slip of the keys ("lonsruf") or
    another cancer's sources ("lonsurf" with --cancer cervix) say what they say instead."""
    # words the sources do not use (a question of a name of trouble swallowing, "what is
    # odynophagia", now offers the entry it names: test_a_question_read_as_one_name_offers_it)
    lose = index.search("will I lose my hair", cancer="cervix")
    assert lose.hits == [] and lose.suggestions == [] and lose.elsewhere == []
    assert lose.explained == []
    assert any("“hair”" in n and "ask your care team" in n for n in lose.notices), lose
    for question, cancer in (("lonsruf", None), ("lonsurf", "cervix"), ("chemo", None),
                             ("will I lose my hair", None), ("will I lose my hair", "cervix")):
        said = index.search(question, cancer=cancer).notices
        assert not any(n.startswith(COVER) for n in said), (question, said)
    done = run("search", "will I lose my hair", "--cancer", "cervix", "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "Note: “lose” and “hair”" in done.stdout and COVER not in done.stdout, done.stdout


@pytest.mark.parametrize(("question", "absent", "used"), [
    ("terminal cancer", [], []), ("life expectancy", ["expectancy"], ["life"]),
    ("quimioterapia para cáncer de estómago", ["quimioterapia", "para", "estómago"],
     ["cáncer"]),  # ("para" only of the name "para-aortic": not in the sources; as typed)
    ("her cancer is back", [], []), ("zqxwv cancer", ["zqxwv"], ["cancer"]),
])  # fmt: skip
def test_no_hit_names_the_words_that_matched_nothing(
    index: Index, question: str, absent: list[str], used: list[str]
) -> None:
    """A review of December 2026: "terminal cancer", "her cancer is back", "life expectancy" and
    "quimioterapia para cáncer de estómago" had been told "The sources here do not seem to
    cover this", of what the sources are written about. With no hit, the words that matched
    nothing are named: those no passage or entry has as not words the sources use, the others
    as in the sources but matching nothing shown (with hits, none is said)."""
    result = index.search(question)
    assert not any(COVER in n for n in result.notices), result.notices
    if not absent and not used:  # read now as words the sources use: hits
        assert result.hits, result
        return
    assert result.hits == [], result.hits
    notice = next(n for n in result.notices if "ask your care team" in n)
    not_used, _, in_sources = notice.partition(", and ")
    assert all(f"“{w}”" in not_used for w in absent) and "the sources use" in not_used, notice
    assert all(f"“{w}”" in in_sources for w in used), notice
    assert "in the sources but matched nothing" in in_sources, notice


def test_no_question_is_told_the_sources_do_not_cover_it(index: Index) -> None:
    """Whatever the words, some of them in a source passage (a number: the passages' words,
    ``_passage_words``), some no passage or entry has, and whatever the cancer: no notice says
    that the sources do not cover the question, and a word said not to be a word the sources
    use (or to be in no passage or entry) is in none. (The index is not an argument of the
    property: its repr is megabytes long.)"""
    passage = _passage_words(index)
    vocab_words = set(index.vocab)
    shown = {text_words.american(w) for d in index.docs if d.text
             for w in text_words.WORD.findall(text_words.fold(d.text))}  # fmt: skip
    claims = ("is not a word the sources use", "are not words the sources use",
              "is in no passage or entry", "are in no passage or entry")

    @settings(max_examples=80, deadline=None)
    @given(picks=st.lists(st.one_of(st.integers(min_value=0, max_value=10_000),
                                    st.from_regex(r"zq[a-x]{3,6}", fullmatch=True),
                                    st.sampled_from(["back", "is", "cancer", "terminal", "life",
                                                     "expectancy", "my", "how"])),
                          min_size=1, max_size=4),
           cancer=st.sampled_from([None, "stomach", "rectum", "cervix", "lung"]))  # fmt: skip
    def check(picks: list[int | str], cancer: str | None) -> None:
        words = [passage[p % len(passage)] if isinstance(p, int) else p for p in picks]
        try:
            result = index.search(" ".join(words), cancer=cancer)
        except SearchError:
            return
        assert not any(COVER in n for n in result.notices), (words, result.notices)
        stem = text_words.stemmer()
        for notice in result.notices:
            for claim in (c for c in claims if c in notice):
                for named in re.findall(r"“([^”]+)”", notice.split(claim)[0]):
                    found = set(text_words.stem_words(stem, named.split())) & vocab_words
                    assert not found, (words, named, notice)
                    assert not {text_words.american(w) for w in named.split()} & shown, (
                        words, named, notice)

    check()


_PASSAGE_WORDS: dict[int, tuple[str, ...]] = {}


def _passage_words(index: Index) -> tuple[str, ...]:
    """The words of the passages the knowledge base cites, folded, as written (every 7th of
    those of three letters or more, in order)."""
    if id(index) not in _PASSAGE_WORDS:
        found: set[str] = set()
        for doc in index.docs:
            if doc.kind == "passage" and doc.text:
                found |= set(text_words.WORD.findall(text_words.fold(doc.text)))
        _PASSAGE_WORDS[id(index)] = tuple(sorted(w for w in found if len(w) > 2))[::7]
    return _PASSAGE_WORDS[id(index)]


@pytest.mark.parametrize(("question", "cancer", "said"), [
    ("is it curable", None, "“curable” is not a word"), ("inoperable", "rectum", "“inoperable”"),
    ("treatable", None, "“treatable”"),
    ("insomnia", None, "“insomnia”"), ("will I lose my hair", None, "“lose” and “hair” are not"),
    ("is it curable", "cervix", "“curable” is not a word"),
])  # fmt: skip
def test_a_question_whose_words_the_sources_do_not_use_is_told_so(
    index: Index, question: str, cancer: str | None, said: str
) -> None:
    """With no hit, when no word of the question (but weak ones and the cancer's name) is in any
    passage or entry, the search names them: it had said that the sources do not seem to cover
    the question ("is it curable", "relapsed"), which it cannot tell from words it does not
    know."""
    result = index.search(question, cancer=cancer)
    assert result.hits == []
    assert any(said in n and "the sources use" in n for n in result.notices), result.notices
    assert not any(n.startswith(COVER) for n in result.notices), result.notices


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(unknown=st.lists(st.from_regex(r"zq[a-x]{3,8}", fullmatch=True), min_size=1, max_size=2,
                        unique=True),
       other=st.lists(st.sampled_from(["is", "it", "long", "how", "my", "the", "what"]),
                      max_size=3),
       cancer=st.sampled_from([None, "stomach", "rectum", "cervix", "lung"]))  # fmt: skip
def test_every_word_the_sources_do_not_use_is_named(
    index: Index, unknown: list[str], other: list[str], cancer: str | None
) -> None:
    """Whatever words no passage or entry has, beside common and weak words, and whatever the
    cancer: no hit, each of those words named, never "do not seem to cover"."""
    result = index.search(" ".join([*other, *unknown]), cancer=cancer)
    assert result.hits == [] and result.explained == []
    if result.suggestions:
        return
    notice = next(n for n in result.notices if "the sources use" in n)
    assert all(f"“{w}”" in notice for w in unknown), notice
    assert not any(n.startswith(COVER) for n in result.notices), result.notices


@pytest.mark.parametrize(("question", "cancer", "entry"), [
    ("lymph nodes", None, "lymph-nodes"), ("lymph nodes", "rectum", "lymph-nodes"),
    ("odynophagia", "cervix", "trouble-swallowing"),  # its plain name (a review of the change)
])  # fmt: skip
def test_no_hit_offers_the_entry_the_knowledge_base_explains(
    index: Index, run: Run, sources: Path, question: str, cancer: str | None, entry: str
) -> None:
    """"peritoneum" and "lymph nodes" found nothing (a place of spread has no plain words of its
    own to be a hit), and the answer said that nothing in the knowledge base matches, though
    `onconav explain peritoneum` explains it: the search offers the entry, as explain finds it."""
    result = index.search(question, cancer=cancer)
    assert result.hits == [] and [r.id for r in result.explained] == [entry]
    done = run("search", question, "--sources", str(sources),
               *(["--cancer", cancer] if cancer else []))
    assert done.status == 0, done.stderr
    assert "but the knowledge base explains it" in done.stdout
    assert f"onconav explain {entry}" in done.stdout
    assert "Nothing in the sources or the knowledge base" not in done.stdout
    assert index.search("chemo").explained == []  # with hits: the hits


def test_an_entry_that_explains_nothing_is_not_offered(kb: KnowledgeBase, index: Index) -> None:
    """A catch-all value explains nothing: "short of breath", "headache", "seizures" and
    "something else" were told "the knowledge base explains it: another symptom the cancer
    causes", and `onconav explain other-symptom` shows only its names. For every entry, a
    catch-all with nothing explain shows beyond its name, kind and other names is never
    offered, and its names with no hit get the honest notice; any other entry is, if its page
    shows something ("odynophagia": trouble swallowing, whose page lists the options that may
    ease it; an entry with nothing to show, such as the pelvis, is not: "blocked kidney" had
    been offered a page with only names)."""
    empty = []
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            shown = view(kb, record)
            # (the options that may ease "another symptom" explain nothing of a headache)
            options = shown.used_by if record.id not in index._catch_alls else []
            says = bool(shown.text or shown.details or shown.notes or shown.codes
                        or options or shown.settles or shown.evidence)  # fmt: skip
            if not says and record.id in index._catch_alls:
                empty.append(record)
            elif record.id not in index._catch_alls:
                assert (record.id in index.explaining) == says, record.id
    assert "other-symptom" in {r.id for r in empty}
    for record in empty:
        for name in record.names():
            try:
                result = index.search(name)
            except SearchError:
                continue
            assert record.id not in {r.id for r in result.explained}, name
            if not result.hits and not result.explained and not result.suggestions:
                assert _says_it_cannot_tell(result.notices), (name, result.notices)


@pytest.mark.parametrize("question", ["short of breath", "headache", "something else",
                                      "she keeps having seizures"])  # fmt: skip
def test_a_catch_all_symptom_is_no_explanation(run: Run, sources: Path, question: str) -> None:
    done = run("search", question, "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "the knowledge base explains it" not in done.stdout, done.stdout
    assert "other-symptom" not in done.stdout
    assert "ask your care team" in done.stdout, done.stdout


def _options_about(kb: KnowledgeBase, hit: Hit) -> set[str]:
    """The options a hit is about, as it shows them: itself, or those that cite or give it."""
    refs = [*hit.cited_by, *([hit.entry] if hit.entry is not None else [])]
    return {r.id for r in refs if isinstance(kb.by_id[r.id], Option)}


def test_a_narrower_symptom_does_not_lead_to_another_kind_of_it(
    kb: KnowledgeBase, index: Index
) -> None:
    """Every name of every symptom with a broader one, searched alone: a hit among the first
    three that it matches only through a broader name (bleeding, for "vaginal bleeding") is not
    about another kind of that symptom alone: of the options it is about that ease some kind of
    the broader one (``logic.relieves``, as `onconav options` decides), at least one eases the
    symptom named. "vaginal bleeding" had shown the general source's endoscopy, angiography and
    surgery to stop bleeding (from the stomach or bowel or the airways) first."""
    checked = 0
    for symptom in kb.data.symptoms:
        above, parent = [], symptom.parent
        while parent is not None:
            above.append(parent)
            parent = kb.by_id[parent].parent
        if not above:
            continue
        for name in symptom.names():
            for hit in index.search(name, limit=3).hits:
                broader = [m for m in hit.matches if m.entry is not None and m.entry.id in above]
                if not broader or len(broader) != len(hit.matches):
                    continue
                kin = [o for o in _options_about(kb, hit) if any(
                    relieves(kb.rules[o], {"symptoms": frozenset({a})}) is not Truth.FALSE
                    for a in above)]  # fmt: skip
                checked += 1
                assert not kin or any(relieves(kb.rules[o], {"symptoms": frozenset({symptom.id})})
                                      is not Truth.FALSE for o in kin), (name, hit.rank, kin)
    assert checked  # (the rule is asked of some hit)


@pytest.mark.parametrize("cancer", [None, "cervix"])
@pytest.mark.parametrize("question", ["vaginal bleeding", "bleeding from the vagina"])
def test_vaginal_bleeding_finds_what_options_offer_for_it(
    kb: KnowledgeBase, index: Index, question: str, cancer: str | None
) -> None:
    """The reviewer's case: the cervical palliative radiation [ccs-cervical-stage4 1110-1283]
    was 10th (not in the first three with --cancer cervix), after endoscopy, angiography and
    surgery to stop bleeding, which `onconav options` marks not suitable for it."""
    hits = index.search(question, cancer=cancer).hits
    profile = parse_profile({"cancer": "cervix", "stage": "4B", "symptoms": [question]}, kb)
    unsuitable = {o.id for o in evaluate(profile, kb).options if o.status == "not_suitable"}
    assert {"general-bleeding-surgery", "general-endoscopic-bleeding-control"} <= unsuitable
    for hit in hits[:3]:
        assert not _options_about(kb, hit) & unsuitable, (hit.rank, hit.citations)
    cervical = [h.rank for h in hits if h.kind == "passage" and relevant(
        h, ["ccs-cervical-stage4 1110-1283"])]  # fmt: skip
    assert cervical and cervical[0] <= (1 if cancer else 3), [h.citations for h in hits]


@pytest.mark.parametrize(("question", "cancer"), [
    ("how long does she have left", None), ("how much time is left", None),
    ("she keeps having fits", None), ("is there anything else she can try", None),
    ("what else can be done", None), ("second opinion", None),
    ("¿quimioterapia para cáncer de estómago?", None), ("de", None), ("hair loss", None),
    ("she has yellow skin", None), ("life expectancy", None), ("MSI high", None),
    ("what is the next step", None), ("hair loss", "rectum"), ("life expectancy", "cervix"),
])  # fmt: skip
def test_a_hit_resting_on_one_common_word_is_no_answer(
    index: Index, question: str, cancer: str | None
) -> None:
    """The reviewer's questions, each answered by unrelated passages matched on one everyday
    word ("left", "fits", "else", "second", "de" of "de Gramont", "loss", "skin", "life",
    "high"), shown with confidence: no hit now, and the answer says to ask the care team."""
    result = index.search(question, cancer=cancer)
    assert result.hits == [], [(h.rank, h.matches) for h in result.hits]
    assert _says_it_cannot_tell(result.notices), result.notices
    assert "ask your care team" in " ".join(result.notices).lower()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_one_plain_word_beside_an_unknown_one_is_no_hit(
    kb: KnowledgeBase, index: Index, data: st.DataObject
) -> None:
    """A word no document has may carry what a question asks ("hair" of "hair loss", "MSI" of
    "MSI high"): beside it, one plain word of the documents that is no name of the knowledge
    base ("loss", "high") finds no hit, in either order."""
    plain = sorted({w.surface for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                    for text, _ in _record_words(r) for w in text_words.words(text)
                    if len(w.surface) > 2 and w.term in index.vocab and w.term not in
                    text_words.WEAK_TERMS and (w.term,) not in index.names})  # fmt: skip
    word = data.draw(st.sampled_from(plain))
    unknown = data.draw(st.text("bcdfghjklmnpqrstvwxz", min_size=6, max_size=9))
    for question in (f"{unknown} {word}", f"{word} {unknown}"):
        assert index.search(question).hits == [], question


def _only_in_names(kb: KnowledgeBase, index: Index) -> list[str]:
    """The words of the knowledge base's names that no document has ("poo", "tummy"): not
    among the terms, nor the words any document shows."""
    shown = {text_words.american(w) for d in index.docs if d.text
             for w in text_words.WORD.findall(text_words.fold(d.text))}  # fmt: skip
    stem = text_words.stemmer()
    return sorted(w for w in index.known_words if w.isalpha() and len(w) > 2
                  and w not in text_words.STOP and text_words.american(w) not in shown
                  and not any(t in index.vocab for t in text_words.stem_words(stem, [w])))


@pytest.mark.parametrize(("question", "wanted"), [
    ("poo bag", {"colostomy", "stoma"}), ("bag on my tummy", {"colostomy", "stoma"})])  # fmt: skip
def test_a_word_of_a_name_no_document_has_keeps_the_hits(index: Index, question: str,
                                                       wanted: set[str]) -> None:  # fmt: skip
    """"poo bag" (a common name of a stoma bag) and "bag on my tummy" had found nothing, where
    "bag" alone finds the colostomy and the stoma: "poo" and "tummy", words of names of the
    knowledge base ("blood in poo", "tummy pain") that no document has, made "bag" a guess."""
    result = index.search(question)
    assert {h.entry.id for h in result.hits[:3] if h.entry is not None} & wanted, result.hits


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_word_the_knowledge_base_knows_loses_no_hits(
    kb: KnowledgeBase, index: Index, data: st.DataObject
) -> None:
    """Adding a word of the knowledge base's names that no document has ("poo", "tummy") to a
    plain word that finds hits, in either order, still finds hits: such a word is one the
    search knows, not one that may carry the question unseen (``Index._guessed``)."""
    plain = sorted({w.surface for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                    for text, _ in _record_words(r) for w in text_words.words(text)
                    if len(w.surface) > 2 and w.term in index.vocab and w.term not in
                    text_words.WEAK_TERMS and (w.term,) not in index.names})  # fmt: skip
    word = data.draw(st.sampled_from(plain))
    extra = data.draw(st.sampled_from(_only_in_names(kb, index)))
    if not index.search(word).hits or index.concepts(f"{word} {extra}") != [
            *index.concepts(word), *index.concepts(extra)]:  # fmt: skip
        reject()  # (no hit alone, or the two are read together as a name)
    for question in (f"{extra} {word}", f"{word} {extra}"):
        assert index.search(question).hits, question


def test_a_word_only_in_names_is_not_said_to_be_in_the_sources(kb: KnowledgeBase,
                                                                 index: Index) -> None:  # fmt: skip
    """With no hit, a word that only a name of the knowledge base has ("poo", of "blood in poo";
    "tummy", of "tummy pain") is not a word the sources use: "poo bag" had said that “poo” was
    "in the sources but matched nothing shown here". Every such word, alone."""
    words = _only_in_names(kb, index)
    assert {"poo", "tummy"} <= set(words)
    for word in words:
        result = index.search(word)
        if result.hits or result.suggestions or result.explained:
            continue
        assert any(f"“{word}” is not a word the sources use" in n for n in result.notices), (
            word, result.notices)


def test_a_weak_word_of_a_name_of_several_words_alone_is_no_hit(
    kb: KnowledgeBase, index: Index
) -> None:
    """Every word of every name of several words that is a weak word ("de" of "de Gramont",
    "left" of "Left hemicolectomy"), searched alone, finds no hit: "de" had found fluorouracil
    with leucovorin, "left" the left hemicolectomy. The name whole still finds its entry."""
    checked = set()
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            for name in record.names():
                found = text_words.words(name)
                for word in found if len(found) > 1 else []:
                    if word.term in text_words.WEAK_TERMS and word.surface not in checked:
                        checked.add(word.surface)
                        assert index.search(word.surface).hits == [], (word.surface, name)
    assert {"de", "left"} <= checked
    assert index.search("de Gramont").hits[0].entry.id == "fluorouracil-leucovorin"
    assert index.search("left hemicolectomy").hits[0].entry.id == "left-hemicolectomy"


@pytest.mark.parametrize("question", [
    "herceptin", "keytruda", "lonsurf", "5fu", "recurrance", "stent for stomach",
    "surgery to remove stomach", "throwing up blood", "blood in poo", "hospice",
    "colostomy bag forever", "fit for chemo", "feeding through a drip before stomach surgery",
    "cervicle cancer treatment"])  # fmt: skip
def test_what_worked_still_finds_hits(index: Index, question: str) -> None:
    assert index.search(question).hits, question


@pytest.mark.parametrize(("question", "said"), [
    ("capecitibine", "capecitabine"),
    ("cannabis", "“cannabis”"), ("turmeric", "“turmeric”")])  # fmt: skip
def test_what_worked_still_says_what_it_said(index: Index, question: str, said: str) -> None:
    result = index.search(question)
    assert said in [*result.suggestions, *" ".join(result.notices).split()], result


@pytest.mark.parametrize(("question", "cancer", "entry"), [
    ("relapsed", None, "recurrent"), ("relapse", None, "recurrent"),
    ("relapsed cervical cancer", None, "recurrent"),
    ("cervical cancer relapsed", None, "recurrent"),
    ("terminal cancer", None, "advanced-cancer"), ("is it terminal", None, "advanced-cancer"),
    ("she has relapsed", "stomach", "recurrent"),
    ("end stage", None, "advanced-cancer"), ("is she end-stage", None, "advanced-cancer"),
    ("late stage cancer", None, "advanced-cancer"),
])  # fmt: skip
def test_everyday_names_lead_to_their_entry(index: Index, question: str, cancer: str | None,
                                            entry: str) -> None:  # fmt: skip
    """A review of December 2026: "relapse", "relapsed" and "terminal" had been told they are
    not words the sources use ("terminal cancer": that the sources do not seem to cover it).
    They are other names of *Recurrent cancer* and *Advanced cancer* (the knowledge base's
    aliases), and lead to the entry and its passages. "end stage" and "late stage" (a review of
    the next session) had shown internal radiation first, for "stage" and a radiation that
    "ends": other names of *Advanced cancer* too, whose entry comes first."""
    hits = index.search(question, cancer=cancer, limit=50).hits
    if "stage" in question:
        assert hits[0].entry is not None and hits[0].entry.id == entry, hits[:2]
    ids = {n.entry.id for h in hits for n in h.matches if n.entry is not None} | {
        h.entry.id for h in hits if h.entry is not None}
    assert entry in ids, hits[:3]


def _says_it_cannot_tell(notices: list[str]) -> bool:
    """Whether the notices say that the sources do not cover a question, that its words are not
    theirs (ask the care team), or to say more: not beside an entry the knowledge base explains."""
    return any(n.startswith("Say a little more") or "cannot tell whether the sources cover" in n
               for n in notices)  # fmt: skip


@pytest.mark.parametrize("question", ["lymph nodes", "lymph node"])
def test_an_entry_explained_is_not_contradicted(run: Run, sources: Path, question: str) -> None:
    """"lymph nodes" said "“lymph nodes” is not a word the sources use, so the search cannot
    tell whether they cover the question ... ask your care team" and right after it that the
    knowledge base explains it: the command, the API and the page say only the latter."""
    done = run("search", question, "--sources", str(sources))
    assert done.status == 0, done.stderr
    assert "but the knowledge base explains it" in done.stdout
    assert "the sources use" not in done.stdout and "cannot tell" not in done.stdout, done.stdout
    app = create_app(settings=Settings(sources=sources))

    api = _get(app, "/api/v1/search", question).json()
    assert api["hits"] == [] and api["explained"], api
    assert not _says_it_cannot_tell(api["notices"]), api["notices"]
    shown = _get(app, "/search", question)
    assert shown.status_code == 200 and "the knowledge base explains" in shown.text
    assert "the sources use" not in shown.text and COVER not in shown.text
    none = _get(app, "/api/v1/search", "what are zqxwv").json()  # nothing explains it
    assert none["explained"] == [] and _says_it_cannot_tell(none["notices"]), none


def test_a_symptom_is_explained_by_the_options_that_may_ease_it(kb: KnowledgeBase) -> None:
    """Every symptom's explain page lists the options that may ease it, by the knowledge base's
    rules (``logic.relieves`` for a person who names only it, as `onconav options` reads it),
    under its own heading, and its broader and narrower kinds: all 22 had shown only their
    names ("blocked kidney", "bleeding")."""
    from onconav.explain import EASED_BY

    for symptom in kb.data.symptoms:
        row = {"symptoms": frozenset({symptom.id})}
        seen = view(kb, symptom)
        easing = {o.id for o in kb.options if relieves(kb.rules[o.id], row) is not Truth.FALSE}
        assert {u.id for u in seen.used_by} == easing, symptom.id
        # every symptom a source names has options that may ease it; tiredness and jaundice,
        # read because families type them, are named by no source, and no option is for them
        # alone (care to ease symptoms is offered to anyone)
        assert bool(seen.used_by) is (symptom.id not in ("tiredness", "jaundice")), symptom.id
        assert seen.used_by_heading == EASED_BY
        kinds = [s.id for s in kb.data.symptoms if s.parent == symptom.id]
        labels = dict(seen.details)
        assert ("A kind of" in labels) == bool(symptom.parent), symptom.id
        assert ("Kinds of it" in labels) == bool(kinds), symptom.id
    bleeding = {u.id for u in view(kb, kb.by_id["bleeding"]).used_by}
    assert {"general-endoscopic-bleeding-control", "general-palliative-radiation"} <= bleeding


def test_the_api_explains_a_symptom(sources: Path) -> None:
    """/api/v1/explain/urinary-blockage had no text, no citations and no options."""
    app = create_app(settings=Settings(sources=sources))

    done = _get(app, "/api/v1/explain/urinary-blockage").json()
    assert done["used_by"] and done["used_by_heading"] == "Options that may ease it", done
    page = _get(app, "/explain/urinary-blockage")
    assert "Options that may ease it" in page.text and "Radiation to ease symptoms" in page.text


def test_an_entry_offered_as_explained_shows_more_than_its_names(
    kb: KnowledgeBase, index: Index
) -> None:
    """With no hit, an entry is offered as what the knowledge base explains only when its page
    shows something beyond its names and kind: "blocked kidney" and "hydronephrosis" had been
    told "the knowledge base explains it" of a page with only names. Every entry."""
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            if record.id in index.explaining:
                seen = view(kb, record)
                assert (seen.text or seen.details or seen.notes or seen.codes or seen.used_by
                        or seen.settles or seen.evidence), record.id  # fmt: skip


@pytest.mark.parametrize("question", ["hydronephrosis"])
def test_an_entry_explained_that_cites_no_passage_says_so(index: Index, question: str) -> None:
    """The knowledge base cites no passage on the blockage of a kidney's urine flow: the answer
    says so, and to ask the care team, beside the entry it offers. ("blocked kidney" finds the
    passages of radiation to ease symptoms, whose options carry the caveat on a blocked kidney,
    knowledge base 1.6.29.)"""
    result = index.search(question)
    assert [r.id for r in result.explained] == ["urinary-blockage"], result
    assert any("cites no passage" in n and "care team" in n for n in result.notices), result


def _two_word_names(kb: KnowledgeBase) -> Iterator[tuple[str, str, list[text_words.Word]]]:
    """Every name of the knowledge base's named entries of two different words (their terms):
    its entry's id, the name and its two words."""
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            for name in record.names():
                found = text_words.words(name)
                if len(found) == 2 and found[0].term != found[1].term:
                    yield record.id, name, found


def test_a_name_of_two_words_is_read_in_either_order(kb: KnowledgeBase, bare: Index) -> None:
    """The two words of a name, the other way round and apart ("my kidney is blocked": "blocked
    kidney"), are that name: "kidney" had been read alone as *another organ*, and so as spread
    far, and the first hits were about spread and a blocked bowel. Every name of two words."""
    checked = 0
    for ident, name, found in _two_word_names(kb):
        checked += 1
        concepts = bare.concepts(" ".join(w.surface for w in reversed(found)))
        assert len(concepts) == 1, (name, concepts)
        entries = bare._entries(concepts[0]) | {
            n.entry for n in concepts[0].names if n.relation == "same"}
        assert ident in entries, (name, concepts)
    assert checked > 400


@pytest.mark.parametrize("question", ["my kidney is blocked", "her kidneys are blocked"])
def test_a_blocked_kidney_is_not_read_as_spread(index: Index, question: str) -> None:
    """"my kidney is blocked" had shown the passages on spread and a blocked bowel first,
    "kidney" read alone as a place the cancer spread to: it is the blockage of a kidney's urine
    flow, which no passage speaks of."""
    result = index.search(question)
    assert not any(m.entry is not None and m.entry.id in ("distant", "other-site")
                   for h in result.hits for m in h.matches), result.hits  # fmt: skip


def test_every_name_of_the_knowledge_base_finds_hits_or_its_entry(
    kb: KnowledgeBase, index: Index
) -> None:
    """Every name of every entry, searched alone, finds hits or the entry explain shows for it:
    never "nothing in the sources or the knowledge base" for a name the knowledge base has."""
    for name in sorted(index.known_names):
        try:
            result = index.search(name)
        except SearchError:  # no word to look for ("-"), or no English word
            continue
        explains = {r.id for r in kb.find(name) if r.id in index.explaining}
        assert result.hits or result.explained or not explains, name
        if not result.hits:
            assert {r.id for r in result.explained} == explains, name
        if result.explained:  # the answer: no notice that the search cannot tell
            assert not _says_it_cannot_tell(result.notices), (name, result.notices)


def test_every_name_finds_what_its_entry_or_a_broader_one_is_cited_by(
    kb: KnowledgeBase, index: Index
) -> None:
    """Every name of every entry, searched alone, finds a passage its entry cites (or the
    entry); an entry that cites none, it finds hits when a broader one (``parent``, up the line)
    cites some, or when the main name of the entry or of a broader one has its words together
    in some document. A review found 65 names that found nothing:
    "vaginal bleeding", "blood in urine", "gastric outlet obstruction", "metastatic disease"
    (the rule had gone to the broader name only from an other name, and only when every word of
    the main name was in some document); the test above had left out entries citing nothing."""
    missed = []
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind):
            line, parent = [record], getattr(record, "parent", None)
            while parent:
                line.append(kb.by_id[parent])
                parent = getattr(kb.by_id[parent], "parent", None)
            evidence = getattr(record, "evidence", None)
            cited = [f"{e.source} {e.start}-{e.end}" for e in evidence or ()] + [
                f"entry {record.id}"]
            said = any(getattr(r, "evidence", None) for r in line[1:]) or any(
                _together(seq, tuple(text_words.terms(r.names()[0])))
                for r in line for seq in index.sequences)  # fmt: skip
            for name in record.names():
                try:
                    hits = index.search(name, limit=LIMIT_MAX).hits
                except SearchError:  # no word to look for
                    continue
                if (evidence and not any(relevant(h, cited) for h in hits)) or (
                        said and not hits):  # fmt: skip
                    missed.append((record.id, name))
    assert not missed


@pytest.mark.parametrize(("question", "cancer", "answer"), [
    ("vaginal bleeding", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("bleeding from the vagina", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("bleeding from vagina", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("PV bleeding", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("bleeding per vagina", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("blood in the urine", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("blood in urine", "cervix", "ccs-cervical-stage4 1110-1283"),
    ("rectal bleeding", "rectum", "ccs-rectal-stage4 8130-8250"),
    ("bleeding from back passage", "rectum", "ccs-rectal-stage4 8130-8250"),
    ("blood in stool", "rectum", "ccs-rectal-stage4 8130-8250"),
    ("gastric outlet obstruction", "stomach", "ccs-stomach-stage4 1948-2114"),
    ("GOO", "stomach", "ccs-stomach-stage4 1948-2114"),
    ("pyloric obstruction", "stomach", "ccs-stomach-stage4 1948-2114"),
    ("blockage at the outlet of the stomach", "stomach", "ccs-stomach-stage4 1948-2114"),
])  # fmt: skip
def test_a_narrower_symptom_finds_the_cancers_own_passages_on_the_broader_one(
        index: Index, question: str, cancer: str, answer: str) -> None:  # fmt: skip
    """"vaginal bleeding" (also kept to cervical cancer) found nothing, though the cervical page
    says radiation may relieve bleeding in stage 4B; "rectal bleeding" kept to rectal cancer
    found four general passages and never the rectal page's radiation for pain and bleeding. A
    symptom's name leads to its broader one too (weighed below its own names): the cancer's own
    passages on it are among the hits."""
    hits = index.search(question, cancer=cancer).hits
    assert any(relevant(h, [answer]) for h in hits), [h.citations[0].label() for h in hits]


def _short_abbreviations() -> list[str]:
    """The names of the knowledge base written in capitals (two or more) as one word of at most
    four letters and digits ("HAI", "LAR", "5-FU", "KRAS"), folded."""
    from onconav.kb import load_kb
    from onconav.search.index import NAMED_KINDS

    kb = load_kb()
    return sorted({text_words.fold(n) for kind in NAMED_KINDS for r in getattr(kb.data, kind)
                   for n in r.names() if " " not in n and sum(c.isupper() for c in n) >= 2
                   and sum(c.isalnum() for c in n) <= 4})  # fmt: skip


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(short=st.sampled_from(_short_abbreviations()), letter=st.sampled_from("abcdeilnorstu"),
       at=st.integers(min_value=1, max_value=4), replace=st.booleans())  # fmt: skip
@example(short="hai", letter="r", at=3, replace=False)  # "hair"
@example(short="lar", letter="i", at=1, replace=False)  # "liar"
@example(short="goo", letter="d", at=3, replace=False)  # "good"
def test_a_short_abbreviation_is_no_slip_for_a_word_in_lower_case(
    index: Index, short: str, letter: str, at: int, replace: bool
) -> None:
    """"hair loss" was asked "Did you mean “hai”?" (HAI, hepatic arterial infusion), and "will I
    lose my hair" offered "hai": one letter more or other than a short abbreviation is most
    often an ordinary word. A word written in lower case is never offered one."""
    assert {"hai", "lar", "goo", "kras", "5fu"} <= set(_short_abbreviations()) <= set(
        index.abbreviations)  # fmt: skip
    at = min(at, len(short) - 1 if replace else len(short))
    typed = short[:at] + letter + short[at + replace :]
    shorts = set(_short_abbreviations())
    assert not shorts & set(index.suggest(typed)), typed
    result = index.search(f"{typed} chemotherapy")
    assert not any("did you mean" in n.lower() and any(f"“{s}”" in n for s in shorts)
                   for n in result.notices), (typed, result.notices)  # fmt: skip


def test_hair_is_not_asked_if_it_meant_hai(index: Index) -> None:
    loss = index.search("hair loss")  # no hit: "loss" alone beside "hair" is a guess
    assert not loss.hits and "hai" not in loss.suggestions, loss
    assert not any("hai”" in n for n in loss.notices), loss.notices
    assert any("“hair” is in no passage or entry" in n and "hai”" not in n
               for n in index.search("hair loss after chemo").notices)  # fmt: skip
    assert "hai" not in index.search("will I lose my hair").suggestions
    assert "folfox" in index.search("folfx").suggestions  # a longer one is still offered
    assert "hai" in index.search("what is HAIR").suggestions  # written as the name would be


def test_a_search_kept_to_a_cancer_whose_start_is_not_known_says_so_in_words(
    index: Index,
) -> None:
    """The page's search from the answer of a cancer whose start is not known keeps to "any":
    its notice said "'any' has no source of its own here", the id, not words."""
    for cancer in ("any", "unknown"):
        notices = index.search("chemo", cancer=cancer).notices
        assert any(n.startswith("Where the cancer started is not known: the search keeps to the "
                                "source on advanced cancer in general") for n in notices), notices
        assert not any("'any'" in n or "'unknown'" in n for n in notices), notices


# --------------------------------------------------------------------------------------------
# The review of December 2026 (4): text that is not valid Unicode, a cancer named with no
# source of its own, two cancers named, the words of --cancer, other scripts, the command's
# answer with no hit
# --------------------------------------------------------------------------------------------

NOT_UNICODE = "is not text (it is not valid Unicode)"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.text(max_size=20), after=st.text(max_size=20),
       half=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))  # fmt: skip
@example(before="chemo ", after="", half="\udcff")  # a byte the command line could not decode
def test_a_question_that_is_not_valid_unicode_is_refused_naming_q(
    index: Index, before: str, after: str, half: str
) -> None:
    """`onconav search $'chemo \\xff' --format json` printed a traceback (the JSON could not hold
    the lone surrogate), and in text the byte was dropped without a word: a question with half
    of a UTF-16 pair alone is refused as the profile refuses such a field."""
    with pytest.raises(SearchError) as error:
        index.search(f"{before}{half}{after}")
    assert (error.value.problem.field, error.value.problem.message) == ("q", NOT_UNICODE)
    assert error.value.problem.accepted, error.value.problem  # what is accepted (it said none)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_command_refuses_a_question_that_is_not_valid_unicode(run: Run, output_format: str) -> None:
    done = run("search", "chemo \udcff", "--format", output_format)
    assert done.status == 2
    assert done.errors() == [f"onconav: error: QUERY: {NOT_UNICODE}"]


def _no_source_names() -> list[str]:
    """Names of more than one word of the cancers the knowledge base knows with no source of its
    own that it answers from the general source alone (breast, prostate, thyroid cancer)."""
    from onconav.kb import load_kb

    kb = load_kb()
    own = {s.cancer for s in kb.data.sources} - {"any"}
    out = []
    for cancer in kb.data.cancers:
        site = getattr(cancer, "read_as", None) or cancer.id
        cited = {kb.sources[e.source].cancer for e in getattr(cancer, "evidence", ())}
        if site in own or site == "any" or cited & own:
            continue
        out += [n for n in cancer.names() if len(text_words.terms(n)) > 1]
    return sorted(out)


def _unknown_cancer_names() -> list[str]:
    from onconav.search.index import CANCER_KINDS, ORGANS

    return sorted([f"{organ} cancer" for organ in ORGANS] + list(CANCER_KINDS))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.lists(st.sampled_from(["chemo", "what if", "spread to brain", "stent",
                                        "surgery", "pain", "Lonsurf", "came back"]),
                       max_size=3),
       name=st.sampled_from(_no_source_names() + _unknown_cancer_names()))  # fmt: skip
@example(before=["spread to brain"], name="lung cancer")
@example(before=["stent"], name="esophageal cancer")
def test_a_question_naming_a_cancer_with_no_source_keeps_to_the_general_one(
    kb: KnowledgeBase, index: Index, before: list[str], name: str
) -> None:
    """"lung cancer spread to brain" was answered from the rectal page and "esophageal cancer
    stent" with the rectal stent first, without a word: a cancer named with no source of its own
    keeps to the general source, as --cancer does, and says so."""
    question = " ".join([name, *before])
    result = index.search(question, limit=50)
    general = {s.id for s in kb.data.sources if s.cancer == "any"}
    assert result.cancer_from == "question", (question, result.notices)
    assert "named in the question" in result.notices[0]
    assert "the search keeps to the source on advanced cancer in general" in result.notices[0]
    assert {c.source for h in result.hits for c in h.citations} <= general
    chosen = index.search(question, limit=50, cancer=result.cancer)
    assert result.hits == chosen.hits
    assert chosen.cancer_from == "given"


@pytest.mark.parametrize("question", [
    "which chemo do most people get first for bowel cancer that has spread",
    "colon cancer chemo", "colorectal cancer came back"])  # fmt: skip
def test_a_cancer_answered_from_another_cancers_source_is_named_and_kept_to_none(
    index: Index, question: str
) -> None:
    """Colon and colorectal cancer have no source of their own, but the knowledge base cites the
    rectal source for them: the question keeps to no cancer, and a notice says why."""
    result = index.search(question)
    assert (result.cancer, result.cancer_from) == (None, None)
    assert "has no source of its own here" in result.notices[0]
    assert "rectal cancer" in result.notices[0] and "may be about other cancers" in (
        result.notices[0])


ONE_WORD_OTHERS = [("stomach", "stomach"), ("gastric", "stomach"), ("rectal", "rectum"),
                   ("cervical", "cervix"), ("colon", "colon"), ("breast", "breast")]  # fmt: skip


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(named=st.sampled_from([n for n in CANCER_NAMES if not n[1].startswith("cancer ")]),
       other=st.sampled_from(ONE_WORD_OTHERS),
       joiner=st.sampled_from([" and ", " or ", ", ", " & ", " / "]),
       first=st.booleans(),
       before=st.sampled_from(["", "my mum has", "is chemo different for"]),
       after=st.sampled_from(["", "radiation", "treatment"]))  # fmt: skip
@example(named=("rectum", "rectal cancer"), other=("cervical", "cervix"), joiner=" and ",
         first=True, before="my mum has", after="")
@example(named=("rectum", "rectal cancer"), other=("stomach", "stomach"), joiner=" and ",
         first=True, before="is chemo different for", after="")
@example(named=("cervix", "cervical cancer"), other=("rectal", "rectum"), joiner=" or ",
         first=True, before="", after="radiation")
def test_two_cancers_named_one_by_one_word_keep_to_none(
    index: Index, named: tuple[str, str], other: tuple[str, str], joiner: str, first: bool,
    before: str, after: str
) -> None:
    """"my mum has cervical and rectal cancer" kept to rectal cancer (with a notice that
    “cervical” is in no source on it), "rectal or cervical cancer radiation" to cervical: beside
    a cancer named, a one-word name of another cancer is that cancer, and two keep to none.
    (Not "stomach and cancer of the back passage": the common words left out, the question's
    words are read as "stomach cancer" and "back passage".)"""
    cancer, name = named
    word, site = other
    pair = [word, name] if first else [name, word]
    question = " ".join([before, joiner.join(pair), after])
    result = index.search(question, limit=50)
    if site == cancer:  # the same cancer twice: kept to it
        assert result.cancer == cancer, question
        return
    assert (result.cancer, result.cancer_from) == (None, None), (question, result.notices)
    assert not any("in no source on" in n or n.startswith("Kept to") for n in result.notices)


@pytest.mark.parametrize("question", ["pain in my stomach from rectal cancer",
                                      "rectal cancer and rectal bleeding",
                                      "bowel problems after rectal cancer surgery"])  # fmt: skip
def test_a_body_part_of_the_same_cancer_or_another_entrys_name_keeps_to_the_cancer(
    index: Index, question: str
) -> None:
    """A one-word name of the cancer named, or a word another entry has too ("bowel"), is no
    second cancer; nor is "stomach" of "pain in my stomach", read as stomach pain (a name of
    pain, the other way round: ``Index._other_way``), where it had kept to no cancer, as the
    body part could not be told from the cancer."""
    result = index.search(question)
    expected = "rectum"
    assert result.cancer == expected, (question, result.notices)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(cancer=st.sampled_from(["stomach", "rectum", "cervix", "colon", "GEJ", "lung", "gastric"]),
       joiner=st.sampled_from([", ", " and ", " "]),
       other=st.sampled_from(["rectum", "lung", "colon", "stomach", "banana", "HER2 pending"]))
@example(cancer="stomach", joiner=", ", other="rectum")
@example(cancer="lung", joiner=" and ", other="stomach")
@example(cancer="stomach", joiner=" and ", other="colon")
def test_the_readers_warnings_on_the_cancer_chosen_are_notices(
    kb: KnowledgeBase, index: Index, cancer: str, joiner: str, other: str
) -> None:
    """`onconav search FOLFOX --cancer "stomach, rectum"` kept to stomach cancer without a word,
    where `onconav options` warns "not read: rectum"; --cancer GEJ, "answered here as stomach
    cancer": every warning the profile's reader gives on a cancer it knows is a notice."""
    from onconav.profile import ProfileError, parse_profile, read_cancer

    given_words = f"{cancer}{joiner}{other}"
    try:
        parse_profile({"cancer": given_words}, kb)
    except ProfileError:  # refused by the search alike
        with pytest.raises(SearchError):
            index.search("FOLFOX", cancer=given_words)
        return
    reading = read_cancer(kb, given_words)
    notices = index.search("FOLFOX", cancer=given_words).notices
    if reading.record in (None, "any"):  # the notice quotes every word given
        assert any(repr(cut(given_words)) in n for n in notices), notices
        return
    for warning in reading.warnings:
        said = warning.removeprefix("cancer: ").rstrip(".")
        assert any(said in n for n in notices), (given_words, warning, notices)
    gej = index.search("FOLFOX", cancer="GEJ").notices
    assert any("answered here as stomach cancer" in n for n in gej), gej


@pytest.mark.parametrize(("cancer", "said"), [("stomach, rectum", "not read: rectum"),
                                              ("lung and stomach", "not read: lung"),
                                              ("GEJ", "answered here as stomach cancer")])
def test_command_says_how_the_cancer_chosen_was_read(run: Run, cancer: str, said: str) -> None:
    done = run("search", "FOLFOX", "--cancer", cancer)
    assert done.status == 0, done.stderr
    assert any(line.startswith("Note: The cancer chosen: ") and said in line
               for line in done.stdout.splitlines()), done.stdout  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
@example("chemo,化疗")
@example("化疗(chemo)")
@example("ＦＯＬＦＯＸ")
@example("Straße")
@example("कीमो")
def test_every_letter_of_a_question_is_read_or_said_to_be_left_out(text: str) -> None:
    """"chemo,化疗" and "化疗(chemo)" dropped "化疗" without a word (only words parted by spaces
    were looked at), and "ＦＯＬＦＯＸ", read as FOLFOX, was said to be left out: each letter or
    digit is folded into one the search reads, or is in a run named as left out."""
    runs = text_words.left_out(text)
    for c in text:
        if c.isalnum() and not any(ch.isascii() and ch.isalnum() for ch in text_words.fold(c)):
            assert any(c in run for run in runs), (text, c, runs)
    for run in runs:
        assert run in text
        assert not text_words.WORD.search(text_words.fold(run)), (text, run)


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9]{1,11}", fullmatch=True))
def test_fullwidth_latin_is_read_as_latin(word: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in word)  # "ＦＯＬＦＯＸ"
    assert text_words.left_out(wide) == []
    assert text_words.terms(wide) == text_words.terms(word)


@pytest.mark.parametrize(("question", "plain", "left"), [
    ("chemo,化疗", "chemo", "化疗"), ("化疗(chemo)", "chemo", "化疗"),
    ("ＦＯＬＦＯＸ", "FOLFOX", None), ("ｃｈｅｍｏ", "chemo", None),
    ("Лонсурф, Lonsurf", "Lonsurf", "Лонсурф")])  # fmt: skip
def test_words_in_another_script_are_said_to_be_left_out(
    index: Index, question: str, plain: str, left: str | None
) -> None:
    result = index.search(question)
    assert _as_read(result.hits) == _as_read(index.search(plain).hits)
    said = [n for n in result.notices if n.startswith("Only English words are searched")]
    assert said == ([f"Only English words are searched: “{left}” was left out."] if left else [])


@pytest.mark.parametrize(("cancer", "name"), [
    ("GEJ", "gastro-oesophageal junction cancer"), ("unknown", "advanced cancer in general"),
    ("Lung", "Lung cancer"), ("cervix", "cervical cancer")])  # fmt: skip
def test_command_with_no_hit_names_the_cancer_kept_to(run: Run, cancer: str, name: str) -> None:
    """`onconav search lonsurf --cancer unknown` printed "kept to any", --cancer GEJ "kept to
    gastroesophageal-junction" (ids, or the words as typed), then "Try other words" right after
    a note that the rectal sources match."""
    done = run("search", "lonsurf", "--cancer", cancer)
    assert done.status == 0, done.stderr
    assert f"Nothing in the sources kept to {name} matches" in done.stdout  # (explained)
    assert "sources on rectal cancer do" in done.stdout
    assert "Try other words" not in done.stdout
    nothing = run("search", "zzzzqqq", "--cancer", cancer)
    assert "Try other words" in nothing.stdout
    assert f"Nothing in the sources or the knowledge base kept to {name} matches" in (
        nothing.stdout)


@pytest.mark.parametrize(("query", "cancer"), [
    ("avastin", "stomach"), ("feeding tube", "rectum"), ("paclitaxel", "cervix"),
    ("pembrolizumab", "cervix"), ("capecitabine", "rectum")])  # fmt: skip
def test_kept_to_a_cancer_an_entry_keeps_the_sources_of_what_it_says_of_others(
    index: Index, kb: KnowledgeBase, query: str, cancer: str
) -> None:
    """Kept to stomach cancer, bevacizumab's description (shown whole) spoke of FOLFIRI and of
    cervical cancer with only a stomach passage beside it, which says neither (a review of the
    search): an entry's citations of other cancers' sources are given apart, on other cancers,
    and their sources are named with their dates. A passage has none."""
    result = index.search(query, cancer=cancer, limit=10)
    kept = {s.id for s in kb.data.sources if s.cancer in (cancer, "any")}
    entries = [h for h in result.hits if h.entry is not None]
    assert entries
    for hit in result.hits:
        assert {c.source for c in hit.citations} <= kept
        assert not {c.source for c in hit.other_citations} & kept
        if hit.entry is None:
            assert not hit.other_citations
            continue
        doc = next(d for d in index.docs if d.entry == hit.entry.id)
        both = [*hit.citations, *hit.other_citations]
        assert sorted((c.source, c.start, c.end) for c in both) == sorted(
            (c.source, c.start, c.end) for c in doc.citations)
    named = {s.id for s in result.sources}
    assert {c.source for h in result.hits for c in h.other_citations} <= named
    assert any(h.other_citations for h in entries), query


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(first=st.sampled_from(["weak", "herceptin", "stoma", "hospice", "seizure"]),
       second=st.sampled_from(["chemo", "side effects", "radiation", "surgery"]))
def test_hits_each_for_one_word_of_the_question_are_said_so(index: Index, first: str,
                                                            second: str) -> None:  # fmt: skip
    """"too weak for chemo" showed the metal rod for a weak bone first, and nothing said that no
    passage speaks to both (a review): when no hit has more than one of the question's words
    that find something, a notice says each hit is for one of them; when some hit has two, no
    such notice."""
    result = index.search(f"{first} {second}")
    said = [n for n in result.notices if n.startswith("No passage or entry has")]
    matched = [{m.words for m in hit.matches} & {first, second}
               for hit in result.hits]  # the words each hit was found by
    if set().union(*matched) == {first, second} and all(len(m) < 2 for m in matched):
        assert said, (first, second, matched)  # each found, never together
    if any(len(m) == 2 for m in matched):
        assert not said, (first, second, said)
    assert "No passage or entry has both “weak” and “chemo”: each hit is for one of them." in (
        index.search("too weak for chemo").notices)
    for question in ("chemo isnt working anymore", "tired all the time"):  # (time: no name's)
        assert not [n for n in index.search(question).notices
                    if n.startswith("No passage or entry has")], question


# --------------------------------------------------------------------------------------------
# search7: refusals that say what they take, the index's explained entries, words read whole
# --------------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(query=st.text(max_size=30), limit=st.one_of(st.integers(-3, 60), st.text(max_size=3)),
       cancer=st.one_of(st.none(), st.text(max_size=12)))  # fmt: skip
@example(query="?!", limit=10, cancer=None)  # no word to look for
@example(query="   ", limit=10, cancer=None)  # empty
@example(query="化疗", limit=10, cancer=None)  # no English word
@example(query="¿qué es la quimioterapia?", limit=10, cancer=None)
def test_every_refusal_of_the_search_says_what_it_takes(
    index: Index, query: str, limit: int | str, cancer: str | None
) -> None:
    """The search's own refusal of a question with no word to look for (empty, marks alone, no
    English word) said nothing accepted, and the API filled it in from a table of its own
    (``SEARCH_TAKES``), the command line and the page saying none: every refusal says it."""
    try:
        index.search(query, limit=limit, cancer=cancer)
    except SearchError as error:
        assert error.problem.accepted, error.problem


def test_the_entries_offered_are_worked_out_once_as_the_index_is_built(
    kb: KnowledgeBase, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each search with no hit had built the explain page (``explain.view``) of every entry it
    might offer, for a symptom running the rules of every option (``explain.eased_by``), though
    whether a page shows more than its names depends on the knowledge base alone: the index
    works it out once, as it is built."""
    built = build_index(kb, sources)

    def refused(*args: object) -> None:
        raise AssertionError("explain.view built during a search")

    monkeypatch.setattr("onconav.search.index.view", refused)
    for question, cancer in (("hydronephrosis", "stomach"), ("lymph nodes", None)):
        assert built.search(question, cancer=cancer).explained, question


@pytest.mark.parametrize("cancer", [None, "stomach"])
def test_a_name_of_two_words_the_other_way_round_offers_its_entry(
    kb: KnowledgeBase, index: Index, cancer: str | None
) -> None:
    """With no hit, a question read as a name offers the entry the name offers: "my kidney is
    blocked" with --cancer stomach found nothing and offered nothing, where "blocked kidney"
    offered the blockage of a kidney's urine flow (explain finds the whole question alone, and
    the question is no name as written). Every name of two words, the other way round."""
    checked = 0
    for _, name, found in _two_word_names(kb):
        alone = index.search(name, cancer=cancer)
        if alone.hits or not alone.explained:
            continue
        checked += 1
        question = f"my {found[1].surface} is {found[0].surface}"
        result = index.search(question, cancer=cancer)
        offered = {r.id for r in alone.explained}
        assert result.hits or offered <= {r.id for r in result.explained}, (
            question, result.notices)  # fmt: skip
    assert checked >= 1


def test_a_word_read_whole_shares_its_term_with_no_other_word(index: Index) -> None:
    """The stemmer made "lining" (of the belly) and "line" one term: "cancer in the lining of
    the tummy" showed first-line treatment and a line into a vein first. Each word of
    ``text.WHOLE`` is a term of its own that no other word of the documents or of the knowledge
    base's names shares."""
    seen = {w for d in index.docs if d.text
            for w in text_words.WORD.findall(text_words.fold(d.text))}  # fmt: skip
    seen |= {w for name in index.known_names for w in text_words.WORD.findall(name)}
    stem = text_words.stemmer()
    for word, term in text_words.WHOLE.items():
        assert text_words.terms(word) == [term]
        sharing = {w for w in seen if text_words.stem_words(stem, [w]) == [term]}
        assert sharing <= set(text_words.WHOLE), (word, sharing)
    result = index.search("cancer in the lining of the tummy")
    assert result.hits
    assert not any(h.entry is not None and h.entry.id in ("first-line", "pain-medicine-line")
                   for h in result.hits), result.hits  # fmt: skip
    assert {m.words: m for h in result.hits for m in h.matches}["lining tummy"].via


def test_a_name_found_only_through_a_broader_one_says_so(kb: KnowledgeBase, index: Index) -> None:
    """No passage names the peritoneum: "peritoneum" and "lining of the abdomen" showed the
    passages on cancer spread far ("as distant metastasis") with nothing to say that no source
    speaks of the peritoneum itself. Every name of every symptom and site whose hits all matched
    it through a broader entry (``parent``, up the line) gets a notice naming it and the broader
    one; one matched by its own words or another name of its own gets none."""
    said = 0
    for kind in ("symptoms", "sites"):
        for record in getattr(kb.data, kind):
            up, parent = set(), getattr(record, "parent", None)
            while parent:
                up.add(parent)
                parent = getattr(kb.by_id[parent], "parent", None)
            for name in record.names():
                try:
                    result = index.search(name)
                except SearchError:
                    continue
                if len(index.concepts(name)) != 1 or not result.hits:
                    continue
                broader = all(m.entry is not None and m.entry.id in up
                              for h in result.hits for m in h.matches)  # fmt: skip
                notice = any("by name: the hits are for" in n for n in result.notices)
                assert notice == broader, (name, result.notices)
                said += notice
    assert said > 5
    assert any("peritoneum" in n for n in index.search("peritoneum").notices)


@pytest.mark.parametrize(("question", "entry"), [("what is odynophagia", "trouble-swallowing"),
                                                 ("what is hydronephrosis", "urinary-blockage")])
def test_a_question_read_as_one_name_offers_it(index: Index, question: str, entry: str) -> None:
    """With no hit, a question whose words but common ones are one name offers its entry, as
    the name alone does: "what is odynophagia" with --cancer cervix offered nothing, where
    "odynophagia" offered trouble swallowing (explain finds the whole question alone)."""
    assert [r.id for r in index.search(question, cancer="cervix").explained] == [entry]


def test_every_name_read_only_as_written_is_one_the_profile_and_explain_read(
    kb: KnowledgeBase, index: Index
) -> None:
    """The search read "being sick" as vomiting from a list of its own (``READ_AS_PAIRS``),
    which a profile refused (``{"symptoms": ["being sick"]}``) and explain did not know: it is
    an other name of vomiting in the knowledge base, which the search reads only as written, as
    every name whose one word left once its common words are left out is also a word of
    another entry's name ("sick": "feeling sick", nausea). Every such name is read as its entry
    by the search, explain and a profile, and does not make its one word alone a name."""
    assert ("being", "sick") in index.as_written
    for written, (said, main) in index.as_written.items():
        assert main.entry in {r.id for r in kb.find(said)}, said
        assert main.entry in {r.id for r in explain.find(kb, said)}, said
        matches = [m for h in index.search(said).hits for m in h.matches]
        assert matches and all(m.entry is not None and m.entry.id == main.entry
                               for m in matches), (said, matches)  # fmt: skip
        (alone,) = {tuple(text_words.terms(said))}
        assert said not in {text_words.fold(n.name) for n in index.names.get(alone, ())}, said
        field = {"symptoms": "symptoms", "sites": "metastases"}.get(kb.kind_of[main.entry])
        if field is not None:
            profile = parse_profile({"cancer": "rectum", field: [said]}, kb)
            assert main.entry in getattr(profile, field), (said, written)


@pytest.mark.parametrize("said", ["{} pills", "{} tablets", "IV {}", "oral {}"])
def test_explain_reads_a_treatment_named_with_how_it_is_given_as_a_profile_does(
    kb: KnowledgeBase, said: str
) -> None:
    """`onconav explain "chemo pills"` was "nothing in the knowledge base is called 'chemo
    pills'", where a profile reads the words as chemotherapy (``words.ROUTE``, the profile's
    and explain's one reader of how a treatment is given). Every name of every drug, regimen
    and kind of drug."""
    for kind in ("drugs", "regimens", "drug_classes"):
        for record in getattr(kb.data, kind):
            for name in record.names():
                typed = said.format(name)
                if kb.find(typed) or not words.ROUTE.fullmatch(typed):
                    continue
                assert [r.id for r in explain.find(kb, typed)] == [
                    r.id for r in kb.find(name)], typed
    assert [r.id for r in explain.find(kb, "chemo pills")] == ["chemotherapy"]


@pytest.mark.parametrize(("typed", "shown"), [("being sick", "vomiting"),
                                              ("chemo pills", "Chemotherapy"),
                                              ("Xeloda tablets", "capecitabine")])
def test_explain_and_a_profile_read_the_words_search_reads(run: Run, typed: str,
                                                           shown: str) -> None:  # fmt: skip
    """The search read "being sick" as vomiting, but a profile with it was refused and
    `onconav explain "being sick"` found nothing; explain did not know "chemo pills", which a
    profile reads. One list, the knowledge base's names (and one reader of how a treatment is
    given, ``words.ROUTE``), for the three."""
    done = run("explain", typed)
    lines = [line for line in done.stdout.splitlines() if not line.startswith("Note: ")]
    assert done.status == 0 and lines[0].startswith(shown), done.stderr
    if typed == "being sick":
        done = run("options", "--cancer", "rectum", "--stage", "4", "--symptom", typed, "--brief")
        assert done.status == 0 and "vomiting (you wrote: being sick)" in done.stdout, done.stderr


def _entry_parts_shown(hit: Hit) -> list[tuple[str, ...]]:
    """The terms of what an entry hit shows: its name and its text."""
    assert hit.entry is not None
    return [tuple(text_words.terms(t)) for t in (hit.entry.name, hit.text or "")]


@pytest.mark.parametrize("cancer", [None, "rectum"])
def test_an_entry_hit_shows_where_its_words_matched(kb: KnowledgeBase, index: Index,
                                                   cancer: str | None) -> None:  # fmt: skip
    """"my kidney is blocked" listed the palliative radiation options, "matched: kidney
    blocked", through their note (caveat) that the sources do not say how a blocked kidney is
    eased, and showed only their description: read as if radiation eased it. Over every
    question of both question sets and every option's caveat: each match of an entry hit (not
    a weak word alone) is in its name or the text shown, or a part it shows beside it
    (``matched_in``: the note, or another name) holds it; each part shown so is one of the
    entry's, not its name or text."""
    from onconav.search.index import _record_parts, _same_name

    questions = [q.q for name in ("questions", "heldout")
                 for q in load_questions(Path(__file__).parent / "search" / f"{name}.yaml")]
    questions += [c.text for o in kb.options for c in o.caveats][:60]
    questions.append("my kidney is blocked")
    checked = 0
    for question in questions:
        for hit in index.search(question, cancer=cancer).hits:
            if hit.entry is None:
                assert hit.matched_in == [], hit
                continue
            parts = dict((text, part) for part, text in _record_parts(kb.by_id[hit.entry.id]))
            for unshown in hit.matched_in:
                assert unshown.text in parts and unshown.text != hit.text, (question, unshown)
            shown = _entry_parts_shown(hit)
            for match in hit.matches:
                terms = tuple(text_words.terms(match.via or match.words))
                if set(terms) <= text_words.WEAK_TERMS or any(
                        _together(t, terms) for t in shown):  # fmt: skip
                    continue
                checked += 1
                if any(part == "other name" and _same_name(text, match.said)
                       for text, part in parts.items()):  # fmt: skip
                    continue  # the words are one of its other names, not said as its own
                assert any(match.said in u.words for u in hit.matched_in), (question, hit)
    assert checked > 10
    for hit in index.search("my kidney is blocked", cancer=cancer).hits:
        if hit.entry is not None and hit.entry.kind == "options":
            assert any(u.part == "note" and "kidney" in u.text for u in hit.matched_in), hit


def _folded(name: str) -> str:
    return " ".join(re.sub(r"[\"'\u201c\u201d\u2018\u2019]", "", name).casefold().split())


@pytest.mark.parametrize("asked", ["{}", "will I need a {}", "what is “{}”?"])
def test_no_glossary_name_is_given_as_its_own_other_name(kb: KnowledgeBase, index: Index,
                                                         asked: str) -> None:  # fmt: skip
    """"will I need a stoma bag" showed “stoma bag”: also called stoma bag, a name given as
    its own other name. Over every name and other name of every glossary entry, asked alone
    and in a question: no hit gives, as the other name of words typed, those words again
    (whatever their case or quotes)."""
    asked_names = [n for g in kb.data.glossary for n in (g.name, *g.aliases)]
    assert len(asked_names) > 45
    for name in asked_names:
        for hit in index.search(asked.format(name)).hits:
            for unshown in hit.matched_in:
                if unshown.part == "other name":
                    assert not any(_folded(unshown.text) == _folded(w) for w in unshown.words), (
                        name, hit.entry, unshown)


@pytest.mark.parametrize("cancer", [None, "rectum"])
def test_a_passage_shown_without_its_text_shows_the_note_it_matched_through(
    kb: KnowledgeBase, bare: Index, cancer: str | None
) -> None:
    """Without the sources a passage's words are those of the entries citing it, their notes
    too: "my kidney is blocked" put the palliative radiation passages first, "matched: kidney
    blocked", though neither passage speaks of a kidney; the words were in the options' note
    that the sources do not say how a blocked kidney is eased, which was not shown. Over every
    question of both question sets and every option's caveat: each match of such a passage that
    no citing entry's name, other names or description holds (a weak word alone aside; a
    general option not shown beside one cancer's too) is in a
    note shown beside it (``matched_in``), the note of an entry citing it; a
    passage shown with its text shows none."""
    from onconav.search.index import _record_parts

    questions = [q.q for name in ("questions", "heldout")
                 for q in load_questions(Path(__file__).parent / "search" / f"{name}.yaml")]
    questions += [c.text for o in kb.options for c in o.caveats][:60]
    questions.append("my kidney is blocked")
    checked = 0
    for question in questions:
        for hit in bare.search(question, cancer=cancer).hits:
            if hit.entry is not None:
                continue
            assert hit.text is None
            at = (hit.citations[0].source, hit.citations[0].start, hit.citations[0].end)
            citers = next(d.cited_by for d in bare.docs if d.kind == "passage" and
                          (d.citations[0].source, d.citations[0].start, d.citations[0].end) == at)
            for unshown in hit.matched_in:
                assert unshown.of is not None and unshown.of.id in citers, (question, unshown)
                notes = [t for part, t in _record_parts(kb.by_id[unshown.of.id])
                         if part == "caveat"]  # fmt: skip
                assert unshown.part == "note" and unshown.text in notes, (question, unshown)
            own = [tuple(text_words.terms(t)) for r in citers  # (one not shown too: a general
                   for part, t in _record_parts(kb.by_id[r]) if part != "caveat"]  # option's)
            for match in hit.matches:
                terms = tuple(text_words.terms(match.via or match.words))
                if set(terms) <= text_words.WEAK_TERMS or any(_together(t, terms) for t in own):
                    continue
                if match.via is not None and match.via.endswith(EASED):
                    continue  # an option that may ease the symptom: by the rules, no words
                checked += 1
                assert any(match.said in u.words for u in hit.matched_in), (question, hit)
    assert checked > 0
    first = bare.search("my kidney is blocked", cancer=cancer).hits[0]
    assert first.entry is None and any(
        u.of is not None and "kidney" in u.text for u in first.matched_in), first


def test_the_command_without_the_sources_shows_the_note_a_passage_matched_through(
    run: Run,
) -> None:
    """Without the sources the command shows, under a passage that matched through a citing
    option's note, that note and whose it is ("my kidney is blocked")."""
    done = run("search", "my kidney is blocked", env={"ONCONAV_SOURCES": ""})
    assert done.status == 0, done.stderr
    first = done.stdout.split("\n2. ")[0]
    assert "passage" in first.splitlines()[0], done.stdout
    assert "“kidney is blocked” is in the note of Radiation to ease symptoms" in first, first
    assert "which cites it: If a kidney is blocked" in first, first


def test_the_command_the_api_and_the_page_show_where_an_entry_matched(
    run: Run, sources: Path
) -> None:
    """The note an entry hit matched through is shown with it by the command line, the API
    and the page ("my kidney is blocked": the palliative radiation options' note on a blocked
    kidney)."""
    done = run("search", "my kidney is blocked", "--sources", str(sources))
    assert done.status == 0, done.stderr
    note = "“kidney is blocked” is in its note: If a kidney is blocked"
    assert note in done.stdout, done.stdout
    app = create_app(settings=Settings(sources=sources))

    api = _get(app, "/api/v1/search", "my kidney is blocked").json()
    assert all(h["matched_in"] and h["matched_in"][0]["part"] == "note" for h in api["hits"])
    page = _get(app, "/search", "my kidney is blocked").text
    assert "is in its note: If a kidney is blocked" in page, page


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
@example("cancer in the Lining of the ﬁrst Tummy")
@example("Café’s caﬀeine")
def test_typed_gives_the_characters_a_folded_word_comes_from(text: str) -> None:
    """``text.typed``: each word of a folded text (``fold``) comes from characters of the text
    that fold to it, as typed."""
    folded = text_words.fold(text)
    for found in text_words.WORD.finditer(folded):
        said = text_words.typed(text, found.start(), found.end())
        assert found.group() in text_words.fold(said), (text, found, said)
        assert said in text


@pytest.mark.parametrize(("question", "quoted"), [
    ("cancer in the Lining of the Tummy", "peritoneum (“Lining of the Tummy”)"),
    ("Cervicle cancer treatment", "“Cervicle” is in no passage or entry"),
    ("poo bag", "“poo” matched nothing")])  # fmt: skip
def test_a_notice_quotes_the_words_as_typed(index: Index, question: str, quoted: str) -> None:
    """The notice on the peritoneum quoted the words as the search reads them ("lining tummy",
    its common words left out): a notice quotes what the person typed."""
    notices = index.search(question).notices
    assert any(quoted in n for n in notices), notices


def test_every_broader_notice_quotes_the_name_as_typed(kb: KnowledgeBase, index: Index) -> None:
    """Every name of a symptom or a site found only through a broader one is quoted in its
    notice as typed, words that are in the name in a row (it had been "lining tummy")."""
    said = 0
    for kind in ("symptoms", "sites"):
        for record in getattr(kb.data, kind):
            for name in record.names():
                try:
                    notices = index.search(name).notices
                except SearchError:
                    continue
                for notice in notices:
                    if "by name: the hits are for" in notice:
                        said += 1
                        (quoted,) = re.findall(r"“([^”]*)”", notice.split(" by name")[0])
                        assert quoted in name, (name, notice)
    assert said > 5


def test_explain_says_the_words_of_a_name_it_did_not_use(kb: KnowledgeBase, run: Run,
                                                         sources: Path) -> None:  # fmt: skip
    """`onconav explain "chemo pills"` showed chemotherapy without a word of "pills", which it
    set aside (``words.ROUTE``): the command, the page and the API say which words were not
    used. Every name of every drug, regimen and kind of drug with how it is given; a name
    found whole says nothing."""
    for kind in ("drugs", "regimens", "drug_classes"):
        for record in getattr(kb.data, kind):
            for name in record.names():
                for route in ("pills", "tablets only"):
                    typed = f"{name} ({route})" if " " in route else f"{name} {route}"
                    reading = explain.read(kb, typed)
                    if kb.find(typed) or not reading.found:
                        continue
                    assert reading.notice is not None and f"“{route}”" in reading.notice, typed
    assert explain.read(kb, "chemotherapy").notice is None
    done = run("explain", "chemo pills")
    assert done.status == 0 and "“pills”" in done.stdout.splitlines()[0], done.stdout
    app = create_app(settings=Settings(sources=sources))

    api = _get(app, "/api/v1/explain/chemo pills").json()
    assert api["id"] == "chemotherapy" and "“pills”" in api["notices"][0], api
    assert _get(app, "/api/v1/explain/chemo").json()["notices"] == []
    page = _get(app, "/explain/chemo pills").text
    assert "“pills”</bdi>" in page and "was not used" in page, page


def test_explain_a_kind_of_procedure_lists_its_procedures(kb: KnowledgeBase, run: Run,
                                                          sources: Path) -> None:  # fmt: skip
    """`onconav explain surgery` found no entry, though a profile reads "surgery" (a treatment
    had: any operation): every kind of procedure (``ProcedureKind``) that no entry is named by,
    alone or plural, lists the procedures of that kind, in the command, the page and the API."""
    from onconav.kb.model import ProcedureKind

    listed = 0
    for kind in ProcedureKind:
        of_kind = [p.id for p in kb.data.procedures if p.kind is kind]
        for typed in (kind.value, kind.value + "s"):
            if kb.find(typed) or not of_kind:
                continue
            (seen,) = explain.read(kb, typed).views(kb)
            assert [u.id for u in seen.used_by] == of_kind, typed
            listed += 1
    assert listed >= 4
    done = run("explain", "surgery")
    assert done.status == 0, done.stderr
    assert "gastrectomy" in done.stdout and "Pelvic exenteration" in done.stdout, done.stdout
    app = create_app(settings=Settings(sources=sources))

    api = _get(app, "/api/v1/explain/surgery")
    assert api.status_code == 200 and "gastrectomy" in [u["id"] for u in api.json()["used_by"]]
    page = _get(app, "/explain/surgery")
    assert page.status_code == 200 and 'href="/explain/gastrectomy' in page.text, page.text


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(c in rest for c in short)


@pytest.mark.parametrize("sources_at_hand", [True, False])
def test_a_match_shows_the_words_as_typed(index: Index, bare: Index, run: Run, sources: Path,
                                          sources_at_hand: bool) -> None:  # fmt: skip
    """A hit's match line quoted the words as read ("matched: kidney blocked") where a notice
    quotes them as typed ("my kidney is blocked"). Over every question of both question sets:
    each match says the question's own characters (``said``), from its first word read to its
    last, which hold its words as read in order ("HER-2" for "her2", "kidney is blocked" for
    "kidney blocked"), and the parts shown beside a hit (``matched_in``) quote the same; the
    command, the API and the page show them so."""
    searched = index if sources_at_hand else bare
    questions = [q.q for name in ("questions", "heldout")
                 for q in load_questions(Path(__file__).parent / "search" / f"{name}.yaml")]
    checked = 0
    for question in [*questions, "my kidney is blocked", "is HER-2 a marker"]:
        for hit in searched.search(question).hits:
            for match in hit.matches:
                assert match.said in question, (question, match)
                assert _subsequence(match.words.replace(" ", ""),
                                    text_words.fold(match.said)), (question, match)
                checked += match.said != match.words
            said = {m.said for m in hit.matches}
            assert all(set(u.words) <= said for u in hit.matched_in), (question, hit)
    assert checked > 10
    kidney = searched.search("my kidney is blocked").hits[0]
    assert [m.said for m in kidney.matches] == ["kidney is blocked"], kidney.matches
    if not sources_at_hand:
        return
    done = run("search", "my kidney is blocked", "--sources", str(sources))
    assert "matched: kidney is blocked\n" in done.stdout, done.stdout
    app = create_app(settings=Settings(sources=sources))
    api = _get(app, "/api/v1/search", "my kidney is blocked").json()
    assert api["hits"][0]["matches"][0]["said"] == "kidney is blocked", api["hits"][0]
    page = _get(app, "/search", "my kidney is blocked").text
    assert "Matched: <bdi>kidney is blocked</bdi>" in page, page


def test_a_clinical_trial_is_no_kind_of_care(kb: KnowledgeBase, run: Run) -> None:
    """`onconav explain care` listed the clinical trials (and phase I and II trials) among the
    procedures of kind "care", though the knowledge base describes them as research studies of
    new treatments, whose treatment can stop working as care cannot (the vocabulary had kept
    them apart by name). Every procedure: one under clinical trials is of kind trial, and it
    can stop working (``progressed_on`` takes it) exactly when its kind is not one that cannot;
    care lists none of them, trials lists them."""
    from onconav.kb.model import ProcedureKind
    from onconav.kb.vocabulary import CANNOT_STOP_WORKING

    trials = {p.id for p in kb.data.procedures if "clinical-trial" in kb.vocabulary.up(
        "prior_treatments", p.id)}  # fmt: skip
    assert {"clinical-trial", "phase-1-trial", "phase-2-trial"} <= trials
    for procedure in kb.data.procedures:
        assert (procedure.kind is ProcedureKind.trial) == (procedure.id in trials), procedure.id
        stops = procedure.id in kb.vocabulary.known("progressed_on")
        assert stops == (procedure.kind.value not in CANNOT_STOP_WORKING), procedure.id
    care = run("explain", "care").stdout
    assert "Supportive care" in care and "trials" not in care, care
    listed = run("explain", "trials").stdout
    assert all(kb.name_of(t) in listed for t in trials), listed


def test_a_kind_of_procedure_is_read_by_each_of_its_words_and_listed_as_a_list_reads(
    kb: KnowledgeBase, run: Run, sources: Path
) -> None:
    """`onconav explain operation` was "nothing in the knowledge base is called 'operation'",
    though it is surgery's other word, and `onconav explain surgery` listed "gastrectomy"
    beside "Subtotal gastrectomy", the names as the knowledge base writes them. Every kind of
    procedure, by each of its words (``KIND_OTHER_WORDS``), alone or plural, that no entry is
    named by, lists its procedures, each beginning as a line of a list does (a capital, or a
    name in capitals or a digit as written); in the command, the API and the page alike."""
    from onconav.kb.model import KIND_OTHER_WORDS, ProcedureKind

    for kind in ProcedureKind:
        for word in (kind.value, *KIND_OTHER_WORDS.get(kind, ())):
            for typed in (word, word + "s", word.upper()):
                if kb.find(typed):
                    continue
                (seen,) = explain.read(kb, typed).views(kb)
                assert seen.id == kind.value, typed
                assert [u.id for u in seen.used_by] == [
                    p.id for p in kb.data.procedures if p.kind is kind], typed
                for used in seen.used_by:
                    assert not used.name[:1].islower(), (typed, used.name)
                    assert used.name.casefold() == kb.name_of(used.id).casefold(), used
    surgery, operation = run("explain", "surgery").stdout, run("explain", "operation").stdout
    assert operation == surgery and "    - Gastrectomy\n" in surgery, surgery
    app = create_app(settings=Settings(sources=sources))
    api = _get(app, "/api/v1/explain/operation")
    assert api.status_code == 200 and "Gastrectomy" in [u["shown"] for u in api.json()["used_by"]]
    page = _get(app, "/explain/operation")
    assert page.status_code == 200 and ">Gastrectomy</a>" in page.text, page.text


_A_NUMBER = re.compile(r"\b(?:\d+[a-c]?|i{1,3}|iv)\b")


def test_a_name_with_another_number_matches_no_entry(kb: KnowledgeBase, index: Index,
                                                      bare: Index) -> None:  # fmt: skip
    """"phase 1 trial" showed Phase II trials, matched through "phase I clinical trials" (a
    lone "i" is the common word, so read as "phase clinical trials", whose words stand in
    "phase II clinical trials" with one word among them). Every entry of the knowledge base:
    each of its names that holds a number (1, 4B, I, II), searched, shows no entry named the
    same but for the number (Phase I trials and Phase II trials; their options), with the
    sources and without."""
    by_shape: dict[str, set[str]] = {}
    named: list[tuple[str, str, str]] = []  # an entry, one of its names with a number, its shape
    for kind in NAMED_KINDS:
        for record in getattr(kb.data, kind, []):
            for name in record.names():
                folded = " ".join(text_words.WORD.findall(text_words.fold(name)))
                if _A_NUMBER.search(folded):
                    shape = _A_NUMBER.sub("#", folded)
                    by_shape.setdefault(shape, set()).add(record.id)
                    named.append((record.id, name, shape))
    checked = 0
    for ident, name, shape in named:
        others = by_shape[shape] - {ident}
        for searched in (index, bare):
            hits = {h.entry.id for h in searched.search(name, limit=50).hits if h.entry}
            assert not hits & others, (name, hits & others)
            checked += bool(others)
    assert checked >= 8, checked


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["phase", "clinic", "trial", "stage", "cancer", "radiat"]),
                min_size=2, max_size=4, unique=True), st.integers(0, 3),
       st.sampled_from(["2", "4b", "ii", "iii", "iv", "10"]))
def test_a_number_among_the_words_of_a_name_keeps_them_apart(
    terms: list[str], at: int, number: str
) -> None:
    """``_together``: the terms of a name with a number among them that is not one of its own
    are not together ("phase II clinical trials" is no "phase clinical trials"); with another
    word there they are (``NEAR``), and with its own number too."""
    at = min(at, len(terms) - 1) or 1
    assert not _together((*terms[:at], number, *terms[at:]), tuple(terms))
    assert _together((*terms[:at], "word", *terms[at:]), tuple(terms))
    assert _together((*terms[:at], number, *terms[at:]), (*terms, number))


# --------------------------------------------------------------------------------------------
# A review of search in people's own words (search10): "more" for "again", "have to" for a
# choice, a symptom only other cancers' sources speak of, the order without the sources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cancer", [None, "rectum"])
def test_more_before_a_treatment_is_read_as_again(index: Index, cancer: str | None) -> None:
    """"can I have more radiation" put the rectal page's answer (radiation to the pelvis had
    before may rule out more: [ccs-rectal-stage4 5126-5224]) 15th (5th kept to rectal cancer),
    after passages where radiation makes chemotherapy "more" effective; "... radiation again"
    put it first. Right before the name of a treatment, "more" is read as "again"
    (``text.READ_BEFORE_TREATMENT``); elsewhere it keeps its word ("nothing more can be done",
    which the general source says in those words)."""
    hits = index.search("can I have more radiation", cancer=cancer, limit=3).hits
    assert relevant(hits[0], ["ccs-rectal-stage4 5126-5224"]), hits[0]
    assert any(m.said == "more" and m.via == "again" for m in hits[0].matches), hits[0].matches
    done = index.search("they said nothing more can be done").hits
    assert done and all(m.via is None for h in done for m in h.matches if m.said == "more")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.sampled_from(["", "can I have", "is there any", "will she need", "no"]),
       treatment=st.sampled_from(["radiation", "chemo", "surgery", "FOLFOX", "Lonsurf",
                                  "immunotherapy", "capecitabine", "radiotherapy", "stent"]),
       after=st.sampled_from(["", "for rectal cancer", "after surgery", "please"]))  # fmt: skip
def test_more_before_any_treatment_finds_what_again_finds(
        index: Index, before: str, treatment: str, after: str) -> None:  # fmt: skip
    """"more" right before the name of any treatment scores every document as "again" does in
    its place (the same hits, in the same order, with the same scores)."""
    def shown(query: str) -> list[tuple[object, ...]]:
        return [(h.kind, h.score, h.entry, tuple(h.citations))
                for h in index.search(query, limit=10).hits]  # fmt: skip

    assert shown(f"{before} more {treatment} {after}") == shown(
        f"{before} again {treatment} {after}")


@pytest.mark.parametrize(("question", "cancer"), [
    ("do I have to have treatment", None), ("do I have to have treatment", "stomach"),
    ("do I have to have treatment", "cervix"), ("must I have treatment", None),
    ("can I refuse treatment", None), ("I don't want treatment", None),
])  # fmt: skip
def test_having_to_have_treatment_finds_the_choice_not_to(
        index: Index, question: str, cancer: str | None) -> None:  # fmt: skip
    """"do I have to have treatment" showed five passages of research on stomach cancer first
    (on "treatment" alone: every other word a common one), and the passages that say a person
    may not want treatment or may decide to stop it 17th and 18th. Words that ask whether a
    treatment must be had or refuse it ("have to", "must", "refuse": ``text.MUST``) are read as
    "want" when treatment is named after them: the first three hits are those passages (the
    stomach page's, the cervical page's, the general source's on choosing)."""
    answers = ["ccs-stomach-stage4 2699-3047", "ccs-cervical-stage4 2982-3330",
               "acs-advanced 1955-2495", "acs-advanced 1596-1953"]  # fmt: skip
    hits = index.search(question, cancer=cancer, limit=3).hits
    assert hits and all(relevant(h, answers) for h in hits), (question, hits)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(must=st.sampled_from(sorted(" ".join(k) for k in text_words.MUST)),
       before=st.sampled_from(["", "do I", "does she", "can I", "we"]),
       chosen=st.sampled_from(sorted(text_words.CHOSEN)))  # fmt: skip
def test_words_of_having_to_are_read_as_want(index: Index, must: str, before: str,
                                             chosen: str) -> None:  # fmt: skip
    """Every word of ``text.MUST`` before any word of ``text.CHOSEN`` (common words between)
    scores every document as "want" does in its place; before another word it is left out as a
    common word ("I have to eat": nothing is chosen)."""
    def shown(query: str) -> list[tuple[object, ...]]:
        return [(h.kind, h.score, h.entry, tuple(h.citations))
                for h in index.search(query, limit=10).hits]  # fmt: skip

    assert shown(f"{before} {must} have {chosen}") == shown(f"{before} want have {chosen}")
    assert not any(m.via == "want" for h in index.search(f"{before} {must} eat").hits
                   for m in h.matches)  # fmt: skip


@pytest.mark.parametrize(("question", "cancer"), [("I can't eat", "rectum"),
                                                  ("I can't eat", "cervix"),
                                                  ("not eating", "rectum")])  # fmt: skip
def test_a_symptom_only_other_cancers_sources_name_finds_the_options_that_ease_it(
        run: Run, sources: Path, index: Index, question: str, cancer: str) -> None:  # fmt: skip
    """`onconav search "I can't eat" --cancer rectum` found nothing (the words for not eating,
    "malnourished", are on the stomach pages alone), while the answer for rectal cancer with
    malnutrition lists a feeding tube ([acs-advanced 3125-3261]). A symptom that documents name
    but none the search may show leads to the documents about the options that may ease it by
    the knowledge base's rules (``Index._eased``), those easing the fewest symptoms first, and a
    notice says so; the command shows them too."""
    result = index.search(question, cancer=cancer, limit=3)
    assert result.hits, result.notices
    assert relevant(result.hits[0], ["acs-advanced 3125-3261", "entry general-feeding-tube",
                                     "entry feeding-tube"]), result.hits[0]  # fmt: skip
    assert any("options that may ease it" in n for n in result.notices), result.notices
    done = run("search", question, "--cancer", cancer, "--sources", str(sources))
    assert done.status == 0 and "acs-advanced 3125-3261" in done.stdout, done.stdout
    assert "Nothing in the sources" not in done.stdout


def test_every_symptom_some_document_names_finds_the_options_that_ease_it(
        kb: KnowledgeBase, index: Index) -> None:  # fmt: skip
    """For every symptom and every cancer with sources of its own: a name of the symptom that
    documents match but none kept to the cancer finds hits, each about an option for that
    cancer that may ease it by the rules (or what such an option uses or cites)."""
    checked = 0
    for symptom in (e for e, kind in kb.kind_of.items() if kind == "symptoms"):
        if symptom in index._catch_alls:
            continue
        eases = {o.id for o in kb.options
                 if relieves(kb.rules[o.id], {"symptoms": frozenset({symptom})}) is Truth.TRUE}
        for cancer in ("stomach", "rectum", "cervix"):
            result = index.search(kb.name_of(symptom), cancer=cancer)
            if not any(m.via is not None and m.via.endswith(EASED)
                       for h in result.hits for m in h.matches):  # fmt: skip
                continue
            checked += 1
            for hit in result.hits:
                about = {hit.entry.id} if hit.entry else set()
                about |= {r.id for r in hit.cited_by}
                about |= {o for o in eases if hit.entry and hit.entry.id in
                          (getattr(kb.by_id[o], "uses", None) or ())}  # fmt: skip
                assert about & eases, (symptom, cancer, hit)
    assert checked > 0


@pytest.mark.parametrize("question", ["can I have more radiation", "lonsurf", "pain"])
def test_without_the_sources_the_answer_says_its_order_may_differ(
        run: Run, sources: Path, index: Index, bare: Index, question: str) -> None:  # fmt: skip
    """"can I have more radiation" ranked the rectal page's answer 3rd with the command run
    without --sources and 1st with them (as the API's server with $ONCONAV_SOURCES): without
    the source documents each passage is searched by the words of the entries citing it, which
    cannot be the passage's own (the project holds no sentence of the sources). The answer now
    says so (``WITHOUT_SOURCES``), in the command, the API and the page alike; with the sources
    it does not. Given the same sources (or none), the command and the API answer alike."""
    from onconav.search.index import WITHOUT_SOURCES

    assert WITHOUT_SOURCES in bare.search(question).notices
    assert WITHOUT_SOURCES not in index.search(question).notices
    without = run("search", question, "--format", "json")
    assert without.status == 0 and WITHOUT_SOURCES in json.loads(without.stdout)["notices"]
    assert WITHOUT_SOURCES in run("search", question).stdout
    api = _get(create_app(settings=Settings(sources=None)), "/api/v1/search", question).json()
    assert api["hits"] == json.loads(without.stdout)["hits"]
    assert WITHOUT_SOURCES in api["notices"]
    page = _get(create_app(settings=Settings(sources=None)), "/search", question).text
    assert "Searched without the source documents" in page
    given = json.loads(run("search", question, "--format", "json", "--sources",
                           str(sources)).stdout)  # fmt: skip
    api = _get(create_app(settings=Settings(sources=sources)), "/api/v1/search", question).json()
    assert api["hits"] == given["hits"] and WITHOUT_SOURCES not in given["notices"]


@pytest.mark.parametrize("question", ["lump", "can they remove the lump", "lumps in the liver"])
def test_a_lump_is_read_as_a_tumour(index: Index, question: str) -> None:
    """"lump" is what people call a tumour, and no source says it: "can they remove the lump"
    had been told it is not a word the sources use. It is read as "tumour" (``text.READ_AS``),
    with what "tumour" finds."""
    result = index.search(question)
    assert result.hits, result.notices
    assert any(m.via in ("tumour", "tumours") for m in result.hits[0].matches), result.hits[0]
    assert not any("“lump" in n for n in result.notices), result.notices


OUT_QUESTIONS = ["can they {} it out", "could the surgeon {} the tumour out", "{} it all out",
                 "is it possible to {} the cancer out of the liver"]  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(verb=st.sampled_from(sorted(text_words.OUT_VERBS)), question=st.sampled_from(OUT_QUESTIONS))
def test_a_verb_with_out_after_it_is_read_as_remove(index: Index, verb: str,
                                                    question: str) -> None:  # fmt: skip
    """"cut it out", "take the tumour out", "get it all out" ask for surgery that removes the
    cancer, which the sources call removing it: each verb of ``text.OUT_VERBS`` with "out" two
    words after it at most reads as "remove" (and searches as "remove" does); without "out" it
    is itself. "can they cut it out" had shown nerve cutting for pain in all three places."""
    asked = [w.term for w in index.question_words(question.format(verb))]
    removed = [w.term for w in index.question_words(question.format("remove").replace(" out", ""))]
    assert asked == removed, (verb, question)
    alone = [w.term for w in index.question_words(f"can they {verb} the nerve")]
    assert "remov" not in alone


@pytest.mark.parametrize("question", ["can they cut it out", "can they take it out",
                                      "can they cut the tumour out", "can the surgeon get it out"])
def test_cut_it_out_finds_surgery_that_removes_the_cancer(index: Index, question: str) -> None:
    hits = index.search(question, limit=3).hits
    assert hits and all(m.via == "remove" for h in hits for m in h.matches if m.words in
                        text_words.OUT_VERBS), hits  # fmt: skip
    nerve = {"nerve-block", "general-nerve-block"}
    assert not any(h.entry is not None and h.entry.id in nerve for h in hits), hits
    assert not any(r.id in nerve for h in hits for r in h.cited_by), hits


END_BEFORE = ["is it", "is this", "are we near", "what happens at", "how close is she to"]
END_AFTER = ["", "now", "for my mum", "?"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.sampled_from(END_BEFORE), after=st.sampled_from(END_AFTER),
       the=st.sampled_from(sorted(text_words.THE_END)))  # fmt: skip
def test_the_end_is_read_as_end_stage(index: Index, before: str, after: str, the: str) -> None:
    """"is it the end" asks whether the cancer is at its last stage: "the end" (not "the end of
    ...") reads as "end stage", an other name of advanced cancer, and searches as it does. It
    had shown the colostomy's "2 ends of the intestine" first."""
    asked = [w.term for w in index.question_words(f"{before} {the} end {after}")]
    assert asked == [w.term for w in index.question_words(f"{before} end stage {after}")]
    plain = [w.term for w in index.question_words(f"{before} {the} end of the bowel {after}")]
    assert plain == [w.term for w in text_words.words(f"{before} end of the bowel {after}")]


@pytest.mark.parametrize("cancer", [None, "stomach", "rectum", "cervix"])
@pytest.mark.parametrize("question", ["is it the end", "is this the end for him"])
def test_is_it_the_end_finds_advanced_cancer(index: Index, question: str,
                                             cancer: str | None) -> None:  # fmt: skip
    hits = index.search(question, limit=3, cancer=cancer).hits
    assert hits[0].entry is not None and hits[0].entry.id == "advanced-cancer", hits[0]
    assert all(m.via for h in hits for m in h.matches if m.words == "end"), hits


def test_command_cuts_a_long_given_by_line(run: Run, sources: Path) -> None:
    """A hit's "given by:" line named every option giving it (chemotherapy: 38, about 2,500
    characters on one line); it names four and says how many more, as "sources:" does."""
    done = run("search", "chemotherapy", "--limit", "5", "--sources", str(sources))
    assert done.status == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith(
        ("given by:", "cited by:"))]  # fmt: skip
    assert lines and any(re.search(r" and \d+ more$", line) for line in lines), lines
    assert all(line.count(";") <= 3 for line in lines), lines


@pytest.mark.parametrize(("question", "read"), [
    ("trouble swalowing", "trouble swallowing"), ("cemo side efects", "chemo side effects"),
    ("lonsruf", "lonsurf"), ("hospis", "hospice"), ("radiashun", "radiation"),
    ("nausia", "nausea"), ("hospis care for my dad", "hospice care for my dad")])  # fmt: skip
def test_a_sure_slip_is_searched_for_its_name(run: Run, sources: Path, index: Index,
                                              question: str, read: str) -> None:  # fmt: skip
    """A question that nothing matches as written, whose slips of the keys are surely for known
    names, is answered with the hits of the question with those names in their place, and the
    first notice says so: "trouble swalowing" and "cemo side efects" had answered "Nothing ...
    matches" with the closest known words, and "hospis" (written as it sounds) not even those."""
    result = index.search(question)
    assert result.query == question
    assert result.notices[0] == (f"Nothing matches “{question}” as written: the hits are for "
                                 f"“{read}”, the closest known words.")  # fmt: skip
    assert _as_read(result.hits) == _as_read(index.search(read).hits)
    done = run("search", question, "--sources", str(sources))
    assert done.status == 0 and f"Note: Nothing matches “{question}” as written" in done.stdout
    assert "1. " in done.stdout


def _one_letter_off() -> list[str]:
    return [n for n in _one_word_names() if len(n) >= 7][:80]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(name=st.sampled_from(_one_letter_off()), at=st.integers(min_value=1, max_value=20),
       how=st.sampled_from(["drop", "double", "swap"]))  # fmt: skip
def test_a_slip_with_a_suggestion_is_no_dead_end(index: Index, name: str, at: int,
                                                 how: str) -> None:  # fmt: skip
    """Any name of the knowledge base with a letter dropped, doubled or two swapped, when the
    search has a suggestion for it, is answered with hits (those of the suggestion), never
    "Nothing matches"."""
    at = at % (len(name) - 1) or 1
    slip = {"drop": name[:at] + name[at + 1 :], "double": name[:at] + name[at] + name[at:],
            "swap": name[:at] + name[at + 1] + name[at] + name[at + 2 :]}[how]  # fmt: skip
    if slip == name or slip in index.known_names or slip in index.known_words:
        reject()
    result = index.search(slip)
    if result.suggestions:
        assert result.hits, (slip, result.suggestions)
        assert result.notices[0].startswith(f"Nothing matches “{slip}” as written"), result


@pytest.mark.parametrize(("written", "name"), [("hospis", "hospice"), ("radiashun", "radiation"),
                                               ("nutrishun", "nutrition")])
def test_a_word_written_as_it_sounds_is_offered_its_name(written: str, name: str) -> None:
    from onconav.search.index import _sound

    assert _sound(written) == _sound(name)
    assert _sound("smell") != _sound("small") and _sound("cite") != _sound("kite")


OPTION_QUESTIONS = ["what are my {}", "what {} do I have", "{} for my mum", "{}",
                    "what are the {} for stomach cancer"]  # fmt: skip


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(word=st.sampled_from(sorted(text_words.OPTIONS)),
       question=st.sampled_from(OPTION_QUESTIONS))  # fmt: skip
def test_options_alone_are_treatment_options(index: Index, word: str, question: str) -> None:
    """"options" or "choices" with no "treatment" before them ask for the treatment options:
    they read as "treatment options" do (``text.OPTIONS``), and search as it does."""
    asked = [w.term for w in index.question_words(question.format(word))]
    said = [w.term for w in index.question_words(question.format(f"treatment {word}"))]
    assert asked == said, (word, question)


OVERVIEWS = ["ccs-rectal-stage4 529-872", "ccs-cervical-stage4 40-216",
             "gastric-recurrent 1918-2310", "ccs-stomach-stage4 75-311",
             "entry general-overview"]  # fmt: skip


@pytest.mark.parametrize("question", ["what are my options", "what are his options",
                                      "options", "what are my options for stomach cancer"])
def test_what_are_my_options_finds_the_overviews_of_the_options(index: Index,
                                                                question: str) -> None:  # fmt: skip
    """"what are my options" had shown a sentence on surgery to stop bleeding first ("... may
    be an option"), the shortest passage with the word."""
    hits = index.search(question, limit=3).hits
    assert relevant(hits[0], OVERVIEWS), hits[0]
