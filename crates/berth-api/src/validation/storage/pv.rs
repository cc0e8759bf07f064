//! PersistentVolume validation: `ValidatePersistentVolume`, the mount-option rule of the
//! volume plugins, and `ValidatePersistentVolumeUpdate`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::pv_sources::{SOURCES, validate_source};
use super::quantity::Quantity;
use super::selectors::{has_invalid_label_value, node_selector};
use super::{VOLUME_MODES, access_modes, diff_message};
use crate::registry::ResourceInfo;
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::meta::validate_object_meta_create;
use crate::validation::names;
use crate::validation::network::common::{
    annotation, child, entries, get, immutable_str, invalid_each, opt_str, str_of,
};

const RECLAIM_POLICIES: [&str; 3] = ["Delete", "Recycle", "Retain"];
const MOUNT_OPTIONS_ANNOTATION: &str = "volume.beta.kubernetes.io/mount-options";
/// Sources whose plugins accept mount options.
const MOUNTABLE: [&str; 15] = [
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "glusterfs",
    "nfs",
    "rbd",
    "quobyte",
    "iscsi",
    "cinder",
    "cephfs",
    "azureFile",
    "vsphereVolume",
    "azureDisk",
    "photonPersistentDisk",
    "flocker",
    "csi",
];
/// Deprecated node labels and their GA names; a volume's node affinity may move to the GA key.
const BETA_TO_GA: [(&str, &str); 5] = [
    (
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
    ),
    (
        "failure-domain.beta.kubernetes.io/region",
        "topology.kubernetes.io/region",
    ),
    ("beta.kubernetes.io/os", "kubernetes.io/os"),
    ("beta.kubernetes.io/arch", "kubernetes.io/arch"),
    (
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
    ),
];

/// `path.Clean(p) == "/"`: an absolute path whose segments climb back to the root.
fn cleans_to_root(p: &str) -> bool {
    p.starts_with('/')
        && p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .fold(0i64, |depth, seg| {
                if seg == ".." {
                    (depth - 1).max(0)
                } else {
                    depth + 1
                }
            })
            == 0
}

/// Go's `%#v` of a `core.ResourceList`, with quantities shown by their text; an absent list
/// is a nil map.
fn resource_list_value(present: bool, capacity: &[(&str, &Value)]) -> BadValue {
    if !present {
        return BadValue::Raw("core.ResourceList(nil)".to_owned());
    }
    let inner: Vec<String> = capacity
        .iter()
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            format!("{}:{}", gofmt::quote(k), gofmt::quote(&text))
        })
        .collect();
    BadValue::Raw(format!("core.ResourceList{{{}}}", inner.join(", ")))
}

fn capacity_rules(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let cap_path = path.child("capacity");
    let capacity = entries(spec, "capacity");
    if capacity.is_empty() {
        errs.push(FieldError::required(&cap_path, ""));
    }
    if !capacity.iter().any(|(k, _)| *k == "storage") || capacity.len() > 1 {
        errs.push(FieldError::not_supported(
            &cap_path,
            resource_list_value(get(spec, "capacity").is_some(), &capacity),
            &["storage"],
        ));
    }
    for (name, raw) in &capacity {
        let Some(q) = Quantity::from_json(raw) else {
            continue;
        };
        let qpath = cap_path.key(name);
        if q.value() < 0 {
            errs.push(FieldError::invalid(
                &qpath,
                q.value(),
                "must be a valid resource quantity",
            ));
        }
        if q.sign() != Ordering::Greater {
            errs.push(FieldError::invalid(
                &qpath,
                q.display(),
                "must be greater than zero",
            ));
        }
    }
    errs
}

/// `ValidatePersistentVolumeSpec` for a stand-alone volume (not an inline one).
fn spec_rules(spec: &Value, pv_name: &str, allow_invalid_affinity: bool) -> Vec<FieldError> {
    let path = FieldPath::new("spec");
    let mut errs = access_modes(spec, &path, "");
    errs.extend(capacity_rules(spec, &path));
    let reclaim = str_of(spec, "persistentVolumeReclaimPolicy");
    if !reclaim.is_empty() && !RECLAIM_POLICIES.contains(&reclaim) {
        errs.push(FieldError::not_supported(
            path.child("persistentVolumeReclaimPolicy"),
            reclaim,
            &RECLAIM_POLICIES,
        ));
    }
    let affinity = get(spec, "nodeAffinity");
    if let Some(affinity) = affinity {
        let apath = path.child("nodeAffinity");
        match get(affinity, "required") {
            Some(required) => errs.extend(node_selector(
                required,
                allow_invalid_affinity,
                &apath.child("required"),
            )),
            None => errs.push(FieldError::required(
                apath.child("required"),
                "must specify required node constraints",
            )),
        }
    }
    let mut count = 0;
    for (key, forbidden_at, checked_at) in SOURCES {
        let Some(src) = get(spec, key) else { continue };
        // Upstream never counts flexVolume against an earlier source.
        if count > 0 && key != "flexVolume" {
            errs.push(FieldError::forbidden(
                path.child(forbidden_at),
                "may not specify more than 1 volume type",
            ));
            continue;
        }
        count += 1;
        errs.extend(validate_source(key, src, pv_name, &path.child(checked_at)));
        if key == "local" && affinity.is_none() {
            errs.push(FieldError::required(
                path.child("nodeAffinity"),
                "Local volume requires node affinity",
            ));
        }
    }
    if count == 0 {
        errs.push(FieldError::required(&path, "must specify a volume type"));
    }
    let host_path = get(spec, "hostPath").map(|h| str_of(h, "path"));
    if host_path.is_some_and(cleans_to_root) && reclaim == "Recycle" {
        errs.push(FieldError::forbidden(
            path.child("persistentVolumeReclaimPolicy"),
            "may not be 'recycle' for a hostPath mount of '/'",
        ));
    }
    let class = str_of(spec, "storageClassName");
    if !class.is_empty() {
        errs.extend(invalid_each(
            &path.child("storageClassName"),
            class,
            names::dns1123_subdomain(class),
        ));
    }
    if let Some(mode) = opt_str(spec, "volumeMode")
        && !VOLUME_MODES.contains(&mode)
    {
        errs.push(FieldError::not_supported(
            path.child("volumeMode"),
            mode,
            &VOLUME_MODES,
        ));
    }
    errs
}

