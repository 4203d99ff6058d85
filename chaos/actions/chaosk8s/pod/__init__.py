"""``chaosk8s.pod``, as chaosrun runs it."""
