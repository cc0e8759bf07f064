//! berth-node: the node agent, berth's kubelet. It runs each pod's containers as processes
//! isolated with Linux namespaces, gives them their volumes, environment and identity, checks
//! their health, restarts them and reports their status through the API.
//!
//! It must not decide desired state: it runs what the API says is bound to its node. Side
//! effects (syscalls, cgroup files, the filesystem under the node root) sit behind narrow traits
//! so the logic is testable without root; `unsafe` is allowed only in the sandbox module.
pub mod cgroups;
pub mod env;
pub mod files;
