//! The story engine's behaviour on small, readable streams.

use tidings_stories::{Document, EngineConfig, StoryEngine};

const WIRE: &str = "The European Central Bank left interest rates unchanged on Thursday, \
    with its president saying that inflation in the euro zone was expected to stay low \
    for a prolonged period. Officials discussed buying bonds to support the economy, \
    but no decision was taken, and markets reacted calmly to the announcement in \
    Frankfurt. Analysts said the bank could act at its next meeting in June if prices \
    kept falling, and that the strong euro was hurting exporters in southern Europe.";

/// An engine whose window already holds a day of other news, as a running
/// one does: word weights need a background to tell rare from common.
fn engine_with_background(config: EngineConfig) -> StoryEngine {
    const PLACES: [&str; 8] = [
        "Lisbon", "Osaka", "Denver", "Nairobi", "Oslo", "Lima", "Perth", "Quebec",
    ];
    const THINGS: [&str; 8] = [
        "bridge", "festival", "strike", "election", "museum", "harbour", "school", "derby",
    ];
    let mut engine = StoryEngine::new(config);
    for i in 0..64u64 {
        let (place, thing) = (PLACES[(i % 8) as usize], THINGS[(i / 8) as usize]);
        let text = format!("The {thing} in {place} drew crowds on Saturday, officials said.");
        engine.restore(
            &doc(1_000 + i, -7_200, &format!("{place} {thing}"), &text),
            1_000 + i,
            1_000 + i,
            false,
        );
    }
    engine
}

fn doc(id: u64, ts: i64, title: &str, body: &str) -> Document {
    Document {
        id,
        ts,
        title: title.into(),
        body: body.into(),
        publisher: None,
        embedding: None,
    }
}

#[test]
fn syndicated_copies_fold_and_share_the_story() {
    let mut engine = engine_with_background(EngineConfig::default());
    let first = engine.place(&doc(1, 0, "ECB holds rates", WIRE));
    let copy = engine.place(&doc(
        2,
        60,
        "Rates unchanged at ECB",
        &format!("FRANKFURT (AP) - {WIRE} Copyright The Associated Press."),
    ));
    assert_eq!(
        copy.group, first.group,
        "a syndicated copy folds into the original"
    );
    assert_eq!(copy.story, first.story);

    let other_take = engine.place(&doc(
        3,
        120,
        "ECB holds rates as euro strength worries exporters",
        "The ECB kept interest rates on hold and its president said inflation would stay low; \
         exporters complain that the strong euro hurts them.",
    ));
    assert_eq!(
        other_take.story, first.story,
        "another outlet's take joins the story"
    );
    assert_ne!(other_take.group, first.group, "but it is not a copy");

    let unrelated = engine.place(&doc(
        4,
        180,
        "Lakers beat Celtics in overtime",
        "LeBron James scored 40 points as the Lakers won in Boston after overtime.",
    ));
    assert_ne!(unrelated.story, first.story);
    assert_eq!(
        unrelated.story, 4,
        "a new story takes the id of its first article"
    );
}

#[test]
fn related_lists_the_story_first_and_never_copies() {
    let mut engine = engine_with_background(EngineConfig::default());
    engine.place(&doc(1, 0, "ECB holds rates", WIRE));
    engine.place(&doc(2, 10, "ECB holds rates", WIRE));
    engine.place(&doc(
        3,
        20,
        "ECB keeps rates on hold, euro strong",
        "The European Central Bank kept rates on hold; the euro stayed strong and inflation low.",
    ));
    engine.place(&doc(
        4,
        30,
        "Euro zone inflation falls again",
        "Inflation in the euro zone fell again in March, official figures showed, \
         adding pressure on the European Central Bank.",
    ));
    engine.refine();
    let related: Vec<u64> = engine
        .related_to(1, 10)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert!(
        !related.contains(&2),
        "a copy is not related coverage: {related:?}"
    );
    assert_eq!(related.first(), Some(&3), "same story first: {related:?}");
    assert!(related.contains(&4), "{related:?}");
}

#[test]
fn stories_age_out_of_the_window() {
    let config = EngineConfig {
        window_secs: 3_600,
        ..EngineConfig::default()
    };
    let mut engine = StoryEngine::new(config);
    let old = engine.place(&doc(1, 0, "ECB holds rates", WIRE));
    for i in 0..5 {
        engine.place(&doc(
            10 + i,
            4_000 + i as i64,
            "Storm hits Florida",
            "A winter storm brought snow and ice to the south of Florida.",
        ));
    }
    assert_eq!(engine.story_of(1), None, "the old article left the window");
    let late = engine.place(&doc(
        20,
        4_100,
        "ECB keeps rates on hold",
        "The European Central Bank kept interest rates unchanged and said inflation stays low.",
    ));
    assert_ne!(
        late.story, old.story,
        "a story does not grow after it aged out"
    );
    assert!(engine.len() <= 7);
}

