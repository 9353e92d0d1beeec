//! A real registry on loopback for the look-up tests: Debian's `docker-registry` (distribution
//! 2.8) with its token authentication switched on, and beside it a small token service run by
//! the test. The service signs JWTs (RS256, the certificate in `x5c`) with a key and
//! self-signed certificate made by the `openssl` command; the registry trusts that certificate
//! (`rootcertbundle`) and so checks every token it is given, as Docker Hub's does. Images are
//! pushed through the registry's HTTP API (blob uploads, manifest and index PUTs) with a push
//! token the test signs itself.
//!
//! Without `docker-registry` (or `openssl`) on `PATH` the tests that need it print
//! `SKIPPED: docker-registry not installed` and pass.

#![allow(dead_code)] // Each test binary that includes this module uses a different part of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use data_encoding::{BASE64, BASE64URL_NOPAD, HEXLOWER};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const SERVICE: &str = "dockerlean-test";
const ISSUER: &str = "dockerlean-test-issuer";
/// How long the registry may take to start listening.
const STARTUP: Duration = Duration::from_secs(20);

/// Repositories under this prefix get no token from the token service.
pub const NO_TOKEN: &str = "private/";
/// Repositories under this prefix get a token that grants nothing.
pub const NO_ACCESS: &str = "denied/";

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Signs tokens with the key whose certificate the registry trusts.
struct Signer {
    key: PathBuf,
    certificate_der: Vec<u8>,
}

impl Signer {
    fn create(dir: &Path) -> Signer {
        let key = dir.join("token.key");
        let pem = dir.join("token.pem");
        let der = dir.join("token.der");
        run(Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=dockerlean test token signer", "-keyout"])
            .args([&key, Path::new("-out"), &pem]));
        run(Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .args([&pem, Path::new("-out"), &der]));
        Signer {
            key,
            certificate_der: std::fs::read(der).unwrap(),
        }
    }

    /// A token granting `actions` on `repository` (none when empty).
    fn token(&self, repository: &str, actions: &[&str]) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let header = json!({
            "typ": "JWT",
            "alg": "RS256",
            "x5c": [BASE64.encode(&self.certificate_der)],
        });
        let access: Vec<Value> = if actions.is_empty() {
            Vec::new()
        } else {
            vec![json!({ "type": "repository", "name": repository, "actions": actions })]
        };
        let claims = json!({
            "iss": ISSUER,
            "sub": "",
            "aud": SERVICE,
            "exp": now + 600,
            "nbf": now - 60,
            "iat": now - 60,
            "jti": format!("{now}-{repository}-{}", actions.join(",")),
            "access": access,
        });
        let signed = format!(
            "{}.{}",
            BASE64URL_NOPAD.encode(header.to_string().as_bytes()),
            BASE64URL_NOPAD.encode(claims.to_string().as_bytes())
        );
        let mut openssl = Command::new("openssl")
            .args(["dgst", "-sha256", "-binary", "-sign"])
            .arg(&self.key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("openssl runs");
        openssl
            .stdin
            .take()
            .unwrap()
            .write_all(signed.as_bytes())
            .unwrap();
        let out = openssl.wait_with_output().unwrap();
        assert!(out.status.success(), "openssl dgst -sign failed");
        format!("{signed}.{}", BASE64URL_NOPAD.encode(&out.stdout))
    }
}

fn run(command: &mut Command) {
    let out = command.output().expect("the command runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `sha256:<hex>`, as the registry names content.
fn digest(content: &[u8]) -> String {
    format!("sha256:{}", HEXLOWER.encode(&Sha256::digest(content)))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request read off `stream`: its target (path and query).
fn read_request(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?.to_string();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
    }
    Some(target)
}

/// Answers every request with `status` and `body`.
pub fn respond(mut stream: TcpStream, status: &str, content_type: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A listener that answers every request with the same response; returns its address.
pub fn canned(status: &'static str, content_type: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            read_request(&stream);
            respond(stream, status, content_type, body);
        }
    });
    address
}

/// A listener that accepts connections and never answers; returns its address.
pub fn silent() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    address
}

