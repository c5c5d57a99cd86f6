pub mod bench;
pub mod feeds;
pub mod fetch;
pub mod serve;
