"""The exit code every chaosrun command gives bad input (0 completed, 1 deviated, failed or
interrupted, 2 bad input, as the README says). A module of its own so that paths which answer
before Typer is imported use the same constant."""

EXIT_BAD_INPUT = 2
