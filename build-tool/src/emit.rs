//! Emit step: owned by the build-tool work (being written).
