//! Conformance checks for watches, alone and racing with writers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{assert_quiet, bytes, kv, next_event, next_item};
use crate::{Error, Event, EventKind, KeyValue, ListOptions, Revision, Store, WatchStream};

fn event(kind: EventKind, kv: KeyValue, prev: Option<KeyValue>) -> Event {
    Event { kind, kv, prev }
}

async fn open<S: Store>(store: &S, prefix: &str, after: Revision) -> WatchStream {
    match store.watch(prefix, after).await {
        Ok(stream) => stream,
        Err(err) => panic!("watch {prefix:?} after {after}: {err}"),
    }
}

/// 1 create /w/a=v1, 2 update to v2, 3 delete, 4 create /w/a=v3; returns the events.
async fn history<S: Store>(store: &S) -> Vec<Event> {
    store.create("/w/a", bytes("v1")).await.expect("1");
    store.update("/w/a", bytes("v2"), 1).await.expect("2");
    store.delete("/w/a", Some(2)).await.expect("3");
    assert_eq!(store.create("/w/a", bytes("v3")).await.expect("4"), 4);
    vec![
        event(EventKind::Created, kv("/w/a", "v1", 1, 1), None),
        event(
            EventKind::Updated,
            kv("/w/a", "v2", 1, 2),
            Some(kv("/w/a", "v1", 1, 1)),
        ),
        event(
            EventKind::Deleted,
            kv("/w/a", "v2", 1, 3),
            Some(kv("/w/a", "v2", 1, 2)),
        ),
        event(EventKind::Created, kv("/w/a", "v3", 4, 4), None),
    ]
}

pub(super) async fn replays_then_follows<S: Store>(store: Arc<S>) {
    let past = history(&*store).await;
    let mut stream = open(&*store, "/w/", 0).await;
    for expected in &past {
        assert_eq!(&next_event(&mut stream).await, expected);
    }
    assert_eq!(store.update("/w/a", bytes("v4"), 4).await.expect("5"), 5);
    let updated = event(
        EventKind::Updated,
        kv("/w/a", "v4", 4, 5),
        Some(kv("/w/a", "v3", 4, 4)),
    );
    assert_eq!(next_event(&mut stream).await, updated);
    assert_eq!(store.delete("/w/a", Some(5)).await.expect("6").0, 6);
    let deleted = event(
        EventKind::Deleted,
        kv("/w/a", "v4", 4, 6),
        Some(kv("/w/a", "v4", 4, 5)),
    );
    assert_eq!(next_event(&mut stream).await, deleted);
    assert_quiet(&mut stream);
}

pub(super) async fn from_mid_revision<S: Store>(store: Arc<S>) {
    let past = history(&*store).await;
    let mut from_2 = open(&*store, "/w/", 2).await;
    let mut from_4 = open(&*store, "/w/", 4).await;
    assert_eq!(next_event(&mut from_2).await, past[2]);
    assert_eq!(next_event(&mut from_2).await, past[3]);
    store.update("/w/a", bytes("v4"), 4).await.expect("5");
    let updated = event(
        EventKind::Updated,
        kv("/w/a", "v4", 4, 5),
        Some(kv("/w/a", "v3", 4, 4)),
    );
    assert_eq!(next_event(&mut from_2).await, updated);
    assert_eq!(
        next_event(&mut from_4).await,
        updated,
        "nothing replayed at the current revision"
    );
}

pub(super) async fn prefix_filter<S: Store>(store: Arc<S>) {
    store.create("/p/1", bytes("a")).await.expect("1");
    store.create("/q/1", bytes("b")).await.expect("2");
    store.create("/p2", bytes("c")).await.expect("3");
    store.create("/p/2", bytes("d")).await.expect("4");
    let mut p = open(&*store, "/p/", 0).await;
    let mut all = open(&*store, "", 0).await;
    assert_eq!(next_event(&mut p).await.kv, kv("/p/1", "a", 1, 1));
    assert_eq!(next_event(&mut p).await.kv, kv("/p/2", "d", 4, 4));
    store.create("/q/2", bytes("e")).await.expect("5");
    store.create("/p", bytes("f")).await.expect("6");
    store.update("/p/1", bytes("g"), 1).await.expect("7");
    assert_eq!(
        next_event(&mut p).await.kv,
        kv("/p/1", "g", 1, 7),
        "skips /q/2 and /p"
    );
    for rev in 1..=7 {
        assert_eq!(
            next_event(&mut all).await.revision(),
            rev,
            "the empty prefix sees all"
        );
    }
}

