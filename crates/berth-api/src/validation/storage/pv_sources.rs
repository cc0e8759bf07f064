//! The volume-source checks of a PersistentVolume: exactly one source, and each source's own
//! required fields and formats (`validate*PersistentVolumeSource`).

use serde_json::Value;

use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;
use crate::validation::network::common::{
    dns1123_label, dns1123_subdomain, entries, get, int_of, invalid_each, list, opt_int, opt_str,
    str_of,
};

/// The sources in upstream's checking order: (wire key, path of the "more than one" error,
/// path the source's own errors use). Upstream's paths differ for two of them.
pub(super) const SOURCES: [(&str, &str, &str); 22] = [
    ("hostPath", "hostPath", "hostPath"),
    ("gcePersistentDisk", "gcePersistentDisk", "persistentDisk"),
    (
        "awsElasticBlockStore",
        "awsElasticBlockStore",
        "awsElasticBlockStore",
    ),
    ("glusterfs", "glusterfs", "glusterfs"),
    ("flocker", "flocker", "flocker"),
    ("nfs", "nfs", "nfs"),
    ("rbd", "rbd", "rbd"),
    ("quobyte", "quobyte", "quobyte"),
    ("cephfs", "cephFS", "cephfs"),
    ("iscsi", "iscsi", "iscsi"),
    ("cinder", "cinder", "cinder"),
    ("fc", "fc", "fc"),
    ("flexVolume", "flexVolume", "flexVolume"),
    ("azureFile", "azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume", "vsphereVolume"),
    (
        "photonPersistentDisk",
        "photonPersistentDisk",
        "photonPersistentDisk",
    ),
    ("portworxVolume", "portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk", "azureDisk"),
    ("scaleIO", "scaleIO", "scaleIO"),
    ("local", "local", "local"),
    ("storageos", "storageos", "storageos"),
    ("csi", "csi", "csi"),
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

/// `Required(path.field)` for each listed string field that is empty.
fn required(src: &Value, path: &FieldPath, fields: &[&str]) -> Vec<FieldError> {
    fields
        .iter()
        .filter(|f| str_of(src, f).is_empty())
        .map(|f| FieldError::required(path.child(f), ""))
        .collect()
}

/// `validatePathNoBacksteps`.
fn no_backsteps(value: &str, path: &FieldPath) -> Vec<FieldError> {
    if value.replace('\\', "/").split('/').any(|p| p == "..") {
        vec![FieldError::invalid(path, value, "must not contain '..'")]
    } else {
        Vec::new()
    }
}

fn host_path(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let p = str_of(src, "path");
    if p.is_empty() {
        return vec![FieldError::required(path.child("path"), "")];
    }
    let mut errs = no_backsteps(p, &path.child("path"));
    if let Some(t) = opt_str(src, "type")
        && !HOST_PATH_TYPES.contains(&t)
    {
        errs.push(FieldError::not_supported(
            path.child("type"),
            t,
            &HOST_PATH_TYPES,
        ));
    }
    errs
}

fn partition(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let p = int_of(src, "partition");
    if (0..=255).contains(&p) {
        Vec::new()
    } else {
        vec![FieldError::invalid(
            path.child("partition"),
            p,
            names::inclusive_range_error(1, 255),
        )]
    }
}

fn secret_ref_name(src: &Value, path: &FieldPath, namespace_too: bool) -> Vec<FieldError> {
    let Some(r) = get(src, "secretRef") else {
        return Vec::new();
    };
    let mut fields = vec!["name"];
    if namespace_too {
        fields.push("namespace");
    }
    required(r, &path.child("secretRef"), &fields)
}

fn iqn_like(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if value.starts_with("iqn") {
        // `iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`, unanchored at the start.
        value.match_indices("iqn.").any(|(at, _)| {
            let rest = &value[at + 4..];
            let b = rest.as_bytes();
            if b.len() < 8
                || !b[..4].iter().all(u8::is_ascii_digit)
                || b[4] != b'-'
                || !b[5..7].iter().all(u8::is_ascii_digit)
                || b[7] != b'.'
            {
                return false;
            }
            let Some((name, tail)) = rest[8..].split_once(':') else {
                return false;
            };
            !name.is_empty()
                && name.chars().all(|c| alnum(c) || c == '-' || c == '.')
                && !tail.is_empty()
                && !tail
                    .chars()
                    .any(|c| ",;*&$|".contains(c) || c.is_ascii_whitespace())
        })
    } else {
        let (prefix_len, digits) = if value.starts_with("eui") {
            (4, 16)
        } else {
            (4, 32)
        };
        let rest = value.get(prefix_len..).unwrap_or("");
        value.len() > 3 && rest.len() == digits && rest.chars().all(alnum)
    }
}

fn iscsi(src: &Value, pv_name: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = required(src, path, &["targetPortal"]);
    let portal = str_of(src, "targetPortal");
    let initiator = opt_str(src, "initiatorName");
    if initiator.is_some() && pv_name.len() + 1 + portal.len() > 64 {
        errs.push(FieldError::invalid(
            path.child("targetportal"),
            portal,
            "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.",
        ));
    }
    let has_prefix = |v: &str| ["iqn", "eui", "naa"].iter().any(|p| v.starts_with(p));
    let iqn = str_of(src, "iqn");
    if iqn.is_empty() {
        errs.push(FieldError::required(path.child("iqn"), ""));
    } else if !has_prefix(iqn) || !iqn_like(iqn) {
        errs.push(FieldError::invalid(
            path.child("iqn"),
            iqn,
            "must be valid format",
        ));
    }
    let lun = int_of(src, "lun");
    if !(0..=255).contains(&lun) {
        errs.push(FieldError::invalid(
            path.child("lun"),
            lun,
            names::inclusive_range_error(0, 255),
        ));
    }
    let chap = |k: &str| src.get(k).and_then(Value::as_bool) == Some(true);
    if (chap("chapAuthDiscovery") || chap("chapAuthSession")) && get(src, "secretRef").is_none() {
        errs.push(FieldError::required(path.child("secretRef"), ""));
    }
    errs.extend(secret_ref_name(src, path, false));
    if let Some(init) = initiator
        && (!has_prefix(init) || !iqn_like(init))
    {
        errs.push(FieldError::invalid(
            path.child("initiatorname"),
            init,
            "must be valid format",
        ));
    }
    errs
}

fn fc(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (wwns, wwids) = (list(src, "targetWWNs"), list(src, "wwids"));
    if wwns.is_empty() && wwids.is_empty() {
        errs.push(FieldError::required(
            path.child("targetWWNs"),
            "must specify either targetWWNs or wwids, but not both",
        ));
    }
    if !wwns.is_empty() && !wwids.is_empty() {
        errs.push(FieldError::invalid(
            path.child("targetWWNs"),
            &Value::Array(wwns.to_vec()),
            "targetWWNs and wwids can not be specified simultaneously",
        ));
    }
    if !wwns.is_empty() {
        match opt_int(src, "lun") {
            None => errs.push(FieldError::required(
                path.child("lun"),
                "lun is required if targetWWNs is specified",
            )),
            Some(l) if !(0..=255).contains(&l) => errs.push(FieldError::invalid(
                path.child("lun"),
                l,
                names::inclusive_range_error(0, 255),
            )),
            Some(_) => {}
        }
    }
    errs
}

fn flex(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = required(src, path, &["driver"]);
    for (k, _) in entries(src, "options") {
        let namespace = k.split_once('/').map_or(k, |(ns, _)| ns);
        let normalized = format!(".{}", namespace.to_lowercase());
        if normalized.ends_with(".kubernetes.io") || normalized.ends_with(".k8s.io") {
            errs.push(FieldError::invalid(
                path.child("options").key(k),
                k,
                "kubernetes.io and k8s.io namespaces are reserved",
            ));
        }
    }
    errs
}

fn secret_reference(r: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (name, ns) = (str_of(r, "name"), str_of(r, "namespace"));
    if name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    } else {
        errs.extend(dns1123_subdomain(name, &path.child("name")));
    }
    if ns.is_empty() {
        errs.push(FieldError::required(path.child("namespace"), ""));
    } else {
        errs.extend(dns1123_label(ns, &path.child("namespace")));
    }
    errs
}

