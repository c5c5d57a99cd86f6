//! The main text: blocks of prose are scored (length, commas), their
//! scores flow to the containers above them, containers are weighed by
//! their class names and by how much of their text is links, and the best
//! container is taken with its prose-like siblings. Every walk is
//! iterative: hostile pages nest deeper than any stack.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

/// Elements never part of an article's text.
fn is_excluded_tag(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "title"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "aside"
            | "footer"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "iframe"
            | "svg"
            | "canvas"
            | "figcaption"
            | "menu"
            | "dialog"
    )
}

const NEGATIVE: &[&str] = &[
    "comment",
    "footer",
    "footnote",
    "nav",
    "menu",
    "sidebar",
    "side-bar",
    "share",
    "social",
    "sharing",
    "related",
    "recommend",
    "promo",
    "sponsor",
    "advert",
    "ad-slot",
    "ad-container",
    "banner",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "popup",
    "modal",
    "cookie",
    "breadcrumb",
    "pagination",
    "pager",
    "tags",
    "byline",
    "author-bio",
    "masthead",
    "skip",
    "toolbar",
    "most-popular",
    "next-prev",
    "prev-next",
    "trending",
    "outbrain",
    "taboola",
    "disqus",
    "caption",
    "credit",
];
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "main",
    "post",
    "text",
    "story",
    "prose",
    "rich-text",
    "blog",
];

fn class_and_id(element: &scraper::node::Element) -> String {
    let mut names = element
        .attr("class")
        .unwrap_or_default()
        .to_ascii_lowercase();
    names.push(' ');
    names.push_str(&element.attr("id").unwrap_or_default().to_ascii_lowercase());
    names
}

/// Whether class or id names (lower-cased) mention page furniture.
fn names_furniture(names: &str) -> bool {
    NEGATIVE.iter().any(|n| names.contains(n))
}

/// Whether class or id names (lower-cased) mention content.
fn names_content(names: &str) -> bool {
    POSITIVE.iter().any(|p| names.contains(p))
}

fn class_weight(element: &scraper::node::Element) -> f64 {
    let names = class_and_id(element);
    let mut weight = 0.0;
    if names_furniture(&names) {
        weight -= 25.0;
    }
    if names_content(&names) {
        weight += 25.0;
    }
    weight
}

/// An element to leave out with all it contains because of what it is: an
/// excluded tag, hidden, or a navigation/aside/footer role.
fn is_furniture_by_kind(element: &scraper::node::Element) -> bool {
    if is_excluded_tag(element.name()) {
        return true;
    }
    if (element.attr("hidden").is_some() && !is_streamed_in(element))
        || element.attr("aria-hidden") == Some("true")
        || element.attr("style").is_some_and(hides)
    {
        return true;
    }
    matches!(
        element.attr("role"),
        Some("navigation" | "complementary" | "contentinfo")
    )
}

/// React's streaming render sends a page's late parts in hidden `<div
/// id="S:0">`s that a script moves into place: hidden in the HTML, shown in
/// the browser.
fn is_streamed_in(element: &scraper::node::Element) -> bool {
    element
        .attr("id")
        .and_then(|id| id.strip_prefix("S:"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An inline style that keeps the element from being seen: schema.org
/// copies of the article, templates and tracking boxes.
fn hides(style: &str) -> bool {
    let style: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    style
        .split(';')
        .any(|rule| matches!(rule, "display:none" | "visibility:hidden"))
}

/// Named like page furniture ("share-tools", "related-posts") and not like
/// content. Page-wide wrappers carry classes about the whole page
/// ("has-sidebar", "menu-open"): their names say nothing about the article
/// inside, so they are never furniture by name.
fn is_furniture_by_name(element: &scraper::node::Element) -> bool {
    if matches!(element.name(), "html" | "body" | "main" | "article") {
        return false;
    }
    let names = class_and_id(element);
    // One name that joins both ("relatedContent", "post-navigation",
    // "comment-body") names the furniture; a content name beside a
    // furniture name ("entry-content share-enabled") is content.
    // Most elements name no furniture: one scan settles them.
    if !names_furniture(&names) {
        return false;
    }
    !names_content(&names)
        || names
            .split_whitespace()
            .any(|name| names_furniture(name) && names_content(name))
}

pub(crate) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "figure"
            | "br"
            | "hr"
            | "dd"
            | "dt"
            | "header"
    )
}

/// Text of `node` and the link text within it, skipping furniture.
fn text_and_links(node: NodeRef<'_, Node>) -> (usize, usize) {
    let (mut text, mut links) = (0, 0);
    let mut stack = vec![(node, false)];
    while let Some((node, in_link)) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                let n = t.trim().chars().count();
                text += n;
                if in_link {
                    links += n;
                }
            }
            Node::Element(e) => {
                if is_excluded_tag(e.name()) {
                    continue;
                }
                let in_link = in_link || e.name() == "a";
                stack.extend(node.children().map(|c| (c, in_link)));
            }
            Node::Document | Node::Fragment => {
                stack.extend(node.children().map(|c| (c, in_link)));
            }
            _ => {}
        }
    }
    (text, links)
}

/// Whether `node` sits in page furniture. A container named like furniture
/// but holding much of the page's text is a layout wrapper with an unlucky
/// name ("layout-with-sidebar"), not furniture.
fn inside_furniture(node: NodeRef<'_, Node>, sizes: &mut TextSizes) -> bool {
    node.ancestors().any(|a| is_furniture(a, sizes))
}

