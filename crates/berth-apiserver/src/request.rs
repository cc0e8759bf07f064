//! What a resource request addresses, decoded from its path and query as upstream's
//! `RequestInfoFactory` does.

use std::collections::BTreeMap;

use berth_api::registry::{Registry, ResourceInfo};

use crate::status::{ApiError, ApiResult};

/// Subresources of a namespace that are addressed as `/namespaces/{name}/{sub}` (everything
/// else after `/namespaces/{ns}/` is a namespaced resource).
const NAMESPACE_SUBRESOURCES: &[&str] = &["status", "finalize"];

/// A decoded resource path.
#[derive(Debug, Clone)]
pub struct Target {
    /// The resource addressed.
    pub info: &'static ResourceInfo,
    /// The namespace, for namespaced resources addressed inside one (`None`: all namespaces).
    pub namespace: Option<String>,
    /// The object name, for item paths.
    pub name: Option<String>,
    /// The subresource (`status`, `scale`, `finalize`).
    pub subresource: Option<String>,
}

/// Decodes the part of a path after `/api/v1` or `/apis/{group}/{version}`.
pub fn parse_target(group: &str, version: &str, rest: &str) -> ApiResult<Target> {
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let mut parts = parts.as_slice();
    let mut namespace = None;
    if parts.first() == Some(&"namespaces") && parts.len() > 1 {
        namespace = Some(parts[1].to_owned());
        if parts.len() > 2 && !NAMESPACE_SUBRESOURCES.contains(&parts[2]) {
            parts = &parts[2..];
        } else {
            // `/namespaces/{name}[/{sub}]` addresses the namespace object itself.
            namespace = None;
        }
    }
    let (plural, name, subresource) = match parts {
        [plural] => (*plural, None, None),
        [plural, name] => (*plural, Some(*name), None),
        [plural, name, sub] => (*plural, Some(*name), Some(*sub)),
        _ => return Err(ApiError::no_route()),
    };
    let info = Registry
        .by_plural(group, version, plural)
        .ok_or_else(ApiError::no_route)?;
    if namespace.is_some() && !info.namespaced() {
        return Err(ApiError::no_route());
    }
    if let Some(sub) = subresource {
        let served =
            info.subresource(sub).is_some() || (info.plural == "namespaces" && sub == "finalize");
        if !served {
            return Err(ApiError::no_route());
        }
    }
    Ok(Target {
        info,
        namespace,
        name: name.map(str::to_owned),
        subresource: subresource.map(str::to_owned),
    })
}

/// Query parameters, decoded once. Repeated keys keep the last value.
#[derive(Debug, Clone, Default)]
pub struct Query {
    params: BTreeMap<String, String>,
}

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        let params = raw
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        Self { params }
    }

    /// The value of `key`, if present and non-empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether `key` is present at all (even empty).
    pub fn has(&self, key: &str) -> bool {
        self.params.contains_key(key)
    }

    /// A boolean parameter as upstream parses it (`1`, `true`, `t`, …).
    pub fn flag(&self, key: &str) -> ApiResult<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => parse_bool(v).ok_or_else(|| {
                ApiError::bad_request(format!("invalid boolean value for {key}: {v:?}"))
            }),
        }
    }

    /// An integer parameter.
    pub fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid value for {key}: {v:?}"))),
        }
    }

    /// `dryRun`: only `All` is meaningful upstream.
    pub fn dry_run(&self) -> ApiResult<bool> {
        match self.params.get("dryRun").map(String::as_str) {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid dry run value: dryRun: Unsupported value: \"{other}\": supported values: \"All\""
            ))),
        }
    }

    /// `fieldValidation`: `Ignore`, `Warn` or `Strict` (the default when unset is `Warn`
    /// upstream for non-kubectl clients; kubectl always says what it wants).
    pub fn field_validation(&self) -> ApiResult<FieldValidation> {
        match self.get("fieldValidation") {
            None => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Warn") => Ok(FieldValidation::Warn),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => Err(ApiError::bad_request(format!(
                "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \"{other}\""
            ))),
        }
    }
}

/// How to treat fields the schema does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and warn.
    Warn,
    /// Refuse the request.
    Strict,
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaced_collection_and_item() {
        let t = parse_target("", "v1", "namespaces/db/pods/web-0").expect("valid");
        assert_eq!(t.info.plural, "pods");
        assert_eq!(t.namespace.as_deref(), Some("db"));
        assert_eq!(t.name.as_deref(), Some("web-0"));
        let t = parse_target("apps", "v1", "namespaces/db/statefulsets/web/scale").expect("valid");
        assert_eq!(t.subresource.as_deref(), Some("scale"));
    }

    #[test]
    fn namespace_object_and_its_subresources() {
        let t = parse_target("", "v1", "namespaces/db").expect("valid");
        assert_eq!(t.info.plural, "namespaces");
        assert_eq!(t.name.as_deref(), Some("db"));
        assert_eq!(t.namespace, None);
        let t = parse_target("", "v1", "namespaces/db/finalize").expect("valid");
        assert_eq!(t.subresource.as_deref(), Some("finalize"));
        let t = parse_target("", "v1", "namespaces/db/status").expect("valid");
        assert_eq!(t.subresource.as_deref(), Some("status"));
    }

    #[test]
    fn cluster_wide_list_of_namespaced_kind() {
        let t = parse_target("", "v1", "pods").expect("valid");
        assert_eq!(t.namespace, None);
        assert_eq!(t.name, None);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert!(parse_target("", "v1", "widgets").is_err());
        assert!(parse_target("", "v1", "namespaces/db/nodes/x").is_err());
        assert!(parse_target("", "v1", "namespaces/db/pods/x/scale").is_err());
        assert!(parse_target("", "v1", "pods/a/b/c").is_err());
    }

    #[test]
    fn query_flags() {
        let q = Query::parse(Some("watch=1&dryRun=All&limit=5&labelSelector=app%3Ddb"));
        assert!(q.flag("watch").expect("bool"));
        assert!(q.dry_run().expect("valid"));
        assert_eq!(q.int("limit").expect("int"), Some(5));
        assert_eq!(q.get("labelSelector"), Some("app=db"));
        assert!(Query::parse(Some("dryRun=Some")).dry_run().is_err());
        assert!(Query::parse(Some("watch=yes")).flag("watch").is_err());
    }
}
