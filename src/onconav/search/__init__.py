"""Search in people's own words over the sources' passages and the knowledge base's text.

``build_index(kb, sources)`` builds the index at load (no cache is needed); ``index.search(query,
limit, cancer)`` gives a ``SearchResult``: hits best first, each with its citations (source id and
character offsets), the entries that cite it, its score and the words it matched (directly or
through another name of the same thing). Deterministic, offline, no language model. See
docs/search.md.
"""

from onconav.search.index import Index, SearchError, build_index, relevant
from onconav.search.model import Cited, Hit, Match, Ref, SearchResult, Unshown

__all__ = ["Cited", "Hit", "Index", "Match", "Ref", "SearchError", "SearchResult", "Unshown",
           "build_index", "relevant"]  # fmt: skip
