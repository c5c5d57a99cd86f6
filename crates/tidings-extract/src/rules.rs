//! Per-site rules: an operator's CSS selectors for a domain, to keep the
//! article body (overriding the heuristics) and to drop furniture the
//! heuristics keep.

use scraper::Selector;
use serde::Deserialize;

/// One site's rule as configured.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SiteRule {
    /// `example.com` matches example.com and every subdomain of it.
    pub domain: String,
    /// The article body is what these selectors match, in page order.
    #[serde(default)]
    pub keep: Vec<String>,
    /// Removed from the page before anything else.
    #[serde(default)]
    pub drop: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("site rule for {domain:?}: {selector:?} is not a CSS selector")]
    Selector { domain: String, selector: String },
    #[error("site rule for {0:?}: the domain is empty")]
    EmptyDomain(String),
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    domain: String,
    pub keep: Vec<Selector>,
    pub drop: Vec<Selector>,
}

/// Every configured rule, compiled once.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    rules: Vec<CompiledRule>,
}

impl SiteRules {
    /// Compiles the rules; a selector that does not parse is an error (a
    /// typo in the config must not silently disable a rule).
    pub fn new(rules: &[SiteRule]) -> Result<Self, RuleError> {
        let compile = |domain: &str, selectors: &[String]| {
            selectors
                .iter()
                .map(|s| {
                    Selector::parse(s).map_err(|_| RuleError::Selector {
                        domain: domain.to_owned(),
                        selector: s.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let mut compiled = Vec::with_capacity(rules.len());
        for rule in rules {
            let domain = rule
                .domain
                .trim()
                .trim_start_matches("www.")
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if domain.is_empty() {
                return Err(RuleError::EmptyDomain(rule.domain.clone()));
            }
            compiled.push(CompiledRule {
                keep: compile(&domain, &rule.keep)?,
                drop: compile(&domain, &rule.drop)?,
                domain,
            });
        }
        // The most specific domain first: news.example.com before example.com.
        compiled.sort_by_key(|r| std::cmp::Reverse(r.domain.len()));
        Ok(Self { rules: compiled })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule for a page's host, if any.
    pub(crate) fn for_host(&self, host: &str) -> Option<&CompiledRule> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.rules.iter().find(|r| {
            host == r.domain
                || host
                    .strip_suffix(&r.domain)
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(domain: &str, keep: &[&str]) -> SiteRule {
        SiteRule {
            domain: domain.into(),
            keep: keep.iter().map(|s| s.to_string()).collect(),
            drop: vec![],
        }
    }

    #[test]
    fn domains_match_themselves_and_subdomains_most_specific_first() {
        let rules = SiteRules::new(&[
            rule("example.com", &["article"]),
            rule("news.example.com", &["main"]),
        ])
        .unwrap();
        assert_eq!(
            rules.for_host("www.example.com").unwrap().domain,
            "example.com"
        );
        assert_eq!(
            rules.for_host("news.example.com").unwrap().domain,
            "news.example.com"
        );
        assert!(rules.for_host("notexample.com").is_none());
        assert!(rules.for_host("example.com.evil.test").is_none());
    }

    #[test]
    fn bad_selectors_are_errors() {
        assert!(matches!(
            SiteRules::new(&[rule("example.com", &["div[[["])]),
            Err(RuleError::Selector { .. })
        ));
        assert!(SiteRules::new(&[rule(" ", &[])]).is_err());
    }
}
