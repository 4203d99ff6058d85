"""The backend: ``GET /message`` answers ``services.contract.BACKEND_MESSAGE`` in plain text."""
