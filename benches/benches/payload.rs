//! Where an invocation's time goes: parsing and decoding each contract vector, encoding each
//! response, and one whole `order` invocation in-process (no sockets), azfn against the
//! hand-written handler.
//!
//! Run with `cargo bench -p azfn-benches` (add a filter: `cargo bench -p azfn-benches -- decode`).

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use azfn::encode::encode_output;
use azfn::metadata::{Binding, Direction};
use azfn::output::OutputValue;
use azfn::payload::{InvocationRequest, decode_value};
use azfn_benches::vectors::{ORDER_VECTOR, all_vectors, host_body, read_vector};
use common::{answer, order_request};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value};

/// The request vectors, as the host sends them (compact).
fn request_vectors() -> Vec<(String, bytes::Bytes)> {
    all_vectors()
        .expect("the vectors folder")
        .into_iter()
        .filter_map(|name| {
            let stem = name.strip_suffix(".request.json")?.to_owned();
            Some((stem, host_body(&name).expect("a request vector")))
        })
        .collect()
}

/// Parsing: the payload parse every invocation pays (`InvocationRequest::parse`, a
/// `serde_json::Value` tree of the whole body).
fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (stem, body) in request_vectors() {
        group.bench_function(&stem, |b| {
            b.iter(|| InvocationRequest::parse(black_box(&body)).expect("valid payload"))
        });
    }
    group.finish();
}

/// Decoding: undoing the host's encoding (§2.3) of every `Data` and `Metadata` value of an
/// already parsed payload, as the extractors do for the values a function reads.
fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for (stem, body) in request_vectors() {
        let request = InvocationRequest::parse(&body).expect("valid payload");
        let names: Vec<String> = request.data_names().map(str::to_owned).collect();
        let metadata: serde_json::Map<String, serde_json::Value> = request
            .raw_metadata()
            .map(|raw| serde_json::from_str(raw).expect("valid metadata"))
            .unwrap_or_default();
        group.bench_function(&stem, |b| {
            b.iter(|| {
                for name in &names {
                    let value = request.data(name).expect("valid JSON").expect("present");
                    black_box(decode_value(black_box(&value)));
                }
                for value in metadata.values() {
                    black_box(decode_value(black_box(value)));
                }
            })
        });
    }
    group.finish();
}

/// An output binding of a queue, blob or other non-HTTP type.
fn output_binding(name: &str) -> Binding {
    Binding {
        kind: "queue".into(),
        direction: Direction::Out,
        name: name.into(),
        settings: Map::new(),
    }
}

/// What a function wrote for one response value: text for strings, several items for arrays,
/// JSON for the rest (HTTP output objects are already in their final form).
fn written(value: &Value) -> Option<OutputValue> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(OutputValue::Text(text.clone())),
        Value::Array(items) => Some(OutputValue::Many(
            items.iter().filter_map(written).collect(),
        )),
        other => Some(OutputValue::Json(other.clone())),
    }
}

/// Encoding: each response vector's values through the host's output rules, then the whole
/// answer serialized as the runtime sends it.
fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    for name in all_vectors().expect("the vectors folder") {
        let Some(stem) = name.strip_suffix(".response.json") else {
            continue;
        };
        let vector = read_vector(&name).expect("a response vector");
        let outputs: Vec<(String, Value)> = vector["Outputs"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let logs = vector["Logs"].clone();
        let return_value = vector["ReturnValue"].clone();
        group.bench_function(stem, |b| {
            b.iter_batched(
                || (outputs.clone(), return_value.clone()),
                |(outputs, return_value)| {
                    let mut encoded = Map::new();
                    for (name, value) in outputs {
                        let value = match (&value, written(&value)) {
                            // An HTTP output object goes as it is.
                            (Value::Object(_), _) | (_, None) => value,
                            (_, Some(out)) => {
                                encode_output(&output_binding(&name), out).expect("encodable")
                            }
                        };
                        encoded.insert(name, value);
                    }
                    let return_value = match written(&return_value) {
                        Some(out) if !return_value.is_object() => {
                            encode_output(&output_binding("$return"), out).expect("encodable")
                        }
                        _ => return_value,
                    };
                    let mut answer = Map::new();
                    answer.insert("Outputs".into(), Value::Object(encoded));
                    answer.insert("Logs".into(), logs.clone());
                    answer.insert("ReturnValue".into(), return_value);
                    serde_json::to_vec(&Value::Object(answer)).expect("serializes")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// One whole `order` invocation in-process: the host's request into each router, the answer
/// collected. The difference between the two is azfn's own cost, without the network.
fn invoke(c: &mut Criterion) {
    let runtime = common::runtime();
    let body = host_body(ORDER_VECTOR).expect("the order vector");
    let azfn_router = common::router("azfn").expect("azfn's router");
    let baseline_router = common::router("baseline").expect("the baseline's router");
    let mut group = c.benchmark_group("invoke_order");
    for (name, router) in [("azfn", azfn_router), ("baseline", baseline_router)] {
        group.bench_function(name, |b| {
            b.iter(|| runtime.block_on(answer(&router, order_request(&body))))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, decode, encode, invoke);
criterion_main!(benches);