pub(super) async fn revision_errors<S: Store>(store: Arc<S>) {
    for key in ["/a", "/b", "/c"] {
        store.create(key, bytes("v")).await.expect("create");
    }
    match store.watch("/", 4).await {
        Err(Error::FutureRevision {
            requested: 4,
            current: 3,
        }) => {}
        Err(err) => panic!("watch in the future: {err}"),
        Ok(_) => panic!("watch in the future succeeded"),
    }
    store.compact(2).await.expect("compact");
    match store.watch("/", 1).await {
        Err(Error::Compacted {
            requested: 1,
            compacted: 2,
        }) => {}
        Err(err) => panic!("watch below the compaction point: {err}"),
        Ok(_) => panic!("watch below the compaction point succeeded"),
    }
    let mut stream = open(&*store, "/", 2).await;
    assert_eq!(next_event(&mut stream).await.kv, kv("/c", "v", 3, 3));
}

/// Writers create distinct keys while watchers subscribe at moving revisions; every watcher must
/// see exactly the writes after its revision, in order.
pub(super) async fn races_with_writers<S: Store>(store: Arc<S>) {
    const WRITERS: usize = 4;
    const PER_WRITER: usize = 60;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut written = Vec::new();
                for i in 0..PER_WRITER {
                    let key = format!("/race/{w}/{i:03}");
                    written.push((store.create(&key, bytes(&key)).await.expect("create"), key));
                }
                written
            })
        })
        .collect();
    // Half the watchers start from a list, as an API client would, half from a revision a
    // little in the past, so both replay and live delivery race with the writers.
    let mut watchers = Vec::new();
    for n in 0..24 {
        let (after, listed) = if n % 2 == 0 {
            let opts = ListOptions {
                prefix: "/race/".to_owned(),
                ..ListOptions::default()
            };
            let page = store.list(opts).await.expect("list");
            (page.revision, Some(page.items))
        } else {
            (
                (store.current_revision().await.expect("revision") - 3).max(0),
                None,
            )
        };
        watchers.push((after, listed, open(&*store, "/race/", after).await));
        tokio::task::yield_now().await;
    }
    let mut by_revision = BTreeMap::new();
    for writer in writers {
        by_revision.extend(writer.await.expect("writer task"));
    }
    let last = Revision::try_from(WRITERS * PER_WRITER).expect("small");
    assert_eq!(
        by_revision.keys().copied().collect::<Vec<_>>(),
        (1..=last).collect::<Vec<_>>()
    );
    assert_eq!(store.current_revision().await.expect("revision"), last);
    for (after, listed, mut stream) in watchers {
        let from_list = listed.is_some();
        let listed = listed.unwrap_or_default();
        let listed_revisions: Vec<_> = listed.iter().map(|kv| kv.mod_revision).collect();
        assert!(
            listed_revisions.iter().all(|&rev| rev <= after),
            "listed after {after}"
        );
        let mut seen: BTreeSet<String> = listed.into_iter().map(|kv| kv.key).collect();
        for rev in after + 1..=last {
            let got = next_event(&mut stream).await;
            assert_eq!(got.revision(), rev, "watcher after {after}");
            assert_eq!(
                (got.kind, &got.kv.key),
                (EventKind::Created, &by_revision[&rev])
            );
            assert!(seen.insert(got.kv.key.clone()), "{} seen twice", got.kv.key);
        }
        assert_quiet(&mut stream);
        if from_list {
            assert_eq!(
                seen.len(),
                by_revision.len(),
                "list plus watch after {after}"
            );
        }
    }
}

