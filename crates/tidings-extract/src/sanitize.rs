//! The extracted body made safe to store and show: ammonia's allow-list,
//! URLs made absolute against the page, links that do not hand over our
//! window.

use ammonia::{Builder, UrlRelative};
use url::Url;

pub(crate) fn clean(html: &str, base: Option<&Url>) -> String {
    let mut builder = Builder::default();
    builder.link_rel(Some("noopener noreferrer nofollow"));
    match base {
        Some(base) => builder.url_relative(UrlRelative::RewriteWithBase(base.clone())),
        None => builder.url_relative(UrlRelative::PassThrough),
    };
    builder.clean(html).to_string()
}

pub(crate) fn escape(text: &str) -> String {
    ammonia::clean_text(text)
}
