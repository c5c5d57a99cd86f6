//! Article URLs: clean ones to show and follow, and identity keys so the
//! same article reached through two feeds (or two spellings) is one article.

use url::Url;

/// Query parameters that track the reader, never select content.
fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || name.starts_with("_hs")
        || matches!(
            name.as_str(),
            "fbclid"
                | "gclid"
                | "gclsrc"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "twclid"
                | "igshid"
                | "mc_cid"
                | "mc_eid"
                | "mkt_tok"
                | "oly_anon_id"
                | "oly_enc_id"
                | "vero_id"
                | "wickedid"
                | "_ga"
                | "_gl"
                | "__s"
                | "ncid"
                | "cmpid"
                | "ito"
                | "at_medium"
                | "at_campaign"
                | "rss"
                | "ref_src"
                | "ref_url"
                | "sr_share"
                | "spm"
        )
}

/// The URL without tracking parameters or fragment: what we store, show
/// and fetch. `None` for anything but absolute http(s) URLs.
pub fn clean_url(raw: &str) -> Option<Url> {
    clean_parsed(Url::parse(raw.trim()).ok()?)
}

/// [`clean_url`] for a URL already parsed.
pub(crate) fn clean_parsed(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !is_tracking(name))
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url)
}

/// The identity of an article URL: scheme, `www.`, default ports, a
/// trailing slash, fragment, tracking parameters and parameter order do not
/// make a different article. Not a URL to fetch — a key to compare.
pub fn url_key(raw: &str) -> Option<String> {
    key_of_clean(&clean_url(raw)?)
}

/// [`url_key`] of a URL [`clean_url`] already cleaned.
pub(crate) fn key_of_clean(url: &Url) -> Option<String> {
    let raw = url.as_str();
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut key = String::with_capacity(raw.len());
    key.push_str(host);
    if let Some(port) = url.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    let path = url.path();
    key.push_str(if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        ""
    });
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if !pairs.is_empty() {
        pairs.sort();
        key.push('?');
        let query: Vec<String> = pairs
            .iter()
            .map(|(n, v)| {
                if v.is_empty() {
                    n.clone()
                } else {
                    format!("{n}={v}")
                }
            })
            .collect();
        key.push_str(&query.join("&"));
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_is_stripped_and_content_kept() {
        let url = clean_url(
            "https://News.Example.com/a/story?id=42&utm_source=rss&utm_medium=feed&fbclid=x#comments",
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://news.example.com/a/story?id=42");
        let bare = clean_url("https://news.example.com/a?gclid=1&utm_campaign=z").unwrap();
        assert_eq!(bare.as_str(), "https://news.example.com/a");
    }

    #[test]
    fn spellings_of_one_article_share_a_key() {
        let keys: Vec<_> = [
            "https://www.news.example/a/story/?utm_source=x",
            "http://news.example/a/story",
            "https://NEWS.example:443/a/story#top",
            "https://news.example/a/story/",
        ]
        .iter()
        .map(|u| url_key(u).unwrap())
        .collect();
        assert!(keys.iter().all(|k| k == "news.example/a/story"), "{keys:?}");
        assert_eq!(
            url_key("https://x.example/p?b=2&a=1"),
            url_key("https://x.example/p?a=1&b=2")
        );
        assert_ne!(
            url_key("https://x.example/p?id=1"),
            url_key("https://x.example/p?id=2")
        );
        assert_eq!(url_key("https://x.example/"), Some("x.example".to_owned()));
    }

    #[test]
    fn non_http_urls_have_no_key() {
        for raw in [
            "javascript:alert(1)",
            "mailto:a@b",
            "/relative",
            "",
            "http://",
        ] {
            assert_eq!(url_key(raw), None, "{raw}");
        }
    }
}
