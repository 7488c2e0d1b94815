//! The records to publish, as plain text for `text` output: each value alone on its line so
//! it can be copied, with where it goes and what to adapt.

use std::fmt::Write;

use super::escape::terminal_safe;
use super::narrative::RecordText;
use super::text::wrap;
use crate::report::Report;

pub fn records_text(out: &mut String, report: &Report, width: u16) {
    if report.fix_records.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nRecords to publish");
    for record in &report.fix_records {
        let text = RecordText::from_record(record);
        let _ = writeln!(out, "{}", wrap(&format!("- {}", text.heading), "  ", width));
        let _ = writeln!(out, "      {}", terminal_safe(&text.value));
        let _ = writeln!(out, "{}", wrap(&text.place, "    ", width));
        let _ = writeln!(
            out,
            "{}",
            wrap(&format!("Why: {}", text.why), "    ", width)
        );
        for placeholder in &text.placeholders {
            let _ = writeln!(
                out,
                "{}",
                wrap(&format!("To adapt: {placeholder}."), "    ", width)
            );
        }
        for note in &text.notes {
            let _ = writeln!(out, "{}", wrap(&format!("Note: {note}"), "    ", width));
        }
    }
}
