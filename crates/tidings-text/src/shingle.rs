//! Word n-gram fingerprints for near-duplicate detection.

use xxhash_rust::xxh3::xxh3_64;

/// Hashes of every run of `n` consecutive words (one hash when there are
/// fewer than `n` words), in text order; repeats are kept.
pub fn shingles(words: &[String], n: usize) -> Vec<u64> {
    let n = n.max(1);
    let mut out = Vec::with_capacity(words.len());
    let mut buf = String::new();
    for window in words.windows(n.min(words.len()).max(1)) {
        buf.clear();
        for (i, w) in window.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(w);
        }
        out.push(xxh3_64(buf.as_bytes()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn shared_runs_share_hashes() {
        let a = shingles(&words("a b c d e"), 3);
        let b = shingles(&words("x b c d y"), 3);
        assert_eq!(a.len(), 3);
        assert_eq!(a.iter().filter(|h| b.contains(h)).count(), 1);
    }

    #[test]
    fn short_texts_get_one_shingle() {
        assert_eq!(shingles(&words("a b"), 5).len(), 1);
        assert!(shingles(&[], 5).is_empty());
    }
}
