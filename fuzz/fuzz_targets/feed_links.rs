//! Feed discovery over hostile HTML: never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let base = url::Url::parse("https://fuzz.example/page/").unwrap();
    let _ = tidings_fetch::feed_links(&html, &base);
});
