//! An optional language model behind any OpenAI-compatible chat-completions
//! endpoint (Ollama, llama.cpp's server, vLLM, hosted services), used only
//! to reword what the sources say, never to add to it:
//!
//! - the model sees only passages retrieved from the sources, numbered, and
//!   must cite them as `[n]` after every sentence;
//! - an answer is shown only if every sentence cites passages that exist
//!   and the cited passages hold most of the sentence's words
//!   ([`check_grounding`]); otherwise the caller falls back to the offline
//!   answer;
//! - calls have a timeout, retries with backoff on 429/5xx and transport
//!   errors, a concurrency limit and an hourly budget; the key is never
//!   logged (not even in `Debug`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tidings_text::Analyzer;
use tokio::sync::{Mutex, Semaphore};

/// How to reach the model.
#[derive(Clone)]
pub struct LlmConfig {
    /// The API base, e.g. `http://127.0.0.1:11434/v1` (`/chat/completions`
    /// is appended).
    pub base_url: String,
    pub model: String,
    pub api_key: Option<String>,
    /// Limit for one call, the whole streamed answer included.
    pub timeout: Duration,
    /// Extra attempts after a retryable failure.
    pub retries: u32,
    /// Calls in flight at once.
    pub max_concurrent: usize,
    /// Calls started per rolling hour; beyond it, the offline path answers.
    pub calls_per_hour: usize,
    /// Ask for a streamed answer (server-sent events).
    pub stream: bool,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("max_concurrent", &self.max_concurrent)
            .field("calls_per_hour", &self.calls_per_hour)
            .field("stream", &self.stream)
            .finish()
    }
}

impl LlmConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            max_concurrent: 4,
            calls_per_hour: 600,
            stream: true,
        }
    }
}

/// Why the model gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the model did not answer in time")]
    Timeout,
    #[error("the model's server answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("could not reach the model: {0}")]
    Transport(String),
    #[error("the model's reply is not a chat completion: {0}")]
    Garbage(String),
    #[error("the hourly budget of model calls is spent")]
    OverBudget,
}

/// One chat message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: "system".into(),
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: "user".into(),
            content: content.into(),
        }
    }
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    stream: bool,
    temperature: f32,
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    delta: Option<Delta>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

/// A client for one configured model; clone it freely.
#[derive(Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    config: Arc<LlmConfig>,
    slots: Arc<Semaphore>,
    started: Arc<Mutex<VecDeque<Instant>>>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("config", &self.config)
            .finish()
    }
}

impl LlmClient {
    pub fn new(config: LlmConfig) -> Result<Self, LlmError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| LlmError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            slots: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            config: Arc::new(config),
            started: Arc::default(),
        })
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// The model's reply to `messages`.
    pub async fn chat(&self, messages: &[Message]) -> Result<String, LlmError> {
        self.with_retries(|| self.call(messages)).await
    }

    /// Unit-length embeddings of `inputs`, in order, from the endpoint's
    /// `/embeddings` (one call for all of them).
    pub async fn embed(&self, inputs: &[&str]) -> Result<Vec<Vec<f32>>, LlmError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        self.with_retries(|| self.call_embeddings(inputs)).await
    }

    /// Runs `call` within the budget, the concurrency limit and the
    /// timeout, retrying what may succeed on another try.
    async fn with_retries<T, F, Fut>(&self, call: F) -> Result<T, LlmError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, LlmError>>,
    {
        self.spend_budget().await?;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|e| LlmError::Transport(e.to_string()))?;
        let mut attempt = 0;
        loop {
            match tokio::time::timeout(self.config.timeout, call()).await {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(error)) if attempt < self.config.retries && retryable(&error) => {
                    tracing::debug!(%error, attempt, "model call failed; retrying");
                }
                Ok(Err(error)) => return Err(error),
                Err(_) if attempt < self.config.retries => {
                    tracing::debug!(attempt, "model call timed out; retrying");
                }
                Err(_) => return Err(LlmError::Timeout),
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
        }
    }

    /// Counts a call against the hourly budget, or refuses it.
    async fn spend_budget(&self) -> Result<(), LlmError> {
        let mut started = self.started.lock().await;
        let now = Instant::now();
        while started
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(3600))
        {
            started.pop_front();
        }
        if started.len() >= self.config.calls_per_hour {
            return Err(LlmError::OverBudget);
        }
        started.push_back(now);
        Ok(())
    }

    async fn call(&self, messages: &[Message]) -> Result<String, LlmError> {
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let body = serde_json::to_vec(&ChatRequest {
            model: &self.config.model,
            messages,
            stream: self.config.stream,
            temperature: 0.0,
        })
        .map_err(|e| LlmError::Transport(e.to_string()))?;
        let (content_type, body) = self.post(url, body).await?;
        if content_type.starts_with("text/event-stream") {
            parse_stream(&body)
        } else {
            parse_completion(&body)
        }
    }

    async fn call_embeddings(&self, inputs: &[&str]) -> Result<Vec<Vec<f32>>, LlmError> {
        let url = format!("{}/embeddings", self.config.base_url.trim_end_matches('/'));
        let body = serde_json::to_vec(&EmbeddingsRequest {
            model: &self.config.model,
            input: inputs,
        })
        .map_err(|e| LlmError::Transport(e.to_string()))?;
        let (_, body) = self.post(url, body).await?;
        parse_embeddings(&body, inputs.len())
    }

    /// POSTs a JSON body; the response's content type and body when its
    /// status is a success.
    async fn post(&self, url: String, body: Vec<u8>) -> Result<(String, String), LlmError> {
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            let body: String = response
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect();
            return Err(LlmError::Status {
                status: status.as_u16(),
                body,
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.map_err(transport)?;
        Ok((content_type, body))
    }
}

#[derive(Serialize)]
struct EmbeddingsRequest<'a> {
    model: &'a str,
    input: &'a [&'a str],
}

