"""The local target: the three services under one supervisord, as a stand-in cluster."""

from chaos.drivers.local.driver import LocalDriver
from chaos.drivers.local.settings import LocalSettings, default_state_dir
from chaos.drivers.local.stack import LocalStack, StackUp
from chaos.drivers.local.state import StackStateError

__all__ = [
    "LocalDriver",
    "LocalSettings",
    "LocalStack",
    "StackStateError",
    "StackUp",
    "default_state_dir",
]
