//! Tests for container environment assembly, with expectations from the kubelet's behaviour.

#![allow(clippy::needless_pass_by_value)]

use super::*;
use serde_json::json;

#[test]
fn expansion_rules() {
    let vars: HashMap<&str, &str> = [("A", "x"), ("EMPTY", ""), ("REF", "$(B)"), ("B", "b")]
        .into_iter()
        .collect();
    let lookup = |n: &str| vars.get(n).map(|v| (*v).to_owned());
    let cases = [
        ("$(A)", "x"),
        ("$(UNDEFINED)", "$(UNDEFINED)"),
        ("$$(A)", "$(A)"),
        ("$$$$$$(A)", "$$$(A)"),
        ("$$$$$$$(A)", "$$$x"),
        ("$A", "$A"),
        ("${A}", "${A}"),
        ("$?", "$?"),
        ("trailing$", "trailing$"),
        ("foo$(A", "foo$(A"),
        ("$(", "$("),
        ("$(A$(B))", "$(A$(B))"),
        ("$(EMPTY)", ""),
        ("\\$(A)", "\\x"),
        ("$(REF)", "$(B)"),
        ("a-$(A)-é-$(B)", "a-x-é-b"),
        ("$é", "$é"),
    ];
    for (input, want) in cases {
        assert_eq!(expand(input, &lookup), want, "{input}");
    }
}

fn svc(ns: &str, name: &str, ip: &str, ports: serde_json::Value) -> Service {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": ns},
        "spec": {"clusterIP": ip, "ports": ports},
    }))
    .unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn service_links() {
    let services = [
        svc(
            "shop",
            "redis-primary",
            "10.43.0.11",
            json!([{"name": "redis", "port": 6379, "protocol": "TCP"},
                   {"name": "metrics", "port": 9121}]),
        ),
        svc("shop", "headless", "None", json!([{"port": 80}])),
        svc("other", "elsewhere", "10.43.0.99", json!([{"port": 80}])),
        svc(
            "default",
            "kubernetes",
            "fd00::1",
            json!([{"name": "https", "port": 443}]),
        ),
    ];
    let redis = [
        ("REDIS_PRIMARY_SERVICE_HOST", "10.43.0.11"),
        ("REDIS_PRIMARY_SERVICE_PORT", "6379"),
        ("REDIS_PRIMARY_SERVICE_PORT_REDIS", "6379"),
        ("REDIS_PRIMARY_SERVICE_PORT_METRICS", "9121"),
        ("REDIS_PRIMARY_PORT", "tcp://10.43.0.11:6379"),
        ("REDIS_PRIMARY_PORT_6379_TCP", "tcp://10.43.0.11:6379"),
        ("REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp"),
        ("REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379"),
        ("REDIS_PRIMARY_PORT_6379_TCP_ADDR", "10.43.0.11"),
        ("REDIS_PRIMARY_PORT_9121_TCP", "tcp://10.43.0.11:9121"),
        ("REDIS_PRIMARY_PORT_9121_TCP_PROTO", "tcp"),
        ("REDIS_PRIMARY_PORT_9121_TCP_PORT", "9121"),
        ("REDIS_PRIMARY_PORT_9121_TCP_ADDR", "10.43.0.11"),
    ];
    let kubernetes = [
        ("KUBERNETES_SERVICE_HOST", "fd00::1"),
        ("KUBERNETES_SERVICE_PORT", "443"),
        ("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
        ("KUBERNETES_PORT", "tcp://[fd00::1]:443"),
        ("KUBERNETES_PORT_443_TCP", "tcp://[fd00::1]:443"),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
        ("KUBERNETES_PORT_443_TCP_PORT", "443"),
        ("KUBERNETES_PORT_443_TCP_ADDR", "fd00::1"),
    ];
    let mut both = kubernetes.to_vec();
    both.extend(redis);
    assert_eq!(service_link_env("shop", &services, true), pairs(&both));
    // Disabled links still carry the `kubernetes` service of `default`.
    assert_eq!(
        service_link_env("shop", &services, false),
        pairs(&kubernetes)
    );
}

struct Fixture {
    config_maps: BTreeMap<String, ConfigMap>,
    secrets: BTreeMap<String, Secret>,
    services: Vec<Service>,
    pod_ips: Vec<String>,
    host_ips: Vec<String>,
    allocatable: BTreeMap<String, Quantity>,
}

impl Fixture {
    fn new() -> Self {
        let cm: ConfigMap = serde_json::from_value(json!({
            "metadata": {"name": "cfg"}, "data": {"A": "from-cm", "B": "b-cm"}
        }))
        .unwrap();
        // "czM=" is base64 for "s3".
        let secret: Secret = serde_json::from_value(json!({
            "metadata": {"name": "sec"}, "data": {"PASSWORD": "czM=", "A": "czM="}
        }))
        .unwrap();
        Self {
            config_maps: [("cfg".to_owned(), cm)].into_iter().collect(),
            secrets: [("sec".to_owned(), secret)].into_iter().collect(),
            services: vec![svc("shop", "db", "10.43.0.5", json!([{"port": 5432}]))],
            pod_ips: vec!["10.42.0.7".into(), "fd00::7".into()],
            host_ips: vec!["192.168.1.2".into()],
            allocatable: [
                ("cpu".to_owned(), Quantity("4".into())),
                ("memory".to_owned(), Quantity("8Gi".into())),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn run(&self, container: serde_json::Value) -> ContainerEnv {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "web-0", "namespace": "shop", "uid": "u-1",
                         "labels": {"app": "web"}, "annotations": {"note": "hi"}},
            "spec": {"nodeName": "node1", "serviceAccountName": "sa",
                     "enableServiceLinks": false,
                     "containers": [container,
                        {"name": "side", "resources": {"limits": {"memory": "64Mi"}}}]},
        }))
        .unwrap();
        let inputs = EnvInputs {
            config_maps: &self.config_maps,
            secrets: &self.secrets,
            services: &self.services,
            pod_ips: &self.pod_ips,
            host_ips: &self.host_ips,
            node_allocatable: &self.allocatable,
        };
        container_env(&pod, "app", &inputs)
    }
}

