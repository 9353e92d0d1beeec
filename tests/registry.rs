//! Registry look-ups against a real registry (Debian's `docker-registry`, distribution 2.8) on
//! loopback with token authentication (see `tests/common/registry.rs`), and against listeners
//! that misbehave. Skipped, with a notice, where `docker-registry` is not installed.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::registry::{self, Format, TestRegistry, AMD64, ARM64, NO_ACCESS, NO_TOKEN};
use dockerlean::registry::client::{self, Failure};
use dockerlean::registry::{Answer, Cache, Lookups, Settings};
use dockerlean_core::size::image_ref::ImageRef;
use dockerlean_core::size::registry_sizes::{Lookup, Wanted};
use serde_json::Value;

/// Look-ups on; the loopback registry is reached over plain http without being listed.
fn settings() -> Settings {
    Settings {
        lookups: true,
        ..Settings::default()
    }
}

fn reference(host: &str, name: &str) -> ImageRef {
    ImageRef::parse(&format!("{host}/{name}")).unwrap()
}

fn fetch(host: &str, name: &str, platform: &str) -> Result<Answer, Failure> {
    client::fetch(&settings(), &reference(host, name), platform)
}

fn found(compressed: u64, layers: u32, platform: &str) -> Answer {
    Answer::Found {
        compressed,
        layers,
        platform: platform.to_string(),
    }
}

fn missing(answer: Result<Answer, Failure>) -> String {
    match answer {
        Ok(Answer::Missing { why }) => why,
        other => panic!("expected a missing answer, got {other:?}"),
    }
}

/// `test/app:1`: an index over an amd64 image of 3000 + 1200 bytes and an arm64/v8 one of 2500.
fn push_multi_platform(registry: &TestRegistry, format: Format) {
    let amd64 = registry.push_image("test/app", None, AMD64, &[3000, 1200], format);
    let arm64 = registry.push_image("test/app", None, ARM64, &[2500], format);
    registry.push_index("test/app", "1", &[amd64, arm64]);
}

