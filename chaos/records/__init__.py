"""Run records: what a run changed, written before it changes it, closed once it is back."""

from chaos.records.kinds import RECORDED_KINDS, RecordedKind
from chaos.records.model import ObjectState, RecordedObject, RunRecord
from chaos.records.seal import RecordMirror, SealedMirror, read_sealed
from chaos.records.store import RecordStore
from chaos.records.writer import RecordError, RecordWriter

__all__ = [
    "RECORDED_KINDS",
    "ObjectState",
    "RecordError",
    "RecordMirror",
    "RecordStore",
    "RecordWriter",
    "RecordedKind",
    "RecordedObject",
    "RunRecord",
    "SealedMirror",
    "read_sealed",
]
