//! Talking to publishers: the HTTP client that fetches feeds, the parser that
//! turns any feed format into [`tidings_core::ParsedFeed`], and OPML.

mod client;
mod opml_io;
mod parse;

pub use client::{FetchError, FetchOptions, Fetched, Fetcher, Validators};
pub use opml_io::{OpmlError, parse_opml, write_opml};
pub use parse::{ParseError, parse_feed};
