//! berth-apiserver: the Kubernetes REST API over a berth store.
//!
//! It owns HTTP routing with upstream paths and verbs, discovery, OpenAPI documents, CRUD,
//! watch, patch and subresources, `Status` errors, authentication, TLS and metrics.
//!
//! It must not contain controller logic: it stores what clients send (after defaulting and
//! validation) and never acts on it.
