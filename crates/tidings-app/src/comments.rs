//! Comments under articles and stories, and their moderation.
//!
//! What a reader writes is Markdown, rendered by pulldown-cmark and then
//! sanitized by ammonia with a short list of tags (no images, no raw HTML
//! survives, links get `rel="nofollow ugc noopener"`), once, when posted or
//! edited. A word and link filter holds suspicious comments for review;
//! moderators hide and restore comments, handle reports and ban accounts,
//! and every such action is logged.

use std::collections::{HashMap, HashSet};

use chrono::TimeDelta;
use tidings_core::{
    Comment, CommentId, CommentSort, CommentTarget, CommentsMode, Report, Role, User,
};
use tidings_store::{LoggedAction, NewComment};

use crate::{App, AppError, ClientIp, Result};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// Top-level comments per page of a thread.
pub const THREAD_PAGE: usize = 50;
/// Replies deeper than this show at this depth.
const MAX_DEPTH: usize = 6;
/// Comments a thread loads at most.
const MAX_THREAD: i64 = 5_000;
/// Posting limits: per account per minute and per day, per address per 10
/// minutes.
const POSTS_PER_MINUTE: i64 = 5;
const POSTS_PER_DAY: i64 = 200;
const POSTS_PER_IP: i64 = 30;
/// More links than this in one comment hold it for review.
const MAX_LINKS: usize = 2;

/// One comment of a thread as a viewer sees it, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentNode {
    pub comment: Comment,
    pub depth: usize,
    /// The viewer wrote it.
    pub mine: bool,
    /// The viewer may edit it now.
    pub editable: bool,
    /// Its text is not shown (deleted, or hidden from this viewer); only
    /// its replies are.
    pub placeholder: bool,
}

/// A page of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub nodes: Vec<CommentNode>,
    /// Visible comments in the whole thread.
    pub count: usize,
    pub page: usize,
    pub pages: usize,
}

