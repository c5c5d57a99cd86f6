//! URL cleaning and identity keys: never panic, and a key is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(clean) = tidings_fetch::clean_url(text) {
        // Cleaning is idempotent and keeps the identity.
        let again = tidings_fetch::clean_url(clean.as_str()).expect("a clean URL stays valid");
        assert_eq!(again, clean);
        assert_eq!(tidings_fetch::url_key(clean.as_str()), tidings_fetch::url_key(text));
    }
});
