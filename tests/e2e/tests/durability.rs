//! `berth server` under concurrent load: what a SIGKILL may and may not lose, optimistic
//! concurrency, watch completeness and ordering, and compaction answering `410 Expired`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use berth_e2e::http::{Https, LineStream, SendError};
use berth_e2e::{Server, eventually};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_berth");

/// The ConfigMaps of the default namespace.
const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn configmap(name: &str, value: &str, rv: Option<i64>, app: Option<&str>) -> Value {
    let mut obj = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"v": value},
    });
    if let Some(rv) = rv {
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
    }
    if let Some(app) = app {
        obj["metadata"]["labels"] = json!({"app": app});
    }
    obj
}

fn rv_of(obj: &Value) -> anyhow::Result<i64> {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no numeric resourceVersion in {obj}"))
}

fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn data_of(obj: &Value) -> &str {
    obj.pointer("/data/v").and_then(Value::as_str).unwrap_or("")
}

/// Lists the default namespace's ConfigMaps: name → object, and the list's resourceVersion.
fn list(client: &mut Https) -> anyhow::Result<(BTreeMap<String, Value>, i64)> {
    let (code, body) = client.call("GET", CMS, None)?;
    ensure!(code == 200, "list: {code} {body}");
    let items = body["items"]
        .as_array()
        .context("items")?
        .iter()
        .map(|o| (name_of(o).to_owned(), o.clone()))
        .collect();
    Ok((items, rv_of(&body)?))
}

// ---------------------------------------------------------------------------------------------
// 1. SIGKILL under load
// ---------------------------------------------------------------------------------------------

const WRITERS: usize = 8;
const SHARED: usize = 3;

/// What became of one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Answered 200/201 with this resourceVersion.
    Acked(i64),
    /// Answered with an error code, or never fully sent: it did not happen.
    Refused(u16),
    /// Sent, but no answer came back: it may have happened.
    Unknown,
}

#[derive(Debug, Clone)]
struct Attempt {
    name: String,
    value: String,
    /// The resourceVersion precondition of an update (`None` for a create).
    precondition: Option<i64>,
    fate: Fate,
}

/// One writer: creates its own ConfigMaps, updates them with the resourceVersion of its last
/// acknowledged write, and updates the shared ones with the resourceVersion of a fresh read
/// (so writers race and some get 409). Stops at the first request without an answer.
fn writer(
    mut client: Https,
    id: usize,
    stop: &AtomicBool,
    acked: &AtomicUsize,
) -> (Vec<Attempt>, Option<String>) {
    let mut log = Vec::new();
    let mut own: Vec<(String, i64)> = Vec::new();
    for i in 0usize.. {
        if stop.load(Ordering::SeqCst) {
            return (log, None);
        }
        let value = format!("w{id}-{i}");
        let (name, precondition, create) = if i % 4 == 3 {
            let name = format!("shared-{}", (i / 4) % SHARED);
            match client.request("GET", &format!("{CMS}/{name}"), None) {
                Ok((200, obj)) if rv_of(&obj).is_ok() => (name, rv_of(&obj).ok(), false),
                Ok((code, body)) => {
                    // A bad answer to a read fails the test like a refused write.
                    log.push(Attempt {
                        name,
                        value,
                        precondition: None,
                        fate: Fate::Refused(if code == 200 { 1 } else { code }),
                    });
                    return (log, Some(format!("GET: {code} {body}")));
                }
                Err(e) => return (log, Some(e.to_string())),
            }
        } else if own.is_empty() || i % 4 == 0 {
            (format!("own-{id}-{i}"), None, true)
        } else {
            let (name, rv) = &own[i % own.len()];
            (name.clone(), Some(*rv), false)
        };
        let body = configmap(&name, &value, precondition, None);
        let answer = if create {
            client.request("POST", CMS, Some(&body))
        } else {
            client.request("PUT", &format!("{CMS}/{name}"), Some(&body))
        };
        let (fate, end) = match answer {
            Ok((200 | 201, obj)) if data_of(&obj) == value => match rv_of(&obj) {
                Ok(rv) => (Fate::Acked(rv), None),
                Err(e) => (Fate::Unknown, Some(format!("{e:#}"))),
            },
            // A 2xx whose body is not the write counts as refused: the check below fails on it.
            Ok((code, _)) => (Fate::Refused(code), None),
            Err(SendError::NotSent(e)) => (Fate::Refused(0), Some(format!("{e:#}"))),
            Err(e @ SendError::Unknown(_)) => (Fate::Unknown, Some(e.to_string())),
        };
        if let Fate::Acked(rv) = fate {
            acked.fetch_add(1, Ordering::SeqCst);
            if create {
                own.push((name.clone(), rv));
            } else if let Some(slot) = own.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = rv;
            }
        }
        log.push(Attempt {
            name,
            value,
            precondition,
            fate,
        });
        if end.is_some() {
            return (log, end);
        }
    }
    (log, None)
}

