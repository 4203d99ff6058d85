"""``chaosk8s.daemonset``, as chaosrun runs it."""
