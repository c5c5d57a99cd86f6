//! What templates show, computed from domain types: plain strings, so the
//! templates stay free of logic.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tidings_app::CoverageItem;
use tidings_core::{Article, ArticleCard, Story, time_ago};

/// A moment as a page shows it: "4 hours ago", with the exact time for
/// `<time datetime>` and its tooltip.
pub struct When {
    pub ago: String,
    pub datetime: String,
    pub exact: String,
}

impl When {
    pub fn new(at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        Self {
            ago: time_ago(at, now),
            datetime: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exact: at.format("%-d %B %Y, %H:%M UTC").to_string(),
        }
    }
}

pub struct CardView {
    pub href: String,
    pub title: String,
    pub source: String,
    pub source_href: String,
    pub when: When,
    /// The start of the article's text (empty when unknown).
    pub preview: String,
}

impl CardView {
    pub fn new(card: &ArticleCard, now: DateTime<Utc>) -> Self {
        Self {
            href: format!("/articles/{}", card.id),
            title: headline(card.title.as_deref()),
            source: card.source_name.clone(),
            source_href: format!("/sources/{}", card.source_id),
            when: When::new(card.sort_at, now),
            preview: card
                .preview
                .as_deref()
                .map(|text| preview(text, PREVIEW_CHARS))
                .unwrap_or_default(),
        }
    }
}

/// An entry of a coverage list: an article and the other outlets that ran
/// the same text.
pub struct CoverageView {
    pub card: CardView,
    /// "Also at A, B" (empty when no other outlet ran it).
    pub also_at: String,
}

impl CoverageView {
    pub fn new(item: &CoverageItem, now: DateTime<Utc>) -> Self {
        Self {
            card: CardView::new(&item.card, now),
            also_at: outlets(item.also_at.iter().map(|(_, name)| name.as_str())),
        }
    }
}

/// "A, B and 3 more": outlet names for a line of text.
pub fn outlets<'a>(names: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 4;
    let names: Vec<&str> = names.collect();
    let mut line = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        line.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    line
}

pub struct StoryView {
    pub href: String,
    pub title: String,
    pub first_source: Option<String>,
    pub first_when: When,
    pub updated_when: When,
    pub article_count: i64,
    pub source_count: i64,
}

impl StoryView {
    pub fn new(story: &Story, now: DateTime<Utc>) -> Self {
        Self {
            href: format!("/stories/{}", story.id),
            title: headline(story.title.as_deref()),
            first_source: story.first_source_name.clone(),
            first_when: When::new(story.first_seen_at, now),
            updated_when: When::new(story.updated_at, now),
            article_count: story.article_count,
            source_count: story.source_count,
        }
    }
}

pub struct ArticleView {
    pub title: String,
    pub source: String,
    pub source_href: String,
    pub author: Option<String>,
    pub original_url: Option<String>,
    pub language: Option<String>,
    pub when: When,
    /// Sanitized: safe to insert unescaped.
    pub body_html: String,
    /// A sentence or two of plain text, for link previews.
    pub description: String,
    pub lead_image: Option<String>,
    /// Schema.org NewsArticle as JSON, safe inside a `<script>` element.
    pub json_ld: String,
    /// Its best sentences (empty until its text is final).
    pub highlights: Vec<String>,
    /// The model's wording of them, when there is one.
    pub model_highlights: Vec<String>,
}

/// Sanitized bodies and descriptions of recently shown articles: parsing
/// and sanitizing a body is most of an article page's cost, and the same
/// articles are asked for again and again.
#[derive(Default)]
pub struct BodyCache {
    entries: std::sync::Mutex<std::collections::HashMap<(i64, u64), Rendered>>,
}

/// A sanitized body and its description.
type Rendered = Arc<(String, String)>;

/// Bodies kept at most; past it the cache starts over (cheap, and hot
/// articles return at once).
const BODY_CACHE_ENTRIES: usize = 1_024;

