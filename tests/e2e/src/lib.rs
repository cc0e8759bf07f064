//! berth-e2e: a harness that starts the real `berth` binary in a temporary data dir and drives
//! it with the real `kubectl`.
