//! Prints what the extractor makes of one page (`.html` or `.html.gz`):
//! `cargo run -p tidings-extract --example extract_page PAGE [URL]`.

use std::io::Read;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: extract_page PAGE [URL]");
    let url = args.next().and_then(|u| url::Url::parse(&u).ok());
    let file = std::fs::File::open(&path).expect("readable page");
    let mut html = Vec::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(file).read_to_end(&mut html)
    } else {
        std::io::BufReader::new(file).read_to_end(&mut html)
    }
    .expect("readable page");
    let article = tidings_extract::extract(&html, url.as_ref());
    println!(
        "{}",
        serde_json::to_string_pretty(&article).expect("serializable")
    );
}
