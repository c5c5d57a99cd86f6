//! Settings: defaults → optional TOML file → `TIDINGS_*` environment →
//! command-line flags, each later source overriding the earlier ones.
//! Validated once at start-up and passed down; there are no globals.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;
use tidings_fetch::IpNet;

/// Options every sub-command takes. Each can also be set in the TOML file
/// given by `--config` (same names, with `_` for `-`).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// TOML file with any of these options (e.g. `listen = "0.0.0.0:8080"`).
    #[arg(long, env = "TIDINGS_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Folder for tidings' own files (the SQLite database by default);
    /// created when missing. [default: ./data]
    #[arg(long, env = "TIDINGS_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database: `sqlite://PATH` or `postgres://USER@HOST/DB`.
    /// [default: sqlite://DATA_DIR/tidings.db]
    #[arg(long, env = "TIDINGS_DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Address the web server listens on. [default: 127.0.0.1:8080]
    #[arg(long, env = "TIDINGS_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Polling interval for a feed whose entries carry no dates, e.g.
    /// `30m`. Other feeds are polled as often as they publish, within the
    /// minimum and maximum; failures back off exponentially. [default: 30m]
    #[arg(
        long,
        env = "TIDINGS_POLL_INTERVAL",
        global = true,
        value_name = "DURATION"
    )]
    pub poll_interval: Option<humantime::Duration>,

    /// No feed is polled more often than this (a feed's own interval, set
    /// with `feeds set-interval`, may be shorter). [default: 5m]
    #[arg(
        long,
        env = "TIDINGS_MIN_POLL_INTERVAL",
        global = true,
        value_name = "DURATION"
    )]
    pub min_poll_interval: Option<humantime::Duration>,

    /// No healthy feed waits longer than this between polls. [default: 24h]
    #[arg(
        long,
        env = "TIDINGS_MAX_POLL_INTERVAL",
        global = true,
        value_name = "DURATION"
    )]
    pub max_poll_interval: Option<humantime::Duration>,

    /// Requests in flight to one host at a time. [default: 2]
    #[arg(
        long,
        env = "TIDINGS_PER_HOST_CONCURRENCY",
        global = true,
        value_name = "N"
    )]
    pub per_host_concurrency: Option<usize>,

    /// Least time between two requests to one host (robots.txt
    /// Crawl-delay may raise it). [default: 1s]
    #[arg(
        long,
        env = "TIDINGS_PER_HOST_DELAY",
        global = true,
        value_name = "DURATION"
    )]
    pub per_host_delay: Option<humantime::Duration>,

    /// Non-public networks tidings may fetch from, e.g. `127.0.0.0/8` or
    /// `10.0.0.0/8,fd00::/8`. Loopback, private, link-local (cloud
    /// metadata), CGNAT and other non-public addresses are refused
    /// otherwise, after DNS resolution and on every redirect. [default: none]
    #[arg(
        long,
        env = "TIDINGS_ALLOW_PRIVATE_NETWORKS",
        global = true,
        value_name = "CIDR[,CIDR…]",
        value_delimiter = ','
    )]
    pub allow_private_networks: Option<Vec<IpNet>>,

    /// This instance's public base URL (e.g. `https://news.example.org/`).
    /// With it, tidings subscribes to the WebSub hubs feeds name and gets
    /// their articles pushed at once; polling continues as a fallback.
    /// [default: none, poll only]
    #[arg(long, env = "TIDINGS_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<url::Url>,

    /// A URL or e-mail address where publishers can reach this instance's
    /// operator; added to the User-Agent. [default: none]
    #[arg(long, env = "TIDINGS_CONTACT", global = true, value_name = "URL")]
    pub contact: Option<String>,

    /// How often the background worker looks for due feeds. [default: 1m]
    #[arg(
        long,
        env = "TIDINGS_WORKER_TICK",
        global = true,
        value_name = "DURATION"
    )]
    pub worker_tick: Option<humantime::Duration>,

    /// Feeds fetched at the same time. [default: 16]
    #[arg(
        long,
        env = "TIDINGS_FETCH_CONCURRENCY",
        global = true,
        value_name = "N"
    )]
    pub fetch_concurrency: Option<usize>,

    /// Limit for one feed request, body included. [default: 30s]
    #[arg(
        long,
        env = "TIDINGS_FETCH_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub fetch_timeout: Option<humantime::Duration>,

    /// Largest feed body read, in bytes. [default: 10485760 (10 MiB)]
    #[arg(
        long,
        env = "TIDINGS_MAX_BODY_BYTES",
        global = true,
        value_name = "BYTES"
    )]
    pub max_body_bytes: Option<usize>,

    /// User-Agent sent to publishers, replacing the default entirely.
    /// [default: tidings/VERSION (self-hosted news reader; +CONTACT)]
    #[arg(long, env = "TIDINGS_USER_AGENT", global = true, value_name = "TEXT")]
    pub user_agent: Option<String>,

    /// An OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1) whose model
    /// rewords the Ask box's answers from the cited sentences.
    /// [default: none, answers are quoted sentences]
    #[arg(long, env = "TIDINGS_LLM_URL", global = true, value_name = "URL")]
    pub llm_url: Option<String>,

    /// The model to ask. [default: none; required with --llm-url]
    #[arg(long, env = "TIDINGS_LLM_MODEL", global = true, value_name = "NAME")]
    pub llm_model: Option<String>,

    /// A file holding the API key (or set TIDINGS_LLM_KEY); never logged.
    #[arg(long, env = "TIDINGS_LLM_KEY_FILE", global = true, value_name = "FILE")]
    pub llm_key_file: Option<PathBuf>,

    /// Model calls per hour, at most; beyond it answers are offline.
    /// [default: 600]
    #[arg(
        long,
        env = "TIDINGS_LLM_CALLS_PER_HOUR",
        global = true,
        value_name = "N"
    )]
    pub llm_calls_per_hour: Option<usize>,

    /// An OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1) whose
    /// `/embeddings` model chooses among the stories an article could join
    /// and orders related articles.
    /// [default: none, by their terms]
    #[arg(
        long,
        env = "TIDINGS_EMBEDDINGS_URL",
        global = true,
        value_name = "URL"
    )]
    pub embeddings_url: Option<String>,

    /// The embedding model. [default: none; required with --embeddings-url]
    #[arg(
        long,
        env = "TIDINGS_EMBEDDINGS_MODEL",
        global = true,
        value_name = "NAME"
    )]
    pub embeddings_model: Option<String>,

    /// A file holding the embeddings API key (or set
    /// TIDINGS_EMBEDDINGS_KEY); never logged.
    #[arg(
        long,
        env = "TIDINGS_EMBEDDINGS_KEY_FILE",
        global = true,
        value_name = "FILE"
    )]
    pub embeddings_key_file: Option<PathBuf>,
}