/// `ValidatePersistentVolume`.
fn validate_pv(info: &ResourceInfo, obj: &Value, allow_invalid_affinity: bool) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    let name = str_of(child(obj, "metadata"), "name");
    errs.extend(spec_rules(child(obj, "spec"), name, allow_invalid_affinity));
    errs
}

/// The volume plugins' rule: mount options only for sources that support them.
fn mount_options(obj: &Value) -> Vec<FieldError> {
    let spec = child(obj, "spec");
    if MOUNTABLE.iter().any(|k| get(spec, k).is_some()) {
        return Vec::new();
    }
    let mut errs = Vec::new();
    const DETAIL: &str = "may not specify mount options for this volume type";
    if annotation(obj, MOUNT_OPTIONS_ANNOTATION).is_some() {
        errs.push(FieldError::forbidden(
            FieldPath::new("metadata")
                .child("annotations")
                .child(MOUNT_OPTIONS_ANNOTATION),
            DETAIL,
        ));
    }
    if spec
        .get("mountOptions")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec").child("mountOptions"),
            DETAIL,
        ));
    }
    errs
}

/// The PV strategy's `Validate`.
pub(super) fn create(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_pv(info, obj, false);
    errs.extend(mount_options(obj));
    errs
}

/// The volume source fields of a spec, for the immutability comparison.
fn source_of(spec: &Value) -> Map<String, Value> {
    SOURCES
        .iter()
        .filter_map(|(k, _, _)| get(spec, k).map(|v| ((*k).to_owned(), v.clone())))
        .collect()
}

/// Node affinity with deprecated label keys renamed to their GA names where the new side
/// uses the GA name at the same position.
fn affinity_matches(new: Option<&Value>, old: Option<&Value>) -> bool {
    let (Some(new), Some(old)) = (new, old) else {
        return new.is_none() && old.is_none();
    };
    let mut old = old.clone();
    let new_terms = child(child(new, "required"), "nodeSelectorTerms");
    if let Some(terms) = old
        .get_mut("required")
        .and_then(|r| r.get_mut("nodeSelectorTerms"))
        .and_then(Value::as_array_mut)
    {
        for (i, term) in terms.iter_mut().enumerate() {
            let Some(reqs) = term
                .get_mut("matchExpressions")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for (j, req) in reqs.iter_mut().enumerate() {
                let new_key = new_terms
                    .get(i)
                    .and_then(|t| t.get("matchExpressions"))
                    .and_then(|m| m.get(j))
                    .map_or("", |r| str_of(r, "key"));
                let old_key = str_of(req, "key");
                if BETA_TO_GA
                    .iter()
                    .any(|(b, g)| *b == old_key && *g == new_key)
                    && let Some(r) = req.as_object_mut()
                {
                    r.insert("key".to_owned(), Value::String(new_key.to_owned()));
                }
            }
        }
    }
    super::same_value(Some(new), Some(&old))
}

/// The PV strategy's `ValidateUpdate`: the create rules (twice, as upstream runs them), then
/// the immutability rules.
pub(super) fn update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let (new_spec, old_spec) = (child(new, "spec"), child(old, "spec"));
    let allow = has_invalid_label_value(get(old_spec, "nodeAffinity"));
    let mut errs = validate_pv(info, new, allow);
    errs.extend(mount_options(new));
    errs.extend(validate_pv(info, new, allow));
    let mut new_source = source_of(new_spec);
    let old_source = source_of(old_spec);
    // Adding a controller-expand secret to a CSI volume that had none is allowed.
    let old_has_expand = get(child(old_spec, "csi"), "controllerExpandSecretRef").is_some();
    if get(old_spec, "csi").is_some()
        && !old_has_expand
        && let Some(csi) = new_source.get_mut("csi").and_then(Value::as_object_mut)
    {
        csi.remove("controllerExpandSecretRef");
    }
    let (new_source, old_source) = (Value::Object(new_source), Value::Object(old_source));
    if !super::same_value(Some(&new_source), Some(&old_source)) {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec").child("persistentvolumesource"),
            format!(
                "spec.persistentvolumesource is immutable after creation\n{}",
                diff_message("core.PersistentVolumeSource", &old_source, &new_source)
            ),
        ));
    }
    errs.extend(immutable_str(
        opt_str(new_spec, "volumeMode"),
        opt_str(old_spec, "volumeMode"),
        &FieldPath::new("volumeMode"),
    ));
    if let Some(old_affinity) = get(old_spec, "nodeAffinity") {
        let new_affinity = get(new_spec, "nodeAffinity");
        if !affinity_matches(new_affinity, Some(old_affinity)) {
            let shown = match new_affinity {
                Some(a) => BadValue::Raw(gofmt::go_struct(
                    "core.VolumeNodeAffinity",
                    &[(
                        "Required",
                        gofmt::pointer("core.NodeSelector", get(a, "required").is_some()),
                    )],
                )),
                None => BadValue::Null,
            };
            errs.push(FieldError::invalid(
                FieldPath::new("nodeAffinity"),
                shown,
                "field is immutable, except for updating from beta label to GA",
            ));
        }
    }
    errs
}