#[derive(Deserialize)]
struct EmbeddingsResponse {
    data: Vec<EmbeddingItem>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    embedding: Vec<f32>,
    #[serde(default)]
    index: Option<usize>,
}

/// The embeddings of an `/embeddings` reply, in input order and scaled to
/// unit length; refused unless there is one per input, all of one
/// dimension, finite and not all zero.
fn parse_embeddings(body: &str, expected: usize) -> Result<Vec<Vec<f32>>, LlmError> {
    let parsed: EmbeddingsResponse =
        serde_json::from_str(body).map_err(|e| LlmError::Garbage(e.to_string()))?;
    if parsed.data.len() != expected {
        return Err(LlmError::Garbage(format!(
            "{} embeddings for {expected} inputs",
            parsed.data.len()
        )));
    }
    let mut slots: Vec<Option<Vec<f32>>> = vec![None; expected];
    for (position, item) in parsed.data.into_iter().enumerate() {
        let at = item.index.unwrap_or(position);
        let slot = slots
            .get_mut(at)
            .filter(|slot| slot.is_none())
            .ok_or_else(|| LlmError::Garbage(format!("embedding index {at} out of place")))?;
        *slot = Some(item.embedding);
    }
    let vectors: Vec<Vec<f32>> = slots.into_iter().flatten().collect();
    let dimension = vectors.first().map_or(0, Vec::len);
    let mut normalized = Vec::with_capacity(vectors.len());
    for mut v in vectors {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if dimension == 0 || v.len() != dimension || !norm.is_finite() || norm == 0.0 {
            return Err(LlmError::Garbage(
                "embeddings of mixed dimensions, empty, zero or not finite".into(),
            ));
        }
        v.iter_mut().for_each(|x| *x /= norm);
        normalized.push(v);
    }
    Ok(normalized)
}

fn transport(error: reqwest::Error) -> LlmError {
    if error.is_timeout() {
        LlmError::Timeout
    } else {
        LlmError::Transport(error.to_string())
    }
}

fn retryable(error: &LlmError) -> bool {
    match error {
        LlmError::Status { status, .. } => *status == 429 || *status >= 500,
        LlmError::Transport(_) | LlmError::Timeout => true,
        LlmError::Garbage(_) | LlmError::OverBudget => false,
    }
}

fn parse_completion(body: &str) -> Result<String, LlmError> {
    let parsed: ChatResponse =
        serde_json::from_str(body).map_err(|e| LlmError::Garbage(e.to_string()))?;
    parsed
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message)
        .map(|m| m.content)
        .ok_or_else(|| LlmError::Garbage("no choices".into()))
}

