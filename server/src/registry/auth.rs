//! The distribution spec's anonymous token flow: a registry answers 401 with
//! `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`, the realm hands out a pull
//! token without credentials (`GET realm?service=…&scope=repository:<name>:pull`), and the
//! request is repeated with `Authorization: Bearer <token>`.

use serde::Deserialize;

use super::client::{Failure, Http};

#[derive(Debug, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub service: Option<String>,
    pub scope: Option<String>,
}

/// A `Bearer` challenge's parameters; `None` for any other scheme (Basic wants credentials).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let (scheme, params) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let (mut realm, mut service, mut scope) = (None, None, None);
    let mut rest = params.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let (value, after) = match after.strip_prefix('"') {
            // Quoted values may hold commas (`scope="repository:a:pull,push"`).
            Some(quoted) => {
                let end = quoted.find('"')?;
                (&quoted[..end], &quoted[end + 1..])
            }
            None => after.split_once(',').unwrap_or((after, "")),
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "realm" => realm = Some(value.to_string()),
            "service" => service = Some(value.to_string()),
            "scope" => scope = Some(value.to_string()),
            _ => {}
        }
        rest = after.trim_start_matches([',', ' ']);
    }
    Some(Challenge {
        realm: realm?,
        service,
        scope,
    })
}

/// Registries answer `token`, `access_token` (OAuth's name) or both.
#[derive(Deserialize)]
struct TokenResponse {
    token: Option<String>,
    access_token: Option<String>,
}

pub fn token_from(body: &[u8]) -> Option<String> {
    let response: TokenResponse = serde_json::from_slice(body).ok()?;
    response
        .token
        .or(response.access_token)
        .filter(|t| !t.is_empty())
}

/// Why a token could not be had: the registry wants credentials, or its answer was not one.
pub enum Refused {
    Denied(String),
    Failed(Failure),
}

/// An anonymous pull token for `repository`. A realm over plain http is only used when the
/// registry itself is reached over http (a loopback host, or one the settings list).
pub fn anonymous_token(
    http: &Http,
    challenge: &Challenge,
    repository: &str,
    insecure: bool,
) -> Result<String, Refused> {
    if !challenge.realm.starts_with("https://") && !insecure {
        return Err(Refused::Denied(format!(
            "the token service {} is not https",
            challenge.realm
        )));
    }
    let scope = challenge
        .scope
        .clone()
        .unwrap_or_else(|| format!("repository:{repository}:pull"));
    let mut query = vec![("scope", scope.as_str())];
    if let Some(service) = &challenge.service {
        query.push(("service", service));
    }
    let answer = http
        .get(&challenge.realm, &query, &[])
        .map_err(Refused::Failed)?;
    if answer.status != 200 {
        return Err(Refused::Denied(format!(
            "no anonymous pull token (the token service answered HTTP {})",
            answer.status
        )));
    }
    token_from(&answer.body).ok_or_else(|| {
        Refused::Failed(Failure::BadResponse(
            "the token service's answer has no token".to_string(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges_are_read_with_quoted_commas() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull,push""#,
        )
        .unwrap();
        assert_eq!(c.realm, "https://auth.docker.io/token");
        assert_eq!(c.service.as_deref(), Some("registry.docker.io"));
        assert_eq!(
            c.scope.as_deref(),
            Some("repository:library/python:pull,push")
        );
        let c = parse_challenge("bearer realm=http://127.0.0.1:1/token").unwrap();
        assert_eq!((c.service, c.scope), (None, None));
        assert_eq!(parse_challenge(r#"Basic realm="Registry""#), None);
        assert_eq!(parse_challenge(r#"Bearer service="x""#), None);
    }

    #[test]
    fn tokens_under_either_name() {
        assert_eq!(token_from(br#"{"token":"a"}"#).as_deref(), Some("a"));
        assert_eq!(
            token_from(br#"{"access_token":"b","expires_in":300}"#).as_deref(),
            Some("b")
        );
        assert_eq!(token_from(br#"{"token":""}"#), None);
        assert_eq!(token_from(b"nope"), None);
    }
}
