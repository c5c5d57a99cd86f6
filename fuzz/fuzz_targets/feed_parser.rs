//! Any bytes, any claimed content type: parsing may fail, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the charset the "server" claims.
    let (claim, body) = data.split_first().map_or((0, data), |(c, b)| (*c, b));
    let content_type = match claim % 5 {
        0 => None,
        1 => Some("application/rss+xml"),
        2 => Some("text/xml; charset=iso-8859-1"),
        3 => Some("application/atom+xml; charset=utf-16"),
        _ => Some("text/html; charset=shift_jis"),
    };
    let _ = tidings_fetch::parse_feed(body, content_type, "https://fuzz.example/feed");
});
