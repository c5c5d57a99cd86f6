//! HTML from feeds, sanitized as a feed reader shows it or only made
//! absolute as ingestion keeps it: never a panic, and what comes out of the
//! sanitizer never carries a script or an event handler.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data).into_owned();
    let base = "https://fuzz.example/feed/";
    let _ = tidings_fetch::feed::clean_html(html.clone(), base, false);
    let _ = tidings_fetch::feed::text_of_html(&html);
    let clean = tidings_fetch::feed::clean_html(html, base, true).to_ascii_lowercase();
    assert!(!clean.contains("<script"), "{clean}");
    assert!(!clean.contains("=\"javascript:"), "{clean}");
});
