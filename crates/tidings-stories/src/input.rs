//! The benchmark stream format: JSON lines with `id` and either `text` or
//! `title` and `body`, an optional `ts` (unix seconds) and `publisher`, in
//! stream order. The CLI and the quality tests read it here.

use std::io::BufRead;

use serde::Deserialize;

use crate::Document;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    ts: Option<f64>,
    #[serde(default)]
    publisher: Option<String>,
}

/// The stream's documents, numbered 1, 2, … in stream order (stream order is
/// time order), with the caller's ids beside them.
pub struct Stream {
    pub ids: Vec<String>,
    pub docs: Vec<Document>,
}

impl Stream {
    /// The caller's id of an engine document id.
    pub fn id(&self, doc: u64) -> &str {
        &self.ids[(doc - 1) as usize]
    }
}

pub fn read(reader: impl BufRead) -> Result<Stream, InputError> {
    let mut stream = Stream {
        ids: Vec::new(),
        docs: Vec::new(),
    };
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line)
            .or_else(|error| {
                // Python's json module writes NaN for missing values; read
                // those as absent rather than refuse the line.
                serde_json::from_str(&line.replace(": NaN", ": null")).map_err(|_| error)
            })
            .map_err(|e| InputError::Line {
                line: n + 1,
                message: e.to_string(),
            })?;
        let id = match parsed.id {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        let (title, body) = match parsed.text {
            Some(text) => (String::new(), text),
            None => (
                parsed.title.unwrap_or_default(),
                parsed.body.unwrap_or_default(),
            ),
        };
        stream.ids.push(id);
        stream.docs.push(Document {
            id: stream.ids.len() as u64,
            ts: parsed.ts.map_or(0, |t| t as i64),
            title,
            body,
            publisher: parsed.publisher,
            embedding: None,
        });
    }
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes_and_python_nan() {
        let input = r#"{"id": "a", "text": "one", "ts": 10.5}
{"id": 7, "title": "t", "body": "b", "publisher": NaN}

"#;
        let s = read(input.as_bytes()).unwrap();
        assert_eq!(s.ids, ["a", "7"]);
        assert_eq!(
            (s.docs[0].id, s.docs[0].ts, s.docs[0].body.as_str()),
            (1, 10, "one")
        );
        assert_eq!(
            (s.docs[1].title.as_str(), s.docs[1].publisher.as_deref()),
            ("t", None)
        );
        assert!(matches!(
            read("{not json}".as_bytes()),
            Err(InputError::Line { line: 1, .. })
        ));
    }
}
