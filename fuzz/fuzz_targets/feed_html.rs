//! HTML from feeds, sanitized as a feed reader shows it or only made
//! absolute as ingestion keeps it: never a panic, and what comes out of the
//! sanitizer never carries a script or a script URL, in HTML, SVG or
//! MathML.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data).into_owned();
    let base = "https://fuzz.example/feed/";
    let _ = tidings_fetch::feed::clean_html(html.clone(), base, false);
    let _ = tidings_fetch::feed::text_of_html(&html);
    let clean = tidings_fetch::feed::clean_html(html, base, true).to_ascii_lowercase();
    // A raw `<` always opens a tag, so element names are reliable: none
    // that runs script, including SVG's and MathML's.
    for name in [
        "<script", "<iframe", "<object", "<embed", "<foreignobject", "<animate", "<set",
        "<maction", "<annotation-xml",
    ] {
        assert!(!clean.contains(name), "{clean}");
    }
    // A `javascript:` URL in an attribute, that is inside a tag: the
    // sanitizer escapes `<` in text, so a raw `<` always opens one. The same
    // characters in text are only text.
    for (at, _) in clean.match_indices("=\"javascript:") {
        let before = &clean[..at];
        let in_tag = before.rfind('<') > before.rfind('>');
        assert!(!in_tag, "{clean}");
    }
});
