//! berth-apiserver: the Kubernetes REST API over a berth store.
//!
//! It owns HTTP routing with upstream paths and verbs, discovery, OpenAPI documents, CRUD,
//! watch, patch and subresources, `Status` errors, authentication, TLS and metrics.
//!
//! It must not contain controller logic: it stores what clients send (after defaulting and
//! validation) and never acts on it.

pub mod discovery;
pub mod openapi;

pub mod auth;
pub mod codec;
pub mod convert;
mod handlers;
pub mod metrics;
pub mod objects;
pub mod request;
pub mod server;
pub mod status;
pub mod time;

pub use server::{ApiServer, Clock, Config, SystemClock};
pub mod compaction;
pub mod serve;
pub mod tls;
