//! OpenAPI documents generated from the resource registry: the v3 root and per-group-version
//! documents (`/openapi/v3`, `/openapi/v3/apis/apps/v1?hash=…`) and the v2 document as gnostic
//! protobuf (`/openapi/v2`).
//!
//! kubectl needs them to decide that the server validates fields itself: 1.29+ read v3 first,
//! 1.27/1.28 read v2 protobuf. When a kind's PATCH operation lists the `fieldValidation` query
//! parameter, kubectl skips client-side schema validation and sends `fieldValidation=Strict`
//! (or `Warn`/`Ignore` from `--validate`). Both documents also carry the schema of every served
//! kind and of the types it reaches, generated from the Kubernetes types (names and descriptions
//! as upstream's) with the `x-kubernetes-*` extensions from berth's merge-key table:
//! `kubectl explain` reads them, and `apply` computes strategic merge patches from them.
//!
//! The documents are built once, on first use, and cached. Each has a content hash (SHA-512, upper-case hex, as
//! upstream): the v3 root links every group-version document with `?hash=`, so clients that
//! cache those URLs as immutable see a new URL whenever the content changes; the same hashes
//! serve as ETags.

mod ops;
mod patchmeta;
mod pb;
mod schemas;
mod v2;
mod v2_schema;
mod v3;

use std::sync::LazyLock;

use bytes::Bytes;
use serde_json::{Map, Value, json};

/// `Content-Type` of [`v2_protobuf`], as upstream answers it.
pub const V2_PROTOBUF_CONTENT_TYPE: &str =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The media type kubectl puts in `Accept` when it wants [`v2_protobuf`].
pub const V2_PROTOBUF_ACCEPT: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

/// One rendered group-version document.
struct GroupVersionDoc {
    /// `api/v1` or `apis/apps/v1`.
    path: String,
    json: Bytes,
    hash: String,
}

/// Every document, rendered once.
struct Documents {
    group_versions: Vec<GroupVersionDoc>,
    v2: Bytes,
    v2_hash: String,
}

static DOCUMENTS: LazyLock<Documents> = LazyLock::new(|| {
    let started = std::time::Instant::now();
    let catalog = schemas::Catalog::build();
    let group_versions: Vec<GroupVersionDoc> = ops::group_versions()
        .into_iter()
        .map(|(group, version)| {
            let json = v3::document(&catalog, group, version)
                .to_string()
                .into_bytes();
            GroupVersionDoc {
                path: ops::doc_path(group, version),
                hash: content_hash(&json),
                json: Bytes::from(json),
            }
        })
        .collect();
    let v2 = v2::document(&catalog);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        definitions = catalog.definitions.len(),
        v3_bytes = group_versions.iter().map(|d| d.json.len()).sum::<usize>(),
        v2_bytes = v2.len(),
        "rendered the OpenAPI documents"
    );
    Documents {
        group_versions,
        v2_hash: content_hash(&v2),
        v2: Bytes::from(v2),
    }
});

/// The catalog for tests, built once per test binary.
#[cfg(test)]
pub(crate) fn test_catalog() -> &'static schemas::Catalog {
    static CATALOG: LazyLock<schemas::Catalog> = LazyLock::new(schemas::Catalog::build);
    &CATALOG
}

/// SHA-512 of `content` in upper-case hex (128 characters), as upstream hashes its documents.
pub fn content_hash(content: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = ring::digest::digest(&ring::digest::SHA512, content);
    digest
        .as_ref()
        .iter()
        .fold(String::with_capacity(128), |mut hex, byte| {
            let _ = write!(hex, "{byte:02X}");
            hex
        })
}

/// `GET /openapi/v3`: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}}`
/// with one entry per served group-version.
pub fn v3_root() -> Value {
    let paths: Map<String, Value> = DOCUMENTS
        .group_versions
        .iter()
        .map(|doc| {
            let url = format!("/openapi/v3/{}?hash={}", doc.path, doc.hash);
            (doc.path.clone(), json!({"serverRelativeURL": url}))
        })
        .collect();
    json!({"paths": paths})
}

/// `GET /openapi/v3/{path}` (`path` is `api/v1` or `apis/apps/v1`, a leading `/` is ignored):
/// the JSON document and its content hash (for the ETag, unquoted), or `None` when the
/// group-version is not served.
pub fn v3_group_version(path: &str) -> Option<(Bytes, String)> {
    let path = path.strip_prefix('/').unwrap_or(path);
    DOCUMENTS
        .group_versions
        .iter()
        .find(|doc| doc.path == path)
        .map(|doc| (doc.json.clone(), doc.hash.clone()))
}

/// `GET /openapi/v2`: the gnostic `openapi_v2.Document` in protobuf; answer it with
/// [`V2_PROTOBUF_CONTENT_TYPE`].
pub fn v2_protobuf() -> Bytes {
    DOCUMENTS.v2.clone()
}

/// The content hash of [`v2_protobuf`], unquoted; quote it for the `ETag` header.
pub fn v2_etag() -> String {
    DOCUMENTS.v2_hash.clone()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_upstream_style_sha512() {
        // SHA-512("abc") from FIPS 180-2.
        assert_eq!(
            content_hash(b"abc"),
            "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A\
             2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F"
        );
        assert_ne!(content_hash(b"abc"), content_hash(b"abd"));
    }

    #[test]
    fn root_links_every_group_version_with_its_hash() {
        let root = v3_root();
        let paths = root["paths"].as_object().unwrap();
        for key in [
            "api/v1",
            "apis/apps/v1",
            "apis/storage.k8s.io/v1",
            "apis/authorization.k8s.io/v1",
        ] {
            let url = paths[key]["serverRelativeURL"].as_str().unwrap();
            let (json, hash) = v3_group_version(key).unwrap();
            assert_eq!(url, format!("/openapi/v3/{key}?hash={hash}"));
            assert_eq!(hash.len(), 128);
            assert_eq!(hash, content_hash(&json));
        }
        assert_eq!(paths.len(), ops::group_versions().len());
    }

    #[test]
    fn group_version_lookup() {
        let (json, _) = v3_group_version("/apis/apps/v1").unwrap();
        let doc: Value = serde_json::from_slice(&json).unwrap();
        assert!(
            doc["paths"]
                .get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
                .is_some()
        );
        assert!(v3_group_version("apis/batch/v1").is_none());
        assert!(v3_group_version("apis/apps").is_none());
        assert!(v3_group_version("").is_none());
    }

    #[test]
    fn hashes_differ_between_documents_and_are_stable() {
        let (_, core) = v3_group_version("api/v1").unwrap();
        let (_, apps) = v3_group_version("apis/apps/v1").unwrap();
        assert_ne!(core, apps);
        // Re-rendering gives the same bytes, so the hash survives restarts.
        let catalog = schemas::Catalog::build();
        let again = v3::document(&catalog, "", "v1").to_string();
        assert_eq!(content_hash(again.as_bytes()), core);
        assert_eq!(v2_etag(), content_hash(&v2::document(&catalog)));
        assert_eq!(v2_protobuf(), Bytes::from(v2::document(&catalog)));
    }
}
