//! Core-group printers: Namespace, Service, Endpoints, ConfigMap, Secret, ServiceAccount, Node.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde_json::Value;

use super::{AGE, Column, NAME, age, col, desc, get, int, list, map_len, name, text, wide};

pub(super) const NAMESPACE: &[Column] = &[
    NAME,
    col("Status", "string", "The status of the namespace"),
    AGE,
];

pub(super) const SERVICE: &[Column] = &[
    NAME,
    col("Type", "string", desc::SVC_TYPE),
    col("Cluster-IP", "string", desc::SVC_CLUSTER_IP),
    col("External-IP", "string", desc::SVC_EXTERNAL_IPS),
    col("Port(s)", "string", desc::SVC_PORTS),
    AGE,
    wide("Selector", "string", desc::SVC_SELECTOR),
];

pub(super) const ENDPOINTS: &[Column] = &[NAME, col("Endpoints", "string", desc::EP_SUBSETS), AGE];

pub(super) const CONFIGMAP: &[Column] = &[NAME, col("Data", "string", desc::CM_DATA), AGE];

pub(super) const SECRET: &[Column] = &[
    NAME,
    col("Type", "string", desc::SECRET_TYPE),
    col("Data", "string", desc::SECRET_DATA),
    AGE,
];

pub(super) const SERVICEACCOUNT: &[Column] =
    &[NAME, col("Secrets", "string", desc::SA_SECRETS), AGE];

pub(super) const NODE: &[Column] = &[
    NAME,
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    AGE,
    col("Version", "string", desc::NODE_KUBELET),
    wide("Internal-IP", "string", desc::NODE_ADDRESSES),
    wide("External-IP", "string", desc::NODE_ADDRESSES),
    wide("OS-Image", "string", desc::NODE_OS),
    wide("Kernel-Version", "string", desc::NODE_KERNEL),
    wide("Container-Runtime", "string", desc::NODE_RUNTIME),
];

pub(super) fn namespace(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(text(obj, &["status", "phase"])),
        age(obj, now),
    ]
}

pub(super) fn configmap(obj: &Value, now: Timestamp) -> Vec<Value> {
    let count = map_len(obj, &["data"]) + map_len(obj, &["binaryData"]);
    vec![name(obj), Value::from(count), age(obj, now)]
}

pub(super) fn secret(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(text(obj, &["type"])),
        Value::from(map_len(obj, &["data"])),
        age(obj, now),
    ]
}

pub(super) fn serviceaccount(obj: &Value, now: Timestamp) -> Vec<Value> {
    let secrets = list(obj, &["secrets"]).len();
    vec![name(obj), Value::from(secrets), age(obj, now)]
}

fn strings<'a>(obj: &'a Value, path: &[&str]) -> Vec<&'a str> {
    list(obj, path).iter().filter_map(Value::as_str).collect()
}