/// Whether this node is furniture (see [`inside_furniture`]). Asked for
/// every ancestor of every block: the answer is kept per element.
fn is_furniture(node: NodeRef<'_, Node>, sizes: &mut TextSizes) -> bool {
    if let Some(known) = sizes.furniture.get(&node.id()) {
        return *known;
    }
    let furniture = furniture_by_itself(node, sizes);
    sizes.furniture.insert(node.id(), furniture);
    furniture
}

fn furniture_by_itself(node: NodeRef<'_, Node>, sizes: &mut TextSizes) -> bool {
    match node.value() {
        Node::Element(e) if is_furniture_by_kind(e) => true,
        // Some sites wrap the whole page in a <form> (ASP.NET): a form is
        // furniture (a search box, a sign-up) only when it is small.
        Node::Element(e) if e.name() == "form" || is_furniture_by_name(e) => {
            sizes.text_of(node) * 3 < sizes.page
        }
        Node::Element(_) if is_tag_list(node, sizes) => true,
        // Teasers of other articles: "… said some pharmacie...".
        Node::Element(e)
            if matches!(e.name(), "div" | "section" | "ul" | "ol" | "aside")
                && sizes.is_teaser_list(node) =>
        {
            true
        }
        // Related posts printed whole can outweigh a short article: the
        // heading says what they are, whatever their size, unless the
        // block also holds the page's headline.
        Node::Element(_) if is_headed_furniture(node) => !node
            .descendants()
            .any(|d| d.value().as_element().is_some_and(|e| e.name() == "h1")),
        _ => false,
    }
}

/// The page's tags or categories: an element whose text is mostly links
/// marked `rel="tag"`. One such link inside a sentence is prose.
fn is_tag_list(node: NodeRef<'_, Node>, sizes: &mut TextSizes) -> bool {
    let is_tag = |e: &scraper::node::Element| {
        e.name() == "a"
            && e.attr("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("tag"))
            })
    };
    let tags: Vec<NodeRef<'_, Node>> = node
        .children()
        .filter(|c| c.value().as_element().is_some_and(is_tag))
        .collect();
    if tags.len() < 2 {
        return false;
    }
    let tagged: usize = tags.iter().map(|t| sizes.text_of(*t)).sum();
    tagged * 10 >= sizes.text_of(node) * 6
}

/// A block whose heading says what it is: "Related articles", "You may
/// also like", or a heading named for related posts. Whatever follows such
/// a heading in its block is that, not the article.
fn is_headed_furniture(node: NodeRef<'_, Node>) -> bool {
    let Node::Element(block) = node.value() else {
        return false;
    };
    if !matches!(block.name(), "div" | "section" | "article" | "ul" | "ol") {
        return false;
    }
    let Some(heading) = node.children().find_map(ElementRef::wrap) else {
        return false;
    };
    if !matches!(heading.value().name(), "h2" | "h3" | "h4" | "h5" | "h6") {
        return false;
    }
    // A heading's name is about the block it heads ("relatedpoststitle"):
    // content words in it do not make it content.
    let names = class_and_id(heading.value());
    let text = heading.text().collect::<String>();
    names_furniture(&names)
        || names.contains("widget")
        || is_furniture_label(&text)
        || is_teaser_heading(&text)
}

/// Headings of teaser lists: "More in Minnesota Wild", "Related: …",
/// "You might also like".
fn is_teaser_heading(text: &str) -> bool {
    const STARTS: &[&str] = &[
        "more in ",
        "more from ",
        "more on this",
        "more stories",
        "more news",
        "related",
        "recommended",
        "you may also",
        "you might also",
        "also read",
        "read next",
        "most popular",
        "most read",
    ];
    let text = text.trim().to_lowercase();
    text.len() <= 60 && STARTS.iter().any(|start| text.starts_with(start))
}

/// Whether rendering leaves `node` out: furniture, or a list of links.
/// Both renderings (text and HTML) ask for every element; the answer is
/// worked out once.
fn is_left_out(
    node: NodeRef<'_, Node>,
    element: &scraper::node::Element,
    sizes: &mut TextSizes,
) -> bool {
    if let Some(known) = sizes.left_out.get(&node.id()) {
        return *known;
    }
    // Paragraphs and list items may point at other articles; their text
    // and link sizes are measured once for both tests.
    let teaser = || {
        let own = text_and_links(node);
        is_teaser_after_label(node, own) || is_link_teaser(node, own)
    };
    let left_out = is_furniture(node, sizes)
        || is_link_list(node, element)
        || (matches!(element.name(), "p" | "li") && teaser());
    sizes.left_out.insert(node.id(), left_out);
    left_out
}

/// The longest run of linked teasers looked through.
const TEASER_RUN: usize = 30;

/// A paragraph that is only a link, in a run of such paragraphs under a
/// "You may also like…" line: teasers written as paragraphs. `own` is the
/// paragraph's text and link sizes.
fn is_teaser_after_label(node: NodeRef<'_, Node>, own: (usize, usize)) -> bool {
    let is_only_a_link = |(text, links): (usize, usize)| text > 0 && links == text;
    if !is_only_a_link(own) {
        return false;
    }
    // A bounded look back: a hostile page's ten thousand links cost no more
    // than a page's dozen.
    node.prev_siblings()
        .filter(|s| s.value().is_element())
        .take(TEASER_RUN)
        .find(|s| !is_only_a_link(text_and_links(*s)))
        .and_then(ElementRef::wrap)
        .is_some_and(|label| is_teaser_label(&label.text().collect::<String>()))
}

