"""The experiment engine: configuration, substitution, tolerances, the runner, the journal."""