/// The TOML file: the same options, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<SocketAddr>,
    poll_interval: Option<String>,
    min_poll_interval: Option<String>,
    max_poll_interval: Option<String>,
    per_host_concurrency: Option<usize>,
    per_host_delay: Option<String>,
    allow_private_networks: Option<Vec<IpNet>>,
    public_url: Option<url::Url>,
    contact: Option<String>,
    worker_tick: Option<String>,
    fetch_concurrency: Option<usize>,
    fetch_timeout: Option<String>,
    max_body_bytes: Option<usize>,
    user_agent: Option<String>,
    llm_url: Option<String>,
    llm_model: Option<String>,
    llm_key_file: Option<PathBuf>,
    llm_calls_per_hour: Option<usize>,
    embeddings_url: Option<String>,
    embeddings_model: Option<String>,
    embeddings_key_file: Option<PathBuf>,
    /// `[oidc]`: sign-in with an OpenID Connect provider.
    oidc: Option<OidcFile>,
    /// `[[site_rules]]` tables: domain, keep and drop selectors.
    #[serde(default)]
    site_rules: Vec<tidings_extract::SiteRule>,
}

/// The `[oidc]` table (config file only). The client secret comes from
/// `client_secret_file` or `TIDINGS_OIDC_CLIENT_SECRET`, never the file
/// itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcFile {
    issuer: String,
    client_id: String,
    client_secret_file: Option<PathBuf>,
    /// Shown as "Sign in with …". [default: the issuer's host]
    display_name: Option<String>,
}

