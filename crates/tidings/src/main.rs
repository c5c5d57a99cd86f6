//! `tidings`: the one binary. Parses the command line, resolves settings,
//! wires the app and runs the sub-command.

mod commands;
mod config;

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tidings_app::{App, AppConfig};
use tidings_core::{Schedule, SystemClock};
use tidings_fetch::{FetchOptions, NetworkPolicy, default_user_agent};

use crate::config::{GlobalArgs, Settings};

/// mimalloc rather than the system allocator: feed parsing and article
/// extraction allocate many small strings, and glibc's malloc and free were
/// a tenth of the feed benchmark's profile (see docs/DECISIONS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A self-hosted news engine: follows publishers' feeds and serves a news site.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web site and poll feeds in the background, in one process.
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Follow, list, import and export feeds.
    #[command(subcommand)]
    Feeds(commands::feeds::FeedsCommand),
    /// List stories, and move or split articles the clusterer misplaced.
    #[command(subcommand)]
    Stories(commands::story_admin::StoriesCommand),
    /// Create accounts (the first admin) and give roles.
    #[command(subcommand)]
    Users(commands::users::UsersCommand),
    /// Poll due feeds and store new articles.
    Fetch(commands::fetch::FetchArgs),
    /// Extract the article from a saved page (prints JSON; needs no
    /// database), or from every page of a folder (JSON lines).
    Extract(commands::extract::ExtractArgs),
    /// Group a JSON-lines stream of articles into stories; prints `id<TAB>story`.
    Cluster(commands::stories::StreamArgs),
    /// Fold near-duplicate copies in a JSON-lines stream; prints `id<TAB>group`.
    Dedup(commands::stories::StreamArgs),
    /// Rank related articles for each article of a JSON-lines stream;
    /// prints `id<TAB>id1,id2,…`, best first.
    Related(commands::stories::RelatedArgs),
    /// Pick each article's highlights in a JSON-lines stream, as the site
    /// does; prints `{"id", "highlights"}` lines.
    Highlights(commands::highlights::HighlightsArgs),
    /// Fill the database with a synthetic corpus (for load tests of the site).
    Seed(commands::seed::SeedArgs),
    /// Measure throughput (prints figures; needs no database).
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Bench(command) => return commands::bench::run(command),
        Command::Extract(args) => return commands::extract::run(args),
        Command::Cluster(args) => return commands::stories::cluster(args),
        Command::Dedup(args) => return commands::stories::dedup(args),
        Command::Related(args) => return commands::stories::related(args),
        Command::Highlights(args) => return commands::highlights::run(args),
        _ => {}
    }
    let settings = Settings::resolve(&cli.global)?;
    settings.prepare_data_dir()?;
    let app = open_app(&settings).await?;
    let result = match cli.command {
        Command::Serve => commands::serve::run(app.clone(), &settings).await,
        Command::Migrate => {
            println!(
                "database is up to date ({})",
                redact(&settings.database_url)
            );
            Ok(())
        }
        Command::Feeds(command) => commands::feeds::run(&app, command).await,
        Command::Stories(command) => commands::story_admin::run(&app, command).await,
        Command::Users(command) => commands::users::run(&app, command).await,
        Command::Seed(args) => commands::seed::run(&app, args).await,
        Command::Fetch(args) => commands::fetch::run(app.clone(), &settings, args).await,
        Command::Bench(_)
        | Command::Extract(_)
        | Command::Cluster(_)
        | Command::Dedup(_)
        | Command::Related(_)
        | Command::Highlights(_) => {
            unreachable!("handled before opening the database")
        }
    };
    app.close().await;
    result
}

/// Opens the database (migrating it) and builds the app.
async fn open_app(settings: &Settings) -> anyhow::Result<App> {
    let fetch = FetchOptions {
        user_agent: settings
            .user_agent
            .clone()
            .unwrap_or_else(|| default_user_agent(settings.contact.as_deref())),
        timeout: settings.fetch_timeout,
        max_body_bytes: settings.max_body_bytes,
        per_host_concurrency: settings.per_host_concurrency,
        per_host_delay: settings.per_host_delay,
        network: NetworkPolicy {
            allowed: settings.allow_private_networks.clone(),
        },
        ..FetchOptions::default()
    };
    let delta =
        |d: std::time::Duration| chrono::TimeDelta::from_std(d).context("poll interval too long");
    let config = AppConfig {
        fetch,
        schedule: Schedule {
            default_interval: delta(settings.poll_interval)?,
            min_interval: delta(settings.min_poll_interval)?,
            max_interval: delta(settings.max_poll_interval)?,
            ..Schedule::default()
        },
        fetch_concurrency: settings.fetch_concurrency,
        site_rules: settings.site_rules.clone(),
        llm: settings.llm.clone(),
        embeddings: settings.embeddings.clone(),
        oidc: settings.oidc.clone(),
        public_url: settings.public_url.as_ref().map(|url| {
            // Joined with relative paths: it must end in a slash.
            let mut url = url.clone();
            if !url.path().ends_with('/') {
                url.set_path(&format!("{}/", url.path()));
            }
            url
        }),
        ..AppConfig::new(settings.database_url.clone())
    };
    App::open(config, Arc::new(SystemClock))
        .await
        .with_context(|| format!("cannot open database {}", redact(&settings.database_url)))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TIDINGS_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,html5ever=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("sqlite://data/tidings.db"),
            "sqlite://data/tidings.db"
        );
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
