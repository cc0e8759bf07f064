//! berth-api: the Kubernetes kinds berth serves, as data and pure functions.
//!
//! It owns the resource registry (group, version, kind, plural, scope, short names, verbs,
//! subresources), label and field selectors, object-metadata validation with upstream's exact
//! messages, server-side table printing, and decoding of Kubernetes protobuf request bodies.
//! Objects are `serde_json::Value`s in their wire form.
//!
//! It must not do IO: no files, sockets, clocks or randomness. Callers pass in "now" and any
//! generated values.

pub mod registry;

pub use registry::{GenerationPolicy, Registry, ResourceInfo, Scope, Subresource};

pub mod protobuf;

pub mod convert;
pub mod defaults;
pub mod duration;
pub mod fields;
pub mod merge_keys;
pub mod quantity;
pub mod schema;
pub mod selector;
pub mod smp;
pub mod ssa;
pub mod strict_json;
pub mod table;
pub mod validation;
