"""The texts SPEC.md fixes, written out again (not imported from the services) so that a test
catches a service drifting from the contract."""

BACKEND_MESSAGE = "Hello, I'm backend!"
FALLBACK = "Sorry...I'm frontend."
TITLE = "サンプルアプリケーション"
