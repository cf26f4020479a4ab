//! Attribute macros for azfn.