fn external_ip(svc: &Value) -> String {
    let external = strings(svc, &["spec", "externalIPs"]);
    match text(svc, &["spec", "type"]) {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".to_owned(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let ingress: BTreeSet<&str> = list(svc, &["status", "loadBalancer", "ingress"])
                .iter()
                .map(|i| match text(i, &["ip"]) {
                    "" => text(i, &["hostname"]),
                    ip => ip,
                })
                .filter(|s| !s.is_empty())
                .collect();
            let mut all: Vec<&str> = ingress.into_iter().collect();
            all.extend(external);
            if all.is_empty() {
                "<pending>".to_owned()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => text(svc, &["spec", "externalName"]).to_owned(),
        _ => "<unknown>".to_owned(),
    }
}

pub(super) fn service(svc: &Value, now: Timestamp) -> Vec<Value> {
    // Upstream reads clusterIPs; a clusterIP without clusterIPs is shown rather than hidden.
    let cluster_ip = match (
        strings(svc, &["spec", "clusterIPs"]).first(),
        text(svc, &["spec", "clusterIP"]),
    ) {
        (Some(ip), _) => (*ip).to_owned(),
        (None, "") => "<none>".to_owned(),
        (None, ip) => ip.to_owned(),
    };
    let ports: Vec<String> = list(svc, &["spec", "ports"])
        .iter()
        .map(|p| {
            let port = int(p, &["port"]);
            let protocol = text(p, &["protocol"]);
            match int(p, &["nodePort"]) {
                n if n > 0 => format!("{port}:{n}/{protocol}"),
                _ => format!("{port}/{protocol}"),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_owned()
    } else {
        ports.join(",")
    };
    vec![
        name(svc),
        Value::from(text(svc, &["spec", "type"])),
        Value::from(cluster_ip),
        Value::from(external_ip(svc)),
        Value::from(ports),
        age(svc, now),
        Value::from(format_labels(get(svc, &["spec", "selector"]))),
    ]
}

/// `k=v` pairs sorted as whole strings and joined with `,`; `<none>` when empty.
pub(super) fn format_labels(map: Option<&Value>) -> String {
    let mut pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        return "<none>".to_owned();
    }
    pairs.sort();
    pairs.join(",")
}

fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Up to three ready endpoints, then `+ N more...`; not-ready addresses never show.
fn format_endpoints(obj: &Value) -> String {
    const MAX: usize = 3;
    let subsets = list(obj, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_owned();
    }
    let mut shown: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for subset in subsets {
        let addresses = list(subset, &["addresses"]);
        let ports = list(subset, &["ports"]);
        if ports.is_empty() {
            count += addresses.len();
            for a in addresses {
                if shown.len() == MAX {
                    more = true;
                    break;
                }
                shown.push(text(a, &["ip"]).to_owned());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for a in addresses {
                if shown.len() == MAX {
                    more = true;
                    break;
                }
                shown.push(join_host_port(text(a, &["ip"]), int(port, &["port"])));
            }
        }
    }
    let joined = shown.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

pub(super) fn endpoints(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(obj), Value::from(format_endpoints(obj)), age(obj, now)]
}

fn node_address(node: &Value, kind: &str) -> String {
    list(node, &["status", "addresses"])
        .iter()
        .find(|a| text(a, &["type"]) == kind)
        .map_or_else(|| "<none>".to_owned(), |a| text(a, &["address"]).to_owned())
}

pub(super) fn node(node: &Value, now: Timestamp) -> Vec<Value> {
    // Later conditions of the same type replace earlier ones, as in upstream's map.
    let ready = list(node, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| text(c, &["type"]) == "Ready");
    let mut status = vec![match ready {
        Some(c) if text(c, &["status"]) == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }];
    if get(node, &["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
        status.push("SchedulingDisabled");
    }
    let mut roles = BTreeSet::new();
    if let Some(labels) = get(node, &["metadata", "labels"]).and_then(Value::as_object) {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.insert(role);
                }
            } else if k == "kubernetes.io/role" {
                match v.as_str() {
                    Some(role) if !role.is_empty() => {
                        roles.insert(role);
                    }
                    _ => {}
                }
            }
        }
    }
    let roles = if roles.is_empty() {
        "<none>".to_owned()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    };
    let info = |field: &str| match text(node, &["status", "nodeInfo", field]) {
        "" => "<unknown>".to_owned(),
        v => v.to_owned(),
    };
    vec![
        name(node),
        Value::from(status.join(",")),
        Value::from(roles),
        age(node, now),
        Value::from(text(node, &["status", "nodeInfo", "kubeletVersion"])),
        Value::from(node_address(node, "InternalIP")),
        Value::from(node_address(node, "ExternalIP")),
        Value::from(info("osImage")),
        Value::from(info("kernelVersion")),
        Value::from(info("containerRuntimeVersion")),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    fn meta(name: &str) -> Value {
        json!({"name": name, "namespace": "default", "creationTimestamp": "2026-11-14T12:00:00Z"})
    }

    #[test]
    fn namespace_configmap_secret_serviceaccount() {
        let ns = json!({"metadata": {"name": "default", "creationTimestamp": "2026-11-24T09:00:00Z"},
                        "status": {"phase": "Active"}});
        assert_eq!(
            namespace(&ns, now()),
            vec![json!("default"), json!("Active"), json!("3h")]
        );
        let cm = json!({"metadata": meta("cfg"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}});
        assert_eq!(
            configmap(&cm, now()),
            vec![json!("cfg"), json!(3), json!("10d")]
        );
        let empty = json!({"metadata": meta("kube-root-ca")});
        assert_eq!(configmap(&empty, now())[1], json!(0));
        let s = json!({"metadata": meta("tls"), "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}});
        assert_eq!(
            secret(&s, now()),
            vec![
                json!("tls"),
                json!("kubernetes.io/tls"),
                json!(2),
                json!("10d")
            ]
        );
        let sa = json!({"metadata": meta("default")});
        assert_eq!(
            serviceaccount(&sa, now()),
            vec![json!("default"), json!(0), json!("10d")]
        );
    }

    #[test]
    fn services() {
        let cases = [
            (
                json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                       "ports": [{"port": 5432, "protocol": "TCP"}], "selector": {"app": "db"}}),
                json!({}),
                ["ClusterIP", "10.96.0.10", "<none>", "5432/TCP", "app=db"],
            ),
            (
                json!({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"],
                       "ports": [{"port": 5432, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}),
                json!({}),
                ["ClusterIP", "None", "<none>", "5432/TCP,53/UDP", "<none>"],
            ),
            (
                json!({"type": "NodePort", "clusterIPs": ["10.96.1.1"], "externalIPs": ["1.2.3.4", "5.6.7.8"],
                       "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}],
                       "selector": {"app": "web", "app-tier": "front"}}),
                json!({}),
                [
                    "NodePort",
                    "10.96.1.1",
                    "1.2.3.4,5.6.7.8",
                    "80:30080/TCP",
                    "app-tier=front,app=web",
                ],
            ),
            (
                json!({"type": "LoadBalancer", "clusterIPs": ["10.96.1.2"], "ports": []}),
                json!({}),
                ["LoadBalancer", "10.96.1.2", "<pending>", "<none>", "<none>"],
            ),
            (
                json!({"type": "LoadBalancer", "clusterIPs": ["10.96.1.2"], "externalIPs": ["9.9.9.9"],
                       "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}),
                json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.1"}]}}),
                [
                    "LoadBalancer",
                    "10.96.1.2",
                    "203.0.113.1,203.0.113.9,lb.example.com,9.9.9.9",
                    "443:31443/TCP",
                    "<none>",
                ],
            ),
            (
                json!({"type": "ExternalName", "externalName": "db.example.com"}),
                json!({}),
                [
                    "ExternalName",
                    "<none>",
                    "db.example.com",
                    "<none>",
                    "<none>",
                ],
            ),
        ];
        for (spec, status, want) in cases {
            let svc = json!({"metadata": meta("svc"), "spec": spec, "status": status});
            let c = service(&svc, now());
            assert_eq!(c[0], json!("svc"));
            assert_eq!(
                [&c[1], &c[2], &c[3], &c[4], &c[6]],
                want.map(Value::from).each_ref(),
                "{svc}"
            );
            assert_eq!(c[5], json!("10d"));
        }
    }

    #[test]
    fn endpoints_cells() {
        let cases = [
            (json!(null), "<none>"),
            (json!([]), "<none>"),
            (
                json!([{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 5432, "protocol": "TCP"}]}]),
                "10.0.0.1:5432",
            ),
            (
                json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}],
                        "ports": [{"port": 5432}, {"port": 8008}]}]),
                "10.0.0.1:5432,10.0.0.2:5432,10.0.0.3:5432 + 3 more...",
            ),
            (
                json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]},
                       {"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]),
                "10.0.0.1,10.0.0.2,[fd00::1]:80",
            ),
            (
                json!([{"notReadyAddresses": [{"ip": "10.0.0.9"}], "ports": [{"port": 80}]}]),
                "",
            ),
        ];
        for (subsets, want) in cases {
            let ep = json!({"metadata": meta("db"), "subsets": subsets});
            assert_eq!(
                endpoints(&ep, now()),
                vec![json!("db"), json!(want), json!("10d")]
            );
        }
    }

    #[test]
    fn nodes() {
        let n = json!({
            "metadata": {"name": "node-1", "creationTimestamp": "2026-11-22T09:00:00Z",
                         "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master",
                                    "node-role.kubernetes.io/": "x"}},
            "spec": {"unschedulable": true},
            "status": {
                "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
                "addresses": [{"type": "Hostname", "address": "node-1"}, {"type": "InternalIP", "address": "10.0.0.1"}],
                "nodeInfo": {"kubeletVersion": "v1.33.1", "osImage": "Debian GNU/Linux 13", "kernelVersion": "6.12.0",
                             "containerRuntimeVersion": "berth://0.1.0"}
            }
        });
        assert_eq!(
            node(&n, now()),
            vec![
                json!("node-1"),
                json!("Ready,SchedulingDisabled"),
                json!("control-plane,master"),
                json!("2d3h"),
                json!("v1.33.1"),
                json!("10.0.0.1"),
                json!("<none>"),
                json!("Debian GNU/Linux 13"),
                json!("6.12.0"),
                json!("berth://0.1.0")
            ]
        );
        let bare = json!({"metadata": {"name": "n"}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}});
        let c = node(&bare, now());
        assert_eq!(c[1], json!("NotReady"));
        assert_eq!(c[2], json!("<none>"));
        assert_eq!(c[3], json!("<unknown>"));
        assert_eq!(c[4], json!(""));
        assert_eq!(c[7], json!("<unknown>"));
        let none = json!({"metadata": {"name": "n"}});
        assert_eq!(node(&none, now())[1], json!("Unknown"));
    }
}
