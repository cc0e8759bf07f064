//! Probes, lifecycle hooks and their handlers (`validateProbe`, `validateHandler`,
//! `validateLifecycle`).

use serde_json::Value;

use super::access::{Errs, Json, invalid_each, non_negative};
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;

/// Which probe a check is for: liveness and startup need `successThreshold` 1, readiness may
/// not carry a probe-level grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProbeKind {
    /// `livenessProbe`.
    Liveness,
    /// `readinessProbe`.
    Readiness,
    /// `startupProbe`.
    Startup,
}

/// Handler fields in upstream's checking order; probes have no `sleep`, hooks no `grpc`.
const PROBE_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];
const HOOK_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "sleep"];

/// `validateLivenessProbe` / `validateReadinessProbe` / `validateStartupProbe`.
pub(crate) fn probe(
    probe: Option<&Value>,
    kind: ProbeKind,
    grace: Option<i64>,
    path: &FieldPath,
) -> Errs {
    let mut errs = Errs::new();
    let Some(probe) = probe else {
        return errs;
    };
    errs.extend(handler(probe, &PROBE_HANDLERS, grace, path));
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        non_negative(&mut errs, &path.child(field), probe.i(field));
    }
    let probe_grace = probe.int("terminationGracePeriodSeconds");
    if let Some(g) = probe_grace.filter(|g| *g <= 0) {
        errs.push(FieldError::invalid(
            path.child("terminationGracePeriodSeconds"),
            g,
            "must be greater than 0",
        ));
    }
    match kind {
        ProbeKind::Liveness | ProbeKind::Startup => {
            let success = probe.i("successThreshold");
            if success != 1 {
                errs.push(FieldError::invalid(
                    path.child("successThreshold"),
                    success,
                    "must be 1",
                ));
            }
        }
        ProbeKind::Readiness => {
            if let Some(g) = probe_grace {
                errs.push(FieldError::invalid(
                    path.child("terminationGracePeriodSeconds"),
                    g,
                    "must not be set for readinessProbes",
                ));
            }
        }
    }
    errs
}

/// `validateLifecycle`: `postStart` and `preStop` hooks.
pub(crate) fn lifecycle(lifecycle: &Value, grace: Option<i64>, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for hook in ["postStart", "preStop"] {
        if let Some(h) = lifecycle.obj(hook) {
            errs.extend(handler(h, &HOOK_HANDLERS, grace, &path.child(hook)));
        }
    }
    errs
}

/// `validateHandler`: exactly one handler, each checked.
fn handler(h: &Value, kinds: &[&str], grace: Option<i64>, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let mut count = 0;
    for kind in kinds {
        let Some(action) = h.at(kind) else {
            continue;
        };
        let p = path.child(kind);
        if count > 0 {
            errs.push(FieldError::forbidden(
                p,
                "may not specify more than 1 handler type",
            ));
            continue;
        }
        count += 1;
        match *kind {
            "exec" => {
                if action.list("command").is_empty() {
                    errs.push(FieldError::required(p.child("command"), ""));
                }
            }
            "httpGet" => errs.extend(http_get(action, &p)),
            "tcpSocket" => errs.extend(port_num_or_name(action.at("port"), &p.child("port"))),
            "grpc" => {
                let port = action.i("port");
                for msg in names::port_number(port) {
                    errs.push(FieldError::invalid(p.child("port"), port, msg));
                }
            }
            _ => errs.extend(sleep(action, grace, &p)),
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    errs
}

/// `validateSleepAction` with zero allowed (gate PodLifecycleSleepActionAllowZero, on in 1.33).
fn sleep(action: &Value, grace: Option<i64>, path: &FieldPath) -> Errs {
    let seconds = action.i("seconds");
    match grace {
        Some(g) if seconds < 0 || seconds > g => vec![FieldError::invalid(
            path,
            seconds,
            format!("must be non-negative and less than terminationGracePeriodSeconds ({g})"),
        )],
        _ => Vec::new(),
    }
}

fn http_get(action: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if action.s("path").is_empty() {
        errs.push(FieldError::required(path.child("path"), ""));
    }
    errs.extend(port_num_or_name(action.at("port"), &path.child("port")));
    let scheme = action.s("scheme");
    if !matches!(scheme, "HTTP" | "HTTPS") {
        errs.push(FieldError::not_supported(
            path.child("scheme"),
            scheme,
            &["HTTP", "HTTPS"],
        ));
    }
    for header in action.list("httpHeaders") {
        let name = header.s("name");
        invalid_each(
            &mut errs,
            &path.child("httpHeaders"),
            name,
            names::http_header_name(name),
        );
    }
    errs
}

/// `ValidatePortNumOrName` on an IntOrString port.
pub(crate) fn port_num_or_name(port: Option<&Value>, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    match port {
        Some(Value::String(name)) => invalid_each(&mut errs, path, name, names::port_name(name)),
        other => {
            let n = other.and_then(Value::as_i64).unwrap_or(0);
            for msg in names::port_number(n) {
                errs.push(FieldError::invalid(path, n, msg));
            }
        }
    }
    errs
}
