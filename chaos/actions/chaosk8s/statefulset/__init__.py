"""``chaosk8s.statefulset``, as chaosrun runs it."""
