//! Message bodies: text, HTML and attachments with realistic sizes and MIME structure.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::Rng;

pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Karin",
    "Luis", "Mia", "Noah", "Olga", "Paul", "Rosa", "Sven", "Tara", "Uwe",
];
pub const LAST_NAMES: &[&str] = &[
    "Weber", "Novak", "Schmidt", "Rossi", "Dubois", "Jensen", "Kowalski", "Garcia", "Meyer",
    "Fischer", "Larsen", "Silva", "Brown", "Nagy", "Horvat",
];
const WORDS: &[&str] = &[
    "the",
    "order",
    "delivery",
    "invoice",
    "we",
    "your",
    "account",
    "please",
    "thank",
    "you",
    "for",
    "shipment",
    "will",
    "arrive",
    "on",
    "monday",
    "tracking",
    "number",
    "is",
    "attached",
    "regards",
    "team",
    "customer",
    "service",
    "offer",
    "new",
    "spring",
    "collection",
    "discount",
    "per",
    "cent",
    "until",
    "friday",
    "and",
    "a",
    "of",
    "to",
    "in",
    "our",
    "warehouse",
    "stock",
    "payment",
    "received",
    "reminder",
    "due",
    "date",
    "questions",
    "contact",
    "us",
    "any",
    "time",
    "product",
    "update",
    "price",
    "list",
    "meeting",
    "next",
    "week",
    "project",
    "report",
    "quarter",
    "results",
    "with",
    "best",
    "wishes",
    "from",
    "hamburg",
    "office",
];
const SUBJECTS: &[&str] = &[
    "Your order",
    "Invoice",
    "Delivery update for order",
    "Payment reminder",
    "Re: question about shipment",
    "Meeting notes",
    "Quarterly report",
    "Your account",
];
const BULK_SUBJECTS: &[&str] = &[
    "Spring collection: 20% off until Friday",
    "New arrivals in our shop",
    "Last chance: free shipping",
    "Your monthly newsletter",
];

pub fn title(local: &str) -> String {
    let mut chars = local.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub fn subject(rng: &mut Rng, bulk: bool) -> String {
    if bulk {
        rng.pick(BULK_SUBJECTS).to_string()
    } else {
        format!("{} {}", rng.pick(SUBJECTS), 100_000 + rng.below(900_000))
    }
}

/// Paragraphs of words in lines of at most 76 characters, about `size` bytes.
fn text(rng: &mut Rng, size: usize, out: &mut String) {
    let start = out.len();
    let mut line = 0;
    while out.len() - start < size {
        let word = rng.pick(WORDS);
        if line + word.len() + 1 > 76 {
            out.push('\n');
            line = 0;
            if rng.chance(0.15) {
                out.push('\n');
            }
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out.push('\n');
}

fn html(rng: &mut Rng, size: usize, out: &mut String) {
    out.push_str("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family: Arial, sans-serif\">\n");
    let start = out.len();
    while out.len() - start < size {
        out.push_str("<p>");
        let mut para = String::new();
        let size = 200 + rng.below(400) as usize;
        text(rng, size, &mut para);
        out.push_str(&para);
        out.push_str("</p>\n");
        if rng.chance(0.3) {
            out.push_str(&format!(
                "<p><a href=\"https://shop.northwind-trading.example/p/{}\">See the offer</a></p>\n",
                rng.below(100_000)
            ));
        }
    }
    out.push_str("</body></html>\n");
}

pub struct Body {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A MIME body of about `target` bytes.
pub fn mime_body(rng: &mut Rng, target: usize, bulk: bool) -> Body {
    let boundary = format!("=_nw_{}", rng.alnum(20));
    let attach = target > 60_000 || rng.chance(0.12);
    let alternative = bulk || rng.chance(0.6);
    let from_lines = rng.chance(0.02);
    let mut out = String::with_capacity(target + 2048);
    if !attach && !alternative {
        text(rng, target, &mut out);
        if from_lines {
            out.push_str(
                "\nFrom the desk of our managing director: thank you.\n>From an earlier message\n",
            );
        }
        return Body {
            content_type: "text/plain; charset=utf-8".into(),
            bytes: out.into_bytes(),
        };
    }
    let text_size = if attach {
        (target / 8).clamp(400, 12_000)
    } else {
        target * 2 / 5
    };
    let alt_boundary = format!("=_alt_{}", rng.alnum(20));
    let mut alt = String::new();
    alt.push_str(&format!("--{alt_boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"));
    text(rng, text_size, &mut alt);
    if from_lines {
        alt.push_str("\nFrom the desk of our managing director: thank you.\n");
    }
    alt.push_str(&format!("\n--{alt_boundary}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"));
    html(rng, text_size * 3 / 2, &mut alt);
    alt.push_str(&format!("\n--{alt_boundary}--\n"));
    if !attach {
        out.push_str("This is a multi-part message in MIME format.\n\n");
        out.push_str(&alt.replace(&alt_boundary, &boundary));
        return Body {
            content_type: format!("multipart/alternative;\n boundary=\"{boundary}\""),
            bytes: out.into_bytes(),
        };
    }
    out.push_str("This is a multi-part message in MIME format.\n\n");
    out.push_str(&format!(
        "--{boundary}\nContent-Type: multipart/alternative;\n boundary=\"{alt_boundary}\"\n\n"
    ));
    out.push_str(&alt);
    let mut remaining = target.saturating_sub(out.len()).max(2_000);
    let parts = 1 + rng.below(2);
    for n in 0..parts {
        let size = if n + 1 == parts {
            remaining
        } else {
            remaining / 2
        };
        remaining -= size.min(remaining);
        let raw = size * 3 / 4;
        let (ctype, name, magic): (&str, String, &[u8]) = match rng.below(3) {
            0 => (
                "application/pdf",
                format!("invoice-{}.pdf", rng.below(99_999)),
                b"%PDF-1.7\n",
            ),
            1 => (
                "image/png",
                format!("photo{}.png", rng.below(999)),
                b"\x89PNG\r\n\x1a\n",
            ),
            _ => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("report-{}.xlsx", rng.below(999)),
                b"PK\x03\x04",
            ),
        };
        let mut data = vec![0u8; raw.max(magic.len())];
        rng.fill(&mut data);
        data[..magic.len()].copy_from_slice(magic);
        out.push_str(&format!(
            "\n--{boundary}\nContent-Type: {ctype}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\nContent-Transfer-Encoding: base64\n\n"
        ));
        let encoded = B64.encode(&data);
        for chunk in encoded.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
            out.push('\n');
        }
    }
    out.push_str(&format!("\n--{boundary}--\n"));
    Body {
        content_type: format!("multipart/mixed;\n boundary=\"{boundary}\""),
        bytes: out.into_bytes(),
    }
}
