//! Route templates as the local host loads them: parsed, matched and ordered by
//! [`azfn_spec::route`], the rules the handler's own router follows too.
//!
//! Segments that mix literal text and parameters (`file.{ext}`) parse, but the matcher does
//! not match them: loading an app that uses one fails with
//! [`HostError::Route`](super::HostError::Route) rather than silently routing wrong.

use azfn_spec::route::RouteTemplate;

/// Parses a template as written in function.json, for routing; the message says what is
/// wrong.
pub(crate) fn load_template(template: &str) -> Result<RouteTemplate, String> {
    let parsed = RouteTemplate::parse_or_message(template)?;
    if let Some(segment) = parsed.segments().iter().find(|s| s.parts.len() > 1) {
        return Err(format!(
            "segment `{}` mixes literal text and parameters, which this simulation does not support",
            &template[segment.range.clone()]
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_segments_are_refused() {
        assert!(load_template("file.{ext}").is_err());
        assert!(load_template("a/{b:nope}").is_err());
        assert_eq!(
            load_template("files/{name}.{ext}").unwrap_err(),
            "segment `{name}.{ext}` mixes literal text and parameters, which this simulation does not support"
        );
        assert!(load_template("items/").is_ok());
    }
}
