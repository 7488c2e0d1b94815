//! The HTML report in a real browser: Debian's headless Chromium, driven over the Chrome
//! DevTools protocol (a websocket to `--remote-debugging-port`, no driver binary).
//!
//! For several corpus reports, one file holding several reports, the batch summary of a
//! mailbox, and a page made to fetch something (the control), it loads the file, records every request the page makes
//! (`Network.requestWillBeSent`), checks that the key parts are present and visible at
//! desktop and phone widths with nothing wider than a phone's screen, prints it to PDF, and
//! keeps full-page screenshots and the PDFs in `target/test-artifacts/browser/`.
//!
//! Without Chromium the test says so and passes, except under CI (`CI` set), where a missing
//! browser is a failure: `.ci/run` installs Debian's `chromium`.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

mod mbox;

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SPAMWHY_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("test-artifacts")
        .join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The browser process, closed (then killed) when dropped.
struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events received while waiting for something else.
    events: Vec<Value>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let id = self.next_id;
        let _ = self.socket.send(Message::text(
            json!({"id": id, "method": "Browser.close"}).to_string(),
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start(binary: &Path, profile: &Path) -> Browser {
        let _ = std::fs::remove_dir_all(profile);
        std::fs::create_dir_all(profile).unwrap();
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes the port it chose and the browser's websocket path here.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let [port, path, ..] = text.lines().collect::<Vec<_>>()[..]
            {
                break (port.to_owned(), path.to_owned());
            }
            assert!(
                Instant::now() < deadline,
                "chromium did not open its debugging port"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let (socket, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream)
            .expect("websocket handshake");
        Browser {
            child,
            socket,
            next_id: 1,
            events: Vec::new(),
        }
    }

    /// The next message, or None after `deadline`.
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("devtools connection: {e}"),
            }
        }
        None
    }

    /// Sends a command and waits for its answer; events meanwhile are kept.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let Some(reply) = self.receive(deadline) else {
                panic!("no answer to {method}");
            };
            if reply["id"] == json!(id) {
                if let Some(error) = reply.get("error") {
                    panic!("{method}: {error}");
                }
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    /// Waits until an event of this method arrives for the session.
    fn wait_for(&mut self, session: &str, method: &str) {
        if let Some(at) = self
            .events
            .iter()
            .position(|e| e["method"] == method && e["sessionId"] == session)
        {
            self.events.remove(at);
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let event = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no {method}"));
            if event["method"] == method && event["sessionId"] == session {
                return;
            }
            self.events.push(event);
        }
    }

    /// Collects events for a short while (late requests).
    fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_millis(700);
        while let Some(event) = self.receive(deadline) {
            self.events.push(event);
        }
    }

    /// A fresh tab with network events on.
    fn open_tab(&mut self) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_owned();
        self.call(Some(&session), "Page.enable", json!({}));
        self.call(Some(&session), "Network.enable", json!({}));
        session
    }

    /// Loads a file and returns every URL the page requested.
    fn load(&mut self, session: &str, file: &Path) -> Vec<String> {
        self.events.clear();
        let url = format!("file://{}", file.canonicalize().unwrap().display());
        self.call(Some(session), "Page.navigate", json!({"url": url}));
        self.wait_for(session, "Page.loadEventFired");
        self.settle();
        self.events
            .iter()
            .filter(|e| e["sessionId"] == session)
            .filter(|e| {
                matches!(
                    e["method"].as_str(),
                    Some("Network.requestWillBeSent" | "Network.webSocketCreated")
                )
            })
            .filter_map(|e| {
                e["params"]["request"]["url"]
                    .as_str()
                    .or(e["params"]["url"].as_str())
                    .map(str::to_owned)
            })
            .collect()
    }

    fn evaluate(&mut self, session: &str, expression: &str) -> Value {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("script failed: {exception}");
        }
        result["result"]["value"].clone()
    }

    fn viewport(&mut self, session: &str, width: u32, mobile: bool) {
        self.call(
            Some(session),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// A screenshot of the whole page, saved as PNG.
    fn screenshot(&mut self, session: &str, file: &Path) {
        let metrics = self.call(Some(session), "Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let (width, height) = (
            size["width"].as_f64().unwrap(),
            size["height"].as_f64().unwrap().min(16000.0),
        );
        let shot = self.call(
            Some(session),
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(file, png).unwrap();
    }

    fn print_pdf(&mut self, session: &str, file: &Path) {
        let pdf = self.call(
            Some(session),
            "Page.printToPDF",
            json!({"printBackground": true}),
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(pdf["data"].as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"%PDF"), "not a PDF");
        std::fs::write(file, bytes).unwrap();
    }
}

/// Checks run in the page: each key part present and visible, the charts described, no
/// scripts, no images, no frames, no links out, nothing wider than the window.
const CHECKS: &str = r#"(() => {
  const required = REQUIRED;
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && parseFloat(s.opacity) > 0;
  };
  const missing = Object.entries(required)
    .filter(([, sel]) => !visible(document.querySelector(sel)))
    .map(([name]) => name);
  const charts = [...document.querySelectorAll('svg.chart')];
  const undescribed = charts.filter((svg) => {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    return svg.getAttribute('role') !== 'img' || ids.length < 2
      || ids.some((id) => !(document.getElementById(id)?.textContent || '').trim());
  }).length;
  const loaders = document.querySelectorAll(
    'script, img, iframe, object, embed, link, video, audio, source, [src], [href]:not(a), a[href^="http"]'
  ).length;
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => +h.tagName[1]);
  let skipped = 0;
  for (let i = 1; i < headings.length; i++) if (headings[i] > headings[i - 1] + 1) skipped++;
  return {
    title: document.title,
    missing,
    charts: charts.length,
    visibleCharts: charts.filter(visible).length,
    undescribed,
    whatIf: document.querySelectorAll('.whatif').length,
    records: document.querySelectorAll('.record pre.value').length,
    visibleRecords: [...document.querySelectorAll('.record pre.value')].filter(visible).length,
    loaders,
    scripts: document.scripts.length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || '',
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    h1: document.querySelectorAll('h1').length,
    skippedHeadingLevels: skipped,
    text: document.body.innerText,
  };
})()"#;

