//! Simulated Functions host: owned by the host work (being written).
