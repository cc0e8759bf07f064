//! Schemas of the review kinds: `authorization.k8s.io/v1` SelfSubjectAccessReview and
//! `authentication.k8s.io/v1` SelfSubjectReview.

use super::meta::{FIELD_SELECTOR_REQUIREMENT, LABEL_SELECTOR_REQUIREMENT, OBJECT_META};
use super::schema::{Message, Ty, always, map, ptr_msg, rep, rep_msg, val, val_msg};

/// `SelfSubjectAccessReview`. Its `spec` is required and always present in JSON.
pub(crate) static SELF_SUBJECT_ACCESS_REVIEW: Message = Message {
    name: "SelfSubjectAccessReview",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        always(2, "spec", Ty::Message(&SELF_SUBJECT_ACCESS_REVIEW_SPEC)),
        val_msg(3, "status", &SUBJECT_ACCESS_REVIEW_STATUS),
    ],
};

/// `SelfSubjectAccessReviewSpec`.
static SELF_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message {
    name: "SelfSubjectAccessReviewSpec",
    fields: &[
        ptr_msg(1, "resourceAttributes", &RESOURCE_ATTRIBUTES),
        ptr_msg(2, "nonResourceAttributes", &NON_RESOURCE_ATTRIBUTES),
    ],
};

/// `ResourceAttributes`.
static RESOURCE_ATTRIBUTES: Message = Message {
    name: "ResourceAttributes",
    fields: &[
        val(1, "namespace", Ty::String),
        val(2, "verb", Ty::String),
        val(3, "group", Ty::String),
        val(4, "version", Ty::String),
        val(5, "resource", Ty::String),
        val(6, "subresource", Ty::String),
        val(7, "name", Ty::String),
        ptr_msg(8, "fieldSelector", &FIELD_SELECTOR_ATTRIBUTES),
        ptr_msg(9, "labelSelector", &LABEL_SELECTOR_ATTRIBUTES),
    ],
};

/// `FieldSelectorAttributes`.
static FIELD_SELECTOR_ATTRIBUTES: Message = Message {
    name: "FieldSelectorAttributes",
    fields: &[
        val(1, "rawSelector", Ty::String),
        rep_msg(2, "requirements", &FIELD_SELECTOR_REQUIREMENT),
    ],
};

/// `LabelSelectorAttributes`.
static LABEL_SELECTOR_ATTRIBUTES: Message = Message {
    name: "LabelSelectorAttributes",
    fields: &[
        val(1, "rawSelector", Ty::String),
        rep_msg(2, "requirements", &LABEL_SELECTOR_REQUIREMENT),
    ],
};

/// `NonResourceAttributes`.
static NON_RESOURCE_ATTRIBUTES: Message = Message {
    name: "NonResourceAttributes",
    fields: &[val(1, "path", Ty::String), val(2, "verb", Ty::String)],
};

/// `SubjectAccessReviewStatus`.
static SUBJECT_ACCESS_REVIEW_STATUS: Message = Message {
    name: "SubjectAccessReviewStatus",
    fields: &[
        val(1, "allowed", Ty::Bool),
        val(2, "reason", Ty::String),
        val(3, "evaluationError", Ty::String),
        val(4, "denied", Ty::Bool),
    ],
};

/// `SelfSubjectReview`.
pub(crate) static SELF_SUBJECT_REVIEW: Message = Message {
    name: "SelfSubjectReview",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        val_msg(2, "status", &SELF_SUBJECT_REVIEW_STATUS),
    ],
};

/// `SelfSubjectReviewStatus`.
static SELF_SUBJECT_REVIEW_STATUS: Message = Message {
    name: "SelfSubjectReviewStatus",
    fields: &[val_msg(1, "userInfo", &USER_INFO)],
};

/// `UserInfo`; `extra` values are `ExtraValue` string lists.
static USER_INFO: Message = Message {
    name: "UserInfo",
    fields: &[
        val(1, "username", Ty::String),
        val(2, "uid", Ty::String),
        rep(3, "groups", Ty::String),
        map(4, "extra", Ty::StringList),
    ],
};