/// Joins the deltas of a server-sent-events stream.
fn parse_stream(body: &str) -> Result<String, LlmError> {
    let mut text = String::new();
    let mut done = false;
    for line in body.lines() {
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let data = data.trim();
        if data == "[DONE]" {
            done = true;
            break;
        }
        let chunk: ChatResponse =
            serde_json::from_str(data).map_err(|e| LlmError::Garbage(e.to_string()))?;
        for choice in chunk.choices {
            if let Some(content) = choice.delta.and_then(|d| d.content) {
                text.push_str(&content);
            }
        }
    }
    if !done {
        return Err(LlmError::Garbage("the stream ended before [DONE]".into()));
    }
    Ok(text)
}

/// A sentence of a model's answer with the passages it cites (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroundedSentence {
    pub text: String,
    pub cites: Vec<usize>,
}

/// What the model is told; the passages follow, numbered from 1.
pub const ANSWER_PROMPT: &str = "You answer questions about news articles using ONLY the numbered \
passages given. Write at most three short sentences. End every sentence with the numbers of the \
passages that support it, like [1] or [2][3]. Do not add anything the passages do not say. If the \
passages do not answer the question, reply exactly: NOT IN SOURCES";

/// The messages for a grounded answer.
pub fn answer_messages(question: &str, passages: &[&str]) -> Vec<Message> {
    let mut numbered = String::new();
    for (i, p) in passages.iter().enumerate() {
        numbered.push_str(&format!("[{}] {}\n", i + 1, p));
    }
    vec![
        Message::system(ANSWER_PROMPT),
        Message::user(format!("Passages:\n{numbered}\nQuestion: {question}")),
    ]
}

/// What the model is told to reword highlights; the sentences follow.
pub const HIGHLIGHTS_PROMPT: &str = "Rewrite the numbered sentences from a news article as three or \
four short bullet points, one per line, most important first. End every bullet with the numbers of \
the sentences it rests on, like [1] or [2][3]. Do not add anything the sentences do not say.";

/// The messages for reworded highlights.
pub fn highlights_messages(title: &str, highlights: &[&str]) -> Vec<Message> {
    let mut numbered = String::new();
    for (i, h) in highlights.iter().enumerate() {
        numbered.push_str(&format!("[{}] {}\n", i + 1, h));
    }
    vec![
        Message::system(HIGHLIGHTS_PROMPT),
        Message::user(format!("Headline: {title}\nSentences:\n{numbered}")),
    ]
}

/// A model's bullets, one per line (list markers dropped), each checked
/// like an answer's sentences.
pub fn check_bullets(reply: &str, sources: &[&str]) -> Result<Vec<GroundedSentence>, Ungrounded> {
    let lines: Vec<String> = reply
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•', '–']).trim())
        .map(|l| {
            l.trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')'])
                .trim()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let mut bullets = Vec::new();
    for line in &lines {
        let mut checked = check_grounding(line, sources)?;
        // A bullet is one line, however many sentences it has.
        let text = checked
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut cites: Vec<usize> = checked.iter_mut().flat_map(|s| s.cites.drain(..)).collect();
        cites.sort_unstable();
        cites.dedup();
        bullets.push(GroundedSentence { text, cites });
    }
    if bullets.is_empty() {
        return Err(Ungrounded::Empty);
    }
    Ok(bullets)
}

/// Why a model's answer is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ungrounded {
    /// The model said the passages do not answer.
    Refused,
    /// A sentence cites nothing, or a passage that does not exist.
    MissingCitation(String),
    /// A sentence says more than the passages it cites.
    Unsupported(String),
    Empty,
}

/// Share of a sentence's meaningful words that its cited passages must hold.
const MIN_SUPPORT: f32 = 0.6;