#[test]
fn env_from_and_env_precedence() {
    let fx = Fixture::new();
    let got = fx.run(json!({"name": "app",
        "envFrom": [{"configMapRef": {"name": "cfg"}},
                    {"secretRef": {"name": "sec"}, "prefix": "S_"},
                    {"secretRef": {"name": "sec"}},
                    {"configMapRef": {"name": "absent", "optional": true}}],
        "env": [{"name": "B", "value": "b-env"},
                {"name": "C", "value": "$(A)/$(B)/$(D)/$(KUBE)"},
                {"name": "D", "value": "d"},
                {"name": "E", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "B"}}},
                {"name": "F", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "PASSWORD"}}},
                {"name": "G", "valueFrom": {"configMapKeyRef":
                    {"name": "cfg", "key": "nope", "optional": true}}},
                {"name": "H", "valueFrom": {"secretKeyRef":
                    {"name": "gone", "key": "k", "optional": true}}},
                {"name": "I", "value": "$(E)"}]}));
    assert_eq!(got.problems, []);
    // Secret "A" overrides the configmap's; `env` B overrides envFrom in place; C sees only
    // earlier names; G and H are optional and absent, so they are skipped.
    let want = pairs(&[
        ("A", "s3"),
        ("B", "b-env"),
        ("S_A", "s3"),
        ("S_PASSWORD", "s3"),
        ("PASSWORD", "s3"),
        ("C", "s3/b-env/$(D)/$(KUBE)"),
        ("D", "d"),
        ("E", "b-cm"),
        ("F", "s3"),
        ("I", "b-cm"),
    ]);
    assert_eq!(got.vars, want);
}

