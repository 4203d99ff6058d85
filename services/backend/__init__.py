"""The backend: ``GET /message`` answers ``Hello, I'm backend!``."""