/// Resolved, validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: SocketAddr,
    pub poll_interval: Duration,
    pub min_poll_interval: Duration,
    pub max_poll_interval: Duration,
    pub per_host_concurrency: usize,
    pub per_host_delay: Duration,
    pub allow_private_networks: Vec<IpNet>,
    pub public_url: Option<url::Url>,
    pub contact: Option<String>,
    pub worker_tick: Duration,
    pub fetch_concurrency: usize,
    pub fetch_timeout: Duration,
    pub max_body_bytes: usize,
    pub user_agent: Option<String>,
    /// Per-site extraction rules (config file only), compiled.
    pub site_rules: std::sync::Arc<tidings_extract::SiteRules>,
    /// The optional language model.
    pub llm: Option<tidings_ai::llm::LlmConfig>,
    /// The optional embeddings model.
    pub embeddings: Option<tidings_ai::llm::LlmConfig>,
    /// Optional OpenID Connect sign-in.
    pub oidc: Option<tidings_app::OidcConfig>,
}

impl Settings {
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let duration = |flag: Option<humantime::Duration>,
                        file: &Option<String>,
                        name: &str,
                        default: Duration|
         -> anyhow::Result<Duration> {
            match (flag, file) {
                (Some(flag), _) => Ok(flag.into()),
                (None, Some(text)) => humantime::parse_duration(text)
                    .with_context(|| format!("{name} = {text:?} in the config file")),
                (None, None) => Ok(default),
            }
        };

        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = match args.database_url.clone().or(file.database_url) {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("tidings.db").display()),
        };
        let settings = Self {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            poll_interval: duration(
                args.poll_interval,
                &file.poll_interval,
                "poll_interval",
                Duration::from_secs(30 * 60),
            )?,
            min_poll_interval: duration(
                args.min_poll_interval,
                &file.min_poll_interval,
                "min_poll_interval",
                Duration::from_secs(5 * 60),
            )?,
            max_poll_interval: duration(
                args.max_poll_interval,
                &file.max_poll_interval,
                "max_poll_interval",
                Duration::from_secs(24 * 3600),
            )?,
            per_host_concurrency: args
                .per_host_concurrency
                .or(file.per_host_concurrency)
                .unwrap_or(2),
            per_host_delay: duration(
                args.per_host_delay,
                &file.per_host_delay,
                "per_host_delay",
                Duration::from_secs(1),
            )?,
            allow_private_networks: args
                .allow_private_networks
                .clone()
                .or(file.allow_private_networks)
                .unwrap_or_default(),
            public_url: args.public_url.clone().or(file.public_url.clone()),
            contact: args.contact.clone().or(file.contact),
            worker_tick: duration(
                args.worker_tick,
                &file.worker_tick,
                "worker_tick",
                Duration::from_secs(60),
            )?,
            fetch_concurrency: args
                .fetch_concurrency
                .or(file.fetch_concurrency)
                .unwrap_or(16),
            fetch_timeout: duration(
                args.fetch_timeout,
                &file.fetch_timeout,
                "fetch_timeout",
                Duration::from_secs(30),
            )?,
            max_body_bytes: args
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(10 * 1024 * 1024),
            llm: model_config(
                "llm",
                args.llm_url.clone().or(file.llm_url),
                args.llm_model.clone().or(file.llm_model),
                args.llm_key_file.clone().or(file.llm_key_file),
                args.llm_calls_per_hour.or(file.llm_calls_per_hour),
            )?,
            embeddings: model_config(
                "embeddings",
                args.embeddings_url.clone().or(file.embeddings_url),
                args.embeddings_model.clone().or(file.embeddings_model),
                args.embeddings_key_file
                    .clone()
                    .or(file.embeddings_key_file),
                None,
            )?,
            oidc: oidc_config(
                file.oidc,
                args.public_url.clone().or(file.public_url.clone()),
            )?,
            user_agent: args.user_agent.clone().or(file.user_agent),
            site_rules: std::sync::Arc::new(
                tidings_extract::SiteRules::new(&file.site_rules)
                    .context("site_rules in the config file")?,
            ),
            data_dir,
            database_url,
        };
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres:")
            || self.database_url.starts_with("postgresql:"))
        {
            bail!(
                "database URL {:?} is not supported: use sqlite://PATH or postgres://…",
                self.database_url
            );
        }
        if self.fetch_concurrency == 0 {
            bail!("fetch concurrency must be at least 1");
        }
        if self.min_poll_interval < Duration::from_secs(60) {
            bail!("the minimum poll interval must be at least 1m");
        }
        if !(self.min_poll_interval <= self.poll_interval
            && self.poll_interval <= self.max_poll_interval)
        {
            bail!(
                "poll intervals must satisfy minimum ({}) <= default ({}) <= maximum ({})",
                humantime::format_duration(self.min_poll_interval),
                humantime::format_duration(self.poll_interval),
                humantime::format_duration(self.max_poll_interval)
            );
        }
        if let Some(url) = &self.public_url
            && !matches!(url.scheme(), "http" | "https")
        {
            bail!("the public URL must be http(s), not {url}");
        }
        if self.per_host_concurrency == 0 {
            bail!("per-host concurrency must be at least 1");
        }
        if self.worker_tick.is_zero() {
            bail!("worker tick must be above zero");
        }
        if self.max_body_bytes < 1024 {
            bail!("max body bytes must be at least 1024");
        }
        Ok(())
    }

    /// Creates the data folder when the database lives in it (SQLite).
    pub fn prepare_data_dir(&self) -> anyhow::Result<()> {
        if self.database_url.starts_with("sqlite:") {
            std::fs::create_dir_all(&self.data_dir).with_context(|| {
                format!("cannot create data folder {}", self.data_dir.display())
            })?;
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// OpenID Connect sign-in, with its secret from a file or the environment;
/// the provider sends readers back to `public_url`.
fn oidc_config(
    file: Option<OidcFile>,
    public_url: Option<url::Url>,
) -> anyhow::Result<Option<tidings_app::OidcConfig>> {
    let Some(file) = file else { return Ok(None) };
    let public_url =
        public_url.context("[oidc] needs public_url (where the provider sends readers back)")?;
    let client_secret = match &file.client_secret_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the OIDC client secret file {}", path.display()))?
            .trim()
            .to_owned(),
        None => std::env::var("TIDINGS_OIDC_CLIENT_SECRET")
            .context("[oidc] needs client_secret_file or TIDINGS_OIDC_CLIENT_SECRET")?,
    };
    let redirect_uri = public_url
        .join("signin/oidc/callback")
        .context("public_url")?
        .to_string();
    let display_name = file.display_name.unwrap_or_else(|| {
        url::Url::parse(&file.issuer)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| file.issuer.clone())
    });
    Ok(Some(tidings_app::OidcConfig {
        issuer: file.issuer,
        client_id: file.client_id,
        client_secret,
        redirect_uri,
        display_name,
    }))
}

