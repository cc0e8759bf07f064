//! Schemas of the `k8s.io/api/core/v1` messages under `PodTemplateSpec`: pod spec, containers,
//! probes and security contexts.
//!
//! Not described (skipped and reported when present): `affinity`, `topologySpreadConstraints`,
//! `ephemeralContainers` and `resourceClaims`.

use super::meta::OBJECT_META;
use super::schema::{Message, Ty, inline, map, ptr, ptr_msg, rep, rep_msg, val, val_msg};

/// `PodTemplateSpec`.
pub(crate) static POD_TEMPLATE_SPEC: Message = Message {
    name: "PodTemplateSpec",
    fields: &[
        val_msg(1, "metadata", &OBJECT_META),
        val_msg(2, "spec", &POD_SPEC),
    ],
};

/// `PodSpec`.
pub(crate) static POD_SPEC: Message = Message {
    name: "PodSpec",
    fields: &[
        rep_msg(1, "volumes", &super::volume::VOLUME),
        rep_msg(2, "containers", &CONTAINER),
        val(3, "restartPolicy", Ty::String),
        ptr(4, "terminationGracePeriodSeconds", Ty::Int64),
        ptr(5, "activeDeadlineSeconds", Ty::Int64),
        val(6, "dnsPolicy", Ty::String),
        map(7, "nodeSelector", Ty::String),
        val(8, "serviceAccountName", Ty::String),
        val(9, "serviceAccount", Ty::String),
        val(10, "nodeName", Ty::String),
        val(11, "hostNetwork", Ty::Bool),
        val(12, "hostPID", Ty::Bool),
        val(13, "hostIPC", Ty::Bool),
        ptr_msg(14, "securityContext", &POD_SECURITY_CONTEXT),
        rep_msg(15, "imagePullSecrets", &LOCAL_OBJECT_REFERENCE),
        val(16, "hostname", Ty::String),
        val(17, "subdomain", Ty::String),
        val(19, "schedulerName", Ty::String),
        rep_msg(20, "initContainers", &CONTAINER),
        ptr(21, "automountServiceAccountToken", Ty::Bool),
        rep_msg(22, "tolerations", &TOLERATION),
        rep_msg(23, "hostAliases", &HOST_ALIAS),
        val(24, "priorityClassName", Ty::String),
        ptr(25, "priority", Ty::Int32),
        ptr_msg(26, "dnsConfig", &POD_DNS_CONFIG),
        ptr(27, "shareProcessNamespace", Ty::Bool),
        rep_msg(28, "readinessGates", &POD_READINESS_GATE),
        ptr(29, "runtimeClassName", Ty::String),
        ptr(30, "enableServiceLinks", Ty::Bool),
        ptr(31, "preemptionPolicy", Ty::String),
        map(32, "overhead", Ty::Quantity),
        ptr(35, "setHostnameAsFQDN", Ty::Bool),
        ptr_msg(36, "os", &POD_OS),
        ptr(37, "hostUsers", Ty::Bool),
        rep_msg(38, "schedulingGates", &NAME_ONLY),
        ptr_msg(40, "resources", &RESOURCE_REQUIREMENTS),
    ],
};

/// `Container`.
pub(crate) static CONTAINER: Message = Message {
    name: "Container",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "image", Ty::String),
        rep(3, "command", Ty::String),
        rep(4, "args", Ty::String),
        val(5, "workingDir", Ty::String),
        rep_msg(6, "ports", &CONTAINER_PORT),
        rep_msg(7, "env", &ENV_VAR),
        val_msg(8, "resources", &RESOURCE_REQUIREMENTS),
        rep_msg(9, "volumeMounts", &VOLUME_MOUNT),
        ptr_msg(10, "livenessProbe", &PROBE),
        ptr_msg(11, "readinessProbe", &PROBE),
        ptr_msg(12, "lifecycle", &LIFECYCLE),
        val(13, "terminationMessagePath", Ty::String),
        val(14, "imagePullPolicy", Ty::String),
        ptr_msg(15, "securityContext", &SECURITY_CONTEXT),
        val(16, "stdin", Ty::Bool),
        val(17, "stdinOnce", Ty::Bool),
        val(18, "tty", Ty::Bool),
        rep_msg(19, "envFrom", &ENV_FROM_SOURCE),
        val(20, "terminationMessagePolicy", Ty::String),
        rep_msg(21, "volumeDevices", &VOLUME_DEVICE),
        ptr_msg(22, "startupProbe", &PROBE),
        rep_msg(23, "resizePolicy", &CONTAINER_RESIZE_POLICY),
        ptr(24, "restartPolicy", Ty::String),
    ],
};

