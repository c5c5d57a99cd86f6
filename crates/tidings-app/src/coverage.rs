//! Coverage around an article: the rest of its story ("More on this story"),
//! related stories ("Related articles"), and the outlets that ran the same
//! text. Also the operator's corrections to stories.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tidings_core::{ArticleCard, ArticleId, SourceId, Story, StoryId};
use tidings_store::StoryMember;

use crate::stories::STORY_LEASE;
use crate::{App, AppError, Result};

/// Items per list on an article page.
const LIST_LEN: usize = 8;

/// One entry of a coverage list: an article, and the other outlets that ran
/// the same text (near-duplicates are one entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageItem {
    pub card: ArticleCard,
    pub also_at: Vec<(SourceId, String)>,
}

/// What an article page shows around the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub story: Option<Story>,
    /// Other outlets that ran this very text.
    pub also_at: Vec<(SourceId, String)>,
    /// Other articles of the story, one per text, newest first.
    pub more_on_story: Vec<CoverageItem>,
    /// Articles of other stories, most related first, one per story.
    pub related: Vec<CoverageItem>,
}

/// Groups members by near-duplicate text, in the order groups first appear;
/// each group's card is its earliest publication.
fn by_text(members: Vec<StoryMember>) -> Vec<(ArticleId, CoverageItem)> {
    let mut order: Vec<ArticleId> = Vec::new();
    let mut groups: BTreeMap<ArticleId, CoverageItem> = BTreeMap::new();
    for m in members {
        match groups.get_mut(&m.group) {
            Some(item) => {
                // The card is the first publication of the text; the others
                // are outlets that also ran it.
                let mut other = m.card;
                if (other.sort_at, other.id) < (item.card.sort_at, item.card.id) {
                    std::mem::swap(&mut item.card, &mut other);
                }
                if other.source_id != item.card.source_id
                    && !item.also_at.iter().any(|(s, _)| *s == other.source_id)
                {
                    item.also_at.push((other.source_id, other.source_name));
                }
            }
            None => {
                order.push(m.group);
                groups.insert(
                    m.group,
                    CoverageItem {
                        card: m.card,
                        also_at: Vec::new(),
                    },
                );
            }
        }
    }
    order
        .into_iter()
        .map(|g| (g, groups.remove(&g).expect("grouped above")))
        .collect()
}

/// Story members an article page looks at.
const ARTICLE_PAGE_MEMBERS: i64 = 40;

