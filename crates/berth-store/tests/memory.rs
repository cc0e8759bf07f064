//! The conformance suite against the in-memory backend.

use berth_store::{MemoryStore, testing};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms() {
    testing::run_conformance(|| async { MemoryStore::new() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms_with_a_tiny_watch_buffer() {
    // Every watcher lags constantly, so replays from history carry the whole suite.
    testing::run_conformance(|| async { MemoryStore::with_watch_buffer(2) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_slow_watchers() {
    testing::run_slow_watcher_checks(|| async { MemoryStore::with_watch_buffer(8) }, 8).await;
}
