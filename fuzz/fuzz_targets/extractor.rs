//! Any bytes as a page: extraction may find nothing, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://fuzz.example/a/1").unwrap();
    let _ = tidings_extract::extract(data, Some(&base));
});
