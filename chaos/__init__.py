"""chaosrun: a fast, Chaos Toolkit-compatible chaos runner for Kubernetes and a local stand-in."""

__version__ = "0.1.0"
