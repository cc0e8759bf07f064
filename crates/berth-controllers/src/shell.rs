//! What every controller's shell shares: shutdown, retry timing, logging of reconcile results.

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use futures::channel::oneshot;
use futures::{FutureExt, StreamExt};
use kube::runtime::controller::{self, Action};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use tokio::sync::watch;

/// How long a failed reconcile waits before it runs again. Failures here are mostly write
/// conflicts against a fresher object, which the next run reads from the cache.
pub(crate) const RETRY: Duration = Duration::from_secs(1);

/// The error policy of every controller: log, then run again after [`RETRY`].
// The signature is the one `kube`'s `Controller::run` calls.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn retry_later<K, E, C>(
    obj: std::sync::Arc<K>,
    err: &E,
    _ctx: std::sync::Arc<C>,
) -> Action
where
    K: kube::Resource,
    E: std::error::Error,
{
    tracing::warn!(
        name = %obj.meta().name.as_deref().unwrap_or_default(),
        namespace = %obj.meta().namespace.as_deref().unwrap_or_default(),
        error = %err,
        "reconcile failed; retrying"
    );
    Action::requeue(RETRY)
}

/// Resolves once `shutdown` turns true or its sender is dropped.
///
/// `kube`'s controllers want a `Sync` trigger, which a borrowed watch receiver is not, so a small
/// task relays the signal through a oneshot channel.
pub(crate) fn stopped(
    mut shutdown: watch::Receiver<bool>,
) -> impl Future<Output = ()> + Send + Sync + 'static {
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
        let _ = tx.send(());
    });
    rx.map(|_| ())
}

/// Drains a controller's result stream, logging what went wrong.
pub(crate) async fn drive<K, E>(
    name: &'static str,
    results: impl futures::Stream<
        Item = Result<(ObjectRef<K>, Action), controller::Error<E, watcher::Error>>,
    >,
) where
    K: kube::Resource,
    K::DynamicType: Debug,
    E: std::error::Error + 'static,
{
    tracing::info!(controller = name, "controller started");
    results
        .for_each(|r| async move {
            match r {
                Ok((obj, _)) => tracing::debug!(controller = name, object = %obj, "reconciled"),
                // Reconcile failures are logged by the error policy; the rest are watch and
                // queue problems worth seeing once.
                Err(controller::Error::ReconcilerFailed(..)) => {}
                Err(e) => tracing::warn!(controller = name, error = %e, "controller error"),
            }
        })
        .await;
    tracing::info!(controller = name, "controller stopped");
}
