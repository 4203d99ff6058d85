"""``chaosk8s.networking``, as chaosrun runs it."""
