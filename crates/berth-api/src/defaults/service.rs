//! Service, Endpoints and EndpointSlice defaulting, the Service create hook's IP-family
//! fields, and what a Service update keeps from, or clears relative to, the stored object.
//!
//! berth's service network is single-stack IPv4, so the cluster's only family is `IPv4`.
//! Allocating `clusterIP`s and node ports, and refusing families the cluster lacks, is the API
//! server's job.

use serde_json::{Value, json};

use super::{Obj, each_obj, ensure_obj, obj_mut, set_if_empty, set_if_unset, str_of, unset};

const CLUSTER_FAMILY: &str = "IPv4";

/// `SetDefaults_Service`, plus what reads show: `clusterIPs` follows a lone `clusterIP`, an
/// ExternalName service has no `internalTrafficPolicy`, and `status.loadBalancer` is always
/// written.
pub(super) fn service(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        spec_defaults(spec);
    }
    let lb = service_type(o) == "LoadBalancer";
    let Some(balancer) = ensure_obj(o, "status").and_then(|s| ensure_obj(s, "loadBalancer")) else {
        return;
    };
    if lb {
        for ingress in each_obj(balancer, "ingress") {
            if !str_of(ingress, "ip").is_empty() {
                set_if_unset(ingress, "ipMode", json!("VIP"));
            }
        }
    }
}

