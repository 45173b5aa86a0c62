//! An empty program: the floor for starting a process, for the one-shot bench.

fn main() {}
