//! Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): titles and
//! bodies, stemming, filters, snippets with marked matches, hostile input.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use tidings_core::{
    ArticleId, Feed, FeedEntry, FeedId, IdGenerator, NewFeed, SourceId, StoryId, StoryPlacement,
};
use tidings_store::testing::TestDatabase;
use tidings_store::{MATCH_END, MATCH_START, SearchQuery, Store, StoryBatch};

tidings_store::on_both_databases!(
    search_finds_titles_and_bodies_with_filters,
    relevance_ranks_same_day_matches,
    merging_the_index_keeps_every_match
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap()
}

async fn feed(store: &Store, ids: &IdGenerator, host: &str, category: &str) -> Feed {
    let mut new = NewFeed::new(format!("https://{host}/rss").parse().unwrap());
    new.category = Some(category.into());
    let source = store
        .ensure_source(&new.source_host(), SourceId(ids.next(t0())), t0())
        .await
        .unwrap();
    store
        .insert_feed(FeedId(ids.next(t0())), source.id, &new, t0())
        .await
        .unwrap()
}

async fn publish(
    store: &Store,
    ids: &IdGenerator,
    feed: &Feed,
    guid: &str,
    title: &str,
    days_ago: i64,
) -> ArticleId {
    let host = feed.url.split('/').nth(2).unwrap().to_owned();
    let entry = FeedEntry {
        guid: guid.into(),
        url: Some(format!("https://{host}/{guid}")),
        url_key: Some(format!("{host}/{guid}")),
        content_hash: guid.into(),
        title: Some(title.into()),
        content: Some(format!("<p>{}</p>", "filler ".repeat(100))),
        published_at: Some(t0() - TimeDelta::days(days_ago)),
        ..FeedEntry::default()
    };
    let now = t0();
    store
        .insert_entries(feed, &[entry], now, || ArticleId(ids.next(now)))
        .await
        .unwrap();
    store
        .latest_articles(100)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.title.as_deref() == Some(title))
        .unwrap()
        .id
}

async fn search(store: &Store, query: SearchQuery) -> Vec<String> {
    store
        .search(&SearchQuery { limit: 10, ..query }, t0())
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.card.title.unwrap())
        .collect()
}

fn words(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    }
}

async fn search_finds_titles_and_bodies_with_filters(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let gazette = feed(store, &ids, "gazette.example", "Local").await;
    let wire = feed(store, &ids, "wire.example", "World").await;
    let harbour = publish(store, &ids, &gazette, "h", "Harbour wall to be rebuilt", 1).await;
    let ferries = publish(store, &ids, &gazette, "f", "Ferry timetable changes", 10).await;
    let old = publish(store, &ids, &wire, "o", "Storms batter the coast", 40).await;
    let body = |id: ArticleId, text: &str| (id, text.to_owned());
    store
        .record_story_batch(&StoryBatch {
            placements: [harbour, ferries, old]
                .iter()
                .map(|&a| StoryPlacement { article: a, story: StoryId(a.0), group: a })
                .collect(),
            search_texts: vec![
                body(harbour, "The council voted to rebuild the harbour wall after the storms cracked it. <script>x</script>"),
                body(ferries, "Two ferry sailings move because the harbour works close the north quay."),
                body(old, "Winter storms battered the coast and cracked the harbour wall."),
            ],
            ..StoryBatch::default()
        })
        .await
        .unwrap();

    // Title words, body words, stemming ("sailing" finds "sailings").
    assert_eq!(
        search(store, words("timetable")).await,
        ["Ferry timetable changes"]
    );
    assert_eq!(
        search(store, words("sailing")).await,
        ["Ferry timetable changes"],
        "stemmed"
    );
    let all = search(store, words("harbour")).await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(
        all[0], "Harbour wall to be rebuilt",
        "title match and newest first"
    );
    assert_eq!(
        search(store, words("harbour wall")).await.len(),
        2,
        "every word"
    );

    // Filters: source, topic (feed folder), date range.
    let by_source = SearchQuery {
        source: Some(wire.source_id),
        ..words("harbour")
    };
    assert_eq!(search(store, by_source).await, ["Storms batter the coast"]);
    let by_topic = SearchQuery {
        topic: Some("Local".into()),
        ..words("harbour")
    };
    assert_eq!(search(store, by_topic).await.len(), 2);
    let recent = SearchQuery {
        since: Some(t0() - TimeDelta::days(5)),
        ..words("harbour")
    };
    assert_eq!(search(store, recent).await, ["Harbour wall to be rebuilt"]);
    let older = SearchQuery {
        until: Some(t0() - TimeDelta::days(5)),
        ..words("harbour")
    };
    assert_eq!(search(store, older).await.len(), 2);

    // Snippets mark the matches in plain text.
    let hits = store
        .search(
            &SearchQuery {
                limit: 5,
                ..words("quay")
            },
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0]
            .snippet
            .contains(&format!("{MATCH_START}quay{MATCH_END}")),
        "{:?}",
        hits[0].snippet
    );

    // Whatever a reader types is words, never query syntax or SQL.
    for hostile in [
        "\"",
        "harbour\" OR \"x",
        "NEAR(",
        "*",
        "'; DROP TABLE articles; --",
        "a:b",
        "-harbour",
        "",
    ] {
        store
            .search(
                &SearchQuery {
                    limit: 5,
                    ..words(hostile)
                },
                t0(),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.count_articles().await.unwrap(), 3);
}

