//! `ValidatePodSpec`: the pod-level fields and the order upstream checks them in.

use serde_json::Value;

use super::PodOptions;
use super::access::{Errs, Json, invalid_each};
use super::containers::{self, PodContext};
use super::labels;
use super::resources;
use super::volumes;
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::names;

const MAX_INT32: i64 = i32::MAX as i64;

/// `ValidatePodSpec` for `spec` at `path`. `pod_name` is the Pod's name (templates have none).
pub(crate) fn pod_spec(
    spec: &Value,
    pod_name: Option<&str>,
    path: &FieldPath,
    opts: &PodOptions,
) -> Errs {
    let mut errs = Errs::new();
    let grace = spec.int("terminationGracePeriodSeconds");
    if grace.is_none() {
        errs.push(FieldError::required(
            path.child("terminationGracePeriodSeconds"),
            "",
        ));
    }
    let sc = spec.at("securityContext");
    let host_users = sc.and_then(|s| s.at("hostUsers")).and_then(Value::as_bool) != Some(false);
    let (vols, vol_errs) = volumes::volumes(
        spec.list("volumes"),
        pod_name.filter(|n| !n.is_empty()),
        &path.child("volumes"),
        opts.allow_non_local_projected_token_path,
    );
    errs.extend(vol_errs);
    let ctx = PodContext {
        volumes: &vols,
        grace,
        restart_policy: spec.s("restartPolicy"),
        host_users,
    };
    let regular = spec.list("containers");
    errs.extend(containers::containers(
        regular,
        &ctx,
        &path.child("containers"),
    ));
    errs.extend(containers::init_containers(
        spec.list("initContainers"),
        regular,
        &ctx,
        &path.child("initContainers"),
    ));
    errs.extend(host_network_deps(spec, path, opts.resource_is_pod));
    match spec.s("restartPolicy") {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(FieldError::required(path.child("restartPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            path.child("restartPolicy"),
            other,
            &["Always", "OnFailure", "Never"],
        )),
    }
    let dns_policy = spec.s("dnsPolicy");
    match dns_policy {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(FieldError::required(path.child("dnsPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            path.child("dnsPolicy"),
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(labels::labels(
        spec,
        "nodeSelector",
        &path.child("nodeSelector"),
    ));
    errs.extend(pod_security_context(spec, &path.child("securityContext")));
    errs.extend(dns_config(spec, dns_policy, &path.child("dnsConfig")));
    for (i, gate) in spec.list("readinessGates").iter().enumerate() {
        let t = gate.s("conditionType");
        let p = path.child("readinessGates").index(i).child("conditionType");
        invalid_each(&mut errs, &p, t, names::qualified_name(t));
    }
    let mut gates_seen: Vec<&str> = Vec::new();
    for (i, gate) in spec.list("schedulingGates").iter().enumerate() {
        let name = gate.s("name");
        let p = path.child("schedulingGates").index(i);
        invalid_each(&mut errs, &p, name, names::qualified_name(name));
        if gates_seen.contains(&name) {
            errs.push(FieldError::duplicate(&p, name));
        }
        gates_seen.push(name);
    }
    errs.extend(host_users_deps(spec, host_users, path));
    for key in ["serviceAccountName", "nodeName"] {
        let v = spec.s(key);
        if !v.is_empty() {
            invalid_each(&mut errs, &path.child(key), v, names::dns1123_subdomain(v));
        }
    }
    if let Some(deadline) = spec.int("activeDeadlineSeconds")
        && !(1..=MAX_INT32).contains(&deadline)
    {
        errs.push(FieldError::invalid(
            path.child("activeDeadlineSeconds"),
            deadline,
            names::inclusive_range_error(1, MAX_INT32),
        ));
    }
    for key in ["hostname", "subdomain"] {
        let v = spec.s(key);
        if !v.is_empty() {
            invalid_each(&mut errs, &path.child(key), v, names::dns1123_label(v));
        }
    }
    errs.extend(tolerations(
        spec.list("tolerations"),
        &path.child("tolerations"),
    ));
    for (i, alias) in spec.list("hostAliases").iter().enumerate() {
        let p = path.child("hostAliases").index(i);
        errs.extend(legacy_ip(alias.s("ip"), &p.child("ip")));
        for (j, host) in alias.list("hostnames").iter().enumerate() {
            let host = host.as_str().unwrap_or("");
            invalid_each(
                &mut errs,
                &p.child("hostnames").index(j),
                host,
                names::dns1123_subdomain(host),
            );
        }
    }
    let class = spec.s("priorityClassName");
    if !class.is_empty() {
        invalid_each(
            &mut errs,
            &path.child("priorityClassName"),
            class,
            names::dns1123_subdomain(class),
        );
    }
    if let Some(runtime) = spec.at("runtimeClassName") {
        let runtime = runtime.as_str().unwrap_or("");
        invalid_each(
            &mut errs,
            &path.child("runtimeClassName"),
            runtime,
            names::dns1123_subdomain(runtime),
        );
    }
    if let Some(policy) = spec.at("preemptionPolicy") {
        match policy.as_str().unwrap_or("") {
            "PreemptLowerPriority" | "Never" => {}
            "" => errs.push(FieldError::required(path.child("preemptionPolicy"), "")),
            other => errs.push(FieldError::not_supported(
                path.child("preemptionPolicy"),
                other,
                &["PreemptLowerPriority", "Never"],
            )),
        }
    }
    if let Some(overhead) = spec.at("overhead") {
        let wrapped = serde_json::json!({ "limits": overhead });
        errs.extend(resources::container_resources(
            &wrapped,
            &path.child("overhead"),
        ));
    }
    if let Some(os) = spec.at("os") {
        let name = os.s("name");
        if name.is_empty() {
            errs.push(FieldError::required(
                path.child("os").child("name"),
                "cannot be empty",
            ));
        } else if !matches!(name, "linux" | "windows") {
            errs.push(FieldError::not_supported(
                path.child("os"),
                name,
                &["linux", "windows"],
            ));
        }
    }
    errs
}

/// `validatePodHostNetworkDeps`: under `hostNetwork`, host ports equal container ports (for a
/// Pod always; for templates only where a host port is set).
fn host_network_deps(spec: &Value, path: &FieldPath, is_pod: bool) -> Errs {
    let mut errs = Errs::new();
    if !spec.flag("hostNetwork") {
        return errs;
    }
    for (i, c) in spec.list("containers").iter().enumerate() {
        for (j, port) in c.list("ports").iter().enumerate() {
            let (hp, cp) = (port.i("hostPort"), port.i("containerPort"));
            if (is_pod || hp != 0) && hp != cp {
                errs.push(FieldError::invalid(
                    path.child("containers")
                        .index(i)
                        .child("ports")
                        .index(j)
                        .child("hostPort"),
                    hp,
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
    errs
}

/// `validateHostUsers`: a user namespace excludes the host namespaces.
fn host_users_deps(spec: &Value, host_users: bool, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if host_users {
        return errs;
    }
    // The internal field names (`HostPID`, `HostIPC`) leak into upstream's paths.
    for (key, segment) in [
        ("hostNetwork", "hostNetwork"),
        ("hostPID", "HostPID"),
        ("hostIPC", "HostIPC"),
    ] {
        if spec.flag(key) {
            errs.push(FieldError::forbidden(
                path.child(segment),
                "when `pod.Spec.HostUsers` is false",
            ));
        }
    }
    errs
}

/// `validatePodSpecSecurityContext` (sysctls, seccomp, AppArmor and Windows options are not
/// checked).
fn pod_security_context(spec: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let Some(sc) = spec.at("securityContext") else {
        return errs;
    };
    let id_error = names::inclusive_range_error(0, MAX_INT32);
    for field in ["fsGroup", "runAsUser", "runAsGroup"] {
        if let Some(id) = sc.int(field).filter(|id| !(0..=MAX_INT32).contains(id)) {
            errs.push(FieldError::invalid(path.child(field), id, id_error.clone()));
        }
    }
    for (i, gid) in sc.list("supplementalGroups").iter().enumerate() {
        let gid = gid.as_i64().unwrap_or(0);
        if !(0..=MAX_INT32).contains(&gid) {
            errs.push(FieldError::invalid(
                path.child("supplementalGroups").index(i),
                gid,
                id_error.clone(),
            ));
        }
    }
    if spec.flag("shareProcessNamespace") && spec.flag("hostPID") {
        errs.push(FieldError::invalid(
            path.child("shareProcessNamespace"),
            true,
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    if let Some(policy) = sc.at("fsGroupChangePolicy") {
        let policy = policy.as_str().unwrap_or("");
        if !matches!(policy, "Always" | "OnRootMismatch") {
            errs.push(FieldError::not_supported(
                path.child("fsGroupChangePolicy"),
                policy,
                &["Always", "OnRootMismatch"],
            ));
        }
    }
    if let Some(policy) = sc.at("supplementalGroupsPolicy") {
        let policy = policy.as_str().unwrap_or("");
        if !matches!(policy, "Merge" | "Strict") {
            errs.push(FieldError::not_supported(
                path.child("supplementalGroupsPolicy"),
                policy,
                &["Merge", "Strict"],
            ));
        }
    }
    if let Some(policy) = sc.at("seLinuxChangePolicy") {
        let policy = policy.as_str().unwrap_or("");
        if !matches!(policy, "MountOption" | "Recursive") {
            errs.push(FieldError::not_supported(
                path.child("seLinuxChangePolicy"),
                policy,
                &["MountOption", "Recursive"],
            ));
        }
    }
    errs
}

/// `validatePodDNSConfig` with relaxed search validation (gate RelaxedDNSSearchValidation).
fn dns_config(spec: &Value, dns_policy: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let config = spec.at("dnsConfig");
    if dns_policy == "None" {
        match config {
            None => {
                errs.push(FieldError::required(
                    path,
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                ));
                return errs;
            }
            Some(c) if c.list("nameservers").is_empty() => {
                errs.push(FieldError::required(
                    path.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                ));
                return errs;
            }
            Some(_) => {}
        }
    }
    let Some(config) = config else {
        return errs;
    };
    let servers = config.list("nameservers");
    if servers.len() > 3 {
        errs.push(FieldError::invalid(
            path.child("nameservers"),
            BadValue::from_json(config.at("nameservers").unwrap_or(&Value::Null)),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, ns) in servers.iter().enumerate() {
        errs.extend(legacy_ip(
            ns.as_str().unwrap_or(""),
            &path.child("nameservers").index(i),
        ));
    }
    let searches: Vec<&str> = config
        .list("searches")
        .iter()
        .map(|s| s.as_str().unwrap_or(""))
        .collect();
    let searches_value = || BadValue::from_json(config.at("searches").unwrap_or(&Value::Null));
    if searches.len() > 32 {
        errs.push(FieldError::invalid(
            path.child("searches"),
            searches_value(),
            "must not have more than 32 search paths",
        ));
    }
    if searches.join(" ").len() > 2048 {
        errs.push(FieldError::invalid(
            path.child("searches"),
            searches_value(),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, search) in searches.iter().enumerate() {
        if *search == "." {
            continue;
        }
        let trimmed = search.strip_suffix('.').unwrap_or(search);
        let msgs = subdomain_with_underscore_errors(trimmed);
        invalid_each(&mut errs, &path.child("searches").index(i), trimmed, msgs);
    }
    for (i, option) in config.list("options").iter().enumerate() {
        if option.s("name").is_empty() {
            errs.push(FieldError::required(
                path.child("options").index(i),
                "must not be empty",
            ));
        }
    }
    errs
}

/// `IsDNS1123SubdomainWithUnderscore`: labels `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?`.
fn subdomain_with_underscore_errors(value: &str) -> Vec<String> {
    let mut msgs = Vec::new();
    if value.len() > 253 {
        msgs.push(names::max_len_error(253));
    }
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let label_ok = |l: &str| {
        let b = l.strip_prefix('_').unwrap_or(l).as_bytes();
        match (b.first(), b.last()) {
            (Some(f), Some(t)) => {
                alnum(f) && alnum(t) && b.iter().all(|c| alnum(c) || *c == b'-' || *c == b'_')
            }
            _ => false,
        }
    };
    if !value.split('.').all(label_ok) {
        msgs.push(names::regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    msgs
}

/// `IsValidIPForLegacyField` without strict validation: IPv4 may carry leading zeros.
fn legacy_ip(value: &str, path: &FieldPath) -> Errs {
    let lenient_v4 = {
        let parts: Vec<&str> = value.split('.').collect();
        parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 3
                    && p.bytes().all(|c| c.is_ascii_digit())
                    && p.parse::<u16>().is_ok_and(|n| n <= 255)
            })
    };
    if lenient_v4 || value.parse::<std::net::Ipv6Addr>().is_ok() {
        Vec::new()
    } else {
        vec![FieldError::invalid(
            path,
            value,
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        )]
    }
}

/// `ValidateTolerations`.
pub(crate) fn tolerations(list: &[Value], path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for (i, t) in list.iter().enumerate() {
        let p = path.index(i);
        let (key, operator, value, effect) =
            (t.s("key"), t.s("operator"), t.s("value"), t.s("effect"));
        if !key.is_empty() {
            invalid_each(&mut errs, &p.child("key"), key, names::qualified_name(key));
        }
        if key.is_empty() && operator != "Exists" {
            errs.push(FieldError::invalid(
                p.child("operator"),
                operator,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.at("tolerationSeconds").is_some() && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                p.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "Equal" | "" => {
                let msgs = names::label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        p.child("operator"),
                        value,
                        msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(FieldError::invalid(
                        p.child("operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(FieldError::not_supported(
                p.child("operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            errs.push(FieldError::not_supported(
                p.child("effect"),
                effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}
