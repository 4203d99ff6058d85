"""``chaosk8s.service``, as chaosrun runs it."""