/// Among articles of the same day, the better match comes first: the word
/// in the title, then the word said more often in a body of the same length.
async fn relevance_ranks_same_day_matches(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let gazette = feed(store, &ids, "gazette.example", "Local").await;
    // Published in this order, so recency alone would list them backwards.
    let headline = publish(store, &ids, &gazette, "t", "Lighthouse keeper retires", 0).await;
    let often = publish(store, &ids, &gazette, "o", "A day at the coast", 0).await;
    let once = publish(store, &ids, &gazette, "n", "Coastal walks reopen", 0).await;
    let filler = "the walk goes on along the cliffs past the bay ".repeat(3);
    store
        .record_story_batch(&StoryBatch {
            placements: [headline, often, once]
                .iter()
                .map(|&a| StoryPlacement {
                    article: a,
                    story: StoryId(a.0),
                    group: a,
                })
                .collect(),
            search_texts: vec![
                (
                    headline,
                    format!("After forty years the keeper hands over the lighthouse. {filler}"),
                ),
                (
                    often,
                    format!(
                        "The lighthouse, the lighthouse museum and the lighthouse cafe. {filler}"
                    ),
                ),
                (
                    once,
                    format!("The path passes a lighthouse and the harbour wall. {filler}"),
                ),
            ],
            ..StoryBatch::default()
        })
        .await
        .unwrap();
    assert_eq!(
        search(store, words("lighthouse")).await,
        [
            "Lighthouse keeper retires",
            "A day at the coast",
            "Coastal walks reopen"
        ]
    );
}

/// Articles stored one batch at a time leave the SQLite index in many
/// segments; merging them (the worker does, a little each pass) changes
/// nothing a reader sees.
async fn merging_the_index_keeps_every_match(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let feed = feed(store, &ids, "gazette.example", "news").await;
    for n in 0..30 {
        let title = format!("Harbour report number {n}");
        publish(store, &ids, &feed, &format!("h{n}"), &title, n % 5).await;
    }
    let query = || SearchQuery {
        limit: 50,
        ..words("harbour report")
    };
    let before = store.search(&query(), t0()).await.unwrap();
    assert_eq!(before.len(), 30);
    for _ in 0..3 {
        store.merge_search_index(500).await.unwrap();
    }
    let after = store.search(&query(), t0()).await.unwrap();
    let titles = |hits: &[tidings_store::SearchHit]| -> Vec<Option<String>> {
        hits.iter().map(|h| h.card.title.clone()).collect()
    };
    assert_eq!(titles(&before), titles(&after));
}