/// Checks one ConfigMap after the restart against every attempt to write it.
fn check_survivor(name: &str, attempts: &[&Attempt], found: Option<&Value>) -> anyhow::Result<()> {
    let best = attempts
        .iter()
        .filter_map(|a| match a.fate {
            Fate::Acked(rv) => Some((rv, *a)),
            _ => None,
        })
        .max_by_key(|(rv, _)| *rv);
    // An unanswered write may have committed after the last acknowledged one only if its
    // precondition allowed it.
    let maybe_later = |value: &str, rv: i64| {
        attempts.iter().any(|a| {
            a.fate == Fate::Unknown
                && a.value == value
                && match (best, a.precondition) {
                    (Some((acked, _)), Some(pre)) => pre >= acked && rv > acked,
                    (None, None) => true,
                    _ => false,
                }
        })
    };
    match (best, found) {
        (Some((rv, a)), None) => bail!(
            "{name}: acknowledged {} at {rv}, gone after restart",
            a.value
        ),
        (None, None) => Ok(()),
        (best, Some(obj)) => {
            let (value, rv) = (data_of(obj), rv_of(obj)?);
            if let Some((acked_rv, a)) = best
                && a.value == value
            {
                ensure!(
                    rv == acked_rv,
                    "{name}: holds {value} acknowledged at {acked_rv}, but with resourceVersion {rv}"
                );
                return Ok(());
            }
            ensure!(
                maybe_later(value, rv),
                "{name}: holds {value:?} at {rv}; last acknowledged {:?}; attempts {attempts:?}",
                best.map(|(rv, a)| (rv, &a.value))
            );
            Ok(())
        }
    }
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_write() -> anyhow::Result<()> {
    let mut srv = Server::start(BIN)?;
    let mut admin = Https::new(&srv)?;
    let mut log: Vec<Attempt> = Vec::new();
    for j in 0..SHARED {
        let name = format!("shared-{j}");
        let (code, obj) = admin.call("POST", CMS, Some(&configmap(&name, "init", None, None)))?;
        ensure!(code == 201, "create {name}: {code} {obj}");
        log.push(Attempt {
            name,
            value: "init".into(),
            precondition: None,
            fate: Fate::Acked(rv_of(&obj)?),
        });
    }

    let stop = AtomicBool::new(false);
    let acked = AtomicUsize::new(0);
    let clients = (0..WRITERS)
        .map(|_| Https::new(&srv))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (loaded, ends) = std::thread::scope(|s| {
        let (stop, acked) = (&stop, &acked);
        let workers: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(id, c)| s.spawn(move || writer(c, id, stop, acked)))
            .collect();
        let start = Instant::now();
        let loaded = eventually(Duration::from_secs(60), "a second of load", || {
            (start.elapsed() >= Duration::from_secs(1) && acked.load(Ordering::SeqCst) >= 300)
                .then_some(())
        });
        // The writers are still writing: the kill lands in the middle of their requests.
        let killed = srv.kill9();
        stop.store(true, Ordering::SeqCst);
        let mut ends = Vec::new();
        for w in workers {
            let (attempts, end) = w.join().expect("writer panicked");
            log.extend(attempts);
            ends.push(end);
        }
        (loaded.and(killed), ends)
    });
    loaded?;
    eprintln!(
        "{} acknowledged writes, {} refused with 409, {} without an answer",
        acked.load(Ordering::SeqCst),
        log.iter().filter(|a| a.fate == Fate::Refused(409)).count(),
        log.iter().filter(|a| a.fate == Fate::Unknown).count()
    );
    for (id, end) in ends.iter().enumerate() {
        ensure!(
            end.is_some(),
            "writer {id} stopped before the kill: load did not span it"
        );
    }
    // Only shared ConfigMaps can see conflicts; everything else must have been accepted.
    for a in &log {
        match a.fate {
            Fate::Refused(409) if a.name.starts_with("shared-") => {}
            Fate::Refused(0) | Fate::Acked(_) | Fate::Unknown => {}
            Fate::Refused(code) => bail!("{} refused with {code} under load", a.name),
        }
    }
    let acked_rvs: Vec<i64> = log
        .iter()
        .filter_map(|a| match a.fate {
            Fate::Acked(rv) => Some(rv),
            _ => None,
        })
        .collect();
    let distinct: BTreeSet<i64> = acked_rvs.iter().copied().collect();
    ensure!(
        distinct.len() == acked_rvs.len(),
        "two acknowledged writes share a resourceVersion"
    );
    let max_acked = distinct.last().copied().unwrap_or(0);

    srv.restart()?;
    let mut client = Https::new(&srv)?;
    let (items, list_rv) = list(&mut client)?;
    let mut by_name: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for a in &log {
        by_name.entry(&a.name).or_default().push(a);
    }
    for name in items.keys() {
        ensure!(
            by_name.contains_key(name.as_str()),
            "{name} exists but nobody wrote it"
        );
    }
    for (name, attempts) in &by_name {
        check_survivor(name, attempts, items.get(*name))?;
    }
    ensure!(
        list_rv >= max_acked,
        "after restart the list is at {list_rv}, below the acknowledged {max_acked}"
    );
    let (code, obj) = client.call("POST", CMS, Some(&configmap("after", "1", None, None)))?;
    ensure!(code == 201, "create after restart: {code} {obj}");
    let rv = rv_of(&obj)?;
    ensure!(
        rv > max_acked && rv > list_rv,
        "a write after restart got {rv}, not above {max_acked} / {list_rv}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Optimistic concurrency
// ---------------------------------------------------------------------------------------------

#[test]
fn concurrent_updates_with_one_resource_version_have_one_winner() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let mut clients = [Https::new(&srv)?, Https::new(&srv)?];
    let (code, obj) = clients[0].call("POST", CMS, Some(&configmap("occ", "0", None, None)))?;
    ensure!(code == 201, "{code} {obj}");
    for round in 0..50 {
        let (code, obj) = clients[0].call("GET", &format!("{CMS}/occ"), None)?;
        ensure!(code == 200, "{code} {obj}");
        let rv = rv_of(&obj)?;
        let barrier = Barrier::new(2);
        let answers: Vec<anyhow::Result<(u16, Value)>> = std::thread::scope(|s| {
            let handles: Vec<_> = clients
                .iter_mut()
                .enumerate()
                .map(|(who, c)| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        let body = configmap("occ", &format!("{round}-{who}"), Some(rv), None);
                        barrier.wait();
                        c.call("PUT", &format!("{CMS}/occ"), Some(&body))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("writer panicked"))
                .collect()
        });
        let answers = answers.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        let winners: Vec<usize> = (0..2).filter(|&i| answers[i].0 == 200).collect();
        ensure!(winners.len() == 1, "round {round}: {answers:?}");
        let (winner, loser) = (winners[0], 1 - winners[0]);
        let (code, status) = &answers[loser];
        ensure!(
            *code == 409 && status["reason"] == "Conflict" && status["code"] == 409,
            "round {round}: the loser got {code} {status}"
        );
        let won_rv = rv_of(&answers[winner].1)?;
        ensure!(won_rv > rv, "round {round}: {won_rv} not above {rv}");
        let (_, now) = clients[0].call("GET", &format!("{CMS}/occ"), None)?;
        ensure!(
            data_of(&now) == format!("{round}-{winner}") && rv_of(&now)? == won_rv,
            "round {round}: stored {now}, winner {winner} at {won_rv}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. Watch completeness
// ---------------------------------------------------------------------------------------------

const WATCH_WRITERS: usize = 4;
const OPS_PER_WRITER: usize = 50;

/// One acknowledged change, as a watcher must see it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    kind: &'static str,
    name: String,
    /// The resourceVersion the write answered with (deletes answer with a Status, without one).
    rv: Option<i64>,
    value: String,
}

/// Reads watch events until `last` returns true for one (inclusive).
fn collect_until(
    mut stream: LineStream,
    last: impl Fn(&Value) -> bool + Send + 'static,
) -> std::thread::JoinHandle<anyhow::Result<Vec<Value>>> {
    std::thread::spawn(move || {
        let mut events = Vec::new();
        loop {
            let Some(ev) = stream.next_value()? else {
                bail!("the watch ended after {} events: {events:?}", events.len());
            };
            let done = last(&ev);
            events.push(ev);
            if done {
                return Ok(events);
            }
        }
    })
}

fn is_marker(ev: &Value) -> bool {
    ev["type"] == "ADDED" && name_of(&ev["object"]) == "marker"
}

/// Creates, updates (with preconditions) and deletes (with preconditions) its own ConfigMaps
/// and those pre-existing ones given to it.
fn changer(
    mut client: Https,
    id: usize,
    mut live: Vec<(String, i64)>,
) -> anyhow::Result<Vec<Change>> {
    let mut done = Vec::new();
    for i in 0..OPS_PER_WRITER {
        let value = format!("c{id}-{i}");
        let op = if live.is_empty() { 0 } else { i % 3 };
        match op {
            0 => {
                let name = format!("w-{id}-{i}");
                let (code, obj) =
                    client.call("POST", CMS, Some(&configmap(&name, &value, None, None)))?;
                ensure!(code == 201, "create {name}: {code} {obj}");
                let rv = rv_of(&obj)?;
                live.push((name.clone(), rv));
                done.push(Change {
                    kind: "ADDED",
                    name,
                    rv: Some(rv),
                    value,
                });
            }
            1 => {
                let k = i % live.len();
                let (name, rv) = live[k].clone();
                let body = configmap(&name, &value, Some(rv), None);
                let (code, obj) = client.call("PUT", &format!("{CMS}/{name}"), Some(&body))?;
                ensure!(code == 200, "update {name}: {code} {obj}");
                let rv = rv_of(&obj)?;
                live[k].1 = rv;
                done.push(Change {
                    kind: "MODIFIED",
                    name,
                    rv: Some(rv),
                    value,
                });
            }
            _ => {
                let (name, rv) = live.remove(i % live.len());
                let opts = json!({
                    "kind": "DeleteOptions",
                    "apiVersion": "v1",
                    "preconditions": {"resourceVersion": rv.to_string()},
                });
                let (code, st) = client.call("DELETE", &format!("{CMS}/{name}"), Some(&opts))?;
                ensure!(code == 200, "delete {name}: {code} {st}");
                // The object a DELETED event carries is the last state.
                let value = done
                    .iter()
                    .rev()
                    .find(|c: &&Change| c.name == name)
                    .map(|c| c.value.clone());
                done.push(Change {
                    kind: "DELETED",
                    name,
                    rv: None,
                    value: value.unwrap_or_default(),
                });
            }
        }
    }
    Ok(done)
}

#[test]
fn watch_delivers_every_change_once_in_order() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let mut client = Https::new(&srv)?;
    let mut given: Vec<Vec<(String, i64)>> = vec![Vec::new(); WATCH_WRITERS];
    for j in 0..12 {
        let name = format!("pre-{j}");
        let (code, obj) = client.call("POST", CMS, Some(&configmap(&name, "pre", None, None)))?;
        ensure!(code == 201, "{code} {obj}");
        given[j % WATCH_WRITERS].push((name, rv_of(&obj)?));
    }
    let (initial, r) = list(&mut client)?;
    let stream = client.stream(&format!(
        "{CMS}?watch=1&resourceVersion={r}&timeoutSeconds=300"
    ))?;
    let reader = collect_until(stream, is_marker);

    let changes: Vec<Vec<Change>> = std::thread::scope(|s| {
        let handles: Vec<_> = given
            .into_iter()
            .enumerate()
            .map(|(id, live)| {
                let c = Https::new(&srv);
                s.spawn(move || changer(c?, id, live))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("changer panicked"))
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let (code, obj) = client.call("POST", CMS, Some(&configmap("marker", "end", None, None)))?;
    ensure!(code == 201, "{code} {obj}");
    let mut events = reader.join().expect("reader panicked")?;
    let marker = events.pop().context("no marker")?;
    ensure!(rv_of(&marker["object"])? == rv_of(&obj)?, "marker {marker}");

    let total: usize = changes.iter().map(Vec::len).sum();
    ensure!(total == WATCH_WRITERS * OPS_PER_WRITER);
    ensure!(
        events.len() == total,
        "{} events for {total} changes after {r}",
        events.len()
    );
    // Strictly increasing resourceVersions: no duplicates, no reordering.
    let mut last = r;
    for ev in events.iter().chain([&marker]) {
        let rv = rv_of(&ev["object"])?;
        ensure!(rv > last, "event at {rv} after one at {last}: {ev}");
        ensure!(
            ev["object"]["kind"] == "ConfigMap" && ev["object"]["apiVersion"] == "v1",
            "{ev}"
        );
        last = rv;
    }
    // Per object, the events are exactly its writer's acknowledged changes, in order.
    let mut seen: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for ev in &events {
        let obj = &ev["object"];
        let kind = match ev["type"].as_str() {
            Some("ADDED") => "ADDED",
            Some("MODIFIED") => "MODIFIED",
            Some("DELETED") => "DELETED",
            other => bail!("unexpected event type {other:?}: {ev}"),
        };
        seen.entry(name_of(obj).to_owned())
            .or_default()
            .push(Change {
                kind,
                name: name_of(obj).to_owned(),
                rv: (kind != "DELETED").then(|| rv_of(obj)).transpose()?,
                value: data_of(obj).to_owned(),
            });
    }
    let mut wanted: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for c in changes.into_iter().flatten() {
        let value = if c.kind == "DELETED" && c.value.is_empty() {
            "pre".into()
        } else {
            c.value.clone()
        };
        wanted
            .entry(c.name.clone())
            .or_default()
            .push(Change { value, ..c });
    }
    ensure!(
        seen == wanted,
        "events differ from the changes:\nseen   {seen:?}\nwanted {wanted:?}"
    );

    // The list at r plus the events is exactly the final state.
    let mut state: BTreeMap<String, (i64, String)> = initial
        .iter()
        .map(|(n, o)| Ok((n.clone(), (rv_of(o)?, data_of(o).to_owned()))))
        .collect::<anyhow::Result<_>>()?;
    for ev in events.iter().chain([&marker]) {
        let obj = &ev["object"];
        if ev["type"] == "DELETED" {
            ensure!(
                state.remove(name_of(obj)).is_some(),
                "DELETED of an absent object: {ev}"
            );
        } else {
            state.insert(
                name_of(obj).to_owned(),
                (rv_of(obj)?, data_of(obj).to_owned()),
            );
        }
    }
    let (after, _) = list(&mut client)?;
    let now: BTreeMap<String, (i64, String)> = after
        .iter()
        .map(|(n, o)| Ok((n.clone(), (rv_of(o)?, data_of(o).to_owned()))))
        .collect::<anyhow::Result<_>>()?;
    ensure!(
        state == now,
        "list+watch gives {state:?}\nthe list gives {now:?}"
    );
    Ok(())
}

/// One watch event (or expectation): type, `name=data`, resourceVersion.
type Seen = (String, String, i64);

/// Drives one ConfigMap in and out of a label selector and returns what the selector's watch
/// delivered and what upstream delivers.
fn selector_transitions() -> anyhow::Result<(Vec<Seen>, Vec<Seen>)> {
    let srv = Server::start(BIN)?;
    let mut client = Https::new(&srv)?;
    let (_, r) = list(&mut client)?;
    let stream = client.stream(&format!(
        "{CMS}?watch=1&resourceVersion={r}&labelSelector=app%3Dx&timeoutSeconds=300"
    ))?;
    let reader = collect_until(stream, is_marker);

    let mut put = |name: &str, value: &str, rv: Option<i64>, app: &str| -> anyhow::Result<i64> {
        let body = configmap(name, value, rv, Some(app));
        let (code, obj) = match rv {
            None => client.call("POST", CMS, Some(&body))?,
            Some(_) => client.call("PUT", &format!("{CMS}/{name}"), Some(&body))?,
        };
        ensure!(code == 200 || code == 201, "{name}: {code} {obj}");
        rv_of(&obj)
    };
    let added = put("a", "1", None, "x")?;
    let left = put("a", "2", Some(added), "y")?;
    let unseen = put("a", "3", Some(left), "y")?;
    let back = put("a", "4", Some(unseen), "x")?;
    let modified = put("a", "5", Some(back), "x")?;
    put("b", "1", None, "y")?;
    let (code, st) = Https::new(&srv)?.call("DELETE", &format!("{CMS}/a"), None)?;
    ensure!(code == 200, "{code} {st}");
    let end = put("marker", "end", None, "x")?;

    let events = reader.join().expect("reader panicked")?;
    let got: Vec<Seen> = events
        .iter()
        .map(|ev| {
            Ok((
                ev["type"].as_str().unwrap_or("").to_owned(),
                format!("{}={}", name_of(&ev["object"]), data_of(&ev["object"])),
                rv_of(&ev["object"])?,
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let deleted_at = got.get(4).map_or(0, |g| g.2);
    ensure!(
        deleted_at > modified && deleted_at < end,
        "deletion at {deleted_at}: {got:?}"
    );
    let want: Vec<Seen> = [
        ("ADDED", "a=1", added),
        // Upstream's watch cache sends the last matching state, at the revision of the change
        // that made it stop matching.
        ("DELETED", "a=1", left),
        ("ADDED", "a=4", back),
        ("MODIFIED", "a=5", modified),
        ("DELETED", "a=5", deleted_at),
        ("ADDED", "marker=end", end),
    ]
    .iter()
    .map(|(t, o, rv)| ((*t).to_owned(), (*o).to_owned(), *rv))
    .collect();
    Ok((got, want))
}

#[test]
fn watch_with_label_selector_follows_matching() -> anyhow::Result<()> {
    let (got, want) = selector_transitions()?;
    let name_only = |seen: &[Seen]| -> Vec<Seen> {
        seen.iter()
            .map(|(t, o, rv)| (t.clone(), o.split('=').next().unwrap_or("").to_owned(), *rv))
            .collect()
    };
    ensure!(
        name_only(&got) == name_only(&want),
        "got  {got:?}\nwant {want:?}"
    );
    // Apart from the DELETED of the change that unmatched (see the next test), the contents
    // are the written ones.
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        ensure!(i == 1 || g == w, "event {i}: got {g:?}, want {w:?}");
    }
    Ok(())
}

#[test]
fn watch_deleted_on_unmatch_carries_the_last_matching_state() -> anyhow::Result<()> {
    let (got, want) = selector_transitions()?;
    ensure!(got == want, "got  {got:?}\nwant {want:?}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. Compaction
// ---------------------------------------------------------------------------------------------

/// The first event of a watch from `rv`.
fn first_event(client: &Https, rv: i64) -> anyhow::Result<Value> {
    let mut stream = client.stream(&format!(
        "{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=30"
    ))?;
    stream
        .next_value()?
        .context("the watch ended without an event")
}

#[test]
fn compaction_expires_old_revisions_and_keeps_recent_ones() -> anyhow::Result<()> {
    let srv = Server::start_with(BIN, &["--history-seconds", "1"])?;
    let mut client = Https::new(&srv)?;
    for name in ["c1", "c2", "c3"] {
        let (code, obj) = client.call("POST", CMS, Some(&configmap(name, "1", None, None)))?;
        ensure!(code == 201, "{code} {obj}");
    }
    let (code, page) = client.call("GET", &format!("{CMS}?limit=1"), None)?;
    ensure!(code == 200, "{code} {page}");
    let token = page["metadata"]["continue"]
        .as_str()
        .context("no continue token")?
        .to_owned();
    let page_rv = rv_of(&page)?;
    // A change after the page, so compaction passes the page's revision.
    let (code, obj) = client.call(
        "PUT",
        &format!("{CMS}/c1"),
        Some(&configmap("c1", "2", None, None)),
    )?;
    ensure!(code == 200, "{code} {obj}");
    ensure!(rv_of(&obj)? > page_rv);

    let expired = eventually(Duration::from_secs(30), "a watch from 1 to expire", || {
        let ev = first_event(&client, 1).ok()?;
        (ev["type"] == "ERROR").then_some(ev)
    })?;
    let status = &expired["object"];
    ensure!(
        status["kind"] == "Status" && status["code"] == 410 && status["reason"] == "Expired",
        "{expired}"
    );
    let continued = eventually(
        Duration::from_secs(30),
        "the continue token to expire",
        || {
            let (code, body) = client
                .call("GET", &format!("{CMS}?limit=1&continue={token}"), None)
                .ok()?;
            (code != 200).then_some((code, body))
        },
    )?;
    ensure!(
        continued.0 == 410 && continued.1["reason"] == "Expired" && continued.1["code"] == 410,
        "continue after compaction: {continued:?}"
    );
    // Upstream hands out a fresh token that goes on from the same key at the current revision.
    let fresh = continued.1["metadata"]["continue"]
        .as_str()
        .context("no fresh continue token in the 410")?
        .to_owned();
    let (code, rest) = client.call("GET", &format!("{CMS}?limit=1&continue={fresh}"), None)?;
    ensure!(code == 200, "the fresh token lists on: {code} {rest}");

    // A recent revision still watches fine.
    let (_, now) = list(&mut client)?;
    let mut stream = client.stream(&format!(
        "{CMS}?watch=1&resourceVersion={now}&timeoutSeconds=30"
    ))?;
    let (code, obj) = client.call(
        "PUT",
        &format!("{CMS}/c2"),
        Some(&configmap("c2", "2", None, None)),
    )?;
    ensure!(code == 200, "{code} {obj}");
    let ev = stream.next_value()?.context("the recent watch ended")?;
    ensure!(
        ev["type"] == "MODIFIED"
            && name_of(&ev["object"]) == "c2"
            && rv_of(&ev["object"])? == rv_of(&obj)?,
        "{ev}"
    );
    Ok(())
}
