//! Per-site rules override the heuristics: `keep` names the body, `drop`
//! removes what the heuristics would keep, and only on the rule's domain.

use tidings_extract::{BodyMethod, SiteRule, SiteRules, extract, extract_with_rules};
use url::Url;

const PAGE: &str = r#"<html><head><title>Tide tables</title></head><body>
<div class="promo"><p>Subscribe now, and read every story of the Gazette, every day, for less than a coffee a week, with our newsletter included.</p>
<p>Subscribe now, and read every story of the Gazette, every day, for less than a coffee a week, with our newsletter included.</p></div>
<div class="story-text"><p>The harbour master published the new tide tables on Monday, and the ferry company said it would change two sailings.</p>
<p class="inline-ad">Advertisement: boats, engines, chandlery, all at the marina shop.</p></div>
</body></html>"#;

fn rules(domain: &str, keep: &[&str], drop: &[&str]) -> SiteRules {
    SiteRules::new(&[SiteRule {
        domain: domain.into(),
        keep: keep.iter().map(|s| s.to_string()).collect(),
        drop: drop.iter().map(|s| s.to_string()).collect(),
    }])
    .unwrap()
}

#[test]
fn keep_and_drop_selectors_name_the_body() {
    let url = Url::parse("https://www.gazette.example/tides").unwrap();
    let heuristics = extract(PAGE.as_bytes(), Some(&url));
    assert_eq!(heuristics.method, BodyMethod::Heuristics);

    let site = rules("gazette.example", &[".story-text"], &[".inline-ad"]);
    let ruled = extract_with_rules(PAGE.as_bytes(), Some(&url), &site);
    assert_eq!(ruled.method, BodyMethod::Rules);
    assert!(ruled.text.contains("new tide tables"), "{}", ruled.text);
    assert!(!ruled.text.contains("Subscribe"), "{}", ruled.text);
    assert!(
        !ruled.text.contains("Advertisement"),
        "dropped: {}",
        ruled.text
    );
    assert!(!ruled.html.contains("Advertisement"));
    assert_eq!(ruled.title.as_deref(), Some("Tide tables"));
}

#[test]
fn rules_apply_only_to_their_domain_and_fall_back_when_nothing_matches() {
    let site = rules("gazette.example", &[".story-text"], &[]);
    let other = Url::parse("https://other.example/tides").unwrap();
    assert_eq!(
        extract_with_rules(PAGE.as_bytes(), Some(&other), &site).method,
        BodyMethod::Heuristics
    );
    let stale = rules("gazette.example", &[".no-such-class"], &[]);
    let url = Url::parse("https://gazette.example/tides").unwrap();
    let page = extract_with_rules(PAGE.as_bytes(), Some(&url), &stale);
    assert_eq!(
        page.method,
        BodyMethod::Heuristics,
        "a stale rule falls back"
    );
    assert!(!page.text.is_empty());
}
