//! Conformance checks for writes, reads, lists and compaction.

use std::sync::Arc;

use super::{bytes, kv};
use crate::{Error, KeyValue, ListOptions, ListResult, Revision, Store};

async fn list<S: Store>(
    store: &S,
    prefix: &str,
    revision: Option<Revision>,
    start_after: Option<&str>,
    limit: Option<usize>,
) -> crate::Result<ListResult> {
    store
        .list(ListOptions {
            prefix: prefix.to_owned(),
            revision,
            start_after: start_after.map(str::to_owned),
            limit,
        })
        .await
}

fn page(items: Vec<KeyValue>, revision: Revision, remaining: usize) -> ListResult {
    ListResult {
        items,
        revision,
        remaining,
    }
}

pub(super) async fn create_and_get<S: Store>(store: Arc<S>) {
    assert_eq!(
        store.current_revision().await.expect("revision"),
        0,
        "empty store"
    );
    assert_eq!(
        store.compacted_revision().await.expect("compacted"),
        0,
        "empty store"
    );
    assert_eq!(store.get("/a").await.expect("get"), None);
    assert_eq!(store.create("/a", bytes("one")).await.expect("create"), 1);
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "one", 1, 1))
    );
    match store.create("/a", bytes("two")).await {
        Err(Error::AlreadyExists { key }) => assert_eq!(key, "/a"),
        other => panic!("second create of /a: {other:?}"),
    }
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "one", 1, 1)),
        "unchanged"
    );
    assert_eq!(
        store.current_revision().await.expect("revision"),
        1,
        "a failed write takes none"
    );
    // An empty value is a value, and keys are arbitrary UTF-8.
    assert_eq!(store.create("/ü/é", bytes("")).await.expect("create"), 2);
    assert_eq!(
        store.get("/ü/é").await.expect("get"),
        Some(kv("/ü/é", "", 2, 2))
    );
    assert_eq!(
        store.get("/").await.expect("get"),
        None,
        "no prefix match for get"
    );
}

pub(super) async fn update_compare_and_swap<S: Store>(store: Arc<S>) {
    assert_eq!(store.create("/a", bytes("v1")).await.expect("create"), 1);
    assert_eq!(store.update("/a", bytes("v2"), 1).await.expect("update"), 2);
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "v2", 1, 2))
    );
    match store.update("/a", bytes("v3"), 1).await {
        Err(Error::Conflict {
            key,
            expected,
            current,
        }) => {
            assert_eq!((key.as_str(), expected), ("/a", 1));
            assert_eq!(
                *current,
                kv("/a", "v2", 1, 2),
                "conflict carries the current value"
            );
        }
        other => panic!("stale update: {other:?}"),
    }
    match store.update("/missing", bytes("x"), 1).await {
        Err(Error::NotFound { key }) => assert_eq!(key, "/missing"),
        other => panic!("update of a missing key: {other:?}"),
    }
    assert_eq!(store.current_revision().await.expect("revision"), 2);
    assert_eq!(store.update("/a", bytes("v3"), 2).await.expect("update"), 3);
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "v3", 1, 3))
    );
}

pub(super) async fn delete_preconditions<S: Store>(store: Arc<S>) {
    store.create("/a", bytes("a1")).await.expect("create");
    store.create("/b", bytes("b1")).await.expect("create");
    match store.delete("/a", Some(2)).await {
        Err(Error::Conflict {
            key,
            expected,
            current,
        }) => {
            assert_eq!((key.as_str(), expected), ("/a", 2));
            assert_eq!(*current, kv("/a", "a1", 1, 1));
        }
        other => panic!("delete with a stale precondition: {other:?}"),
    }
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "a1", 1, 1)),
        "not deleted"
    );
    let deleted = store.delete("/a", Some(1)).await.expect("delete");
    assert_eq!(
        deleted,
        (3, kv("/a", "a1", 1, 1)),
        "returns the removed value as it was"
    );
    assert_eq!(store.get("/a").await.expect("get"), None);
    for expected in [None, Some(1), Some(3)] {
        match store.delete("/a", expected).await {
            Err(Error::NotFound { key }) => assert_eq!(key, "/a"),
            other => panic!("delete of a deleted key ({expected:?}): {other:?}"),
        }
    }
    match store.update("/a", bytes("a2"), 1).await {
        Err(Error::NotFound { .. }) => {}
        other => panic!("update of a deleted key: {other:?}"),
    }
    assert_eq!(
        store.delete("/b", None).await.expect("delete"),
        (4, kv("/b", "b1", 2, 2))
    );
    assert_eq!(store.current_revision().await.expect("revision"), 4);
}

