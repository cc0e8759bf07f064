//! `ValidateEndpoints` (core/v1 Endpoints) and `ValidateEndpointSlice` (discovery.k8s.io/v1).

use serde_json::Value;

use super::common::{
    IMMUTABLE, child, dns1123_label, get, invalid_each, labels, list, opt_str, qualified_name,
    same, str_of, string_map,
};
use super::ip;
use super::service::{PROTOCOLS, port_number_and_protocol};
use crate::registry::ResourceInfo;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::validation::names;

const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
const MAX_TOPOLOGY_LABELS: i64 = 16;
const MAX_ADDRESSES: i64 = 100;
const MAX_PORTS: i64 = 20000;
const MAX_ENDPOINTS: i64 = 1000;
const MAX_ZONE_HINTS: i64 = 8;
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

fn count(items: &[Value]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}

fn endpoint_address(address: &Value, path: &FieldPath) -> Vec<FieldError> {
    let ip_path = path.child("ip");
    let value = str_of(address, "ip");
    let mut errs = ip::legacy_ip(&ip_path, value, &[]);
    let hostname = str_of(address, "hostname");
    if !hostname.is_empty() {
        errs.extend(dns1123_label(hostname, &path.child("hostname")));
    }
    if let Some(node) = opt_str(address, "nodeName") {
        errs.extend(invalid_each(
            &path.child("nodeName"),
            node,
            names::dns1123_subdomain(node),
        ));
    }
    // Upstream runs the endpoint-IP rules even after a parse failure, so a bad value is
    // reported twice.
    errs.extend(ip::endpoint_ip(&ip_path, value));
    errs
}

fn endpoint_port(port: &Value, require_name: bool, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_of(port, "name");
    if require_name && name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    } else if !name.is_empty() {
        errs.extend(dns1123_label(name, &path.child("name")));
    }
    errs.extend(port_number_and_protocol(port, path));
    if let Some(app) = opt_str(port, "appProtocol") {
        errs.extend(qualified_name(app, &path.child("appProtocol")));
    }
    errs
}

fn subsets(items: &[Value]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, subset) in items.iter().enumerate() {
        let path = FieldPath::new("subsets").index(i);
        let ready = list(subset, "addresses");
        let not_ready = list(subset, "notReadyAddresses");
        if ready.is_empty() && not_ready.is_empty() {
            errs.push(FieldError::required(
                &path,
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (j, a) in ready.iter().enumerate() {
            errs.extend(endpoint_address(a, &path.child("addresses").index(j)));
        }
        for (j, a) in not_ready.iter().enumerate() {
            errs.extend(endpoint_address(
                a,
                &path.child("notReadyAddresses").index(j),
            ));
        }
        let ports = list(subset, "ports");
        for (j, p) in ports.iter().enumerate() {
            errs.extend(endpoint_port(
                p,
                ports.len() > 1,
                &path.child("ports").index(j),
            ));
        }
    }
    errs
}

/// `ValidateEndpoints`: on update, subset errors are dropped when the subsets are unchanged.
pub(super) fn validate_endpoints(
    info: &ResourceInfo,
    obj: &Value,
    old: Option<&Value>,
) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    let subset_errs = subsets(list(obj, "subsets"));
    let unchanged = old.is_some_and(|o| same(get(o, "subsets"), get(obj, "subsets")));
    if !unchanged {
        errs.extend(subset_errs);
    }
    errs
}

/// `ValidateEndpointsUpdate`.
pub(super) fn validate_endpoints_update(
    info: &ResourceInfo,
    new: &Value,
    old: &Value,
) -> Vec<FieldError> {
    let mut errs =
        validate_object_meta_update(info, child(new, "metadata"), child(old, "metadata"));
    errs.extend(validate_endpoints(info, new, Some(old)));
    errs
}

/// `IsFullyQualifiedDomainName`.
fn fqdn(path: &FieldPath, name: &str) -> Vec<FieldError> {
    if name.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errs = names::dns1123_subdomain(name);
    if !errs.is_empty() {
        return vec![FieldError::invalid(path, name, errs.join(","))];
    }
    if name.split('.').count() < 2 {
        return vec![FieldError::invalid(
            path,
            name,
            "should be a domain with at least two segments separated by dots",
        )];
    }
    for label in name.split('.') {
        let errs = names::dns1123_label(label);
        if !errs.is_empty() {
            return vec![FieldError::invalid(path, label, errs.join(","))];
        }
    }
    Vec::new()
}

/// An address of an IPv4 or IPv6 slice: it must parse, be of the slice's family (IPv6 also in
/// canonical form), and pass the endpoint-IP rules.
fn slice_ip(path: &FieldPath, value: &str, want_v6: bool) -> Vec<FieldError> {
    let parse_errs = ip::legacy_ip(path, value, &[]);
    if !parse_errs.is_empty() {
        return parse_errs;
    }
    let Some(parsed) = ip::parse_ip_sloppy(value) else {
        return parse_errs;
    };
    let mut errs = Vec::new();
    if parsed.is_ipv6() != want_v6 {
        let family = if want_v6 { "IPv6" } else { "IPv4" };
        errs.push(FieldError::invalid(
            path,
            value,
            format!("must be an {family} address"),
        ));
    } else if want_v6 && parsed.to_string() != value {
        errs.push(FieldError::invalid(
            path,
            value,
            format!("must be in canonical form (\"{parsed}\")"),
        ));
    }
    errs.extend(ip::endpoint_ip(path, value));
    errs
}

fn slice_endpoints(items: &[Value], address_type: &str) -> Vec<FieldError> {
    let root = FieldPath::new("endpoints");
    if count(items) > MAX_ENDPOINTS {
        return vec![FieldError::too_many(&root, count(items), MAX_ENDPOINTS)];
    }
    let mut errs = Vec::new();
    for (i, endpoint) in items.iter().enumerate() {
        let path = root.index(i);
        let addr_path = path.child("addresses");
        let addresses = list(endpoint, "addresses");
        if addresses.is_empty() {
            errs.push(FieldError::required(
                &addr_path,
                "must contain at least 1 address",
            ));
        } else if count(addresses) > MAX_ADDRESSES {
            errs.push(FieldError::too_many(
                &addr_path,
                count(addresses),
                MAX_ADDRESSES,
            ));
        }
        for (j, a) in addresses.iter().enumerate() {
            let a = a.as_str().unwrap_or("");
            match address_type {
                "IPv4" => errs.extend(slice_ip(&addr_path.index(j), a, false)),
                "IPv6" => errs.extend(slice_ip(&addr_path.index(j), a, true)),
                "FQDN" => errs.extend(fqdn(&addr_path.index(j), a)),
                _ => {}
            }
        }
        if let Some(node) = opt_str(endpoint, "nodeName") {
            errs.extend(invalid_each(
                &path.child("nodeName"),
                node,
                names::dns1123_subdomain(node),
            ));
        }
        let topo_path = path.child("deprecatedTopology");
        let topology = string_map(endpoint, "deprecatedTopology");
        let topo_len = i64::try_from(topology.len()).unwrap_or(i64::MAX);
        if topo_len > MAX_TOPOLOGY_LABELS {
            errs.push(FieldError::too_many(
                &topo_path,
                topo_len,
                MAX_TOPOLOGY_LABELS,
            ));
        }
        errs.extend(labels(&topology, &topo_path));
        if topology.iter().any(|(k, _)| *k == ZONE_LABEL) {
            errs.push(FieldError::internal(
                topo_path.key(ZONE_LABEL),
                "reserved key was not removed in conversion",
            ));
        }
        if let Some(hostname) = opt_str(endpoint, "hostname") {
            errs.extend(dns1123_label(hostname, &path.child("hostname")));
        }
        if let Some(hints) = get(endpoint, "hints") {
            errs.extend(zone_hints(hints, &path.child("hints")));
        }
    }
    errs
}

fn zone_hints(hints: &Value, path: &FieldPath) -> Vec<FieldError> {
    let zones_path = path.child("forZones");
    let zones = list(hints, "forZones");
    if count(zones) > MAX_ZONE_HINTS {
        return vec![FieldError::too_many(
            &zones_path,
            count(zones),
            MAX_ZONE_HINTS,
        )];
    }
    let mut errs = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, zone) in zones.iter().enumerate() {
        let zone_path = zones_path.index(i).child("name");
        let name = str_of(zone, "name");
        if seen.contains(&name) {
            errs.push(FieldError::duplicate(&zone_path, name));
        } else {
            seen.push(name);
        }
        errs.extend(invalid_each(&zone_path, name, names::label_value(name)));
    }
    errs
}

