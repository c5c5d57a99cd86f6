//! What a feed says, in the vocabulary every feed reader shares (the one
//! Universal Feed Parser made common): text constructs with their type,
//! language and base; people; links; tags; dates kept as written beside
//! their reading in UTC. RSS, Atom, RDF and JSON Feed all land here.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A parsed feed document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The format and version: `rss20`, `rss091u`, `rss10`, `atom10`,
    /// `atom03`, `json11`, `cdf`…; empty when unknown.
    pub version: String,
    /// Why the document is not well-formed when the parser had to recover
    /// (what it read before or around the fault is kept).
    pub bozo: Option<String>,
    /// The document stopped before its end: an XML error the parser could
    /// not read past, or elements left open. Entries cut off are dropped.
    pub truncated: bool,
    pub feed: Meta,
    pub entries: Vec<Entry>,
}

/// A text construct: the value, its media type (`text/plain`,
/// `text/html`, `application/xhtml+xml`), language and base URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub mime: String,
    pub language: Option<String>,
    /// Shared by every text of an element tree with one base.
    pub base: Arc<str>,
    /// Atom `<content src>`: the content lives elsewhere.
    pub src: Option<String>,
}

impl Text {
    pub fn is_html(&self) -> bool {
        matches!(self.mime.as_str(), "text/html" | "application/xhtml+xml")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    pub email: Option<String>,
    pub href: Option<String>,
}

impl Person {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.href.is_none()
    }

    /// How feed readers print a person: `name (email)`, or either alone.
    pub fn display(&self) -> Option<String> {
        match (&self.name, &self.email) {
            (Some(name), Some(email)) => Some(format!("{name} ({email})")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub rel: String,
    pub href: String,
    pub mime: Option<String>,
    pub title: Option<String>,
    pub length: Option<String>,
    pub hreflang: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag {
    pub term: Option<String>,
    pub scheme: Option<String>,
    pub label: Option<String>,
}

/// A date as the feed wrote it, and what that means in UTC when it could
/// be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    pub raw: String,
    pub parsed: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    pub href: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    pub width: Option<String>,
    pub height: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub name: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generator {
    pub name: Option<String>,
    pub href: Option<String>,
    pub version: Option<String>,
}

/// A place, from GeoRSS or GML: `Point`, `LineString`, `Polygon` or
/// `Box`, its positions in GeoJSON's order: longitude, latitude (and
/// height) for geographic coordinates, as written (easting, northing) for
/// projected ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub kind: String,
    pub coordinates: Vec<Vec<f64>>,
}

/// An element's attributes as written, name and value.
pub type Attributes = Vec<(String, String)>;

/// A Podlove Simple Chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chapter {
    pub start: String,
    pub title: Option<String>,
    pub href: Option<String>,
    pub image: Option<String>,
}

/// Media RSS / iTunes media description of an entry or a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Media {
    /// `media:content` attributes (url, type, medium, width…).
    pub content: Vec<Attributes>,
    pub thumbnails: Vec<Attributes>,
    /// `media:credit`: role and name.
    pub credits: Vec<(Option<String>, String)>,
    pub rating: Option<(Option<String>, String)>,
    /// `media:restriction`: its attributes (relationship, type) and the
    /// countries or URIs it lists.
    pub restriction: Option<(Attributes, Vec<String>)>,
    /// `media:license`: its attributes (type, href) and its name.
    pub license: Option<(Attributes, String)>,
    pub player: Option<Attributes>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub keywords: Option<String>,
}

impl Media {
    pub fn is_empty(&self) -> bool {
        *self == Media::default()
    }
}

/// The fields a feed and an entry share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Common {
    pub title: Option<Text>,
    pub id: Option<String>,
    /// The link to the human-readable page.
    pub link: Option<String>,
    pub links: Vec<Link>,
    pub rights: Option<Text>,
    pub updated: Option<Date>,
    pub published: Option<Date>,
    pub created: Option<Date>,
    /// `author` as the feed printed it (RSS: often `addr (Name)`).
    pub author: Option<String>,
    pub authors: Vec<Person>,
    pub contributors: Vec<Person>,
    pub publisher: Option<String>,
    pub publisher_detail: Option<Person>,
    pub tags: Vec<Tag>,
    pub language: Option<String>,
    pub license: Option<String>,
    pub image: Option<Image>,
    pub media: Media,
    pub place: Option<Place>,
    /// Atom threading's `thr:in-reply-to`: `ref`, `href`, `type`, `source`.
    pub in_reply_to: Option<Attributes>,
    pub itunes_block: Option<bool>,
    pub itunes_explicit: Option<bool>,
    pub itunes_keywords: Vec<String>,
    pub itunes_duration: Option<String>,
    /// Elements no handler knows, by their prefixed name
    /// (`prefix_local`), with their text: kept, not dropped.
    pub extra: Vec<(Arc<str>, String)>,
}

impl Common {
    /// The page an RSS `<link>`, a permalink GUID, a CDF `href` or a JSON
    /// Feed `url` names: the feed's or entry's link, and an alternate
    /// HTML link among its links.
    pub fn add_page_link(&mut self, href: String) {
        self.link = Some(href.clone());
        self.links.push(Link {
            rel: "alternate".into(),
            href,
            mime: Some("text/html".into()),
            ..Link::default()
        });
    }
}

/// Feed-level metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub common: Common,
    pub subtitle: Option<Text>,
    pub info: Option<Text>,
    pub generator: Option<Generator>,
    pub docs: Option<String>,
    pub ttl: Option<String>,
    pub icon: Option<String>,
    pub logo: Option<String>,
    pub textinput: Option<TextInput>,
    pub cloud: Attributes,
    pub validity_start: Option<Date>,
    pub validity_end: Option<Date>,
    /// RSS `<skipHours>`: UTC hours not to poll in.
    pub skip_hours: Vec<u8>,
    /// WebSub / feed moving: `<itunes:new-feed-url>`, `<newLocation>`.
    pub new_location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub common: Common,
    pub summary: Option<Text>,
    pub content: Vec<Text>,
    /// The id came from an RSS `<guid>` that is also the link.
    pub guidislink: bool,
    pub expired: Option<Date>,
    pub comments: Option<String>,
    pub source: Option<Box<Meta>>,
    pub chapters: Option<(Option<String>, Vec<Chapter>)>,
    pub wfw_comment: Option<String>,
    pub wfw_commentrss: Option<String>,
}
