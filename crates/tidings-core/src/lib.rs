//! The tidings domain: what a feed, a source and an article are, and the pure
//! policy around them (ids, polling schedule, relative times). No SQL, no HTTP.

pub mod clock;
pub mod community;
pub mod id;
pub mod model;
pub mod schedule;
pub mod time_ago;

pub use clock::{Clock, ManualClock, SystemClock};
pub use community::{
    Comment, CommentSort, CommentTarget, CommentsMode, Report, Role, User, check_password,
    check_username, username_key,
};
pub use id::{ArticleId, CommentId, FeedId, IdGenerator, SourceId, StoryId, UserId};
pub use model::{
    Article, ArticleCard, BodySource, ExtractMode, ExtractedBody, ExtractionState, Feed, FeedEntry,
    FeedOutcome, FeedState, InsertReport, NewFeed, ParsedFeed, Source, Story, StoryInput,
    StoryPlacement, WebSubState, WebSubSubscription, host_key,
};
pub use schedule::{NextPoll, PollHints, Schedule};
pub use time_ago::time_ago;
