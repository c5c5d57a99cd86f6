//! `tidings seed`: fills the database with a synthetic corpus (sources,
//! feeds, articles about events, their stories) for load tests of the site.

use std::sync::Arc;

use anyhow::Context;
use chrono::{TimeDelta, Utc};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tidings_app::App;
use tidings_core::{ArticleId, FeedEntry, FeedId, IdGenerator, NewFeed, SourceId};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Articles to create.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// Publishers (one feed each).
    #[arg(long, default_value_t = 200)]
    sources: usize,
    /// Days the articles spread over, ending now.
    #[arg(long, default_value_t = 30)]
    days: i64,
}

const WORDS: &str = "government minister election vote parliament court judge police storm flood \
    fire market shares bank rates inflation economy trade tariff company profit strike union \
    hospital health vaccine school teachers students climate energy oil gas prices housing rent \
    city council mayor transport rail airport flights border migrants army peace talks summit \
    treaty sanctions budget tax reform protest rally team match final goal coach season league \
    player transfer film festival music album award museum science space mission rocket study \
    researchers data privacy internet phone app software security hackers report investigation";

const TOPICS: [&str; 8] = [
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Sport",
    "Culture",
    "Local",
];

pub async fn run(app: &App, args: SeedArgs) -> anyhow::Result<()> {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut rng = StdRng::seed_from_u64(42);
    let ids = Arc::new(IdGenerator::new());
    let store = app.store();
    let now = Utc::now();
    let mut feeds = Vec::with_capacity(args.sources);
    for i in 0..args.sources {
        let mut new = NewFeed::new(format!("https://seed-{i}.example/rss").parse()?);
        new.title = Some(format!("Seed Gazette {i}"));
        new.category = Some(TOPICS[i % TOPICS.len()].to_owned());
        let source = store
            .ensure_source(&new.source_host(), SourceId(ids.next(now)), now)
            .await?;
        store
            .name_source_if_unnamed(source.id, new.title.as_deref().unwrap_or_default(), None)
            .await?;
        let feed = match store
            .insert_feed(FeedId(ids.next(now)), source.id, &new, now)
            .await
        {
            Ok(feed) => feed,
            Err(tidings_store::StoreError::Conflict(_)) => store
                .feeds()
                .await?
                .into_iter()
                .find(|f| f.url == new.url.as_str())
                .context("seed feed vanished")?,
            Err(e) => return Err(e.into()),
        };
        feeds.push(feed);
    }

    let bar = ProgressBar::new(args.articles as u64);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {pos}/{len} articles {wide_bar} {elapsed}",
    )?);
    let span = TimeDelta::days(args.days.max(1)).num_seconds();
    let batch = 500;
    let mut made = 0;
    let mut event: (Vec<String>, usize) = (Vec::new(), 0);
    while made < args.articles {
        let feed = &feeds[rng.random_range(0..feeds.len())];
        let mut entries = Vec::with_capacity(batch);
        for _ in 0..batch.min(args.articles - made) {
            // Events: a name and four key words, covered by about a dozen articles.
            // Names and places are made of syllables, so events differ the
            // way real ones do: by who and where, not by common words.
            if event.1 == 0 {
                let mut keys: Vec<String> = (0..3).map(|_| name(&mut rng)).collect();
                keys.extend((0..2).map(|_| words[rng.random_range(0..words.len())].to_owned()));
                event = (keys, rng.random_range(1..24));
            }
            event.1 -= 1;
            let n = made + entries.len();
            // Spread evenly, newest last, over the span.
            let age = span - (n as i64 * span) / args.articles.max(1) as i64;
            let title = format!(
                "{} and {} {} in {} as {} {}",
                capitalize(&event.0[0]),
                capitalize(&event.0[1]),
                event.0[3],
                capitalize(&event.0[2]),
                words[rng.random_range(0..words.len())],
                event.0[4]
            );
            let body: Vec<&str> = (0..150)
                .map(|i| {
                    if i % 7 == 0 {
                        event.0[rng.random_range(0..event.0.len())].as_str()
                    } else {
                        words[rng.random_range(0..words.len())]
                    }
                })
                .collect();
            let guid = format!("seed-{n}");
            entries.push(FeedEntry {
                url: Some(format!(
                    "https://{}/{guid}",
                    feed.url.split('/').nth(2).unwrap_or("seed.example")
                )),
                url_key: Some(format!(
                    "{}/{guid}",
                    feed.url.split('/').nth(2).unwrap_or("seed.example")
                )),
                content_hash: guid.clone(),
                guid,
                title: Some(title),
                content: Some(paragraphs(&body, &mut rng)),
                language: Some("en".into()),
                published_at: Some(now - TimeDelta::seconds(age)),
                ..FeedEntry::default()
            });
        }
        let count = entries.len();
        let ids = ids.clone();
        store
            .insert_entries(feed, &entries, now, move || ArticleId(ids.next(now)))
            .await?;
        made += count;
        bar.set_position(made as u64);
    }
    bar.finish_and_clear();
    println!(
        "{made} articles from {} sources; placing them in stories…",
        feeds.len()
    );
    let placed = app.place_stories(&CancellationToken::new()).await?;
    app.release_story_lease().await;
    println!("placed {} articles in stories", placed.placed);
    Ok(())
}

/// A made-up proper name: two or three syllables.
fn name(rng: &mut StdRng) -> String {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mir", "an", "sel", "tor", "vi", "den", "ru", "sha", "bel", "gor", "ni", "pa",
        "zen", "qu", "ol", "ter", "ma", "fy", "dro", "el", "wyn", "sa",
    ];
    (0..rng.random_range(2..4))
        .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
        .collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Words as the paragraphs of an article: sentences of 8 to 20 words, each
/// capitalised and ending in a period, three or four to a paragraph.
fn paragraphs(words: &[&str], rng: &mut impl Rng) -> String {
    let mut html = String::new();
    let mut rest = words;
    let mut in_paragraph = 0;
    while !rest.is_empty() {
        let take = rng.random_range(8..=20).min(rest.len());
        let (sentence, tail) = rest.split_at(take);
        rest = tail;
        if in_paragraph == 0 {
            html.push_str("<p>");
        } else {
            html.push(' ');
        }
        html.push_str(&capitalize(&sentence.join(" ")));
        html.push('.');
        in_paragraph += 1;
        if in_paragraph == 4 || rest.is_empty() {
            html.push_str("</p>");
            in_paragraph = 0;
        }
    }
    html
}
