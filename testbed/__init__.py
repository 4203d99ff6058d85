"""What the tests and the benchmarks run chaosrun against: real processes on loopback
(``procs``), polling for a condition (``polling``), and a Kubernetes API server of our own
with a fault-injecting proxy in front of it (``kube``). Neither ``tests`` nor ``bench``
imports the other; both import this."""
