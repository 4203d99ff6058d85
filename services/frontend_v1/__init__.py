"""Frontend v1: calls the backend directly; a failed call is a 502 error page."""