/// The token service: `GET /token?scope=repository:<name>:pull&service=…`.
fn serve_tokens(listener: TcpListener, signer: Arc<Signer>, requests: Arc<AtomicUsize>) {
    for stream in listener.incoming().flatten() {
        let Some(target) = read_request(&stream) else {
            continue;
        };
        requests.fetch_add(1, Ordering::SeqCst);
        let scope = target
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("scope="))
            .map(|s| s.replace("%3A", ":").replace("%2F", "/"))
            .unwrap_or_default();
        let repository = scope
            .strip_prefix("repository:")
            .and_then(|s| s.rsplit_once(':'))
            .map_or("", |(name, _)| name);
        if repository.starts_with(NO_TOKEN) {
            respond(
                stream,
                "401 Unauthorized",
                "application/json",
                r#"{"details":"anonymous access denied"}"#,
            );
            continue;
        }
        let actions: &[&str] = if repository.starts_with(NO_ACCESS) {
            &[]
        } else {
            &["pull"]
        };
        let body = json!({ "token": signer.token(repository, actions), "expires_in": 600 });
        respond(stream, "200 OK", "application/json", &body.to_string());
    }
}

/// A platform as an image config and an index write it.
#[derive(Clone, Copy)]
pub struct Platform {
    pub os: &'static str,
    pub architecture: &'static str,
    pub variant: Option<&'static str>,
}

pub const AMD64: Platform = Platform {
    os: "linux",
    architecture: "amd64",
    variant: None,
};
pub const ARM64: Platform = Platform {
    os: "linux",
    architecture: "arm64",
    variant: Some("v8"),
};

impl Platform {
    fn json(self) -> Value {
        let mut v = json!({ "os": self.os, "architecture": self.architecture });
        if let Some(variant) = self.variant {
            v["variant"] = json!(variant);
        }
        v
    }
}

/// The media types an image is pushed with.
#[derive(Clone, Copy)]
pub enum Format {
    Oci,
    Docker,
}

impl Format {
    fn index(self) -> &'static str {
        match self {
            Format::Oci => "application/vnd.oci.image.index.v1+json",
            Format::Docker => "application/vnd.docker.distribution.manifest.list.v2+json",
        }
    }

    fn manifest(self) -> &'static str {
        match self {
            Format::Oci => "application/vnd.oci.image.manifest.v1+json",
            Format::Docker => "application/vnd.docker.distribution.manifest.v2+json",
        }
    }

    fn config(self) -> &'static str {
        match self {
            Format::Oci => "application/vnd.oci.image.config.v1+json",
            Format::Docker => "application/vnd.docker.container.image.v1+json",
        }
    }

    fn layer(self) -> &'static str {
        match self {
            Format::Oci => "application/vnd.oci.image.layer.v1.tar+gzip",
            Format::Docker => "application/vnd.docker.image.rootfs.diff.tar.gzip",
        }
    }
}

/// An image manifest that was pushed.
pub struct Pushed {
    pub digest: String,
    pub size: usize,
    pub platform: Platform,
    pub format: Format,
}

pub struct TestRegistry {
    /// `127.0.0.1:<port>`, the reference's registry part.
    pub host: String,
    child: Option<Child>,
    dir: tempfile::TempDir,
    signer: Arc<Signer>,
    token_requests: Arc<AtomicUsize>,
    agent: ureq::Agent,
}

