//! Inline SVG charts, written through the escaping [`Html`] writer. Colour always comes
//! with a second cue (a fill pattern, a text label, a legend entry), every chart carries a
//! title and a description for screen readers, and nothing is loaded from anywhere.
//!
//! - [`score_bar`]: one verdict's score as stacked contributions per cause, coloured and
//!   patterned by who can fix each, with the filter's line and the score marked.
//! - [`row_bar`]: a single bar against a scale with an optional line, one per table row:
//!   used by the what-if table and the batch summary page (share flagged, each cause's and
//!   rule's share, the score histograms).

use super::builder::Html;

/// Who can fix a cause, as the chart shows it: a fill, a pattern and words.
pub struct Look {
    pub class: &'static str,
    pub colour: &'static str,
    /// Pattern id suffix, or "" for a solid fill.
    pub pattern: &'static str,
    pub words: &'static str,
}

pub fn look(fault: &str) -> Look {
    match fault {
        "sender-setup" => Look {
            class: "setup",
            colour: "#1f5fa8",
            pattern: "",
            words: "the sender's set-up (server, DNS)",
        },
        "sender-content" => Look {
            class: "content",
            colour: "#a14f00",
            pattern: "stripes",
            words: "the message itself (wording, layout)",
        },
        "sender-reputation" => Look {
            class: "reputation",
            colour: "#6b3fa0",
            pattern: "dots",
            words: "the sender's reputation (takes time)",
        },
        "receiver" => Look {
            class: "receiver",
            colour: "#5f6368",
            pattern: "cross",
            words: "the recipient's side (not the sender's doing)",
        },
        _ => Look {
            class: "other",
            colour: "#6e6e6e",
            pattern: "lines",
            words: "rules this tool does not recognise",
        },
    }
}

