//! JSON output: the report as it is, pretty-printed. serde_json escapes every control
//! character, so message values are safe in JSON.

use crate::report::Report;

pub fn report(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report is always serialisable")
}

/// Several reports as one JSON array.
pub fn reports(reports: &[Report]) -> String {
    serde_json::to_string_pretty(reports).expect("a report is always serialisable")
}
