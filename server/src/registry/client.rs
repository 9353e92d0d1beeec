//! One look-up over the distribution HTTP API: the reference's manifest (an index is followed to
//! the platform's manifest; a single image's platform is read from its config), with the
//! anonymous token flow when the registry asks for it, all within one deadline.

use std::fmt;
use std::time::{Duration, Instant};

use dockerlean_core::size::base_images::normalize_platform;
use dockerlean_core::size::image_ref::ImageRef;
use ureq::Agent;

use super::auth::{self, Refused};
use super::manifest::{self, Manifest};
use super::settings::Settings;
use super::Answer;

/// Why a look-up gave no answer. These are not remembered on disk: the next session tries again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Timeout(Duration),
    Network(String),
    BadResponse(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Timeout(bound) => write!(f, "no answer within {:.1} s", bound.as_secs_f64()),
            Failure::Network(why) => write!(f, "{why}"),
            Failure::BadResponse(why) => write!(f, "unexpected answer: {why}"),
        }
    }
}

/// What a manifest and token body may weigh; real ones are a few kB.
const BODY_LIMIT: u64 = 4 << 20;

pub struct Reply {
    pub status: u16,
    pub challenge: Option<String>,
    pub body: Vec<u8>,
}

/// GET requests that share one deadline.
pub struct Http {
    agent: Agent,
    deadline: Instant,
    bound: Duration,
}

impl Http {
    fn new(bound: Duration) -> Http {
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("dockerlean/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            deadline: Instant::now() + bound,
            bound,
        }
    }

    pub fn get(
        &self,
        url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Result<Reply, Failure> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(Failure::Timeout(self.bound))?;
        let mut request = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(left))
            .build();
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let failure = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) => Failure::Timeout(self.bound),
            other => Failure::Network(other.to_string()),
        };
        let mut response = request.call().map_err(failure)?;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(failure)?;
        Ok(Reply {
            status: response.status().as_u16(),
            challenge,
            body,
        })
    }
}

/// The registry's API root: Docker Hub's `docker.io` is served at `registry-1.docker.io`.
pub fn endpoint(registry: &str, settings: &Settings) -> String {
    let host = match registry {
        "docker.io" => "registry-1.docker.io",
        other => other,
    };
    let scheme = if settings.is_insecure(registry) {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{host}/v2")
}

/// What a GET of the repository's API gave.
enum Got {
    Body(Vec<u8>),
    Missing(String),
}

struct Repository<'a> {
    http: Http,
    base: String,
    name: &'a str,
    insecure: bool,
    token: Option<String>,
}

impl Repository<'_> {
    /// GETs `path` below the repository, fetching an anonymous token when the registry asks
    /// for one (once: a second 401 means the token does not grant a pull).
    fn get(&mut self, path: &str, accept: &str) -> Result<Got, Failure> {
        let url = format!("{}/{}/{path}", self.base, self.name);
        let mut asked_for_token = false;
        loop {
            let bearer = self.token.as_ref().map(|t| format!("Bearer {t}"));
            let mut headers = vec![("Accept", accept)];
            if let Some(bearer) = &bearer {
                headers.push(("Authorization", bearer));
            }
            let reply = self.http.get(&url, &[], &headers)?;
            match reply.status {
                200 => return Ok(Got::Body(reply.body)),
                404 => return Ok(Got::Missing("not in the registry".to_string())),
                401 if !asked_for_token => {
                    asked_for_token = true;
                    let Some(challenge) =
                        reply.challenge.as_deref().and_then(auth::parse_challenge)
                    else {
                        return Ok(Got::Missing(
                            "the registry asks for credentials".to_string(),
                        ));
                    };
                    match auth::anonymous_token(&self.http, &challenge, self.name, self.insecure) {
                        Ok(token) => self.token = Some(token),
                        Err(Refused::Denied(why)) => return Ok(Got::Missing(why)),
                        Err(Refused::Failed(failure)) => return Err(failure),
                    }
                }
                401 | 403 => {
                    return Ok(Got::Missing(
                        "the registry does not allow an anonymous pull".to_string(),
                    ))
                }
                status => return Err(Failure::BadResponse(format!("HTTP {status} for {url}"))),
            }
        }
    }
}

impl Repository<'_> {
    /// The manifest `what` (a tag or a digest) names, or why the registry has none.
    fn manifest(&mut self, what: &str) -> Result<Result<Manifest, String>, Failure> {
        match self.get(&format!("manifests/{what}"), manifest::ACCEPT)? {
            Got::Body(body) => manifest::parse(&body).map(Ok).map_err(Failure::BadResponse),
            Got::Missing(why) => Ok(Err(why)),
        }
    }
}

/// The download size of `reference` for `platform`, or why the registry has none.
pub fn fetch(settings: &Settings, reference: &ImageRef, platform: &str) -> Result<Answer, Failure> {
    let mut repo = Repository {
        http: Http::new(settings.timeout),
        base: endpoint(&reference.registry, settings),
        name: &reference.path,
        insecure: settings.is_insecure(&reference.registry),
        token: None,
    };
    let pinned = match &reference.digest {
        Some(digest) => digest.clone(),
        None => reference.tag_or_latest().to_string(),
    };
    let missing = |why: String| Ok(Answer::Missing { why });
    let (layers, config_digest) = match repo.manifest(&pinned)? {
        Err(why) => return missing(why),
        Ok(Manifest::Image {
            layers,
            config_digest,
        }) => (layers, config_digest),
        Ok(Manifest::Index(entries)) => {
            let Some(digest) = manifest::select(&entries, platform) else {
                let listed: Vec<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
                let listed = if listed.is_empty() {
                    "none".to_string()
                } else {
                    listed.join(", ")
                };
                return missing(format!("no {platform} image (the index has {listed})"));
            };
            return match repo.manifest(digest)? {
                Err(why) => missing(why),
                Ok(Manifest::Image { layers, .. }) => Ok(found(layers, platform)),
                Ok(Manifest::Index(_)) => Err(Failure::BadResponse(
                    "the index lists another index for the platform".to_string(),
                )),
            };
        }
    };
    // A single image's manifest does not say its platform; its config does.
    let config = match repo.get(&format!("blobs/{config_digest}"), "*/*")? {
        Got::Body(body) => body,
        Got::Missing(why) => return missing(format!("its config: {why}")),
    };
    let its = manifest::config_platform(&config).map_err(Failure::BadResponse)?;
    if its != normalize_platform(platform) {
        return missing(format!("a single-platform image for {its}, not {platform}"));
    }
    Ok(found(layers, &its))
}

/// The download size is the sum of the layers; the config blob (a few kB) is not counted.
fn found(layers: Vec<u64>, platform: &str) -> Answer {
    Answer::Found {
        compressed: layers.iter().sum(),
        layers: layers.len() as u32,
        platform: normalize_platform(platform),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_and_insecure_hosts() {
        let settings = Settings {
            insecure: vec!["registry.lan:5000".to_string()],
            ..Settings::default()
        };
        assert_eq!(
            endpoint("docker.io", &settings),
            "https://registry-1.docker.io/v2"
        );
        assert_eq!(endpoint("ghcr.io", &settings), "https://ghcr.io/v2");
        assert_eq!(
            endpoint("registry.lan:5000", &settings),
            "http://registry.lan:5000/v2"
        );
        assert_eq!(
            endpoint("registry.lan:5001", &settings),
            "https://registry.lan:5001/v2"
        );
        assert_eq!(
            endpoint("127.0.0.1:5000", &settings),
            "http://127.0.0.1:5000/v2"
        );
    }
}