impl BodyCache {
    /// The sanitized body and the description of `body` (as `article`
    /// holds it now: a new body is a new entry).
    fn get(&self, article: &Article, body: &str) -> Rendered {
        let key = (article.id.0, xxhash_rust::xxh3::xxh3_64(body.as_bytes()));
        if let Some(hit) = self.entries.lock().expect("not poisoned").get(&key) {
            return hit.clone();
        }
        let base = article.url.as_deref().and_then(|u| url::Url::parse(u).ok());
        let body_html = tidings_extract::sanitize_html(body, base.as_ref());
        let description = preview(&tidings_extract::html_to_text(&body_html), 200);
        let value = Arc::new((body_html, description));
        let mut entries = self.entries.lock().expect("not poisoned");
        if entries.len() >= BODY_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(key, value.clone());
        value
    }
}

impl ArticleView {
    pub fn new(article: &Article, now: DateTime<Utc>, bodies: &BodyCache) -> Self {
        // The full article from its page when it was extracted, else what
        // the feed carried.
        let body = article
            .body_html
            .as_deref()
            .or(article.content.as_deref())
            .or(article.summary.as_deref())
            .unwrap_or_default();
        let rendered = bodies.get(article, body);
        let (body_html, description) = (rendered.0.clone(), rendered.1.clone());
        let title = headline(article.title.as_deref());
        let json_ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": article.published_at.unwrap_or(article.sort_at).to_rfc3339(),
            "author": article.author.as_ref().map(|name| serde_json::json!({"@type": "Person", "name": name})),
            "publisher": {"@type": "Organization", "name": article.source_name},
            "image": article.lead_image,
            "url": article.url,
            "mainEntityOfPage": article.url,
            "description": description,
            "inLanguage": article.language,
        })
        .to_string()
        // Inside <script>, "</" could end the element early.
        .replace("</", "<\\/");
        Self {
            title,
            source: article.source_name.clone(),
            source_href: format!("/sources/{}", article.source_id),
            author: article.author.clone(),
            original_url: article.url.clone(),
            language: article.language.clone(),
            when: When::new(article.sort_at, now),
            body_html,
            description,
            lead_image: article.lead_image.clone(),
            json_ld,
            highlights: article.highlights.clone(),
            model_highlights: article
                .model_highlights
                .iter()
                .map(|(t, _)| t.clone())
                .collect(),
        }
    }
}

/// Characters of text a card previews.
const PREVIEW_CHARS: usize = 160;

/// The first `max` characters of `text`, cut at a word, with an ellipsis
/// when cut.
fn preview(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

fn headline(title: Option<&str>) -> String {
    match title.map(str::trim) {
        Some(title) if !title.is_empty() => title.to_owned(),
        _ => "(untitled)".to_owned(),
    }
}

/// What the Ask box says when it has no answer.
const ASK_VAGUE: &str =
    "Ask about something the article could say: a name, a place, a number, an event.";
const ASK_NOT_IN_SOURCES: &str = "No sentence answers that in this";

/// A sentence quoted from an article, with its citation.
pub struct QuoteView {
    pub text: String,
    pub href: String,
    pub source: String,
    pub title: String,
}

impl QuoteView {
    pub fn new(quote: &tidings_app::Quote) -> Self {
        Self {
            text: quote.text.clone(),
            href: format!("/articles/{}", quote.article),
            source: quote.source_name.clone(),
            title: headline(Some(&quote.title)),
        }
    }
}

/// The "Ask about this" box: where it posts, and the answer to the question
/// asked, if one was.
pub struct AskView {
    /// The page the form asks on (the answer shows there).
    pub action: String,
    /// What the box is about: "article" or "story".
    pub about: &'static str,
    pub question: String,
    pub answer: Option<AnswerView>,
}

pub enum AnswerView {
    Quotes(Vec<QuoteView>),
    /// The model's sentences, each with the quotes it rests on.
    Generated(Vec<(String, Vec<QuoteView>)>),
    /// Something to tell the reader instead of an answer.
    Note(String),
}

impl AskView {
    pub fn new(
        action: String,
        about: &'static str,
        question: &str,
        answer: Option<tidings_app::Result<tidings_app::Answer>>,
    ) -> Self {
        use tidings_app::Answer;
        let answer = answer.map(|a| match a {
            Ok(Answer::Quotes(quotes)) => {
                AnswerView::Quotes(quotes.iter().map(QuoteView::new).collect())
            }
            Ok(Answer::Generated(sentences)) => AnswerView::Generated(
                sentences
                    .iter()
                    .map(|s| {
                        (
                            s.text.clone(),
                            s.quotes.iter().map(QuoteView::new).collect(),
                        )
                    })
                    .collect(),
            ),
            Ok(Answer::Vague) => AnswerView::Note(ASK_VAGUE.to_owned()),
            Ok(Answer::NotInSources) => {
                AnswerView::Note(format!("{} {about}.", ASK_NOT_IN_SOURCES))
            }
            Err(error) => AnswerView::Note(error.to_string()),
        });
        Self {
            action,
            about,
            question: question.trim().to_owned(),
            answer,
        }
    }
}

/// A comment as a thread shows it.
pub struct CommentView {
    pub id: String,
    pub author: String,
    /// The author's account (for a moderator's ban button).
    pub author_id: Option<String>,
    pub when: When,
    pub edited: bool,
    /// Sanitized when posted: safe to insert.
    pub html: String,
    pub depth: usize,
    pub mine: bool,
    pub editable: bool,
    /// Why its text is not shown, when it is not.
    pub placeholder: Option<&'static str>,
    pub hidden: bool,
    pub held: bool,
    /// The page it shows on, anchored at it.
    pub href: String,
}

impl CommentView {
    pub fn new(
        comment: &tidings_core::Comment,
        depth: usize,
        mine: bool,
        editable: bool,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: comment.id.to_string(),
            author: comment
                .author
                .as_ref()
                .map_or_else(|| "[deleted account]".to_owned(), |(_, n)| n.clone()),
            author_id: comment.author.as_ref().map(|(id, _)| id.to_string()),
            when: When::new(comment.created_at, now),
            edited: comment.edited_at.is_some(),
            html: comment.html.clone(),
            depth,
            mine,
            editable,
            placeholder: None,
            hidden: comment.hidden,
            held: comment.held,
            href: format!("{}#comment-{}", comment.target.href(), comment.id),
        }
    }

    pub fn from_node(node: &tidings_app::CommentNode, now: DateTime<Utc>) -> Self {
        let mut view = Self::new(&node.comment, node.depth, node.mine, node.editable, now);
        if node.placeholder {
            view.placeholder = Some(if node.comment.deleted {
                "This comment was deleted."
            } else {
                "This comment was hidden by a moderator."
            });
            view.html.clear();
            view.author = String::new();
        }
        view
    }
}