/// A model's settings (`kind` is `llm` or `embeddings`, as in its flags),
/// with its key from a file or `TIDINGS_<KIND>_KEY`.
fn model_config(
    kind: &str,
    url: Option<String>,
    model: Option<String>,
    key_file: Option<PathBuf>,
    calls_per_hour: Option<usize>,
) -> anyhow::Result<Option<tidings_ai::llm::LlmConfig>> {
    let Some(url) = url else {
        anyhow::ensure!(model.is_none(), "--{kind}-model needs --{kind}-url");
        return Ok(None);
    };
    anyhow::ensure!(
        url.starts_with("http://") || url.starts_with("https://"),
        "--{kind}-url must be an http(s) URL"
    );
    let model = model.with_context(|| format!("--{kind}-url needs --{kind}-model"))?;
    let mut config = tidings_ai::llm::LlmConfig::new(url, model);
    config.api_key = match key_file {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read the {kind} key file {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        None => std::env::var(format!("TIDINGS_{}_KEY", kind.to_ascii_uppercase()))
            .ok()
            .filter(|k| !k.is_empty()),
    };
    if let Some(n) = calls_per_hour {
        config.calls_per_hour = n;
    }
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_file_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings.toml");
        std::fs::write(
            &path,
            "data_dir = \"/srv/tidings\"\nlisten = \"0.0.0.0:9000\"\npoll_interval = \"2h\"\n\
             allow_private_networks = [\"10.0.0.0/8\"]\n\
             [[site_rules]]\ndomain = \"gazette.example\"\nkeep = [\".story\"]\ndrop = [\".ad\"]\n",
        )
        .unwrap();

        let defaults = Settings::resolve(&GlobalArgs::default()).unwrap();
        assert_eq!(defaults.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(defaults.database_url, "sqlite://data/tidings.db");
        assert_eq!(defaults.poll_interval, Duration::from_secs(1800));

        let args = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let from_file = Settings::resolve(&args).unwrap();
        assert_eq!(from_file.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(from_file.database_url, "sqlite:///srv/tidings/tidings.db");
        assert_eq!(from_file.poll_interval, Duration::from_secs(7200));
        assert_eq!(
            from_file.allow_private_networks,
            ["10.0.0.0/8".parse().unwrap()]
        );
        assert!(!from_file.site_rules.is_empty());

        let args = GlobalArgs {
            config: Some(path),
            listen: Some("127.0.0.1:1234".parse().unwrap()),
            database_url: Some("postgres://db/tidings".into()),
            ..GlobalArgs::default()
        };
        let flags = Settings::resolve(&args).unwrap();
        assert_eq!(flags.listen.to_string(), "127.0.0.1:1234");
        assert_eq!(flags.database_url, "postgres://db/tidings");
        assert_eq!(flags.poll_interval, Duration::from_secs(7200));
    }

    #[test]
    fn optional_model_and_openid_settings() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cret\n").unwrap();
        let path = dir.path().join("tidings.toml");
        std::fs::write(
            &path,
            format!(
                "public_url = \"https://news.example/\"\nllm_url = \"http://127.0.0.1:11434/v1\"\n\
                 llm_model = \"llama3\"\n[oidc]\nissuer = \"https://id.example\"\n\
                 client_id = \"tidings\"\nclient_secret_file = {:?}\n",
                secret.display().to_string()
            ),
        )
        .unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let settings = Settings::resolve(&args).unwrap();
        let oidc = settings.oidc.unwrap();
        assert_eq!(
            oidc.redirect_uri,
            "https://news.example/signin/oidc/callback"
        );
        assert_eq!(oidc.client_secret, "s3cret");
        assert_eq!(oidc.display_name, "id.example");
        assert!(!format!("{oidc:?}").contains("s3cret"));
        let llm = settings.llm.unwrap();
        assert_eq!(llm.model, "llama3");
        assert!(settings.embeddings.is_none());
        std::fs::write(
            &path,
            "embeddings_url = \"http://127.0.0.1:11434/v1\"\nembeddings_model = \"nomic-embed-text\"\n",
        )
        .unwrap();
        let embeddings = Settings::resolve(&args).unwrap().embeddings.unwrap();
        assert_eq!(embeddings.model, "nomic-embed-text");
        std::fs::write(&path, "embeddings_url = \"http://127.0.0.1:11434/v1\"\n").unwrap();
        assert!(Settings::resolve(&args).is_err(), "a URL without its model");
        // A model without its URL, or OIDC without a public URL, is refused.
        std::fs::write(&path, "llm_model = \"x\"\n").unwrap();
        assert!(Settings::resolve(&args).is_err());
        std::fs::write(
            &path,
            "[oidc]\nissuer = \"https://id.example\"\nclient_id = \"t\"\n",
        )
        .unwrap();
        let error = format!("{:#}", Settings::resolve(&args).unwrap_err());
        assert!(error.contains("public_url"), "{error}");
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "listen_adress = \"x\"\n").unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let error = format!("{:#}", Settings::resolve(&args).unwrap_err());
        assert!(error.contains("listen_adress"), "{error}");

        std::fs::write(
            &path,
            "[[site_rules]]\ndomain = \"a.example\"\nkeep = [\"div[[\"]\n",
        )
        .unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let error = format!("{:#}", Settings::resolve(&args).unwrap_err());
        assert!(error.contains("not a CSS selector"), "{error}");

        let args = GlobalArgs {
            database_url: Some("mysql://x".into()),
            ..GlobalArgs::default()
        };
        assert!(Settings::resolve(&args).is_err());
    }
}
