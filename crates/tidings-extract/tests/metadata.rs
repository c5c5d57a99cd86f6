//! Metadata reconciliation on small pages shaped like real ones: which
//! title, author and date win when the page and its metadata disagree.

use tidings_extract::extract;
use url::Url;

fn page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head>{head}</head><body>{body}\
         <article><p>{}</p></article></body></html>",
        "The harbour reopened on Monday after a week of storms, the port authority said. "
            .repeat(8)
    )
}

#[test]
fn the_headline_is_the_h1_that_matches_the_metadata_not_the_logo() {
    let html = page(
        r#"<title>Harbour reopens after storms | Coast News</title>
           <meta property="og:site_name" content="Coast News">
           <meta property="og:title" content="Harbour reopens after storms">"#,
        "<header><h1>Coast News</h1></header><h1>Harbour reopens after the storms</h1>",
    );
    let article = extract(html.as_bytes(), None);
    assert_eq!(
        article.title.as_deref(),
        Some("Harbour reopens after the storms")
    );

    // Only the site's name in <h1>: the metadata title without it.
    let html = page(
        "<title>Harbour reopens after storms \u{a0}|\u{a0} Coast News</title>\
         <meta name=application-name content='Coast News'>",
        "<h1>Coast News</h1>",
    );
    let article = extract(html.as_bytes(), None);
    assert_eq!(
        article.title.as_deref(),
        Some("Harbour reopens after storms")
    );
}

#[test]
fn a_headline_keeps_its_line_breaks_as_spaces_and_loses_the_site_name() {
    let html = page(
        r#"<title>Top programs of 2025 | Campus Guide</title>
           <meta property="og:site_name" content="Campus Guide">"#,
        "<h1>Top programs of 2025 (US)<br>Your guide to the best schools</h1>",
    );
    assert_eq!(
        extract(html.as_bytes(), None).title.as_deref(),
        Some("Top programs of 2025 (US) Your guide to the best schools")
    );

    // The site's name printed in the headline itself.
    let html = page(
        r#"<meta property="og:site_name" content="Artlog">
           <meta property="og:title" content="Best exhibitions of 2025 – Artlog">"#,
        "<h1>Best exhibitions of 2025 – Artlog</h1>",
    );
    assert_eq!(
        extract(html.as_bytes(), None).title.as_deref(),
        Some("Best exhibitions of 2025")
    );
}

