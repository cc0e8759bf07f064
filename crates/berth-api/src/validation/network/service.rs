//! `ValidateService` and `ValidateServiceUpdate`: ports, type-specific rules, session affinity,
//! cluster IPs and IP families, external IPs, source ranges and traffic policies.

use serde_json::Value;

use super::common::{
    annotation, child, dns1123_label, dns1123_subdomain, get, int_of, labels, list, opt_int,
    opt_str, qualified_name, str_of, string_map, strings,
};
use super::ip;
use super::service_ips::{
    cluster_ips_related, is_headless, upgrade_downgrade_cluster_ips, upgrade_downgrade_families,
};
use super::service_prepare::externally_accessible;
use crate::registry::ResourceInfo;
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::validation::names;

/// Protocols of service and endpoint ports, sorted.
pub(super) const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const AFFINITIES: [&str; 2] = ["ClientIP", "None"];
const TRAFFIC_POLICIES: [&str; 2] = ["Cluster", "Local"];
const MAX_AFFINITY_SECONDS: i64 = 86400;
const LB_ONLY: &str = "may only be used when `type` is 'LoadBalancer'";
const TOPOLOGY_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

fn spec_path() -> FieldPath {
    FieldPath::new("spec")
}

fn needs_health_check(spec: &Value) -> bool {
    str_of(spec, "type") == "LoadBalancer" && str_of(spec, "externalTrafficPolicy") == "Local"
}

/// A port's `targetPort` as an IntOrString: (is_string, int value, string value).
fn target_port(port: &Value) -> (bool, i64, &str) {
    match port.get("targetPort") {
        Some(Value::String(s)) => (true, 0, s.as_str()),
        Some(v) => (false, v.as_i64().unwrap_or(0), ""),
        None => (false, 0, ""),
    }
}

/// `ValidatePortNumOrName`.
pub(super) fn port_num_or_name(port: &Value, path: &FieldPath) -> Vec<FieldError> {
    let (is_str, n, s) = target_port(port);
    if is_str {
        names::port_name(s)
            .into_iter()
            .map(|m| FieldError::invalid(path, s, m))
            .collect()
    } else {
        names::port_number(n)
            .into_iter()
            .map(|m| FieldError::invalid(path, n, m))
            .collect()
    }
}

/// Port number and protocol checks shared by service and endpoint ports.
pub(super) fn port_number_and_protocol(port: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let number = int_of(port, "port");
    for msg in names::port_number(number) {
        errs.push(FieldError::invalid(path.child("port"), number, msg));
    }
    let protocol = str_of(port, "protocol");
    if protocol.is_empty() {
        errs.push(FieldError::required(path.child("protocol"), ""));
    } else if !PROTOCOLS.contains(&protocol) {
        errs.push(FieldError::not_supported(
            path.child("protocol"),
            protocol,
            &PROTOCOLS,
        ));
    }
    errs
}

fn service_port(
    port: &Value,
    require_name: bool,
    seen: &mut Vec<String>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_of(port, "name");
    if require_name && name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    } else if !name.is_empty() {
        errs.extend(dns1123_label(name, &path.child("name")));
        if seen.iter().any(|n| n == name) {
            errs.push(FieldError::duplicate(path.child("name"), name));
        } else {
            seen.push(name.to_owned());
        }
    }
    errs.extend(port_number_and_protocol(port, path));
    errs.extend(port_num_or_name(port, &path.child("targetPort")));
    if let Some(app) = opt_str(port, "appProtocol") {
        errs.extend(qualified_name(app, &path.child("appProtocol")));
    }
    errs
}

/// Go's `%#v` of the `core.ServicePort{Protocol, Port}` key of the duplicate-port check.
fn port_key(protocol: &str, port: i64) -> BadValue {
    BadValue::Raw(gofmt::go_struct(
        "core.ServicePort",
        &[
            ("Name", gofmt::quote("")),
            ("Protocol", gofmt::quote(protocol)),
            ("AppProtocol", gofmt::pointer("string", false)),
            ("Port", port.to_string()),
            (
                "TargetPort",
                "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_owned(),
            ),
            ("NodePort", "0".to_owned()),
        ],
    ))
}

