//! Service (§2.3.2), Endpoints (§2.4) and EndpointSlice (§2.16) validation, with messages and
//! paths as a 1.33 apiserver reports them. Objects are in their defaulted form.

use serde_json::{Value, json};

use super::{prepare_service_create, prepare_service_update, validate, validate_update};
use crate::registry::{Registry, ResourceInfo};
use crate::validation::{FieldError, validate_create};

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_SLASHES_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const INVALID_IP: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

fn info(group: &str, kind: &str) -> &'static ResourceInfo {
    Registry.by_kind(group, "v1", kind).unwrap()
}

fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// A defaulted ClusterIP Service with one port, with `changes` merged into its spec (a
/// `null` removes a field).
fn svc(changes: Value) -> Value {
    let mut spec = json!({
        "type": "ClusterIP",
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
        "selector": {"app": "web"},
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}],
    });
    let Value::Object(changes) = changes else {
        panic!("changes must be an object")
    };
    for (k, v) in changes {
        if v.is_null() {
            spec.as_object_mut().unwrap().remove(&k);
        } else {
            spec[&k] = v;
        }
    }
    json!({"metadata": {"name": "web", "namespace": "default"}, "spec": spec})
}

fn port(name: &str, number: i64) -> Value {
    json!({"name": name, "port": number, "protocol": "TCP", "targetPort": number})
}

#[test]
fn seed_services_after_defaulting_are_valid() {
    let service = info("", "Service");
    let cluster_ip = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "postgres", "namespace": "postgres", "labels": {"app": "postgres"}},
        "spec": {"type": "ClusterIP", "ports": [{"port": 5432, "targetPort": 5432, "protocol": "TCP"}],
                 "selector": {"app": "postgres"}, "sessionAffinity": "None",
                 "internalTrafficPolicy": "Cluster"}
    });
    let headless = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "postgres", "namespace": "postgres", "labels": {"app": "postgres"}},
        "spec": {"clusterIP": "None", "type": "ClusterIP",
                 "ports": [{"port": 5432, "name": "postgredb", "protocol": "TCP", "targetPort": 5432}],
                 "selector": {"app": "postgres"}, "sessionAffinity": "None",
                 "internalTrafficPolicy": "Cluster"}
    });
    for obj in [cluster_ip, headless] {
        assert_eq!(lines(&validate_create(service, &obj)), Vec::<String>::new());
    }
}

#[test]
fn seed_services_pass_with_the_real_defaulting() {
    let service = info("", "Service");
    let seeds = [
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "postgres", "namespace": "postgres", "labels": {"app": "postgres"}},
               "spec": {"type": "ClusterIP", "ports": [{"port": 5432, "targetPort": 5432}],
                        "selector": {"app": "postgres"}}}),
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "postgres", "namespace": "postgres", "labels": {"app": "postgres"}},
               "spec": {"clusterIP": "None", "ports": [{"port": 5432, "name": "postgredb"}],
                        "selector": {"app": "postgres"}}}),
    ];
    for mut obj in seeds {
        crate::defaults::apply_on_create("", "Service", &mut obj, "2026-01-01T00:00:00Z").unwrap();
        assert_eq!(
            lines(&validate_create(service, &obj)),
            Vec::<String>::new(),
            "{obj}"
        );
    }
}

