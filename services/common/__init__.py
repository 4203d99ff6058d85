"""What every service shares: server settings, logging, probes and metrics, the uvicorn runner."""
