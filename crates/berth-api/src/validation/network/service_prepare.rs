//! The registry steps that shape a Service before validation: keeping `clusterIP` and
//! `clusterIPs` in sync, copying allocated values (cluster IPs, node ports, health-check port)
//! forward on update, and clearing fields a type change made meaningless.

use serde_json::{Map, Value};

use super::common::{child, get, int_of, list, opt_str, str_of, strings};

fn spec_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = obj.as_object_mut()?;
    let spec = root
        .entry("spec")
        .or_insert_with(|| Value::Object(Map::new()));
    if spec.is_null() {
        *spec = Value::Object(Map::new());
    }
    spec.as_object_mut()
}

fn set_strings(spec: &mut Map<String, Value>, key: &str, items: &[String]) {
    if items.is_empty() {
        spec.remove(key);
    } else {
        spec.insert(
            key.to_owned(),
            Value::Array(items.iter().cloned().map(Value::String).collect()),
        );
    }
}

fn spec_type(obj: &Value) -> &str {
    str_of(child(obj, "spec"), "type")
}

fn needs_cluster_ip(obj: &Value) -> bool {
    spec_type(obj) != "ExternalName"
}

fn needs_node_port(obj: &Value) -> bool {
    matches!(spec_type(obj), "NodePort" | "LoadBalancer")
}

fn needs_hc_node_port(obj: &Value) -> bool {
    spec_type(obj) == "LoadBalancer"
        && str_of(child(obj, "spec"), "externalTrafficPolicy") == "Local"
}

/// `ExternallyAccessible`: LoadBalancer, NodePort, or ClusterIP with external IPs.
pub(super) fn externally_accessible(spec: &Value) -> bool {
    match str_of(spec, "type") {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => !list(spec, "externalIPs").is_empty(),
        _ => false,
    }
}

fn cluster_ip(obj: &Value) -> String {
    str_of(child(obj, "spec"), "clusterIP").to_owned()
}

fn cluster_ips(obj: &Value) -> Vec<String> {
    strings(child(obj, "spec"), "clusterIPs")
}

fn node_ports(obj: &Value) -> Vec<i64> {
    list(child(obj, "spec"), "ports")
        .iter()
        .map(|p| int_of(p, "nodePort"))
        .filter(|n| *n != 0)
        .collect()
}

/// The create-time `normalizeClusterIPs`: a client that sent only `clusterIP` gets
/// `clusterIPs = [clusterIP]`.
pub(super) fn prepare_service_create(obj: &mut Value) {
    let ip = cluster_ip(obj);
    if !ip.is_empty()
        && cluster_ips(obj).is_empty()
        && let Some(spec) = spec_mut(obj)
    {
        set_strings(spec, "clusterIPs", &[ip]);
    }
}

/// The update-time steps, in the apiserver's order: copy allocated values the client left
/// out, sync `clusterIP`/`clusterIPs`, clear type-dependent fields the client left unchanged
/// after a type change, and trim the secondary family on a downgrade to `SingleStack`.
pub(super) fn prepare_service_update(new: &mut Value, old: &Value) {
    let mut old = old.clone();
    prepare_service_create(&mut old);
    patch_allocated_values(new, &old);
    normalize_cluster_ips_update(new, &old);
    drop_type_dependent_fields(new, &old);
    trim_for_dual_stack_downgrade(new, &old);
}

fn patch_allocated_values(new: &mut Value, old: &Value) {
    let old_spec = child(old, "spec");
    if needs_cluster_ip(old) && needs_cluster_ip(new) {
        let (new_ip, new_ips) = (cluster_ip(new), cluster_ips(new));
        let Some(spec) = spec_mut(new) else { return };
        let old_ip = str_of(old_spec, "clusterIP");
        if new_ip.is_empty() && !old_ip.is_empty() {
            spec.insert("clusterIP".to_owned(), Value::String(old_ip.to_owned()));
        }
        let old_ips = strings(old_spec, "clusterIPs");
        if new_ips.is_empty() && !old_ips.is_empty() {
            set_strings(spec, "clusterIPs", &old_ips);
        }
    }
    if needs_node_port(old) && needs_node_port(new) {
        let new_used = node_ports(new);
        let used: Vec<i64> = node_ports(old)
            .into_iter()
            .filter(|p| new_used.contains(p))
            .collect();
        // By port name; a later port with the same name wins, as a map insert does.
        let by_name: Vec<(String, i64)> = list(old_spec, "ports")
            .iter()
            .map(|p| (str_of(p, "name").to_owned(), int_of(p, "nodePort")))
            .collect();
        let lookup = |name: &str| {
            by_name
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, v)| *v)
        };
        if let Some(ports) = spec_mut(new)
            .and_then(|s| s.get_mut("ports"))
            .and_then(Value::as_array_mut)
        {
            for port in ports.iter_mut() {
                if int_of(port, "nodePort") != 0 {
                    continue;
                }
                let old_val = lookup(str_of(port, "name"));
                if old_val != 0
                    && !used.contains(&old_val)
                    && let Some(p) = port.as_object_mut()
                {
                    p.insert("nodePort".to_owned(), Value::from(old_val));
                }
            }
        }
    }
    if needs_hc_node_port(old) && needs_hc_node_port(new) {
        let old_hc = int_of(old_spec, "healthCheckNodePort");
        if int_of(child(new, "spec"), "healthCheckNodePort") == 0
            && old_hc != 0
            && let Some(spec) = spec_mut(new)
        {
            spec.insert("healthCheckNodePort".to_owned(), Value::from(old_hc));
        }
    }
}