#[test]
fn restored_engine_resumes_and_operator_moves_stick() {
    let mut engine = StoryEngine::default();
    engine.restore(&doc(1, 0, "ECB holds rates", WIRE), 1, 1, false);
    let copy = engine.place(&doc(2, 10, "ECB holds rates", WIRE));
    assert_eq!((copy.group, copy.story), (1, 1));

    // An operator says article 2 belongs to story 99.
    engine.pin(2, 99);
    engine.refine();
    assert_eq!(engine.story_of(2), Some(99));
    assert!(engine.take_moves().iter().all(|m| m.doc != 2));
}

#[test]
fn batches_report_every_placement() {
    let mut engine = StoryEngine::default();
    let docs: Vec<Document> = (1..=20)
        .map(|i| doc(i, i as i64, &format!("Headline number {i}"), WIRE))
        .collect();
    let outcome = engine.place_batch(&docs);
    assert_eq!(outcome.placements.len(), 20);
    assert!(
        outcome
            .placements
            .iter()
            .all(|p| p.group == 1 && p.story == 1)
    );
}

fn embedded(mut d: Document, values: &[f32]) -> Document {
    let norm = values.iter().map(|x| x * x).sum::<f32>().sqrt();
    d.embedding = Some(values.iter().map(|x| x / norm).collect());
    d
}

/// Terms decide whether an article is close enough to join a story; among
/// the stories close enough, embeddings (when configured) pick the one it
/// is about. Without them, the offline choice stands.
#[test]
fn embeddings_choose_among_the_stories_that_terms_allow() {
    let walkout = || {
        doc(
            1,
            0,
            "Rail walkout halts trains across Portugal",
            "Train drivers walked out over wages on Monday, halting rail services across \
             Portugal; the unions said the walkout would last three days.",
        )
    };
    let gallery = || {
        doc(
            2,
            60,
            "Porto gallery reopens after renovation",
            "The national gallery in Porto reopened its rooms of paintings on Monday \
             after a two-year renovation, with free entry for the first week.",
        )
    };
    let closure = || {
        doc(
            3,
            120,
            "Walkout closes Porto gallery",
            "The rail walkout kept staff away on Monday: train drivers and unions marched \
             over wages, and the gallery in Porto shut its doors.",
        )
    };
    let place = |with_embeddings: bool| {
        let mut engine = engine_with_background(EngineConfig::default());
        let e = |d: Document, v: &[f32]| if with_embeddings { embedded(d, v) } else { d };
        let a = engine.place(&e(walkout(), &[1.0, 0.0, 0.1])).story;
        let b = engine.place(&e(gallery(), &[0.0, 1.0, 0.1])).story;
        let c = engine.place(&e(closure(), &[0.2, 1.0, 0.1])).story;
        // Re-examining the window weighs the same way: the article stays.
        let moves = engine.refine();
        assert!(moves.iter().all(|m| m.doc != 3), "{moves:?}");
        (a, b, c)
    };
    let (walkout_story, gallery_story, by_terms) = place(false);
    assert_ne!(walkout_story, gallery_story, "two stories");
    assert_eq!(by_terms, walkout_story, "by its words, a walkout story");
    let (walkout_story, gallery_story, by_model) = place(true);
    assert_ne!(walkout_story, gallery_story);
    assert_eq!(
        by_model, gallery_story,
        "the model says it is about the gallery"
    );
}

/// An article whose embedding is far from every story still needs its
/// words to join one: the model does not pull in what terms keep apart.
#[test]
fn embeddings_alone_do_not_join_a_story() {
    let mut engine = engine_with_background(EngineConfig::default());
    let ecb = engine.place(&embedded(doc(1, 0, "ECB holds rates", WIRE), &[1.0, 0.0]));
    let lakers = engine.place(&embedded(
        doc(
            2,
            60,
            "Lakers beat Celtics in overtime",
            "LeBron James scored 40 points as the Lakers won in Boston after overtime.",
        ),
        &[1.0, 0.0],
    ));
    assert_ne!(lakers.story, ecb.story);
}