fn service_type(o: &Obj) -> &str {
    o.get("spec")
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn spec_defaults(spec: &mut Obj) {
    set_if_empty(spec, "sessionAffinity", "None");
    match str_of(spec, "sessionAffinity") {
        "None" => {
            spec.remove("sessionAffinityConfig");
        }
        "ClientIP" => {
            let has_timeout = spec
                .get("sessionAffinityConfig")
                .and_then(|c| c.get("clientIP"))
                .and_then(|c| c.get("timeoutSeconds"))
                .is_some_and(|t| !t.is_null());
            if !has_timeout {
                spec.insert(
                    "sessionAffinityConfig".to_owned(),
                    json!({"clientIP": {"timeoutSeconds": 10800}}),
                );
            }
        }
        _ => {}
    }
    set_if_empty(spec, "type", "ClusterIP");
    for p in each_obj(spec, "ports") {
        set_if_empty(p, "protocol", "TCP");
        let target_unset = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(v) => v.as_f64() == Some(0.0),
        };
        if target_unset {
            let port = p.get("port").cloned().unwrap_or_else(|| json!(0));
            p.insert("targetPort".to_owned(), port);
        }
    }
    if externally_accessible(spec) {
        set_if_empty(spec, "externalTrafficPolicy", "Cluster");
    }
    let kind = str_of(spec, "type").to_owned();
    if matches!(kind.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        set_if_unset(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if kind == "LoadBalancer" {
        set_if_unset(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if kind == "ExternalName" {
        spec.remove("internalTrafficPolicy");
    }
    let cluster_ip = str_of(spec, "clusterIP").to_owned();
    if !cluster_ip.is_empty() && list_len(spec, "clusterIPs") == 0 {
        spec.insert("clusterIPs".to_owned(), json!([cluster_ip]));
    }
}

/// NodePort, LoadBalancer, or ClusterIP with external IPs.
fn externally_accessible(spec: &Obj) -> bool {
    match str_of(spec, "type") {
        "NodePort" | "LoadBalancer" => true,
        "ClusterIP" => list_len(spec, "externalIPs") > 0,
        _ => false,
    }
}

fn list_len(m: &Obj, key: &str) -> usize {
    m.get(key).and_then(Value::as_array).map_or(0, Vec::len)
}

fn strings(m: &Obj, key: &str) -> Vec<String> {
    m.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap_or("").to_owned())
        .collect()
}

/// Create: the strategy clears status, then the create hook sets the IP-family fields.
pub(super) fn on_create(o: &mut Obj) {
    o.insert("status".to_owned(), json!({"loadBalancer": {}}));
    if let Some(spec) = obj_mut(o, "spec") {
        ip_family_fields(spec, None);
    }
}

/// Upstream's `initIPFamilyFields` for a single-stack IPv4 cluster. Inputs the cluster cannot
/// serve (IPv6, `RequireDualStack` on a selector service) are left for validation and the
/// allocator to refuse.
fn ip_family_fields(spec: &mut Obj, old: Option<&Obj>) {
    if str_of(spec, "type") == "ExternalName" {
        return;
    }
    let headless_selectorless = str_of(spec, "clusterIP") == "None"
        && spec
            .get("selector")
            .and_then(Value::as_object)
            .is_none_or(|s| s.is_empty());
    if unset(spec.get("ipFamilyPolicy")) {
        let policy = match old
            .and_then(|o| o.get("ipFamilyPolicy"))
            .filter(|p| !p.is_null())
        {
            Some(p) => p.clone(),
            None if headless_selectorless => json!("RequireDualStack"),
            None => json!("SingleStack"),
        };
        spec.insert("ipFamilyPolicy".to_owned(), policy);
    }
    let single_stack = str_of(spec, "ipFamilyPolicy") == "SingleStack";
    if let Some(old) = old
        && single_stack
    {
        for key in ["clusterIPs", "ipFamilies"] {
            if strings(spec, key) == strings(old, key) && list_len(spec, key) > 1 {
                spec.insert(key.to_owned(), json!([strings(spec, key)[0]]));
            }
        }
    }
    let mut families = strings(spec, "ipFamilies");
    for (i, ip) in strings(spec, "clusterIPs").iter().enumerate() {
        if ip == "None" {
            break;
        }
        let family = if ip.contains(':') { "IPv6" } else { "IPv4" };
        if i >= families.len() && family == CLUSTER_FAMILY {
            families.push(family.to_owned());
        }
    }
    if families.is_empty() {
        families.push(CLUSTER_FAMILY.to_owned());
    }
    if headless_selectorless && families.len() < 2 && !single_stack {
        let other = if families[0] == "IPv4" {
            "IPv6"
        } else {
            "IPv4"
        };
        families.push(other.to_owned());
    }
    spec.insert("ipFamilies".to_owned(), json!(families));
}

/// Update: values the stored Service has allocated survive a client that omits them
/// (`patchAllocatedValues`), `clusterIPs` follows a changed `clusterIP`, the IP-family fields
/// are initialised as on create with the old policy as default, and fields the new type no
/// longer uses are cleared when the client left the old value in place (the strategy's
/// `dropTypeDependentFields`).
pub(super) fn on_update(old: &Obj, new: &mut Obj) {
    let (Some(old_spec), Some(spec)) = (
        old.get("spec").and_then(Value::as_object),
        obj_mut(new, "spec"),
    ) else {
        return;
    };
    patch_allocated(old_spec, spec);
    let cluster_ip = str_of(spec, "clusterIP").to_owned();
    if cluster_ip != str_of(old_spec, "clusterIP")
        && strings(spec, "clusterIPs") == strings(old_spec, "clusterIPs")
        && list_len(spec, "clusterIPs") > 0
    {
        if cluster_ip.is_empty() {
            spec.remove("clusterIPs");
        } else if let Some(first) = spec
            .get_mut("clusterIPs")
            .and_then(Value::as_array_mut)
            .and_then(|l| l.first_mut())
        {
            *first = json!(cluster_ip);
        }
    }
    drop_type_dependent(old_spec, spec);
    ip_family_fields(spec, Some(old_spec));
    if str_of(spec, "type") != "LoadBalancer"
        && let Some(status) = obj_mut(new, "status")
    {
        status.insert("loadBalancer".to_owned(), json!({}));
    }
}

fn needs_cluster_ip(spec: &Obj) -> bool {
    str_of(spec, "type") != "ExternalName"
}

fn needs_node_port(spec: &Obj) -> bool {
    matches!(str_of(spec, "type"), "NodePort" | "LoadBalancer")
}

fn needs_health_check(spec: &Obj) -> bool {
    str_of(spec, "type") == "LoadBalancer" && str_of(spec, "externalTrafficPolicy") == "Local"
}

fn num(m: &Obj, key: &str) -> i64 {
    m.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn node_ports(spec: &Obj) -> Vec<i64> {
    spec.get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|p| num(p, "nodePort"))
        .filter(|n| *n != 0)
        .collect()
}

fn patch_allocated(old: &Obj, spec: &mut Obj) {
    if needs_cluster_ip(old) && needs_cluster_ip(spec) {
        if str_of(spec, "clusterIP").is_empty()
            && let Some(ip) = old.get("clusterIP").filter(|v| !v.is_null())
        {
            spec.insert("clusterIP".to_owned(), ip.clone());
        }
        if list_len(spec, "clusterIPs") == 0 && list_len(old, "clusterIPs") > 0 {
            spec.insert("clusterIPs".to_owned(), json!(strings(old, "clusterIPs")));
        }
    }
    if needs_node_port(old) && needs_node_port(spec) {
        let new_ports = node_ports(spec);
        let used: Vec<i64> = node_ports(old)
            .into_iter()
            .filter(|p| new_ports.contains(p))
            .collect();
        let by_name: Vec<(String, i64)> = old
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|p| (str_of(p, "name").to_owned(), num(p, "nodePort")))
            .collect();
        for p in each_obj(spec, "ports") {
            if num(p, "nodePort") != 0 {
                continue;
            }
            let name = str_of(p, "name");
            let old_port = by_name
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, v)| *v);
            if old_port != 0 && !used.contains(&old_port) {
                p.insert("nodePort".to_owned(), json!(old_port));
            }
        }
    }
    if needs_health_check(old) && needs_health_check(spec) && num(spec, "healthCheckNodePort") == 0
    {
        let hc = num(old, "healthCheckNodePort");
        if hc != 0 {
            spec.insert("healthCheckNodePort".to_owned(), json!(hc));
        }
    }
}

