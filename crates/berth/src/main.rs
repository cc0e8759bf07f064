//! berth: the binary. Wiring only: command line, logging, start-up order and shutdown.

fn main() {}
