//! The HTML report without a browser: every corpus report is valid HTML (no tokenizer
//! errors from a WHATWG tokenizer, every element closed in order, ids unique, charts
//! labelled), loads nothing, and carries every value from the message as text only, however
//! hostile. Also the CLI's `--format html` and `-o`, and "what if" and fix records in every
//! output format.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// The HTML void elements (no end tag).
const VOID: &[&str] = &[
    "meta", "br", "hr", "img", "link", "col", "wbr", "input", "source",
];

/// Every tag the renderer writes; anything else in the output came from a message.
const KNOWN_TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "footer",
    "article",
    "section",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "span",
    "strong",
    "code",
    "pre",
    "mark",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "div",
    "figure",
    "figcaption",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "blockquote",
    "svg",
    "title",
    "desc",
    "defs",
    "pattern",
    "rect",
    "path",
    "line",
    "text",
];

struct Parsed {
    errors: Vec<String>,
    /// Text content, decoded, in order.
    text: String,
    tags: Vec<String>,
}

/// Tokenizes and checks structure; returns what a validator would complain about.
fn parse(html: &str) -> Parsed {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut errors = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut ids = HashSet::new();
    let mut text = String::new();
    let mut tags = Vec::new();
    let mut saw_doctype = false;
    for token in Tokenizer::new_with_emitter(html, emitter) {
        match token.unwrap() {
            Token::Doctype(doctype) => {
                saw_doctype = String::from_utf8_lossy(&doctype.name) == "html";
            }
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                if !saw_doctype {
                    errors.push(format!("<{name}> before the doctype"));
                }
                if tag.self_closing {
                    errors.push(format!("self-closing <{name}/>"));
                }
                for (attribute, value) in &tag.attributes {
                    let attribute = String::from_utf8_lossy(attribute).to_ascii_lowercase();
                    let value = String::from_utf8_lossy(value);
                    if attribute.starts_with("on") {
                        errors.push(format!("event handler {attribute} on <{name}>"));
                    }
                    if matches!(
                        attribute.as_str(),
                        "src"
                            | "href"
                            | "srcset"
                            | "action"
                            | "formaction"
                            | "xlink:href"
                            | "style"
                    ) {
                        errors.push(format!("{attribute}= on <{name}>"));
                    }
                    if value.contains("url(") && !value.starts_with("url(#") {
                        errors.push(format!("url() in {attribute}= on <{name}>"));
                    }
                    if attribute == "id" && !ids.insert(value.into_owned()) {
                        errors.push(format!("duplicate id on <{name}>"));
                    }
                }
                if !VOID.contains(&name.as_str()) {
                    stack.push(name.clone());
                }
                tags.push(name);
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                match stack.pop() {
                    Some(open) if open == name => {}
                    open => errors.push(format!("</{name}> closes {open:?}")),
                }
            }
            Token::String(s) => text.push_str(&String::from_utf8_lossy(&s)),
            Token::Comment(_) => errors.push("a comment".to_owned()),
            Token::Error(error) => errors.push(format!("tokenizer: {error:?}")),
        }
    }
    if !stack.is_empty() {
        errors.push(format!("unclosed: {stack:?}"));
    }
    Parsed { errors, text, tags }
}

fn corpus() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir("corpus")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths
}

fn html_for(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    let report = spamwhy::analyze(path, &bytes).unwrap();
    let raw = spamwhy::render::html::raw_header_section(&bytes);
    spamwhy::render::html::render(&report, Some(&raw))
}

