//! Tests for the managed pod files, with expectations taken from the kubelet's behaviour.

#![allow(clippy::needless_pass_by_value)]

use super::*;
use serde_json::json;

fn pod(spec: serde_json::Value) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "web-0", "namespace": "shop"},
        "spec": spec,
    }))
    .unwrap()
}

const HOSTS_HEADER: &str = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

#[test]
fn hosts_file() {
    let cases = [
        (
            json!({"containers": [], "subdomain": "web"}),
            vec!["10.42.0.17"],
            "10.42.0.17\tweb-0.web.shop.svc.cluster.local\tweb-0\n",
        ),
        (
            json!({"containers": []}),
            vec!["10.42.0.17"],
            "10.42.0.17\tweb-0\n",
        ),
        (
            json!({"containers": [], "hostname": "db"}),
            vec!["10.42.0.17", "fd00::17"],
            "10.42.0.17\tdb\nfd00::17\tdb\n",
        ),
        (
            json!({"containers": [], "hostAliases": [
                {"ip": "1.2.3.4", "hostnames": ["a", "b"]},
                {"ip": "5.6.7.8", "hostnames": ["c"]}]}),
            vec!["10.42.0.17"],
            "10.42.0.17\tweb-0\n\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n5.6.7.8\tc\n",
        ),
    ];
    for (spec, ips, tail) in cases {
        let ips: Vec<String> = ips.into_iter().map(String::from).collect();
        let got = etc_hosts(&pod(spec), &ips, "cluster.local", "ignored").unwrap();
        assert_eq!(got, format!("{HOSTS_HEADER}{tail}"));
    }
}

#[test]
fn hosts_file_host_network() {
    let p = pod(json!({"containers": [], "hostNetwork": true,
        "hostAliases": [{"ip": "1.2.3.4", "hostnames": ["a"]}]}));
    let got = etc_hosts(&p, &[], "cluster.local", "127.0.0.1 localhost\n").unwrap();
    assert_eq!(
        got,
        "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n"
    );
}

