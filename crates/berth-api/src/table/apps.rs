//! apps/v1 printers: StatefulSet, ControllerRevision, Deployment, ReplicaSet.

use jiff::Timestamp;
use serde_json::Value;

use super::{
    AGE, CONTAINERS, Column, IMAGES, NAME, age, col, container_cells, desc, get, int, list, name,
    text, wide,
};
use crate::selector::Selector;

pub(super) const STATEFULSET: &[Column] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    AGE,
    CONTAINERS,
    IMAGES,
];

pub(super) const CONTROLLERREVISION: &[Column] = &[
    NAME,
    col("Controller", "string", "Controller of the object"),
    col("Revision", "string", desc::CR_REVISION),
    AGE,
];

pub(super) const DEPLOYMENT: &[Column] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", desc::DEPLOY_UPDATED),
    col("Available", "string", desc::DEPLOY_AVAILABLE),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "string", desc::DEPLOY_SELECTOR),
];

pub(super) const REPLICASET: &[Column] = &[
    NAME,
    col("Desired", "integer", desc::RS_DESIRED),
    col("Current", "integer", desc::RS_CURRENT),
    col("Ready", "integer", desc::RS_READY),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "string", desc::RS_SELECTOR),
];

/// `<ready>/<spec.replicas>`.
fn ready_of_desired(obj: &Value) -> Value {
    Value::from(format!(
        "{}/{}",
        int(obj, &["status", "readyReplicas"]),
        int(obj, &["spec", "replicas"])
    ))
}

fn selector(obj: &Value) -> Result<Selector, ()> {
    let raw = get(obj, &["spec", "selector"]).unwrap_or(&Value::Null);
    Selector::from_label_selector(raw).map_err(|_| ())
}

pub(super) fn statefulset(obj: &Value, now: Timestamp) -> Vec<Value> {
    let [containers, images] = container_cells(obj);
    vec![
        name(obj),
        ready_of_desired(obj),
        age(obj, now),
        containers,
        images,
    ]
}

pub(super) fn deployment(obj: &Value, now: Timestamp) -> Vec<Value> {
    let [containers, images] = container_cells(obj);
    let selector = selector(obj).map_or_else(|()| "<invalid>".to_owned(), |s| s.to_string());
    vec![
        name(obj),
        ready_of_desired(obj),
        Value::from(int(obj, &["status", "updatedReplicas"])),
        Value::from(int(obj, &["status", "availableReplicas"])),
        age(obj, now),
        containers,
        images,
        Value::from(selector),
    ]
}

pub(super) fn replicaset(obj: &Value, now: Timestamp) -> Vec<Value> {
    let [containers, images] = container_cells(obj);
    let selector = match selector(obj) {
        Err(()) => "<error>".to_owned(),
        Ok(s) if s.to_string().is_empty() => "<none>".to_owned(),
        Ok(s) => s.to_string(),
    };
    vec![
        name(obj),
        Value::from(int(obj, &["spec", "replicas"])),
        Value::from(int(obj, &["status", "replicas"])),
        Value::from(int(obj, &["status", "readyReplicas"])),
        age(obj, now),
        containers,
        images,
        Value::from(selector),
    ]
}

/// `lower(<Kind>.<group>)/<name>` of the controlling owner, or `<none>`.
fn controller(obj: &Value) -> String {
    let Some(owner) = list(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|o| get(o, &["controller"]).and_then(Value::as_bool) == Some(true))
    else {
        return "<none>".to_owned();
    };
    let api_version = text(owner, &["apiVersion"]);
    // `v1` has no group; `apps/v1` has group `apps`.
    let group = api_version.split_once('/').map_or("", |(group, _)| group);
    let kind = text(owner, &["kind"]);
    let owner_name = text(owner, &["name"]);
    match (kind, group) {
        ("", "") => owner_name.to_owned(),
        (kind, "") => format!("{}/{owner_name}", kind.to_lowercase()),
        (kind, group) => format!("{}/{owner_name}", format!("{kind}.{group}").to_lowercase()),
    }
}

