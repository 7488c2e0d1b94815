//! What the headers say, typed, with no judgement: every recognised header field goes
//! through its grammar, and the results are gathered into the report's evidence sections.
//!
//! Each reader takes the fields it understands from a [`Fields`] tracker, so that whatever
//! spam-related field is left over can be listed as unrecognised instead of vanishing.

pub mod authentication;
pub mod barracuda;
pub mod cisco;
pub mod cloudmark;
pub mod fortinet;
pub mod gateway;
pub mod greylist;
pub mod hops;
pub mod kaspersky;
pub mod microsoft;
pub mod mimecast;
pub mod proofpoint;
pub mod providers;
pub mod rspamd;
pub mod sophos;
pub mod spam_headers;
pub mod spamassassin;
pub mod spamexperts;
pub mod stalwart;
pub mod symantec;
pub mod trendmicro;
pub mod vade;

use spamwhy_headers::{HeaderBlock, HeaderField, ParseError};

use crate::report::{Detail, HeaderError, Rule, Side, Verdict};

/// The header block plus a record of which fields a reader has used.
pub struct Fields<'a> {
    block: &'a HeaderBlock,
    used: Vec<bool>,
}

impl<'a> Fields<'a> {
    pub fn new(block: &'a HeaderBlock) -> Self {
        Fields {
            block,
            used: vec![false; block.fields.len()],
        }
    }

    /// Every unused field with this name, topmost first, marked as used.
    pub fn take(&mut self, name: &str) -> Vec<&'a HeaderField> {
        self.take_where(|f| f.is(name))
    }

    /// Every unused field matching `keep`, topmost first, marked as used: each field goes
    /// to one reader only.
    pub fn take_where(&mut self, keep: impl Fn(&HeaderField) -> bool) -> Vec<&'a HeaderField> {
        let block = self.block;
        let mut taken = Vec::new();
        for (field, used) in block.fields.iter().zip(self.used.iter_mut()) {
            if !*used && keep(field) {
                *used = true;
                taken.push(field);
            }
        }
        taken
    }

    /// The topmost unused field with this name, marked as used; later ones stay for other
    /// readers.
    pub fn take_first(&mut self, name: &str) -> Option<&'a HeaderField> {
        let block = self.block;
        let index = block
            .fields
            .iter()
            .zip(&self.used)
            .position(|(f, used)| !used && f.is(name))?;
        self.used[index] = true;
        block.fields.get(index)
    }

    /// Whether any field has this name (used or not).
    pub fn has(&self, name: &str) -> bool {
        self.has_where(|f| f.is(name))
    }

    /// Whether any field matches (used or not).
    pub fn has_where(&self, keep: impl Fn(&HeaderField) -> bool) -> bool {
        self.block.fields.iter().any(keep)
    }

    /// Fields no reader took.
    pub fn unused(&self) -> impl Iterator<Item = &'a HeaderField> + '_ {
        let block = self.block;
        block
            .fields
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(f, _)| f)
    }
}

pub fn header_error(field: &HeaderField, error: &ParseError) -> HeaderError {
    HeaderError {
        header: field.name.clone(),
        line: field.line,
        problem: error.message.clone(),
    }
}

/// A verdict under construction: readers note each header they read and what it said.
pub struct VerdictBuilder {
    pub verdict: Verdict,
    /// Rule name → position in `verdict.rules`, so merging stays linear on huge lists.
    rule_index: std::collections::HashMap<String, usize>,
}

impl VerdictBuilder {
    pub fn new(filter: &str) -> Self {
        VerdictBuilder {
            verdict: Verdict {
                filter: filter.to_owned(),
                side: Side::Recipient,
                via: None,
                headers: Vec::new(),
                spam: None,
                score: None,
                threshold: None,
                action: None,
                rules: Vec::new(),
                details: Vec::new(),
                errors: Vec::new(),
                what_if: None,
            },
            rule_index: std::collections::HashMap::new(),
        }
    }

    pub fn read(&mut self, field: &HeaderField) {
        if !self.verdict.headers.contains(&field.name) {
            self.verdict.headers.push(field.name.clone());
        }
    }

    pub fn error(&mut self, field: &HeaderField, error: &ParseError) {
        self.read(field);
        self.verdict.errors.push(header_error(field, error));
    }

    pub fn detail(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.verdict.details.push(Detail {
                name: name.to_owned(),
                value,
                meaning: None,
                documented: None,
                status: None,
            });
        }
    }

    /// Adds a detail with what it means (kept even when the value is empty: an empty
    /// field can mean something, like Microsoft's `PTR:`).
    pub fn explained_detail(
        &mut self,
        name: &str,
        value: &str,
        meaning: Option<String>,
        status: &str,
    ) {
        self.verdict.details.push(Detail {
            name: name.to_owned(),
            value: value.to_owned(),
            meaning,
            documented: Some(status == "documented"),
            status: Some(status.to_owned()),
        });
    }

    /// Every `(name, value)` pair as a detail, in order.
    pub fn details(&mut self, pairs: impl IntoIterator<Item = (String, String)>) {
        for (name, value) in pairs {
            self.detail(&name, value);
        }
    }

    /// Adds a rule, or fills in what an earlier mention of the same rule lacked (a name from
    /// `tests=` and its points from the report table).
    pub fn rule(
        &mut self,
        name: &str,
        points: Option<f64>,
        description: Option<String>,
        options: Vec<String>,
    ) {
        if let Some(rule) = self
            .rule_index
            .get(name)
            .and_then(|&at| self.verdict.rules.get_mut(at))
        {
            rule.points = rule.points.or(points);
            rule.description = rule.description.take().or(description);
            if rule.options.is_empty() {
                rule.options = options;
            }
            return;
        }
        self.rule_index
            .insert(name.to_owned(), self.verdict.rules.len());
        self.verdict.rules.push(Rule {
            name: name.to_owned(),
            points,
            description,
            options,
            diagnosis: None,
        });
    }

    /// For filters whose threshold is the spam line (SpamAssassin): fills `spam` from the
    /// score when the headers gave no explicit answer.
    pub fn infer_spam_from_score(&mut self) {
        if self.verdict.spam.is_none()
            && let (Some(score), Some(threshold)) = (self.verdict.score, self.verdict.threshold)
        {
            self.verdict.spam = Some(score >= threshold);
        }
    }

    pub fn finish(self) -> Verdict {
        self.verdict
    }
}