#[test]
fn missing_sources_are_reported() {
    let fx = Fixture::new();
    let cases = [
        (
            json!({"envFrom": [{"configMapRef": {"name": "x"}}]}),
            "configmap \"x\" not found",
        ),
        (
            json!({"envFrom": [{"secretRef": {"name": "x"}}]}),
            "secret \"x\" not found",
        ),
        (
            json!({"env": [{"name": "V", "valueFrom": {"configMapKeyRef": {"name": "x", "key": "k"}}}]}),
            "configmap \"x\" not found",
        ),
        (
            json!({"env": [{"name": "V", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"}}}]}),
            "couldn't find key k in ConfigMap shop/cfg",
        ),
        (
            json!({"env": [{"name": "V", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "k"}}}]}),
            "couldn't find key k in Secret shop/sec",
        ),
        (
            json!({"env": [{"name": "V", "valueFrom": {"secretKeyRef": {"name": "x", "key": "k"}}}]}),
            "secret \"x\" not found",
        ),
    ];
    for (mut ctr, want) in cases {
        ctr["name"] = json!("app");
        let got = fx.run(ctr);
        let messages: Vec<String> = got.problems.iter().map(ToString::to_string).collect();
        assert_eq!(messages, [want]);
    }
}

#[test]
fn downward_api_fields() {
    let fx = Fixture::new();
    let cases = [
        ("metadata.name", "web-0"),
        ("metadata.namespace", "shop"),
        ("metadata.uid", "u-1"),
        ("metadata.labels['app']", "web"),
        ("metadata.labels['missing']", ""),
        ("metadata.annotations['note']", "hi"),
        ("spec.nodeName", "node1"),
        ("spec.serviceAccountName", "sa"),
        ("status.hostIP", "192.168.1.2"),
        ("status.hostIPs", "192.168.1.2"),
        ("status.podIP", "10.42.0.7"),
        ("status.podIPs", "10.42.0.7,fd00::7"),
    ];
    for (path, want) in cases {
        let got = fx.run(json!({"name": "app",
            "env": [{"name": "V", "valueFrom": {"fieldRef": {"fieldPath": path}}}]}));
        assert_eq!(got.vars, pairs(&[("V", want)]), "{path}");
    }
}

#[test]
fn resource_fields() {
    let fx = Fixture::new();
    let resources = json!({"limits": {"cpu": "250m", "memory": "64Mi"},
                           "requests": {"cpu": "100m"}});
    let cases = [
        (json!({"resource": "limits.cpu"}), "1"),
        (json!({"resource": "limits.cpu", "divisor": "1m"}), "250"),
        (json!({"resource": "requests.cpu", "divisor": "1m"}), "100"),
        (json!({"resource": "limits.memory", "divisor": "1Mi"}), "64"),
        (json!({"resource": "limits.memory"}), "67108864"),
        (json!({"resource": "limits.memory", "divisor": "1M"}), "68"),
        (json!({"resource": "requests.memory"}), "0"),
        (
            json!({"resource": "limits.memory", "containerName": "side", "divisor": "1Ki"}),
            "65536",
        ),
        // The side container has no CPU limit: node allocatable stands in.
        (
            json!({"resource": "limits.cpu", "containerName": "side", "divisor": "1m"}),
            "4000",
        ),
    ];
    for (selector, want) in cases {
        let got = fx.run(json!({"name": "app", "resources": resources,
            "env": [{"name": "V", "valueFrom": {"resourceFieldRef": selector}}]}));
        assert_eq!(got.vars, pairs(&[("V", want)]), "{selector}");
    }
}

#[test]
fn service_links_are_appended_unless_set() {
    let fx = Fixture::new();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "p", "namespace": "shop"},
        "spec": {"containers": [{"name": "app",
            "env": [{"name": "DB_SERVICE_PORT", "value": "1"},
                    {"name": "X", "value": "$(DB_SERVICE_HOST)"}]}]},
    }))
    .unwrap();
    let inputs = EnvInputs {
        config_maps: &fx.config_maps,
        secrets: &fx.secrets,
        services: &fx.services,
        pod_ips: &fx.pod_ips,
        host_ips: &fx.host_ips,
        node_allocatable: &fx.allocatable,
    };
    let got = container_env(&pod, "app", &inputs);
    let want = pairs(&[
        ("DB_SERVICE_PORT", "1"),
        ("X", "10.43.0.5"),
        ("DB_SERVICE_HOST", "10.43.0.5"),
        ("DB_PORT", "tcp://10.43.0.5:5432"),
        ("DB_PORT_5432_TCP", "tcp://10.43.0.5:5432"),
        ("DB_PORT_5432_TCP_PROTO", "tcp"),
        ("DB_PORT_5432_TCP_PORT", "5432"),
        ("DB_PORT_5432_TCP_ADDR", "10.43.0.5"),
    ]);
    assert_eq!(got.vars, want);
    assert_eq!(
        container_env(&pod, "nope", &inputs).problems,
        [EnvError::ContainerNotFound("nope".into())]
    );
}

#[test]
fn env_from_skips_unusable_names() {
    let mut fx = Fixture::new();
    let odd: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "odd"},
        "data": {"1badkey": "1", "a=b": "2", "caf\u{e9}": "3", "ok.dotted": "4"}
    }))
    .unwrap();
    fx.config_maps.insert("odd".into(), odd);
    let got = fx.run(
        json!({"name": "app", "envFrom": [{"configMapRef": {"name": "odd"}, "prefix": "P_"}]}),
    );
    // Names valid under the relaxed rule (printable ASCII, no '=') are kept.
    assert_eq!(got.vars, pairs(&[("P_1badkey", "1"), ("P_ok.dotted", "4")]));
    assert_eq!(
        got.warnings,
        [EnvWarning {
            reason: "InvalidEnvironmentVariableNames",
            message: "Keys [P_a=b, P_caf\u{e9}] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.".into(),
        }]
    );
}
