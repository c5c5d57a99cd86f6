//! `tidings stories`: look at stories and correct the clusterer's mistakes.

use clap::Subcommand;
use tidings_app::App;
use tidings_core::{ArticleId, StoryId};

#[derive(Debug, Subcommand)]
pub enum StoriesCommand {
    /// List the stories covered by the most outlets in the last day.
    List {
        /// Look back this many hours.
        #[arg(long, default_value_t = 24)]
        hours: i64,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Print a story's articles, one line per text, with the outlets that ran it.
    Show {
        #[arg(value_name = "STORY_ID")]
        story: StoryId,
    },
    /// Move an article to another story (pinned there: the clusterer will not
    /// move it back).
    Move {
        #[arg(value_name = "ARTICLE_ID")]
        article: ArticleId,
        #[arg(long, value_name = "STORY_ID")]
        to: StoryId,
    },
    /// Split articles off a story into a new story (pinned there).
    Split {
        #[arg(value_name = "STORY_ID")]
        story: StoryId,
        #[arg(
            long,
            value_name = "ARTICLE_ID,…",
            value_delimiter = ',',
            required = true
        )]
        articles: Vec<ArticleId>,
    },
}

pub async fn run(app: &App, command: StoriesCommand) -> anyhow::Result<()> {
    match command {
        StoriesCommand::List { hours, limit } => {
            for story in app.top_stories(hours, limit).await? {
                println!(
                    "{}\t{} outlets\t{} articles\t{}",
                    story.id,
                    story.source_count,
                    story.article_count,
                    story.title.as_deref().unwrap_or("(untitled)")
                );
            }
        }
        StoriesCommand::Show { story } => {
            let s = app.story(story).await?;
            println!(
                "{} — {} articles from {} outlets, first by {} at {}",
                s.title.as_deref().unwrap_or("(untitled)"),
                s.article_count,
                s.source_count,
                s.first_source_name.as_deref().unwrap_or("?"),
                s.first_seen_at.to_rfc3339()
            );
            for item in app.story_coverage(story).await? {
                let also: Vec<&str> = item.also_at.iter().map(|(_, n)| n.as_str()).collect();
                println!(
                    "{}\t{}\t{}\t{}{}",
                    item.card.id,
                    item.card.sort_at.to_rfc3339(),
                    item.card.source_name,
                    item.card.title.as_deref().unwrap_or("(untitled)"),
                    if also.is_empty() {
                        String::new()
                    } else {
                        format!("\t(also at {})", also.join(", "))
                    }
                );
            }
        }
        StoriesCommand::Move { article, to } => {
            app.move_to_story(article, to).await?;
            println!("article {article} is now in story {to}");
        }
        StoriesCommand::Split { story, articles } => {
            let new_story = app.split_story(story, &articles).await?;
            println!(
                "{} articles split off story {story} into story {new_story}",
                articles.len()
            );
        }
    }
    Ok(())
}
