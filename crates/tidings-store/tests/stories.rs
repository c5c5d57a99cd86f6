//! Stories in the store, on SQLite and on PostgreSQL: placements and their
//! aggregates, refinement moves, related articles, operators' corrections,
//! and the lease that keeps the story engine to one node.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use tidings_core::{
    ArticleId, Feed, FeedEntry, FeedId, IdGenerator, NewFeed, SourceId, StoryId, StoryPlacement,
};
use tidings_store::testing::TestDatabase;
use tidings_store::{Store, StoryBatch};

tidings_store::on_both_databases!(
    placed_articles_form_stories_with_aggregates,
    moves_and_operator_corrections_refresh_both_stories,
    related_articles_are_stored_both_ways,
    the_engine_lease_is_held_by_one_node_and_its_generation_tells_takeovers,
    unplaced_articles_wait_for_extraction,
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap()
}

/// Two outlets' feeds; returns (feed, ids of articles inserted) per call.
async fn feed(store: &Store, ids: &IdGenerator, host: &str) -> Feed {
    let new = NewFeed::new(format!("https://{host}/rss").parse().unwrap());
    let source = store
        .ensure_source(&new.source_host(), SourceId(ids.next(t0())), t0())
        .await
        .unwrap();
    store
        .insert_feed(FeedId(ids.next(t0())), source.id, &new, t0())
        .await
        .unwrap()
}

fn entry(host: &str, guid: &str, title: &str, minutes: i64) -> FeedEntry {
    FeedEntry {
        guid: guid.to_owned(),
        url: Some(format!("https://{host}/{guid}")),
        url_key: Some(format!("{host}/{guid}")),
        content_hash: format!("h:{host}:{guid}"),
        title: Some(title.to_owned()),
        author: None,
        summary: None,
        content: Some(format!(
            "<p>{}</p>",
            "Full text of the article. ".repeat(40)
        )),
        language: Some("en".to_owned()),
        published_at: Some(t0() + TimeDelta::minutes(minutes)),
    }
}

async fn insert(store: &Store, ids: &IdGenerator, feed: &Feed, entries: &[FeedEntry]) {
    let now = t0() + TimeDelta::hours(1);
    store
        .insert_entries(feed, entries, now, || ArticleId(ids.next(now)))
        .await
        .unwrap();
}

/// Every unplaced article's id, oldest first.
async fn unplaced(store: &Store) -> Vec<ArticleId> {
    store
        .unplaced_articles(100)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect()
}

fn place(article: ArticleId, story: ArticleId, group: ArticleId) -> StoryPlacement {
    StoryPlacement {
        article,
        story: StoryId(story.0),
        group,
    }
}

async fn placed_articles_form_stories_with_aggregates(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let a = feed(store, &ids, "a.example").await;
    let b = feed(store, &ids, "b.example").await;
    insert(
        store,
        &ids,
        &a,
        &[entry("a.example", "1", "ECB holds rates", 0)],
    )
    .await;
    insert(
        store,
        &ids,
        &b,
        &[entry("b.example", "1", "ECB holds rates (copy)", 5)],
    )
    .await;
    insert(
        store,
        &ids,
        &b,
        &[entry("b.example", "2", "Rates on hold in Frankfurt", 10)],
    )
    .await;
    let arts = unplaced(store).await;
    assert_eq!(arts.len(), 3);
    let inputs = store.unplaced_articles(10).await.unwrap();
    assert!(inputs[0].text.as_deref().unwrap().contains("Full text"));
    assert!(
        inputs[0].text_is_html,
        "feed content is HTML until extracted"
    );

    let story = arts[0];
    let batch = StoryBatch {
        placements: vec![
            place(arts[0], story, arts[0]),
            place(arts[1], story, arts[0]),
            place(arts[2], story, arts[2]),
        ],
        leads: vec![(StoryId(story.0), arts[2])],
        ..StoryBatch::default()
    };
    store.record_story_batch(&batch).await.unwrap();
    assert!(unplaced(store).await.is_empty());

    let s = store.story(StoryId(story.0)).await.unwrap();
    assert_eq!((s.article_count, s.source_count), (3, 2));
    assert_eq!(s.first_article_id, Some(arts[0]));
    assert_eq!(s.first_source_name.as_deref(), Some("a.example"));
    assert_eq!(s.first_seen_at, t0());
    assert_eq!(s.updated_at, t0() + TimeDelta::minutes(10));
    assert_eq!(s.lead_article_id, Some(arts[2]));
    assert_eq!(s.title.as_deref(), Some("Rates on hold in Frankfurt"));

    let members = store.story_members(StoryId(story.0), 10).await.unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[0].card.id, arts[2], "newest first");
    assert_eq!(members[1].group, arts[0], "the copy names its original");
    assert_eq!(
        store.article_story(arts[1]).await.unwrap(),
        Some((StoryId(story.0), arts[0]))
    );

    let top = store.top_stories(t0(), 10).await.unwrap();
    assert_eq!(top.len(), 1);
    let reloaded = store.placed_articles_since(t0(), 10).await.unwrap();
    assert_eq!(reloaded.len(), 3);
    assert_eq!(reloaded[0].0.id, arts[0], "oldest first");
    assert_eq!(reloaded[1].1.group, arts[0]);
    assert!(!reloaded[0].2, "not pinned");
}