fn csi(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let driver = str_of(src, "driver");
    let dpath = path.child("driver");
    if driver.is_empty() {
        errs.push(FieldError::required(&dpath, ""));
    }
    if driver.len() > 63 {
        errs.push(FieldError::too_long(&dpath, 63));
    }
    errs.extend(invalid_each(
        &dpath,
        driver,
        names::dns1123_subdomain(&driver.to_lowercase()),
    ));
    errs.extend(required(src, path, &["volumeHandle"]));
    for key in [
        "controllerPublishSecretRef",
        "controllerExpandSecretRef",
        "nodePublishSecretRef",
        "nodeExpandSecretRef",
    ] {
        if let Some(r) = get(src, key) {
            errs.extend(secret_reference(r, &path.child(key)));
        }
    }
    errs
}

fn storageos(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_of(src, "volumeName");
    if name.is_empty() {
        errs.push(FieldError::required(path.child("volumeName"), ""));
    } else {
        errs.extend(dns1123_label(name, &path.child("volumeName")));
    }
    let ns = str_of(src, "volumeNamespace");
    if !ns.is_empty() {
        errs.extend(dns1123_label(ns, &path.child("volumeNamespace")));
    }
    errs.extend(secret_ref_name(src, path, true));
    errs
}

fn azure_disk(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = required(src, path, &["diskName", "diskURI"]);
    const CACHING: [&str; 3] = ["None", "ReadOnly", "ReadWrite"];
    const KINDS: [&str; 3] = ["Dedicated", "Managed", "Shared"];
    if let Some(c) = opt_str(src, "cachingMode")
        && !CACHING.contains(&c)
    {
        errs.push(FieldError::not_supported(
            path.child("cachingMode"),
            c,
            &CACHING,
        ));
    }
    let uri = str_of(src, "diskURI");
    if let Some(kind) = opt_str(src, "kind") {
        if !KINDS.contains(&kind) {
            errs.push(FieldError::not_supported(path.child("kind"), kind, &KINDS));
        }
        if kind == "Managed" && !uri.starts_with("/subscriptions/") {
            errs.push(FieldError::not_supported(
                path.child("diskURI"),
                uri,
                &["/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"],
            ));
        }
        if kind != "Managed" && !uri.starts_with("https://") {
            errs.push(FieldError::not_supported(
                path.child("diskURI"),
                uri,
                &["https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"],
            ));
        }
    }
    errs
}

