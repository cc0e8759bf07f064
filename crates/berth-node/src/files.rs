//! Contents of the files the node agent manages inside every pod: `/etc/hosts`, `/etc/hostname`
//! and `/etc/resolv.conf`, computed as the kubelet (and the runtime under it) computes them.
//!
//! Everything here is pure: the node's own `/etc/hosts` and `resolv.conf` are passed in as text.

use k8s_openapi::api::core::v1::Pod;

/// Longest hostname the kubelet hands to a pod; longer names are truncated.
const HOSTNAME_MAX_LEN: usize = 63;
/// Longest FQDN usable as the UTS hostname with `setHostnameAsFQDN`.
const FQDN_MAX_LEN: usize = 64;
/// Upstream API limits on the composed DNS configuration.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_LINE_CHARS: usize = 2048;
/// Search domains longer than a DNS subdomain make some resolvers abort, so they are dropped.
const MAX_SEARCH_DOMAIN_LEN: usize = 253;

/// Errors computing a pod's identity files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    /// The hostname is empty after truncation.
    #[error("hostname for pod {pod:?} was invalid: {hostname:?}")]
    InvalidHostname {
        /// Pod name.
        pod: String,
        /// Hostname before truncation.
        hostname: String,
    },
    /// `setHostnameAsFQDN` produced a name longer than the kernel accepts.
    #[error(
        "failed to construct FQDN from pod hostname and cluster domain, FQDN {fqdn} is too long ({FQDN_MAX_LEN} characters is the max, {len} characters requested)"
    )]
    FqdnTooLong {
        /// The composed FQDN.
        fqdn: String,
        /// Its length.
        len: usize,
    },
}

fn spec_str(value: Option<&String>) -> &str {
    value.map_or("", String::as_str)
}

/// The pod's hostname and, when `spec.subdomain` is set, its domain
/// `<subdomain>.<ns>.svc.<clusterDomain>`.
///
/// # Errors
///
/// [`FilesError::InvalidHostname`] when truncation leaves nothing.
pub fn pod_hostname_and_domain(
    pod: &Pod,
    cluster_domain: &str,
) -> Result<(String, Option<String>), FilesError> {
    let name = spec_str(pod.metadata.name.as_ref());
    let spec = pod.spec.as_ref();
    let requested = spec
        .and_then(|s| s.hostname.as_deref())
        .filter(|h| !h.is_empty())
        .unwrap_or(name);
    let hostname = if requested.len() <= HOSTNAME_MAX_LEN {
        requested.to_owned()
    } else {
        let cut = requested.get(..HOSTNAME_MAX_LEN).unwrap_or(requested);
        let trimmed = cut.trim_end_matches(['-', '.']);
        if trimmed.is_empty() {
            return Err(FilesError::InvalidHostname {
                pod: name.to_owned(),
                hostname: requested.to_owned(),
            });
        }
        trimmed.to_owned()
    };
    let namespace = spec_str(pod.metadata.namespace.as_ref());
    let domain = spec
        .and_then(|s| s.subdomain.as_deref())
        .filter(|s| !s.is_empty())
        .map(|sub| format!("{sub}.{namespace}.svc.{cluster_domain}"));
    Ok((hostname, domain))
}

/// The per-pod `/etc/hosts`. `pod_ips` are the pod's IPs (primary family first); `node_hosts` is
/// the node's own `/etc/hosts`, used only for host-network pods.
///
/// # Errors
///
/// As [`pod_hostname_and_domain`].
pub fn etc_hosts(
    pod: &Pod,
    pod_ips: &[String],
    cluster_domain: &str,
    node_hosts: &str,
) -> Result<String, FilesError> {
    let spec = pod.spec.as_ref();
    let mut out = String::new();
    if spec.and_then(|s| s.host_network).unwrap_or(false) {
        out.push_str("# Kubernetes-managed hosts file (host network).\n");
        out.push_str(node_hosts);
    } else {
        let (hostname, domain) = pod_hostname_and_domain(pod, cluster_domain)?;
        out.push_str("# Kubernetes-managed hosts file.\n");
        out.push_str("127.0.0.1\tlocalhost\n");
        out.push_str("::1\tlocalhost ip6-localhost ip6-loopback\n");
        out.push_str("fe00::0\tip6-localnet\n");
        out.push_str("fe00::0\tip6-mcastprefix\n");
        out.push_str("fe00::1\tip6-allnodes\n");
        out.push_str("fe00::2\tip6-allrouters\n");
        for ip in pod_ips {
            match &domain {
                Some(d) => out.push_str(&format!("{ip}\t{hostname}.{d}\t{hostname}\n")),
                None => out.push_str(&format!("{ip}\t{hostname}\n")),
            }
        }
    }
    let aliases = spec.and_then(|s| s.host_aliases.as_deref()).unwrap_or(&[]);
    if !aliases.is_empty() {
        out.push_str("\n# Entries added by HostAliases.\n");
        for alias in aliases {
            let names = alias.hostnames.as_deref().unwrap_or(&[]).join("\t");
            out.push_str(&format!("{}\t{names}\n", alias.ip));
        }
    }
    Ok(out)
}

