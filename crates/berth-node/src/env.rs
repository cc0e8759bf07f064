//! The environment of one container, computed as the kubelet computes it: `envFrom`, `env` with
//! `$(VAR)` expansion and `valueFrom` sources, then service-link variables.
//!
//! Upstream emits the variables in map order; berth keeps the order in which each name was first
//! defined (a later definition replaces the value in place), then the service links, which makes
//! the result deterministic.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{ConfigMap, Container, EnvVarSource, Pod, Secret, Service};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

#[path = "env_downward.rs"]
mod downward;
use downward::{field_value, resource_value};

/// A reason the kubelet refuses to create the container (`CreateContainerConfigError`); the
/// message is the one upstream reports in the container's waiting state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvError {
    /// No container of that name in the pod.
    #[error("container {0:?} not found in pod")]
    ContainerNotFound(String),
    /// A ConfigMap that is not optional does not exist.
    #[error("configmap {0:?} not found")]
    ConfigMapNotFound(String),
    /// A Secret that is not optional does not exist.
    #[error("secret {0:?} not found")]
    SecretNotFound(String),
    /// A `configMapKeyRef` key that is not optional is missing.
    #[error("couldn't find key {key} in ConfigMap {namespace}/{name}")]
    ConfigMapKeyNotFound {
        /// The key.
        key: String,
        /// Pod namespace.
        namespace: String,
        /// ConfigMap name.
        name: String,
    },
    /// A `secretKeyRef` key that is not optional is missing.
    #[error("couldn't find key {key} in Secret {namespace}/{name}")]
    SecretKeyNotFound {
        /// The key.
        key: String,
        /// Pod namespace.
        namespace: String,
        /// Secret name.
        name: String,
    },
    /// A `fieldRef` path the kubelet does not resolve.
    #[error("unsupported fieldPath: {0}")]
    UnsupportedFieldPath(String),
    /// A `resourceFieldRef` that cannot be resolved.
    #[error("unsupported container resource : {0}")]
    UnsupportedResource(String),
}

/// Everything besides the pod that the container's environment depends on.
#[derive(Debug, Clone, Copy)]
pub struct EnvInputs<'a> {
    /// ConfigMaps of the pod's namespace, by name.
    pub config_maps: &'a BTreeMap<String, ConfigMap>,
    /// Secrets of the pod's namespace, by name.
    pub secrets: &'a BTreeMap<String, Secret>,
    /// Services of the pod's namespace and of `default` (others are ignored).
    pub services: &'a [Service],
    /// The pod's IPs, primary family first.
    pub pod_ips: &'a [String],
    /// The node's IPs, primary family first.
    pub host_ips: &'a [String],
    /// Node allocatable, used for limits the container does not set.
    pub node_allocatable: &'a BTreeMap<String, Quantity>,
}

/// The computed environment and the problems that block container creation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerEnv {
    /// Variables in emission order.
    pub vars: Vec<(String, String)>,
    /// Problems; upstream stops at the first, whose message it reports.
    pub problems: Vec<EnvError>,
    /// Warning events to record on the pod; they do not block the container.
    pub warnings: Vec<EnvWarning>,
}

/// A warning event about the environment (reason `InvalidEnvironmentVariableNames`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvWarning {
    /// Event reason.
    pub reason: &'static str,
    /// Event message.
    pub message: String,
}

/// Whether `name` is a usable variable name under the relaxed rule the API validates with:
/// non-empty printable ASCII without `=`. Anything else cannot be passed to a process, so it is
/// skipped with the warning older kubelets emitted for every non-C-identifier key.
fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'=')
}

/// Adds the `envFrom` entries of one source, skipping unusable names with a warning.
fn add_env_from<'a>(
    env: &mut OrderedEnv,
    warnings: &mut Vec<EnvWarning>,
    entries: impl Iterator<Item = (&'a String, String)>,
    prefix: &str,
    what: &str,
    namespace: &str,
    name: &str,
) {
    let mut invalid = Vec::new();
    for (k, v) in entries {
        let key = format!("{prefix}{k}");
        if is_env_name(&key) {
            env.set(key, v);
        } else {
            invalid.push(key);
        }
    }
    if !invalid.is_empty() {
        invalid.sort();
        warnings.push(EnvWarning {
            reason: "InvalidEnvironmentVariableNames",
            message: format!(
                "Keys [{}] from the EnvFrom {what} {namespace}/{name} were skipped since they are considered invalid environment variable names.",
                invalid.join(", ")
            ),
        });
    }
}