/// The comments section of an article or story page.
pub struct CommentsView {
    /// Where the form posts.
    pub action: String,
    /// The page itself (for sign-in's way back and the order links).
    pub page_href: String,
    pub count: usize,
    pub nodes: Vec<CommentView>,
    pub user: Option<String>,
    pub moderator: bool,
    pub csrf: String,
    pub sort: &'static str,
    pub page: usize,
    pub pages: usize,
    /// Why the visitor cannot post, when comments are not open to them.
    pub closed: Option<String>,
    /// A report was just received.
    pub reported: bool,
}

/// A moderator action as the log lists it.
pub struct LoggedView {
    pub moderator: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub when: When,
}

impl LoggedView {
    pub fn new(entry: &tidings_app::LoggedAction, now: DateTime<Utc>) -> Self {
        Self {
            moderator: entry.moderator.clone(),
            action: entry.action.clone(),
            subject: entry.subject.clone(),
            detail: entry.detail.clone(),
            when: When::new(entry.at, now),
        }
    }
}

/// A Follow / Unfollow button for a signed-in reader.
pub struct FollowView {
    pub action: String,
    pub following: bool,
    pub csrf: String,
}

/// Save and mark-read buttons for a signed-in reader.
pub struct MarksView {
    /// The article page (the forms post under it).
    pub href: String,
    pub saved: bool,
    pub read: bool,
    pub csrf: String,
}

/// A tag as a page links it.
pub struct TagView {
    pub label: String,
    pub kind: &'static str,
    pub href: String,
}

impl TagView {
    pub fn new(tag: &tidings_app::ArticleTag) -> Self {
        Self {
            label: tag.label.clone(),
            kind: tag_kind_label(&tag.kind),
            href: format!("/tags/{}/{}", tag.kind, percent_encode_path(&tag.key)),
        }
    }
}

/// What a page calls a tag's kind.
pub fn tag_kind_label(kind: &str) -> &'static str {
    match kind {
        "person" => "Person",
        "organization" => "Organisation",
        "place" => "Place",
        _ => "Keyword",
    }
}

/// One path segment, percent-encoded (spaces as `%20`).
pub fn percent_encode_path(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
