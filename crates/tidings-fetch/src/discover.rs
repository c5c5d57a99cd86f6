//! Feed discovery: from a site's page to its feeds.

use scraper::{Html, Selector};
use url::Url;

use crate::client::{FetchError, Fetched, Fetcher, Validators};
use crate::parse::parse_feed;

/// Paths where sites commonly keep a feed, tried when a page names none.
const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
];

/// What a URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// The URL is a feed itself.
    Feed,
    /// The URL is a page; these are its feeds, best first.
    Found(Vec<Url>),
    /// A page that names no feed, and none at the common paths.
    NoFeed,
}

/// Feed URLs a page declares with `<link rel="alternate">`, in page order,
/// resolved against `base` (or the page's `<base href>`).
pub fn feed_links(html: &str, base: &Url) -> Vec<Url> {
    let document = Html::parse_document(html);
    let base_href = Selector::parse("base[href]").expect("selector");
    let base = document
        .select(&base_href)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| base.join(href).ok())
        .unwrap_or_else(|| base.clone());
    let links = Selector::parse("link[href]").expect("selector");
    let mut found: Vec<Url> = Vec::new();
    for link in document.select(&links) {
        let element = link.value();
        let rel = element.attr("rel").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = element
            .attr("type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let is_feed = matches!(
            kind.split(';').next().unwrap_or_default().trim(),
            "application/rss+xml"
                | "application/atom+xml"
                | "application/feed+json"
                | "application/json"
                | "application/rdf+xml"
                | "text/xml"
                | "application/xml"
        );
        if !is_feed {
            continue;
        }
        if let Some(url) = element
            .attr("href")
            .and_then(|href| base.join(href.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            && !found.contains(&url)
        {
            found.push(url);
        }
    }
    // Comment feeds are rarely what a reader means.
    found.sort_by_key(|u| u.path().to_ascii_lowercase().contains("comment"));
    found
}

impl Fetcher {
    /// Finds the feeds behind `url`: the URL itself when it is a feed, the
    /// feeds its page declares, or a feed at a common path.
    pub async fn discover(&self, url: &Url) -> Result<Discovery, FetchError> {
        let Fetched::Body {
            body,
            final_url,
            content_type,
            ..
        } = self.get(url.as_str(), &Validators::default()).await?
        else {
            return Ok(Discovery::Feed);
        };
        if parse_feed(&body, content_type.as_deref(), &final_url).is_ok() {
            return Ok(Discovery::Feed);
        }
        let looks_html = content_type.as_deref().is_some_and(|c| c.contains("html"))
            || body
                .windows(5)
                .take(2048)
                .any(|w| w.eq_ignore_ascii_case(b"<html"));
        if !looks_html {
            return Ok(Discovery::NoFeed);
        }
        let page_url = Url::parse(&final_url).unwrap_or_else(|_| url.clone());
        let links = feed_links(&String::from_utf8_lossy(&body), &page_url);
        if !links.is_empty() {
            return Ok(Discovery::Found(links));
        }
        for path in COMMON_PATHS {
            let Ok(candidate) = page_url.join(path) else {
                continue;
            };
            if let Ok(Fetched::Body {
                body,
                final_url,
                content_type,
                ..
            }) = self.get(candidate.as_str(), &Validators::default()).await
                && parse_feed(&body, content_type.as_deref(), &final_url).is_ok()
            {
                return Ok(Discovery::Found(vec![candidate]));
            }
        }
        Ok(Discovery::NoFeed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_links_are_found_and_resolved() {
        let html = r#"<!doctype html><html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed">
            <link rel="alternate" type="application/rss+xml" title="News" href="/news.rss">
            <link rel="Alternate" type="application/atom+xml" href="https://cdn.example/atom.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let base = Url::parse("https://site.example/blog/").unwrap();
        let links: Vec<String> = feed_links(html, &base)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            links,
            [
                "https://site.example/news.rss",
                "https://cdn.example/atom.xml",
                "https://site.example/comments/feed"
            ]
        );
    }

    #[test]
    fn base_href_is_honoured() {
        let html = r#"<head><base href="https://other.example/x/"><link rel="alternate" type="application/atom+xml" href="feed.atom"></head>"#;
        let base = Url::parse("https://site.example/").unwrap();
        assert_eq!(
            feed_links(html, &base),
            [Url::parse("https://other.example/x/feed.atom").unwrap()]
        );
    }
}
