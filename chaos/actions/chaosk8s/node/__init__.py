"""``chaosk8s.node``, as chaosrun runs it."""