/// A line that introduces links to other articles: "You may also like…",
/// "Don't miss", "See also".
fn is_teaser_label(line: &str) -> bool {
    let line = line.trim_matches(|c: char| !c.is_alphanumeric());
    is_teaser_heading(line)
        || ["don't miss", "don’t miss", "see also", "read more"]
            .iter()
            .any(|label| line.eq_ignore_ascii_case(label))
}

/// A block that is mostly links inside the article: "Related coverage",
/// "More in Sport", a tag cloud. Paragraphs are never this: a paragraph
/// with many links is still prose.
fn is_link_list(node: NodeRef<'_, Node>, element: &scraper::node::Element) -> bool {
    if !matches!(
        element.name(),
        "ul" | "ol" | "div" | "section" | "aside" | "header" | "table" | "dl"
    ) {
        return false;
    }
    let (text, links) = text_and_links(node);
    text > 0 && links * 10 > text * 6
}

/// What is known of the page's elements, each worked out once: text
/// lengths (and the whole page's), furniture, what rendering leaves out.
struct TextSizes {
    page: usize,
    known: HashMap<NodeId, usize>,
    /// Whether each element asked about is furniture by itself.
    furniture: HashMap<NodeId, bool>,
    /// Whether rendering leaves each element out (see `is_left_out`).
    left_out: HashMap<NodeId, bool>,
    /// Characters and count of cut-off excerpts ("… may soon...") under
    /// each element, a few levels up from each.
    excerpts: HashMap<NodeId, (usize, usize)>,
}

impl TextSizes {
    fn new(document: &Html) -> Self {
        let mut excerpts: HashMap<NodeId, (usize, usize)> = HashMap::new();
        for node in document.tree.nodes() {
            let Node::Text(text) = node.value() else {
                continue;
            };
            let text = text.trim_end();
            if !(text.ends_with("...") || text.ends_with('…')) {
                continue;
            }
            let length = text.trim_start().chars().count();
            if (EXCERPT_CHARS.0..=EXCERPT_CHARS.1).contains(&length) {
                for ancestor in node.ancestors().take(EXCERPT_LEVELS) {
                    let entry = excerpts.entry(ancestor.id()).or_default();
                    entry.0 += length;
                    entry.1 += 1;
                }
            }
        }
        Self {
            page: text_and_links(document.tree.root()).0,
            known: HashMap::new(),
            furniture: HashMap::new(),
            left_out: HashMap::new(),
            excerpts,
        }
    }

    /// A list of teasers: most of its text is excerpts cut off with an
    /// ellipsis, several of them.
    fn is_teaser_list(&mut self, node: NodeRef<'_, Node>) -> bool {
        let Some(&(chars, count)) = self.excerpts.get(&node.id()) else {
            return false;
        };
        count >= 3 && chars * 2 >= self.text_of(node)
    }

    fn text_of(&mut self, node: NodeRef<'_, Node>) -> usize {
        *self
            .known
            .entry(node.id())
            .or_insert_with(|| text_and_links(node).0)
    }
}

/// How long a cut-off excerpt is, and how far up it marks its list.
const EXCERPT_CHARS: (usize, usize) = (40, 400);
const EXCERPT_LEVELS: usize = 5;

/// The article body: as text (a line per block) and as HTML (unsanitized:
/// the caller cleans it).
pub(crate) struct MainContent {
    pub text: String,
    pub html: String,
}