pub(super) async fn recreate_after_delete<S: Store>(store: Arc<S>) {
    store.create("/a", bytes("first")).await.expect("create");
    store.delete("/a", None).await.expect("delete");
    assert_eq!(
        store.create("/a", bytes("second")).await.expect("recreate"),
        3
    );
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "second", 3, 3))
    );
    match store.update("/a", bytes("x"), 1).await {
        Err(Error::Conflict { current, .. }) => assert_eq!(*current, kv("/a", "second", 3, 3)),
        other => panic!("update against the old incarnation: {other:?}"),
    }
}

pub(super) async fn revisions_increase<S: Store>(store: Arc<S>) {
    let mut last = store.current_revision().await.expect("revision");
    for i in 0..5 {
        let key = format!("/k{i}");
        let created = store.create(&key, bytes("v")).await.expect("create");
        let updated = store
            .update(&key, bytes("w"), created)
            .await
            .expect("update");
        let (deleted, _) = store.delete(&key, Some(updated)).await.expect("delete");
        let _ = store.create(&key, bytes("again")).await.expect("recreate");
        let _ = store
            .update(&key, bytes("stale"), created)
            .await
            .expect_err("stale");
        assert_eq!([created, updated, deleted], [last + 1, last + 2, last + 3]);
        last = store.current_revision().await.expect("revision");
        assert_eq!(
            last,
            deleted + 1,
            "one revision per successful write, none for failures"
        );
    }
}

/// The shared history of the list checks; returns nothing, the revisions are fixed:
/// 1 /reg/a=a1, 2 /reg/b=b1, 3 /reg/c=c1, 4 /regx=x1, 5 /reg/a=a2, 6 delete /reg/b,
/// 7 /reg/d=d1, 8 /reg/b=b2.
async fn list_history<S: Store>(store: &S) {
    store.create("/reg/a", bytes("a1")).await.expect("1");
    store.create("/reg/b", bytes("b1")).await.expect("2");
    store.create("/reg/c", bytes("c1")).await.expect("3");
    store.create("/regx", bytes("x1")).await.expect("4");
    store.update("/reg/a", bytes("a2"), 1).await.expect("5");
    store.delete("/reg/b", None).await.expect("6");
    store.create("/reg/d", bytes("d1")).await.expect("7");
    assert_eq!(store.create("/reg/b", bytes("b2")).await.expect("8"), 8);
}

