//! No input makes the analysis panic: arbitrary bytes, and mutations of real-shaped mail.

use proptest::prelude::*;

const SEED_MESSAGE: &str = "Received: from mail.example.com (mail.example.com [192.0.2.1])\n\tby mx.example.net (Postfix) with ESMTPS id 4Xk2; Tue, 10 Nov 2026 09:01:02 +0000\nAuthentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com; dkim=fail header.d=example.com\nX-Spam-Status: Yes, score=7.2 required=5.0 tests=BAYES_99=3.5,RDNS_NONE=1.3\n\tautolearn=no version=4.0.1\nX-Spamd-Result: default: False [6.37 / 15.00];\n\tR_SPF_FAIL(1.00)[-all];\n\tARC_REJECT(1.00)[x: {[1] = y}]\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; b=abc; bh=def; h=from:to\nSubject: =?UTF-8?B?aGVsbG8=?=\n\nbody\n";

const MICROSOFT_SEED: &str = "Received: from mail.example.com (192.0.2.1) by AM4PEPF00027A5F.mail.protection.outlook.com (10.167.16.73) with Microsoft SMTP Server id 15.20.9115.8 via Frontend Transport; Tue, 8 Sep 2026 07:15:44 +0000\nAuthentication-Results: spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=example.com;compauth=fail reason=000\nX-MS-Exchange-Organization-SCL: 5\nX-Microsoft-Antispam: BCL:7;ARA:1|2;\nX-Forefront-Antispam-Report: CIP:2a01:111:f403::712;CTRY:;LANG:en;SCL:5;SRV:BULK;IPV:NLI;UIP:(null);(null)SFV:SPM;H:mail.example.com;PTR:;CAT:SPOOF;SFTY:9.19;SFS:(1)(2);DIR:INB;SFTY:9.19\nX-Forefront-Antispam-Report-Untrusted: CIP:255.255.255.255;SCL:1;SFV:NSPM;DIR:OUT;\nX-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(1)(2);RF:JunkEmail;\nSubject: hi\n\nbody\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = spamwhy::analyze("fuzz", &bytes);
    }

    #[test]
    fn mutated_microsoft_mail_never_panics(
        cut in 0usize..MICROSOFT_SEED.len(),
        insert in "[ -~\t\n\r\\(\\)\\[\\];=:]{0,40}",
    ) {
        let mut text = MICROSOFT_SEED.as_bytes()[..cut].to_vec();
        text.extend_from_slice(insert.as_bytes());
        text.extend_from_slice(&MICROSOFT_SEED.as_bytes()[cut..]);
        if let Ok(report) = spamwhy::analyze("fuzz", &text) {
            let _ = spamwhy::render::json::report(&report);
            let options = spamwhy::render::text::TextOptions { color: false, detail: true, width: 80 };
            let _ = spamwhy::render::text::render(&report, options);
            let _ = spamwhy::render::explain::render(&report, 80);
            let _ = spamwhy::render::markdown::render(&report);
        }
    }

    #[test]
    fn outlook_lookalikes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut input = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        input.extend_from_slice(&bytes);
        prop_assert!(spamwhy::analyze("fuzz.msg", &input).is_err());
    }

    #[test]
    fn mutated_mail_never_panics(
        cut in 0usize..SEED_MESSAGE.len(),
        insert in "[ -~\t\n\r\\(\\)\\[\\];=:]{0,40}",
    ) {
        let mut text = SEED_MESSAGE.as_bytes()[..cut].to_vec();
        text.extend_from_slice(insert.as_bytes());
        text.extend_from_slice(&SEED_MESSAGE.as_bytes()[cut..]);
        if let Ok(report) = spamwhy::analyze("fuzz", &text) {
            let _ = spamwhy::render::json::report(&report);
            let options = spamwhy::render::text::TextOptions { color: true, detail: true, width: 80 };
            let _ = spamwhy::render::text::render(&report, options);
            let _ = spamwhy::render::explain::render(&report, 80);
            let _ = spamwhy::render::markdown::render(&report);
            let _ = spamwhy::render::html::render(&report, None);
        }
    }
}
