//! Dates as the page shows them to readers: "Updated August 14, 2025" in
//! the header under the headline. Publishers' metadata often says when the
//! page was first made or last touched by the CMS; the date printed beside
//! the headline is the one readers (and annotators) take for the article's.

use std::sync::LazyLock;

use chrono::NaiveDate;
use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{ElementRef, Html, Node};

use crate::metadata::collapse;

/// How far from the headline a printed date may be, in characters of
/// visible text: the byline block, not the article body.
const AFTER_HEADLINE: usize = 600;
const BEFORE_HEADLINE: usize = 200;
/// Text runs longer than this are prose, where a date is part of a
/// sentence ("On March 3, 2024, the council…"), not the article's.
const LONGEST_DATE_LINE: usize = 120;

const MONTH: &str = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// The written forms of a date, each with the order of its parts.
static PATTERNS: LazyLock<Vec<(Regex, Order)>> = LazyLock::new(|| {
    [
        (
            format!(r"(?i)\b{MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
            Order::MonthDayYear,
        ),
        (
            format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?,?\s+(\d{{4}})\b"),
            Order::DayMonthYear,
        ),
        (
            r"\b(\d{4})([-/.])(\d{1,2})[-/.](\d{1,2})(?:\b|T)".to_owned(),
            Order::Iso,
        ),
        (
            r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b".to_owned(),
            Order::Dotted,
        ),
        (
            r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b".to_owned(),
            Order::Slashed,
        ),
    ]
    .into_iter()
    .map(|(pattern, order)| (Regex::new(&pattern).expect("valid date pattern"), order))
    .collect()
});

/// Where a headline stands when it is not the page's `<h1>`.
static OTHER_HEADINGS: LazyLock<scraper::Selector> = LazyLock::new(|| {
    scraper::Selector::parse("h2, h3, legend, [class*=title], [class*=headline]")
        .expect("valid selector")
});

/// The day a URL's path names (`/2025/12/16/slug`, `/2025-12-16-slug`).
pub(crate) fn date_in_url(url: &url::Url) -> Option<NaiveDate> {
    static IN_PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_-]|$)")
            .expect("valid pattern")
    });
    let c = IN_PATH.captures(url.path())?;
    let number = |i: usize| c.get(i)?.as_str().parse::<u32>().ok();
    NaiveDate::from_ymd_opt(number(1)? as i32, number(2)?, number(3)?)
}

#[derive(Clone, Copy)]
enum Order {
    MonthDayYear,
    DayMonthYear,
    Iso,
    /// 31.12.2025: day first (European).
    Dotted,
    /// 12/31/2025: month first unless the first part cannot be a month.
    Slashed,
}

/// The first full date written in `text` (English month names or numeric
/// forms), with years from 1990 to 2100.
pub(crate) fn date_in_text(text: &str) -> Option<NaiveDate> {
    written_date(text).map(|w| w.date)
}

/// A date as written, and how else it reads: "03/10/2023" is March 10 in
/// the United States and 3 October in most of the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Written {
    pub date: NaiveDate,
    /// The other reading of a numeric date whose numbers allow two.
    pub other: Option<NaiveDate>,
    /// Whether that other reading puts the day first (the date was read
    /// month first, as slashed dates are).
    pub other_is_day_first: bool,
}

fn written_date(text: &str) -> Option<Written> {
    PATTERNS
        .iter()
        .filter_map(|(pattern, order)| {
            pattern.captures_iter(text).find_map(|c| {
                let part = |i: usize| c.get(i).map_or("", |m| m.as_str());
                let number = |i: usize| part(i).parse::<u32>().ok();
                let mut other = None;
                // Both numbers could be the month: the other reading.
                let swap = |year: u32, a: u32, b: u32| {
                    (a <= 12 && b <= 12 && a != b)
                        .then(|| NaiveDate::from_ymd_opt(year as i32, b, a))
                        .flatten()
                };
                let (year, month, day) = match order {
                    Order::MonthDayYear => (number(3)?, month_number(part(1))?, number(2)?),
                    Order::DayMonthYear => (number(3)?, month_number(part(2))?, number(1)?),
                    Order::Iso => (number(1)?, number(3)?, number(4)?),
                    Order::Dotted => {
                        other = swap(number(3)?, number(2)?, number(1)?);
                        (number(3)?, number(2)?, number(1)?)
                    }
                    Order::Slashed => {
                        let (first, second) = (number(1)?, number(2)?);
                        if first > 12 {
                            (number(3)?, second, first)
                        } else {
                            other = swap(number(3)?, first, second);
                            (number(3)?, first, second)
                        }
                    }
                };
                if !(1990..=2100).contains(&year) {
                    return None;
                }
                let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
                let written = Written {
                    date,
                    other,
                    other_is_day_first: matches!(order, Order::Slashed),
                };
                Some((c.get(0)?.start(), written))
            })
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, written)| written)
}

