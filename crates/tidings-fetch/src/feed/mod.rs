//! tidings' own feed parser: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF and JSON
//! Feed into one [`Document`], with the semantics of the Universal Feed
//! Parser that feed readers and their users expect (text constructs with
//! their type, relative URLs resolved against `xml:base`, HTML made safe,
//! dates kept as written and read, unknown elements kept) and the speed of
//! a streaming pass over quick-xml.

mod dates;
mod html;
mod json;
pub mod model;
mod xml;

pub use dates::parse_date;
pub use html::{clean as clean_html, escape_into as escape_html_into, text_of as text_of_html};
pub use model::*;
pub use xml::person_from_text;

/// How the parser reads a feed: how much work it does on the HTML inside,
/// and what the HTTP response said about the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Strip unsafe markup (scripts, event handlers, unknown elements,
    /// dangerous URLs and CSS) from HTML text, as feed readers that show
    /// it directly must. tidings sanitizes when it renders, so ingestion
    /// leaves this off and keeps the publisher's HTML; relative URLs are
    /// made absolute either way.
    pub sanitize_html: bool,
    /// The language the response declared (`Content-Language`): the
    /// feed's and its texts' language where the document names none.
    pub language: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sanitize_html: true,
            language: None,
        }
    }
}

/// Parses a feed that is already UTF-8 text. JSON Feed is recognised by
/// its first character; anything else is read as XML.
pub fn parse_text(text: &str, base_url: &str, options: Options) -> Result<Document, String> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if start.starts_with('{') {
        return json::parse(start, base_url);
    }
    Ok(xml::parse(text, base_url, options))
}
