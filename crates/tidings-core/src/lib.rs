//! The tidings domain: what a feed, a source and an article are, and the pure
//! policy around them (ids, polling schedule, relative times). No SQL, no HTTP.

pub mod clock;
pub mod id;
pub mod model;
pub mod schedule;
pub mod time_ago;

pub use clock::{Clock, ManualClock, SystemClock};
pub use id::{ArticleId, FeedId, IdGenerator, SourceId, StoryId};
pub use model::{
    Article, ArticleCard, BodySource, ExtractMode, ExtractedBody, ExtractionState, Feed, FeedEntry,
    FeedOutcome, FeedState, InsertReport, NewFeed, ParsedFeed, Source, Story, StoryInput,
    StoryPlacement, WebSubState, WebSubSubscription, host_key,
};
pub use schedule::{NextPoll, PollHints, Schedule};
pub use time_ago::time_ago;
