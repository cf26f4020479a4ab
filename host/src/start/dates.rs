//! Dates as the host writes them: in `Metadata`, and on console lines.

/// `DateTimeOffset` as the host sends it in Metadata (§2.3): second precision, `+00:00`.
pub(crate) fn format_offset(time: time::OffsetDateTime) -> String {
    let t = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Now, `2026-11-23T19:35:17.123Z`, for console lines.
pub(crate) fn now_iso_millis() -> String {
    azfn_spec::expression::format_datetime(
        time::OffsetDateTime::now_utc(),
        "yyyy-MM-ddTHH:mm:ss.fffK",
    )
    .expect("a valid .NET date format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_have_second_precision() {
        let t = time::macros::datetime!(2024-10-31 21:32:17.5 UTC);
        assert_eq!(format_offset(t), "2024-10-31T21:32:17+00:00");
    }
}