/// The parts of a report page that must be visible, by name and selector.
const REPORT_PARTS: &[(&str, &str)] = &[
    ("heading", "article.report h1, article.report h2"),
    ("verdict", "section.verdict .status"),
    ("headline", "section.verdict .headline"),
    ("problems", "ol.problems > li"),
    ("timeline", "ol.timeline > li"),
    ("technical", "details.tech > summary"),
    ("footer", "footer"),
];

/// The parts of the batch summary page: its headings in order, the key figures, the causes
/// and a histogram's marked threshold.
const SUMMARY_PARTS: &[(&str, &str)] = &[
    ("heading", "main > h1"),
    ("key figures", "#key-figures"),
    ("flagged", "section.verdict .status"),
    ("figures", "dl.figures dd"),
    ("fix first", "#fix-first"),
    (
        "cause table",
        "section[aria-labelledby=fix-first] table th[scope=row]",
    ),
    ("top cause", "ol.problems > li"),
    ("not yours", "#not-yours"),
    ("filters", "#filters"),
    ("threshold", "tr.at-line"),
    ("rules", "#rules"),
    ("servers", "#servers"),
    ("domains", "#domains"),
    ("inputs", "#inputs"),
    ("footer", "footer"),
];

/// The checks, with the parts that must be visible.
fn checks(parts: &[(&str, &str)]) -> String {
    let required: serde_json::Map<String, Value> = parts
        .iter()
        .map(|(name, selector)| ((*name).to_owned(), json!(selector)))
        .collect();
    CHECKS.replace("REQUIRED", &Value::Object(required).to_string())
}

struct Case {
    name: &'static str,
    /// Inputs, or none for the batch summary of a mailbox made from the corpus.
    messages: &'static [&'static str],
    dns: Option<&'static str>,
    /// Text the page must show (checks escaping end to end).
    shows: &'static [&'static str],
    records: bool,
    what_if: bool,
    parts: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "01-bakery-with-recorded-dns",
        messages: &["corpus/01-sa-default-dynamic-ptr.eml"],
        dns: Some("corpus/dns/01-sa-default-dynamic-ptr.zone"),
        shows: &[
            "Treated as spam",
            "v=spf1 mx a:mail.baeckerei-hofmann.example ip4:203.0.113.45 ~all",
            "10.9 to 3.4",
        ],
        records: true,
        what_if: true,
        parts: REPORT_PARTS,
    },
    Case {
        name: "09-rspamd",
        messages: &["corpus/09-rspamd-milter-add-header.eml"],
        dns: None,
        shows: &["No fix the sender controls is enough"],
        records: true,
        what_if: true,
        parts: REPORT_PARTS,
    },
    Case {
        name: "18-gmail-no-score",
        messages: &["corpus/18-gmail-workspace-dmarc-fail.eml"],
        dns: None,
        shows: &["_domainkey.mapleleaf-bnb.example"],
        records: true,
        what_if: false,
        parts: REPORT_PARTS,
    },
    Case {
        name: "43-script-in-subject",
        messages: &["corpus/43-html-script-subject.eml"],
        dns: None,
        shows: &[
            r#"<script>alert("owned")</script> & 'quotes' "double" <b>bold</b> &amp;"#,
            "<script>alert(1)</script> & Co <promo@giftcard-promo.example>",
        ],
        records: true,
        what_if: true,
        parts: REPORT_PARTS,
    },
    Case {
        name: "several-messages",
        messages: &[
            "corpus/10-rspamd-reject-quarantine.eml",
            "corpus/14-rspamd-score-triple-clean.eml",
            "corpus/24-qmail-simscan.eml",
        ],
        dns: None,
        shows: &["Why these 3 messages were flagged"],
        records: true,
        what_if: true,
        parts: REPORT_PARTS,
    },
    Case {
        name: "batch-summary",
        messages: &[],
        dns: None,
        shows: &[
            "Spam summary:",
            "What to fix first",
            "Not yours to fix",
            "What to do:",
        ],
        records: false,
        what_if: false,
        parts: SUMMARY_PARTS,
    },
];

