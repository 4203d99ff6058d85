"""Driver-agnostic chaos logic: pod selection, terminations, health verdicts, Deployment
snapshots-as-rollbacks. Everything here speaks only to ``chaos.drivers.base.Driver`` and
imports no client library, so it is cheap to import (validation uses ``registry``)."""
