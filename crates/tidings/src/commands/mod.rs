pub mod bench;
pub mod extract;
pub mod feeds;
pub mod fetch;
pub mod seed;
pub mod serve;
pub mod stories;
pub mod story_admin;
