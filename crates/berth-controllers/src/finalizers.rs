//! Finalizer bookkeeping shared by the protection controllers (upstream's `protectionutil`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Whether `meta.finalizers` holds `finalizer`.
pub(crate) fn has(meta: &ObjectMeta, finalizer: &str) -> bool {
    meta.finalizers
        .as_deref()
        .is_some_and(|f| f.iter().any(|x| x == finalizer))
}

/// Being deleted and still held by `finalizer`: the controller owning it decides now.
pub(crate) fn is_deletion_candidate(meta: &ObjectMeta, finalizer: &str) -> bool {
    meta.deletion_timestamp.is_some() && has(meta, finalizer)
}

/// Alive and missing `finalizer`: objects created before the admission step added it.
pub(crate) fn needs_adding(meta: &ObjectMeta, finalizer: &str) -> bool {
    meta.deletion_timestamp.is_none() && !has(meta, finalizer)
}

/// Appends `finalizer` unless present.
pub(crate) fn add(meta: &mut ObjectMeta, finalizer: &str) {
    if !has(meta, finalizer) {
        meta.finalizers
            .get_or_insert_with(Vec::new)
            .push(finalizer.to_owned());
    }
}

/// Drops every occurrence of `finalizer`; an emptied list is left out, as upstream writes it.
pub(crate) fn remove(meta: &mut ObjectMeta, finalizer: &str) {
    if let Some(list) = meta.finalizers.as_mut() {
        list.retain(|x| x != finalizer);
        if list.is_empty() {
            meta.finalizers = None;
        }
    }
}

#[cfg(test)]
// Tests fail loudly on anything unexpected.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn meta(finalizers: &[&str], deleting: bool) -> ObjectMeta {
        ObjectMeta {
            finalizers: (!finalizers.is_empty())
                .then(|| finalizers.iter().map(|f| (*f).to_owned()).collect()),
            deletion_timestamp: deleting.then_some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn candidates_and_additions() {
        // (finalizers, deleting, deletion candidate, needs adding)
        let cases: &[(&[&str], bool, bool, bool)] = &[
            (&[], false, false, true),
            (&["f"], false, false, false),
            (&["other"], false, false, true),
            (&["f"], true, true, false),
            (&[], true, false, false),
            (&["other"], true, false, false),
        ];
        for (fins, deleting, candidate, adding) in cases {
            let m = meta(fins, *deleting);
            assert_eq!(
                is_deletion_candidate(&m, "f"),
                *candidate,
                "{fins:?} {deleting}"
            );
            assert_eq!(needs_adding(&m, "f"), *adding, "{fins:?} {deleting}");
        }
    }

    #[test]
    fn add_and_remove_keep_other_finalizers() {
        let mut m = meta(&["a"], false);
        add(&mut m, "f");
        add(&mut m, "f");
        assert_eq!(
            m.finalizers.as_deref(),
            Some(&["a".to_owned(), "f".to_owned()][..])
        );
        remove(&mut m, "f");
        assert_eq!(m.finalizers.as_deref(), Some(&["a".to_owned()][..]));
        remove(&mut m, "a");
        assert_eq!(m.finalizers, None);
    }
}