/// The per-pod `/etc/hostname`: the hostname, or the FQDN with `setHostnameAsFQDN` and a
/// subdomain, followed by a newline.
///
/// # Errors
///
/// As [`pod_hostname_and_domain`], and [`FilesError::FqdnTooLong`] past 64 characters.
pub fn etc_hostname(pod: &Pod, cluster_domain: &str) -> Result<String, FilesError> {
    let (hostname, domain) = pod_hostname_and_domain(pod, cluster_domain)?;
    let as_fqdn = pod
        .spec
        .as_ref()
        .and_then(|s| s.set_hostname_as_fqdn)
        .unwrap_or(false);
    let name = match domain {
        Some(d) if as_fqdn => {
            let fqdn = format!("{hostname}.{d}");
            if fqdn.len() > FQDN_MAX_LEN {
                let len = fqdn.len();
                return Err(FilesError::FqdnTooLong { fqdn, len });
            }
            fqdn
        }
        _ => hostname,
    };
    Ok(format!("{name}\n"))
}

/// A resolver configuration: what ends up in a `resolv.conf`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsConfig {
    /// `nameserver` entries, in order.
    pub nameservers: Vec<String>,
    /// `search` domains, in order.
    pub searches: Vec<String>,
    /// `options` entries (`name` or `name:value`), one per name.
    pub options: Vec<String>,
}

/// Merges `name[:value]` options by name: a later value replaces an earlier one in place.
fn merge_option(options: &mut Vec<String>, name: &str, value: Option<&str>) {
    let text = match value {
        Some(v) if !v.is_empty() => format!("{name}:{v}"),
        _ => name.to_owned(),
    };
    let existing = options
        .iter_mut()
        .find(|o| o.split_once(':').map_or(o.as_str(), |(n, _)| n) == name);
    match existing {
        Some(slot) => *slot = text,
        None => options.push(text),
    }
}

fn split_option(option: &str) -> (&str, Option<&str>) {
    match option.split_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (option, None),
    }
}

/// Parses a node `resolv.conf` as the kubelet does: nameservers accumulate, the last `search`
/// line wins (without `.` entries and trailing dots), options merge by name.
#[must_use]
pub fn parse_resolv_conf(text: &str) -> DnsConfig {
    let mut config = DnsConfig::default();
    for line in text.lines() {
        let line = line.split(['#', ';']).next().unwrap_or("");
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["nameserver", server, ..] => config.nameservers.push((*server).to_owned()),
            ["search", domains @ ..] => {
                config.searches = domains
                    .iter()
                    .filter(|d| **d != ".")
                    .map(|d| d.trim_end_matches('.').to_owned())
                    .collect();
            }
            ["options", opts @ ..] => {
                for opt in opts {
                    let (name, value) = split_option(opt);
                    merge_option(&mut config.options, name, value);
                }
            }
            _ => {}
        }
    }
    config
}

/// Renders a `resolv.conf`: `search`, then one `nameserver` per server, then `options`; each
/// line only when non-empty.
#[must_use]
pub fn render_resolv_conf(config: &DnsConfig) -> String {
    let mut out = String::new();
    if !config.searches.is_empty() {
        out.push_str(&format!("search {}\n", config.searches.join(" ")));
    }
    for server in &config.nameservers {
        out.push_str(&format!("nameserver {server}\n"));
    }
    if !config.options.is_empty() {
        out.push_str(&format!("options {}\n", config.options.join(" ")));
    }
    out
}

/// The node-side DNS settings the agent is configured with.
#[derive(Debug, Clone, Default)]
pub struct NodeDns {
    /// `clusterDNS` IPs; empty means cluster DNS is not configured.
    pub cluster_dns: Vec<String>,
    /// Cluster domain, e.g. `cluster.local`.
    pub cluster_domain: String,
    /// The node's `resolv.conf` text; `None` when the agent was given no resolver file.
    pub node_resolv_conf: Option<String>,
}

