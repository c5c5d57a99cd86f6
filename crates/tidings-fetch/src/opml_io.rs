//! OPML subscription lists in and out.

use thiserror::Error;
use tidings_core::{Feed, NewFeed};

#[derive(Debug, Error)]
pub enum OpmlError {
    #[error("malformed OPML: {0}")]
    Malformed(String),
}

/// The feeds an OPML document lists, in document order, with the folder
/// each is filed in (its innermost enclosing outline). Outlines whose
/// `xmlUrl` is not an http(s) URL are skipped.
pub fn parse_opml(text: &str) -> Result<Vec<NewFeed>, OpmlError> {
    let document = opml::OPML::from_str(text).map_err(|e| OpmlError::Malformed(e.to_string()))?;
    let mut feeds = Vec::new();
    collect(&document.body.outlines, None, &mut feeds);
    Ok(feeds)
}

fn collect(outlines: &[opml::Outline], folder: Option<&str>, feeds: &mut Vec<NewFeed>) {
    for outline in outlines {
        if let Some(url) = outline
            .xml_url
            .as_deref()
            .and_then(|u| url::Url::parse(u.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        {
            let title = outline
                .title
                .as_deref()
                .or(Some(outline.text.as_str()))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            feeds.push(NewFeed {
                url,
                title,
                site_url: outline.html_url.clone(),
                category: folder.map(str::to_owned),
            });
            collect(&outline.outlines, folder, feeds);
        } else {
            let name = outline.title.as_deref().unwrap_or(&outline.text).trim();
            let inner = if name.is_empty() { folder } else { Some(name) };
            collect(&outline.outlines, inner, feeds);
        }
    }
}

/// An OPML 2.0 document listing `feeds`.
pub fn write_opml(feeds: &[Feed]) -> Result<String, OpmlError> {
    let mut document = opml::OPML {
        version: "2.0".to_owned(),
        ..opml::OPML::default()
    };
    document.head = Some(opml::Head {
        title: Some("tidings subscriptions".to_owned()),
        ..opml::Head::default()
    });
    for feed in feeds {
        let name = feed.display_name().to_owned();
        let outline = opml::Outline {
            text: name.clone(),
            title: Some(name),
            r#type: Some("rss".to_owned()),
            xml_url: Some(feed.url.clone()),
            html_url: feed.site_url.clone(),
            ..opml::Outline::default()
        };
        match &feed.category {
            None => document.body.outlines.push(outline),
            Some(category) => {
                let outlines = &mut document.body.outlines;
                let position = outlines
                    .iter()
                    .position(|o| o.xml_url.is_none() && &o.text == category);
                let folder = match position {
                    Some(i) => &mut outlines[i],
                    None => {
                        outlines.push(opml::Outline {
                            text: category.clone(),
                            title: Some(category.clone()),
                            ..opml::Outline::default()
                        });
                        outlines.last_mut().expect("just pushed")
                    }
                };
                folder.outlines.push(outline);
            }
        }
    }
    document
        .to_string()
        .map_err(|e| OpmlError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_are_read_and_bad_urls_skipped() {
        let text = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
            <outline text="News">
              <outline text="World" type="rss" xmlUrl="https://a.example/world.xml" htmlUrl="https://a.example/"/>
              <outline text="Bad" type="rss" xmlUrl="file:///etc/passwd"/>
            </outline>
            <outline text="Tech" title="Tech feed" xmlUrl="http://b.example/rss"/>
        </body></opml>"#;
        let feeds = parse_opml(text).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].url.as_str(), "https://a.example/world.xml");
        assert_eq!(feeds[0].title.as_deref(), Some("World"));
        assert_eq!(feeds[0].site_url.as_deref(), Some("https://a.example/"));
        assert_eq!(feeds[1].title.as_deref(), Some("Tech feed"));
        assert_eq!(feeds[0].category.as_deref(), Some("News"));
        assert_eq!(feeds[1].category, None);
    }

    #[test]
    fn folders_survive_export_and_import() {
        let feed = |id: i64, url: &str, category: Option<&str>| Feed {
            id: tidings_core::FeedId(id),
            source_id: tidings_core::SourceId(1),
            url: url.to_owned(),
            title: Some(format!("Feed {id}")),
            site_url: None,
            category: category.map(str::to_owned),
            poll_interval_secs: None,
            push: None,
            extract_mode: Default::default(),
            created_at: chrono::Utc::now(),
            state: Default::default(),
        };
        let feeds = [
            feed(1, "https://a.example/rss", Some("World")),
            feed(2, "https://b.example/rss", None),
            feed(3, "https://c.example/rss", Some("World")),
        ];
        let text = write_opml(&feeds).unwrap();
        let back = parse_opml(&text).unwrap();
        let summary: Vec<_> = back
            .iter()
            .map(|f| (f.url.as_str().to_owned(), f.category.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("https://a.example/rss".to_owned(), Some("World".to_owned())),
                ("https://c.example/rss".to_owned(), Some("World".to_owned())),
                ("https://b.example/rss".to_owned(), None),
            ]
        );
    }

    #[test]
    fn malformed_opml_is_an_error() {
        assert!(parse_opml("<opml><body>").is_err());
        assert!(parse_opml("not xml").is_err());
    }
}
