"""A commentary's text to a cited draft model: actors, ties with their figures and dates, candidate
descriptors, empty judgement sections and candidate claims, each cited to section and paragraph."""

from upheaval.draft._build import Draft, DraftItem, draft, draft_yaml
from upheaval.draft._document import Document, Paragraph, Section, read_document, sentences

__all__ = [
    "Document",
    "Draft",
    "DraftItem",
    "Paragraph",
    "Section",
    "draft",
    "draft_yaml",
    "read_document",
    "sentences",
]