/// A warning event the kubelet emits while forming a pod's DNS configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsWarning {
    /// Event reason (`MissingClusterDNS`, `DNSConfigForming`).
    pub reason: &'static str,
    /// Event message.
    pub message: String,
}

fn omit_duplicates(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn host_config(node: &NodeDns) -> DnsConfig {
    match &node.node_resolv_conf {
        Some(text) => parse_resolv_conf(text),
        // No resolver file: point at the local machine and disable search, as upstream does.
        None => DnsConfig {
            nameservers: vec!["127.0.0.1".to_owned()],
            searches: vec![".".to_owned()],
            options: Vec::new(),
        },
    }
}

/// The resolver configuration of `pod` per its `dnsPolicy` and `dnsConfig`, with the warnings
/// the kubelet would emit.
#[must_use]
pub fn pod_dns_config(pod: &Pod, node: &NodeDns) -> (DnsConfig, Vec<DnsWarning>) {
    let mut warnings = Vec::new();
    let spec = pod.spec.as_ref();
    let host_network = spec.and_then(|s| s.host_network).unwrap_or(false);
    let policy = spec
        .and_then(|s| s.dns_policy.as_deref())
        .filter(|p| !p.is_empty())
        .unwrap_or("ClusterFirst");
    let cluster = match policy {
        "None" => None,
        "ClusterFirstWithHostNet" => Some(true),
        "ClusterFirst" => Some(!host_network),
        _ => Some(false),
    };
    let mut config = match cluster {
        None => DnsConfig::default(),
        Some(true) if !node.cluster_dns.is_empty() => {
            let host = host_config(node);
            let ns = spec_str(pod.metadata.namespace.as_ref());
            let domain = &node.cluster_domain;
            let searches = if domain.is_empty() {
                host.searches
            } else {
                let mut s = vec![
                    format!("{ns}.svc.{domain}"),
                    format!("svc.{domain}"),
                    domain.clone(),
                ];
                s.extend(host.searches);
                omit_duplicates(s)
            };
            DnsConfig {
                nameservers: node.cluster_dns.clone(),
                searches,
                options: vec!["ndots:5".to_owned()],
            }
        }
        Some(true) => {
            warnings.push(DnsWarning {
                reason: "MissingClusterDNS",
                message: format!(
                    "pod: {:?}. kubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to \"Default\" policy.",
                    spec_str(pod.metadata.name.as_ref())
                ),
            });
            host_config(node)
        }
        Some(false) => host_config(node),
    };
    if let Some(extra) = spec.and_then(|s| s.dns_config.as_ref()) {
        let mut servers = std::mem::take(&mut config.nameservers);
        servers.extend(extra.nameservers.iter().flatten().cloned());
        config.nameservers = omit_duplicates(servers);
        let mut searches = std::mem::take(&mut config.searches);
        searches.extend(extra.searches.iter().flatten().cloned());
        config.searches = omit_duplicates(searches);
        for opt in extra.options.iter().flatten() {
            let name = spec_str(opt.name.as_ref());
            merge_option(&mut config.options, name, opt.value.as_deref());
        }
    }
    fit_limits(&mut config, &mut warnings);
    (config, warnings)
}

fn fit_limits(config: &mut DnsConfig, warnings: &mut Vec<DnsWarning>) {
    if config.nameservers.len() > MAX_NAMESERVERS {
        config.nameservers.truncate(MAX_NAMESERVERS);
        warnings.push(DnsWarning {
            reason: "DNSConfigForming",
            message: format!(
                "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
                config.nameservers.join(" ")
            ),
        });
    }
    let mut exceeded = false;
    if config.searches.len() > MAX_SEARCH_PATHS {
        config.searches.truncate(MAX_SEARCH_PATHS);
        exceeded = true;
    }
    let before = config.searches.len();
    config.searches.retain(|s| s.len() <= MAX_SEARCH_DOMAIN_LEN);
    exceeded |= config.searches.len() != before;
    let mut line_len = config.searches.join(" ").len();
    while line_len > MAX_SEARCH_LINE_CHARS {
        match config.searches.pop() {
            Some(last) => line_len = line_len.saturating_sub(last.len() + 1),
            None => break,
        }
        exceeded = true;
    }
    if exceeded {
        warnings.push(DnsWarning {
            reason: "DNSConfigForming",
            message: format!(
                "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {}",
                config.searches.join(" ")
            ),
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "files_tests.rs"]
mod tests;
