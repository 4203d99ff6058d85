"""``chaosrun serve``: a small web app over the run history (FastAPI, Jinja2 templates)."""