/// How long coverage is reused. Its lists change only when stories are
/// placed: this node drops the cache when it places or an operator corrects
/// a story here; another node's placements show within this delay.
const COVERAGE_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most per cache (the whole cache is dropped past it: it
/// refills with what is read now).
const COVERAGE_CACHED: usize = 20_000;

/// Values reused for [`COVERAGE_TTL`], by key.
struct Recent<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Recent<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < COVERAGE_TTL)
            .map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= COVERAGE_CACHED {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// A story as its articles' pages show it: the story and its newest members,
/// one entry per text. The same for every article of the story.
struct StoryLists {
    story: Option<Story>,
    members: Vec<(ArticleId, CoverageItem)>,
}

/// Recently computed coverage. An article page's lists cost about 60 rows
/// (story members and related articles): more than half the page's time on
/// a million articles. The story's part is kept by story, so that every
/// article of a story read within the delay shares it; the related list and
/// the whole coverage are kept by article.
#[derive(Default)]
pub(crate) struct CoverageCache {
    articles: Recent<ArticleId, Coverage>,
    stories: Recent<StoryId, Arc<StoryLists>>,
}

impl CoverageCache {
    /// Forgets everything: stories changed.
    pub(crate) fn clear(&self) {
        self.articles.clear();
        self.stories.clear();
    }
}

impl App {
    /// The coverage around `article` (empty lists until it is placed).
    pub async fn coverage(&self, article: &tidings_core::Article) -> Result<Coverage> {
        // Placed articles carry their story: no query for it.
        let Some((story_id, group)) = article.placement else {
            return Ok(Coverage::default());
        };
        if let Some(coverage) = self.coverage_cache.articles.get(&article.id) {
            return Ok(coverage);
        }
        let lists = self.story_lists(story_id).await?;
        let mut coverage = Coverage {
            story: lists.story.clone(),
            ..Coverage::default()
        };
        for (g, item) in &lists.members {
            if *g == group {
                coverage.also_at =
                    std::iter::once((item.card.source_id, item.card.source_name.clone()))
                        .chain(item.also_at.iter().cloned())
                        .filter(|(s, _)| *s != article.source_id)
                        .collect();
            } else if coverage.more_on_story.len() < LIST_LEN {
                coverage.more_on_story.push(item.clone());
            }
        }
        let related = self.store.related_articles(article.id, 24).await?;
        let mut stories_seen = vec![story_id];
        for m in related {
            let Some(story) = m.story else { continue };
            if m.group == group || stories_seen.contains(&story) {
                continue;
            }
            stories_seen.push(story);
            coverage.related.push(CoverageItem {
                card: m.card,
                also_at: Vec::new(),
            });
            if coverage.related.len() >= LIST_LEN {
                break;
            }
        }
        self.coverage_cache
            .articles
            .put(article.id, coverage.clone());
        Ok(coverage)
    }

    /// The story and its newest members, grouped by text, for its articles'
    /// pages.
    async fn story_lists(&self, story_id: StoryId) -> Result<Arc<StoryLists>> {
        if let Some(lists) = self.coverage_cache.stories.get(&story_id) {
            return Ok(lists);
        }
        let story = match self.store.story(story_id).await {
            Ok(story) => Some(story),
            Err(tidings_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        // The newest members are enough for a handful of "more on this
        // story" items and the outlets that ran this text.
        let members = self
            .store
            .story_members(story_id, ARTICLE_PAGE_MEMBERS)
            .await?;
        let lists = Arc::new(StoryLists {
            story,
            members: by_text(members),
        });
        self.coverage_cache.stories.put(story_id, lists.clone());
        Ok(lists)
    }

    pub async fn story(&self, id: StoryId) -> Result<Story> {
        self.store
            .story(id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::NotFound(_) => AppError::NotFound("story"),
                other => other,
            })
    }

    /// Every article of a story, one entry per text, newest first.
    pub async fn story_coverage(&self, id: StoryId) -> Result<Vec<CoverageItem>> {
        let members = self.store.story_members(id, 1_000).await?;
        Ok(by_text(members).into_iter().map(|(_, item)| item).collect())
    }

    /// Stories covered by the most outlets in the last `hours`, newest first
    /// among equals.
    pub async fn top_stories(&self, hours: i64, limit: usize) -> Result<Vec<Story>> {
        let since = self.clock.now() - chrono::TimeDelta::hours(hours);
        Ok(self
            .store
            .top_stories(since, limit.clamp(1, 200) as i64)
            .await?)
    }

    /// After an operator's correction: the engine reloads what the store
    /// now holds (the lease's generation changes) and pages show it at once.
    async fn stories_corrected(&self) -> Result<()> {
        self.store.reset_lease(STORY_LEASE).await?;
        self.coverage_cache.clear();
        Ok(())
    }

    /// An operator's correction: `article` belongs to `story`, for good.
    pub async fn move_to_story(&self, article: ArticleId, story: StoryId) -> Result<()> {
        self.story(story).await?;
        self.store
            .move_article_to_story(article, story)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::NotFound(_) => AppError::NotFound("article"),
                other => other,
            })?;
        self.stories_corrected().await?;
        Ok(())
    }

    /// An operator's correction: `articles` leave their story and form a new
    /// one, for good. Returns the new story's id.
    pub async fn split_story(&self, story: StoryId, articles: &[ArticleId]) -> Result<StoryId> {
        if articles.is_empty() {
            return Err(AppError::Invalid(
                "name the articles that form the new story".into(),
            ));
        }
        for &article in articles {
            match self.store.article_story(article).await {
                Ok(Some((s, _))) if s == story => {}
                Ok(_) => {
                    return Err(AppError::Invalid(format!(
                        "article {article} is not in story {story}"
                    )));
                }
                Err(tidings_store::StoreError::NotFound) => {
                    return Err(AppError::NotFound("article"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        let new_story = StoryId(self.ids.next(self.clock.now()));
        for &article in articles {
            self.store.move_article_to_story(article, new_story).await?;
        }
        self.stories_corrected().await?;
        Ok(new_story)
    }
}