pub(super) async fn list_prefix_and_revisions<S: Store>(store: Arc<S>) {
    let current = page(
        vec![
            kv("/reg/a", "a2", 1, 5),
            kv("/reg/b", "b2", 8, 8),
            kv("/reg/c", "c1", 3, 3),
            kv("/reg/d", "d1", 7, 7),
        ],
        8,
        0,
    );
    assert_eq!(
        list(&*store, "/reg/", None, None, None)
            .await
            .expect("empty"),
        page(vec![], 0, 0)
    );
    list_history(&*store).await;
    assert_eq!(
        list(&*store, "/reg/", None, None, None)
            .await
            .expect("list"),
        current
    );
    assert_eq!(
        list(&*store, "/reg/", Some(8), None, None)
            .await
            .expect("at 8"),
        current
    );
    assert_eq!(
        list(&*store, "/reg/", None, None, Some(0))
            .await
            .expect("limit 0"),
        current
    );
    let all = list(&*store, "", None, None, None).await.expect("all");
    let keys: Vec<_> = all.items.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["/reg/a", "/reg/b", "/reg/c", "/reg/d", "/regx"]);
    let no_slash = list(&*store, "/reg", None, None, None).await.expect("/reg");
    assert_eq!(
        no_slash.items.len(),
        5,
        "a prefix is a byte prefix, not a path"
    );
    let none = list(&*store, "/nothing/", None, None, None)
        .await
        .expect("nothing");
    assert_eq!(none, page(vec![], 8, 0));

    let at_4 = vec![
        kv("/reg/a", "a1", 1, 1),
        kv("/reg/b", "b1", 2, 2),
        kv("/reg/c", "c1", 3, 3),
    ];
    assert_eq!(
        list(&*store, "/reg/", Some(4), None, None)
            .await
            .expect("at 4"),
        page(at_4, 4, 0)
    );
    let at_6 = vec![kv("/reg/a", "a2", 1, 5), kv("/reg/c", "c1", 3, 3)];
    assert_eq!(
        list(&*store, "/reg/", Some(6), None, None)
            .await
            .expect("at 6"),
        page(at_6, 6, 0)
    );
    let at_0 = list(&*store, "/reg/", Some(0), None, None)
        .await
        .expect("at 0");
    assert_eq!(at_0, page(vec![], 0, 0));
}

pub(super) async fn list_paging<S: Store>(store: Arc<S>) {
    list_history(&*store).await;
    // (read at, start after, limit) -> (keys, revision, remaining)
    type Case<'a> = (
        Option<Revision>,
        Option<&'a str>,
        Option<usize>,
        &'a [&'a str],
        Revision,
        usize,
    );
    let cases: &[Case<'_>] = &[
        (None, None, Some(2), &["/reg/a", "/reg/b"], 8, 2),
        (None, Some("/reg/b"), Some(2), &["/reg/c", "/reg/d"], 8, 0),
        (None, Some("/reg/b"), Some(1), &["/reg/c"], 8, 1),
        (
            None,
            Some("/reg/a"),
            None,
            &["/reg/b", "/reg/c", "/reg/d"],
            8,
            0,
        ),
        (None, Some("/reg/bb"), Some(10), &["/reg/c", "/reg/d"], 8, 0),
        (None, Some("/reg/d"), Some(1), &[], 8, 0),
        (None, Some("/a"), Some(1), &["/reg/a"], 8, 3),
        (None, Some("/z"), None, &[], 8, 0),
        (
            None,
            None,
            Some(4),
            &["/reg/a", "/reg/b", "/reg/c", "/reg/d"],
            8,
            0,
        ),
        (Some(6), None, Some(1), &["/reg/a"], 6, 1),
        (Some(6), Some("/reg/a"), Some(1), &["/reg/c"], 6, 0),
        (Some(4), Some("/reg/a"), Some(1), &["/reg/b"], 4, 1),
    ];
    for &(revision, start_after, limit, keys, at, remaining) in cases {
        let got = list(&*store, "/reg/", revision, start_after, limit)
            .await
            .expect("list");
        let got_keys: Vec<_> = got.items.iter().map(|kv| kv.key.as_str()).collect();
        let case = format!("revision {revision:?} after {start_after:?} limit {limit:?}");
        assert_eq!(got_keys, keys, "{case}");
        assert_eq!((got.revision, got.remaining), (at, remaining), "{case}");
    }
}

