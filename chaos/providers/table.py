"""Every provider type chaosrun runs, by the ``type`` experiment files give it.

The order is the one validation messages list them in.
"""

from __future__ import annotations

from typing import Any

from chaos.providers.base import ProviderType
from chaos.providers.http import PROVIDER as HTTP
from chaos.providers.process import PROVIDER as PROCESS
from chaos.providers.python import PROVIDER as PYTHON

PROVIDERS: dict[str, ProviderType[Any]] = {kind.name: kind for kind in (PYTHON, HTTP, PROCESS)}