/// Ordered variables where redefining a name replaces its value in place.
#[derive(Default)]
struct OrderedEnv {
    vars: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl OrderedEnv {
    fn set(&mut self, name: String, value: String) {
        match self.index.get(&name) {
            Some(&i) => {
                if let Some(slot) = self.vars.get_mut(i) {
                    slot.1 = value;
                }
            }
            None => {
                self.index.insert(name.clone(), self.vars.len());
                self.vars.push((name, value));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        let i = *self.index.get(name)?;
        self.vars.get(i).map(|(_, v)| v.as_str())
    }
}

/// Expands `$(NAME)` references in `input` as the kubelet's expansion package does: `$$` is an
/// escaped `$`, unknown names and incomplete references are kept as written, and substituted
/// values are not expanded again.
#[must_use]
pub fn expand(input: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let bytes = input.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.extend_from_slice(&bytes[checkpoint..cursor]);
            let rest = &bytes[cursor + 1..];
            let advance = match rest[0] {
                b'$' => {
                    out.push(b'$');
                    1
                }
                b'(' => match rest.iter().position(|&b| b == b')') {
                    Some(close) => {
                        let name = String::from_utf8_lossy(&rest[1..close]);
                        match lookup(&name) {
                            Some(value) => out.extend_from_slice(value.as_bytes()),
                            None => out.extend_from_slice(format!("$({name})").as_bytes()),
                        }
                        close + 1
                    }
                    None => {
                        out.extend_from_slice(b"$(");
                        1
                    }
                },
                other => {
                    out.push(b'$');
                    out.push(other);
                    1
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.extend_from_slice(&bytes[checkpoint.min(bytes.len())..]);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Upper-cases and replaces `-` with `_`, as service-link names are formed.
fn env_name(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

/// The service-link variables of a pod in `namespace`: its namespace's services with a cluster
/// IP when `enable_service_links`, and always the `kubernetes` service of `default`.
#[must_use]
pub fn service_link_env(
    namespace: &str,
    services: &[Service],
    enable_service_links: bool,
) -> Vec<(String, String)> {
    let mut chosen: BTreeMap<&str, &Service> = BTreeMap::new();
    for svc in services {
        let ip = svc
            .spec
            .as_ref()
            .and_then(|s| s.cluster_ip.as_deref())
            .unwrap_or("");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let name = svc.metadata.name.as_deref().unwrap_or("");
        let ns = svc.metadata.namespace.as_deref().unwrap_or("");
        if ns == "default" && name == "kubernetes" {
            chosen.entry(name).or_insert(svc);
        } else if ns == namespace && enable_service_links {
            chosen.insert(name, svc);
        }
    }
    let mut out = Vec::new();
    for (name, svc) in chosen {
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        let ip = spec.cluster_ip.as_deref().unwrap_or("");
        let ports = spec.ports.as_deref().unwrap_or(&[]);
        let Some(first) = ports.first() else {
            continue;
        };
        let prefix = env_name(name);
        out.push((format!("{prefix}_SERVICE_HOST"), ip.to_owned()));
        out.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
        for port in ports {
            if let Some(pn) = port.name.as_deref().filter(|n| !n.is_empty()) {
                out.push((
                    format!("{prefix}_SERVICE_PORT_{}", env_name(pn)),
                    port.port.to_string(),
                ));
            }
        }
        let host = if ip.contains(':') {
            format!("[{ip}]")
        } else {
            ip.to_owned()
        };
        for (i, port) in ports.iter().enumerate() {
            let proto = port.protocol.as_deref().unwrap_or("TCP");
            let scheme = proto.to_lowercase();
            let url = format!("{scheme}://{host}:{}", port.port);
            if i == 0 {
                out.push((format!("{prefix}_PORT"), url.clone()));
            }
            let pp = format!("{prefix}_PORT_{}_{}", port.port, proto.to_uppercase());
            out.push((pp.clone(), url));
            out.push((format!("{pp}_PROTO"), scheme));
            out.push((format!("{pp}_PORT"), port.port.to_string()));
            out.push((format!("{pp}_ADDR"), ip.to_owned()));
        }
    }
    out
}

fn find_container<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
}

/// The environment of container `container` of `pod`.
#[must_use]
pub fn container_env(pod: &Pod, container: &str, inputs: &EnvInputs<'_>) -> ContainerEnv {
    let mut result = ContainerEnv::default();
    let Some(ctr) = find_container(pod, container) else {
        result
            .problems
            .push(EnvError::ContainerNotFound(container.to_owned()));
        return result;
    };
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
    let enable_links = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let links = service_link_env(namespace, inputs.services, enable_links);
    let link_map: HashMap<&str, &str> = links
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut env = OrderedEnv::default();

    for source in ctr.env_from.iter().flatten() {
        let prefix = source.prefix.as_deref().unwrap_or("");
        if let Some(r) = &source.config_map_ref {
            match inputs.config_maps.get(&r.name) {
                Some(cm) => add_env_from(
                    &mut env,
                    &mut result.warnings,
                    cm.data.iter().flatten().map(|(k, v)| (k, v.clone())),
                    prefix,
                    "configMap",
                    namespace,
                    &r.name,
                ),
                None if r.optional == Some(true) => {}
                None => result
                    .problems
                    .push(EnvError::ConfigMapNotFound(r.name.clone())),
            }
        }
        if let Some(r) = &source.secret_ref {
            match inputs.secrets.get(&r.name) {
                Some(secret) => add_env_from(
                    &mut env,
                    &mut result.warnings,
                    secret
                        .data
                        .iter()
                        .flatten()
                        .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned())),
                    prefix,
                    "secret",
                    namespace,
                    &r.name,
                ),
                None if r.optional == Some(true) => {}
                None => result
                    .problems
                    .push(EnvError::SecretNotFound(r.name.clone())),
            }
        }
    }

    for var in ctr.env.iter().flatten() {
        let value = match &var.value_from {
            Some(source) => match resolve_source(pod, ctr, source, inputs) {
                Ok(Some(v)) => v,
                Ok(None) => continue,
                Err(e) => {
                    result.problems.push(e);
                    continue;
                }
            },
            None => {
                let raw = var.value.as_deref().unwrap_or("");
                let lookup = |name: &str| {
                    env.get(name)
                        .or_else(|| link_map.get(name).copied())
                        .map(str::to_owned)
                };
                expand(raw, &lookup)
            }
        };
        env.set(var.name.clone(), value);
    }

    for (k, v) in links {
        if env.get(&k).is_none() {
            env.set(k, v);
        }
    }
    result.vars = env.vars;
    result
}

/// Resolves a `valueFrom`; `Ok(None)` means an optional source is absent and the variable is
/// skipped.
fn resolve_source(
    pod: &Pod,
    ctr: &Container,
    source: &EnvVarSource,
    inputs: &EnvInputs<'_>,
) -> Result<Option<String>, EnvError> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
    if let Some(f) = &source.field_ref {
        return field_value(pod, f, inputs).map(Some);
    }
    if let Some(r) = &source.resource_field_ref {
        return resource_value(pod, ctr, r, inputs).map(Some);
    }
    if let Some(r) = &source.config_map_key_ref {
        let optional = r.optional == Some(true);
        let Some(cm) = inputs.config_maps.get(&r.name) else {
            return if optional {
                Ok(None)
            } else {
                Err(EnvError::ConfigMapNotFound(r.name.clone()))
            };
        };
        return match cm.data.as_ref().and_then(|d| d.get(&r.key)) {
            Some(v) => Ok(Some(v.clone())),
            None if optional => Ok(None),
            None => Err(EnvError::ConfigMapKeyNotFound {
                key: r.key.clone(),
                namespace: namespace.to_owned(),
                name: r.name.clone(),
            }),
        };
    }
    if let Some(r) = &source.secret_key_ref {
        let optional = r.optional == Some(true);
        let Some(secret) = inputs.secrets.get(&r.name) else {
            return if optional {
                Ok(None)
            } else {
                Err(EnvError::SecretNotFound(r.name.clone()))
            };
        };
        return match secret.data.as_ref().and_then(|d| d.get(&r.key)) {
            Some(v) => Ok(Some(String::from_utf8_lossy(&v.0).into_owned())),
            None if optional => Ok(None),
            None => Err(EnvError::SecretKeyNotFound {
                key: r.key.clone(),
                namespace: namespace.to_owned(),
                name: r.name.clone(),
            }),
        };
    }
    Ok(Some(String::new()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "env_tests.rs"]
mod tests;
