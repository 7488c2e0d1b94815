//! No input makes the analysis panic: arbitrary bytes, and mutations of real-shaped mail.

use proptest::prelude::*;

const SEED_MESSAGE: &str = "Received: from mail.example.com (mail.example.com [192.0.2.1])\n\tby mx.example.net (Postfix) with ESMTPS id 4Xk2; Tue, 10 Nov 2026 09:01:02 +0000\nAuthentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com; dkim=fail header.d=example.com\nX-Spam-Status: Yes, score=7.2 required=5.0 tests=BAYES_99=3.5,RDNS_NONE=1.3\n\tautolearn=no version=4.0.1\nX-Spamd-Result: default: False [6.37 / 15.00];\n\tR_SPF_FAIL(1.00)[-all];\n\tARC_REJECT(1.00)[x: {[1] = y}]\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; b=abc; bh=def; h=from:to\nSubject: =?UTF-8?B?aGVsbG8=?=\n\nbody\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = spamwhy::analyze("fuzz", &bytes);
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