#[test]
fn service_create_rules() {
    let service = info("", "Service");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "no ports",
            svc(json!({"ports": []})),
            strs(&["spec.ports: Required value"]),
        ),
        (
            "headless needs no ports",
            svc(json!({"ports": [], "clusterIP": "None"})),
            vec![],
        ),
        (
            "second port without a name",
            svc(json!({"ports": [port("http", 80), port("", 81)]})),
            strs(&["spec.ports[1].name: Required value"]),
        ),
        (
            "duplicate port names",
            svc(json!({"ports": [port("http", 80), port("http", 81)]})),
            strs(&[r#"spec.ports[1].name: Duplicate value: "http""#]),
        ),
        (
            "port name not a DNS label",
            svc(json!({"ports": [port("Http", 80)]})),
            vec![format!(
                r#"spec.ports[0].name: Invalid value: "Http": {LABEL_MSG}"#
            )],
        ),
        (
            "port and target port zero",
            svc(json!({"ports": [{"port": 0, "protocol": "TCP", "targetPort": 0}]})),
            strs(&[
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            ]),
        ),
        (
            "unsupported protocol",
            svc(json!({"ports": [{"port": 80, "protocol": "HTTP", "targetPort": 80}]})),
            strs(&[
                r#"spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP""#,
            ]),
        ),
        (
            "bad named target port",
            svc(json!({"ports": [{"port": 80, "protocol": "TCP", "targetPort": "web--port"}]})),
            strs(&[
                r#"spec.ports[0].targetPort: Invalid value: "web--port": must not contain consecutive hyphens"#,
            ]),
        ),
        (
            "appProtocol not a qualified name",
            svc(
                json!({"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "appProtocol": "a/b/c"}]}),
            ),
            vec![format!(
                r#"spec.ports[0].appProtocol: Invalid value: "a/b/c": {QUALIFIED_SLASHES_MSG}"#
            )],
        ),
        (
            "duplicate port and protocol",
            svc(json!({"ports": [port("a", 80), port("b", 80)]})),
            strs(&[
                r#"spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}"#,
            ]),
        ),
        (
            "node port on a ClusterIP service",
            svc(
                json!({"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080}]}),
            ),
            strs(&[
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
            ]),
        ),
        (
            "duplicate node port",
            svc(
                json!({"type": "NodePort", "externalTrafficPolicy": "Cluster", "ports": [
                {"name": "a", "port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30001},
                {"name": "b", "port": 81, "protocol": "TCP", "targetPort": 81, "nodePort": 30001}]}),
            ),
            strs(&["spec.ports[1].nodePort: Duplicate value: 30001"]),
        ),
        (
            "unknown type",
            svc(json!({"type": "Foo"})),
            strs(&[
                r#"spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort""#,
            ]),
        ),
        (
            "empty type",
            svc(json!({"type": ""})),
            strs(&["spec.type: Required value"]),
        ),
        (
            "ExternalName without a name",
            svc(json!({"type": "ExternalName", "ports": [], "selector": null})),
            strs(&["spec.externalName: Required value"]),
        ),
        (
            "ExternalName not a subdomain",
            svc(json!({"type": "ExternalName", "externalName": "bad_name."})),
            vec![format!(
                r#"spec.externalName: Invalid value: "bad_name": {SUBDOMAIN_MSG}"#
            )],
        ),
        (
            "ExternalName with cluster IP and families",
            svc(
                json!({"type": "ExternalName", "externalName": "db.example.com.", "clusterIP": "10.0.0.1",
                       "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"}),
            ),
            strs(&[
                "spec.clusterIPs: Forbidden: may not be set for ExternalName services",
                "spec.ipFamilies: Forbidden: may not be set for ExternalName services",
                "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services",
            ]),
        ),
        (
            "headless NodePort",
            svc(
                json!({"type": "NodePort", "clusterIP": "None", "externalTrafficPolicy": "Cluster"}),
            ),
            strs(&[
                r#"spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services"#,
            ]),
        ),
        (
            "unknown session affinity",
            svc(json!({"sessionAffinity": "Sticky"})),
            strs(&[
                r#"spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None""#,
            ]),
        ),
        (
            "ClientIP without config",
            svc(json!({"sessionAffinity": "ClientIP"})),
            strs(&[
                "spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP",
            ]),
        ),
        (
            "ClientIP timeout zero",
            svc(
                json!({"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}}),
            ),
            strs(&[
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
            ]),
        ),
        (
            "None with config",
            svc(json!({"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10}}})),
            strs(&[
                "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None",
            ]),
        ),
        (
            "clusterIPs disagree with clusterIP",
            svc(json!({"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.2"]})),
            strs(&[
                r#"spec.clusterIPs: Invalid value: []string{"10.0.0.2"}: first value must match `clusterIP`"#,
            ]),
        ),
        (
            "clusterIPs without clusterIP",
            svc(json!({"clusterIPs": ["10.0.0.1"]})),
            strs(&[
                r#"spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: must be empty when `clusterIP` is not specified"#,
            ]),
        ),
        (
            "cluster IP does not parse",
            svc(json!({"clusterIP": "300.1.1.1"})),
            vec![format!(
                r#"spec.clusterIPs[0]: Invalid value: "300.1.1.1": {INVALID_IP}"#
            )],
        ),
        (
            "two IPv4 cluster IPs",
            svc(json!({"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1", "10.0.0.2"]})),
            strs(&[
                r#"spec.clusterIPs: Invalid value: []string{"10.0.0.1", "10.0.0.2"}: may specify no more than one IP for each IP family"#,
            ]),
        ),
        (
            "None not alone",
            svc(json!({"clusterIP": "None", "clusterIPs": ["None", "10.0.0.1"]})),
            strs(&[
                r#"spec.clusterIPs: Invalid value: []string{"None", "10.0.0.1"}: 'None' must be the first and only value"#,
            ]),
        ),
        (
            "family mismatch",
            svc(json!({"clusterIP": "10.0.0.1", "ipFamilies": ["IPv6"]})),
            strs(&[
                "spec.clusterIPs[0]: Invalid value: \"10.0.0.1\": expected an IPv6 value as indicated by `ipFamilies[0]`",
            ]),
        ),
        (
            "bad and duplicate families",
            svc(json!({"ipFamilies": ["IPv5", "IPv5"]})),
            strs(&[
                r#"spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6""#,
                r#"spec.ipFamilies[1]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6""#,
                r#"spec.ipFamilies[1]: Duplicate value: "IPv5""#,
            ]),
        ),
        (
            "unknown family policy",
            svc(json!({"ipFamilyPolicy": "DualStack"})),
            strs(&[
                r#"spec.ipFamilyPolicy: Unsupported value: "DualStack": supported values: "PreferDualStack", "RequireDualStack", "SingleStack""#,
            ]),
        ),
        (
            "loopback external IP",
            svc(json!({"externalIPs": ["127.0.0.1"], "externalTrafficPolicy": "Cluster"})),
            strs(&[
                r#"spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)"#,
            ]),
        ),
        (
            "external IPs need a traffic policy",
            svc(json!({"externalIPs": ["192.0.2.10"]})),
            strs(&["spec.externalTrafficPolicy: Required value"]),
        ),
        (
            "traffic policy on an internal service",
            svc(json!({"externalTrafficPolicy": "Local"})),
            strs(&[
                r#"spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services"#,
            ]),
        ),
        (
            "load balancer without allocateLoadBalancerNodePorts",
            svc(json!({"type": "LoadBalancer", "externalTrafficPolicy": "Cluster"})),
            strs(&["allocateLoadBalancerNodePorts: Required value"]),
        ),
        (
            "load balancer Local without health-check port",
            svc(
                json!({"type": "LoadBalancer", "externalTrafficPolicy": "Local", "allocateLoadBalancerNodePorts": true}),
            ),
            strs(&["spec.healthCheckNodePort: Required value"]),
        ),
        (
            "health-check port on ClusterIP",
            svc(json!({"healthCheckNodePort": 31000})),
            strs(&[
                "spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ]),
        ),
        (
            "source ranges on ClusterIP",
            svc(json!({"loadBalancerSourceRanges": ["10.0.0.0/33"]})),
            strs(&[
                "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
                r#"spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"#,
            ]),
        ),
        (
            "allocateLoadBalancerNodePorts and class on ClusterIP",
            svc(
                json!({"allocateLoadBalancerNodePorts": true, "loadBalancerClass": "example.com/lb"}),
            ),
            strs(&[
                "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
                "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
            ]),
        ),
        (
            "internal traffic policy missing and unknown",
            svc(json!({"internalTrafficPolicy": null})),
            strs(&["spec.internalTrafficPolicy: Required value"]),
        ),
        (
            "internal traffic policy unknown",
            svc(json!({"internalTrafficPolicy": "Node"})),
            strs(&[
                r#"spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local""#,
            ]),
        ),
        (
            "traffic distribution behind a disabled gate",
            svc(json!({"trafficDistribution": "PreferSameZone"})),
            strs(&[
                r#"spec.trafficDistribution: Unsupported value: "PreferSameZone": supported values: "PreferClose""#,
            ]),
        ),
        (
            "selector value",
            svc(json!({"selector": {"app": "bad value"}})),
            vec![format!(
                r#"spec.selector: Invalid value: "bad value": {LABEL_VALUE_MSG}"#
            )],
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(service, &obj)), want, "{what}");
    }
    let mut named = svc(json!({}));
    named["metadata"]["name"] = json!("1web");
    assert_eq!(
        lines(&validate(service, &named)),
        vec![format!(
            r#"metadata.name: Invalid value: "1web": {DNS1035_MSG}"#
        )]
    );
    let mut topo = svc(json!({}));
    topo["metadata"]["annotations"] = json!({
        "service.kubernetes.io/topology-aware-hints": "Auto",
        "service.kubernetes.io/topology-mode": "Disabled"});
    assert_eq!(
        lines(&validate(service, &topo)),
        strs(&[
            r#"metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Disabled": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified"#
        ])
    );
}

fn stored(changes: Value) -> Value {
    let mut s = svc(changes);
    s["metadata"]["uid"] = json!("u1");
    s["metadata"]["resourceVersion"] = json!("5");
    s
}

#[test]
fn service_update_rules() {
    let service = info("", "Service");
    let allocated = json!({"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                           "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"});
    let node_port_old = json!({"type": "NodePort", "externalTrafficPolicy": "Cluster",
        "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080}]});
    let lb_local = json!({"type": "LoadBalancer", "externalTrafficPolicy": "Local", "allocateLoadBalancerNodePorts": true,
        "healthCheckNodePort": 31000, "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080}]});
    let mut lb_changed = lb_local.clone();
    lb_changed["healthCheckNodePort"] = json!(31001);
    let dual = json!({"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1", "fd00::1"],
                      "ipFamilies": ["IPv4", "IPv6"], "ipFamilyPolicy": "PreferDualStack"});
    let cases: Vec<(&str, Value, Value, Vec<String>)> = vec![
        (
            "re-apply without allocated IPs",
            stored(allocated.clone()),
            stored(json!({})),
            vec![],
        ),
        (
            "changed cluster IP",
            stored(allocated.clone()),
            stored(json!({"clusterIP": "10.96.0.11"})),
            strs(&[
                r#"spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set"#,
            ]),
        ),
        (
            "re-apply NodePort without node port",
            stored(node_port_old.clone()),
            stored(
                json!({"type": "NodePort", "externalTrafficPolicy": "Cluster",
                          "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]}),
            ),
            vec![],
        ),
        (
            "NodePort to ClusterIP leaving allocated fields",
            stored(node_port_old.clone()),
            {
                let mut v = node_port_old;
                v["type"] = json!("ClusterIP");
                stored(v)
            },
            vec![],
        ),
        (
            "ClusterIP to ExternalName leaving allocated fields",
            stored(allocated.clone()),
            {
                let mut v = allocated;
                v["type"] = json!("ExternalName");
                v["externalName"] = json!("db.example.com");
                stored(v)
            },
            vec![],
        ),
        (
            "health-check port changed",
            stored(lb_local),
            stored(lb_changed),
            strs(&["spec.healthCheckNodePort: Forbidden: field is immutable"]),
        ),
        (
            "secondary IP released without SingleStack",
            stored(dual.clone()),
            {
                let mut v = dual.clone();
                v["clusterIPs"] = json!(["10.0.0.1"]);
                stored(v)
            },
            strs(&[
                r#"spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be set to 'SingleStack' when releasing the secondary clusterIP"#,
            ]),
        ),
        (
            "downgrade to SingleStack trims the secondary",
            stored(dual.clone()),
            {
                let mut v = dual;
                v["ipFamilyPolicy"] = json!("SingleStack");
                stored(v)
            },
            vec![],
        ),
    ];
    for (what, old, new, want) in cases {
        assert_eq!(lines(&validate_update(service, &new, &old)), want, "{what}");
    }
}

#[test]
fn service_preparation_steps() {
    let mut created = svc(json!({"clusterIP": "None"}));
    prepare_service_create(&mut created);
    assert_eq!(created["spec"]["clusterIPs"], json!(["None"]));
    let old = svc(
        json!({"type": "NodePort", "externalTrafficPolicy": "Cluster", "clusterIP": "10.96.0.10",
        "clusterIPs": ["10.96.0.10"], "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080}]}),
    );
    let mut new = svc(
        json!({"type": "NodePort", "externalTrafficPolicy": "Cluster",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]}),
    );
    prepare_service_update(&mut new, &old);
    assert_eq!(new["spec"]["clusterIP"], json!("10.96.0.10"));
    assert_eq!(new["spec"]["clusterIPs"], json!(["10.96.0.10"]));
    assert_eq!(new["spec"]["ports"][0]["nodePort"], json!(30080));
    let mut to_cluster_ip = old.clone();
    to_cluster_ip["spec"]["type"] = json!("ClusterIP");
    prepare_service_update(&mut to_cluster_ip, &old);
    assert_eq!(to_cluster_ip["spec"]["ports"][0].get("nodePort"), None);
    assert_eq!(to_cluster_ip["spec"].get("externalTrafficPolicy"), None);
}

fn endpoints(subsets: Value) -> Value {
    let mut obj = json!({"metadata": {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "3"}});
    obj["subsets"] = subsets;
    obj
}

#[test]
fn endpoints_rules() {
    let ep = info("", "Endpoints");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "valid",
            endpoints(
                json!([{"addresses": [{"ip": "10.1.2.3", "hostname": "pod-0", "nodeName": "node-1"}],
                              "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}]),
            ),
            vec![],
        ),
        (
            "subset without addresses",
            endpoints(json!([{"ports": [{"port": 80, "protocol": "TCP"}]}])),
            strs(&["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]),
        ),
        (
            "address that does not parse is reported twice",
            endpoints(json!([{"addresses": [{"ip": "abc"}]}])),
            vec![
                format!(r#"subsets[0].addresses[0].ip: Invalid value: "abc": {INVALID_IP}"#),
                r#"subsets[0].addresses[0].ip: Invalid value: "abc": must be a valid IP address"#
                    .into(),
            ],
        ),
        (
            "loopback not-ready address",
            endpoints(json!([{"notReadyAddresses": [{"ip": "127.0.0.1"}]}])),
            strs(&[
                r#"subsets[0].notReadyAddresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)"#,
            ]),
        ),
        (
            "hostname not a DNS label",
            endpoints(json!([{"addresses": [{"ip": "10.1.2.3", "hostname": "Pod_0"}]}])),
            vec![format!(
                r#"subsets[0].addresses[0].hostname: Invalid value: "Pod_0": {LABEL_MSG}"#
            )],
        ),
        (
            "unnamed port among several",
            endpoints(json!([{"addresses": [{"ip": "10.1.2.3"}],
                              "ports": [{"name": "a", "port": 80, "protocol": "TCP"}, {"port": 81, "protocol": "UDP"}]}])),
            strs(&["subsets[0].ports[1].name: Required value"]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(ep, &obj)), want, "{what}");
    }
    // Unchanged subsets are not re-validated on update.
    let stored_bad = endpoints(json!([{"addresses": [{"ip": "127.0.0.1"}]}]));
    let mut relabeled = stored_bad.clone();
    relabeled["metadata"]["labels"] = json!({"x": "y"});
    assert_eq!(
        lines(&validate_update(ep, &relabeled, &stored_bad)),
        Vec::<String>::new()
    );
}

fn slice(address_type: &str, endpoints: Value, ports: Value) -> Value {
    let mut obj = json!({"metadata": {"name": "web-abc", "namespace": "default", "uid": "u1", "resourceVersion": "3"},
                         "addressType": address_type});
    obj["endpoints"] = endpoints;
    obj["ports"] = ports;
    obj
}

#[test]
fn endpoint_slice_rules() {
    let es = info("discovery.k8s.io", "EndpointSlice");
    let tcp = json!([{"name": "http", "port": 80, "protocol": "TCP"}]);
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "valid",
            slice(
                "IPv4",
                json!([{"addresses": ["10.1.2.3"], "nodeName": "node-1", "hostname": "pod-0"}]),
                tcp.clone(),
            ),
            vec![],
        ),
        (
            "missing address type",
            slice("", json!([]), tcp.clone()),
            strs(&["addressType: Required value"]),
        ),
        (
            "deprecated address type",
            slice("IP", json!([]), tcp.clone()),
            strs(&[
                r#"addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6""#,
            ]),
        ),
        (
            "IPv6 address in an IPv4 slice",
            slice("IPv4", json!([{"addresses": ["fd00::1"]}]), tcp.clone()),
            strs(&[
                r#"endpoints[0].addresses[0]: Invalid value: "fd00::1": must be an IPv4 address"#,
            ]),
        ),
        (
            "endpoint without addresses",
            slice("IPv4", json!([{"addresses": []}]), tcp.clone()),
            strs(&["endpoints[0].addresses: Required value: must contain at least 1 address"]),
        ),
        (
            "two unnamed ports",
            slice(
                "IPv4",
                json!([]),
                json!([{"name": "", "port": 80, "protocol": "TCP"}, {"name": "", "port": 81, "protocol": "TCP"}]),
            ),
            strs(&[r#"ports[1].name: Duplicate value: """#]),
        ),
        (
            "single-label FQDN",
            slice("FQDN", json!([{"addresses": ["localhost"]}]), tcp.clone()),
            strs(&[
                r#"endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots"#,
            ]),
        ),
        (
            "zone key in deprecated topology",
            slice(
                "IPv4",
                json!([{"addresses": ["10.1.2.3"], "deprecatedTopology": {"topology.kubernetes.io/zone": "a"}}]),
                tcp.clone(),
            ),
            strs(&[
                "endpoints[0].deprecatedTopology[topology.kubernetes.io/zone]: Internal error: reserved key was not removed in conversion",
            ]),
        ),
        (
            "port protocol missing",
            slice("IPv4", json!([]), json!([{"name": "http", "port": 80}])),
            strs(&["ports[0].protocol: Required value"]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(es, &obj)), want, "{what}");
    }
    let old = slice("IPv4", json!([]), tcp.clone());
    let new = slice("IPv6", json!([]), tcp);
    assert_eq!(
        lines(&validate_update(es, &new, &old)),
        strs(&[r#"addressType: Invalid value: "IPv6": field is immutable"#])
    );
}