/// Eight tasks race compare-and-swap increments on three keys; the revisions, the values and a
/// watcher must all agree on how many succeeded and in which order.
pub(super) async fn concurrent_cas<S: Store>(store: Arc<S>) {
    const TASKS: usize = 8;
    const ATTEMPTS: usize = 200;
    const KEYS: usize = 3;
    for k in 0..KEYS {
        store
            .create(&format!("/cas/{k}"), bytes("0"))
            .await
            .expect("create");
    }
    let start = store.current_revision().await.expect("revision");
    let mut stream = open(&*store, "/cas/", start).await;
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut successes = 0_i64;
                for i in 0..ATTEMPTS {
                    let key = format!("/cas/{}", (t + i) % KEYS);
                    let current = store.get(&key).await.expect("get").expect("live");
                    let n: u64 = std::str::from_utf8(&current.value)
                        .expect("utf-8")
                        .parse()
                        .expect("counter");
                    let next = bytes(&(n + 1).to_string());
                    match store.update(&key, next, current.mod_revision).await {
                        Ok(rev) => {
                            assert!(rev > current.mod_revision);
                            successes += 1;
                        }
                        Err(Error::Conflict {
                            expected,
                            current: now,
                            ..
                        }) => {
                            assert_eq!(expected, current.mod_revision);
                            assert!(now.mod_revision > expected, "conflict on an older value");
                        }
                        Err(err) => panic!("update {key}: {err}"),
                    }
                }
                successes
            })
        })
        .collect();
    let mut successes = 0;
    for task in tasks {
        successes += task.await.expect("task");
    }
    assert!(successes > 0);
    let end = store.current_revision().await.expect("revision");
    assert_eq!(end - start, successes, "one revision per successful update");
    // Per key: (last revision, counter value, create revision).
    let mut keys: BTreeMap<String, (Revision, u64, Revision)> = (0..KEYS)
        .map(|k| {
            let rev = Revision::try_from(k + 1).expect("small");
            (format!("/cas/{k}"), (rev, 0, rev))
        })
        .collect();
    for rev in start + 1..=end {
        let got = next_event(&mut stream).await;
        assert_eq!((got.revision(), got.kind), (rev, EventKind::Updated));
        let state = keys.get_mut(&got.kv.key).expect("a /cas/ key");
        let prev = got.prev.as_ref().expect("an update has a previous value");
        let counter = std::str::from_utf8(&got.kv.value)
            .expect("utf-8")
            .parse()
            .expect("n");
        assert_eq!(
            prev.mod_revision, state.0,
            "each update replaces the one before"
        );
        assert_eq!(prev.value, bytes(&state.1.to_string()));
        assert_eq!(counter, state.1 + 1, "increments are never lost");
        assert_eq!(got.kv.create_revision, state.2);
        *state = (rev, counter, state.2);
    }
    assert_quiet(&mut stream);
    for (key, (rev, counter, create)) in keys {
        let stored = store.get(&key).await.expect("get").expect("live");
        assert_eq!(stored, kv(&key, &counter.to_string(), create, rev));
    }
}

pub(super) async fn ends_when_dropped<S: Store>(store: Arc<S>) {
    store.create("/e/a", bytes("a")).await.expect("1");
    let mut stream = open(&*store, "/e/", 0).await;
    store.create("/e/b", bytes("b")).await.expect("2");
    let store = Arc::try_unwrap(store).unwrap_or_else(|_| panic!("the check owns the store"));
    drop(store);
    assert_eq!(next_event(&mut stream).await.revision(), 1);
    assert_eq!(
        next_event(&mut stream).await.revision(),
        2,
        "committed events still arrive"
    );
    assert!(
        next_item(&mut stream).await.is_none(),
        "the stream ends with its store"
    );
}

/// A watcher that reads nothing while `overflow` writes go by, then catches up.
pub(super) async fn slow_watcher<S: Store>(store: Arc<S>, overflow: usize) {
    let mut stream = open(&*store, "/slow/", 0).await;
    let mut expected = Vec::new();
    for i in 0..overflow {
        let key = format!("/slow/{i:04}");
        expected.push((store.create(&key, bytes("v")).await.expect("create"), key));
        store
            .create(&format!("/other/{i:04}"), bytes("v"))
            .await
            .expect("create");
    }
    for (rev, key) in expected {
        let got = next_event(&mut stream).await;
        assert_eq!((got.revision(), got.kv.key), (rev, key));
    }
    assert_quiet(&mut stream);
    let rev = store
        .create("/slow/last", bytes("v"))
        .await
        .expect("create");
    assert_eq!(
        next_event(&mut stream).await.revision(),
        rev,
        "live again after catching up"
    );
}

/// A watcher that fell behind past the compaction point gets `Compacted`, then ends.
pub(super) async fn slow_compacted<S: Store>(store: Arc<S>, overflow: usize) {
    store
        .create("/slow/seed", bytes("v"))
        .await
        .expect("create");
    let mut stream = open(&*store, "/slow/", 1).await;
    for i in 0..overflow {
        let key = format!("/slow/{i:04}");
        store.create(&key, bytes("v")).await.expect("create");
        store.delete(&key, None).await.expect("delete");
    }
    let end = store.current_revision().await.expect("revision");
    assert_eq!(store.compact(end).await.expect("compact"), end);
    let mut last = 1;
    loop {
        match next_item(&mut stream).await {
            Some(Ok(event)) => {
                assert_eq!(
                    event.revision(),
                    last + 1,
                    "in order, no gap, before the error"
                );
                last = event.revision();
            }
            Some(Err(Error::Compacted {
                requested,
                compacted,
            })) => {
                assert_eq!(compacted, end);
                assert!(
                    requested >= last && requested < end,
                    "resumed from {requested}"
                );
                break;
            }
            Some(Err(err)) => panic!("slow watcher: {err}"),
            None => panic!("the stream ended without reporting the compaction"),
        }
    }
    assert!(
        next_item(&mut stream).await.is_none(),
        "nothing after the error"
    );
}