pub(super) async fn list_errors_and_compaction<S: Store>(store: Arc<S>) {
    list_history(&*store).await;
    match list(&*store, "/reg/", Some(9), None, None).await {
        Err(Error::FutureRevision {
            requested: 9,
            current: 8,
        }) => {}
        other => panic!("list in the future: {other:?}"),
    }
    assert_eq!(store.compact(5).await.expect("compact"), 5);
    assert_eq!(store.compacted_revision().await.expect("compacted"), 5);
    match list(&*store, "/reg/", Some(4), None, None).await {
        Err(Error::Compacted {
            requested: 4,
            compacted: 5,
        }) => {}
        other => panic!("list below the compaction point: {other:?}"),
    }
    let at_5 = vec![
        kv("/reg/a", "a2", 1, 5),
        kv("/reg/b", "b1", 2, 2),
        kv("/reg/c", "c1", 3, 3),
    ];
    let got = list(&*store, "/reg/", Some(5), None, None)
        .await
        .expect("at the compaction point");
    assert_eq!(got, page(at_5, 5, 0));
    let at_6 = vec![kv("/reg/a", "a2", 1, 5), kv("/reg/c", "c1", 3, 3)];
    assert_eq!(
        list(&*store, "/reg/", Some(6), None, None)
            .await
            .expect("at 6"),
        page(at_6, 6, 0)
    );
    let paged = list(&*store, "/reg/", Some(5), Some("/reg/a"), Some(1))
        .await
        .expect("paged");
    assert_eq!(paged, page(vec![kv("/reg/b", "b1", 2, 2)], 5, 1));
    assert_eq!(
        list(&*store, "/reg/", None, None, None)
            .await
            .expect("now")
            .items
            .len(),
        4
    );
}

pub(super) async fn compaction_keeps_live_values<S: Store>(store: Arc<S>) {
    store.create("/a", bytes("a1")).await.expect("1");
    store.create("/b", bytes("b1")).await.expect("2");
    store.update("/a", bytes("a2"), 1).await.expect("3");
    store.delete("/b", None).await.expect("4");
    store.create("/c", bytes("c1")).await.expect("5");
    store.create("/d", bytes("d1")).await.expect("6");
    store.update("/d", bytes("d2"), 6).await.expect("7");
    assert_eq!(store.compact(7).await.expect("compact"), 7);
    let live = vec![
        kv("/a", "a2", 1, 3),
        kv("/c", "c1", 5, 5),
        kv("/d", "d2", 6, 7),
    ];
    let got = list(&*store, "/", None, None, None).await.expect("list");
    assert_eq!(got, page(live.clone(), 7, 0));
    assert_eq!(
        list(&*store, "/", Some(7), None, None).await.expect("at 7"),
        page(live, 7, 0)
    );
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "a2", 1, 3))
    );
    assert_eq!(store.get("/b").await.expect("get"), None);
    assert_eq!(
        store.compact(4).await.expect("compact backwards"),
        7,
        "never moves back"
    );
    assert_eq!(store.compact(7).await.expect("compact again"), 7);
    match store.compact(8).await {
        Err(Error::FutureRevision {
            requested: 8,
            current: 7,
        }) => {}
        other => panic!("compact in the future: {other:?}"),
    }
    // Preconditions still see the rows that made the values live.
    assert_eq!(store.update("/a", bytes("a3"), 3).await.expect("update"), 8);
    assert_eq!(
        store.delete("/c", Some(5)).await.expect("delete"),
        (9, kv("/c", "c1", 5, 5))
    );
    assert_eq!(store.create("/b", bytes("b2")).await.expect("recreate"), 10);
    assert_eq!(
        store.get("/b").await.expect("get"),
        Some(kv("/b", "b2", 10, 10))
    );
    assert_eq!(store.compact(10).await.expect("compact"), 10);
    let live = vec![
        kv("/a", "a3", 1, 8),
        kv("/b", "b2", 10, 10),
        kv("/d", "d2", 6, 7),
    ];
    assert_eq!(
        list(&*store, "/", None, None, None).await.expect("list"),
        page(live, 10, 0)
    );
}

pub(super) async fn compaction_never_reuses<S: Store>(store: Arc<S>) {
    store.create("/a", bytes("a")).await.expect("1");
    store.delete("/a", None).await.expect("2");
    assert_eq!(store.compact(2).await.expect("compact"), 2);
    assert_eq!(store.current_revision().await.expect("revision"), 2);
    assert_eq!(
        list(&*store, "/", None, None, None).await.expect("list"),
        page(vec![], 2, 0)
    );
    assert_eq!(store.create("/a", bytes("b")).await.expect("create"), 3);
    assert_eq!(
        store.get("/a").await.expect("get"),
        Some(kv("/a", "b", 3, 3))
    );
}
