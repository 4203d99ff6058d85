from tests.kube.cluster import fake_cluster, kubeconfig  # noqa: F401
