"""The knowledge: the data (``data/``, our own words, every fact cited), its models, its loading
and indexes, its vocabulary of names and codes, each option's rules, and its provenance."""

from __future__ import annotations

from onconav.kb.load import KBError, KnowledgeBase, Record, load_kb

__all__ = ["KBError", "KnowledgeBase", "Record", "load_kb"]
