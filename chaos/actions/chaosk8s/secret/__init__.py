"""``chaosk8s.secret``, as chaosrun runs it."""
