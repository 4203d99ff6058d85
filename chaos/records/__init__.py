"""Run records: what a run changed, written before it changes it, closed once it is back."""

from chaos.records.model import ObjectState, RecordedObject, RunRecord
from chaos.records.store import RecordStore
from chaos.records.writer import RecordError, RecordMirror, RecordWriter

__all__ = [
    "ObjectState",
    "RecordError",
    "RecordMirror",
    "RecordStore",
    "RecordWriter",
    "RecordedObject",
    "RunRecord",
]
