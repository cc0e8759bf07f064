//! Volume mounts and block devices of a container (`ValidateVolumeMounts`,
//! `ValidateVolumeDevices`).

use serde_json::Value;

use super::access::{Errs, Json};
use super::volumes::{VolumeSet, local_descending_path};
use crate::validation::field::{FieldError, FieldPath};

/// `ValidateVolumeMounts`.
pub(crate) fn volume_mounts(c: &Value, volumes: &VolumeSet, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let devices = c.list("volumeDevices");
    let mut mount_points: Vec<&str> = Vec::new();
    let privileged = c
        .at("securityContext")
        .is_some_and(|sc| sc.flag("privileged"));
    for (i, m) in c.list("volumeMounts").iter().enumerate() {
        let p = path.index(i);
        let (name, mount_path) = (m.s("name"), m.s("mountPath"));
        if name.is_empty() {
            errs.push(FieldError::required(p.child("name"), ""));
        }
        if !volumes.contains_key(name) {
            errs.push(FieldError::not_found(p.child("name"), name));
        }
        if mount_path.is_empty() {
            errs.push(FieldError::required(p.child("mountPath"), ""));
        }
        if mount_points.contains(&mount_path) {
            errs.push(FieldError::invalid(
                p.child("mountPath"),
                mount_path,
                "must be unique",
            ));
        }
        mount_points.push(mount_path);
        if devices.iter().any(|d| d.s("name") == name) {
            errs.push(FieldError::invalid(
                p.child("name"),
                name,
                "must not already exist in volumeDevices",
            ));
        }
        if devices.iter().any(|d| d.s("devicePath") == mount_path) {
            errs.push(FieldError::invalid(
                p.child("mountPath"),
                mount_path,
                "must not already exist as a path in volumeDevices",
            ));
        }
        // Upstream reports sub-path problems at the list's path, without an index.
        let sub_path = m.s("subPath");
        if !sub_path.is_empty() {
            errs.extend(local_descending_path(sub_path, &path.child("subPath")));
        }
        let expr = m.s("subPathExpr");
        if !expr.is_empty() {
            if !sub_path.is_empty() {
                errs.push(FieldError::invalid(
                    p.child("subPathExpr"),
                    expr,
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(local_descending_path(expr, &path.child("subPathExpr")));
        }
        if let Some(prop) = m.at("mountPropagation") {
            let prop = prop.as_str().unwrap_or("");
            let supported = ["Bidirectional", "HostToContainer", "None"];
            let pp = path.child("mountPropagation");
            if !supported.contains(&prop) {
                errs.push(FieldError::not_supported(&pp, prop, &supported));
            }
            if prop == "Bidirectional" && !privileged {
                errs.push(FieldError::forbidden(
                    &pp,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        errs.extend(recursive_read_only(m, &path.child("recursiveReadOnly")));
    }
    errs
}

fn recursive_read_only(m: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let Some(rro) = m.at("recursiveReadOnly") else {
        return errs;
    };
    match rro.as_str().unwrap_or("") {
        "Disabled" => {}
        "Enabled" | "IfPossible" => {
            if !m.flag("readOnly") {
                errs.push(FieldError::forbidden(
                    path,
                    "may only be specified when readOnly is true",
                ));
            }
            if m.at("mountPropagation")
                .and_then(Value::as_str)
                .is_some_and(|p| p != "None")
            {
                errs.push(FieldError::forbidden(
                    path,
                    "may only be specified when mountPropagation is None or not specified",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            path,
            other,
            &["Disabled", "Enabled", "IfPossible"],
        )),
    }
    errs
}

/// `ValidateVolumeDevices`.
pub(crate) fn volume_devices(c: &Value, volumes: &VolumeSet, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let mounts = c.list("volumeMounts");
    let (mut names_seen, mut paths_seen): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for (i, d) in c.list("volumeDevices").iter().enumerate() {
        let p = path.index(i);
        let (name, dev_path) = (d.s("name"), d.s("devicePath"));
        if name.is_empty() {
            errs.push(FieldError::required(p.child("name"), ""));
        }
        if names_seen.contains(&name) {
            errs.push(FieldError::invalid(p.child("name"), name, "must be unique"));
        }
        match volumes.get(name) {
            Some(false) => errs.push(FieldError::invalid(
                p.child("name"),
                name,
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            )),
            Some(true) => {}
            None => errs.push(FieldError::not_found(p.child("name"), name)),
        }
        if dev_path.is_empty() {
            errs.push(FieldError::required(p.child("devicePath"), ""));
        }
        if paths_seen.contains(&dev_path) {
            errs.push(FieldError::invalid(
                p.child("devicePath"),
                dev_path,
                "must be unique",
            ));
        }
        if !dev_path.is_empty() && dev_path.split('/').any(|part| part == "..") {
            errs.push(FieldError::invalid(
                p.child("devicePath"),
                dev_path,
                "can not contain backsteps ('..')",
            ));
        } else {
            paths_seen.push(dev_path);
        }
        if mounts.iter().any(|m| m.s("name") == name) {
            errs.push(FieldError::invalid(
                p.child("name"),
                name,
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.iter().any(|m| m.s("mountPath") == dev_path) {
            errs.push(FieldError::invalid(
                p.child("devicePath"),
                dev_path,
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !name.is_empty() {
            names_seen.push(name);
        }
    }
    errs
}
