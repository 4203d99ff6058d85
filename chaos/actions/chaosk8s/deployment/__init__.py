"""``chaosk8s.deployment``, as chaosrun runs it."""
