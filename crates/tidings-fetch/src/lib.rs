//! Talking to publishers: the HTTP client that fetches feeds, the parser that
//! turns any feed format into [`tidings_core::ParsedFeed`], and OPML.

mod canonical;
mod client;
mod decode;
mod discover;
pub mod feed;
mod guard;
mod hosts;
mod opml_io;
mod parse;
mod robots;
mod websub;

pub use canonical::{clean_url, url_key};
pub use client::{FetchError, FetchOptions, Fetched, Fetcher, Validators, default_user_agent};
pub use decode::detect_encoding;
pub use discover::{Discovery, feed_links};
pub use guard::{BlockedAddress, NetworkPolicy};
pub use ipnet::IpNet;
pub use opml_io::{OpmlError, parse_opml, write_opml};
pub use parse::{ParseError, language_of_header, parse_document, parse_feed, parse_feed_response};
pub use websub::{REQUESTED_LEASE_SECONDS, SIGNATURE_HEADER, websub_sign, websub_signature_valid};
