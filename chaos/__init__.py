"""chaosrun: a fast, Chaos Toolkit-compatible chaos runner for Kubernetes and a local stand-in."""

__all__ = ["__version__"]

__version__ = "0.1.0"