fn client_ip_config(config: Option<&Value>, path: &FieldPath) -> Vec<FieldError> {
    const WHEN: &str = "when session affinity type is ClientIP";
    let Some(config) = config else {
        return vec![FieldError::required(path, WHEN)];
    };
    let Some(client_ip) = get(config, "clientIP") else {
        return vec![FieldError::required(path.child("clientIP"), WHEN)];
    };
    let timeout_path = path.child("clientIP").child("timeoutSeconds");
    match opt_int(client_ip, "timeoutSeconds") {
        None => vec![FieldError::required(timeout_path, WHEN)],
        Some(t) if t <= 0 || t > MAX_AFFINITY_SECONDS => vec![FieldError::invalid(
            timeout_path,
            t,
            format!("must be greater than 0 and less than {MAX_AFFINITY_SECONDS}"),
        )],
        Some(_) => Vec::new(),
    }
}

fn external_name_rules(spec: &Value) -> Vec<FieldError> {
    const FORBIDDEN: &str = "may not be set for ExternalName services";
    let mut errs = Vec::new();
    if !list(spec, "clusterIPs").is_empty() {
        errs.push(FieldError::forbidden(
            spec_path().child("clusterIPs"),
            FORBIDDEN,
        ));
    }
    if !list(spec, "ipFamilies").is_empty() {
        errs.push(FieldError::forbidden(
            spec_path().child("ipFamilies"),
            FORBIDDEN,
        ));
    }
    if get(spec, "ipFamilyPolicy").is_some() {
        errs.push(FieldError::forbidden(
            spec_path().child("ipFamilyPolicy"),
            FORBIDDEN,
        ));
    }
    let name = str_of(spec, "externalName");
    let cname = name.strip_suffix('.').unwrap_or(name);
    if cname.is_empty() {
        errs.push(FieldError::required(spec_path().child("externalName"), ""));
    } else {
        errs.extend(dns1123_subdomain(cname, &spec_path().child("externalName")));
    }
    errs
}

fn source_ranges(obj: &Value, spec: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let is_lb = str_of(spec, "type") == "LoadBalancer";
    let ranges = strings(spec, "loadBalancerSourceRanges");
    if !ranges.is_empty() {
        // Upstream names this path with a capital L.
        let path = spec_path().child("LoadBalancerSourceRanges");
        if !is_lb {
            errs.push(FieldError::forbidden(&path, LB_ONLY));
        }
        let existing: Vec<String> = old
            .map(|o| strings(child(o, "spec"), "loadBalancerSourceRanges"))
            .unwrap_or_default()
            .iter()
            .map(|v| v.trim().to_owned())
            .collect();
        for (i, value) in ranges.iter().enumerate() {
            errs.extend(ip::legacy_cidr(&path.index(i), value.trim(), &existing));
        }
    } else if let Some(value) = annotation(obj, SOURCE_RANGES_ANNOTATION) {
        let path = FieldPath::new("metadata")
            .child("annotations")
            .key(SOURCE_RANGES_ANNOTATION);
        if !is_lb {
            errs.push(FieldError::forbidden(&path, LB_ONLY));
        }
        let unchanged = old.is_some_and(|o| annotation(o, SOURCE_RANGES_ANNOTATION) == Some(value));
        let trimmed = value.trim();
        if !unchanged && !trimmed.is_empty() {
            for cidr in trimmed.split(',') {
                errs.extend(ip::legacy_cidr(&path, cidr.trim(), &[]));
            }
        }
    }
    errs
}