fn render(case: &Case, out: &Path) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_spamwhy"));
    if case.messages.is_empty() {
        let (mbox, _) = mbox::mboxrd(&mbox::corpus(20));
        let input = out.with_extension("mbox");
        std::fs::write(&input, mbox).unwrap();
        command.arg(input).arg("--quiet");
    }
    command
        .args(case.messages)
        .arg("--format")
        .arg("html")
        .arg("-o")
        .arg(out);
    if let Some(dns) = case.dns {
        command.arg("--dns").arg(dns);
    }
    let status = command.status().unwrap();
    assert!(status.success(), "{}: spamwhy failed", case.name);
}

#[test]
fn html_reports_in_a_real_browser() {
    let Some(binary) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Chromium is missing: .ci/run installs Debian's chromium"
        );
        eprintln!("SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium)");
        return;
    };
    let dir = artifacts();
    let mut browser = Browser::start(&binary, &dir.join("profile"));
    let session = browser.open_tab();

    // The control: a page that does fetch something must show up in the request log, or
    // the empty logs below would prove nothing. The address is a closed loopback port.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><title>control</title><img src=\"http://127.0.0.1:9/x.png\" alt=\"\">",
    )
    .unwrap();
    let requests = browser.load(&session, &control);
    assert!(
        requests
            .iter()
            .any(|u| u.starts_with("http://127.0.0.1:9/")),
        "the request log missed the control page's request: {requests:?}"
    );

    let mut failures = Vec::new();
    for case in CASES {
        let file = dir.join(format!("{}.html", case.name));
        render(case, &file);
        let requests = browser.load(&session, &file);
        let outside: Vec<&String> = requests
            .iter()
            .filter(|u| !u.starts_with("file://") && !u.starts_with("data:"))
            .collect();
        if !outside.is_empty() {
            failures.push(format!("{}: network requests {outside:?}", case.name));
        }
        for (label, width, mobile) in [("desktop", 1100, false), ("phone", 390, true)] {
            browser.viewport(&session, width, mobile);
            let result = browser.evaluate(&session, &checks(case.parts));
            let fail = |what: String| format!("{} ({label}): {what}", case.name);
            let missing = result["missing"].as_array().unwrap();
            if !missing.is_empty() {
                failures.push(fail(format!("not visible: {missing:?}")));
            }
            if result["charts"].as_u64() != result["visibleCharts"].as_u64() {
                failures.push(fail(format!("hidden charts: {result}")));
            }
            if case.what_if && result["charts"].as_u64() == Some(0) {
                failures.push(fail("no score chart".to_owned()));
            }
            if case.what_if && result["whatIf"].as_u64() == Some(0) {
                failures.push(fail("no what-if box".to_owned()));
            }
            if case.records
                && (result["records"].as_u64() == Some(0)
                    || result["records"] != result["visibleRecords"])
            {
                failures.push(fail(format!(
                    "fix records missing or hidden: {} of {}",
                    result["visibleRecords"], result["records"]
                )));
            }
            for (key, want) in [
                ("undescribed", 0),
                ("loaders", 0),
                ("scripts", 0),
                ("skippedHeadingLevels", 0),
                ("h1", 1),
            ] {
                if result[key].as_i64() != Some(want) {
                    failures.push(fail(format!("{key} = {}", result[key])));
                }
            }
            if result["overflow"].as_i64().unwrap_or(1) > 1 {
                failures.push(fail(format!(
                    "page is {} px wider than the window",
                    result["overflow"]
                )));
            }
            if !result["csp"]
                .as_str()
                .unwrap_or("")
                .contains("default-src 'none'")
            {
                failures.push(fail("no Content-Security-Policy".to_owned()));
            }
            let text = result["text"].as_str().unwrap_or("");
            for shown in case.shows {
                if !text.contains(shown) && !result["title"].as_str().unwrap().contains(shown) {
                    failures.push(fail(format!("does not show {shown:?}")));
                }
            }
            browser.screenshot(&session, &dir.join(format!("{}-{label}.png", case.name)));
        }
        browser.viewport(&session, 1100, false);
        browser.print_pdf(&session, &dir.join(format!("{}.pdf", case.name)));
    }
    drop(browser);
    let _ = std::fs::remove_dir_all(dir.join("profile"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("screenshots and PDFs in {}", dir.display());
}