pub(crate) fn main_content(document: &Html, title: Option<&str>) -> MainContent {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    // Characters of prose under each element, at any depth.
    let mut prose: HashMap<NodeId, usize> = HashMap::new();
    let mut sizes = TextSizes::new(document);
    for node in document.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        // Prose comes in paragraphs, or, on pages built from divs and spans,
        // as elements holding a good run of text of their own.
        let text: String = match element.name() {
            "p" | "pre" | "blockquote" | "td" => {
                ElementRef::wrap(node).expect("an element").text().collect()
            }
            "div" | "span" | "section" | "li" | "font" | "article" | "dd" => {
                let own: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                if own.trim().chars().count() < 80 {
                    continue;
                }
                own
            }
            _ => continue,
        };
        let length = text.trim().chars().count();
        if length < 25 || inside_furniture(node, &mut sizes) {
            continue;
        }
        // A paragraph's container is its parent; an element holding prose
        // as its own text (between <br>s) is its own container.
        let own_text = !matches!(element.name(), "p" | "pre" | "blockquote" | "td");
        let containers = || {
            std::iter::once(node)
                .filter(move |_| own_text)
                .chain(node.ancestors())
        };
        // Scores reach 3 levels up and `widen` climbs WIDEST more: prose is
        // counted that far (a bound that keeps hostile nesting linear).
        for ancestor in containers().take(3 + WIDEST) {
            *prose.entry(ancestor.id()).or_default() += length;
        }
        let score = 1.0
            + (text.matches([',', '，', '、']).count() as f64).min(MOST_COMMAS)
            + (length as f64 / 100.0).min(3.0);
        for (level, ancestor) in containers().take(3).enumerate() {
            let Node::Element(e) = ancestor.value() else {
                break;
            };
            let entry = scores.entry(ancestor.id()).or_insert_with(|| {
                class_weight(e)
                    + match e.name() {
                        "article" | "main" => 10.0,
                        "div" | "section" => 5.0,
                        "td" | "blockquote" | "pre" => 3.0,
                        "body" => -10.0,
                        _ => 0.0,
                    }
            });
            *entry += score / (1.0 + level as f64);
        }
    }

    let best = scores
        .iter()
        .filter_map(|(id, score)| {
            let node = document.tree.get(*id)?;
            let (text, links) = text_and_links(node);
            let density = if text == 0 {
                1.0
            } else {
                links as f64 / text as f64
            };
            Some((node, score * (1.0 - density)))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((top, top_score)) = best else {
        return MainContent {
            text: String::new(),
            html: String::new(),
        };
    };

    let top = widen(top, &prose, &mut sizes);

    // The best container, and those of its siblings that read like more of it.
    let threshold = (top_score * 0.2).max(10.0);
    let mut chosen = Vec::new();
    match top.parent() {
        Some(parent) => {
            for sibling in parent.children() {
                if sibling.id() == top.id() {
                    chosen.push(sibling);
                    continue;
                }
                let Node::Element(e) = sibling.value() else {
                    continue;
                };
                if is_furniture(sibling, &mut sizes) {
                    continue;
                }
                let score = scores.get(&sibling.id()).copied().unwrap_or(0.0);
                let (text, links) = text_and_links(sibling);
                let prose = e.name() == "p" && text > 80 && links * 4 < text;
                if score >= threshold || prose {
                    chosen.push(sibling);
                }
            }
        }
        None => chosen.push(top),
    }

    render_chosen(&chosen, &mut sizes, title)
}

/// Commas counted per block: a list of two hundred names, one per comma,
/// is not two hundred paragraphs of prose.
const MOST_COMMAS: f64 = 20.0;

/// How many levels above the best-scoring container `widen` looks.
const WIDEST: usize = 12;

/// The best-scoring container is often one section of an article laid out
/// in many (page builders, listicles, one `<section>` per product): climb to
/// the highest ancestor that adds much more prose, through wrappers that
/// add none, stopping at furniture, `<body>` or a link-heavy layout.
fn widen<'a>(
    top: NodeRef<'a, Node>,
    prose: &HashMap<NodeId, usize>,
    sizes: &mut TextSizes,
) -> NodeRef<'a, Node> {
    // An ancestor is taken when it holds at least half as much prose again,
    // and given up on (with all above it) once 30% of its text is links:
    // past that it is the page's layout, with menus and teasers.
    const GAIN: f64 = 1.5;
    const MOST_LINKS: f64 = 0.3;
    let mut best = top;
    for ancestor in top.ancestors().take(WIDEST) {
        let Node::Element(e) = ancestor.value() else {
            break;
        };
        if matches!(e.name(), "body" | "html") || is_furniture(ancestor, sizes) {
            break;
        }
        let (text, links) = text_and_links(ancestor);
        if links as f64 > text as f64 * MOST_LINKS {
            break;
        }
        // Wrappers that add nothing are climbed through.
        let (here, above) = (
            prose.get(&best.id()).copied().unwrap_or(0),
            prose.get(&ancestor.id()).copied().unwrap_or(0),
        );
        if above as f64 >= here as f64 * GAIN {
            best = ancestor;
        }
    }
    best
}

/// The body an operator's rule names: every element matching one of
/// `keep`, in page order, leaving out those inside another match.
pub(crate) fn kept_content(
    document: &Html,
    keep: &[scraper::Selector],
    title: Option<&str>,
) -> MainContent {
    let mut matched: Vec<NodeRef<'_, Node>> = Vec::new();
    for selector in keep {
        matched.extend(document.select(selector).map(|e| *e));
    }
    let ids: std::collections::HashSet<NodeId> = matched.iter().map(|n| n.id()).collect();
    matched.retain(|n| !n.ancestors().any(|a| ids.contains(&a.id())));
    // Page order: ego-tree ids follow document order for a parsed page.
    matched.sort_by_key(|n| n.id());
    matched.dedup_by_key(|n| n.id());
    let mut sizes = TextSizes::new(document);
    render_chosen(&matched, &mut sizes, title)
}

/// Text and HTML of the chosen containers, without the headline.
fn render_chosen(
    chosen: &[NodeRef<'_, Node>],
    sizes: &mut TextSizes,
    title: Option<&str>,
) -> MainContent {
    let mut out = String::new();
    let mut html = String::new();
    for node in chosen {
        render(*node, sizes, &mut out);
        render_html(*node, sizes, title, &mut html);
    }
    let mut seen = std::collections::HashSet::new();
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_furniture_label(l) && !is_cookie_notice(l))
        // A caption or pull quote printed twice is read once (prose
        // paragraphs are left alone, repeated or not).
        .filter(|l| !(20..=160).contains(&l.len()) || seen.insert(*l))
        .collect();
    // The headline is the page's title, not part of the text.
    let skip = usize::from(title.is_some_and(|t| {
        lines
            .first()
            .is_some_and(|first| first.eq_ignore_ascii_case(t.trim()))
    }));
    MainContent {
        text: lines[skip..].join("\n"),
        html,
    }
}

