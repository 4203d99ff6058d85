"""Tests of chaos/actions: the chaosk8s catalogues declarations."""