fn normalize_cluster_ips_update(new: &mut Value, old: &Value) {
    let (old_ip, old_ips) = (cluster_ip(old), cluster_ips(old));
    let new_ip = cluster_ip(new);
    let mut new_ips = cluster_ips(new);
    if !old_ips.is_empty() && new_ips.is_empty() && old_ip == new_ip {
        new_ips.clone_from(&old_ips);
    }
    if old_ip != new_ip && old_ips == new_ips {
        new_ips = if !old_ip.is_empty() && new_ip.is_empty() {
            Vec::new()
        } else {
            vec![new_ip]
        };
    }
    if new_ips != cluster_ips(new)
        && let Some(spec) = spec_mut(new)
    {
        set_strings(spec, "clusterIPs", &new_ips);
    }
}

fn drop_type_dependent_fields(new: &mut Value, old: &Value) {
    let old_spec = child(old, "spec").clone();
    let new_spec = child(new, "spec").clone();
    let same_field = |key: &str| get(&old_spec, key) == get(&new_spec, key);
    let mut removals: Vec<&str> = Vec::new();
    if needs_cluster_ip(old) && !needs_cluster_ip(new) {
        if cluster_ip(old) == cluster_ip(new) && cluster_ips(old) == cluster_ips(new) {
            removals.extend(["clusterIP", "clusterIPs"]);
        }
        if strings(&old_spec, "ipFamilies") == strings(&new_spec, "ipFamilies") {
            removals.push("ipFamilies");
        }
        if opt_str(&old_spec, "ipFamilyPolicy").unwrap_or("")
            == opt_str(&new_spec, "ipFamilyPolicy").unwrap_or("")
        {
            removals.push("ipFamilyPolicy");
        }
    }
    let old_ports = node_ports(old);
    let clear_node_ports = needs_node_port(old)
        && !needs_node_port(new)
        && node_ports(new).iter().all(|p| old_ports.contains(p));
    if needs_hc_node_port(old)
        && !needs_hc_node_port(new)
        && int_of(&old_spec, "healthCheckNodePort") == int_of(&new_spec, "healthCheckNodePort")
    {
        removals.push("healthCheckNodePort");
    }
    let old_lb = str_of(&old_spec, "type") == "LoadBalancer";
    let new_lb = str_of(&new_spec, "type") == "LoadBalancer";
    if old_lb && !new_lb {
        let both_set = get(&old_spec, "allocateLoadBalancerNodePorts").is_some()
            && get(&new_spec, "allocateLoadBalancerNodePorts").is_some();
        if both_set && same_field("allocateLoadBalancerNodePorts") {
            removals.push("allocateLoadBalancerNodePorts");
        }
        if same_field("loadBalancerClass") {
            removals.push("loadBalancerClass");
        }
    }
    if externally_accessible(&old_spec)
        && !externally_accessible(&new_spec)
        && str_of(&old_spec, "externalTrafficPolicy") == str_of(&new_spec, "externalTrafficPolicy")
    {
        removals.push("externalTrafficPolicy");
    }
    if removals.is_empty() && !clear_node_ports {
        return;
    }
    let Some(spec) = spec_mut(new) else { return };
    for key in removals {
        spec.remove(key);
    }
    if clear_node_ports && let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.remove("nodePort");
        }
    }
}

fn trim_for_dual_stack_downgrade(new: &mut Value, old: &Value) {
    let old_dual = matches!(
        opt_str(child(old, "spec"), "ipFamilyPolicy"),
        Some("RequireDualStack" | "PreferDualStack")
    );
    let new_single = opt_str(child(new, "spec"), "ipFamilyPolicy") == Some("SingleStack");
    if !(old_dual && new_single) {
        return;
    }
    let ips = cluster_ips(new);
    let families = strings(child(new, "spec"), "ipFamilies");
    let Some(spec) = spec_mut(new) else { return };
    if ips.len() > 1 {
        set_strings(spec, "clusterIPs", &ips[..1]);
    }
    if families.len() > 1 {
        set_strings(spec, "ipFamilies", &families[..1]);
    }
}