/// Renders a comment's Markdown to HTML that cannot run anything.
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::empty()
        .add_tags([
            "p",
            "br",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
        ])
        .add_tag_attributes("a", ["href"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener"))
        .clean(&unsafe_html)
        .to_string()
}

impl App {
    /// The comments under `target` as `viewer` sees them.
    pub async fn thread(
        &self,
        target: CommentTarget,
        viewer: Option<&User>,
        sort: CommentSort,
        page: usize,
    ) -> Result<Thread> {
        let all = self.store.comments(target, MAX_THREAD).await?;
        let now = self.clock.now();
        let moderator = viewer.is_some_and(|v| v.role.moderates());
        let is_mine = |c: &Comment| {
            viewer.is_some_and(|v| c.author.as_ref().is_some_and(|(id, _)| *id == v.id))
        };
        // What this viewer may read of each comment.
        let readable =
            |c: &Comment| !c.deleted && (moderator || ((!c.hidden) && (!c.held || is_mine(c))));
        let mut children: HashMap<Option<CommentId>, Vec<&Comment>> = HashMap::new();
        let ids: HashSet<CommentId> = all.iter().map(|c| c.id).collect();
        for c in &all {
            // A reply whose parent is gone is shown at the top.
            let parent = c.parent.filter(|p| ids.contains(p));
            children.entry(parent).or_default().push(c);
        }
        // Bottom-up in one pass (a reply always comes after its parent in
        // `all`, which is in posting order): whether each comment shows (it
        // is readable or has something readable below) and how many replies
        // it has in all. No recursion, however deep a thread goes.
        let mut shown: HashSet<CommentId> = HashSet::new();
        let mut replies: HashMap<CommentId, usize> = HashMap::new();
        for c in all.iter().rev() {
            let below = replies.get(&c.id).copied().unwrap_or(0);
            if let Some(parent) = c.parent.filter(|p| ids.contains(p)) {
                *replies.entry(parent).or_default() += 1 + below;
                if readable(c) || shown.contains(&c.id) {
                    shown.insert(parent);
                }
            }
            if readable(c) {
                shown.insert(c.id);
            }
        }
        let shows = |c: &Comment| shown.contains(&c.id);
        let size = |c: &Comment| replies.get(&c.id).copied().unwrap_or(0);
        let mut top: Vec<&Comment> = children
            .get(&None)
            .map(|v| v.iter().copied().filter(|c| shows(c)).collect())
            .unwrap_or_default();
        match sort {
            CommentSort::Oldest => {}
            CommentSort::Newest => top.reverse(),
            CommentSort::Top => top.sort_by_key(|c| std::cmp::Reverse(size(c))),
        }
        let count = all.iter().filter(|c| readable(c)).count();
        let pages = top.len().div_ceil(THREAD_PAGE).max(1);
        let page = page.clamp(1, pages);
        let mut nodes = Vec::new();
        let mut stack: Vec<(&Comment, usize)> = top
            .iter()
            .skip((page - 1) * THREAD_PAGE)
            .take(THREAD_PAGE)
            .rev()
            .map(|c| (*c, 0))
            .collect();
        while let Some((c, depth)) = stack.pop() {
            let mine = is_mine(c);
            nodes.push(CommentNode {
                comment: c.clone(),
                depth: depth.min(MAX_DEPTH),
                mine,
                editable: mine && c.editable_at(now),
                placeholder: !readable(c),
            });
            if let Some(kids) = children.get(&Some(c.id)) {
                for k in kids.iter().rev() {
                    if shows(k) {
                        stack.push((k, depth + 1));
                    }
                }
            }
        }
        Ok(Thread {
            nodes,
            count,
            page,
            pages,
        })
    }

    pub async fn comment(&self, id: CommentId) -> Result<Comment> {
        Ok(self.store.comment(id).await?)
    }

    /// Posts a comment (or a reply) under `target`.
    pub async fn post_comment(
        &self,
        author: &User,
        target: CommentTarget,
        parent: Option<CommentId>,
        markdown: &str,
        ip: &ClientIp,
    ) -> Result<Comment> {
        self.may_post(author).await?;
        let markdown = checked_body(markdown)?;
        match target {
            CommentTarget::Article(a) => drop(self.store.article(a).await?),
            CommentTarget::Story(s) => drop(self.store.story(s).await?),
        }
        if let Some(parent) = parent {
            let p = self
                .store
                .comment(parent)
                .await
                .map_err(|e| match AppError::from(e) {
                    AppError::NotFound(_) => {
                        AppError::Invalid("the comment replied to is gone".into())
                    }
                    other => other,
                })?;
            if p.target != target || p.deleted {
                return Err(AppError::Invalid("the comment replied to is gone".into()));
            }
        }
        self.posting_rate(author, ip).await?;
        let now = self.clock.now();
        let held = self.held_by_filter(author, markdown).await?;
        let html = render_markdown(markdown);
        let comment = self
            .store
            .insert_comment(&NewComment {
                id: CommentId(self.ids.next(now)),
                target,
                parent,
                author: author.id,
                markdown,
                html: &html,
                held,
                now,
            })
            .await?;
        if held {
            tracing::info!(user = %author.name, comment = %comment.id, "comment held for review by the filter");
        }
        Ok(comment)
    }

    /// Edits one's own comment within the edit window.
    pub async fn edit_comment(
        &self,
        author: &User,
        id: CommentId,
        markdown: &str,
    ) -> Result<Comment> {
        let comment = self.own_comment(author, id).await?;
        if !comment.editable_at(self.clock.now()) {
            return Err(AppError::Forbidden(
                "comments can be edited for 15 minutes".into(),
            ));
        }
        self.may_post(author).await?;
        let markdown = checked_body(markdown)?;
        let held = self.held_by_filter(author, markdown).await? || comment.held;
        self.store
            .edit_comment(
                id,
                markdown,
                &render_markdown(markdown),
                held,
                self.clock.now(),
            )
            .await?;
        Ok(self.store.comment(id).await?)
    }

    /// Deletes one's own comment (a moderator hides instead).
    pub async fn delete_comment(&self, author: &User, id: CommentId) -> Result<Comment> {
        let comment = self.own_comment(author, id).await?;
        self.store.delete_comment(id, self.clock.now()).await?;
        Ok(comment)
    }

    async fn own_comment(&self, author: &User, id: CommentId) -> Result<Comment> {
        let comment = self.store.comment(id).await?;
        if comment.author.as_ref().map(|(a, _)| *a) != Some(author.id) {
            tracing::warn!(user = %author.name, comment = %id, "refused: not the author of the comment");
            return Err(AppError::Forbidden(
                "only its author can change a comment".into(),
            ));
        }
        if comment.deleted {
            return Err(AppError::NotFound("comment"));
        }
        Ok(comment)
    }

    /// A reader reports a comment to the moderators.
    pub async fn report_comment(
        &self,
        reporter: &User,
        id: CommentId,
        reason: &str,
        ip: &ClientIp,
    ) -> Result<Comment> {
        if reporter.banned {
            return Err(AppError::Forbidden("your account is banned".into()));
        }
        let reason: String = reason.trim().chars().take(500).collect();
        let comment = self.store.comment(id).await?;
        self.posting_rate(reporter, ip).await?;
        self.store
            .report_comment(
                id,
                reporter.id,
                if reason.is_empty() {
                    "(no reason given)"
                } else {
                    &reason
                },
                self.clock.now(),
            )
            .await?;
        Ok(comment)
    }

    /// A moderator hides (or restores) a comment; this closes its reports
    /// and releases it from the filter's hold.
    pub async fn moderate_comment(
        &self,
        moderator: &User,
        id: CommentId,
        hide: bool,
        note: &str,
    ) -> Result<Comment> {
        require_moderator(moderator)?;
        let comment = self.store.comment(id).await?;
        let now = self.clock.now();
        self.store
            .moderate_comment(id, hide.then_some(now), now)
            .await?;
        self.log_moderation(
            moderator,
            if hide { "hide" } else { "restore" },
            &format!("comment {id}"),
            note,
        )
        .await?;
        Ok(comment)
    }

    /// A moderator bans (or unbans) an account: it can still read, not post
    /// or report.
    pub async fn ban_user(
        &self,
        moderator: &User,
        user: tidings_core::UserId,
        ban: bool,
        note: &str,
    ) -> Result<User> {
        require_moderator(moderator)?;
        let target = self.store.user(user).await?;
        if target.role >= moderator.role && moderator.role != Role::Admin {
            return Err(AppError::Forbidden("only an admin bans a moderator".into()));
        }
        self.store
            .set_banned(user, ban.then(|| self.clock.now()))
            .await?;
        self.log_moderation(
            moderator,
            if ban { "ban" } else { "unban" },
            &format!("user {}", target.name),
            note,
        )
        .await?;
        Ok(self.store.user(user).await?)
    }

    /// Open reports and held comments, oldest first.
    pub async fn moderation_queue(&self, moderator: &User) -> Result<(Vec<Report>, Vec<Comment>)> {
        require_moderator(moderator)?;
        Ok((
            self.store.open_reports(200).await?,
            self.store.held_comments(200).await?,
        ))
    }

    pub async fn moderation_log(&self, moderator: &User) -> Result<Vec<LoggedAction>> {
        require_moderator(moderator)?;
        Ok(self.store.moderation_log(200).await?)
    }

    pub async fn comments_mode(&self) -> Result<CommentsMode> {
        Ok(self
            .store
            .setting("comments_mode")
            .await?
            .and_then(|m| m.parse().ok())
            .unwrap_or_default())
    }

    /// An admin opens, restricts or closes comments site-wide.
    pub async fn set_comments_mode(&self, admin: &User, mode: CommentsMode) -> Result<()> {
        if admin.role != Role::Admin {
            return Err(AppError::Forbidden(
                "only an admin changes who may comment".into(),
            ));
        }
        self.store
            .set_setting("comments_mode", mode.as_str())
            .await?;
        self.log_moderation(admin, "comments-mode", "site", mode.as_str())
            .await
    }

    /// The words that hold a comment for review, one per line.
    pub async fn comment_filter(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .setting("comment_filter")
            .await?
            .map(|f| {
                f.lines()
                    .map(|l| l.trim().to_lowercase())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default())
    }

    pub async fn set_comment_filter(&self, admin: &User, words: &[String]) -> Result<()> {
        require_moderator(admin)?;
        let words: Vec<String> = words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        self.store
            .set_setting("comment_filter", &words.join("\n"))
            .await?;
        self.log_moderation(admin, "filter", "site", &format!("{} words", words.len()))
            .await
    }

    pub(crate) async fn log_moderation(
        &self,
        moderator: &User,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        let now = self.clock.now();
        tracing::info!(moderator = %moderator.name, action, subject, detail, "moderation");
        Ok(self
            .store
            .log_moderation(
                self.ids.next(now),
                moderator.id,
                action,
                subject,
                detail,
                now,
            )
            .await?)
    }

    /// Refuses a banned account, and anyone while comments are closed or
    /// limited to members.
    async fn may_post(&self, author: &User) -> Result<()> {
        match self.posting_refusal(author).await? {
            None => Ok(()),
            Some(why) => {
                tracing::warn!(user = %author.name, why, "refused: may not post");
                Err(AppError::Forbidden(why.into()))
            }
        }
    }

    /// Why `author` may not post now (banned, comments closed, or open only
    /// to older accounts), or `None` when they may. Pages show the reason
    /// instead of a form; posting refuses with it.
    pub async fn posting_refusal(&self, author: &User) -> Result<Option<&'static str>> {
        if author.banned {
            return Ok(Some("Your account is banned from commenting."));
        }
        if author.role.moderates() {
            return Ok(None);
        }
        Ok(match self.comments_mode().await? {
            CommentsMode::Open => None,
            CommentsMode::Closed => Some("Comments are closed."),
            CommentsMode::MembersOnly
                if self.clock.now() - author.created_at < TimeDelta::days(1) =>
            {
                Some("Comments are open to accounts older than a day.")
            }
            CommentsMode::MembersOnly => None,
        })
    }

    async fn posting_rate(&self, author: &User, ip: &ClientIp) -> Result<()> {
        let now = self.clock.now();
        let checks = [
            (
                format!("post:{}", author.id),
                now - TimeDelta::minutes(1),
                POSTS_PER_MINUTE,
            ),
            (
                format!("post-day:{}", author.id),
                now - TimeDelta::days(1),
                POSTS_PER_DAY,
            ),
            (
                format!("post-ip:{}", ip.0),
                now - TimeDelta::minutes(10),
                POSTS_PER_IP,
            ),
        ];
        for (key, since, limit) in checks {
            if !self.store.rate_hit(&key, now, since, limit).await? {
                tracing::warn!(user = %author.name, ip = %ip.0, key, "posting refused: rate limit");
                return Err(AppError::RateLimited(
                    "You are posting too fast. Wait a minute and try again.".into(),
                ));
            }
        }
        Ok(())
    }

    /// Whether the word and link filter holds this text for review.
    async fn held_by_filter(&self, author: &User, markdown: &str) -> Result<bool> {
        if author.role.moderates() {
            return Ok(false);
        }
        let lower = markdown.to_lowercase();
        let links = lower.matches("http://").count()
            + lower.matches("https://").count()
            + lower.matches("www.").count();
        let new_account = self.clock.now() - author.created_at < TimeDelta::days(1);
        if links > MAX_LINKS || (new_account && links > 0) {
            return Ok(true);
        }
        let words: HashSet<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        Ok(self.comment_filter().await?.iter().any(|f| {
            if f.contains(' ') {
                lower.contains(f.as_str())
            } else {
                words.contains(f.as_str())
            }
        }))
    }
}

fn require_moderator(user: &User) -> Result<()> {
    if user.role.moderates() {
        Ok(())
    } else {
        tracing::warn!(user = %user.name, "refused: moderators only");
        Err(AppError::Forbidden("moderators only".into()))
    }
}

fn checked_body(markdown: &str) -> Result<&str> {
    let markdown = markdown.trim();
    if markdown.is_empty() {
        return Err(AppError::Invalid("a comment needs some text".into()));
    }
    if markdown.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Invalid(format!(
            "a comment has at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_to_safe_html() {
        assert_eq!(
            render_markdown("**bold** and _it_"),
            "<p><strong>bold</strong> and <em>it</em></p>\n"
        );
        let link = render_markdown("[x](https://example.org)");
        assert!(
            link.contains("href=\"https://example.org\"")
                && link.contains("rel=\"nofollow ugc noopener\""),
            "{link}"
        );
        for hostile in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "![i](https://evil.example/x.png)",
            "<a href=\"https://x\" onclick=\"alert(1)\">x</a>",
            "<iframe src=//evil></iframe>",
        ] {
            let html = render_markdown(hostile);
            for bad in [
                "<script",
                "javascript:",
                "onerror",
                "<img",
                "onclick",
                "<iframe",
            ] {
                assert!(!html.to_lowercase().contains(bad), "{hostile} -> {html}");
            }
        }
    }
}
