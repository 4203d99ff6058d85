"""``chaosk8s.replicaset``, as chaosrun runs it."""
