//! Container environment: `env` (`ValidateEnv`, `validateEnvVarValueFrom`), `envFrom`, and the
//! downward API field and resource selectors they share with volumes.

use serde_json::Value;

use super::access::{Errs, Json, invalid_each, scalar_text};
use crate::quantity::Quantity;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;

const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
/// Labels the downward API converts for `apiVersion: v1` (`ConvertDownwardAPIFieldLabel`).
const CONVERTIBLE_FIELD_LABELS: [&str; 14] = [
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
const RESOURCE_FIELD_PATHS: [&str; 6] = [
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];
/// `ValidateEnv` under the relaxed name rules.
pub(crate) fn env(list: &[Value], path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for (i, var) in list.iter().enumerate() {
        let p = path.index(i);
        let name = var.s("name");
        if name.is_empty() {
            errs.push(FieldError::required(p.child("name"), ""));
        } else {
            invalid_each(&mut errs, &p.child("name"), name, names::env_var_name(name));
        }
        let Some(from) = var.at("valueFrom") else {
            continue;
        };
        let fp = p.child("valueFrom");
        let mut count = 0;
        if let Some(r) = from.at("fieldRef") {
            count += 1;
            errs.extend(object_field_selector(
                r,
                &ENV_FIELD_PATHS,
                &fp.child("fieldRef"),
            ));
        }
        if let Some(r) = from.at("resourceFieldRef") {
            count += 1;
            errs.extend(resource_field_selector(
                r,
                &fp.child("resourceFieldRef"),
                false,
            ));
        }
        for key in ["configMapKeyRef", "secretKeyRef"] {
            if let Some(r) = from.at(key) {
                count += 1;
                errs.extend(key_selector(r, &fp.child(key)));
            }
        }
        let detail = if count == 0 {
            Some(
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            )
        } else if !var.s("value").is_empty() {
            Some("may not be specified when `value` is not empty")
        } else if count > 1 {
            Some("may not have more than one field specified at a time")
        } else {
            None
        };
        if let Some(d) = detail {
            errs.push(FieldError::invalid(&fp, "", d));
        }
    }
    errs
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn key_selector(r: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let name = r.s("name");
    invalid_each(
        &mut errs,
        &path.child("name"),
        name,
        names::dns1123_subdomain(name),
    );
    let key = r.s("key");
    if key.is_empty() {
        errs.push(FieldError::required(path.child("key"), ""));
    } else {
        invalid_each(
            &mut errs,
            &path.child("key"),
            key,
            names::config_map_key(key),
        );
    }
    errs
}

/// `validateObjectFieldSelector` (env vars and downward API volume files).
pub(crate) fn object_field_selector(r: &Value, allowed: &[&str], path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let version = r.s("apiVersion");
    if version.is_empty() {
        errs.push(FieldError::required(path.child("apiVersion"), ""));
        return errs;
    }
    let field_path = r.s("fieldPath");
    if field_path.is_empty() {
        errs.push(FieldError::required(path.child("fieldPath"), ""));
        return errs;
    }
    let subscripted = split_subscript(field_path);
    let convert_error = if version != "v1" {
        Some(format!("unsupported pod version: {version}"))
    } else {
        match subscripted {
            Some((base, _)) if base != "metadata.annotations" && base != "metadata.labels" => Some(
                format!("field label does not support subscript: {field_path}"),
            ),
            Some(_) => None,
            None if CONVERTIBLE_FIELD_LABELS.contains(&field_path) || field_path == "spec.host" => {
                None
            }
            None => Some(format!("field label not supported: {field_path}")),
        }
    };
    if let Some(e) = convert_error {
        errs.push(FieldError::invalid(
            path.child("fieldPath"),
            field_path,
            format!("error converting fieldPath: {e}"),
        ));
        return errs;
    }
    let internal = if field_path == "spec.host" {
        "spec.nodeName"
    } else {
        field_path
    };
    match subscripted {
        Some(("metadata.annotations", key)) => {
            invalid_each(
                &mut errs,
                path,
                &key.to_lowercase(),
                names::qualified_name(&key.to_lowercase()),
            );
        }
        Some((_, key)) => invalid_each(&mut errs, path, key, names::qualified_name(key)),
        None if !allowed.contains(&internal) => {
            let mut sorted: Vec<&str> = allowed.to_vec();
            sorted.sort_unstable();
            errs.push(FieldError::not_supported(
                path.child("fieldPath"),
                internal,
                &sorted,
            ));
        }
        None => {}
    }
    errs
}

/// `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['k']` → (`metadata.labels`, `k`).
fn split_subscript(field_path: &str) -> Option<(&str, &str)> {
    let inner = field_path.strip_suffix("']")?;
    let (base, key) = inner.split_once("['")?;
    (!base.is_empty()).then_some((base, key))
}

/// `validateContainerResourceFieldSelector` with the hugepages prefixes allowed.
pub(crate) fn resource_field_selector(r: &Value, path: &FieldPath, volume: bool) -> Errs {
    let mut errs = Errs::new();
    let resource = r.s("resource");
    if volume && r.s("containerName").is_empty() {
        errs.push(FieldError::required(path.child("containerName"), ""));
    } else if resource.is_empty() {
        errs.push(FieldError::required(path.child("resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource)
        && !resource.starts_with("limits.hugepages-")
        && !resource.starts_with("requests.hugepages-")
    {
        errs.push(FieldError::not_supported(
            path.child("resource"),
            resource,
            &RESOURCE_FIELD_PATHS,
        ));
    }
    if let Some(divisor) = r.at("divisor") {
        errs.extend(divisor_check(resource, divisor, path));
    }
    errs
}

/// `validateContainerResourceDivisor`.
fn divisor_check(resource: &str, divisor: &Value, path: &FieldPath) -> Errs {
    let Ok(q) = Quantity::parse(&scalar_text(divisor)) else {
        return Vec::new();
    };
    if q.is_zero() {
        return Vec::new();
    }
    let text = q.canonical();
    let byte_divisors = [
        "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
    ];
    let byte_msg = |what: &str| {
        format!(
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the {what}"
        )
    };
    let detail = match resource {
        "limits.cpu" | "requests.cpu" if !matches!(text.as_str(), "1m" | "1") => {
            Some("only divisor's values 1m and 1 are supported with the cpu resource".to_owned())
        }
        "limits.memory" | "requests.memory" if !byte_divisors.contains(&text.as_str()) => {
            Some(byte_msg("memory resource"))
        }
        "limits.ephemeral-storage" | "requests.ephemeral-storage"
            if !byte_divisors.contains(&text.as_str()) =>
        {
            Some(byte_msg("local ephemeral storage resource"))
        }
        r if (r.starts_with("requests.hugepages-") || r.starts_with("limits.hugepages-"))
            && !byte_divisors.contains(&text.as_str()) =>
        {
            Some(byte_msg("hugepages resource"))
        }
        _ => None,
    };
    detail
        .map(|d| vec![FieldError::invalid(path.child("divisor"), resource, d)])
        .unwrap_or_default()
}

/// `ValidateEnvFrom`.
pub(crate) fn env_from(list: &[Value], path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for (i, source) in list.iter().enumerate() {
        let p = path.index(i);
        let prefix = source.s("prefix");
        if !prefix.is_empty() {
            invalid_each(
                &mut errs,
                &p.child("prefix"),
                prefix,
                names::env_var_name(prefix),
            );
        }
        let mut count = 0;
        for key in ["configMapRef", "secretRef"] {
            let Some(r) = source.at(key) else {
                continue;
            };
            count += 1;
            let name = r.s("name");
            let np = p.child(key).child("name");
            if name.is_empty() {
                errs.push(FieldError::required(np, ""));
            } else {
                // Upstream checks these names in prefix mode.
                invalid_each(
                    &mut errs,
                    &np,
                    name,
                    names::name_is_dns_subdomain(name, true),
                );
            }
        }
        if count == 0 {
            errs.push(FieldError::invalid(
                path,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if count > 1 {
            errs.push(FieldError::invalid(
                path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}