/// Elements named for the date they print ("post-date", "published-on",
/// "dateline"), for pages whose date stands away from the headline.
static DATE_ELEMENTS: LazyLock<scraper::Selector> = LazyLock::new(|| {
    scraper::Selector::parse(
        "[class*=date], [class*=Date], [class*=posted], [class*=published], \
         [itemprop=datePublished]",
    )
    .expect("valid selector")
});

/// The first date printed in an element named for it, outside prose.
pub(crate) fn printed_date(document: &Html) -> Option<Written> {
    document.select(&DATE_ELEMENTS).find_map(|e| {
        let text = collapse(&e.text().collect::<String>());
        (text.len() <= LONGEST_DATE_LINE)
            .then(|| written_date(&text))
            .flatten()
    })
}

/// Whether the page writes dates day first (03/10/2023 is 3 October): its
/// language says so when it names a region or is not English; an English
/// page that names none is judged by the dates it spells out ("3 October
/// 2023" against "October 3, 2023").
pub(crate) fn writes_day_first(document: &Html) -> bool {
    let lang = document
        .root_element()
        .value()
        .attr("lang")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .replace('_', "-");
    match lang.split_once('-') {
        Some(("en", region)) => return !matches!(region, "us" | "ph" | "ca"),
        Some(_) => return true,
        None if !lang.is_empty() && lang != "en" => return true,
        None => {}
    }
    // The visible text, in one walk that skips hidden elements whole.
    let mut text = String::new();
    let mut hidden = 0usize;
    for edge in document.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if is_hidden(e.name()) => hidden += 1,
                Node::Text(t) if hidden == 0 => {
                    text.push_str(t);
                    text.push(' ');
                }
                _ => {}
            },
            Edge::Close(node) => {
                if node
                    .value()
                    .as_element()
                    .is_some_and(|e| is_hidden(e.name()))
                {
                    hidden -= 1;
                }
            }
        }
    }
    // A page's custom shows in its first dates: a bounded read.
    let mut end = text.len().min(DAY_FIRST_SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let count = |order: usize| PATTERNS[order].0.find_iter(sample).count();
    count(1) > count(0)
}

/// Bytes of a page's text read to tell how it writes dates.
const DAY_FIRST_SAMPLE: usize = 64 * 1024;

fn month_number(name: &str) -> Option<u32> {
    let name = name.to_ascii_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| name.starts_with(m))
    .map(|i| i as u32 + 1)
}

/// The short lines of text around the page's headline: where bylines,
/// dates and eyebrows are printed.
pub(crate) struct Header {
    /// Lines just above the headline, in page order.
    pub before: Vec<String>,
    /// Lines after it, in page order, up to [`AFTER_HEADLINE`] characters.
    pub after: Vec<String>,
}

impl Header {
    /// The lines around the element that shows `headline`, if one does.
    pub(crate) fn around(document: &Html, headline: &str) -> Option<Header> {
        let is_headline = |e: &ElementRef<'_>| collapse(&e.text().collect::<String>()) == headline;
        let anchor = document
            .select(&crate::metadata::H1)
            .find(is_headline)
            .or_else(|| document.select(&OTHER_HEADINGS).find(is_headline))
            .or_else(|| headline_text(document, headline))?;
        let mut header = Header {
            before: Vec::new(),
            after: Vec::new(),
        };
        let mut seen_before = 0;
        let mut after_chars = 0;
        let mut past_anchor = false;
        // One walk in page order; `skipping` counts the open elements whose
        // text is not read (hidden ones, and the headline itself).
        let mut skipping = 0usize;
        for edge in document.root_element().traverse() {
            let (node, opening) = match edge {
                Edge::Open(node) => (node, true),
                Edge::Close(node) => (node, false),
            };
            let text = match node.value() {
                Node::Element(e) => {
                    let skipped = node.id() == anchor.id() || is_hidden(e.name());
                    if skipped && opening {
                        past_anchor |= node.id() == anchor.id();
                        skipping += 1;
                    } else if skipped {
                        skipping -= 1;
                    }
                    continue;
                }
                Node::Text(text) if opening && skipping == 0 => text,
                _ => continue,
            };
            let line = collapse(text);
            if line.is_empty() {
                continue;
            }
            if past_anchor {
                after_chars += line.len();
                header.after.push(line);
                if after_chars > AFTER_HEADLINE {
                    break;
                }
            } else {
                seen_before += line.len();
                header.before.push(line);
                // Only the lines just above the headline count.
                while seen_before > BEFORE_HEADLINE && header.before.len() > 1 {
                    seen_before -= header.before.remove(0).len();
                }
            }
        }
        Some(header)
    }