fn slice_ports(items: &[Value]) -> Vec<FieldError> {
    let root = FieldPath::new("ports");
    if count(items) > MAX_PORTS {
        return vec![FieldError::too_many(&root, count(items), MAX_PORTS)];
    }
    let mut errs = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, port) in items.iter().enumerate() {
        let path = root.index(i);
        let name = str_of(port, "name");
        if !name.is_empty() {
            errs.extend(dns1123_label(name, &path.child("name")));
        }
        if seen.contains(&name) {
            errs.push(FieldError::duplicate(path.child("name"), name));
        } else {
            seen.push(name);
        }
        match opt_str(port, "protocol") {
            None => errs.push(FieldError::required(path.child("protocol"), "")),
            Some(p) if !PROTOCOLS.contains(&p) => errs.push(FieldError::not_supported(
                path.child("protocol"),
                p,
                &PROTOCOLS,
            )),
            Some(_) => {}
        }
        if let Some(app) = opt_str(port, "appProtocol") {
            errs.extend(qualified_name(app, &path.child("appProtocol")));
        }
    }
    errs
}

/// `ValidateEndpointSlice`: endpoint errors are skipped on update when the endpoints are
/// unchanged, since they may hold addresses accepted under older rules.
pub(super) fn validate_slice(
    info: &ResourceInfo,
    obj: &Value,
    old: Option<&Value>,
) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    let address_type = str_of(obj, "addressType");
    if address_type.is_empty() {
        errs.push(FieldError::required(FieldPath::new("addressType"), ""));
    } else if !ADDRESS_TYPES.contains(&address_type) {
        errs.push(FieldError::not_supported(
            FieldPath::new("addressType"),
            address_type,
            &ADDRESS_TYPES,
        ));
    }
    errs.extend(slice_ports(list(obj, "ports")));
    let unchanged = old.is_some_and(|o| same(get(o, "endpoints"), get(obj, "endpoints")));
    if !unchanged {
        errs.extend(slice_endpoints(list(obj, "endpoints"), address_type));
    }
    errs
}

/// `ValidateEndpointSliceUpdate`: the slice rules, then `addressType` immutability.
pub(super) fn validate_slice_update(
    info: &ResourceInfo,
    new: &Value,
    old: &Value,
) -> Vec<FieldError> {
    let mut errs = validate_slice(info, new, Some(old));
    let (n, o) = (str_of(new, "addressType"), str_of(old, "addressType"));
    if n != o {
        errs.push(FieldError::invalid(
            FieldPath::new("addressType"),
            n,
            IMMUTABLE,
        ));
    }
    errs
}
