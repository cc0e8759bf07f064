//! Regular and init containers (`validateContainers`, `validateInitContainers`,
//! `validateContainerCommon`): names, images, ports, pull and resize policies, resources,
//! probes and the container security context; environment and mounts have their own modules.

use serde_json::Value;

use super::access::{Errs, Json, invalid_each};
use super::env::{env, env_from};
use super::mounts::{volume_devices, volume_mounts};
use super::probes::{self, ProbeKind};
use super::resources;
use super::volumes::VolumeSet;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;

const INIT_ONLY_WITH_ALWAYS: &str =
    "may not be set for init containers without restartPolicy=Always";

/// What every container check needs to know about its pod.
pub(crate) struct PodContext<'a> {
    /// The valid volumes.
    pub volumes: &'a VolumeSet,
    /// `spec.terminationGracePeriodSeconds`.
    pub grace: Option<i64>,
    /// `spec.restartPolicy`.
    pub restart_policy: &'a str,
    /// `spec.securityContext.hostUsers` is not false.
    pub host_users: bool,
}

/// `validateContainers`.
pub(crate) fn containers(list: &[Value], ctx: &PodContext<'_>, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if list.is_empty() {
        errs.push(FieldError::required(path, ""));
        return errs;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let p = path.index(i);
        errs.extend(common(c, ctx, &p));
        let name = c.s("name");
        if seen.contains(&name) {
            errs.push(FieldError::duplicate(p.child("name"), name));
        } else {
            seen.push(name);
        }
        errs.extend(lifecycle_and_probes(c, ctx.grace, &p));
        if c.at("restartPolicy").is_some() {
            errs.push(FieldError::forbidden(
                p.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(host_port_conflicts(list.iter().enumerate(), path));
    errs
}

/// `validateInitContainers`. Names must also differ from the regular containers'.
pub(crate) fn init_containers(
    list: &[Value],
    regular: &[Value],
    ctx: &PodContext<'_>,
    path: &FieldPath,
) -> Errs {
    let mut errs = Errs::new();
    let mut seen: Vec<&str> = regular.iter().map(|c| c.s("name")).collect();
    for (i, c) in list.iter().enumerate() {
        let p = path.index(i);
        errs.extend(common(c, ctx, &p));
        let mut restart_always = false;
        if let Some(policy) = c.at("restartPolicy") {
            let policy = policy.as_str().unwrap_or("");
            if policy != "Always" {
                errs.push(FieldError::not_supported(
                    p.child("restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
            restart_always = policy == "Always";
        }
        let name = c.s("name");
        if seen.contains(&name) {
            errs.push(FieldError::duplicate(p.child("name"), name));
        } else if !name.is_empty() {
            seen.push(name);
        }
        // Init containers run one at a time, so each is checked for host port clashes alone.
        errs.extend(host_port_conflicts(std::iter::once((i, c)), path));
        if restart_always {
            errs.extend(lifecycle_and_probes(c, ctx.grace, &p));
        } else {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if c.at(field).is_some() {
                    errs.push(FieldError::forbidden(p.child(field), INIT_ONLY_WITH_ALWAYS));
                }
            }
        }
    }
    errs
}

fn lifecycle_and_probes(c: &Value, grace: Option<i64>, p: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if let Some(l) = c.at("lifecycle") {
        errs.extend(probes::lifecycle(l, grace, &p.child("lifecycle")));
    }
    for (field, kind) in [
        ("livenessProbe", ProbeKind::Liveness),
        ("readinessProbe", ProbeKind::Readiness),
        ("startupProbe", ProbeKind::Startup),
    ] {
        errs.extend(probes::probe(c.at(field), kind, grace, &p.child(field)));
    }
    errs
}

/// `validateContainerCommon`.
fn common(c: &Value, ctx: &PodContext<'_>, p: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let name = c.s("name");
    if name.is_empty() {
        errs.push(FieldError::required(p.child("name"), ""));
    } else {
        invalid_each(
            &mut errs,
            &p.child("name"),
            name,
            names::dns1123_label(name),
        );
    }
    if c.s("image").is_empty() {
        errs.push(FieldError::required(p.child("image"), ""));
    }
    match c.s("terminationMessagePolicy") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(FieldError::required(
            p.child("terminationMessagePolicy"),
            "",
        )),
        other => errs.push(FieldError::not_supported(
            p.child("terminationMessagePolicy"),
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(ports(c.list("ports"), &p.child("ports")));
    errs.extend(env(c.list("env"), &p.child("env")));
    errs.extend(env_from(c.list("envFrom"), &p.child("envFrom")));
    errs.extend(volume_mounts(c, ctx.volumes, &p.child("volumeMounts")));
    errs.extend(volume_devices(c, ctx.volumes, &p.child("volumeDevices")));
    match c.s("imagePullPolicy") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(FieldError::required(p.child("imagePullPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            p.child("imagePullPolicy"),
            other,
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    if let Some(r) = c.at("resources") {
        errs.extend(resources::container_resources(r, &p.child("resources")));
    }
    errs.extend(resize_policy(
        c.list("resizePolicy"),
        ctx.restart_policy,
        &p.child("resizePolicy"),
    ));
    if let Some(sc) = c.at("securityContext") {
        errs.extend(security_context(
            sc,
            ctx.host_users,
            &p.child("securityContext"),
        ));
    }
    errs
}

fn ports(list: &[Value], path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, port) in list.iter().enumerate() {
        let p = path.index(i);
        let name = port.s("name");
        if !name.is_empty() {
            let msgs = names::port_name(name);
            if !msgs.is_empty() {
                invalid_each(&mut errs, &p.child("name"), name, msgs);
            } else if seen.contains(&name) {
                errs.push(FieldError::duplicate(p.child("name"), name));
            } else {
                seen.push(name);
            }
        }
        let container_port = port.i("containerPort");
        if container_port == 0 {
            errs.push(FieldError::required(p.child("containerPort"), ""));
        } else {
            for msg in names::port_number(container_port) {
                errs.push(FieldError::invalid(
                    p.child("containerPort"),
                    container_port,
                    msg,
                ));
            }
        }
        let host_port = port.i("hostPort");
        if host_port != 0 {
            for msg in names::port_number(host_port) {
                errs.push(FieldError::invalid(p.child("hostPort"), host_port, msg));
            }
        }
        match port.s("protocol") {
            "SCTP" | "TCP" | "UDP" => {}
            "" => errs.push(FieldError::required(p.child("protocol"), "")),
            other => errs.push(FieldError::not_supported(
                p.child("protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    errs
}

/// `AccumulateUniqueHostPorts`: `<protocol>/<hostIP>/<hostPort>` must be unique.
fn host_port_conflicts<'a>(
    containers: impl Iterator<Item = (usize, &'a Value)>,
    path: &FieldPath,
) -> Errs {
    let mut errs = Errs::new();
    let mut seen: Vec<String> = Vec::new();
    for (ci, c) in containers {
        for (pi, port) in c.list("ports").iter().enumerate() {
            let host_port = port.i("hostPort");
            if host_port == 0 {
                continue;
            }
            let key = format!("{}/{}/{host_port}", port.s("protocol"), port.s("hostIP"));
            if seen.contains(&key) {
                errs.push(FieldError::duplicate(
                    path.index(ci).child("ports").index(pi).child("hostPort"),
                    key,
                ));
            } else {
                seen.push(key);
            }
        }
    }
    errs
}

/// `validateResizePolicy`.
fn resize_policy(list: &[Value], pod_restart_policy: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, policy) in list.iter().enumerate() {
        let resource = policy.s("resourceName");
        if seen.contains(&resource) {
            errs.push(FieldError::duplicate(path.index(i), resource));
        }
        seen.push(resource);
        match resource {
            "cpu" | "memory" => {}
            "" => errs.push(FieldError::required(path, "")),
            other => errs.push(FieldError::not_supported(path, other, &["cpu", "memory"])),
        }
        let restart = policy.s("restartPolicy");
        match restart {
            "NotRequired" | "RestartContainer" => {}
            "" => errs.push(FieldError::required(path, "")),
            other => errs.push(FieldError::not_supported(
                path,
                other,
                &["NotRequired", "RestartContainer"],
            )),
        }
        if pod_restart_policy == "Never" && restart != "NotRequired" {
            errs.push(FieldError::invalid(
                path,
                restart,
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
    errs
}

/// `ValidateSecurityContext` (container level; seccomp, AppArmor and Windows options are not
/// checked, and privileged containers are allowed).
fn security_context(sc: &Value, host_users: bool, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for field in ["runAsUser", "runAsGroup"] {
        if let Some(id) = sc
            .int(field)
            .filter(|id| !(0..=i64::from(i32::MAX)).contains(id))
        {
            errs.push(FieldError::invalid(
                path.child(field),
                id,
                names::inclusive_range_error(0, i64::from(i32::MAX)),
            ));
        }
    }
    if let Some(proc_mount) = sc.at("procMount") {
        let proc_mount = proc_mount.as_str().unwrap_or("");
        if !matches!(proc_mount, "Default" | "Unmasked") {
            errs.push(FieldError::not_supported(
                path.child("procMount"),
                proc_mount,
                &["Default", "Unmasked"],
            ));
        }
        if host_users && proc_mount == "Unmasked" {
            errs.push(FieldError::invalid(
                path.child("procMount"),
                proc_mount,
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    if sc.at("allowPrivilegeEscalation").and_then(Value::as_bool) == Some(false) {
        let value =
            crate::validation::field::BadValue::Raw(crate::validation::gofmt::json_go_syntax(sc));
        if sc.flag("privileged") {
            errs.push(FieldError::invalid(
                path,
                value.clone(),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        let adds = sc.at("capabilities").map(|c| c.list("add")).unwrap_or(&[]);
        for cap in adds {
            if cap.as_str() == Some("CAP_SYS_ADMIN") {
                errs.push(FieldError::invalid(
                    path,
                    value.clone(),
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                ));
            }
        }
    }
    errs
}