fn drop_type_dependent(old: &Obj, spec: &mut Obj) {
    let same = |spec: &Obj, key: &str| spec.get(key) == old.get(key);
    if needs_cluster_ip(old) && !needs_cluster_ip(spec) {
        for key in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
            if same(spec, key) {
                spec.remove(key);
            }
        }
    }
    if needs_node_port(old) && !needs_node_port(spec) && node_ports(spec) == node_ports(old) {
        for p in each_obj(spec, "ports") {
            p.remove("nodePort");
        }
    }
    if needs_health_check(old) && !needs_health_check(spec) && same(spec, "healthCheckNodePort") {
        spec.remove("healthCheckNodePort");
    }
    let was_lb = str_of(old, "type") == "LoadBalancer";
    if was_lb && str_of(spec, "type") != "LoadBalancer" {
        for key in ["allocateLoadBalancerNodePorts", "loadBalancerClass"] {
            if same(spec, key) {
                spec.remove(key);
            }
        }
    }
    if externally_accessible(old)
        && !externally_accessible(spec)
        && same(spec, "externalTrafficPolicy")
    {
        spec.remove("externalTrafficPolicy");
    }
}

/// `SetDefaults_Endpoints`.
pub(super) fn endpoints(o: &mut Obj) {
    for subset in each_obj(o, "subsets") {
        for p in each_obj(subset, "ports") {
            set_if_empty(p, "protocol", "TCP");
        }
    }
}

/// discovery/v1 `SetDefaults_EndpointPort`, and each endpoint's `conditions` struct, which Go
/// always writes.
pub(super) fn endpoint_slice(o: &mut Obj) {
    for p in each_obj(o, "ports") {
        set_if_unset(p, "name", json!(""));
        set_if_unset(p, "protocol", json!("TCP"));
    }
    for e in each_obj(o, "endpoints") {
        ensure_obj(e, "conditions");
    }
}