/// The checks of one source, found at wire key `key`, reported under `path`.
pub(super) fn validate_source(
    key: &str,
    src: &Value,
    pv_name: &str,
    path: &FieldPath,
) -> Vec<FieldError> {
    match key {
        "hostPath" => host_path(src, path),
        "gcePersistentDisk" => {
            let mut errs = required(src, path, &["pdName"]);
            errs.extend(partition(src, path));
            errs
        }
        "awsElasticBlockStore" => {
            let mut errs = required(src, path, &["volumeID"]);
            errs.extend(partition(src, path));
            errs
        }
        "glusterfs" => {
            let mut errs = required(src, path, &["endpoints", "path"]);
            if let Some(ns) = opt_str(src, "endpointsNamespace") {
                let npath = path.child("endpointsNamespace");
                if ns.is_empty() {
                    errs.push(FieldError::invalid(
                        npath,
                        ns,
                        "if the endpointnamespace is set, it must be a valid namespace name",
                    ));
                } else {
                    errs.extend(dns1123_label(ns, &npath));
                }
            }
            errs
        }
        "flocker" => {
            let (name, uuid) = (str_of(src, "datasetName"), str_of(src, "datasetUUID"));
            let mut errs = Vec::new();
            if name.is_empty() && uuid.is_empty() {
                errs.push(FieldError::required(
                    path,
                    "one of datasetName and datasetUUID is required",
                ));
            }
            if !name.is_empty() && !uuid.is_empty() {
                errs.push(FieldError::invalid(
                    path,
                    "resource",
                    "datasetName and datasetUUID can not be specified simultaneously",
                ));
            }
            if name.contains('/') {
                errs.push(FieldError::invalid(
                    path.child("datasetName"),
                    name,
                    "must not contain '/'",
                ));
            }
            errs
        }
        "nfs" => {
            let mut errs = required(src, path, &["server", "path"]);
            let p = str_of(src, "path");
            if !p.starts_with('/') {
                errs.push(FieldError::invalid(
                    path.child("path"),
                    p,
                    "must be an absolute path",
                ));
            }
            errs
        }
        "rbd" => {
            let mut errs = Vec::new();
            if list(src, "monitors").is_empty() {
                errs.push(FieldError::required(path.child("monitors"), ""));
            }
            errs.extend(required(src, path, &["image"]));
            errs
        }
        "quobyte" => quobyte(src, path),
        "cephfs" => {
            if list(src, "monitors").is_empty() {
                vec![FieldError::required(path.child("monitors"), "")]
            } else {
                Vec::new()
            }
        }
        "iscsi" => iscsi(src, pv_name, path),
        "cinder" => {
            let mut errs = required(src, path, &["volumeID"]);
            errs.extend(secret_ref_name(src, path, true));
            errs
        }
        "fc" => fc(src, path),
        "flexVolume" => flex(src, path),
        "azureFile" => {
            let mut errs = required(src, path, &["secretName", "shareName"]);
            if opt_str(src, "secretNamespace") == Some("") {
                errs.push(FieldError::required(path.child("secretNamespace"), ""));
            }
            errs
        }
        "vsphereVolume" => required(src, path, &["volumePath"]),
        "photonPersistentDisk" => required(src, path, &["pdID"]),
        "portworxVolume" => required(src, path, &["volumeID"]),
        "azureDisk" => azure_disk(src, path),
        "scaleIO" => required(src, path, &["gateway", "system", "volumeName"]),
        "local" => {
            let p = str_of(src, "path");
            if p.is_empty() {
                vec![FieldError::required(path.child("path"), "")]
            } else {
                no_backsteps(p, &path.child("path"))
            }
        }
        "storageos" => storageos(src, path),
        "csi" => csi(src, path),
        _ => Vec::new(),
    }
}

fn quobyte(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    const REGISTRY: &str = "must be a host:port pair or multiple pairs separated by commas";
    let mut errs = Vec::new();
    let registry = str_of(src, "registry");
    if registry.is_empty() {
        errs.push(FieldError::required(path.child("registry"), REGISTRY));
    } else if str_of(src, "tenant").len() >= 65 {
        errs.push(FieldError::required(
            path.child("tenant"),
            "must be a UUID and may not exceed a length of 64 characters",
        ));
    } else {
        for pair in registry.split(',') {
            if !is_host_port(pair) {
                errs.push(FieldError::invalid(
                    path.child("registry"),
                    registry,
                    REGISTRY,
                ));
            }
        }
    }
    errs.extend(required(src, path, &["volume"]));
    errs
}

/// Go's `net.SplitHostPort` succeeding: `host:port`, or `[v6]:port`, with one unbracketed colon.
fn is_host_port(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').is_some_and(|(host, tail)| {
            !host.contains('[') && tail.starts_with(':') && !tail[1..].contains(':')
        });
    }
    s.matches(':').count() == 1 && !s.contains('[') && !s.contains(']')
}
