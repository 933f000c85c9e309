"""The knowledge-base screen and its parts (reader, editor, article picker, safe browser)."""

from desktop.kb.knowledge_base_view import KnowledgeBaseView

__all__ = ["KnowledgeBaseView"]
