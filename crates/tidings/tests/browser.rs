//! The site in a real browser: a real `tidings serve` over a seeded SQLite
//! database, driven by Debian's headless Chromium through playwright-core,
//! with axe-core in every page (`tests/browser/site.mjs` holds the checks).
//!
//! Needs `chromium` (apt) and `npm ci` in `tests/browser` (`.ci/run` does
//! both). Without them the test says why and passes, except under CI=1,
//! where it fails: CI must run it.

use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What is missing to run the browser, if anything.
fn missing(chromium: &Path, scripts: &Path) -> Option<String> {
    if !chromium.exists() {
        return Some(format!(
            "no Chromium at {} (apt install chromium)",
            chromium.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no node".into());
    }
    for package in ["playwright-core", "axe-core"] {
        if !scripts.join("node_modules").join(package).exists() {
            return Some(format!("no {package} (npm ci in {})", scripts.display()));
        }
    }
    None
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tidings(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tidings"));
    command
        .arg("--data-dir")
        .arg(data)
        .env_remove("TIDINGS_DATABASE_URL")
        .env_remove("TIDINGS_CONFIG")
        .env("TIDINGS_LOG", "error");
    command
}

#[test]
fn the_site_in_headless_chromium() {
    let chromium =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    let scripts = repo_root().join("tests/browser");
    if let Some(reason) = missing(&chromium, &scripts) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser tests: {reason}"
        );
        eprintln!("skipping the browser tests: {reason}");
        return;
    }

    let data = tempfile::tempdir().unwrap();
    // A few days of a few hundred articles from a dozen outlets, placed in
    // stories: front page, stories, related lists and search all have data.
    let seeded = tidings(data.path())
        .args([
            "seed",
            "--articles",
            "600",
            "--sources",
            "12",
            "--days",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "seed failed: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let _server = Server(
        tidings(data.path())
            .args(["--listen", &address, "serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = TcpStream::connect(&address) {
            use std::io::Write;
            let _ = write!(stream, "GET /healthz HTTP/1.0\r\n\r\n");
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "tidings serve did not answer on {address}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let run = Command::new("node")
        .arg(scripts.join("site.mjs"))
        .arg(format!("http://{address}"))
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
