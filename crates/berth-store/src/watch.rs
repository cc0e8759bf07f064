//! Watch streams shared by every backend.
//!
//! A watcher subscribes to the backend's broadcast of committed events *before* it looks at the
//! log, replays the log up to the newest revision that had been published when it subscribed,
//! and then follows the broadcast, skipping anything at or below the last revision it examined.
//! Events are published in revision order and only after they are readable from the log, so the
//! two sources overlap instead of leaving a gap. When the broadcast drops events for a slow
//! watcher, the watcher goes back to the log from where it stopped.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use crate::{Event, Result, Revision, WatchStream};

/// How many events one history read returns at most, so replaying a long log holds neither a
/// read transaction nor memory for long.
pub(crate) const HISTORY_PAGE: usize = 512;

/// Default capacity of a backend's event broadcast.
pub(crate) const DEFAULT_WATCH_BUFFER: usize = 4096;

/// The part of a backend a watcher reads from.
pub(crate) trait History: Send + Sync + 'static {
    /// Events on keys under `prefix` with `after < revision <= until`, in revision order, at
    /// most `limit` of them. Fails with `Compacted` if `after` is below the compaction point and
    /// with `FutureRevision` if it is ahead of the newest committed revision.
    fn events(
        &self,
        prefix: &str,
        after: Revision,
        until: Revision,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;

    /// The newest revision whose event was already sent on the broadcast. A backend must raise
    /// it *before* sending the event, so every later event reaches a subscriber that read it.
    fn published(&self) -> Revision;
}

/// Opens a watch over `prefix` for every event after `after`.
pub(crate) async fn watch<H: History>(
    history: Arc<H>,
    events: &broadcast::Sender<Arc<Event>>,
    prefix: &str,
    after: Revision,
) -> Result<WatchStream> {
    let rx = events.subscribe();
    // The backend may have committed more than it published; those events are still to come on
    // the broadcast, so replaying only up to `published` leaves no gap.
    let until = history.published().max(after);
    let first = history.events(prefix, after, until, HISTORY_PAGE).await?;
    let mut state = WatchState {
        history,
        rx,
        prefix: prefix.to_owned(),
        cursor: after,
        pending: VecDeque::new(),
        catch_up: Some(until),
        done: false,
    };
    state.absorb(first, until);
    Ok(futures::stream::unfold(state, WatchState::next).boxed())
}

struct WatchState<H> {
    history: Arc<H>,
    rx: broadcast::Receiver<Arc<Event>>,
    prefix: String,
    /// Every event at or below this revision was examined (delivered or filtered out).
    cursor: Revision,
    /// Matching events read from the log, not yet delivered.
    pending: VecDeque<Event>,
    /// While `Some(until)`: the log must be read up to `until` before following the broadcast.
    catch_up: Option<Revision>,
    done: bool,
}

impl<H: History> WatchState<H> {
    fn absorb(&mut self, page: Vec<Event>, until: Revision) {
        if page.len() < HISTORY_PAGE {
            self.cursor = self.cursor.max(until);
            self.catch_up = None;
        } else if let Some(last) = page.last() {
            self.cursor = last.revision();
        }
        self.pending.extend(page);
    }

    async fn next(mut self) -> Option<(Result<Event>, Self)> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some((Ok(event), self));
            }
            if self.done {
                return None;
            }
            if let Some(until) = self.catch_up {
                let page = self
                    .history
                    .events(&self.prefix, self.cursor, until, HISTORY_PAGE)
                    .await;
                match page {
                    Ok(page) => self.absorb(page, until),
                    Err(err) => {
                        self.done = true;
                        return Some((Err(err), self));
                    }
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(event) => {
                    if event.revision() <= self.cursor {
                        continue;
                    }
                    self.cursor = event.revision();
                    if event.kv.key.starts_with(&self.prefix) {
                        return Some((Ok(Event::clone(&event)), self));
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Everything after `published` is still queued for this receiver (or it
                    // lags again and comes back here).
                    self.catch_up = Some(self.history.published());
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// The smallest byte string greater than every key starting with `prefix`. Keys are UTF-8, so
/// they never contain the byte 0xFF and `[0xFF]` bounds every key.
pub(crate) fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    match end.last_mut() {
        // UTF-8 never contains 0xFF, so the increment cannot overflow.
        Some(last) => *last += 1,
        None => end.push(0xFF),
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_bounds_exactly_the_prefixed_keys() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("", &["", "a", "\u{10FFFF}", "zzz"], &[]),
            (
                "/pods/",
                &["/pods/", "/pods/a", "/pods/\u{10FFFF}x"],
                &["/pods0", "/podt", "/pods"],
            ),
            ("a\u{7F}", &["a\u{7F}", "a\u{7F}\u{7F}"], &["a\u{80}", "b"]),
            ("é", &["é", "éa"], &["ê", "f"]),
        ];
        for (prefix, inside, outside) in cases {
            let end = prefix_end(prefix);
            for key in *inside {
                assert!(key.as_bytes() < end.as_slice(), "{key:?} under {prefix:?}");
            }
            for key in *outside {
                assert!(!key.starts_with(prefix), "bad case {key:?} {prefix:?}");
                // A key outside the prefix sorts either before the prefix or at/after the end.
                let before = key.as_bytes() < prefix.as_bytes();
                assert!(
                    before || key.as_bytes() >= end.as_slice(),
                    "{key:?} vs {prefix:?}"
                );
            }
        }
    }
}
