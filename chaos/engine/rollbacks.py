"""The rollbacks phase: played per the rollback strategy, judged strictly."""

from __future__ import annotations

import logging
from typing import Any

from chaos.engine.activity import ActivityRunner
from chaos.engine.background import Background
from chaos.engine.strategies import plays_rollbacks
from chaos.experiment.journal import ActivityRun, Journal
from chaos.experiment.model import Activity

logger = logging.getLogger("chaosrun")


def play_rollbacks(
    activities: ActivityRunner, raw: dict[str, Any], journal: Journal, method_started: bool
) -> None:
    logger.info("Let's rollback...")
    strategy = activities.settings.runtime.rollbacks
    if not plays_rollbacks(strategy, method_started, journal["deviated"]):
        return
    declared = activities.experiment.rollbacks
    if not declared:
        logger.info("No declared rollbacks, let's move on.")
        return
    controls = activities.controls
    if controls:
        controls.before("rollback", raw)
    rollbacks = [activities.resolve(item) for item in declared]
    with Background(activities.execute, rollbacks) as background:
        for activity in rollbacks:
            logger.info("Rollback: %s", activity.name)
            if activity.background:
                background.start(activity, journal["rollbacks"])
            else:
                entry = activities.execute(activity, journal["rollbacks"])
                _judge(journal, activity, entry)
        for activity, entry in background.wait():
            _judge(journal, activity, entry)
    if controls:
        controls.after("rollback", raw, journal["rollbacks"])


def _judge(journal: Journal, activity: Activity, entry: ActivityRun) -> None:
    if entry["status"] == "failed" and journal["status"] in ("completed", None):
        # Stricter than the Chaos Toolkit: an unrestored system is not a success.
        journal["status"] = "failed"
        logger.critical(
            "Rollback '%s' failed: the system may not be restored, so the experiment fails",
            activity.name,
        )


__all__ = ["play_rollbacks"]