pub(super) fn controllerrevision(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(controller(obj)),
        Value::from(int(obj, &["revision"])),
        age(obj, now),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    fn template() -> Value {
        json!({"metadata": {"labels": {"app": "db"}},
               "spec": {"containers": [{"name": "pg", "image": "postgres:17"}, {"name": "exporter", "image": "pg-exporter:1"}]}})
    }

    #[test]
    fn statefulsets() {
        let sts = json!({
            "metadata": {"name": "web", "creationTimestamp": "2026-11-24T11:57:40Z"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "db"}}, "template": template()},
            "status": {"replicas": 3, "readyReplicas": 2}
        });
        assert_eq!(
            statefulset(&sts, now()),
            vec![
                json!("web"),
                json!("2/3"),
                json!("2m20s"),
                json!("pg,exporter"),
                json!("postgres:17,pg-exporter:1")
            ]
        );
        let fresh = json!({"metadata": {"name": "db"}, "spec": {"replicas": 1}, "status": {}});
        assert_eq!(statefulset(&fresh, now())[1], json!("0/1"));
    }

    #[test]
    fn deployments() {
        let d = json!({
            "metadata": {"name": "api", "creationTimestamp": "2026-11-23T12:00:00Z"},
            "spec": {"replicas": 3, "template": template(),
                     "selector": {"matchLabels": {"app": "db"},
                                  "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["b", "a"]}]}},
            "status": {"readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 2}
        });
        assert_eq!(
            deployment(&d, now()),
            vec![
                json!("api"),
                json!("3/3"),
                json!(3),
                json!(2),
                json!("24h"),
                json!("pg,exporter"),
                json!("postgres:17,pg-exporter:1"),
                json!("app=db,tier notin (a,b)")
            ]
        );
        let bad = json!({"metadata": {"name": "x"}, "spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}}});
        assert_eq!(deployment(&bad, now())[7], json!("<invalid>"));
        let none = json!({"metadata": {"name": "x"}, "spec": {}});
        assert_eq!(deployment(&none, now())[7], json!(""));
        assert_eq!(deployment(&none, now())[1], json!("0/0"));
    }

    #[test]
    fn replicasets() {
        let rs = json!({
            "metadata": {"name": "api-5d4f", "creationTimestamp": "2026-11-24T04:00:00Z"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "db", "pod-template-hash": "5d4f"}}, "template": template()},
            "status": {"replicas": 2, "readyReplicas": 1}
        });
        assert_eq!(
            replicaset(&rs, now()),
            vec![
                json!("api-5d4f"),
                json!(2),
                json!(2),
                json!(1),
                json!("8h"),
                json!("pg,exporter"),
                json!("postgres:17,pg-exporter:1"),
                json!("app=db,pod-template-hash=5d4f")
            ]
        );
        let none = json!({"metadata": {"name": "x"}, "spec": {}});
        assert_eq!(replicaset(&none, now())[7], json!("<none>"));
        let empty = json!({"metadata": {"name": "x"}, "spec": {"selector": {}}});
        assert_eq!(replicaset(&empty, now())[7], json!("<none>"));
        let bad =
            json!({"metadata": {"name": "x"}, "spec": {"selector": {"matchLabels": {"a": "b c"}}}});
        assert_eq!(replicaset(&bad, now())[7], json!("<error>"));
    }

    #[test]
    fn controller_revisions() {
        let cr = json!({
            "metadata": {"name": "web-7d8f9c", "creationTimestamp": "2026-11-24T11:00:00Z",
                         "ownerReferences": [
                             {"apiVersion": "v1", "kind": "Pod", "name": "other", "uid": "1"},
                             {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "2", "controller": true}]},
            "revision": 2
        });
        assert_eq!(
            controllerrevision(&cr, now()),
            vec![
                json!("web-7d8f9c"),
                json!("statefulset.apps/web"),
                json!(2),
                json!("60m")
            ]
        );
        let orphan = json!({"metadata": {"name": "x"}, "revision": 1});
        assert_eq!(controllerrevision(&orphan, now())[1], json!("<none>"));
        let core = json!({"metadata": {"name": "x", "ownerReferences": [
            {"apiVersion": "v1", "kind": "ReplicationController", "name": "rc", "controller": true}]}});
        assert_eq!(
            controllerrevision(&core, now())[1],
            json!("replicationcontroller/rc")
        );
    }
}
