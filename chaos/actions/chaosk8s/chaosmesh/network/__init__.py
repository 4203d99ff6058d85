"""``chaosk8s.chaosmesh.network``, as chaosrun runs it."""
