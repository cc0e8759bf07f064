//! Periodic compaction: history older than the retention window is dropped, as upstream's
//! apiserver compacts etcd every five minutes. Every revision a list returned stays watchable
//! for at least the window.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::watch;

use crate::server::ApiServer;

/// Runs until `shutdown` turns true: every `every`, compacts to the revision that was current
/// `retain` ago.
pub async fn run(
    srv: ApiServer,
    every: Duration,
    retain: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let keep = usize::try_from(retain.as_secs() / every.as_secs().max(1))
        .unwrap_or(usize::MAX)
        .max(1);
    let mut seen: VecDeque<i64> = VecDeque::new();
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        let rev = match srv.store().current_revision().await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "compaction: cannot read the current revision");
                continue;
            }
        };
        seen.push_back(rev);
        if seen.len() > keep
            && let Some(target) = seen.pop_front().filter(|r| *r > 0)
        {
            match srv.store().compact(target).await {
                Ok(point) => tracing::debug!(revision = point, "compacted"),
                Err(e) => tracing::warn!(error = %e, "compaction failed"),
            }
        }
    }
}
