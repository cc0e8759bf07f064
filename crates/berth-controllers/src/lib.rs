//! berth-controllers: the control loops that drive API objects toward their desired state.
//!
//! Every controller is an API client, exactly like upstream's controller manager: it lists and
//! watches through `kube` and writes with `resourceVersion`, over whatever transport the
//! [`kube::Client`] was built on (in `berth server`, the API server's router in-process). This
//! crate must never reach into the store or the API server's internals.
//!
//! Each controller lives in its own module, split into a shell (the `kube` `Controller` wiring),
//! an algorithm over a snapshot (pure functions, unit-tested without sockets) and writers behind
//! a trait. Reconciles are level-triggered and idempotent: a restart at any point converges.

pub mod gc;
pub mod namespace;
pub mod pv_protection;
pub mod pvc_protection;
pub mod statefulset;

mod finalizers;
mod shell;

use tokio::sync::watch;

/// Runs every controller until `shutdown` turns true (or its sender goes away).
///
/// Must be called inside a tokio runtime; the client's transport is used for every request.
pub async fn run(client: kube::Client, shutdown: watch::Receiver<bool>) {
    tokio::join!(
        namespace::run(client.clone(), shell::stopped(shutdown.clone())),
        pvc_protection::run(client.clone(), shell::stopped(shutdown.clone())),
        pv_protection::run(client.clone(), shell::stopped(shutdown.clone())),
        statefulset::run(client.clone(), shell::stopped(shutdown.clone())),
        gc::run(client, shell::stopped(shutdown)),
    );
}
