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
    // Only a query that tracks is rewritten, and then only by dropping the
    // tracking parameters: the rest stays byte for byte as the publisher
    // wrote it (re-encoding it, `%20` as `+`, can break a server's reading).
    if let Some(query) = url.query() {
        let parts: Vec<&str> = query.split('&').collect();
        let kept: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|part| {
                url::form_urlencoded::parse(part.as_bytes())
                    .next()
                    .is_none_or(|(name, _)| !is_tracking(&name))
            })
            .collect();
        if kept.len() < parts.len() {
            let kept: Vec<&str> = kept.into_iter().filter(|p| !p.is_empty()).collect();
            let query = kept.join("&");
            url.set_query((!query.is_empty()).then_some(query.as_str()));
        } else if query.is_empty() {
            url.set_query(None);
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
        // What stays is kept as the publisher wrote it, encoding and all.
        let written = "https://x.example/s?q=a%20b&tag=c+d&flag";
        assert_eq!(clean_url(written).unwrap().as_str(), written);
        assert_eq!(
            clean_url("https://x.example/s?q=a%20b&utm_source=rss&flag")
                .unwrap()
                .as_str(),
            "https://x.example/s?q=a%20b&flag"
        );
        assert_eq!(
            clean_url("https://x.example/s?").unwrap().as_str(),
            "https://x.example/s"
        );
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
