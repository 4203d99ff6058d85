"""``chaosk8s.event``, as chaosrun runs it."""
