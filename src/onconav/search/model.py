"""What a search answers with: the hits, each with its citations and why it matched."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from onconav.result import SourceUsed


class _Out(BaseModel):
    # Every field is in every answer, a default one too (cancers, notices): the schemas say so,
    # as the Result's do, for a client's generated types (a field not required reads as one that
    # may be absent)
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class Ref(_Out):
    """An option or an entry of the knowledge base, by id (its explain page: /explain/{id})."""

    id: str
    kind: str = Field(description="The kind of entry: options, drugs, regimens, glossary, ...")
    name: str
    cancers: list[str] = Field(
        default_factory=list, description="An option for some cancers only: their ids (rectum; "
        "the command line and the page say 'for rectal cancer'); empty for an option for every "
        "cancer and for an entry that is not an option")  # fmt: skip


class Cited(_Out):
    """A passage of a source: its id and character offsets, and the sha256 of the passage."""

    source: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    sha256: str

    def label(self) -> str:
        return f"[{self.source} {self.start}-{self.end}]"


class Match(_Out):
    """Words of the question that a hit matched: directly, or through another name (``via``)."""

    words: str = Field(description="The words of the question, folded")
    said: str = Field(description="The same words as typed, from the first to the last (\"kidney "
                      "is blocked\" where ``words`` are \"kidney blocked\"): what a hit shows")
    via: str | None = Field(
        default=None, description="The name the words matched through: a brand, an "
        "abbreviation or a plain word the knowledge base gives for the same thing")  # fmt: skip
    entry: Ref | None = Field(default=None, description="The entry whose names these are")


class Unshown(_Out):
    """Words of an entry that a hit matched where neither its name nor its text shows them: an
    option's note (a caveat) or another name of it. Shown with the hit, so that it does not read
    as if its text answered the question: "my kidney is blocked" had listed the palliative
    radiation options, "matched: kidney blocked", through their note that the sources do not say
    how a blocked kidney is eased, which was not shown. So for a passage shown without its
    text, whose words are then those of the entries citing it: the note of the entry that holds
    the words (``of``)."""

    part: Literal["note", "other name"] = Field(
        description="note: an option's note (caveat), as its explain page shows it; other "
        "name: a name it is also called")  # fmt: skip
    text: str
    words: list[str] = Field(description="The words of the question matched there, as typed "
                             "(as in matches' said)")
    of: Ref | None = Field(
        default=None, description="For a passage shown without its text (no source documents "
        "at hand, so its words are those of the entries citing it): the entry whose note holds "
        "the words; none for an entry's own note or name")  # fmt: skip


class Hit(_Out):
    rank: int = Field(ge=1)
    score: float = Field(ge=0)
    kind: Literal["passage", "paragraph", "entry"] = Field(
        description="passage: a passage the knowledge base cites; paragraph: a paragraph of a "
        "source no entry cites; entry: an entry of the knowledge base (our own words)")  # fmt: skip
    citations: list[Cited] = Field(
        min_length=1, description="Where it comes from: the passage itself, or the passages "
        "the entry cites")  # fmt: skip
    other_citations: list[Cited] = Field(
        default_factory=list, description="Kept to one cancer, an entry's citations of other "
        "cancers' sources: its description speaks of them too (bevacizumab's of rectal and "
        "cervical cancer), and these are where those words rest")  # fmt: skip
    text: str | None = Field(
        default=None, description="The passage (when the server or command has the sources), "
        "or the entry's plain description")  # fmt: skip
    entry: Ref | None = Field(default=None, description="The entry, for an entry hit")
    cited_by: list[Ref] = Field(
        default_factory=list, description="The options and entries that cite the passage (for "
        "an entry: the options that give it)")  # fmt: skip
    matches: list[Match] = Field(min_length=1)
    matched_in: list[Unshown] = Field(
        default_factory=list, description="For an entry: where the words of a match are when "
        "neither its name nor its text has them (a note, another name); else empty")  # fmt: skip


class SearchResult(_Out):
    query: str
    cancer: str | None = Field(default=None, description="The cancer the search was kept to")
    cancer_from: Literal["given", "question"] | None = Field(
        default=None, description="given: the cancer was chosen (--cancer, cancer=); question: "
        "the question named one cancer with a source of its own and none was chosen")  # fmt: skip
    notices: list[str] = Field(
        default_factory=list, description="What to know about how the question was read: the "
        "cancer kept to and why, a cancer with no source of its own, words such as 'not' that "
        "are not read as leaving anything out, matches outside the cancer kept to")  # fmt: skip
    elsewhere: list[str] = Field(
        default_factory=list, description="With no hit, kept to one cancer: the other cancers "
        "whose sources the same words find (ids)")  # fmt: skip
    hits: list[Hit]
    suggestions: list[str] = Field(
        default_factory=list, description="With no hit for the question as written: the known "
        "words closest to the question's (when they are surely its slips and find something, "
        "the hits are theirs, and the first notice says so)")  # fmt: skip
    explained: list[Ref] = Field(
        default_factory=list, description="With no hit: the entries of the knowledge base the "
        "question is a name of, as `onconav explain` and /explain/{name} find them (a place "
        "the cancer can spread to, such as the peritoneum, has no words of its own to be a "
        "hit)")  # fmt: skip
    sources: list[SourceUsed] = Field(
        default_factory=list, description="The sources the hits cite, with their dates")
    knowledge_version: str
    disclaimer: str