#[test]
fn hostname_file() {
    let long = format!("{}-{}", "a".repeat(62), "b".repeat(5));
    let cases = [
        (json!({"containers": []}), Ok("web-0\n".to_owned())),
        (
            json!({"containers": [], "subdomain": "web"}),
            Ok("web-0\n".to_owned()),
        ),
        (
            json!({"containers": [], "subdomain": "web", "setHostnameAsFQDN": true}),
            Ok("web-0.web.shop.svc.cluster.local\n".to_owned()),
        ),
        // Cut at 63 leaves a trailing '-', which is removed.
        (
            json!({"containers": [], "hostname": long}),
            Ok(format!("{}\n", "a".repeat(62))),
        ),
        (
            json!({"containers": [], "hostname": "h".repeat(40), "subdomain": "web",
                "setHostnameAsFQDN": true}),
            Err(FilesError::FqdnTooLong {
                fqdn: format!("{}.web.shop.svc.cluster.local", "h".repeat(40)),
                len: 67,
            }),
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(etc_hostname(&pod(spec), "cluster.local"), want);
    }
}

#[test]
fn fqdn_too_long_message() {
    let err = FilesError::FqdnTooLong {
        fqdn: "x".into(),
        len: 70,
    };
    assert_eq!(
        err.to_string(),
        "failed to construct FQDN from pod hostname and cluster domain, FQDN x is too long (64 characters is the max, 70 characters requested)"
    );
}

#[test]
fn resolv_conf_parsing() {
    let text = "# comment\nnameserver 1.1.1.1\nsearch old\nnameserver 8.8.8.8\nsearch lan. . corp\noptions ndots:2 rotate\noptions ndots:3\n";
    let got = parse_resolv_conf(text);
    assert_eq!(got.nameservers, ["1.1.1.1", "8.8.8.8"]);
    assert_eq!(got.searches, ["lan", "corp"]);
    assert_eq!(got.options, ["ndots:3", "rotate"]);
}

fn node(resolv: Option<&str>) -> NodeDns {
    NodeDns {
        cluster_dns: vec!["10.43.0.10".into()],
        cluster_domain: "cluster.local".into(),
        node_resolv_conf: resolv.map(String::from),
    }
}

#[test]
fn resolv_conf_per_policy() {
    let host = "nameserver 192.168.1.1\nsearch lan\noptions edns0\n";
    let cluster = "search shop.svc.cluster.local svc.cluster.local cluster.local lan\nnameserver 10.43.0.10\noptions ndots:5\n";
    let default = "search lan\nnameserver 192.168.1.1\noptions edns0\n";
    let cases = [
        (json!({"containers": []}), cluster),
        (
            json!({"containers": [], "dnsPolicy": "ClusterFirst"}),
            cluster,
        ),
        (
            json!({"containers": [], "dnsPolicy": "ClusterFirst", "hostNetwork": true}),
            default,
        ),
        (
            json!({"containers": [], "dnsPolicy": "ClusterFirstWithHostNet", "hostNetwork": true}),
            cluster,
        ),
        (json!({"containers": [], "dnsPolicy": "Default"}), default),
        (
            json!({"containers": [], "dnsPolicy": "None", "dnsConfig": {
                "nameservers": ["1.2.3.4"], "searches": ["a.b"],
                "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}),
            "search a.b\nnameserver 1.2.3.4\noptions ndots:2 edns0\n",
        ),
        (
            json!({"containers": [], "dnsConfig": {
                "nameservers": ["10.43.0.10", "1.2.3.4"], "searches": ["lan", "x"],
                "options": [{"name": "ndots", "value": "1"}, {"name": "single-request"}]}}),
            "search shop.svc.cluster.local svc.cluster.local cluster.local lan x\nnameserver 10.43.0.10\nnameserver 1.2.3.4\noptions ndots:1 single-request\n",
        ),
    ];
    for (spec, want) in cases {
        let (config, warnings) = pod_dns_config(&pod(spec.clone()), &node(Some(host)));
        assert_eq!(render_resolv_conf(&config), want, "{spec}");
        assert!(warnings.is_empty(), "{spec}");
    }
}

#[test]
fn resolv_conf_fallbacks() {
    let mut n = node(None);
    let (config, _) = pod_dns_config(&pod(json!({"containers": [], "dnsPolicy": "Default"})), &n);
    assert_eq!(
        render_resolv_conf(&config),
        "search .\nnameserver 127.0.0.1\n"
    );
    n.cluster_dns.clear();
    n.node_resolv_conf = Some("nameserver 9.9.9.9\n".into());
    let (config, warnings) = pod_dns_config(&pod(json!({"containers": []})), &n);
    assert_eq!(render_resolv_conf(&config), "nameserver 9.9.9.9\n");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].reason, "MissingClusterDNS");
}

#[test]
fn resolv_conf_limits() {
    let servers: Vec<String> = (1..=5).map(|i| format!("10.0.0.{i}")).collect();
    let searches: Vec<String> = (0..40).map(|i| format!("d{i}.example")).collect();
    let p = pod(json!({"containers": [], "dnsPolicy": "None",
        "dnsConfig": {"nameservers": servers, "searches": searches}}));
    let (config, warnings) = pod_dns_config(&p, &node(None));
    assert_eq!(config.nameservers, servers[..3]);
    assert_eq!(config.searches, searches[..32]);
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].message.starts_with(
        "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.0.0.1 10.0.0.2 10.0.0.3"
    ));
    assert!(warnings[1].message.starts_with(
        "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: d0.example"
    ));

    // 20 domains of 120 characters: 20*121-1 = 2419 > 2048, so drop from the end until it fits.
    let long: Vec<String> = (0..20)
        .map(|i| format!("{i:03}{}", "x".repeat(117)))
        .collect();
    let p = pod(json!({"containers": [], "dnsPolicy": "None", "dnsConfig": {"searches": long}}));
    let (config, _) = pod_dns_config(&p, &node(None));
    assert_eq!(config.searches, long[..16]);
}