/// `ContainerPort`.
pub(crate) static CONTAINER_PORT: Message = Message {
    name: "ContainerPort",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "hostPort", Ty::Int32),
        val(3, "containerPort", Ty::Int32),
        val(4, "protocol", Ty::String),
        val(5, "hostIP", Ty::String),
    ],
};

/// `EnvVar`.
static ENV_VAR: Message = Message {
    name: "EnvVar",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "value", Ty::String),
        ptr_msg(3, "valueFrom", &ENV_VAR_SOURCE),
    ],
};

/// `EnvVarSource`.
static ENV_VAR_SOURCE: Message = Message {
    name: "EnvVarSource",
    fields: &[
        ptr_msg(1, "fieldRef", &OBJECT_FIELD_SELECTOR),
        ptr_msg(2, "resourceFieldRef", &RESOURCE_FIELD_SELECTOR),
        ptr_msg(3, "configMapKeyRef", &KEY_SELECTOR),
        ptr_msg(4, "secretKeyRef", &KEY_SELECTOR),
    ],
};

/// `ObjectFieldSelector`.
static OBJECT_FIELD_SELECTOR: Message = Message {
    name: "ObjectFieldSelector",
    fields: &[
        val(1, "apiVersion", Ty::String),
        val(2, "fieldPath", Ty::String),
    ],
};

/// `ResourceFieldSelector`.
static RESOURCE_FIELD_SELECTOR: Message = Message {
    name: "ResourceFieldSelector",
    fields: &[
        val(1, "containerName", Ty::String),
        val(2, "resource", Ty::String),
        val(3, "divisor", Ty::Quantity),
    ],
};

/// `ConfigMapKeySelector` and `SecretKeySelector` (same fields).
static KEY_SELECTOR: Message = Message {
    name: "KeySelector",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        val(2, "key", Ty::String),
        ptr(3, "optional", Ty::Bool),
    ],
};

/// `EnvFromSource`.
static ENV_FROM_SOURCE: Message = Message {
    name: "EnvFromSource",
    fields: &[
        val(1, "prefix", Ty::String),
        ptr_msg(2, "configMapRef", &ENV_SOURCE),
        ptr_msg(3, "secretRef", &ENV_SOURCE),
    ],
};

/// `ConfigMapEnvSource` and `SecretEnvSource` (same fields).
static ENV_SOURCE: Message = Message {
    name: "EnvSource",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        ptr(2, "optional", Ty::Bool),
    ],
};

/// `LocalObjectReference`.
pub(crate) static LOCAL_OBJECT_REFERENCE: Message = Message {
    name: "LocalObjectReference",
    fields: &[val(1, "name", Ty::String)],
};

/// `ResourceRequirements`.
pub(crate) static RESOURCE_REQUIREMENTS: Message = Message {
    name: "ResourceRequirements",
    fields: &[
        map(1, "limits", Ty::Quantity),
        map(2, "requests", Ty::Quantity),
        rep_msg(3, "claims", &RESOURCE_CLAIM),
    ],
};

/// `ResourceClaim`.
static RESOURCE_CLAIM: Message = Message {
    name: "ResourceClaim",
    fields: &[val(1, "name", Ty::String), val(2, "request", Ty::String)],
};

/// `ContainerResizePolicy`.
static CONTAINER_RESIZE_POLICY: Message = Message {
    name: "ContainerResizePolicy",
    fields: &[
        val(1, "resourceName", Ty::String),
        val(2, "restartPolicy", Ty::String),
    ],
};

/// `VolumeMount`.
static VOLUME_MOUNT: Message = Message {
    name: "VolumeMount",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "readOnly", Ty::Bool),
        val(3, "mountPath", Ty::String),
        val(4, "subPath", Ty::String),
        ptr(5, "mountPropagation", Ty::String),
        val(6, "subPathExpr", Ty::String),
        ptr(7, "recursiveReadOnly", Ty::String),
    ],
};

