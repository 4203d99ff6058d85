"""``chaosk8s.crd``, as chaosrun runs it."""
