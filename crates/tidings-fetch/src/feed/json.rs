//! JSON Feed 1.0 and 1.1 into the same [`Document`] as XML feeds.

use serde_json::Value;
use url::Url;

use super::dates::parse_date;
use super::model::{Date, Document, Entry, Image, Link, Person, Tag, Text};

/// Parses a JSON Feed; `Err` when the body is not JSON or not a feed.
pub fn parse(body: &str, base_url: &str) -> Result<Document, String> {
    let root: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let Some(object) = root.as_object() else {
        return Err("a JSON Feed is an object".into());
    };
    let version = object
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.contains("jsonfeed.org") && object.get("items").is_none() {
        return Err("not a JSON Feed: no version and no items".into());
    }
    let base = Url::parse(base_url).ok();
    let url = |value: Option<&Value>| -> Option<String> {
        let text = value?.as_str()?.trim();
        if text.is_empty() {
            return None;
        }
        Some(match &base {
            Some(base) => base
                .join(text)
                .map(String::from)
                .unwrap_or_else(|_| text.to_owned()),
            None => text.to_owned(),
        })
    };
    let string = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let text = |value: Option<&Value>, mime: &str| {
        string(value).map(|value| Text {
            value,
            mime: mime.to_owned(),
            language: None,
            base: base_url.into(),
            src: None,
        })
    };
    let date = |value: Option<&Value>| {
        string(value).map(|raw| Date {
            parsed: parse_date(&raw),
            raw,
        })
    };
    let people = |item: &serde_json::Map<String, Value>| -> Vec<Person> {
        let mut list: Vec<&Value> = item
            .get("authors")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        if list.is_empty()
            && let Some(author) = item.get("author")
        {
            list.push(author);
        }
        list.into_iter()
            .filter_map(|p| {
                let person = Person {
                    name: string(p.get("name")),
                    email: None,
                    href: url(p.get("url")),
                };
                (!person.is_empty()).then_some(person)
            })
            .collect()
    };

    let mut doc = Document {
        version: if version.ends_with("1.1") {
            "json11"
        } else {
            "json1"
        }
        .into(),
        ..Document::default()
    };
    let feed = &mut doc.feed;
    feed.common.title = text(object.get("title"), "text/plain");
    feed.subtitle = text(object.get("description"), "text/plain");
    feed.common.language = string(object.get("language"));
    feed.icon = url(object.get("favicon"));
    if let Some(icon) = url(object.get("icon")) {
        feed.common.image = Some(Image {
            href: Some(icon.clone()),
            ..Image::default()
        });
        feed.logo = Some(icon);
    }
    if let Some(home) = url(object.get("home_page_url")) {
        feed.common.add_page_link(home);
    }
    if let Some(own) = url(object.get("feed_url")) {
        feed.common.links.push(Link {
            rel: "self".into(),
            href: own,
            mime: Some("application/feed+json".into()),
            ..Link::default()
        });
    }
    if let Some(hub) = object
        .get("hubs")
        .and_then(Value::as_array)
        .and_then(|hubs| hubs.iter().find_map(|h| url(h.get("url"))))
    {
        feed.common.links.push(Link {
            rel: "hub".into(),
            href: hub,
            ..Link::default()
        });
    }
    feed.common.authors = people(object);
    feed.common.author = feed.common.authors.first().and_then(Person::display);

    for item in object
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(item) = item.as_object() else {
            continue;
        };
        let mut entry = Entry::default();
        let common = &mut entry.common;
        common.id = item.get("id").and_then(|id| match id {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        if let Some(link) = url(item.get("url")) {
            common.add_page_link(link);
        }
        if let Some(external) = url(item.get("external_url")) {
            common.links.push(Link {
                rel: "related".into(),
                href: external,
                ..Link::default()
            });
        }
        common.title = text(item.get("title"), "text/plain");
        common.published = date(item.get("date_published"));
        common.updated = date(item.get("date_modified"));
        common.language = string(item.get("language"));
        common.authors = people(item);
        common.author = common.authors.first().and_then(Person::display);
        if let Some(image) = url(item.get("image")).or_else(|| url(item.get("banner_image"))) {
            common.image = Some(Image {
                href: Some(image),
                ..Image::default()
            });
        }
        for tag in item
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(term) = tag.as_str() {
                common.tags.push(Tag {
                    term: Some(term.to_owned()),
                    ..Tag::default()
                });
            }
        }
        for attachment in item
            .get("attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(href) = url(attachment.get("url")) {
                common.links.push(Link {
                    rel: "enclosure".into(),
                    href,
                    mime: string(attachment.get("mime_type")),
                    title: string(attachment.get("title")),
                    length: attachment.get("size_in_bytes").map(|s| s.to_string()),
                    hreflang: None,
                });
            }
        }
        entry.summary = text(item.get("summary"), "text/plain");
        if let Some(html) = text(item.get("content_html"), "text/html") {
            entry.content.push(html);
        }
        if let Some(plain) = text(item.get("content_text"), "text/plain") {
            entry.content.push(plain);
        }
        doc.entries.push(entry);
    }
    Ok(doc)
}
