//! The behaviour every [`Store`] backend must show, as an executable suite.
//!
//! Backends run it from their tests (other crates enable the `testing` feature):
//!
//! ```no_run
//! # async fn example() {
//! use berth_store::{MemoryStore, testing};
//! testing::run_conformance(|| async { MemoryStore::new() }).await;
//! testing::run_slow_watcher_checks(|| async { MemoryStore::with_watch_buffer(4) }, 4).await;
//! # }
//! ```
//!
//! Every check gets a fresh, empty store from the factory. The checks spawn tasks, so they need
//! a tokio runtime, preferably multi-threaded (`#[tokio::test(flavor = "multi_thread")]`) so
//! that writers and watchers really race. A failing check panics; the check's name is printed
//! to stderr before it starts.

mod kv;
mod watch;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{FutureExt, StreamExt};

use crate::{Event, KeyValue, Revision, Store, WatchStream};

/// Runs every conformance check against fresh stores made by `make`: create, update and delete
/// preconditions, revisions, lists (prefix, paging, `remaining`, old revisions, errors),
/// compaction, and watches (replay, live, prefix filtering, races with writers, many concurrent
/// writers, end of stream when the store is dropped).
pub async fn run_conformance<S, F, Fut>(make: F)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    check("create_and_get", &make, kv::create_and_get).await;
    check(
        "update_compare_and_swap",
        &make,
        kv::update_compare_and_swap,
    )
    .await;
    check(
        "delete_with_and_without_precondition",
        &make,
        kv::delete_preconditions,
    )
    .await;
    check("recreate_after_delete", &make, kv::recreate_after_delete).await;
    check(
        "revisions_increase_by_one_per_write",
        &make,
        kv::revisions_increase,
    )
    .await;
    check(
        "list_prefix_and_revisions",
        &make,
        kv::list_prefix_and_revisions,
    )
    .await;
    check("list_paging", &make, kv::list_paging).await;
    check(
        "list_errors_and_compaction",
        &make,
        kv::list_errors_and_compaction,
    )
    .await;
    check(
        "compaction_keeps_live_values",
        &make,
        kv::compaction_keeps_live_values,
    )
    .await;
    check(
        "compaction_never_reuses_revisions",
        &make,
        kv::compaction_never_reuses,
    )
    .await;
    check(
        "watch_replays_then_follows",
        &make,
        watch::replays_then_follows,
    )
    .await;
    check("watch_from_mid_revision", &make, watch::from_mid_revision).await;
    check("watch_prefix_filter", &make, watch::prefix_filter).await;
    check("watch_revision_errors", &make, watch::revision_errors).await;
    check("watch_races_with_writers", &make, watch::races_with_writers).await;
    check("concurrent_compare_and_swap", &make, watch::concurrent_cas).await;
    check(
        "watch_ends_when_store_dropped",
        &make,
        watch::ends_when_dropped,
    )
    .await;
}

/// Checks for watchers that fall behind the live broadcast, for stores made by `make` whose
/// watch buffer holds at most `watch_buffer` events: a slow watcher still sees every event in
/// order, and one whose missed events were compacted gets `Compacted` and ends.
pub async fn run_slow_watcher_checks<S, F, Fut>(make: F, watch_buffer: usize)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    // The broadcast may round its capacity up to a power of two.
    let overflow = 2 * watch_buffer.next_power_of_two() + 8;
    check("slow_watcher_catches_up", &make, |store| {
        watch::slow_watcher(store, overflow)
    })
    .await;
    check("slow_watcher_compacted", &make, |store| {
        watch::slow_compacted(store, overflow)
    })
    .await;
}

async fn check<S, F, Fut, C, CFut>(name: &str, make: &F, body: C)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
    C: FnOnce(Arc<S>) -> CFut,
    CFut: Future<Output = ()>,
{
    eprintln!("store conformance: {name}");
    body(Arc::new(make().await)).await;
}

/// How long one event may take to arrive before a check fails instead of hanging.
const EVENT_TIMEOUT: Duration = Duration::from_secs(60);

fn bytes(value: &str) -> Bytes {
    Bytes::copy_from_slice(value.as_bytes())
}

fn kv(key: &str, value: &str, create_revision: Revision, mod_revision: Revision) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: bytes(value),
        create_revision,
        mod_revision,
    }
}

/// The next event; panics on an error, the end of the stream or a timeout.
async fn next_event(stream: &mut WatchStream) -> Event {
    match tokio::time::timeout(EVENT_TIMEOUT, stream.next()).await {
        Ok(Some(Ok(event))) => event,
        Ok(Some(Err(err))) => panic!("watch failed: {err}"),
        Ok(None) => panic!("watch ended early"),
        Err(_) => panic!("no event within {EVENT_TIMEOUT:?}"),
    }
}

/// What the stream yields next, or `None` when it ended; panics on a timeout.
async fn next_item(stream: &mut WatchStream) -> Option<crate::Result<Event>> {
    tokio::time::timeout(EVENT_TIMEOUT, stream.next())
        .await
        .unwrap_or_else(|_| panic!("watch neither yielded nor ended within {EVENT_TIMEOUT:?}"))
}

/// Fails if the stream has anything ready: called once every committed event was read, so
/// anything it yields now would be a duplicate.
fn assert_quiet(stream: &mut WatchStream) {
    // Dropping the `next()` future keeps the stream intact: its progress lives in the stream.
    if let Some(item) = stream.next().now_or_never() {
        match item {
            Some(Ok(event)) => panic!("unexpected event at {}: {event:?}", event.revision()),
            Some(Err(err)) => panic!("unexpected watch error: {err}"),
            None => panic!("the watch ended while its store is open"),
        }
    }
}