async fn moves_and_operator_corrections_refresh_both_stories(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let a = feed(store, &ids, "a.example").await;
    let b = feed(store, &ids, "b.example").await;
    insert(store, &ids, &a, &[entry("a.example", "1", "One", 0)]).await;
    insert(store, &ids, &b, &[entry("b.example", "2", "Two", 1)]).await;
    let arts = unplaced(store).await;
    store
        .record_story_batch(&StoryBatch {
            placements: vec![
                place(arts[0], arts[0], arts[0]),
                place(arts[1], arts[1], arts[1]),
            ],
            ..StoryBatch::default()
        })
        .await
        .unwrap();

    // Refinement merges story 2 into story 1: story 2 disappears.
    store
        .record_story_batch(&StoryBatch {
            moves: vec![(arts[1], StoryId(arts[0].0))],
            ..StoryBatch::default()
        })
        .await
        .unwrap();
    let one = store.story(StoryId(arts[0].0)).await.unwrap();
    assert_eq!((one.article_count, one.source_count), (2, 2));
    assert!(
        store.story(StoryId(arts[1].0)).await.is_err(),
        "an empty story is gone"
    );

    // An operator splits article 2 off into a new story: pinned there, so a
    // later refinement move is ignored.
    let new_story = StoryId(ids.next(t0()));
    store
        .move_article_to_story(arts[1], new_story)
        .await
        .unwrap();
    let split = store.story(new_story).await.unwrap();
    assert_eq!(
        (split.article_count, split.title.as_deref()),
        (1, Some("Two"))
    );
    assert_eq!(
        store.story(StoryId(arts[0].0)).await.unwrap().article_count,
        1
    );
    store
        .record_story_batch(&StoryBatch {
            moves: vec![(arts[1], StoryId(arts[0].0))],
            ..StoryBatch::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.article_story(arts[1]).await.unwrap().unwrap().0,
        new_story,
        "a pinned article stays"
    );
    let reloaded = store.placed_articles_since(t0(), 10).await.unwrap();
    assert!(
        reloaded
            .iter()
            .any(|(i, _, pinned)| i.id == arts[1] && *pinned)
    );
    assert!(
        store
            .move_article_to_story(ArticleId(12345), new_story)
            .await
            .is_err()
    );
}

async fn related_articles_are_stored_both_ways(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let a = feed(store, &ids, "a.example").await;
    insert(
        store,
        &ids,
        &a,
        &[
            entry("a.example", "1", "One", 0),
            entry("a.example", "2", "Two", 1),
            entry("a.example", "3", "Three", 2),
        ],
    )
    .await;
    let arts = unplaced(store).await;
    store
        .record_story_batch(&StoryBatch {
            placements: arts.iter().map(|&x| place(x, x, x)).collect(),
            related: vec![(arts[2], arts[0], 0.9), (arts[2], arts[1], 0.4)],
            ..StoryBatch::default()
        })
        .await
        .unwrap();
    let related = store.related_articles(arts[2], 10).await.unwrap();
    let ids_: Vec<ArticleId> = related.iter().map(|m| m.card.id).collect();
    assert_eq!(ids_, [arts[0], arts[1]], "best first");
    let back = store.related_articles(arts[0], 10).await.unwrap();
    assert_eq!(back[0].card.id, arts[2]);
    // Recomputed scores replace the old ones.
    store
        .record_story_batch(&StoryBatch {
            related: vec![(arts[2], arts[1], 0.95)],
            ..StoryBatch::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.related_articles(arts[2], 1).await.unwrap()[0].card.id,
        arts[1]
    );
}

async fn the_engine_lease_is_held_by_one_node_and_its_generation_tells_takeovers(
    db: &TestDatabase,
) {
    let store = db.store();
    let until = t0() + TimeDelta::minutes(5);
    let g1 = store
        .acquire_lease("engine", "node-a", t0(), until, 1)
        .await
        .unwrap();
    assert_eq!(g1, Some(1));
    assert_eq!(
        store
            .acquire_lease("engine", "node-b", t0(), until, 2)
            .await
            .unwrap(),
        None,
        "held by another node"
    );
    assert_eq!(
        store
            .acquire_lease("engine", "node-a", t0() + TimeDelta::minutes(1), until, 3)
            .await
            .unwrap(),
        Some(1),
        "renewal keeps the generation"
    );
    let later = until + TimeDelta::seconds(1);
    assert_eq!(
        store
            .acquire_lease("engine", "node-b", later, later + TimeDelta::minutes(5), 4)
            .await
            .unwrap(),
        Some(4),
        "an expired lease is taken over, with a new generation"
    );
    store.reset_lease("engine").await.unwrap();
    assert_eq!(
        store
            .acquire_lease("engine", "node-b", later, later + TimeDelta::minutes(5), 5)
            .await
            .unwrap(),
        Some(5),
        "after a reset even the same holder starts a new generation"
    );
    store.release_lease("engine", "node-b").await.unwrap();
    assert_eq!(
        store
            .acquire_lease("engine", "node-a", later, until, 6)
            .await
            .unwrap(),
        Some(6)
    );
}

async fn unplaced_articles_wait_for_extraction(db: &TestDatabase) {
    let store = db.store();
    let ids = IdGenerator::new();
    let a = feed(store, &ids, "a.example").await;
    let mut teaser = entry("a.example", "t", "Teaser", 0);
    teaser.content = None;
    teaser.summary = Some("<p>One line.</p>".into());
    insert(store, &ids, &a, &[teaser]).await;
    assert!(unplaced(store).await.is_empty(), "pending extraction");
    let now = t0() + TimeDelta::hours(2);
    let claimed = store
        .claim_pending_extractions(now, now + TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    store
        .record_extraction(claimed[0].0, &Err("gone".into()), now)
        .await
        .unwrap();
    let inputs = store.unplaced_articles(10).await.unwrap();
    assert_eq!(
        inputs.len(),
        1,
        "a failed extraction places the feed's text"
    );
    assert_eq!(inputs[0].text.as_deref(), Some("<p>One line.</p>"));
}