impl TestRegistry {
    /// Starts a registry with token authentication; `None`, after saying so, when
    /// `docker-registry` or `openssl` is not installed.
    pub fn start() -> Option<TestRegistry> {
        let Some(binary) = on_path("docker-registry") else {
            println!("SKIPPED: docker-registry not installed (apt-get install docker-registry)");
            return None;
        };
        if on_path("openssl").is_none() {
            println!("SKIPPED: openssl not installed (the test's token service signs with it)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let signer = Arc::new(Signer::create(dir.path()));
        let token_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let realm = format!("http://{}/token", token_listener.local_addr().unwrap());
        let token_requests = Arc::new(AtomicUsize::new(0));
        let (s, r) = (signer.clone(), token_requests.clone());
        std::thread::spawn(move || serve_tokens(token_listener, s, r));
        let host = format!("127.0.0.1:{}", free_port());
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n\
                 storage:\n  filesystem:\n    rootdirectory: {storage}\n\
                 http:\n  addr: {host}\n\
                 auth:\n  token:\n    realm: {realm}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {cert}\n",
                storage = dir.path().join("storage").display(),
                cert = dir.path().join("token.pem").display(),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("docker-registry starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let registry = TestRegistry {
            host,
            child: Some(child),
            dir,
            signer,
            token_requests,
            agent,
        };
        registry.wait_until_listening();
        Some(registry)
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + STARTUP;
        let url = format!("http://{}/v2/", self.host);
        while self.agent.get(&url).call().is_err() {
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen on {} within {STARTUP:?}: {}",
                self.host,
                std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How many tokens the token service was asked for.
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    /// Stops the registry (the token service stays).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, repository: &str, rest: &str) -> String {
        format!("http://{}/v2/{repository}/{rest}", self.host)
    }

    fn bearer(&self, repository: &str) -> String {
        format!(
            "Bearer {}",
            self.signer.token(repository, &["pull", "push"])
        )
    }

    /// Uploads a blob (monolithic: POST, then PUT with the digest); returns its digest.
    pub fn push_blob(&self, repository: &str, content: &[u8]) -> String {
        let digest = digest(content);
        let bearer = self.bearer(repository);
        let started = self
            .agent
            .post(&self.url(repository, "blobs/uploads/"))
            .header("Authorization", &bearer)
            .send_empty()
            .expect("upload starts");
        assert_eq!(started.status(), 202, "blob upload POST");
        let location = started.headers()["location"].to_str().unwrap().to_string();
        let location = if location.starts_with('/') {
            format!("http://{}{location}", self.host)
        } else {
            location
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let done = self
            .agent
            .put(&format!("{location}{separator}digest={digest}"))
            .header("Authorization", &bearer)
            .header("Content-Type", "application/octet-stream")
            .send(content)
            .expect("upload ends");
        assert_eq!(done.status(), 201, "blob upload PUT");
        digest
    }

    fn put_manifest(&self, repository: &str, reference: &str, media_type: &str, body: &[u8]) {
        let mut response = self
            .agent
            .put(&self.url(repository, &format!("manifests/{reference}")))
            .header("Authorization", &self.bearer(repository))
            .header("Content-Type", media_type)
            .send(body)
            .expect("manifest PUT");
        let status = response.status();
        assert_eq!(
            status,
            201,
            "manifest PUT: {}",
            response.body_mut().read_to_string().unwrap_or_default()
        );
    }

    /// Pushes an image for `platform` whose layers have the given sizes, under `tag`, or by
    /// digest alone when `tag` is `None`.
    pub fn push_image(
        &self,
        repository: &str,
        tag: Option<&str>,
        platform: Platform,
        layer_sizes: &[usize],
        format: Format,
    ) -> Pushed {
        let layers: Vec<Value> = layer_sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                // Different content per image, so that digests differ.
                let seed = format!("{repository}{tag:?}{}{i}", platform.architecture);
                let content: Vec<u8> = seed.bytes().cycle().take(size).collect();
                let digest = self.push_blob(repository, &content);
                json!({
                    "mediaType": format.layer(),
                    "digest": digest,
                    "size": size,
                })
            })
            .collect();
        let mut config = platform.json();
        config["rootfs"] = json!({ "type": "layers", "diff_ids": [] });
        let config = config.to_string();
        let config_digest = self.push_blob(repository, config.as_bytes());
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": format.manifest(),
            "config": {
                "mediaType": format.config(),
                "digest": config_digest,
                "size": config.len(),
            },
            "layers": layers,
        })
        .to_string();
        let digest = digest(manifest.as_bytes());
        self.put_manifest(
            repository,
            tag.unwrap_or(&digest),
            format.manifest(),
            manifest.as_bytes(),
        );
        Pushed {
            digest,
            size: manifest.len(),
            platform,
            format,
        }
    }

    /// Pushes a multi-platform index (an OCI index, or a Docker manifest list when the
    /// manifests are Docker's) over pushed manifests.
    pub fn push_index(&self, repository: &str, tag: &str, manifests: &[Pushed]) {
        let format = manifests.first().map_or(Format::Oci, |m| m.format);
        let entries: Vec<Value> = manifests
            .iter()
            .map(|m| {
                json!({
                    "mediaType": m.format.manifest(),
                    "digest": m.digest,
                    "size": m.size,
                    "platform": m.platform.json(),
                })
            })
            .collect();
        let index =
            json!({ "schemaVersion": 2, "mediaType": format.index(), "manifests": entries })
                .to_string();
        self.put_manifest(repository, tag, format.index(), index.as_bytes());
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}