/// `VolumeDevice`.
static VOLUME_DEVICE: Message = Message {
    name: "VolumeDevice",
    fields: &[val(1, "name", Ty::String), val(2, "devicePath", Ty::String)],
};

/// `Probe`; its handler is a Go embedded struct.
static PROBE: Message = Message {
    name: "Probe",
    fields: &[
        inline(1, &PROBE_HANDLER),
        val(2, "initialDelaySeconds", Ty::Int32),
        val(3, "timeoutSeconds", Ty::Int32),
        val(4, "periodSeconds", Ty::Int32),
        val(5, "successThreshold", Ty::Int32),
        val(6, "failureThreshold", Ty::Int32),
        ptr(7, "terminationGracePeriodSeconds", Ty::Int64),
    ],
};

/// `ProbeHandler`.
static PROBE_HANDLER: Message = Message {
    name: "ProbeHandler",
    fields: &[
        ptr_msg(1, "exec", &EXEC_ACTION),
        ptr_msg(2, "httpGet", &HTTP_GET_ACTION),
        ptr_msg(3, "tcpSocket", &TCP_SOCKET_ACTION),
        ptr_msg(4, "grpc", &GRPC_ACTION),
    ],
};

/// `ExecAction`.
static EXEC_ACTION: Message = Message {
    name: "ExecAction",
    fields: &[rep(1, "command", Ty::String)],
};

/// `HTTPGetAction`.
static HTTP_GET_ACTION: Message = Message {
    name: "HTTPGetAction",
    fields: &[
        val(1, "path", Ty::String),
        val(2, "port", Ty::IntOrString),
        val(3, "host", Ty::String),
        val(4, "scheme", Ty::String),
        rep_msg(5, "httpHeaders", &HTTP_HEADER),
    ],
};

/// `HTTPHeader`.
static HTTP_HEADER: Message = Message {
    name: "HTTPHeader",
    fields: &[val(1, "name", Ty::String), val(2, "value", Ty::String)],
};

/// `TCPSocketAction`.
static TCP_SOCKET_ACTION: Message = Message {
    name: "TCPSocketAction",
    fields: &[val(1, "port", Ty::IntOrString), val(2, "host", Ty::String)],
};

/// `GRPCAction`.
static GRPC_ACTION: Message = Message {
    name: "GRPCAction",
    fields: &[val(1, "port", Ty::Int32), ptr(2, "service", Ty::String)],
};

/// `Lifecycle`.
static LIFECYCLE: Message = Message {
    name: "Lifecycle",
    fields: &[
        ptr_msg(1, "postStart", &LIFECYCLE_HANDLER),
        ptr_msg(2, "preStop", &LIFECYCLE_HANDLER),
        ptr(3, "stopSignal", Ty::String),
    ],
};

/// `LifecycleHandler`.
static LIFECYCLE_HANDLER: Message = Message {
    name: "LifecycleHandler",
    fields: &[
        ptr_msg(1, "exec", &EXEC_ACTION),
        ptr_msg(2, "httpGet", &HTTP_GET_ACTION),
        ptr_msg(3, "tcpSocket", &TCP_SOCKET_ACTION),
        ptr_msg(4, "sleep", &SLEEP_ACTION),
    ],
};

/// `SleepAction`.
static SLEEP_ACTION: Message = Message {
    name: "SleepAction",
    fields: &[val(1, "seconds", Ty::Int64)],
};

/// `SecurityContext`: every field is a pointer.
static SECURITY_CONTEXT: Message = Message {
    name: "SecurityContext",
    fields: &[
        ptr_msg(1, "capabilities", &CAPABILITIES),
        ptr(2, "privileged", Ty::Bool),
        ptr_msg(3, "seLinuxOptions", &SE_LINUX_OPTIONS),
        ptr(4, "runAsUser", Ty::Int64),
        ptr(5, "runAsNonRoot", Ty::Bool),
        ptr(6, "readOnlyRootFilesystem", Ty::Bool),
        ptr(7, "allowPrivilegeEscalation", Ty::Bool),
        ptr(8, "runAsGroup", Ty::Int64),
        ptr(9, "procMount", Ty::String),
        ptr_msg(10, "windowsOptions", &WINDOWS_OPTIONS),
        ptr_msg(11, "seccompProfile", &PROFILE),
        ptr_msg(12, "appArmorProfile", &PROFILE),
    ],
};

