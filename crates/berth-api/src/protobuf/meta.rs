//! Schemas of `k8s.io/apimachinery/pkg/apis/meta/v1` messages.

use super::schema::{Message, Ty, map, ptr, rep, rep_msg, val};

/// `ObjectMeta`. `creationTimestamp` is a non-pointer Time, `deletionTimestamp` a pointer one;
/// both read an epoch as unset.
pub(crate) static OBJECT_META: Message = Message {
    name: "ObjectMeta",
    fields: &[
        val(1, "name", Ty::String),
        val(2, "generateName", Ty::String),
        val(3, "namespace", Ty::String),
        val(4, "selfLink", Ty::String),
        val(5, "uid", Ty::String),
        val(6, "resourceVersion", Ty::String),
        val(7, "generation", Ty::Int64),
        val(8, "creationTimestamp", Ty::Time),
        ptr(9, "deletionTimestamp", Ty::Time),
        ptr(10, "deletionGracePeriodSeconds", Ty::Int64),
        map(11, "labels", Ty::String),
        map(12, "annotations", Ty::String),
        rep_msg(13, "ownerReferences", &OWNER_REFERENCE),
        rep(14, "finalizers", Ty::String),
        rep_msg(17, "managedFields", &MANAGED_FIELDS_ENTRY),
    ],
};

/// `OwnerReference`.
pub(crate) static OWNER_REFERENCE: Message = Message {
    name: "OwnerReference",
    fields: &[
        val(1, "kind", Ty::String),
        val(3, "name", Ty::String),
        val(4, "uid", Ty::String),
        val(5, "apiVersion", Ty::String),
        ptr(6, "controller", Ty::Bool),
        ptr(7, "blockOwnerDeletion", Ty::Bool),
    ],
};

/// `ManagedFieldsEntry`.
pub(crate) static MANAGED_FIELDS_ENTRY: Message = Message {
    name: "ManagedFieldsEntry",
    fields: &[
        val(1, "manager", Ty::String),
        val(2, "operation", Ty::String),
        val(3, "apiVersion", Ty::String),
        ptr(4, "time", Ty::Time),
        val(6, "fieldsType", Ty::String),
        ptr(7, "fieldsV1", Ty::FieldsV1),
        val(8, "subresource", Ty::String),
    ],
};

/// `LabelSelector`.
pub(crate) static LABEL_SELECTOR: Message = Message {
    name: "LabelSelector",
    fields: &[
        map(1, "matchLabels", Ty::String),
        rep_msg(2, "matchExpressions", &LABEL_SELECTOR_REQUIREMENT),
    ],
};

/// `LabelSelectorRequirement`.
pub(crate) static LABEL_SELECTOR_REQUIREMENT: Message = Message {
    name: "LabelSelectorRequirement",
    fields: &[
        val(1, "key", Ty::String),
        val(2, "operator", Ty::String),
        rep(3, "values", Ty::String),
    ],
};

/// `FieldSelectorRequirement`.
pub(crate) static FIELD_SELECTOR_REQUIREMENT: Message = Message {
    name: "FieldSelectorRequirement",
    fields: &[
        val(1, "key", Ty::String),
        val(2, "operator", Ty::String),
        rep(3, "values", Ty::String),
    ],
};

/// `Condition`.
pub(crate) static CONDITION: Message = Message {
    name: "Condition",
    fields: &[
        val(1, "type", Ty::String),
        val(2, "status", Ty::String),
        val(3, "observedGeneration", Ty::Int64),
        val(4, "lastTransitionTime", Ty::Time),
        val(5, "reason", Ty::String),
        val(6, "message", Ty::String),
    ],
};