/// Splits a model's answer into cited sentences and checks each against the
/// passages it cites.
pub fn check_grounding(
    answer: &str,
    passages: &[&str],
) -> Result<Vec<GroundedSentence>, Ungrounded> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(Ungrounded::Empty);
    }
    if answer.to_uppercase().contains("NOT IN SOURCES") {
        return Err(Ungrounded::Refused);
    }
    let analyzer = Analyzer::english();
    let mut out = Vec::new();
    for raw in split_cited(answer) {
        let (text, cites) = strip_citations(&raw);
        if text.split_whitespace().count() < 2 {
            continue;
        }
        if cites.is_empty() || cites.iter().any(|&c| c == 0 || c > passages.len()) {
            return Err(Ungrounded::MissingCitation(raw));
        }
        let cites: Vec<usize> = cites.into_iter().map(|c| c - 1).collect();
        let source_terms: std::collections::HashSet<String> = cites
            .iter()
            .flat_map(|&c| analyzer.terms(passages[c]))
            .collect();
        let terms = analyzer.terms(&text);
        if !terms.is_empty() {
            let held = terms.iter().filter(|t| source_terms.contains(*t)).count() as f32;
            if held / (terms.len() as f32) < MIN_SUPPORT {
                return Err(Ungrounded::Unsupported(text));
            }
        }
        out.push(GroundedSentence { text, cites });
    }
    if out.is_empty() {
        return Err(Ungrounded::Empty);
    }
    Ok(out)
}

/// Sentences of an answer, each ending after its citation markers.
fn split_cited(answer: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for sentence in tidings_text::sentences(answer) {
        // "… said so. [2]" splits the marker off: it belongs to the sentence
        // before it.
        let trimmed = sentence.trim();
        let only_markers = trimmed.starts_with('[')
            && trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || "[] ,".contains(c));
        if only_markers && let Some(last) = out.last_mut() {
            last.push(' ');
            last.push_str(trimmed);
            continue;
        }
        out.push(trimmed.to_owned());
    }
    out
}

/// The sentence without its `[n]` markers, and the numbers.
fn strip_citations(sentence: &str) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut cites = Vec::new();
    let mut rest = sentence;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close)
                if !after[..close].is_empty()
                    && after[..close]
                        .split(',')
                        .all(|n| n.trim().parse::<usize>().is_ok()) =>
            {
                cites.extend(
                    after[..close]
                        .split(',')
                        .filter_map(|n| n.trim().parse::<usize>().ok()),
                );
                rest = &after[close + 1..];
            }
            _ => {
                text.push('[');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.replace(" .", ".").replace(" ,", ",");
    cites.sort_unstable();
    cites.dedup();
    (text, cites)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSAGES: [&str; 2] = [
        "The council voted on Tuesday to rebuild the harbour wall at a cost of four million pounds.",
        "Work starts in March and should take two years, the mayor said.",
    ];

    #[test]
    fn cited_supported_sentences_pass() {
        let got = check_grounding(
            "The council voted to rebuild the harbour wall for four million pounds [1]. Work starts in March [2].",
            &PASSAGES,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].cites, [0]);
        assert_eq!(got[1].text, "Work starts in March.");
    }

    #[test]
    fn uncited_invented_or_refused_answers_fail() {
        assert!(matches!(
            check_grounding("The wall is rebuilt.", &PASSAGES),
            Err(Ungrounded::MissingCitation(_))
        ));
        assert!(matches!(
            check_grounding("The wall is rebuilt [7].", &PASSAGES),
            Err(Ungrounded::MissingCitation(_))
        ));
        assert!(matches!(
            check_grounding(
                "The prime minister cancelled the contract after a scandal [1].",
                &PASSAGES
            ),
            Err(Ungrounded::Unsupported(_))
        ));
        assert_eq!(
            check_grounding("NOT IN SOURCES", &PASSAGES),
            Err(Ungrounded::Refused)
        );
        assert_eq!(check_grounding("  ", &PASSAGES), Err(Ungrounded::Empty));
    }

    #[test]
    fn streams_join_their_deltas_and_must_finish() {
        let stream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n\
            data: {\"choices\":[{\"delta\":{\"content\":\"Hello \"}}]}\n\n\
            data: {\"choices\":[{\"delta\":{\"content\":\"world\"}}]}\n\ndata: [DONE]\n\n";
        assert_eq!(parse_stream(stream).unwrap(), "Hello world");
        assert!(parse_stream("data: {\"choices\":[]}\n").is_err());
        assert!(parse_stream("data: {not json\n").is_err());
        assert!(parse_completion("{\"choices\":[]}").is_err());
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let mut config = LlmConfig::new("http://127.0.0.1:1/v1", "m");
        config.api_key = Some("sk-secret-123".into());
        assert!(!format!("{config:?}").contains("sk-secret"));
        let client = LlmClient::new(config).unwrap();
        assert!(!format!("{client:?}").contains("sk-secret"));
    }
}
