//! Which header names belong to spam filtering at all, so that any such header no reader
//! understood is listed as unrecognised. Patterns are data: a name prefix (or, with a
//! leading `*`, a fragment anywhere in the name), matched case-insensitively.

const SPAM_HEADER_PATTERNS: &[&str] = &[
    "x-spam",
    "x-rspam",
    "x-spamd",
    "x-ham-report",
    "x-amavis",
    "x-quarantine-id",
    "x-barracuda",
    "x-asg-",
    "x-proofpoint",
    "x-mimecast",
    "x-ironport",
    "ironport-",
    "x-ipas-result",
    "x-sbrs",
    "x-amp-",
    "x-tm-",
    "x-tmase",
    "x-imss-",
    "x-pmx",
    "x-perlmx",
    "x-sea-",
    "x-vr-spam",
    "x-ovh-spam",
    "x-vade-",
    "x-cnfs-analysis",
    "x-authority-analysis",
    "x-cmae-",
    "x_cmae_",
    "x-cm-score",
    "x-forefront-antispam",
    "x-microsoft-antispam",
    "x-ms-exchange-organization-scl",
    "x-ms-exchange-organization-authas",
    "x-ms-exchange-organization-pcl",
    "x-ms-exchange-organization-antispam",
    "x-exchange-antispam",
    "x-customspam",
    "spamdiagnostic",
    "x-greylist",
    "x-gmx-",
    "x-ui-filterresults",
    "x-ui-out-filterresults",
    "x-cf-spam",
    "x-kse-",
    "x-ksmg-",
    "x-klms-",
    "x-spamtest-",
    "x-fortiguard",
    "x-fegrp",
    "x-feas-",
    "x-fe-policy-id",
    "x-spaminfo",
    "x-spamreason",
    "x-symantec",
    "x-symc-",
    "x-brightmail",
    "x-starscan",
    "x-spamexperts",
    "x-yahoofilteredbulk",
    "x-ymailisg",
    "x-yahoo-newman",
    "x-ymail-osg",
    "x-zohomail",
    "x-zoho-virus",
    "x-yandex-spam",
    "x-mailru-",
    "x-mras",
    "x-recommended-action",
    "x-mailscanner",
    "*-mailscanner-spam",
    "x-virus-status",
    "x-dspam",
    "x-bogosity",
    "x-me-authentication-results",
    "x-stat-signature",
    "deliver-to",
    "x-mail-filter",
];

/// Whether a header name is about spam filtering.
pub fn is_spam_related(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SPAM_HEADER_PATTERNS
        .iter()
        .any(|pattern| match pattern.strip_prefix('*') {
            Some(fragment) => name.contains(fragment),
            None => name.starts_with(pattern),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_vendor_families() {
        for name in [
            "X-Barracuda-Spam-Score",
            "X-Forefront-Antispam-Report",
            "X-MyCompany-MailScanner-SpamCheck",
            "X-Spam_report",
            "X-Greylist",
            "X-PerlMx-Spam",
            "X-KSE-AntiSpam-Rate",
            "X-CMAE-Score",
            "IronPort-SDR",
            "X-TM-AS-Result",
            "X-YahooFilteredBulk",
        ] {
            assert!(is_spam_related(name), "{name}");
        }
        for name in ["Subject", "X-Mailer", "List-Unsubscribe"] {
            assert!(!is_spam_related(name), "{name}");
        }
    }
}
