"""The knowledge base: options, drugs, regimens, procedures and more, each citing its sources."""

from onconav.kb.load import KBError, KnowledgeBase, load_kb

__all__ = ["KBError", "KnowledgeBase", "load_kb"]
