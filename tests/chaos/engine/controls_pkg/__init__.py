"""Control modules that interrupt the run, one per way of saying so."""
