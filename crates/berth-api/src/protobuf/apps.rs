//! Schemas of the `k8s.io/api/apps/v1` kinds: Deployment.

use super::meta::{LABEL_SELECTOR, OBJECT_META};
use super::pod::POD_TEMPLATE_SPEC;
use super::schema::{Message, Ty, always, ptr, ptr_msg, rep_msg, val, val_msg};

/// `Deployment`.
pub(crate) static DEPLOYMENT: Message = Message {
    name: "Deployment",
    fields: &[
        always(1, "metadata", Ty::Message(&OBJECT_META)),
        val_msg(2, "spec", &DEPLOYMENT_SPEC),
        val_msg(3, "status", &DEPLOYMENT_STATUS),
    ],
};

/// `DeploymentSpec`. `replicas` is a pointer: an explicit 0 is kept.
static DEPLOYMENT_SPEC: Message = Message {
    name: "DeploymentSpec",
    fields: &[
        ptr(1, "replicas", Ty::Int32),
        ptr_msg(2, "selector", &LABEL_SELECTOR),
        val_msg(3, "template", &POD_TEMPLATE_SPEC),
        val_msg(4, "strategy", &DEPLOYMENT_STRATEGY),
        val(5, "minReadySeconds", Ty::Int32),
        ptr(6, "revisionHistoryLimit", Ty::Int32),
        val(7, "paused", Ty::Bool),
        ptr(9, "progressDeadlineSeconds", Ty::Int32),
    ],
};

/// `DeploymentStrategy`.
static DEPLOYMENT_STRATEGY: Message = Message {
    name: "DeploymentStrategy",
    fields: &[
        val(1, "type", Ty::String),
        ptr_msg(2, "rollingUpdate", &ROLLING_UPDATE_DEPLOYMENT),
    ],
};

/// `RollingUpdateDeployment`: pointers, so `maxSurge: 0` survives.
static ROLLING_UPDATE_DEPLOYMENT: Message = Message {
    name: "RollingUpdateDeployment",
    fields: &[
        ptr(1, "maxUnavailable", Ty::IntOrString),
        ptr(2, "maxSurge", Ty::IntOrString),
    ],
};

/// `DeploymentStatus`.
static DEPLOYMENT_STATUS: Message = Message {
    name: "DeploymentStatus",
    fields: &[
        val(1, "observedGeneration", Ty::Int64),
        val(2, "replicas", Ty::Int32),
        val(3, "updatedReplicas", Ty::Int32),
        val(4, "availableReplicas", Ty::Int32),
        val(5, "unavailableReplicas", Ty::Int32),
        rep_msg(6, "conditions", &DEPLOYMENT_CONDITION),
        val(7, "readyReplicas", Ty::Int32),
        ptr(8, "collisionCount", Ty::Int32),
        ptr(9, "terminatingReplicas", Ty::Int32),
    ],
};

/// `DeploymentCondition`.
static DEPLOYMENT_CONDITION: Message = Message {
    name: "DeploymentCondition",
    fields: &[
        val(1, "type", Ty::String),
        val(2, "status", Ty::String),
        val(4, "reason", Ty::String),
        val(5, "message", Ty::String),
        val(6, "lastUpdateTime", Ty::Time),
        val(7, "lastTransitionTime", Ty::Time),
    ],
};