/// What a page sets around the headline inside its `<h1>` (a label, the
/// date, the section, the source) is not the headline: the metadata's
/// headline is the `<h1>` without it. A subtitle is part of the headline.
#[test]
fn the_headline_without_what_the_page_set_around_it() {
    let title = |og: &str, h1: &str| {
        let head = format!(r#"<meta property="og:title" content="{og}">"#);
        extract(page(&head, h1).as_bytes(), None).title
    };
    let cases = [
        (
            "Best agencies of 2025 | Silverback",
            "<h1><span>Blog:</span> Best agencies of 2025</h1>",
            "Best agencies of 2025",
        ),
        (
            "Preparing a transition in Debusine",
            "<h1><time>Dec 18 2025</time> Preparing a transition in Debusine</h1>",
            "Preparing a transition in Debusine",
        ),
        (
            "How meditation rewires brains",
            "<h1>How meditation rewires brains | Opinion</h1>",
            "How meditation rewires brains",
        ),
        (
            "Graduates find degrees no longer guarantee jobs - Slashdot",
            "<h1>Graduates find degrees no longer guarantee jobs <span>(latimes.com)</span> 87</h1>",
            "Graduates find degrees no longer guarantee jobs",
        ),
        // Subtitles stay, even when the metadata drops them.
        (
            "Plumbing maintenance tips",
            "<h1>Plumbing maintenance tips: 11 best practices</h1>",
            "Plumbing maintenance tips: 11 best practices",
        ),
        (
            "Moving to a plant-based diet",
            "<h1>Moving to a plant-based diet – tips and tricks</h1>",
            "Moving to a plant-based diet – tips and tricks",
        ),
    ];
    for (og, h1, want) in cases {
        assert_eq!(title(og, h1).as_deref(), Some(want), "{h1}");
    }
}

/// A page whose CMS encoded its UTF-8 twice reads as it was written.
#[test]
fn text_encoded_twice_is_repaired() {
    let html = page("", "<h1>A DIY Investorâ€™s Guide</h1>");
    assert_eq!(
        extract(html.as_bytes(), None).title.as_deref(),
        Some("A DIY Investor’s Guide")
    );
}

#[test]
fn a_printed_date_beats_the_metadata_unless_it_is_an_update() {
    let head = r#"<meta property="article:published_time" content="2024-05-19T22:12:02-05:00">"#;
    // Printed under the headline: that day, whatever the CMS says.
    let html = page(
        head,
        "<h1>Harbour reopens</h1><p class=meta>August 14, 2024</p>",
    );
    let article = extract(html.as_bytes(), None);
    assert_eq!(
        article.published.unwrap().to_rfc3339(),
        "2024-08-14T00:00:00+00:00"
    );
    // "Updated …": the page was published before, as its metadata says, in
    // the publisher's time zone (the 19th there, the 20th in UTC).
    let html = page(
        head,
        "<h1>Harbour reopens</h1><p>Updated August 14, 2024</p>",
    );
    let article = extract(html.as_bytes(), None);
    assert_eq!(
        article.published.unwrap().to_rfc3339(),
        "2024-05-19T22:12:02-05:00"
    );
    // Nothing printed, nothing declared: the day in the URL.
    let html = page("", "<h1>Harbour reopens</h1>");
    let url = Url::parse("https://news.example/2023/11/02/harbour-reopens").unwrap();
    let article = extract(html.as_bytes(), Some(&url));
    assert_eq!(
        article.published.unwrap().date_naive().to_string(),
        "2023-11-02"
    );
}

/// "03/10/2023" is 3 October on a British page and March 10 on an American
/// one; the metadata, when it names one of the two days, settles it.
#[test]
fn a_numeric_date_is_read_as_the_page_writes_dates() {
    let day = |html: &str| {
        extract(html.as_bytes(), None)
            .published
            .map(|d| d.date_naive().to_string())
    };
    let body = "<h1>Harbour reopens</h1><p class=meta>03/10/2023</p>";
    let on = |lang: &str, extra: &str| {
        format!(
            "<html lang={lang}><head><title>Harbour reopens</title></head><body>{body}{extra}</body></html>"
        )
    };
    assert_eq!(day(&on("en-US", "")).as_deref(), Some("2023-03-10"));
    assert_eq!(day(&on("en-GB", "")).as_deref(), Some("2023-10-03"));
    assert_eq!(day(&on("fr", "")).as_deref(), Some("2023-10-03"));
    // English, no region: the dates the page spells out.
    let uk = "<aside>Older: 13 October 2020, 23 October 2019</aside>";
    assert_eq!(day(&on("en", uk)).as_deref(), Some("2023-10-03"));
    let us = "<aside>Older: October 13, 2020</aside>";
    assert_eq!(day(&on("en", us)).as_deref(), Some("2023-03-10"));
    // A dotted date is day first, unless the metadata says otherwise.
    let dotted = |head: &str| {
        page(
            head,
            "<h1>Harbour reopens</h1><p>By Ann Writer | 09.10.2024</p>",
        )
    };
    assert_eq!(day(&dotted("")).as_deref(), Some("2024-10-09"));
    let declared = r#"<meta property="article:published_time" content="2024-09-10T16:07:00Z">"#;
    assert_eq!(
        extract(dotted(declared).as_bytes(), None)
            .published
            .unwrap()
            .to_rfc3339(),
        "2024-09-10T16:07:00+00:00",
        "the metadata's reading, with its time of day"
    );
}

#[test]
fn the_publication_date_printed_beside_an_update_wins() {
    let html = page(
        "",
        "<div>Health</div><div>DECEMBER 22, 2022</div><div>Updated: JANUARY 02, 2026</div>\
         <h1>Ten ways meditation helps</h1><p>Meditation is a practice.</p>",
    );
    assert_eq!(
        extract(html.as_bytes(), None)
            .published
            .map(|d| d.date_naive().to_string())
            .as_deref(),
        Some("2022-12-22")
    );
}

/// Site builders set the headline in a plain paragraph, and some pages print
/// the date far from it, in an element named for it.
#[test]
fn dates_of_pages_without_a_headline_element() {
    let day = |html: &str| {
        extract(html.as_bytes(), None)
            .published
            .map(|d| d.date_naive().to_string())
    };
    let builder = page(
        r#"<meta property="og:title" content="Top 5 HR tools in 2026">"#,
        "<nav><p>Services</p></nav><div><p class=framer-text>Top 5 HR tools in 2026</p>\
         <p class=framer-text>Team</p><p class=framer-text>Feb 16, 2026</p></div>\
         <p>The market for HR software grew again this year.</p>",
    );
    assert_eq!(day(&builder).as_deref(), Some("2026-02-16"));
    let far = page(
        "",
        &format!(
            "<h1>Wedding timeline</h1>{}<span class=fusion-published-date>Published On: 15 August 2025</span>",
            "<p>Planning a wedding takes time and care, and lists help.</p>".repeat(40)
        ),
    );
    assert_eq!(day(&far).as_deref(), Some("2025-08-15"));
}

#[test]
fn a_person_in_the_byline_beats_an_organisation_as_author() {
    let head = r#"<meta property="og:site_name" content="Coast News">
        <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens",
        "author": {"@type": "Organization", "name": "Coast News"}}</script>"#;
    let html = page(
        head,
        "<h1>Harbour reopens</h1><div class=author-box><a href='/people/ann'>Ann Writer</a>\
         <span>Senior Harbour Reporter</span></div>",
    );
    assert_eq!(extract(html.as_bytes(), None).authors, ["Ann Writer"]);
    // Printed as plain text under the headline.
    let html = page(
        head,
        "<h1>Harbour reopens</h1><p>By Ann Writer and Bo Lee | May 2, 2024</p>",
    );
    assert_eq!(
        extract(html.as_bytes(), None).authors,
        ["Ann Writer", "Bo Lee"]
    );
    // No person anywhere: the organisation stays.
    let html = page(head, "<h1>Harbour reopens</h1>");
    assert_eq!(extract(html.as_bytes(), None).authors, ["Coast News"]);
    // A link preview's "Written by" label, and no e-mail address or user id
    // taken for a name.
    let html = page(
        r#"<meta name="twitter:label1" content="Written by">
           <meta name="twitter:data1" content="Bo Lee">"#,
        "<h1>Harbour reopens</h1>",
    );
    assert_eq!(extract(html.as_bytes(), None).authors, ["Bo Lee"]);
    let html = page(
        r#"<meta name="author" content="Newsdesk news@coast.example, 262588213843476">"#,
        "<h1>Harbour reopens</h1>",
    );
    assert_eq!(extract(html.as_bytes(), None).authors, ["Newsdesk"]);
    // A job title glued to the name is not part of it.
    let html = page(
        "",
        "<h1>Harbour reopens</h1><span class=byline>By <b>Ann Writer</b><i>Tech Reporter</i></span>",
    );
    assert_eq!(extract(html.as_bytes(), None).authors, ["Ann Writer"]);
}

#[test]
fn a_name_printed_alone_in_an_author_block_is_the_author() {
    // No metadata names anyone; the author card prints the name in a plain
    // element beside the photo and the date.
    let html = page(
        "<title>Harbour reopens after storms</title>",
        r#"<h1>Harbour reopens after storms</h1>
           <div class="blog_author-wrapper"><img alt="Lauren Vetter" src="a.jpg">
             <div class="blog_author-text"><div class="text-size-small">Lauren Vetter</div>
             <div class="blog_date">March 3, 2025</div></div></div>"#,
    );
    let article = extract(html.as_bytes(), None);
    assert_eq!(article.authors, ["Lauren Vetter"]);
}
