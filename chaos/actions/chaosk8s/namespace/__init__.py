"""``chaosk8s.namespace``, as chaosrun runs it."""
