//! Schemas of `k8s.io/api/core/v1` pod volumes. Only the common sources are described
//! (hostPath, emptyDir, secret, persistentVolumeClaim, configMap); others are skipped and
//! reported.

use super::pod::LOCAL_OBJECT_REFERENCE;
use super::schema::{Message, Ty, inline, ptr, ptr_msg, rep_msg, val};

/// `Volume`; its source is a Go embedded struct.
pub(crate) static VOLUME: Message = Message {
    name: "Volume",
    fields: &[val(1, "name", Ty::String), inline(2, &VOLUME_SOURCE)],
};

/// `VolumeSource`, the common sources only.
static VOLUME_SOURCE: Message = Message {
    name: "VolumeSource",
    fields: &[
        ptr_msg(1, "hostPath", &HOST_PATH_VOLUME_SOURCE),
        ptr_msg(2, "emptyDir", &EMPTY_DIR_VOLUME_SOURCE),
        ptr_msg(6, "secret", &SECRET_VOLUME_SOURCE),
        ptr_msg(10, "persistentVolumeClaim", &PVC_VOLUME_SOURCE),
        ptr_msg(19, "configMap", &CONFIG_MAP_VOLUME_SOURCE),
    ],
};

/// `HostPathVolumeSource`.
static HOST_PATH_VOLUME_SOURCE: Message = Message {
    name: "HostPathVolumeSource",
    fields: &[val(1, "path", Ty::String), ptr(2, "type", Ty::String)],
};

/// `EmptyDirVolumeSource`.
static EMPTY_DIR_VOLUME_SOURCE: Message = Message {
    name: "EmptyDirVolumeSource",
    fields: &[
        val(1, "medium", Ty::String),
        ptr(2, "sizeLimit", Ty::Quantity),
    ],
};

/// `SecretVolumeSource`.
static SECRET_VOLUME_SOURCE: Message = Message {
    name: "SecretVolumeSource",
    fields: &[
        val(1, "secretName", Ty::String),
        rep_msg(2, "items", &KEY_TO_PATH),
        ptr(3, "defaultMode", Ty::Int32),
        ptr(4, "optional", Ty::Bool),
    ],
};

/// `ConfigMapVolumeSource`.
static CONFIG_MAP_VOLUME_SOURCE: Message = Message {
    name: "ConfigMapVolumeSource",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        rep_msg(2, "items", &KEY_TO_PATH),
        ptr(3, "defaultMode", Ty::Int32),
        ptr(4, "optional", Ty::Bool),
    ],
};

/// `KeyToPath`.
static KEY_TO_PATH: Message = Message {
    name: "KeyToPath",
    fields: &[
        val(1, "key", Ty::String),
        val(2, "path", Ty::String),
        ptr(3, "mode", Ty::Int32),
    ],
};

/// `PersistentVolumeClaimVolumeSource`.
static PVC_VOLUME_SOURCE: Message = Message {
    name: "PersistentVolumeClaimVolumeSource",
    fields: &[
        val(1, "claimName", Ty::String),
        val(2, "readOnly", Ty::Bool),
    ],
};