/// The site's cookie banner, wherever the page put it.
fn is_cookie_notice(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "this website uses cookies",
        "this site uses cookies",
        "we use cookies",
    ];
    STARTS.iter().any(|s| {
        line.get(..s.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(s))
    })
}

/// A line that is only a widget's label ("Advertisement", "Share",
/// "Read more"), never a sentence of an article.
fn is_furniture_label(line: &str) -> bool {
    const LABELS: &[&str] = &[
        "ad",
        "advert",
        "advertisement",
        "sponsored",
        "close",
        "video",
        "caption",
        "share",
        "share this",
        "share this article",
        "tags",
        "read more",
        "related",
        "related articles",
        "related stories",
        "you may also like",
        "you may also like...",
        "recommended",
        "most popular",
        "print",
        "email",
        "comments",
        "don't miss",
        "don’t miss",
        "see also",
        "like this",
        "like loading...",
        "loading...",
    ];
    let line = line.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    (line.len() <= 24 && LABELS.iter().any(|label| line.eq_ignore_ascii_case(label)))
        || is_gallery_counter(line)
}

/// "Image 2 of 5": a slideshow's counter.
fn is_gallery_counter(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    matches!(
        words.as_slice(),
        [kind, n, of, m] if ["image", "photo", "picture", "slide"]
            .iter()
            .any(|k| kind.eq_ignore_ascii_case(k))
            && number(n)
            && of.eq_ignore_ascii_case("of")
            && number(m)
    )
}

/// A paragraph that points at another article: "Read more: …", "Related:
/// …", "Also on …" followed by its link, or a link alone in capitals (the
/// inline "related" headlines of many news sites).
fn is_link_teaser(node: NodeRef<'_, Node>, (text, links): (usize, usize)) -> bool {
    const MARKERS: &[&str] = &[
        "read more:",
        "read more :",
        "see more:",
        "related:",
        "also read:",
        "read also:",
        "also on ",
        "more:",
    ];
    if text == 0 || links * 2 < text {
        return false;
    }
    let Some(element) = ElementRef::wrap(node) else {
        return false;
    };
    let line: String = element.text().collect();
    let line = line.trim();
    let start: String = line.chars().take(12).collect::<String>().to_lowercase();
    if MARKERS.iter().any(|m| start.starts_with(m)) {
        return true;
    }
    let letters = line.chars().filter(|c| c.is_alphabetic());
    let (upper, all) = letters.fold((0, 0), |(u, a), c| {
        (u + usize::from(c.is_uppercase()), a + 1)
    });
    links == text && line.split_whitespace().count() >= 4 && upper * 10 >= all * 9
}

