"""Activity providers: ``http``, ``process`` and ``python``. Each returns the activity's
output or raises; the engine records either in the journal."""
