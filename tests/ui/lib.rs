//! Compile-time tests of the azfn attribute macros: see `compile.rs`.
