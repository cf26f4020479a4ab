//! The function metadata that the macros compile into the handler binary: one record per
//! annotated function, holding its `function.json` and where it was written.
//!
//! The format, its reader and the types live in [`azfn_spec::record`], shared with
//! `cargo azfn`, which reads the same records out of the executable without running it. They
//! are re-exported here under their long-standing paths.

pub use azfn_spec::record::{
    Binding, Direction, FunctionJson, FunctionRecord, RECORD_END, RECORD_FORMAT, RECORD_MAGIC,
    RETURN_BINDING, RecordError as MetadataError, SourceLocation, decode_record, encode_record,
    record_len, scan_records,
};
