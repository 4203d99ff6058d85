"""The fake API server's NetworkPolicies, Ingresses, CustomResourceDefinitions and their objects,
namespace termination, discovery, the 403 switch, ``pods/log`` and ``pods/exec``, and the fault
proxy on these paths, through the real ``kubernetes`` client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes import client, config
from kubernetes.stream import stream

from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.faults import FaultProxy

NETWORK_CHAOS = {
    "metadata": {"name": "networkchaos.chaos-mesh.org"},
    "spec": {
        "group": "chaos-mesh.org",
        "scope": "Namespaced",
        "names": {"plural": "networkchaos", "singular": "networkchaos", "kind": "NetworkChaos"},
        "versions": [
            {
                "name": "v1alpha1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object"}},
                "subresources": {"status": {}},
            }
        ],
    },
}


def error(exc: pytest.ExceptionInfo[client.ApiException]) -> tuple[int, str]:
    return exc.value.status, json.loads(exc.value.body)["message"]


def test_network_policies_and_ingresses(fake_cluster: FakeCluster, kube_api: Any) -> None:
    net = client.NetworkingV1Api(kube_api)
    deny = {"metadata": {"name": "deny"}, "spec": {"podSelector": {"matchLabels": {"app": "b"}}}}
    assert net.create_namespaced_network_policy("default", deny).spec.policy_types == ["Ingress"]
    egress = {"metadata": {"name": "out"}, "spec": {"podSelector": {}, "egress": [{}]}}
    assert net.create_namespaced_network_policy("default", egress).spec.policy_types == [
        "Ingress",
        "Egress",
    ]
    assert net.read_namespaced_network_policy("deny", "default").kind == "NetworkPolicy"
    net.delete_namespaced_network_policy("deny", "default")
    assert [p.metadata.name for p in net.list_namespaced_network_policy("default").items] == ["out"]
    path = {"path": "/", "backend": {"service": {"name": "backend", "port": {"number": 8081}}}}
    ingress = {"metadata": {"name": "web"}, "spec": {"rules": [{"http": {"paths": [path]}}]}}
    headers = {"Authorization": f"Bearer {fake_cluster.token}"}
    invalid = httpx.post(  # the client would refuse to send it
        f"{fake_cluster.url}/apis/networking.k8s.io/v1/namespaces/default/ingresses",
        json=ingress,
        headers=headers,
    )
    assert (invalid.status_code, invalid.json()["message"]) == (
        422,
        'Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: '
        "Required value: pathType must be specified",
    )
    path["pathType"] = "Prefix"
    net.create_namespaced_ingress("default", ingress)
    patched = net.patch_namespaced_ingress("web", "default", {"spec": {"ingressClassName": "x"}})
    assert (patched.spec.ingress_class_name, patched.metadata.generation) == ("x", None)
    net.delete_namespaced_ingress("web", "default")


def test_custom_resources_once_defined(fake_cluster: FakeCluster, kube_api: Any) -> None:
    ext, custom = client.ApiextensionsV1Api(kube_api), client.CustomObjectsApi(kube_api)
    where = ("chaos-mesh.org", "v1alpha1", "default", "networkchaos")
    body = {
        "apiVersion": "chaos-mesh.org/v1alpha1",
        "kind": "NetworkChaos",
        "metadata": {"name": "delay"},
        "spec": {"action": "delay", "delay": {"latency": "90ms"}},
    }
    with pytest.raises(client.ApiException) as undefined:
        custom.create_namespaced_custom_object(*where, body)
    assert undefined.value.status == 404
    crd = ext.create_custom_resource_definition(NETWORK_CHAOS)
    assert {c.type: c.status for c in crd.status.conditions}["Established"] == "True"
    groups = {g.name for g in client.ApisApi(kube_api).get_api_versions().groups}
    assert "chaos-mesh.org" in groups
    created = custom.create_namespaced_custom_object(*where, body)
    assert created["metadata"]["uid"] and created["metadata"]["generation"] == 1
    patched = custom.patch_namespaced_custom_object(*where, "delay", {"spec": {"action": "loss"}})
    assert patched["spec"] == {"action": "loss", "delay": {"latency": "90ms"}}
    assert patched["metadata"]["generation"] == 2
    got = custom.get_namespaced_custom_object(*where, "delay")
    got["spec"]["action"] = "delay"
    assert (
        custom.replace_namespaced_custom_object(*where, "delay", got)["spec"]["action"] == "delay"
    )
    listed = custom.list_namespaced_custom_object(*where)
    assert (listed["kind"], len(listed["items"])) == ("NetworkChaosList", 1)
    with pytest.raises(client.ApiException) as no_kind:
        custom.create_namespaced_custom_object(*where, {"metadata": {"name": "x"}})
    assert no_kind.value.status == 400
    custom.delete_namespaced_custom_object(*where, "delay")
    assert custom.list_namespaced_custom_object(*where)["items"] == []
    custom.create_namespaced_custom_object(*where, body)
    ext.delete_custom_resource_definition("networkchaos.chaos-mesh.org")
    with pytest.raises(client.ApiException) as gone:
        custom.list_namespaced_custom_object(*where)
    assert gone.value.status == 404


def test_cluster_scoped_custom_resources(fake_cluster: FakeCluster, kube_api: Any) -> None:
    ext, custom = client.ApiextensionsV1Api(kube_api), client.CustomObjectsApi(kube_api)
    crd = json.loads(json.dumps(NETWORK_CHAOS))
    crd["metadata"]["name"] = "clusterchaos.example.com"
    crd["spec"].update(group="example.com", scope="Cluster")
    crd["spec"]["names"] = {"plural": "clusterchaos", "kind": "ClusterChaos"}
    ext.create_custom_resource_definition(crd)
    body = {"apiVersion": "example.com/v1alpha1", "kind": "ClusterChaos", "metadata": {"name": "c"}}
    where = ("example.com", "v1alpha1", "clusterchaos")
    custom.create_cluster_custom_object(*where, body)
    assert custom.get_cluster_custom_object(*where, "c")["metadata"]["name"] == "c"
    custom.patch_cluster_custom_object(*where, "c", {"spec": {"x": 1}})
    assert [o["spec"] for o in custom.list_cluster_custom_object(*where)["items"]] == [{"x": 1}]
    custom.delete_cluster_custom_object(*where, "c")
    wrong = json.loads(json.dumps(crd))
    wrong["metadata"]["name"] = "wrong"
    with pytest.raises(client.ApiException) as invalid:
        ext.create_custom_resource_definition(wrong)
    assert invalid.value.status == 422
    assert "must be spec.names.plural" in error(invalid)[1]


def test_namespace_termination_removes_what_it_holds(
    fake_cluster: FakeCluster, kube_api: Any
) -> None:
    core, net = client.CoreV1Api(kube_api), client.NetworkingV1Api(kube_api)
    core.create_namespace({"metadata": {"name": "team"}})
    core.create_namespaced_secret("team", {"metadata": {"name": "s"}, "stringData": {"a": "b"}})
    net.create_namespaced_network_policy("team", {"metadata": {"name": "p"}, "spec": {}})
    fake_cluster.apply_deployment("back", {"app": "back"}, namespace="team")
    fake_cluster.wait_ready("app=back", namespace="team")
    core.delete_namespace("team")
    wait_until(lambda: not core.list_namespace(field_selector="metadata.name=team").items)
    assert core.list_namespaced_secret("team").items == []
    assert net.list_namespaced_network_policy("team").items == []
    assert fake_cluster.pods("team") == []
    with pytest.raises(client.ApiException) as protected:
        core.delete_namespace("default")
    assert error(protected) == (
        403,
        'namespaces "default" is forbidden: this namespace may not be deleted',
    )


def test_no_new_content_in_a_terminating_namespace(
    fake_cluster: FakeCluster, kube_api: Any
) -> None:
    core = client.CoreV1Api(kube_api)
    core.create_namespace({"metadata": {"name": "team", "finalizers": ["example.com/hold"]}})
    core.delete_namespace("team")
    with pytest.raises(client.ApiException) as refused:
        core.create_namespaced_secret("team", {"metadata": {"name": "s"}})
    assert error(refused) == (
        403,
        'secrets "s" is forbidden: unable to create new content in namespace team because it is '
        "being terminated",
    )


def test_discovery_lists_the_groups(fake_cluster: FakeCluster, kube_api: Any) -> None:
    groups = {
        g.name: g.preferred_version.version
        for g in client.ApisApi(kube_api).get_api_versions().groups
    }
    for group in ("apps", "networking.k8s.io", "policy", "apiextensions.k8s.io"):
        assert groups[group] == "v1"
    core = {r.name: r for r in client.CoreV1Api(kube_api).get_api_resources().resources}
    assert core["pods/eviction"].kind == "Eviction" and core["pods/eviction"].group == "policy"
    assert core["nodes"].namespaced is False and "watch" in core["nodes"].verbs
    apps = {r.name for r in client.AppsV1Api(kube_api).get_api_resources().resources}
    assert {"statefulsets/scale", "daemonsets", "deployments/scale"} <= apps


def test_forbidden_switch(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core, apps = client.CoreV1Api(kube_api), client.AppsV1Api(kube_api)
    denial = fake_cluster.api.access.deny("patch", "nodes")
    fake_cluster.api.access.deny("create", "pods/eviction", namespace="default")
    with pytest.raises(client.ApiException) as node:
        core.patch_node("node-1", {"spec": {"unschedulable": True}})
    assert error(node) == (
        403,
        'nodes "node-1" is forbidden: User "admin" cannot patch resource "nodes" in API group "" '
        "at the cluster scope",
    )
    with pytest.raises(client.ApiException) as evict:
        core.create_namespaced_pod_eviction("p", "default", body={"metadata": {"name": "p"}})
    assert error(evict)[1] == (
        'pods "p" is forbidden: User "admin" cannot create resource "pods/eviction" in API group '
        '"" in the namespace "default"'
    )
    assert core.read_node("node-1").spec.unschedulable is None  # reads still allowed
    assert apps.list_namespaced_deployment("default").items == []  # other verbs unaffected
    fake_cluster.api.access.allow(denial)
    assert core.patch_node("node-1", {"spec": {"unschedulable": True}}).spec.unschedulable


def test_pod_log_and_exec(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    annotations = {"fake.chaosrun/log": "started\nready\n", "fake.chaosrun/exec-stdout": "hi\n"}
    body = {
        "metadata": {"name": "p", "annotations": annotations},
        "spec": {"containers": [{"name": "main", "image": "busybox"}]},
    }
    core.create_namespaced_pod("default", body)
    assert core.read_namespaced_pod_log("p", "default") == "started\nready\n"
    assert core.read_namespaced_pod_log("p", "default", container="") == "started\nready\n"
    with pytest.raises(client.ApiException) as container:
        core.read_namespaced_pod_log("p", "default", container="other")
    assert error(container) == (400, "container other is not valid for pod p")
    out = stream(
        core.connect_get_namespaced_pod_exec,
        "p",
        "default",
        command=["sh", "-c", "kill 1"],
        container="main",
        stderr=True,
        stdin=False,
        stdout=True,
        tty=False,
    )
    assert out == "hi\n"
    (call,) = fake_cluster.api.execs.calls
    assert (call.pod, call.container, call.command) == ("p", "main", ("sh", "-c", "kill 1"))
    fake_cluster.api.access.deny("create", "pods/exec")
    refused = stream(
        core.connect_get_namespaced_pod_exec,
        "p",
        "default",
        command=["true"],
        stdout=True,
        _preload_content=False,
    )
    refused.run_forever(timeout=10)
    assert json.loads(refused.read_channel(3))["reason"] == "Forbidden"
    assert len(fake_cluster.api.execs.calls) == 1
    with pytest.raises(client.ApiException) as plain:
        core.connect_get_namespaced_pod_exec("p", "default", command=["true"], stdout=True)
    assert error(plain) == (400, "Upgrade request required")


def test_faults_on_the_new_paths(fake_cluster: FakeCluster, tmp_path: Path) -> None:
    """429 before the change, and an answer lost after it, on a cordon and an eviction."""
    proxy = FaultProxy(fake_cluster.port).start()
    try:
        kubeconfig = fake_cluster.kubeconfig()
        kubeconfig["clusters"][0]["cluster"]["server"] = proxy.url
        path = tmp_path / "kubeconfig"
        path.write_text(json.dumps(kubeconfig))
        core = client.CoreV1Api(config.new_client_from_config(str(path)))
        proxy.add("429", "PATCH", r"/api/v1/nodes/node-1$")
        with pytest.raises(client.ApiException) as throttled:
            core.patch_node("node-1", {"spec": {"unschedulable": True}})
        assert throttled.value.status == 429
        assert core.read_node("node-1").spec.unschedulable is None  # not applied
        fake_cluster.apply_deployment("back", {"app": "back"})
        (pod,) = fake_cluster.wait_ready("app=back")
        name = pod["metadata"]["name"]
        proxy.add("applied-504", "POST", r"/pods/[^/]+/eviction$")
        with pytest.raises(client.ApiException) as lost:
            core.create_namespaced_pod_eviction(name, "default", body={"metadata": {"name": name}})
        assert lost.value.status == 504
        assert name not in fake_cluster.pod_names()  # the eviction happened all the same
        assert [s.fault for s in proxy.requests("POST", "eviction")] == ["applied-504"]
    finally:
        proxy.stop()
