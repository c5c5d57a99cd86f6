//! Readers, their comments and the moderation around them: the types and
//! the pure rules (names, passwords, edit window).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::{ArticleId, CommentId, StoryId, UserId};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Role {
    Reader,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// Moderators and admins handle reports, hide comments and ban.
    pub fn moderates(self) -> bool {
        self >= Role::Moderator
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reader" => Ok(Role::Reader),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role {other:?} (reader, moderator, admin)")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// Banned accounts can sign in and read, not post or report.
    pub banned: bool,
}

/// What a comment is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentTarget {
    Article(ArticleId),
    Story(StoryId),
}

impl CommentTarget {
    pub fn kind(self) -> &'static str {
        match self {
            CommentTarget::Article(_) => "article",
            CommentTarget::Story(_) => "story",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            CommentTarget::Article(a) => a.0,
            CommentTarget::Story(s) => s.0,
        }
    }

    pub fn from_parts(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "article" => Some(CommentTarget::Article(ArticleId(id))),
            "story" => Some(CommentTarget::Story(StoryId(id))),
            _ => None,
        }
    }

    /// The page the comment shows on.
    pub fn href(self) -> String {
        match self {
            CommentTarget::Article(a) => format!("/articles/{a}"),
            CommentTarget::Story(s) => format!("/stories/{s}"),
        }
    }
}

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub target: CommentTarget,
    pub parent: Option<CommentId>,
    /// `None` once its author deleted their account and chose to keep
    /// their comments, anonymised.
    pub author: Option<(UserId, String)>,
    /// What the author wrote (Markdown).
    pub markdown: String,
    /// The Markdown rendered and sanitized: safe to insert.
    pub html: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted by its author: shown as "deleted" where it has replies.
    pub deleted: bool,
    /// Hidden by a moderator.
    pub hidden: bool,
    /// Held for review by the word and link filter: only moderators and
    /// its author see it until released.
    pub held: bool,
}

impl Comment {
    /// Whether its author may still edit it at `now`.
    pub fn editable_at(&self, now: DateTime<Utc>) -> bool {
        !self.deleted && now - self.created_at <= EDIT_WINDOW
    }
}

/// How long after posting a comment can be edited.
pub const EDIT_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// The order a thread lists its comments in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommentSort {
    #[default]
    Oldest,
    Newest,
    /// Most replies first.
    Top,
}

impl FromStr for CommentSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "oldest" | "" => Ok(CommentSort::Oldest),
            "newest" => Ok(CommentSort::Newest),
            "top" => Ok(CommentSort::Top),
            other => Err(format!("unknown order {other:?}")),
        }
    }
}

/// Who may comment on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommentsMode {
    /// Any account that is not banned.
    #[default]
    Open,
    /// Accounts older than a day (new sign-ups wait: a brake on spam waves).
    MembersOnly,
    /// Nobody; existing comments stay visible.
    Closed,
}

impl FromStr for CommentsMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(CommentsMode::Open),
            "members" | "members-only" => Ok(CommentsMode::MembersOnly),
            "closed" => Ok(CommentsMode::Closed),
            other => Err(format!(
                "unknown comments mode {other:?} (open, members-only, closed)"
            )),
        }
    }
}

impl CommentsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentsMode::Open => "open",
            CommentsMode::MembersOnly => "members-only",
            CommentsMode::Closed => "closed",
        }
    }
}

/// A reader's report of a comment, waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub comment: Comment,
    pub reporter: String,
    pub reason: String,
    pub reported_at: DateTime<Utc>,
}

/// The form of a name that must be unique: "Anna" and "anna" are one.
pub fn username_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A user name: 3 to 32 letters, digits, `_`, `-` or `.`, starting with a
/// letter or digit.
pub fn check_username(name: &str) -> Result<(), String> {
    let name = name.trim();
    let count = name.chars().count();
    if !(3..=32).contains(&count) {
        return Err("a user name has 3 to 32 characters".into());
    }
    if !name.chars().next().is_some_and(char::is_alphanumeric)
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(
            "a user name uses letters, digits, '_', '-' and '.', starting with a letter or digit"
                .into(),
        );
    }
    Ok(())
}

/// A password: at least 10 characters (length beats composition rules), at
/// most 1,024 (hashing a megabyte is a denial of service), and not the user
/// name.
pub fn check_password(password: &str, name: &str) -> Result<(), String> {
    let count = password.chars().count();
    if count < 10 {
        return Err("a password has at least 10 characters".into());
    }
    if count > 1024 {
        return Err("a password has at most 1,024 characters".into());
    }
    if username_key(password) == username_key(name) {
        return Err("a password must not be the user name".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords() {
        assert!(check_username("anna_b").is_ok());
        assert!(check_username("Zoë.K").is_ok());
        for bad in ["ab", "-anna", "anna b", "<script>", &"a".repeat(33)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert_eq!(username_key(" Anna "), "anna");
        assert!(check_password("correct horse", "anna").is_ok());
        assert!(check_password("short", "anna").is_err());
        assert!(check_password("annaannaanna", "AnnaAnnaAnna").is_err());
        assert!(check_password(&"x".repeat(1025), "anna").is_err());
    }

    #[test]
    fn edits_close_after_the_window() {
        let t = Utc::now();
        let mut c = Comment {
            id: CommentId(1),
            target: CommentTarget::Article(ArticleId(1)),
            parent: None,
            author: None,
            markdown: String::new(),
            html: String::new(),
            created_at: t,
            edited_at: None,
            deleted: false,
            hidden: false,
            held: false,
        };
        assert!(c.editable_at(t + TimeDelta::minutes(14)));
        assert!(!c.editable_at(t + TimeDelta::minutes(16)));
        c.deleted = true;
        assert!(!c.editable_at(t));
    }
}