    /// The date printed nearest the headline: the first in the lines after
    /// it (byline, "Updated …"), else the last in the lines just before it
    /// (an eyebrow above the title). Prose lines do not count. A page that
    /// prints "Updated …" beside an earlier publication date ("Originally
    /// published …", a few short lines away) means the publication date.
    pub(crate) fn date(&self) -> Option<ShownDate> {
        let shown = |lines: &[String], i: usize| {
            let line = &lines[i];
            let written = written_date(line).filter(|_| line.len() <= LONGEST_DATE_LINE)?;
            let previous = i.checked_sub(1).map_or("", |p| lines[p].as_str());
            Some(ShownDate::new(written, previous, line))
        };
        // Published before it was updated.
        let beside_update = |lines: &[String], at: usize, updated: NaiveDate| {
            let near = at.saturating_sub(BESIDE_UPDATE)..(at + BESIDE_UPDATE + 1).min(lines.len());
            near.filter(|&i| i != at && lines[i].len() <= DATE_BLOCK_LINE)
                .filter_map(|i| shown(lines, i))
                .find(|d| !d.is_update && d.written.date < updated)
        };
        let after = (0..self.after.len()).find_map(|i| Some((i, shown(&self.after, i)?)));
        let (lines, (at, first)) = match after {
            Some(found) => (&self.after, found),
            None => (
                &self.before,
                (0..self.before.len())
                    .rev()
                    .find_map(|i| Some((i, shown(&self.before, i)?)))?,
            ),
        };
        if first.is_update {
            return beside_update(lines, at, first.written.date).or(Some(first));
        }
        Some(first)
    }
}

/// How many lines from an "Updated …" line the publication date may be
/// printed, and how long its line may be: a date block, not a sentence.
const BESIDE_UPDATE: usize = 3;
const DATE_BLOCK_LINE: usize = 40;

/// A date printed by the headline, and whether the page labels it as the
/// last update rather than the publication.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ShownDate {
    pub written: Written,
    pub is_update: bool,
}

impl ShownDate {
    fn new(written: Written, previous: &str, line: &str) -> Self {
        let label = format!("{previous} {line}").to_lowercase();
        let is_update = ["updated", "modified", "reviewed", "last edited"]
            .iter()
            .any(|word| label.contains(word));
        ShownDate { written, is_update }
    }
}

/// The element whose own text is the headline, for pages that set it in
/// neither a heading nor an element named for it (site builders' `<p>`s).
fn headline_text<'a>(document: &'a Html, headline: &str) -> Option<ElementRef<'a>> {
    document
        .root_element()
        .descendants()
        .filter(|n| n.value().as_text().is_some_and(|t| collapse(t) == headline))
        .filter_map(|n| n.parent().and_then(ElementRef::wrap))
        .find(|e| {
            std::iter::once(*e)
                .chain(e.ancestors().filter_map(ElementRef::wrap))
                .all(|a| !is_hidden(a.value().name()))
        })
}

/// Elements whose text readers do not see.
fn is_hidden(tag: &str) -> bool {
    matches!(
        tag,
        "script" | "style" | "noscript" | "template" | "head" | "title"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn written_dates() {
        assert_eq!(date_in_text("Updated August 14, 2025"), day(2025, 8, 14));
        assert_eq!(
            date_in_text("Dec. 3rd, 2024 · 5 min read"),
            day(2024, 12, 3)
        );
        assert_eq!(date_in_text("20 December 2025"), day(2025, 12, 20));
        assert_eq!(date_in_text("Dec 18 2025 Preparing"), day(2025, 12, 18));
        assert_eq!(date_in_text("12.12.2025"), day(2025, 12, 12));
        assert_eq!(date_in_text("3/14/2024"), day(2024, 3, 14));
        assert_eq!(date_in_text("14/3/2024"), day(2024, 3, 14));
        assert_eq!(date_in_text("2024-03-14T10:00"), day(2024, 3, 14));
        assert_eq!(date_in_text("Published: 2025.12.17 |"), day(2025, 12, 17));
        // The first date written wins, whatever its form.
        assert_eq!(
            date_in_text("Published 2024-01-02, updated March 5, 2024"),
            day(2024, 1, 2)
        );
        assert_eq!(date_in_text("Call 555-1234 in May"), None);
        assert_eq!(date_in_text("February 30, 2024"), None);
        assert_eq!(date_in_text("Mayday 12, 2024"), None);
    }

    #[test]
    fn the_date_under_the_headline_not_the_one_in_the_footer() {
        let page = Html::parse_document(
            "<html><head><title>x</title></head><body>\
             <nav>Today is January 1, 2030</nav>\
             <h1>Harbour reopens</h1>\
             <div class=byline>By Ann Writer · Updated March 5, 2024</div>\
             <p>Long before June 1, 2020 the harbour was shut.</p>\
             <footer>© 2024 · May 6, 2024</footer></body></html>",
        );
        let shown = |page: &Html, headline: &str| {
            Some(Header::around(page, headline)?.date()?.written.date)
        };
        assert_eq!(shown(&page, "Harbour reopens"), day(2024, 3, 5));
        let eyebrow = Html::parse_document(
            "<body><span>Nov 2, 2023</span><h1>Harbour reopens</h1><p>Text.</p></body>",
        );
        assert_eq!(shown(&eyebrow, "Harbour reopens"), day(2023, 11, 2));
        assert_eq!(shown(&eyebrow, "Another title"), None);
    }
}