/// Pattern definitions for one chart (ids must be unique in the document).
fn pattern_defs(html: &mut Html, id: &str) {
    html.open("defs", &[]);
    for fault in ["sender-content", "sender-reputation", "receiver", "other"] {
        let look = look(fault);
        let pid = format!("{id}-{}", look.pattern);
        html.open(
            "pattern",
            &[
                ("id", &pid),
                ("width", "8"),
                ("height", "8"),
                ("patternUnits", "userSpaceOnUse"),
            ],
        );
        html.open(
            "rect",
            &[("width", "8"), ("height", "8"), ("fill", look.colour)],
        )
        .close("rect");
        let mark: &[(&'static str, &str)] = match look.pattern {
            "stripes" => &[("d", "M-2,10 L10,-2 M-2,2 L2,-2 M6,10 L10,6")],
            "dots" => &[("d", "M3,3 h2 v2 h-2 Z")],
            "cross" => &[("d", "M0,0 L8,8 M8,0 L0,8")],
            _ => &[("d", "M0,4 H8")],
        };
        let mut attrs: Vec<(&'static str, &str)> = mark.to_vec();
        attrs.extend([
            ("stroke", "#ffffff"),
            ("stroke-opacity", "0.55"),
            ("stroke-width", "1.5"),
            ("fill", "#ffffff"),
            ("fill-opacity", "0.55"),
        ]);
        html.open("path", &attrs).close("path");
        html.close("pattern");
    }
    html.close("defs");
}

/// The fill for a fault in a chart whose patterns have id prefix `id`.
pub fn fill(id: &str, fault: &str) -> String {
    let look = look(fault);
    if look.pattern.is_empty() {
        look.colour.to_owned()
    } else {
        format!("url(#{id}-{})", look.pattern)
    }
}

/// One cause's share of a score.
pub struct Contribution {
    pub label: String,
    pub fault: String,
    pub points: f64,
}

fn num(value: f64) -> String {
    format!("{value:.1}")
}

/// A score as a stacked bar of what each cause added, the line the filter flags at, and
/// what lowered the score. `description` is the chart's text alternative.
pub fn score_bar(
    html: &mut Html,
    id: &str,
    contributions: &[Contribution],
    score: f64,
    threshold: f64,
    title: &str,
    description: &str,
) {
    const WIDTH: f64 = 480.0;
    const LEFT: f64 = 10.0;
    const RIGHT: f64 = 10.0;
    let positive: f64 = contributions.iter().map(|c| c.points.max(0.0)).sum();
    let max = score.max(threshold).max(positive).max(1.0) * 1.08;
    let x = |value: f64| LEFT + (WIDTH - LEFT - RIGHT) * value.clamp(0.0, max) / max;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    html.open(
        "svg",
        &[
            ("class", "chart"),
            ("viewBox", "0 0 480 132"),
            ("role", "img"),
            ("aria-labelledby", &labelled),
            ("xmlns", "http://www.w3.org/2000/svg"),
        ],
    );
    html.el("title", &[("id", &title_id)], title);
    html.el("desc", &[("id", &desc_id)], description);
    pattern_defs(html, id);
    // The track.
    html.open(
        "rect",
        &[
            ("x", &num(LEFT)),
            ("y", "32"),
            ("width", &num(WIDTH - LEFT - RIGHT)),
            ("height", "40"),
            ("fill", "#eef1f4"),
            ("stroke", "#8a94a0"),
        ],
    )
    .close("rect");
    let mut at = 0.0;
    for contribution in contributions.iter().filter(|c| c.points > 0.0) {
        let (start, end) = (x(at), x(at + contribution.points));
        at += contribution.points;
        html.open(
            "rect",
            &[
                ("class", "segment"),
                ("x", &num(start)),
                ("y", "32"),
                ("width", &num((end - start).max(0.5))),
                ("height", "40"),
                ("fill", &fill(id, &contribution.fault)),
                ("stroke", "#ffffff"),
                ("stroke-width", "1"),
            ],
        );
        html.el(
            "title",
            &[],
            &format!(
                "{}: +{} ({})",
                contribution.label,
                super::super::format_points(contribution.points),
                look(&contribution.fault).words
            ),
        );
        html.close("rect");
        if end - start >= 44.0 {
            html.el(
                "text",
                &[
                    ("x", &num((start + end) / 2.0)),
                    ("y", "59"),
                    ("class", "seg-label"),
                    ("text-anchor", "middle"),
                ],
                &format!("+{}", super::super::format_points(contribution.points)),
            );
        }
    }
    // What lowered the score: from the positive total back to the score.
    if score < positive - 1e-9 {
        let (start, end) = (x(score.max(0.0)), x(positive));
        html.open(
            "rect",
            &[
                ("x", &num(start)),
                ("y", "76"),
                ("width", &num((end - start).max(0.5))),
                ("height", "10"),
                ("fill", "#2e7d32"),
            ],
        );
        html.el(
            "title",
            &[],
            &format!(
                "Rules that lowered the score: {}",
                super::super::format_points(score - positive)
            ),
        );
        html.close("rect");
    }
    // The line.
    let line_x = x(threshold);
    html.open(
        "line",
        &[
            ("x1", &num(line_x)),
            ("x2", &num(line_x)),
            ("y1", "26"),
            ("y2", "92"),
            ("stroke", "#b00020"),
            ("stroke-width", "3"),
            ("stroke-dasharray", "6 3"),
        ],
    )
    .close("line");
    let anchor = |px: f64| {
        if px < 75.0 {
            "start"
        } else if px > WIDTH - 75.0 {
            "end"
        } else {
            "middle"
        }
    };
    html.el(
        "text",
        &[
            ("x", &num(line_x)),
            ("y", "21"),
            ("class", "chart-label line-label"),
            ("text-anchor", anchor(line_x)),
        ],
        &format!("line {}", super::super::format_points(threshold)),
    );
    // The score.
    let score_x = x(score);
    html.open(
        "path",
        &[
            ("d", &format!("M{} 94 l-8 13 h16 Z", num(score_x))),
            ("fill", "#111111"),
        ],
    )
    .close("path");
    html.el(
        "text",
        &[
            ("x", &num(score_x)),
            ("y", "128"),
            ("class", "chart-label"),
            ("text-anchor", anchor(score_x)),
        ],
        &format!("score {}", super::super::format_points(score)),
    );
    html.close("svg");
}

/// A bar for one table row: `value` against `max`, with the line at `threshold`. The row's
/// own cells carry the words and numbers; the bar is decoration (`aria-hidden`).
pub fn row_bar(html: &mut Html, value: f64, max: f64, threshold: Option<f64>, over: bool) {
    let max = max.max(1e-9);
    let width = 200.0 * value.clamp(0.0, max) / max;
    html.open(
        "svg",
        &[
            ("class", "rowbar"),
            ("viewBox", "0 0 200 16"),
            ("aria-hidden", "true"),
            ("focusable", "false"),
            ("preserveAspectRatio", "none"),
            ("xmlns", "http://www.w3.org/2000/svg"),
        ],
    );
    html.open(
        "rect",
        &[("width", "200"), ("height", "16"), ("fill", "#eef1f4")],
    )
    .close("rect");
    html.open(
        "rect",
        &[
            ("width", &num(width)),
            ("height", "16"),
            ("fill", if over { "#b00020" } else { "#2e7d32" }),
        ],
    )
    .close("rect");
    if let Some(threshold) = threshold {
        let x = num(200.0 * threshold.clamp(0.0, max) / max);
        html.open(
            "line",
            &[
                ("x1", &x),
                ("x2", &x),
                ("y1", "0"),
                ("y2", "16"),
                ("stroke", "#111111"),
                ("stroke-width", "2"),
            ],
        )
        .close("line");
    }
    html.close("svg");
}

/// A small legend swatch in the chart's colours and pattern.
pub fn swatch(html: &mut Html, id: &str, fault: &str) {
    html.open(
        "svg",
        &[
            ("class", "swatch"),
            ("viewBox", "0 0 16 16"),
            ("aria-hidden", "true"),
            ("focusable", "false"),
            ("xmlns", "http://www.w3.org/2000/svg"),
        ],
    );
    html.open(
        "rect",
        &[
            ("width", "16"),
            ("height", "16"),
            ("fill", &fill(id, fault)),
            ("stroke", "#333333"),
        ],
    )
    .close("rect");
    html.close("svg");
}