#[test]
fn an_index_leads_to_each_platform_manifest_through_the_token_flow() {
    let Some(registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    push_multi_platform(&registry, Format::Oci);
    let tokens_before = registry.token_requests();
    assert_eq!(
        fetch(&host, "test/app:1", "linux/amd64"),
        Ok(found(4200, 2, "linux/amd64"))
    );
    assert!(
        registry.token_requests() > tokens_before,
        "the registry demanded a token and the client fetched one"
    );
    assert_eq!(
        fetch(&host, "test/app:1", "linux/arm64"),
        Ok(found(2500, 1, "linux/arm64/v8"))
    );
    assert_eq!(
        missing(fetch(&host, "test/app:1", "linux/s390x")),
        "no linux/s390x image (the index has linux/amd64, linux/arm64/v8)"
    );
    // A Docker manifest list reads the same.
    let amd64 = registry.push_image("test/docker", None, AMD64, &[700], Format::Docker);
    let arm64 = registry.push_image("test/docker", None, ARM64, &[600, 50], Format::Docker);
    registry.push_index("test/docker", "2", &[amd64, arm64]);
    assert_eq!(
        fetch(&host, "test/docker:2", "linux/arm64/v8"),
        Ok(found(650, 2, "linux/arm64/v8"))
    );
}

#[test]
fn a_single_manifest_is_sized_for_the_platform_its_config_names() {
    let Some(registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    let pushed = registry.push_image("test/single", Some("1"), AMD64, &[1000, 20, 3], Format::Oci);
    assert_eq!(
        fetch(&host, "test/single:1", "linux/amd64"),
        Ok(found(1023, 3, "linux/amd64"))
    );
    assert_eq!(
        missing(fetch(&host, "test/single:1", "linux/arm64")),
        "a single-platform image for linux/amd64, not linux/arm64"
    );
    // Pinned by digest: the manifest is fetched by its digest.
    assert_eq!(
        fetch(
            &host,
            &format!("test/single:1@{}", pushed.digest),
            "linux/amd64"
        ),
        Ok(found(1023, 3, "linux/amd64"))
    );
}

#[test]
fn unknown_tags_and_refused_tokens_are_missing_not_errors() {
    let Some(registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    push_multi_platform(&registry, Format::Oci);
    assert_eq!(
        missing(fetch(&host, "test/app:404", "linux/amd64")),
        "not in the registry"
    );
    assert_eq!(
        missing(fetch(&host, "test/nothing:1", "linux/amd64")),
        "not in the registry"
    );
    assert_eq!(
        missing(fetch(&host, &format!("{NO_TOKEN}app:1"), "linux/amd64")),
        "no anonymous pull token (the token service answered HTTP 401)"
    );
    assert_eq!(
        missing(fetch(&host, &format!("{NO_ACCESS}app:1"), "linux/amd64")),
        "the registry does not allow an anonymous pull"
    );
}

#[test]
fn a_registry_that_never_answers_is_given_up_within_the_timeout() {
    let host = registry::silent();
    let bound = Duration::from_millis(500);
    let settings = Settings {
        timeout: bound,
        ..settings()
    };
    let started = Instant::now();
    let answer = client::fetch(&settings, &reference(&host, "test/app:1"), "linux/amd64");
    assert_eq!(answer, Err(Failure::Timeout(bound)));
    // Not a timing test: it only must not hang past its bound by more than a scheduler's slack.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn answers_that_are_not_manifests_are_failures() {
    let host = registry::canned("200 OK", "application/json", "{ this is not json");
    let answer = fetch(&host, "test/app:1", "linux/amd64");
    assert!(
        matches!(&answer, Err(Failure::BadResponse(why)) if why.contains("not valid")),
        "{answer:?}"
    );
    let host = registry::canned("500 Internal Server Error", "text/plain", "down");
    assert!(matches!(
        fetch(&host, "test/app:1", "linux/amd64"),
        Err(Failure::BadResponse(_))
    ));
    // Nothing listening at all.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = closed.local_addr().unwrap().to_string();
    drop(closed);
    assert!(matches!(
        fetch(&host, "test/app:1", "linux/amd64"),
        Err(Failure::Network(_))
    ));
}

fn lookups(cache: &Path, settings: Settings) -> Arc<Lookups> {
    let lookups = Arc::new(Lookups::new(Cache::in_dir(cache.to_path_buf())));
    lookups.set_settings(settings);
    lookups
}

fn wanted(host: &str) -> Vec<Wanted> {
    vec![Wanted {
        reference: reference(host, "test/app:1"),
        platform: "linux/amd64".to_string(),
    }]
}

fn compressed(lookups: &Lookups, host: &str) -> Option<u64> {
    match lookups
        .resolve(&wanted(host))
        .get(&reference(host, "test/app:1"), "linux/amd64")
    {
        Some(Lookup::Found(size)) => Some(size.compressed),
        _ => None,
    }
}

/// The one file the cache holds.
fn cache_file(dir: &Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn rewrite_cache(file: &Path, edit: impl FnOnce(&mut Value)) {
    let mut entry: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    edit(&mut entry);
    std::fs::write(file, entry.to_string()).unwrap();
}

#[test]
fn the_disk_cache_answers_without_the_network_until_it_expires() {
    let Some(mut registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    push_multi_platform(&registry, Format::Oci);
    let cache = tempfile::tempdir().unwrap();

    assert_eq!(
        compressed(&lookups(cache.path(), settings()), &host),
        Some(4200)
    );
    let file = cache_file(cache.path());
    let entry: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(entry["answer"]["kind"], "found");

    // An expired entry is fetched again: the registry's figure replaces a doctored one.
    let eight_days_ago = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 8 * 86_400;
    rewrite_cache(&file, |e| {
        e["answer"]["compressed"] = 1.into();
        e["fetched_at"] = eight_days_ago.into();
    });
    let month = Settings {
        ttl: Duration::from_secs(30 * 86_400),
        ..settings()
    };
    assert_eq!(
        compressed(&lookups(cache.path(), month), &host),
        Some(1),
        "within a 30-day TTL the cached figure is used"
    );
    assert_eq!(
        compressed(&lookups(cache.path(), settings()), &host),
        Some(4200)
    );

    // A corrupt file is ignored and rewritten.
    std::fs::write(&file, b"\0\0 not json").unwrap();
    assert_eq!(
        compressed(&lookups(cache.path(), settings()), &host),
        Some(4200)
    );
    let entry: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(entry["answer"]["compressed"], 4200);

    // With the registry gone, a fresh entry still answers: no network.
    registry.stop();
    let tokens = registry.token_requests();
    assert_eq!(
        compressed(&lookups(cache.path(), settings()), &host),
        Some(4200)
    );
    assert_eq!(registry.token_requests(), tokens);
    // And once it has expired, the failed look-up leaves the size unknown, quietly.
    rewrite_cache(&file, |e| e["fetched_at"] = eight_days_ago.into());
    let gone = lookups(cache.path(), settings());
    let sizes = gone.resolve(&wanted(&host));
    assert!(
        matches!(
            sizes.get(&reference(&host, "test/app:1"), "linux/amd64"),
            Some(Lookup::Missing(why)) if why.starts_with("the look-up failed")
        ),
        "{sizes:?}"
    );
}

#[test]
fn background_lookups_say_they_are_pending_and_report_when_done() {
    let Some(registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    push_multi_platform(&registry, Format::Oci);
    let cache = tempfile::tempdir().unwrap();
    let lookups = lookups(cache.path(), settings());
    let (done, finished) = std::sync::mpsc::channel();
    let done = std::sync::Mutex::new(done);
    lookups.on_update(move || done.lock().unwrap().send(()).unwrap());
    let r = reference(&host, "test/app:1");
    let first = lookups.request(&wanted(&host));
    assert_eq!(
        first.get(&r, "linux/amd64"),
        Some(&Lookup::Missing(format!("looking up in {host}…")))
    );
    // A second request while it is pending starts nothing new.
    lookups.request(&wanted(&host));
    finished
        .recv_timeout(common::lsp_client::TIMEOUT)
        .expect("the look-up ends");
    assert!(matches!(
        lookups.sizes().get(&r, "linux/amd64"),
        Some(Lookup::Found(size)) if size.compressed == 4200
    ));
    assert!(
        finished.recv_timeout(Duration::from_millis(500)).is_err(),
        "one look-up, not two"
    );
    // Off: nothing is looked up and nothing shown.
    lookups.set_settings(Settings::default());
    assert!(lookups.request(&wanted(&host)).is_empty());
}