#[test]
fn every_corpus_report_is_valid_self_contained_html() {
    let mut failures = Vec::new();
    for path in corpus() {
        let html = html_for(&path);
        let parsed = parse(&html);
        for error in parsed.errors {
            failures.push(format!("{path}: {error}"));
        }
        for tag in parsed.tags {
            if !KNOWN_TAGS.contains(&tag.as_str()) {
                failures.push(format!("{path}: unexpected <{tag}>"));
            }
        }
        if !html.contains("default-src &#39;none&#39;") {
            failures.push(format!("{path}: no Content-Security-Policy"));
        }
        if html.contains("<script")
            || html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\"")
        {
            failures.push(format!("{path}: script or external address"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn recorded_dns_reports_are_valid_too() {
    for stem in [
        "01-sa-default-dynamic-ptr",
        "09-rspamd-milter-add-header",
        "18-gmail-workspace-dmarc-fail",
    ] {
        let message = format!("corpus/{stem}.eml");
        let context = spamwhy::Context {
            dns: Some(
                spamwhy::DnsContext::load(Path::new(&format!("corpus/dns/{stem}.zone"))).unwrap(),
            ),
        };
        let report =
            spamwhy::analyze_with(&message, &std::fs::read(&message).unwrap(), &context).unwrap();
        let parsed = parse(&spamwhy::render::html::render(&report, None));
        assert!(parsed.errors.is_empty(), "{stem}: {:?}", parsed.errors);
        assert!(parsed.text.contains("Re-verified offline"), "{stem}");
    }
}

/// A message whose every header carries markup and quotes, control characters, a bidi
/// override and something that looks like an entity.
const HOSTILE: &str = "Return-Path: <\"><script>alert(1)</script>@evil.example>\n\
Received: from x (evil.example [198.51.100.77])\n\
\tby mx.example.net (Postfix) with ESMTP id 1A2B\n\
\tfor <a@example.net>; Tue, 21 Jul 2026 21:48:31 +0200 (CEST)\n\
X-Spam-Status: Yes, score=9.0 required=5.0 tests=RDNS_NONE,HELO_LOCALHOST,\n\
\tBAYES_99 autolearn=no version=4.0.1\n\
X-Spam-Report: \n\
\t*  3.5 BAYES_99 BODY: <img src=x onerror=alert('r')> \"quoted\" &amp;\n\
\t*  1.3 RDNS_NONE Delivered to internal network by a host with no rDNS\n\
\t*  4.2 HELO_LOCALHOST Relay HELO'd using \"localhost\" </pre></code><script>x()</script>\n\
Authentication-Results: mx.example.net; spf=fail (sender \"<svg onload=alert(2)>\" denied) smtp.mailfrom=evil.example\n\
From: \"</title><script>alert('from')</script>\" <a'b\"c@evil.example>\n\
To: <x@example.net>\n\
Subject: <script>alert(\"s\")</script> ' \" & &lt; \x1b[31m \u{202e}reversed\n\
Message-ID: <\"><style>body{display:none}</style>@evil.example>\n\
Date: Tue, 21 Jul 2026 21:48:30 +0200\n\
X-Spam-Whatever: <iframe src=\"http://evil.example/\"></iframe>\n\
\n\
<p>body</p>\n";

#[test]
fn hostile_values_stay_text() {
    let report = spamwhy::analyze("<hostile>.eml", HOSTILE.as_bytes()).unwrap();
    let raw = spamwhy::render::html::raw_header_section(HOSTILE.as_bytes());
    let html = spamwhy::render::html::render(&report, Some(&raw));
    let parsed = parse(&html);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for tag in &parsed.tags {
        assert!(KNOWN_TAGS.contains(&tag.as_str()), "<{tag}> got through");
    }
    // Only the renderer's own style element and none of the message's markup.
    assert_eq!(parsed.tags.iter().filter(|t| *t == "style").count(), 1);
    for needle in ["<script", "<img", "<iframe", "<svg onload"] {
        assert!(!html.contains(needle), "{needle} in the output");
    }
    // The values are there, as text, exactly.
    for shown in [
        "<script>alert(\"s\")</script> ' \" & &lt;",
        "</title><script>alert('from')</script>",
        "<iframe src=\"http://evil.example/\"></iframe>",
        "</pre></code><script>x()</script>",
    ] {
        assert!(parsed.text.contains(shown), "{shown:?} not shown as text");
    }
    // Control characters and the bidi override are made visible, not passed on.
    assert!(parsed.text.contains("\\x1b[31m"));
    assert!(parsed.text.contains("\\u{202e}reversed"));
    assert!(!html.contains('\u{202e}') && !html.contains('\x1b'));
}

fn spamwhy(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

#[test]
fn the_cli_writes_html_to_a_file_or_standard_output() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.html");
    let out = spamwhy(&[
        "corpus/01-sa-default-dynamic-ptr.eml",
        "--format",
        "html",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "nothing on standard output with -o");
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // The extension picks the format when --format is not given.
    let json = dir.join("report.json");
    assert!(
        spamwhy(&[
            "corpus/01-sa-default-dynamic-ptr.eml",
            "-o",
            json.to_str().unwrap()
        ])
        .status
        .success()
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(value["schema_version"], 1);
    // Standard output, and several messages in one page.
    let out = spamwhy(&[
        "--format",
        "html",
        "corpus/01-sa-default-dynamic-ptr.eml",
        "corpus/09-rspamd-milter-add-header.eml",
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert_eq!(html.matches("<article class=\"report\"").count(), 2);
    assert!(parse(&html).errors.is_empty());
    // An unwritable output file is exit code 74.
    let out = spamwhy(&[
        "corpus/01-sa-default-dynamic-ptr.eml",
        "-o",
        "/nonexistent/dir/x.html",
    ]);
    assert_eq!(out.status.code(), Some(74));
}

#[test]
fn what_if_and_fix_records_appear_in_every_format() {
    let message = "corpus/01-sa-default-dynamic-ptr.eml";
    let dns = "corpus/dns/01-sa-default-dynamic-ptr.zone";
    let merged = "v=spf1 mx a:mail.baeckerei-hofmann.example ip4:203.0.113.45 ~all";
    let plan = "Fixing the HELO name and the home or dynamic sending address would bring the score from 10.9 to 3.4";
    for format in ["text", "explain", "markdown", "html"] {
        let out = spamwhy(&["--format", format, "--dns", dns, message]);
        assert!(out.status.success(), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        // Wrapped lines joined again.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(plan), "{format}: no what-if plan");
        assert!(text.contains(merged), "{format}: no merged SPF record");
        assert!(
            text.contains("v=DMARC1; p=none; rua=mailto:")
                && text.contains("dmarc-reports@baeckerei-hofmann.example"),
            "{format}: no DMARC record"
        );
        assert!(
            text.contains("45.113.0.203.in-addr.arpa"),
            "{format}: no PTR record"
        );
    }
    let out = spamwhy(&["--format", "json", "--dns", dns, message]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let what_if = &report["verdicts"][0]["what_if"];
    assert_eq!(what_if["outcome"], "fixable");
    assert_eq!(
        what_if["smallest_fix"]["causes"],
        serde_json::json!(["ehlo-hostname", "static-ip"])
    );
    let records = report["fix_records"].as_array().unwrap();
    let spf = records.iter().find(|r| r["kind"] == "spf").unwrap();
    assert_eq!(spf["value"], merged);
    assert_eq!(
        spf["replaces"],
        "v=spf1 mx a:mail.baeckerei-hofmann.example ~all"
    );
    let dmarc = records.iter().find(|r| r["kind"] == "dmarc").unwrap();
    assert_eq!(
        dmarc["placeholders"][0]["text"],
        "dmarc-reports@baeckerei-hofmann.example"
    );
    // The PTR name is not in the message: it is marked as an example.
    let ptr = records.iter().find(|r| r["kind"] == "ptr").unwrap();
    assert_eq!(ptr["placeholders"][0]["text"], ptr["value"]);
}

#[test]
fn receiver_side_rules_never_count_and_bayes_can_leave_no_fix_enough() {
    let out = spamwhy(&["--format", "json", "corpus/43-html-script-subject.eml"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let what_if = &report["verdicts"][0]["what_if"];
    assert_eq!(what_if["outcome"], "not-enough");
    assert!(
        what_if["summary"]
            .as_str()
            .unwrap()
            .starts_with("No fix the sender controls is enough")
    );
    let out = spamwhy(&["--format", "json", "corpus/44-clean-blocked-noise.eml"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for verdict in report["verdicts"].as_array().unwrap() {
        for fix in verdict["what_if"]["fixes"].as_array().into_iter().flatten() {
            assert_ne!(fix["fault"], "receiver");
        }
    }
}

mod mbox;

/// A message for the batch summary whose sending server's HELO name and From domain carry
/// markup, quotes and a control character, as do its Subject and rule list.
const HOSTILE_SENDER: &str = "Received: from <script>x</script> (host.evil.example [198.51.100.77])\n\
\tby mx.example.net (Postfix) with ESMTP id 1A2B\n\
\tfor <a@example.net>; Tue, 21 Jul 2026 21:48:31 +0200 (CEST)\n\
X-Spam-Status: Yes, score=9.0 required=5.0 tests=RDNS_NONE,HELO_LOCALHOST,\n\
\tBAYES_99 autolearn=no version=4.0.1\n\
From: a@e'vil\x1b<script>.example\n\
To: <x@example.net>\n\
Subject: <script>alert(\"s\")</script> ' \" \x1b[31m \u{202e}reversed\n\
Date: Tue, 21 Jul 2026 21:48:30 +0200\n\
Message-ID: <1@evil.example>\n\
\n\
body\n";

#[test]
fn the_batch_summary_page_is_valid_and_keeps_hostile_values_as_text() {
    // The hostile message first (so its server and domain rank among the ties), corpus
    // messages with sender and receiver causes, and one that is not mail, in an mbox whose
    // own name is hostile.
    let mut messages = vec![HOSTILE_SENDER.as_bytes().to_vec()];
    messages.extend(mbox::corpus(12));
    messages.push(b"\x89PNG\r\n\x1a\n not mail at all\n".to_vec());
    let (bytes, offsets) = mbox::mboxrd(&messages);
    let dir = tempfile::tempdir().unwrap();
    let mailbox = dir.path().join("evil<script>alert(1)'\"\x1b.mbox");
    std::fs::write(&mailbox, bytes).unwrap();
    let mailbox = mailbox.to_str().unwrap();
    let page = dir.path().join("summary.html");
    // `-o NAME.html` picks the format, as for one message.
    let out = spamwhy(&["--quiet", mailbox, "-o", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "one message is not mail");
    assert!(out.stdout.is_empty(), "nothing on standard output with -o");
    let html = std::fs::read_to_string(&page).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&spamwhy(&["--quiet", "--format", "json", mailbox]).stdout).unwrap();

    let parsed = parse(&html);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for tag in &parsed.tags {
        assert!(KNOWN_TAGS.contains(&tag.as_str()), "<{tag}> got through");
    }
    assert!(!html.contains("<script"), "a raw <script in the page");
    assert!(!html.contains('\x1b') && !html.contains('\u{202e}'));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"
    ));
    assert_eq!(parsed.tags.iter().filter(|t| *t == "style").count(), 1);

    // The hostile values are there, as text, control characters made visible.
    let text = &parsed.text;
    let domain = summary["from_domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .find(|d| d.contains("vil"))
        .expect("the hostile From domain");
    assert!(domain.contains(['<', '\'', '\x1b']), "{domain:?}");
    assert!(
        text.contains(&domain.replace('\x1b', "\\x1b")),
        "{domain:?}"
    );
    for shown in [
        "<script>x</script>",
        "evil<script>alert(1)'\"\\x1b.mbox",
        "is not a mail message: this is a PNG image",
    ] {
        assert!(text.contains(shown), "{shown:?} not shown as text");
    }
    assert!(
        text.contains(&offsets[13].to_string()),
        "the failure's offset"
    );

    // The key figures.
    let m = &summary["messages"];
    let (read, analysed, flagged, failed) = (
        m["read"].as_u64().unwrap(),
        m["analysed"].as_u64().unwrap(),
        m["flagged"].as_u64().unwrap(),
        m["failed"].as_u64().unwrap(),
    );
    assert_eq!((read, failed), (14, 1));
    let share = format!("{:.1}%", flagged as f64 * 100.0 / analysed as f64);
    for figure in [
        format!("{flagged} of {analysed} messages were flagged as spam ({share})"),
        format!("Messages read{read}"),
        format!("Analysed{analysed}"),
        format!("Flagged as spam{flagged} ({share})"),
        format!("Could not be read{failed}"),
    ] {
        assert!(text.contains(&figure), "{figure:?} not in the page");
    }

    // What to fix first: the sender's causes, the one behind most flagged messages first,
    // with the catalogue's explanation and fix; the receiver's apart, after them.
    let causes = summary["causes"].as_array().unwrap();
    let top = causes
        .iter()
        .find(|c| c["fault"].as_str().unwrap().starts_with("sender"))
        .unwrap();
    let entry = spamwhy::knowledge::cause(top["cause"].as_str().unwrap());
    let fix_first = text.find("What to fix first").unwrap();
    let card = text
        .find(&format!("1. {}", entry.title))
        .expect("the top cause's card");
    assert!(fix_first < card);
    assert!(text[card..].contains(&format!(
        "Behind {} of {flagged} flagged messages",
        top["flagged"]
    )));
    assert!(text[card..].contains(entry.explanation.trim()));
    assert!(text[card..].contains(entry.fix.trim()));
    let not_yours = text
        .find("Not yours to fix")
        .expect("receiver causes apart");
    for cause in causes.iter().filter(|c| c["flagged"].as_u64() > Some(0)) {
        let at = fix_first
            + text[fix_first..]
                .find(cause["title"].as_str().unwrap())
                .unwrap();
        if cause["fault"] == "receiver" {
            assert!(at > not_yours, "{} is not the sender's", cause["cause"]);
        } else if cause["fault"].as_str().unwrap().starts_with("sender") {
            assert!(fix_first < at && at < not_yours, "{}", cause["cause"]);
        }
    }
    // The other sections, in order.
    let mut last = 0;
    for heading in [
        "Key figures",
        "What to fix first",
        "Not yours to fix",
        "By filter",
        "Top rules",
        "Sending servers",
        "From domains",
        "Inputs and failures",
    ] {
        let at = text.find(heading).unwrap_or_else(|| panic!("no {heading}"));
        assert!(at > last, "{heading} out of order");
        last = at;
    }
    // The histogram marks the threshold, and every table heads its rows and columns.
    assert!(html.contains("<tr class=\"at-line\">"));
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("<caption").count()
    );
    assert!(!html.contains("<th>"), "a th without scope");

    // Standard input, and `explain` still refused for mailboxes.
    let (bytes, _) = mbox::mboxrd(&mbox::corpus(3));
    let out = mbox::spamwhy_stdin(&["--format", "html", "-"], &bytes);
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains("Spam summary:") && parse(&html).errors.is_empty());
    let out = spamwhy(&["--format", "explain", mailbox]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("explain is for single messages"));
}
