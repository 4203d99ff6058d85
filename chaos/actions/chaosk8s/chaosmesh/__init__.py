"""``chaosk8s.chaosmesh``, as chaosrun runs it."""
