//! Pod volumes (`ValidateVolumes`, `validateVolumeSource` and the sources berth can meet) and
//! the path rules they share with volume mounts.

use std::collections::BTreeMap;

use serde_json::Value;

use super::access::{Errs, Json, invalid_each};
use super::claims;
use super::env::{object_field_selector, resource_field_selector};
use super::resources::parse_quantity;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;

const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";
const MORE_THAN_ONE: &str = "may not specify more than 1 volume type";

/// Volume sources in upstream's checking order: the wire key, and the path segment upstream
/// puts on the "more than 1 volume type" error (with its spellings, `downwarAPI` included).
const SOURCES: [(&str, &str); 30] = [
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    // The `image` source needs gate ImageVolume (off in 1.33); the server drops it.
    ("image", ""),
];

const HOST_PATH_TYPES: [&str; 8] = [
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
];

const VOLUME_FIELD_PATHS: [&str; 5] = [
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// The valid volumes by name; `true` for claim-backed ones (usable as block devices).
pub(crate) type VolumeSet = BTreeMap<String, bool>;

/// `ValidateVolumes`. `pod_name` is set for a Pod (not a template) with a name.
pub(crate) fn volumes(
    list: &[Value],
    pod_name: Option<&str>,
    path: &FieldPath,
    allow_non_local_token_path: bool,
) -> (VolumeSet, Errs) {
    let mut errs = Errs::new();
    let mut valid = VolumeSet::new();
    let mut seen: Vec<&str> = Vec::new();
    let created_claims: Vec<String> = match pod_name {
        Some(pod) => list
            .iter()
            .filter(|v| v.at("ephemeral").is_some())
            .map(|v| format!("{pod}-{}", v.s("name")))
            .collect(),
        None => Vec::new(),
    };
    for (i, vol) in list.iter().enumerate() {
        let p = path.index(i);
        let name = vol.s("name");
        let mut el = source(vol, &p, name, pod_name, allow_non_local_token_path);
        if name.is_empty() {
            el.push(FieldError::required(p.child("name"), ""));
        } else {
            invalid_each(&mut el, &p.child("name"), name, names::dns1123_label(name));
        }
        if seen.contains(&name) {
            el.push(FieldError::duplicate(p.child("name"), name));
        }
        if el.is_empty() {
            seen.push(name);
            let claim_backed =
                vol.at("persistentVolumeClaim").is_some() || vol.at("ephemeral").is_some();
            valid.insert(name.to_owned(), claim_backed);
        } else {
            errs.extend(el);
        }
        if let Some(claim) = vol.at("persistentVolumeClaim") {
            let claim_name = claim.s("claimName");
            if created_claims.iter().any(|c| c == claim_name) {
                errs.push(FieldError::invalid(
                    p.child("persistentVolumeClaim").child("claimName"),
                    claim_name,
                    "must not reference a PVC that gets created for an ephemeral volume",
                ));
            }
        }
    }
    (valid, errs)
}

/// `validateVolumeSource`: exactly one source, and that source's own rules.
fn source(
    vol: &Value,
    path: &FieldPath,
    name: &str,
    pod_name: Option<&str>,
    allow_non_local_token_path: bool,
) -> Errs {
    let mut errs = Errs::new();
    let mut count = 0;
    for (key, segment) in SOURCES {
        let Some(src) = vol.at(key) else {
            continue;
        };
        if segment.is_empty() {
            continue;
        }
        if count > 0 {
            errs.push(FieldError::forbidden(path.child(segment), MORE_THAN_ONE));
            continue;
        }
        count += 1;
        let p = path.child(key);
        match key {
            "emptyDir" => {
                if let Some(limit) = src.at("sizeLimit") {
                    let mut parse_errs = Errs::new();
                    let q = parse_quantity(limit, &p.child("sizeLimit"), &mut parse_errs);
                    if q.is_some_and(|q| q.is_negative()) {
                        errs.push(FieldError::forbidden(
                            p.child("sizeLimit"),
                            "SizeLimit field must be a valid resource quantity",
                        ));
                    }
                    errs.extend(parse_errs);
                }
            }
            "hostPath" => errs.extend(host_path(src, &p)),
            "gitRepo" => {
                if src.s("repository").is_empty() {
                    errs.push(FieldError::required(p.child("repository"), ""));
                }
                errs.extend(local_descending_path(
                    src.s("directory"),
                    &p.child("directory"),
                ));
            }
            "secret" => errs.extend(projected_like(src, "secretName", &p)),
            "configMap" => errs.extend(projected_like(src, "name", &p)),
            "nfs" => {
                for field in ["server", "path"] {
                    if src.s(field).is_empty() {
                        errs.push(FieldError::required(p.child(field), ""));
                    }
                }
                if !src.s("path").starts_with('/') {
                    errs.push(FieldError::invalid(
                        p.child("path"),
                        src.s("path"),
                        "must be an absolute path",
                    ));
                }
            }
            "persistentVolumeClaim" if src.s("claimName").is_empty() => {
                errs.push(FieldError::required(p.child("claimName"), ""));
            }
            "downwardAPI" => {
                file_mode(&mut errs, &p.child("defaultMode"), src.int("defaultMode"));
                for item in src.list("items") {
                    // Upstream reports every item at the source's path, without an index.
                    errs.extend(downward_api_file(item, &p));
                }
            }
            "projected" => {
                file_mode(&mut errs, &p.child("defaultMode"), src.int("defaultMode"));
                errs.extend(projection_sources(src, &p, allow_non_local_token_path));
            }
            "csi" => errs.extend(csi(src, &p)),
            "ephemeral" => errs.extend(ephemeral(src, &p, name, pod_name)),
            // Cloud and network plugins berth cannot mount: only the one-source rule applies.
            _ => {}
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a volume type"));
    }
    errs
}

fn host_path(src: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let host = src.s("path");
    if host.is_empty() {
        errs.push(FieldError::required(path.child("path"), ""));
        return errs;
    }
    errs.extend(no_backsteps(host, &path.child("path")));
    if let Some(t) = src.at("type") {
        let t = t.as_str().unwrap_or("");
        if !HOST_PATH_TYPES.contains(&t) {
            errs.push(FieldError::not_supported(
                path.child("type"),
                t,
                &HOST_PATH_TYPES,
            ));
        }
    }
    errs
}

/// Secret and ConfigMap volumes: a required name, a file mode, and key-to-path items.
fn projected_like(src: &Value, name_key: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if src.s(name_key).is_empty() {
        errs.push(FieldError::required(path.child(name_key), ""));
    }
    file_mode(
        &mut errs,
        &path.child("defaultMode"),
        src.int("defaultMode"),
    );
    for (i, item) in src.list("items").iter().enumerate() {
        errs.extend(key_to_path(item, &path.child("items").index(i)));
    }
    errs
}

fn file_mode(errs: &mut Errs, path: &FieldPath, mode: Option<i64>) {
    if let Some(m) = mode.filter(|m| !(0..=0o777).contains(m)) {
        errs.push(FieldError::invalid(path, m, FILE_MODE_MSG));
    }
}

fn key_to_path(item: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for field in ["key", "path"] {
        if item.s(field).is_empty() {
            errs.push(FieldError::required(path.child(field), ""));
        }
    }
    errs.extend(local_non_reserved_path(item.s("path"), &path.child("path")));
    file_mode(&mut errs, &path.child("mode"), item.int("mode"));
    errs
}

fn downward_api_file(item: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let file_path = item.s("path");
    if file_path.is_empty() {
        errs.push(FieldError::required(path.child("path"), ""));
    }
    errs.extend(local_non_reserved_path(file_path, &path.child("path")));
    match (item.at("fieldRef"), item.at("resourceFieldRef")) {
        (Some(field_ref), resource_ref) => {
            errs.extend(object_field_selector(
                field_ref,
                &VOLUME_FIELD_PATHS,
                &path.child("fieldRef"),
            ));
            if resource_ref.is_some() {
                errs.push(FieldError::invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                ));
            }
        }
        (None, Some(resource_ref)) => {
            errs.extend(resource_field_selector(
                resource_ref,
                &path.child("resourceFieldRef"),
                true,
            ));
        }
        (None, None) => errs.push(FieldError::required(
            path,
            "one of fieldRef and resourceFieldRef is required",
        )),
    }
    file_mode(&mut errs, &path.child("mode"), item.int("mode"));
    errs
}

fn projection_sources(src: &Value, path: &FieldPath, allow_non_local_token_path: bool) -> Errs {
    let mut errs = Errs::new();
    let mut all_paths: Vec<String> = Vec::new();
    let mut note_path = |errs: &mut Errs, p: &str, bad: &str| {
        if all_paths.iter().any(|x| x == p) {
            errs.push(FieldError::invalid(
                path,
                bad,
                "conflicting duplicate paths",
            ));
        } else {
            all_paths.push(p.to_owned());
        }
    };
    for (i, source) in src.list("sources").iter().enumerate() {
        let sp = path.child("sources").index(i);
        let mut count = 0;
        for kind in ["secret", "configMap"] {
            let Some(s) = source.at(kind) else {
                continue;
            };
            count += 1;
            let pp = sp.child(kind);
            if s.s("name").is_empty() {
                errs.push(FieldError::required(pp.child("name"), ""));
            }
            for (j, item) in s.list("items").iter().enumerate() {
                errs.extend(key_to_path(item, &pp.child("items").index(j)));
                if !item.s("path").is_empty() {
                    note_path(&mut errs, item.s("path"), s.s("name"));
                }
            }
        }
        if let Some(d) = source.at("downwardAPI") {
            count += 1;
            for item in d.list("items") {
                errs.extend(downward_api_file(item, &sp.child("downwardAPI")));
                if !item.s("path").is_empty() {
                    note_path(&mut errs, item.s("path"), item.s("path"));
                }
            }
        }
        if let Some(t) = source.at("serviceAccountToken") {
            count += 1;
            let tp = sp.child("serviceAccountToken");
            let expiration = t.i("expirationSeconds");
            if expiration < 600 {
                errs.push(FieldError::invalid(
                    tp.child("expirationSeconds"),
                    expiration,
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if expiration > 1 << 32 {
                errs.push(FieldError::invalid(
                    tp.child("expirationSeconds"),
                    expiration,
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            // Upstream reports the token path at the projected source's path.
            if t.s("path").is_empty() {
                errs.push(FieldError::required(path.child("path"), ""));
            } else if !allow_non_local_token_path {
                errs.extend(local_non_reserved_path(t.s("path"), &path.child("path")));
            }
        }
        if source.at("clusterTrustBundle").is_some() {
            count += 1;
        }
        if count > 1 {
            errs.push(FieldError::forbidden(
                &sp,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}

fn csi(src: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let driver = src.s("driver");
    let dp = path.child("driver");
    if driver.is_empty() {
        errs.push(FieldError::required(&dp, ""));
    }
    if driver.len() > 63 {
        errs.push(FieldError::too_long(&dp, 63));
    }
    invalid_each(
        &mut errs,
        &dp,
        driver,
        names::dns1123_subdomain(&driver.to_lowercase()),
    );
    if let Some(secret) = src.at("nodePublishSecretRef") {
        let name = secret.s("name");
        if name.is_empty() {
            errs.push(FieldError::required(
                path.child("nodePublishSecretRef").child("name"),
                "",
            ));
        } else {
            invalid_each(
                &mut errs,
                &path.child("name"),
                name,
                names::dns1123_subdomain(name),
            );
        }
    }
    errs
}

fn ephemeral(src: &Value, path: &FieldPath, vol_name: &str, pod_name: Option<&str>) -> Errs {
    let mut errs = Errs::new();
    match src.at("volumeClaimTemplate") {
        None => errs.push(FieldError::required(path.child("volumeClaimTemplate"), "")),
        Some(t) => errs.extend(claims::claim_template(
            t,
            &path.child("volumeClaimTemplate"),
        )),
    }
    if let Some(pod) = pod_name.filter(|_| !vol_name.is_empty()) {
        let claim = format!("{pod}-{vol_name}");
        for msg in names::dns1123_subdomain(&claim) {
            errs.push(FieldError::invalid(
                path.child("name"),
                vol_name,
                format!(
                    "PVC name {}: {msg}",
                    crate::validation::gofmt::quote(&claim)
                ),
            ));
        }
    }
    errs
}

/// `validatePathNoBacksteps`.
pub(crate) fn no_backsteps(target: &str, path: &FieldPath) -> Errs {
    if target.split('/').any(|part| part == "..") {
        vec![FieldError::invalid(path, target, "must not contain '..'")]
    } else {
        Vec::new()
    }
}

/// `validateLocalDescendingPath`: relative, without `..` elements.
pub(crate) fn local_descending_path(target: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(path, target, "must be a relative path"));
    }
    errs.extend(no_backsteps(target, path));
    errs
}

/// `ValidateLocalNonReservedPath`: a local descending path that does not start with `..`.
pub(crate) fn local_non_reserved_path(target: &str, path: &FieldPath) -> Errs {
    let mut errs = local_descending_path(target, path);
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(FieldError::invalid(
            path,
            target,
            "must not start with '..'",
        ));
    }
    errs
}