/// `Capabilities`.
static CAPABILITIES: Message = Message {
    name: "Capabilities",
    fields: &[rep(1, "add", Ty::String), rep(2, "drop", Ty::String)],
};

/// `SELinuxOptions`.
static SE_LINUX_OPTIONS: Message = Message {
    name: "SELinuxOptions",
    fields: &[
        val(1, "user", Ty::String),
        val(2, "role", Ty::String),
        val(3, "type", Ty::String),
        val(4, "level", Ty::String),
    ],
};

/// `WindowsSecurityContextOptions`.
static WINDOWS_OPTIONS: Message = Message {
    name: "WindowsSecurityContextOptions",
    fields: &[
        ptr(1, "gmsaCredentialSpecName", Ty::String),
        ptr(2, "gmsaCredentialSpec", Ty::String),
        ptr(3, "runAsUserName", Ty::String),
        ptr(4, "hostProcess", Ty::Bool),
    ],
};

/// `SeccompProfile` and `AppArmorProfile` (same fields).
static PROFILE: Message = Message {
    name: "Profile",
    fields: &[
        val(1, "type", Ty::String),
        ptr(2, "localhostProfile", Ty::String),
    ],
};

/// `PodSecurityContext`.
static POD_SECURITY_CONTEXT: Message = Message {
    name: "PodSecurityContext",
    fields: &[
        ptr_msg(1, "seLinuxOptions", &SE_LINUX_OPTIONS),
        ptr(2, "runAsUser", Ty::Int64),
        ptr(3, "runAsNonRoot", Ty::Bool),
        rep(4, "supplementalGroups", Ty::Int64),
        ptr(5, "fsGroup", Ty::Int64),
        ptr(6, "runAsGroup", Ty::Int64),
        rep_msg(7, "sysctls", &SYSCTL),
        ptr_msg(8, "windowsOptions", &WINDOWS_OPTIONS),
        ptr(9, "fsGroupChangePolicy", Ty::String),
        ptr_msg(10, "seccompProfile", &PROFILE),
        ptr_msg(11, "appArmorProfile", &PROFILE),
        ptr(12, "supplementalGroupsPolicy", Ty::String),
        ptr(13, "seLinuxChangePolicy", Ty::String),
    ],
};

/// `Sysctl`.
static SYSCTL: Message = Message {
    name: "Sysctl",
    fields: &[val(1, "name", Ty::String), val(2, "value", Ty::String)],
};

/// `Toleration`.
static TOLERATION: Message = Message {
    name: "Toleration",
    fields: &[
        val(1, "key", Ty::String),
        val(2, "operator", Ty::String),
        val(3, "value", Ty::String),
        val(4, "effect", Ty::String),
        ptr(5, "tolerationSeconds", Ty::Int64),
    ],
};

/// `HostAlias`.
static HOST_ALIAS: Message = Message {
    name: "HostAlias",
    fields: &[val(1, "ip", Ty::String), rep(2, "hostnames", Ty::String)],
};

/// `PodDNSConfig`.
static POD_DNS_CONFIG: Message = Message {
    name: "PodDNSConfig",
    fields: &[
        rep(1, "nameservers", Ty::String),
        rep(2, "searches", Ty::String),
        rep_msg(3, "options", &POD_DNS_CONFIG_OPTION),
    ],
};

/// `PodDNSConfigOption`.
static POD_DNS_CONFIG_OPTION: Message = Message {
    name: "PodDNSConfigOption",
    fields: &[val(1, "name", Ty::String), ptr(2, "value", Ty::String)],
};

/// `PodReadinessGate`.
static POD_READINESS_GATE: Message = Message {
    name: "PodReadinessGate",
    fields: &[val(1, "conditionType", Ty::String)],
};

/// `PodOS`.
static POD_OS: Message = Message {
    name: "PodOS",
    fields: &[val(1, "name", Ty::String)],
};

/// `PodSchedulingGate` (a single `name`).
static NAME_ONLY: Message = Message {
    name: "PodSchedulingGate",
    fields: &[val(1, "name", Ty::String)],
};