/// `validateLoadBalancerClassField`.
fn load_balancer_class(old_spec: Option<&Value>, spec: &Value) -> Vec<FieldError> {
    let path = spec_path().child("loadBalancerClass");
    let mut errs = Vec::new();
    let is_lb = str_of(spec, "type") == "LoadBalancer";
    let class = opt_str(spec, "loadBalancerClass");
    if let Some(old) = old_spec
        && str_of(old, "type") == "LoadBalancer"
        && is_lb
        && opt_str(old, "loadBalancerClass") != class
    {
        errs.push(FieldError::invalid(
            &path,
            class.map_or(BadValue::Null, BadValue::from),
            "may not change once set",
        ));
    }
    match class {
        Some(c) if is_lb => errs.extend(qualified_name(c, &path)),
        Some(_) => errs.push(FieldError::forbidden(&path, LB_ONLY)),
        None => {}
    }
    errs
}

fn traffic_policies(spec: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let etp = str_of(spec, "externalTrafficPolicy");
    let etp_path = spec_path().child("externalTrafficPolicy");
    if !externally_accessible(spec) {
        if !etp.is_empty() {
            errs.push(FieldError::invalid(
                &etp_path,
                etp,
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        errs.push(FieldError::required(&etp_path, ""));
    } else if !TRAFFIC_POLICIES.contains(&etp) {
        errs.push(FieldError::not_supported(&etp_path, etp, &TRAFFIC_POLICIES));
    }
    let hc = int_of(spec, "healthCheckNodePort");
    let hc_path = spec_path().child("healthCheckNodePort");
    if !needs_health_check(spec) {
        if hc != 0 {
            errs.push(FieldError::invalid(
                &hc_path,
                hc,
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if hc == 0 {
        errs.push(FieldError::required(&hc_path, ""));
    } else {
        for msg in names::port_number(hc) {
            errs.push(FieldError::invalid(&hc_path, hc, msg));
        }
    }
    let itp_path = spec_path().child("internalTrafficPolicy");
    match opt_str(spec, "internalTrafficPolicy") {
        None if matches!(
            str_of(spec, "type"),
            "NodePort" | "LoadBalancer" | "ClusterIP"
        ) =>
        {
            errs.push(FieldError::required(&itp_path, ""));
        }
        Some(p) if !TRAFFIC_POLICIES.contains(&p) => {
            errs.push(FieldError::not_supported(&itp_path, p, &TRAFFIC_POLICIES));
        }
        _ => {}
    }
    if let Some(td) = opt_str(spec, "trafficDistribution") {
        // PreferSameTrafficDistribution is off in 1.33, so only PreferClose is accepted.
        if td != "PreferClose" {
            errs.push(FieldError::not_supported(
                spec_path().child("trafficDistribution"),
                td,
                &["PreferClose"],
            ));
        }
    }
    errs
}

fn ports_rules(spec: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ports = list(spec, "ports");
    let ports_path = spec_path().child("ports");
    if str_of(spec, "type") == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if int_of(port, "nodePort") != 0 {
                errs.push(FieldError::forbidden(
                    ports_path.index(i).child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports: Vec<(&str, i64)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let node_port = int_of(port, "nodePort");
        if node_port == 0 {
            continue;
        }
        let key = (str_of(port, "protocol"), node_port);
        if node_ports.contains(&key) {
            errs.push(FieldError::duplicate(
                ports_path.index(i).child("nodePort"),
                node_port,
            ));
        }
        node_ports.push(key);
    }
    let mut seen: Vec<(&str, i64)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let key = (str_of(port, "protocol"), int_of(port, "port"));
        if seen.contains(&key) {
            errs.push(FieldError::duplicate(
                ports_path.index(i),
                port_key(key.0, key.1),
            ));
        }
        seen.push(key);
    }
    errs
}

/// `ValidateService`; `old` is the stored object on update.
pub(super) fn validate(info: &ResourceInfo, obj: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    if let (Some(hints), Some(mode)) = (
        annotation(obj, TOPOLOGY_HINTS),
        annotation(obj, TOPOLOGY_MODE),
    ) && hints != mode
    {
        errs.push(FieldError::invalid(
            FieldPath::new("metadata")
                .child("annotations")
                .key(TOPOLOGY_MODE),
            mode,
            format!("must match annotations[{TOPOLOGY_HINTS}] when both are specified"),
        ));
    }
    let spec = child(obj, "spec");
    let old_spec = old.map(|o| child(o, "spec"));
    let ty = str_of(spec, "type");
    let headless = is_headless(spec);
    let ports = list(spec, "ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required(spec_path().child("ports"), ""));
    }
    match ty {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            spec_path().child("clusterIPs").index(0),
            "None",
            format!("may not be set to 'None' for {ty} services"),
        )),
        "ExternalName" => errs.extend(external_name_rules(spec)),
        _ => {}
    }
    let mut names_seen = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        errs.extend(service_port(
            port,
            ports.len() > 1,
            &mut names_seen,
            &spec_path().child("ports").index(i),
        ));
    }
    if get(spec, "selector").is_some() {
        errs.extend(labels(
            &string_map(spec, "selector"),
            &spec_path().child("selector"),
        ));
    }
    let affinity = str_of(spec, "sessionAffinity");
    let affinity_path = spec_path().child("sessionAffinity");
    if affinity.is_empty() {
        errs.push(FieldError::required(&affinity_path, ""));
    } else if !AFFINITIES.contains(&affinity) {
        errs.push(FieldError::not_supported(
            &affinity_path,
            affinity,
            &AFFINITIES,
        ));
    }
    let config_path = spec_path().child("sessionAffinityConfig");
    match affinity {
        "ClientIP" => errs.extend(client_ip_config(
            get(spec, "sessionAffinityConfig"),
            &config_path,
        )),
        "None" if get(spec, "sessionAffinityConfig").is_some() => errs.push(FieldError::forbidden(
            &config_path,
            "must not be set when session affinity is None",
        )),
        _ => {}
    }
    errs.extend(cluster_ips_related(spec, old_spec));
    let existing_external = old_spec
        .map(|o| strings(o, "externalIPs"))
        .unwrap_or_default();
    for (i, value) in strings(spec, "externalIPs").iter().enumerate() {
        let path = spec_path().child("externalIPs").index(i);
        let legacy = ip::legacy_ip(&path, value, &existing_external);
        if legacy.is_empty() {
            errs.extend(ip::endpoint_ip(&path, value));
        } else {
            errs.extend(legacy);
        }
    }
    if ty.is_empty() {
        errs.push(FieldError::required(spec_path().child("type"), ""));
    } else if !TYPES.contains(&ty) {
        errs.push(FieldError::not_supported(
            spec_path().child("type"),
            ty,
            &TYPES,
        ));
    }
    errs.extend(ports_rules(spec));
    errs.extend(source_ranges(obj, spec, old));
    let allocate = get(spec, "allocateLoadBalancerNodePorts");
    if allocate.is_some() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            spec_path().child("allocateLoadBalancerNodePorts"),
            LB_ONLY,
        ));
    }
    if ty == "LoadBalancer" && allocate.is_none() {
        // Upstream reports this one at the root, without `spec.`.
        errs.push(FieldError::required(
            FieldPath::new("allocateLoadBalancerNodePorts"),
            "",
        ));
    }
    errs.extend(load_balancer_class(None, spec));
    errs.extend(traffic_policies(spec));
    errs
}

/// `ValidateServiceUpdate`. Both objects have been through the registry's preparation.
pub(super) fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs =
        validate_object_meta_update(info, child(new, "metadata"), child(old, "metadata"));
    let (new_spec, old_spec) = (child(new, "spec"), child(old, "spec"));
    errs.extend(upgrade_downgrade_cluster_ips(old_spec, new_spec));
    errs.extend(upgrade_downgrade_families(old_spec, new_spec));
    errs.extend(load_balancer_class(Some(old_spec), new_spec));
    if needs_health_check(old_spec)
        && needs_health_check(new_spec)
        && int_of(new_spec, "healthCheckNodePort") != int_of(old_spec, "healthCheckNodePort")
    {
        errs.push(FieldError::forbidden(
            spec_path().child("healthCheckNodePort"),
            "field is immutable",
        ));
    }
    errs.extend(validate(info, new, Some(old)));
    errs
}
