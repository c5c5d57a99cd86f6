//! Publisher HTML made safe to store and show: the one sanitizer, used on
//! extracted bodies and again when any article body is rendered.

use ammonia::{Builder, UrlRelative};
use url::Url;

/// Sanitizes an article body: scripts, styles, event handlers, forms and
/// frames go; links open without giving the publisher our window; images
/// load lazily; relative URLs resolve against the article's own address
/// (or are dropped when it has none).
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    let mut builder = Builder::default();
    builder
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("img", "loading", "lazy");
    match base {
        Some(base) => builder.url_relative(UrlRelative::RewriteWithBase(base.clone())),
        None => builder.url_relative(UrlRelative::Deny),
    };
    builder.clean(html).to_string()
}

pub(crate) fn escape(text: &str) -> String {
    ammonia::clean_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markup_is_removed() {
        let dirty = r#"<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">j</a>
            <img src="/i.png" onerror="x()"><iframe src="https://evil.example"></iframe>
            <style>body{display:none}</style><a href="rel/2">r</a></p>"#;
        let clean = sanitize_html(dirty, Url::parse("https://news.example/a/1").ok().as_ref());
        assert!(!clean.contains("script"), "{clean}");
        assert!(
            !clean.contains("onclick") && !clean.contains("onerror"),
            "{clean}"
        );
        assert!(!clean.contains("javascript:"), "{clean}");
        assert!(
            !clean.contains("iframe") && !clean.contains("display:none"),
            "{clean}"
        );
        assert!(
            clean.contains(r#"src="https://news.example/i.png""#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"href="https://news.example/a/rel/2""#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"rel="noopener noreferrer nofollow""#),
            "{clean}"
        );
        assert!(clean.contains(r#"loading="lazy""#), "{clean}");
    }

    #[test]
    fn relative_urls_without_a_base_are_dropped() {
        let clean = sanitize_html(r#"<a href="/x">x</a>"#, None);
        assert!(!clean.contains("/x"), "{clean}");
    }
}
