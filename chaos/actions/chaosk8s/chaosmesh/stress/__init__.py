"""``chaosk8s.chaosmesh.stress``, as chaosrun runs it."""
