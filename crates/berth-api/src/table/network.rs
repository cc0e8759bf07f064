//! EndpointSlice (discovery.k8s.io) and Lease (coordination.k8s.io) printers.

use jiff::Timestamp;
use serde_json::Value;

use super::{AGE, Column, NAME, age, col, desc, get, list, name, text};

pub(super) const ENDPOINTSLICE: &[Column] = &[
    NAME,
    col("AddressType", "string", desc::EPS_ADDRESS_TYPE),
    col("Ports", "string", desc::EPS_PORTS),
    col("Endpoints", "string", desc::EPS_ENDPOINTS),
    AGE,
];

pub(super) const LEASE: &[Column] = &[NAME, col("Holder", "string", desc::LEASE_HOLDER), AGE];

/// The first three entries, then ` + N more...`; `<unset>` when there are none.
fn list_with_more(items: &[String]) -> String {
    const MAX: usize = 3;
    let joined = items
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    if items.len() > MAX {
        format!("{joined} + {} more...", items.len() - MAX)
    } else if joined.is_empty() {
        "<unset>".to_owned()
    } else {
        joined
    }
}

pub(super) fn endpointslice(obj: &Value, now: Timestamp) -> Vec<Value> {
    // A port prints its number, else its name (even an empty one), else `*`.
    let ports: Vec<String> = list(obj, &["ports"])
        .iter()
        .map(|p| match (get(p, &["port"]), get(p, &["name"])) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.as_str().unwrap_or("").to_owned(),
            (None, None) => "*".to_owned(),
        })
        .collect();
    let addresses: Vec<String> = list(obj, &["endpoints"])
        .iter()
        .flat_map(|e| list(e, &["addresses"]))
        .map(|a| a.as_str().unwrap_or("").to_owned())
        .collect();
    vec![
        name(obj),
        Value::from(text(obj, &["addressType"])),
        Value::from(list_with_more(&ports)),
        Value::from(list_with_more(&addresses)),
        age(obj, now),
    ]
}

pub(super) fn lease(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(text(obj, &["spec", "holderIdentity"])),
        age(obj, now),
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

    #[test]
    fn endpoint_slices() {
        let eps = json!({
            "metadata": {"name": "db-abc12", "creationTimestamp": "2026-11-24T11:00:00Z"},
            "addressType": "IPv4",
            "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}],
            "endpoints": [
                {"addresses": ["10.0.0.1"], "conditions": {"ready": true}},
                {"addresses": ["10.0.0.2"], "conditions": {"ready": false}}
            ]
        });
        assert_eq!(
            endpointslice(&eps, now()),
            vec![
                json!("db-abc12"),
                json!("IPv4"),
                json!("5432"),
                json!("10.0.0.1,10.0.0.2"),
                json!("60m")
            ]
        );
        let many = json!({
            "metadata": {"name": "x"},
            "addressType": "IPv6",
            "ports": [{"port": 1}, {"name": "named"}, {"name": ""}, {}, {"port": 5}],
            "endpoints": [{"addresses": ["fd00::1", "fd00::2"]}, {"addresses": ["fd00::3", "fd00::4"]}]
        });
        let c = endpointslice(&many, now());
        assert_eq!(c[2], json!("1,named, + 2 more..."));
        assert_eq!(c[3], json!("fd00::1,fd00::2,fd00::3 + 1 more..."));
        let empty = json!({"metadata": {"name": "x"}, "addressType": "FQDN"});
        let c = endpointslice(&empty, now());
        assert_eq!((&c[2], &c[3]), (&json!("<unset>"), &json!("<unset>")));
    }

    #[test]
    fn leases() {
        let l = json!({"metadata": {"name": "berth-leader", "creationTimestamp": "2026-11-24T11:59:58Z"},
                       "spec": {"holderIdentity": "host-a_1234", "leaseDurationSeconds": 15}});
        assert_eq!(
            lease(&l, now()),
            vec![json!("berth-leader"), json!("host-a_1234"), json!("2s")]
        );
        let free = json!({"metadata": {"name": "x"}, "spec": {}});
        assert_eq!(lease(&free, now())[1], json!(""));
    }
}
