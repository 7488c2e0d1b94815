//! Batch mode: every input kind (mboxo, mboxrd, mboxcl2, gzip, Apple Mail .mbox folder,
//! Maildir, folder tree, standard input), truncated input, a broken message in the middle,
//! output order with several threads, JSON Lines validity and summary counts. Fixtures are
//! built at test time from the corpus.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod mbox;
use mbox::{corpus, mboxrd, spamwhy_stdin};

fn spamwhy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
        .collect()
}

fn summary_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("the summary is JSON")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn mbox_gives_one_valid_json_line_per_message_with_its_position() {
    let messages = corpus(12);
    let (mbox, offsets) = mboxrd(&messages);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "export", &mbox);
    let output = spamwhy(&["--format", "jsonl", s(&path)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = lines(&output);
    assert_eq!(reports.len(), messages.len());
    for (i, report) in reports.iter().enumerate() {
        assert_eq!(report["schema_version"], 1);
        assert_eq!(report["position"]["input"], s(&path));
        assert_eq!(report["position"]["path"], s(&path));
        assert_eq!(report["position"]["index"], i as u64);
        assert_eq!(report["position"]["offset"], offsets[i]);
        assert!(report["verdicts"].is_array() && report["findings"].is_array());
    }
    // Each line is the single-message report plus its position.
    let single = spamwhy::analyze(s(&path), &messages[0]).unwrap();
    let mut expected = serde_json::to_value(&single).unwrap();
    expected["position"] = reports[0]["position"].clone();
    assert_eq!(reports[0], expected);
}

#[test]
fn mboxrd_from_lines_are_unquoted() {
    let message =
        b"Subject: quoting\nFrom: a@b.example\n\nFrom the start\n>From once\n>>From twice\n"
            .to_vec();
    let (mbox, _) = mboxrd(&[message.clone(), message.clone()]);
    assert!(mbox.windows(13).any(|w| w == b">>>From twice"));
    let mut reader = spamwhy::input::mbox::MboxReader::new(&mbox[..]);
    let mut count = 0;
    while let Some(next) = reader.next() {
        assert_eq!(&*next.unwrap().bytes, &message[..]);
        count += 1;
    }
    assert_eq!(count, 2);
}

#[test]
fn mboxcl2_content_length_keeps_unquoted_from_lines_in_the_body() {
    let body = "From the desk of the director, Tue Nov 10 09:01:02 2026\nthanks\n";
    let mut mbox = String::new();
    for i in 0..3 {
        mbox.push_str(&format!(
            "From a@b.example Tue Nov 10 09:0{i}:02 2026\nSubject: cl {i}\nFrom: a@b.example\nContent-Length: {}\n\n{body}\n",
            body.len()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cl2.mbox", mbox.as_bytes());
    let reports = lines(&spamwhy(&["--format", "jsonl", s(&path)]));
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[2]["message"]["subject"], "cl 2");
}

#[test]
fn gzip_mbox_is_read_and_a_truncated_one_is_reported() {
    let messages = corpus(6);
    let (mbox, _) = mboxrd(&messages);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&mbox).unwrap();
    let gz = gz.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Detected from content, not the name.
    let path = write(dir.path(), "takeout.data", &gz);
    let output = spamwhy(&["--format", "json", s(&path)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = summary_of(&output);
    assert_eq!(summary["inputs"][0]["kind"], "gzip-mbox");
    assert_eq!(summary["messages"]["analysed"], 6);

    let cut = write(dir.path(), "cut.mbox.gz", &gz[..gz.len() * 2 / 3]);
    let output = spamwhy(&["--format", "json", "--quiet", s(&cut)]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let summary = summary_of(&output);
    assert_eq!(summary["messages"]["failed"], 1);
    let failure = &summary["failures"][0];
    assert!(
        failure["error"].as_str().unwrap().contains("ends early"),
        "{failure}"
    );
    assert!(summary["messages"]["analysed"].as_u64().unwrap() < 6);
}

#[test]
fn a_truncated_mbox_keeps_every_message_before_the_cut() {
    let messages = corpus(5);
    let (mbox, offsets) = mboxrd(&messages);
    // Cut inside the header section of the last message.
    let cut = offsets[4] as usize + 200;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cut.mbox", &mbox[..cut]);
    let output = spamwhy(&["--format", "jsonl", s(&path)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = lines(&output);
    assert_eq!(reports.len(), 5);
    assert_eq!(reports[4]["input_kind"], "headers");
    assert_eq!(reports[4]["position"]["offset"], offsets[4]);
}

#[test]
fn a_broken_message_in_the_middle_is_named_and_the_batch_goes_on() {
    let mut messages = corpus(8);
    messages.insert(3, b"\x89PNG\r\n\x1a\n not mail at all\n".to_vec());
    messages.insert(6, b"   \n".to_vec());
    let (mbox, offsets) = mboxrd(&messages);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "mixed.mbox", &mbox);
    for threads in ["1", "3"] {
        let output = spamwhy(&["--format", "jsonl", "--threads", threads, s(&path)]);
        assert_eq!(
            output.status.code(),
            Some(3),
            "exit code for some messages failing"
        );
        let reports = lines(&output);
        assert_eq!(reports.len(), 8);
        let indices: Vec<u64> = reports
            .iter()
            .map(|r| r["position"]["index"].as_u64().unwrap())
            .collect();
        assert_eq!(indices, [0, 1, 2, 4, 5, 7, 8, 9]);
        let err = stderr(&output);
        assert!(
            err.contains(&format!(
                "mixed.mbox: message 3 at byte {}: is not a mail message: this is a PNG image",
                offsets[3]
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("message 6 at byte {}: is empty", offsets[6])),
            "{err}"
        );
    }
    let output = spamwhy(&["--format", "json", "--quiet", s(&path)]);
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stderr.is_empty(), "--quiet: {}", stderr(&output));
    let summary = summary_of(&output);
    assert_eq!(summary["messages"]["read"], 10);
    assert_eq!(summary["messages"]["failed"], 2);
    assert_eq!(summary["failures"][0]["index"], 3);
    assert_eq!(summary["failures"][0]["offset"], offsets[3]);
}

#[test]
fn output_is_in_input_order_whatever_the_number_of_threads() {
    let messages = corpus(40);
    let (mbox, _) = mboxrd(&messages);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "order.mbox", &mbox);
    let one = spamwhy(&["--format", "jsonl", "--threads", "1", s(&path)]);
    let four = spamwhy(&["--format", "jsonl", "--threads", "4", s(&path)]);
    assert_eq!(one.stdout, four.stdout);
    let one = spamwhy(&["--format", "json", "--threads", "1", s(&path)]);
    let four = spamwhy(&["--format", "json", "--threads", "4", s(&path)]);
    assert_eq!(one.stdout, four.stdout);

    // The engine itself, with a budget so small that workers finish out of order all the
    // time and the reader keeps waiting.
    let mut inputs = vec![spamwhy::batch::read::BatchInput::detect(s(&path))];
    let mut out = Vec::new();
    let options = spamwhy::batch::BatchOptions {
        threads: 4,
        jsonl: true,
        max_in_flight_bytes: 1,
        max_in_flight_per_thread: 1,
    };
    spamwhy::batch::run(
        &mut inputs,
        &spamwhy::Context::default(),
        &options,
        &mut out,
        &mut spamwhy::batch::Silent,
    )
    .unwrap();
    let sequential = spamwhy(&["--format", "jsonl", "--threads", "1", s(&path)]);
    assert_eq!(out, sequential.stdout);
}

#[test]
fn maildir_reads_cur_and_new_in_name_order_and_not_tmp() {
    let messages = corpus(4);
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    write(&maildir, "new/1700000003.M3P1.host", &messages[3]);
    write(&maildir, "cur/1700000001.M1P1.host:2,S", &messages[1]);
    write(&maildir, "new/1700000000.M0P1.host", &messages[0]);
    write(&maildir, "cur/1700000002.M2P1.host:2,RS", &messages[2]);
    write(&maildir, "tmp/1700000009.M9P1.host", b"partial delivery");
    write(&maildir, ".Junk/cur/1700000005.M5P1.host:2,", &messages[0]);
    let output = spamwhy(&["--format", "jsonl", s(&maildir)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = lines(&output);
    assert_eq!(reports.len(), 5);
    let names: Vec<String> = reports
        .iter()
        .map(|r| {
            let path = r["position"]["path"].as_str().unwrap();
            Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "1700000000.M0P1.host",
            "1700000001.M1P1.host:2,S",
            "1700000002.M2P1.host:2,RS",
            "1700000003.M3P1.host",
            "1700000005.M5P1.host:2,"
        ]
    );
    assert_eq!(reports[3]["position"]["index"], 3);
    assert_eq!(reports[0]["position"]["input"], s(&maildir));
    let output = spamwhy(&["--format", "json", s(&maildir)]);
    assert_eq!(summary_of(&output)["inputs"][0]["kind"], "maildir");
}

#[test]
fn apple_mail_mbox_folder_and_folder_trees() {
    let messages = corpus(6);
    let dir = tempfile::tempdir().unwrap();
    let apple = dir.path().join("Inbox.mbox");
    let (mbox, _) = mboxrd(&messages[..3]);
    write(&apple, "mbox", &mbox);
    write(
        &apple,
        "Info.plist",
        b"<?xml version=\"1.0\"?><plist></plist>",
    );
    write(&apple, "table_of_contents", b"\x00\x01binary index");
    let output = spamwhy(&["--format", "json", s(&apple)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary_apple = summary_of(&output);
    assert_eq!(summary_apple["inputs"][0]["kind"], "apple-mail-mbox");
    assert_eq!(summary_apple["messages"]["analysed"], 3);
    assert_eq!(summary_apple["messages"]["skipped_files"], 2);

    let tree = dir.path().join("bounces");
    write(&tree, "2026/11/a.eml", &messages[3]);
    write(&tree, "2026/11/b.EML", &messages[4]);
    write(&tree, "2026/12/no-extension", &messages[5]);
    write(
        &tree,
        "2026/12/notes.txt",
        b"remember to check the PTR record\n",
    );
    write(&tree, "old/archive.mbox", &mboxrd(&messages[..2]).0);
    let mut emlx = format!("{}\n", messages[0].len()).into_bytes();
    emlx.extend_from_slice(&messages[0]);
    emlx.extend_from_slice(b"<?xml version=\"1.0\"?><plist/>");
    write(&tree, "old/1234.emlx", &emlx);
    let output = spamwhy(&["--format", "jsonl", s(&tree)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = lines(&output);
    let paths: Vec<String> = reports
        .iter()
        .map(|r| {
            let p = r["position"]["path"].as_str().unwrap();
            p.strip_prefix(s(&tree)).unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "/2026/11/a.eml",
            "/2026/11/b.EML",
            "/2026/12/no-extension",
            "/old/1234.emlx",
            "/old/archive.mbox",
            "/old/archive.mbox"
        ]
    );
    let emlx_report = &reports[3];
    let direct = spamwhy::analyze("x", &messages[0]).unwrap();
    assert_eq!(
        emlx_report["message"],
        serde_json::to_value(&direct.message).unwrap()
    );
}

#[test]
fn standard_input_mbox_and_a_mixed_command_line() {
    let messages = corpus(5);
    let (mbox, offsets) = mboxrd(&messages);
    let output = spamwhy_stdin(&["--format", "jsonl", "-"], &mbox);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = lines(&output);
    assert_eq!(reports.len(), 5);
    assert_eq!(reports[2]["position"]["input"], "-");
    assert_eq!(reports[2]["position"]["offset"], offsets[2]);

    // An mbox and a single message on one command line: one batch, in order.
    let dir = tempfile::tempdir().unwrap();
    let mbox_path = write(dir.path(), "a.mbox", &mbox);
    let output = spamwhy(&[
        "--format",
        "json",
        s(&mbox_path),
        "corpus/01-sa-default-dynamic-ptr.eml",
        "no/such/file.mbox",
    ]);
    assert_eq!(
        output.status.code(),
        Some(66),
        "a missing input still counts"
    );
    let summary = summary_of(&output);
    assert_eq!(summary["messages"]["analysed"], 6);
    assert_eq!(summary["inputs"][1]["kind"], "message");
    assert_eq!(summary["input_failures"][0]["input"], "no/such/file.mbox");
}

#[test]
fn summary_counts_flagged_messages_causes_and_servers() {
    let messages = corpus(46);
    let reports: Vec<spamwhy::Report> = messages
        .iter()
        .map(|m| spamwhy::analyze("x", m).unwrap())
        .collect();
    let flagged = reports
        .iter()
        .filter(|r| r.verdicts.iter().any(|v| v.spam == Some(true)))
        .count();
    let (mbox, _) = mboxrd(&messages);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "all.mbox", &mbox);
    let output = spamwhy(&["--format", "json", s(&path)]);
    let summary = summary_of(&output);
    assert_eq!(summary["messages"]["analysed"], messages.len() as u64);
    assert_eq!(summary["messages"]["flagged"], flagged as u64);
    let sa = summary["filters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filter"] == "spamassassin")
        .unwrap();
    let sa_messages = reports
        .iter()
        .filter(|r| r.verdicts.iter().any(|v| v.filter == "spamassassin"))
        .count();
    assert_eq!(sa["messages"], sa_messages as u64);
    let binned: u64 = sa["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["messages"].as_u64().unwrap())
        .sum();
    assert_eq!(binned, sa["scored"].as_u64().unwrap());
    let top = &summary["causes"][0];
    let with_top = reports
        .iter()
        .filter(|r| {
            r.verdicts.iter().any(|v| v.spam == Some(true))
                && r.findings
                    .iter()
                    .any(|f| f.cause == top["cause"] && f.fault != "none")
        })
        .count();
    assert_eq!(top["flagged"], with_top as u64);

    for format in ["text", "markdown"] {
        let output = spamwhy(&["--format", format, s(&path)]);
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("SpamAssassin"), "{text}");
        assert!(text.contains(&format!("{flagged}")), "{text}");
    }
}
