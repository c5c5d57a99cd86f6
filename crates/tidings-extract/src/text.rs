//! Plain text of an HTML fragment (a feed's content or summary), for
//! indexing: words, not markup; no script or style text.

use scraper::{Html, Node};

/// The words of `html`, with a space wherever markup separated them.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.to_owned();
    }
    let fragment = Html::parse_fragment(crate::decode::limit_depth(html, crate::MAX_DEPTH));
    let mut out = String::with_capacity(html.len() / 2);
    for node in fragment.root_element().descendants() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
        });
        if hidden {
            continue;
        }
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_scripts_go_words_stay() {
        assert_eq!(
            html_to_text("<p>Rates <b>held</b></p><script>x()</script><p>at&nbsp;2%</p>"),
            "Rates held at 2%"
        );
        assert_eq!(html_to_text("plain words"), "plain words");
    }
}
