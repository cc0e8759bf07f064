//! The Pod printer: READY, STATUS (init containers, sidecars, `Terminating`, …) and RESTARTS.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{AGE, Column, NAME, age, age_of, col, desc, get, int, list, name, text, time, wide};
use crate::fields::pod_ip;

pub(super) const COLUMNS: &[Column] = &[
    NAME,
    col(
        "Ready",
        "string",
        "The aggregate readiness state of this pod for accepting traffic.",
    ),
    col(
        "Status",
        "string",
        "The aggregate status of the containers in this pod.",
    ),
    col(
        "Restarts",
        "string",
        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE,
    wide("IP", "string", desc::POD_IP),
    wide("Node", "string", desc::POD_NODE),
    wide("Nominated Node", "string", desc::POD_NOMINATED),
    wide("Readiness Gates", "string", desc::POD_GATES),
];

/// `Completed` row conditions for finished pods.
pub(super) fn conditions(pod: &Value) -> Vec<Value> {
    let (reason, message) = match text(pod, &["status", "phase"]) {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return Vec::new(),
    };
    vec![json!({"type": "Completed", "status": "True", "reason": reason, "message": message})]
}

fn has_condition(pod: &Value, kind: &str, reason: Option<&str>) -> bool {
    list(pod, &["status", "conditions"]).iter().any(|c| {
        text(c, &["type"]) == kind
            && match reason {
                Some(r) => text(c, &["reason"]) == r,
                None => text(c, &["status"]) == "True",
            }
    })
}

/// Upstream looks at the first `Initialized` condition only.
fn initialized(pod: &Value) -> bool {
    list(pod, &["status", "conditions"])
        .iter()
        .find(|c| text(c, &["type"]) == "Initialized")
        .is_some_and(|c| text(c, &["status"]) == "True")
}

fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `Init:<reason>` / `Signal:<n>` / `ExitCode:<n>` for a terminated state with no reason.
fn terminated_text(terminated: &Value, prefix: &str) -> String {
    let reason = text(terminated, &["reason"]);
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    let signal = int(terminated, &["signal"]);
    if signal != 0 {
        format!("{prefix}Signal:{signal}")
    } else {
        format!("{prefix}ExitCode:{}", int(terminated, &["exitCode"]))
    }
}

/// The Pod row: name, ready, status, restarts, age, IP, node, nominated node, readiness gates.
pub(super) fn cells(pod: &Value, now: Timestamp) -> Vec<Value> {
    let phase = text(pod, &["status", "phase"]);
    let status_reason = text(pod, &["status", "reason"]);
    let mut reason = if status_reason.is_empty() {
        phase.to_owned()
    } else {
        status_reason.to_owned()
    };
    if has_condition(pod, "PodScheduled", Some("SchedulingGated")) {
        reason = "SchedulingGated".to_owned();
    }

    let init_specs = list(pod, &["spec", "initContainers"]);
    // A sidecar is an init container with restartPolicy Always; the last spec of a name wins.
    let is_sidecar = |name: &str| {
        init_specs
            .iter()
            .rev()
            .find(|c| text(c, &["name"]) == name)
            .is_some_and(|c| text(c, &["restartPolicy"]) == "Always")
    };
    let sidecars = init_specs
        .iter()
        .filter(|c| text(c, &["restartPolicy"]) == "Always")
        .count();
    let total = list(pod, &["spec", "containers"]).len() + sidecars;

    let mut ready = 0usize;
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    let mut last_restart: Option<Timestamp> = None;
    let mut sidecar_last_restart: Option<Timestamp> = None;
    let mut initializing = false;
    for (i, status) in list(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let count = int(status, &["restartCount"]);
        let finished = time(status, &["lastState", "terminated", "finishedAt"]);
        restarts += count;
        last_restart = later(last_restart, finished);
        let sidecar = is_sidecar(text(status, &["name"]));
        if sidecar {
            sidecar_restarts += count;
            sidecar_last_restart = later(sidecar_last_restart, finished);
        }
        let terminated = get(status, &["state", "terminated"]);
        let waiting_reason = text(status, &["state", "waiting", "reason"]);
        if terminated.is_some_and(|t| int(t, &["exitCode"]) == 0) {
            continue;
        }
        if sidecar && get(status, &["started"]).and_then(Value::as_bool) == Some(true) {
            if get(status, &["ready"]).and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            terminated_text(t, "Init:")
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || initialized(pod) {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for status in list(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int(status, &["restartCount"]);
            last_restart = later(
                last_restart,
                time(status, &["lastState", "terminated", "finishedAt"]),
            );
            let waiting_reason = text(status, &["state", "waiting", "reason"]);
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_owned();
            } else if let Some(t) = get(status, &["state", "terminated"]) {
                reason = terminated_text(t, "");
            } else if get(status, &["ready"]).and_then(Value::as_bool) == Some(true)
                && get(status, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_condition(pod, "Ready", None) {
                "Running".to_owned()
            } else {
                "NotReady".to_owned()
            };
        }
    }

    let deleting = get(pod, &["metadata", "deletionTimestamp"]).is_some();
    if deleting && status_reason == "NodeLost" {
        reason = "Unknown".to_owned();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_owned();
    }

    let restarts_text = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", age_of(Some(t), now)),
        _ => restarts.to_string(),
    };

    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_owned()
        } else {
            s.to_owned()
        }
    };
    let gates = list(pod, &["spec", "readinessGates"]);
    let readiness = if gates.is_empty() {
        "<none>".to_owned()
    } else {
        let conditions = list(pod, &["status", "conditions"]);
        let passing = gates
            .iter()
            .filter(|g| {
                let kind = text(g, &["conditionType"]);
                conditions
                    .iter()
                    .find(|c| text(c, &["type"]) == kind)
                    .is_some_and(|c| text(c, &["status"]) == "True")
            })
            .count();
        format!("{passing}/{}", gates.len())
    };

    vec![
        name(pod),
        Value::from(format!("{ready}/{total}")),
        Value::from(reason),
        Value::from(restarts_text),
        age(pod, now),
        Value::from(or_none(pod_ip(pod))),
        Value::from(or_none(text(pod, &["spec", "nodeName"]))),
        Value::from(or_none(text(pod, &["status", "nominatedNodeName"]))),
        Value::from(readiness),
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

    fn pod(spec: &Value, status: &Value) -> Value {
        json!({
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2026-11-24T11:55:00Z"},
            "spec": spec,
            "status": status,
        })
    }

    fn one_container() -> Value {
        json!({"containers": [{"name": "app", "image": "nginx"}]})
    }

    /// (ready, status, restarts) of the row.
    fn summary(p: &Value) -> (String, String, String) {
        let c = cells(p, now());
        let s = |i: usize| c[i].as_str().unwrap().to_owned();
        (s(1), s(2), s(3))
    }

    fn check(p: &Value, ready: &str, status: &str, restarts: &str) {
        assert_eq!(
            summary(p),
            (ready.to_owned(), status.to_owned(), restarts.to_owned())
        );
    }

    #[test]
    fn pending_unscheduled() {
        let p = pod(&one_container(), &json!({"phase": "Pending"}));
        let c = cells(&p, now());
        assert_eq!(
            c,
            vec![
                json!("web"),
                json!("0/1"),
                json!("Pending"),
                json!("0"),
                json!("5m"),
                json!("<none>"),
                json!("<none>"),
                json!("<none>"),
                json!("<none>")
            ]
        );
        assert!(conditions(&p).is_empty());
    }

    #[test]
    fn running_ready() {
        let p = pod(
            &json!({"nodeName": "node-1", "containers": [{"name": "app"}]}),
            &json!({"phase": "Running", "podIP": "10.244.0.5", "podIPs": [{"ip": "10.244.0.5"}],
                   "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0,
                                          "state": {"running": {"startedAt": "2026-11-24T11:56:00Z"}}}]}),
        );
        let c = cells(&p, now());
        assert_eq!(c[1], json!("1/1"));
        assert_eq!(c[2], json!("Running"));
        assert_eq!(c[5], json!("10.244.0.5"));
        assert_eq!(c[6], json!("node-1"));
    }

    #[test]
    fn container_waiting_reasons() {
        for reason in [
            "ContainerCreating",
            "CrashLoopBackOff",
            "ImagePullBackOff",
            "ErrImagePull",
        ] {
            let p = pod(
                &one_container(),
                &json!({"phase": "Pending", "containerStatuses": [
                    {"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": reason}}}]}),
            );
            check(&p, "0/1", reason, "0");
        }
    }

    #[test]
    fn restarts_with_last_restart_age() {
        let p = pod(
            &one_container(),
            &json!({"phase": "Running", "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 5,
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-11-24T11:55:00Z"}},
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
        );
        check(&p, "0/1", "CrashLoopBackOff", "5 (5m ago)");
        // No finish time known: the bare count.
        let p = pod(
            &one_container(),
            &json!({"phase": "Running", "containerStatuses": [
                {"name": "app", "ready": true, "restartCount": 2, "state": {"running": {}}}]}),
        );
        check(&p, "1/1", "Running", "2");
    }

    #[test]
    fn terminated_containers() {
        let done = pod(
            &one_container(),
            &json!({"phase": "Succeeded", "containerStatuses": [
                {"name": "app", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
        );
        check(&done, "0/1", "Completed", "0");
        assert_eq!(
            conditions(&done),
            vec![
                json!({"type": "Completed", "status": "True", "reason": "Succeeded",
                        "message": "The pod has completed successfully."})
            ]
        );
        let failed = pod(
            &one_container(),
            &json!({"phase": "Failed", "containerStatuses": [
                {"name": "app", "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]}),
        );
        check(&failed, "0/1", "OOMKilled", "0");
        assert_eq!(conditions(&failed)[0]["message"], json!("The pod failed."));
        let signal = pod(
            &one_container(),
            &json!({"phase": "Failed", "containerStatuses": [
                {"name": "app", "state": {"terminated": {"exitCode": 0, "signal": 9}}}]}),
        );
        check(&signal, "0/1", "Signal:9", "0");
        let code = pod(
            &one_container(),
            &json!({"phase": "Failed", "containerStatuses": [
                {"name": "app", "state": {"terminated": {"exitCode": 3}}}]}),
        );
        check(&code, "0/1", "ExitCode:3", "0");
    }

    #[test]
    fn first_container_wins_and_completed_with_running() {
        let two = json!({"containers": [{"name": "a"}, {"name": "b"}]});
        let p = pod(
            &two,
            &json!({"phase": "Running", "containerStatuses": [
                {"name": "a", "state": {"waiting": {"reason": "ErrImagePull"}}},
                {"name": "b", "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        check(&p, "0/2", "ErrImagePull", "0");
        let p = pod(
            &two,
            &json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                   "containerStatuses": [
                {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "b", "ready": true, "state": {"running": {}}}]}),
        );
        check(&p, "1/2", "NotReady", "0");
        let p = pod(
            &two,
            &json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [
                {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "b", "ready": true, "state": {"running": {}}}]}),
        );
        check(&p, "1/2", "Running", "0");
    }

    #[test]
    fn init_containers() {
        let spec = json!({"initContainers": [{"name": "init-a"}, {"name": "init-b"}],
                          "containers": [{"name": "app"}]});
        let running_first = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "state": {"running": {}}},
                {"name": "init-b", "state": {"waiting": {"reason": "PodInitializing"}}}],
                "containerStatuses": [{"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}}]}),
        );
        check(&running_first, "0/1", "Init:0/2", "0");
        let second = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "init-b", "restartCount": 2,
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-11-24T11:58:00Z"}},
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
        );
        check(&second, "0/1", "Init:CrashLoopBackOff", "2 (2m ago)");
        let failed = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}),
        );
        check(&failed, "0/1", "Init:Error", "0");
        let signal = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "state": {"terminated": {"exitCode": 2, "signal": 15}}}]}),
        );
        check(&signal, "0/1", "Init:Signal:15", "0");
        let code = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "state": {"terminated": {"exitCode": 2}}}]}),
        );
        check(&code, "0/1", "Init:ExitCode:2", "0");
        let done = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "init-a", "restartCount": 1, "state": {"terminated": {"exitCode": 0}}},
                {"name": "init-b", "state": {"terminated": {"exitCode": 0}}}],
                "containerStatuses": [{"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}}]}),
        );
        // Once initialised, plain init container restarts no longer count.
        check(&done, "0/1", "PodInitializing", "0");
    }

    #[test]
    fn sidecars_count_as_containers() {
        let spec = json!({"initContainers": [{"name": "proxy", "restartPolicy": "Always"}, {"name": "setup"}],
                          "containers": [{"name": "app"}]});
        let p = pod(
            &spec,
            &json!({"phase": "Pending", "initContainerStatuses": [
                {"name": "proxy", "started": true, "ready": true, "restartCount": 1,
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-11-24T11:59:00Z"}},
                 "state": {"running": {}}},
                {"name": "setup", "state": {"running": {}}}]}),
        );
        check(&p, "1/2", "Init:1/2", "1 (60s ago)");
        let p = pod(
            &spec,
            &json!({"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
                   "initContainerStatuses": [
                {"name": "proxy", "started": true, "ready": true, "restartCount": 1, "state": {"running": {}}},
                {"name": "setup", "restartCount": 4, "state": {"terminated": {"exitCode": 0}}}],
                   "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}),
        );
        check(&p, "2/2", "Running", "1");
    }

    #[test]
    fn deletion_and_gates() {
        let mut p = pod(
            &one_container(),
            &json!({"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}),
        );
        p["metadata"]["deletionTimestamp"] = json!("2026-11-24T11:59:00Z");
        check(&p, "1/1", "Terminating", "0");
        p["status"]["reason"] = json!("NodeLost");
        check(&p, "1/1", "Unknown", "0");
        let mut done = pod(&one_container(), &json!({"phase": "Succeeded"}));
        done["metadata"]["deletionTimestamp"] = json!("2026-11-24T11:59:00Z");
        check(&done, "0/1", "Succeeded", "0");
        let evicted = pod(
            &one_container(),
            &json!({"phase": "Failed", "reason": "Evicted"}),
        );
        check(&evicted, "0/1", "Evicted", "0");
        let gated = pod(
            &one_container(),
            &json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
        );
        check(&gated, "0/1", "SchedulingGated", "0");

        let gates = pod(
            &json!({"containers": [{"name": "app"}], "readinessGates": [{"conditionType": "a"}, {"conditionType": "b"}]}),
            &json!({"phase": "Running", "nominatedNodeName": "n2",
                   "conditions": [{"type": "a", "status": "True"}, {"type": "b", "status": "False"}]}),
        );
        let c = cells(&gates, now());
        assert_eq!(c[7], json!("n2"));
        assert_eq!(c[8], json!("1/2"));
    }
}
