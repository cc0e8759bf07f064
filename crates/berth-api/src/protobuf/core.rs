//! Schemas of the `k8s.io/api/core/v1` kinds other than pods: ConfigMap, Secret, Namespace,
//! ServiceAccount and Service.

use super::meta::{CONDITION, OBJECT_META};
use super::pod::LOCAL_OBJECT_REFERENCE;
use super::schema::{Message, Ty, always, map, ptr, ptr_msg, rep, rep_msg, val, val_msg};

/// `ConfigMap`.
pub(crate) static CONFIG_MAP: Message = Message {
    name: "ConfigMap",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        map(2, "data", Ty::String),
        map(3, "binaryData", Ty::Bytes),
        ptr(4, "immutable", Ty::Bool),
    ],
};

/// `Secret`.
pub(crate) static SECRET: Message = Message {
    name: "Secret",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        map(2, "data", Ty::Bytes),
        val(3, "type", Ty::String),
        map(4, "stringData", Ty::String),
        ptr(5, "immutable", Ty::Bool),
    ],
};

/// `Namespace`.
pub(crate) static NAMESPACE: Message = Message {
    name: "Namespace",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        val_msg(2, "spec", &NAMESPACE_SPEC),
        val_msg(3, "status", &NAMESPACE_STATUS),
    ],
};

/// `NamespaceSpec`.
static NAMESPACE_SPEC: Message = Message {
    name: "NamespaceSpec",
    fields: &[rep(1, "finalizers", Ty::String)],
};

/// `NamespaceStatus`.
static NAMESPACE_STATUS: Message = Message {
    name: "NamespaceStatus",
    fields: &[
        val(1, "phase", Ty::String),
        rep_msg(2, "conditions", &NAMESPACE_CONDITION),
    ],
};

/// `NamespaceCondition`.
static NAMESPACE_CONDITION: Message = Message {
    name: "NamespaceCondition",
    fields: &[
        val(1, "type", Ty::String),
        val(2, "status", Ty::String),
        val(4, "lastTransitionTime", Ty::Time),
        val(5, "reason", Ty::String),
        val(6, "message", Ty::String),
    ],
};

/// `ServiceAccount`.
pub(crate) static SERVICE_ACCOUNT: Message = Message {
    name: "ServiceAccount",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        rep_msg(2, "secrets", &OBJECT_REFERENCE),
        rep_msg(3, "imagePullSecrets", &LOCAL_OBJECT_REFERENCE),
        ptr(4, "automountServiceAccountToken", Ty::Bool),
    ],
};

/// `ObjectReference`.
static OBJECT_REFERENCE: Message = Message {
    name: "ObjectReference",
    fields: &[
        val(1, "kind", Ty::String),
        val(2, "namespace", Ty::String),
        val(3, "name", Ty::String),
        val(4, "uid", Ty::String),
        val(5, "apiVersion", Ty::String),
        val(6, "resourceVersion", Ty::String),
        val(7, "fieldPath", Ty::String),
    ],
};

/// `Service`.
pub(crate) static SERVICE: Message = Message {
    name: "Service",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        val_msg(2, "spec", &SERVICE_SPEC),
        val_msg(3, "status", &SERVICE_STATUS),
    ],
};

/// `ServiceSpec`.
static SERVICE_SPEC: Message = Message {
    name: "ServiceSpec",
    fields: &[
        rep_msg(1, "ports", &SERVICE_PORT),
        map(2, "selector", Ty::String),
        val(3, "clusterIP", Ty::String),
        val(4, "type", Ty::String),
        rep(5, "externalIPs", Ty::String),
        val(7, "sessionAffinity", Ty::String),
        val(8, "loadBalancerIP", Ty::String),
        rep(9, "loadBalancerSourceRanges", Ty::String),
        val(10, "externalName", Ty::String),
        val(11, "externalTrafficPolicy", Ty::String),
        val(12, "healthCheckNodePort", Ty::Int32),
        val(13, "publishNotReadyAddresses", Ty::Bool),
        ptr_msg(14, "sessionAffinityConfig", &SESSION_AFFINITY_CONFIG),
        ptr(17, "ipFamilyPolicy", Ty::String),
        rep(18, "clusterIPs", Ty::String),
        rep(19, "ipFamilies", Ty::String),
        ptr(20, "allocateLoadBalancerNodePorts", Ty::Bool),
        ptr(21, "loadBalancerClass", Ty::String),
        ptr(22, "internalTrafficPolicy", Ty::String),
        ptr(23, "trafficDistribution", Ty::String),
    ],
};

/// `ServicePort`. `targetPort` is a non-pointer IntOrString: 0 means "same as port".
static SERVICE_PORT: Message = Message {
    name: "ServicePort",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "protocol", Ty::String),
        val(3, "port", Ty::Int32),
        val(4, "targetPort", Ty::IntOrString),
        val(5, "nodePort", Ty::Int32),
        ptr(6, "appProtocol", Ty::String),
    ],
};

/// `SessionAffinityConfig`.
static SESSION_AFFINITY_CONFIG: Message = Message {
    name: "SessionAffinityConfig",
    fields: &[ptr_msg(1, "clientIP", &CLIENT_IP_CONFIG)],
};

/// `ClientIPConfig`.
static CLIENT_IP_CONFIG: Message = Message {
    name: "ClientIPConfig",
    fields: &[ptr(1, "timeoutSeconds", Ty::Int32)],
};

/// `ServiceStatus`.
static SERVICE_STATUS: Message = Message {
    name: "ServiceStatus",
    fields: &[
        val_msg(1, "loadBalancer", &LOAD_BALANCER_STATUS),
        rep_msg(2, "conditions", &CONDITION),
    ],
};

/// `LoadBalancerStatus`.
static LOAD_BALANCER_STATUS: Message = Message {
    name: "LoadBalancerStatus",
    fields: &[rep_msg(1, "ingress", &LOAD_BALANCER_INGRESS)],
};

/// `LoadBalancerIngress`.
static LOAD_BALANCER_INGRESS: Message = Message {
    name: "LoadBalancerIngress",
    fields: &[
        val(1, "ip", Ty::String),
        val(2, "hostname", Ty::String),
        ptr(3, "ipMode", Ty::String),
        rep_msg(4, "ports", &PORT_STATUS),
    ],
};

/// `PortStatus`.
static PORT_STATUS: Message = Message {
    name: "PortStatus",
    fields: &[
        val(1, "port", Ty::Int32),
        val(2, "protocol", Ty::String),
        ptr(3, "error", Ty::String),
    ],
};