/// Serializes `node` as HTML, leaving furniture and the headline out and
/// keeping only the attributes an article needs. Lazy-loaded images get
/// their real source (`data-src`, `srcset` and kin).
fn render_html(
    node: NodeRef<'_, Node>,
    sizes: &mut TextSizes,
    title: Option<&str>,
    out: &mut String,
) {
    enum Step<'a> {
        Enter(NodeRef<'a, Node>),
        Leave(&'a str),
    }
    let mut stack = vec![Step::Enter(node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(tag) => {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            Step::Enter(node) => match node.value() {
                Node::Text(t) => escape_into(t, out),
                Node::Element(e) => {
                    if is_left_out(node, e, sizes) {
                        continue;
                    }
                    let tag = e.name();
                    if tag == "h1"
                        && title.is_some_and(|t| {
                            let text: String = ElementRef::wrap(node)
                                .map(|r| r.text().collect())
                                .unwrap_or_default();
                            text.split_whitespace().collect::<Vec<_>>().join(" ") == t
                        })
                    {
                        continue;
                    }
                    out.push('<');
                    out.push_str(tag);
                    for (name, value) in kept_attributes(e) {
                        out.push(' ');
                        out.push_str(name);
                        out.push_str("=\"");
                        escape_into(&value, out);
                        out.push('"');
                    }
                    out.push('>');
                    if is_void(tag) {
                        continue;
                    }
                    stack.push(Step::Leave(tag));
                    let children: Vec<_> = node.children().collect();
                    stack.extend(children.into_iter().rev().map(Step::Enter));
                }
                _ => {}
            },
        }
    }
}

fn is_void(tag: &str) -> bool {
    matches!(tag, "img" | "br" | "hr" | "wbr" | "source" | "col" | "area")
}

fn kept_attributes(element: &scraper::node::Element) -> Vec<(&'static str, String)> {
    let attr = |name: &str| element.attr(name).map(str::to_owned);
    match element.name() {
        "a" => attr("href").map(|h| vec![("href", h)]).unwrap_or_default(),
        "img" => {
            let mut kept = Vec::new();
            if let Some(src) = image_source(element) {
                kept.push(("src", src));
            }
            for name in ["alt", "width", "height"] {
                if let Some(value) = element.attr(name) {
                    kept.push((name, value.to_owned()));
                }
            }
            kept
        }
        "td" | "th" => ["colspan", "rowspan"]
            .into_iter()
            .filter_map(|name| element.attr(name).map(|v| (name, v.to_owned())))
            .collect(),
        "time" => attr("datetime")
            .map(|d| vec![("datetime", d)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// An image's real source: `src` unless it is a placeholder, else the
/// lazy-loading attributes, else the largest `srcset` candidate.
fn image_source(element: &scraper::node::Element) -> Option<String> {
    let usable = |s: &str| {
        let s = s.trim();
        !s.is_empty()
            && !s.starts_with("data:")
            && !s.contains("placeholder")
            && !s.contains("blank.gif")
            && !s.contains("spacer.gif")
    };
    if let Some(src) = element.attr("src").filter(|s| usable(s)) {
        return Some(src.trim().to_owned());
    }
    for name in [
        "data-src",
        "data-lazy-src",
        "data-original",
        "data-url",
        "data-hi-res-src",
    ] {
        if let Some(src) = element.attr(name).filter(|s| usable(s)) {
            return Some(src.trim().to_owned());
        }
    }
    let srcset = element
        .attr("srcset")
        .or_else(|| element.attr("data-srcset"))?;
    srcset
        .split(',')
        .filter_map(|candidate| {
            let mut parts = candidate.split_whitespace();
            let url = parts.next()?;
            let width: f64 = parts
                .next()
                .and_then(|w| w.trim_end_matches(['w', 'x']).parse().ok())
                .unwrap_or(1.0);
            usable(url).then(|| (width, url.to_owned()))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, url)| url)
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Appends the text of `node`, a line per block, leaving furniture out.
fn render(node: NodeRef<'_, Node>, sizes: &mut TextSizes, out: &mut String) {
    enum Step<'a> {
        Enter(NodeRef<'a, Node>),
        Leave(bool),
    }
    let mut stack = vec![Step::Enter(node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    out.push('\n');
                }
            }
            Step::Enter(node) => match node.value() {
                Node::Text(t) => {
                    let text = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        let needs_space = !out.is_empty()
                            && !out.ends_with(['\n', ' '])
                            && (t.starts_with(char::is_whitespace)
                                || out.ends_with(|c: char| c.is_alphanumeric())
                                    && text.starts_with(char::is_alphanumeric));
                        if needs_space {
                            out.push(' ');
                        }
                        out.push_str(&text);
                        if t.ends_with(char::is_whitespace) {
                            out.push(' ');
                        }
                    }
                }
                Node::Element(e) => {
                    if is_left_out(node, e, sizes) {
                        continue;
                    }
                    let block = is_block(e.name());
                    if block && !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    stack.push(Step::Leave(block));
                    let children: Vec<_> = node.children().collect();
                    stack.extend(children.into_iter().rev().map(Step::Enter));
                }
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The article text `main_content` finds in a page.
    fn body_text(html: &str, title: Option<&str>) -> String {
        main_content(&Html::parse_document(html), title).text
    }

    #[test]
    fn link_lists_labels_and_repeated_captions_inside_the_article_go() {
        let paragraph =
            "The council met on Monday, argued for hours, and voted to reopen the harbour. ";
        let html = format!(
            "<html><body><div class=story><p>{p}</p>\
             <div class=photo>The harbour at dawn, seen from the pier</div>\
             <div class=photo>The harbour at dawn, seen from the pier</div>\
             <div>Advertisement</div>\
             <ul><li><a href=/1>Ferries return to the island</a></li>\
             <li><a href=/2>Fishermen count the cost</a></li></ul>\
             <p>{p} Ferries <a href=/3>resume</a> on Friday.</p></div></body></html>",
            p = paragraph.repeat(3)
        );
        let text = body_text(&html, None);
        assert_eq!(text.matches("The harbour at dawn").count(), 1, "{text}");
        assert!(!text.contains("Advertisement"), "{text}");
        assert!(!text.contains("Fishermen count the cost"), "{text}");
        assert!(text.contains("Ferries resume on Friday."), "{text}");
    }

    #[test]
    fn an_article_in_many_sections_is_taken_whole() {
        // A listicle: one wrapper per product, the longest scoring best on
        // its own; the menu beside the article stays out.
        let section = |name: &str, sentences: usize| {
            format!(
                "<div class=product><div class=inner><h2>{name}</h2><p>{}</p></div></div>",
                format!("The {name} ran for hours, handled hills, and folded small. ")
                    .repeat(sentences)
            )
        };
        let html = format!(
            "<html><body><div class=layout>\
             <div class=menu><a href=/a>Scooters for every commute</a> <a href=/b>Bikes and more</a> \
             <a href=/c>All our reviews, sorted by price</a></div>\
             <div class=wrap><div class=list>{}{}{}</div></div></div></body></html>",
            section("Falcon", 9),
            section("Heron", 4),
            section("Swift", 3),
        );
        let text = body_text(&html, None);
        for name in ["Falcon ran", "Heron ran", "Swift ran"] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
        assert!(!text.contains("Bikes and more"), "{text}");
    }

    /// A schema.org copy of the article hidden by an inline style, and
    /// related posts printed whole under a heading that says so (more text
    /// than the article itself), are not the article.
    #[test]
    fn hidden_copies_and_headed_related_posts_go() {
        let story = "Rescuers reached the village on Tuesday, two days after the landslide, and began clearing roads. ";
        let related = "Another post about something else entirely, long enough to look like an article, with commas, clauses, and more. ";
        let html = format!(
            "<html><body><div id=primary>\
             <article class=articlebox><h1>Rescuers reach village</h1><p>{s}</p><p>{s}</p></article>\
             <article class=postbox><h3 class=relatedpoststitle>Você pode gostar...</h3>\
             <article class=postbox><p>{r}</p></article><article class=postbox><p>{r}</p></article>\
             <article class=postbox><p>{r} {r}</p></article></article>\
             <div style=\"display: none;\" itemscope><div itemprop=articleBody>Hidden copy: {s}</div></div>\
             </div></body></html>",
            s = story.repeat(2),
            r = related.repeat(2),
        );
        let text = body_text(&html, Some("Rescuers reach village"));
        assert!(text.starts_with("Rescuers reached the village"), "{text}");
        assert!(!text.contains("Another post"), "{text}");
        assert!(!text.contains("Hidden copy"), "{text}");
        assert!(!hides("display:block") && hides("color: red; DISPLAY : none"));
    }

    /// React streams a page's late parts in hidden `<div id="S:0">`s that a
    /// script shows: they are the page. Other hidden elements are not.
    #[test]
    fn streamed_parts_are_read() {
        let story =
            "The typeface began as a logo, and over a decade it grew into a family of weights. ";
        let html = format!(
            "<html><body><div id=root><template id=B:0></template></div>\
             <div hidden id=S:0><div class=article><p>{s}</p><p>{s}</p></div></div>\
             <div hidden><p>A hidden promotion that nobody sees, with commas, commas, commas.</p></div>\
             </body></html>",
            s = story.repeat(3),
        );
        let text = body_text(&html, None);
        assert!(text.starts_with("The typeface began as a logo"), "{text}");
        assert!(!text.contains("hidden promotion"), "{text}");
    }

    /// A list of two hundred names, one per comma, is not worth two hundred
    /// paragraphs of prose.
    #[test]
    fn a_list_of_names_does_not_outweigh_the_article() {
        let story =
            "The typeface began as a logo, and over a decade it grew into a family of weights. ";
        let names = (0..200)
            .map(|i| format!("Name{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let html = format!(
            "<html><body><div><p>{s}</p><p>{s}</p><p>{s}</p></div>\
             <div class=thanks><p>Special thanks to {names}.</p></div></body></html>",
            s = story.repeat(3),
        );
        let text = body_text(&html, None);
        assert!(text.starts_with("The typeface began as a logo"), "{text}");
    }

    /// Teasers of other articles, each cut off with an ellipsis, are not the
    /// article, even in its container.
    #[test]
    fn teaser_lists_go() {
        let story = "The institute opened enrolment for its language classes on Wednesday, and lessons begin in January. ";
        let teaser = |n: usize| {
            format!(
                "<div class=item><a href=/{n}>Story {n}</a><p>Police officers said on Friday that some pharmacies in the capital had sold...</p></div>"
            )
        };
        let html = format!(
            "<html><body><div class=content><h1>Enrolment open</h1><p>{s}</p><p>{s}</p>\
             <div class=more>{}{}{}{}</div></div></body></html>",
            teaser(1),
            teaser(2),
            teaser(3),
            teaser(4),
            s = story.repeat(3),
        );
        let text = body_text(&html, Some("Enrolment open"));
        assert!(text.starts_with("The institute opened"), "{text}");
        assert!(!text.contains("pharmacies"), "{text}");
    }

    /// A run of `rel="tag"` links is the site's index; one inside a sentence
    /// is part of it.
    #[test]
    fn tag_lists_go_and_tag_links_in_prose_stay() {
        let story = "Radiation is a key hazard of deep <a rel=tag href=/tag/space>space travel</a>, and shielding helps the crew. ";
        let html = format!(
            "<html><body><div class=content><p>{s}</p><p>{s}</p>\
             <p><strong><a rel=tag href=/t/1>stock car</a>, <a rel=tag href=/t/2>interlagos</a>, \
             <a rel=tag href=/t/3>velopark</a></strong></p></div></body></html>",
            s = story.repeat(3),
        );
        let text = body_text(&html, None);
        assert!(text.contains("deep space travel, and"), "{text}");
        assert!(!text.contains("velopark"), "{text}");
    }

    /// An article written as its container's own text, between `<br>`s,
    /// makes that container the article, not the row around it.
    #[test]
    fn text_between_line_breaks_is_its_own_article() {
        let story = "The home care team found two of its five cars broken into this morning, without their batteries. ";
        let html = format!(
            "<html><body><div class=row><div class=col-3><span>Older news</span><br>\
             <span>Opening hours</span></div><div class=col-9><p class=titulo>Cars broken into</p>\
             <small>05/10/2018 - Health</small><br><br>{s}<br><br><br></div></div></body></html>",
            s = story.repeat(4),
        );
        let text = body_text(&html, Some("Cars broken into"));
        assert!(text.contains("The home care team found"), "{text}");
        assert!(!text.contains("Older news"), "{text}");
    }

    /// Teasers written as paragraphs, each only a link, under "You may also
    /// like…", and the next/previous article links, are not the article; a
    /// paragraph that is only a link elsewhere in the article stays.
    #[test]
    fn linked_teasers_under_a_label_and_next_prev_links_go() {
        let story =
            "The band sits third in the fan vote, and the class of 2020 is honoured in May. ";
        let html = format!(
            "<html><body><div class=article><p>{s}</p><p><a href=/vote>Vote for the band</a></p><p>{s}</p>\
             <p>You may also like...</p><p><a href=/a>Who will make the Rock Hall in 2020?</a></p>\
             <p><a href=/b>Fans really want the band in the Rock Hall</a></p>\
             <div class=next-prev><p><a href=/n>Next: a monster hatch with 306 HP and a wing</a></p></div></div></body></html>",
            s = story.repeat(3),
        );
        let text = body_text(&html, None);
        assert!(text.contains("Vote for the band"), "{text}");
        for absent in ["Who will make", "Fans really want", "monster hatch"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
    }

    /// A class that joins a furniture word and a content word names
    /// furniture ("relatedContent"); a content class beside a furniture
    /// class is content.
    #[test]
    fn furniture_names_that_mention_content() {
        let element = |class: &str| {
            let html = format!("<div class=\"{class}\"></div>");
            let fragment = Html::parse_fragment(&html);
            let div = fragment
                .select(&scraper::Selector::parse("div").unwrap())
                .next()
                .unwrap();
            div.value().clone()
        };
        assert!(is_furniture_by_name(&element("relatedContent alignRight")));
        assert!(is_furniture_by_name(&element("post-navigation")));
        assert!(!is_furniture_by_name(&element(
            "entry-content share-enabled"
        )));
        assert!(!is_furniture_by_name(&element("article-body")));
        assert!(is_furniture_by_name(&element("share-tools")));
    }

    /// Inline pointers to other articles ("Read more: …", a linked
    /// headline in capitals), a "Don't miss" label and a slideshow's
    /// counter are not the article; a linked sentence in it is.
    #[test]
    fn inline_teasers_and_gallery_counters_go() {
        let story = "The plague case was confirmed on Tuesday, and officials said the risk of spread was low. ";
        let html = format!(
            "<html><body><div class=article><p>{s}</p>\
             <p><strong><a href=/a>CO-FOUNDER PROUD OF EMPLOYEES LIVING THE DREAM</a></strong></p>\
             <p>READ MORE: <a href=/b>China plague outbreak confirmed in Beijing</a></p>\
             <p>{s}</p><p>Don't miss</p><p>Image 2 of 5</p>\
             <p><a href=/c>The health ministry's full statement on the case</a></p>\
             <p>{s}</p></div></body></html>",
            s = story.repeat(2),
        );
        let text = body_text(&html, None);
        for absent in ["CO-FOUNDER", "China plague", "Don't miss", "Image 2 of 5"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        assert!(text.contains("full statement on the case"), "{text}");
    }

    #[test]
    fn cookie_banners_go() {
        assert!(is_cookie_notice(
            "This website uses cookies. By continuing to use our website, you agree."
        ));
        assert!(is_cookie_notice(
            "We use cookies to improve your experience."
        ));
        assert!(!is_cookie_notice(
            "Bakers use cookies cutters shaped like stars."
        ));
    }

    #[test]
    fn article_text_without_furniture() {
        let html = r##"<html><body>
          <nav><a href="/">Home</a> <a href="/world">World</a></nav>
          <div class="article-body">
            <h1>Storm hits the coast</h1>
            <p>The storm reached the coast on Sunday night, flooding streets, closing roads and cutting power to thousands of homes.</p>
            <div class="share-tools"><a href="#">Share on social networks</a></div>
            <p>Forecasters said the worst had passed, but warned that rivers, already high, could rise further by Tuesday.</p>
            <script>track()</script>
          </div>
          <aside class="related"><p>Related: ten other storms you may have forgotten, all of them terrible, every single one.</p></aside>
          <footer><p>Copyright 2026 Example News, all rights reserved, every single one of them.</p></footer>
        </body></html>"##;
        let text = body_text(html, Some("Storm hits the coast"));
        assert!(text.starts_with("The storm reached the coast"), "{text}");
        assert!(text.contains("could rise further by Tuesday."), "{text}");
        for absent in [
            "Home",
            "Share",
            "Related",
            "Copyright",
            "track",
            "Storm hits",
        ] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
    }

    #[test]
    fn html_keeps_structure_links_and_lazy_images() {
        let html = r#"<body><article class="post-body">
            <h1>Headline</h1>
            <p class="lede" style="color:red">First paragraph, with a <a href="/related" class="x">related story</a> inside it, long enough.</p>
            <figure><img src="data:image/gif;base64,R0lGOD" data-src="/img/a.jpg" alt="A"><figcaption>Caption</figcaption></figure>
            <p>Second paragraph, also long enough to count as prose, with commas, and more.</p>
            <img srcset="/s.jpg 300w, /l.jpg 1200w" alt="B">
            <div class="share"><a href="https://twitter.com/x">Tweet</a></div>
        </article></body>"#;
        let document = Html::parse_document(html);
        let content = main_content(&document, Some("Headline"));
        let html = content.html;
        assert!(
            html.contains(r#"<a href="/related">related story</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<img src="/img/a.jpg" alt="A">"#), "{html}");
        assert!(html.contains(r#"<img src="/l.jpg" alt="B">"#), "{html}");
        assert!(
            !html.contains("Headline") && !html.contains("Tweet"),
            "{html}"
        );
        assert!(
            !html.contains("style=") && !html.contains("class="),
            "{html}"
        );
        assert!(
            !html.contains("Caption"),
            "captions are furniture for now: {html}"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "<body>{}<p>text, text, text, text, text, text.</p>{}</body>",
            "<div>".repeat(5_000),
            "</div>".repeat(5_000)
        );
        let document = Html::parse_document(&html);
        let _ = main_content(&document, None);
    }
}
