//! The conformance suite and durability checks against the SQLite backend.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use berth_store::EventKind::{Created, Deleted, Updated};
use berth_store::{
    CommitStats, Durability, Error, KeyValue, ListOptions, SqliteOptions, SqliteStore, Store,
    testing,
};
use bytes::Bytes;
use futures::StreamExt;

/// Hands out fresh database paths inside one temporary directory.
struct Dir {
    dir: tempfile::TempDir,
    next: AtomicUsize,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
            next: AtomicUsize::new(0),
        }
    }

    fn fresh(&self) -> PathBuf {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.dir.path().join(format!("store-{n}.db"))
    }
}

fn open(path: &std::path::Path, opts: SqliteOptions) -> SqliteStore {
    SqliteStore::open(path, opts).expect("open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_conforms() {
    let dir = Dir::new();
    testing::run_conformance(|| async { open(&dir.fresh(), SqliteOptions::default()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_conforms_with_a_tiny_watch_buffer_and_relaxed_sync() {
    let dir = Dir::new();
    let opts = SqliteOptions {
        watch_buffer: 2,
        synchronous: Durability::Normal,
        readers: 1,
        ..SqliteOptions::default()
    };
    testing::run_conformance(|| async { open(&dir.fresh(), opts.clone()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_slow_watchers() {
    let dir = Dir::new();
    let opts = SqliteOptions {
        watch_buffer: 8,
        ..SqliteOptions::default()
    };
    testing::run_slow_watcher_checks(|| async { open(&dir.fresh(), opts.clone()) }, 8).await;
}

fn bytes(value: &str) -> Bytes {
    Bytes::copy_from_slice(value.as_bytes())
}

fn all() -> ListOptions {
    ListOptions {
        prefix: "/".to_owned(),
        ..ListOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_reopen() {
    let dir = Dir::new();
    let path = dir.fresh();
    let store = Arc::new(open(&path, SqliteOptions::default()));
    let writers: Vec<_> = (0..16)
        .map(|t| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..20 {
                    let key = format!("/k/{t:02}/{i:02}");
                    let created = store.create(&key, bytes("v1")).await.expect("create");
                    let updated = store
                        .update(&key, bytes("v2"), created)
                        .await
                        .expect("update");
                    if i % 5 == 0 {
                        store.delete(&key, Some(updated)).await.expect("delete");
                    } else {
                        acked.push(KeyValue {
                            key,
                            value: bytes("v2"),
                            create_revision: created,
                            mod_revision: updated,
                        });
                    }
                }
                acked
            })
        })
        .collect();
    let mut expected = Vec::new();
    for writer in writers {
        expected.extend(writer.await.expect("writer"));
    }
    expected.sort_by(|a, b| a.key.cmp(&b.key));
    let revision = store.current_revision().await.expect("revision");
    assert_eq!(
        revision,
        16 * (20 * 2 + 4),
        "two writes per key, plus four deletes per writer"
    );
    drop(Arc::try_unwrap(store).expect("sole owner"));

    let store = open(&path, SqliteOptions::default());
    assert_eq!(store.current_revision().await.expect("revision"), revision);
    let listed = store.list(all()).await.expect("list");
    assert_eq!((listed.items, listed.revision), (expected, revision));
    assert_eq!(
        store.create("/k/new", bytes("v")).await.expect("create"),
        revision + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_point_and_revision_survive_reopen() {
    let dir = Dir::new();
    let path = dir.fresh();
    let store = open(&path, SqliteOptions::default());
    store.create("/a", bytes("a1")).await.expect("1");
    store.update("/a", bytes("a2"), 1).await.expect("2");
    store.create("/b", bytes("b")).await.expect("3");
    store.delete("/b", None).await.expect("4");
    // The newest row is a tombstone that compaction removes; its revision must not come back.
    assert_eq!(store.compact(4).await.expect("compact"), 4);
    drop(store);

    let store = open(&path, SqliteOptions::default());
    assert_eq!(store.compacted_revision().await.expect("compacted"), 4);
    assert_eq!(store.current_revision().await.expect("revision"), 4);
    let below = ListOptions {
        revision: Some(3),
        ..all()
    };
    match store.list(below).await {
        Err(Error::Compacted {
            requested: 3,
            compacted: 4,
        }) => {}
        other => panic!("list below the persisted compaction point: {other:?}"),
    }
    assert!(matches!(
        store.watch("/", 3).await,
        Err(Error::Compacted { .. })
    ));
    let listed = store.list(all()).await.expect("list");
    let a = KeyValue {
        key: "/a".to_owned(),
        value: bytes("a2"),
        create_revision: 1,
        mod_revision: 2,
    };
    assert_eq!((listed.items, listed.revision), (vec![a], 4));
    assert_eq!(store.create("/b", bytes("b2")).await.expect("create"), 5);
}

/// Holds the writer thread inside the commit observer after its first commit, so the test can
/// queue requests that must all land in the next batch.
struct Gate {
    stats: Arc<Mutex<Vec<CommitStats>>>,
    held: tokio::sync::mpsc::UnboundedReceiver<()>,
    release: std::sync::mpsc::Sender<()>,
}

fn gated(mut opts: SqliteOptions) -> (SqliteOptions, Gate) {
    let stats = Arc::new(Mutex::new(Vec::new()));
    let (held_tx, held) = tokio::sync::mpsc::unbounded_channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let release_rx = Mutex::new(Some(release_rx));
    let seen = Arc::clone(&stats);
    let observer = move |commit: CommitStats| {
        seen.lock().expect("stats").push(commit);
        let first = release_rx.lock().expect("gate").take();
        if let Some(release_rx) = first {
            let _ = held_tx.send(());
            let _ = release_rx.recv();
        }
    };
    opts.commit_observer = Some(Arc::new(observer));
    (
        opts,
        Gate {
            stats,
            held,
            release,
        },
    )
}

impl Gate {
    /// Commits one write and keeps the writer parked after it.
    async fn hold(&mut self, store: &Arc<SqliteStore>) {
        let store = Arc::clone(store);
        tokio::spawn(async move { store.create("/gate", bytes("g")).await.expect("gate write") });
        self.held
            .recv()
            .await
            .expect("the writer reached the observer");
    }

    /// Queues every future's request (each sends on its first poll), lets the writer go and
    /// waits for the answers.
    async fn batch<T>(&self, futures: Vec<futures::future::BoxFuture<'_, T>>) -> Vec<T> {
        let mut all = Box::pin(futures::future::join_all(futures));
        assert!(
            futures::poll!(&mut all).is_pending(),
            "answered while the writer is parked"
        );
        self.release.send(()).expect("release");
        all.await
    }

    fn batch_sizes(&self) -> Vec<usize> {
        self.stats
            .lock()
            .expect("stats")
            .iter()
            .map(|s| s.batch_size)
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_share_one_commit() {
    let dir = Dir::new();
    let (opts, mut gate) = gated(SqliteOptions::default());
    let store = Arc::new(open(&dir.fresh(), opts));
    gate.hold(&store).await;
    let keys: Vec<_> = (0..64).map(|i| format!("/many/{i:02}")).collect();
    let creates = keys
        .iter()
        .map(|key| store.create(key, bytes("v")))
        .collect();
    let mut revisions: Vec<_> = gate
        .batch(creates)
        .await
        .into_iter()
        .map(|r| r.expect("create"))
        .collect();
    revisions.sort_unstable();
    assert_eq!(revisions, (2..=65).collect::<Vec<_>>());
    assert_eq!(gate.batch_sizes(), [1, 64], "64 writes, one commit");
    assert_eq!(store.list(all()).await.expect("list").items.len(), 65);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_sees_its_own_writes_and_failures_stay_per_request() {
    let dir = Dir::new();
    let (opts, mut gate) = gated(SqliteOptions::default());
    let store = Arc::new(open(&dir.fresh(), opts));
    gate.hold(&store).await; // revision 1
    let mut watch = store.watch("/x", 1).await.expect("watch");
    let ops: Vec<futures::future::BoxFuture<'_, Result<i64, Error>>> = vec![
        Box::pin(store.create("/x", bytes("1"))),
        Box::pin(store.create("/x", bytes("dup"))),
        Box::pin(store.update("/x", bytes("2"), 2)),
        Box::pin(store.update("/x", bytes("stale"), 2)),
        Box::pin(store.update("/missing", bytes("m"), 1)),
        Box::pin(async { store.delete("/x", Some(3)).await.map(|(rev, _)| rev) }),
        Box::pin(store.create("/x", bytes("again"))),
        Box::pin(store.compact(4)),
    ];
    let results = gate.batch(ops).await;
    assert_eq!(gate.batch_sizes(), [1, 8]);
    assert!(matches!(results[0], Ok(2)), "{:?}", results[0]);
    assert!(
        matches!(results[1], Err(Error::AlreadyExists { .. })),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Ok(3)),
        "sees the create before it: {:?}",
        results[2]
    );
    assert!(
        matches!(&results[3], Err(Error::Conflict { current, .. }) if current.mod_revision == 3)
    );
    assert!(
        matches!(results[4], Err(Error::NotFound { .. })),
        "{:?}",
        results[4]
    );
    assert!(matches!(results[5], Ok(4)), "{:?}", results[5]);
    assert!(matches!(results[6], Ok(5)), "{:?}", results[6]);
    assert!(
        matches!(results[7], Ok(4)),
        "compacts up to the batch's own writes"
    );
    let mut kinds = Vec::new();
    for _ in 0..4 {
        let event = watch.next().await.expect("event").expect("ok");
        kinds.push((event.revision(), event.kind));
    }
    assert_eq!(
        kinds,
        [(2, Created), (3, Updated), (4, Deleted), (5, Created)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_fails_every_caller_and_writes_nothing() {
    let dir = Dir::new();
    let opts = SqliteOptions {
        max_db_bytes: Some(64 * 1024),
        ..SqliteOptions::default()
    };
    let (opts, mut gate) = gated(opts);
    let store = Arc::new(open(&dir.fresh(), opts));
    gate.hold(&store).await; // revision 1
    let mut watch = store.watch("/", 1).await.expect("watch");
    let big = Bytes::from(vec![7_u8; 1024 * 1024]);
    let ops = vec![
        store.create("/small-1", bytes("v")),
        store.create("/big", big),
        store.create("/small-2", bytes("v")),
    ];
    for result in gate.batch(ops).await {
        assert!(matches!(result, Err(Error::Backend(_))), "{result:?}");
    }
    assert_eq!(
        gate.batch_sizes(),
        [1],
        "a failed batch is not reported as a commit"
    );
    assert_eq!(store.current_revision().await.expect("revision"), 1);
    assert_eq!(store.get("/small-1").await.expect("get"), None);
    assert_eq!(
        store.create("/small-3", bytes("v")).await.expect("create"),
        2
    );
    let next = watch.next().await.expect("event").expect("ok");
    assert_eq!((next.revision(), next.kv.key.as_str()), (2, "/small-3"));
}
