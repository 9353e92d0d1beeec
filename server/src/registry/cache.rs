//! Look-up answers on disk, one JSON file per reference and platform in `registry/` under the
//! user's cache directory. A size is reused for the TTL (7 days unless set), a "not there" for
//! an hour; failures (timeouts, bad answers) are never stored. A file that cannot be read is
//! ignored, and the next answer replaces it.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::Answer;

/// How long a "not in the registry" is believed: a tag may be pushed any time.
const MISSING_TTL: Duration = Duration::from_secs(3600);

/// How long an answer is believed after it was fetched: a size for the TTL, a miss for an hour
/// at most.
pub fn kept_for(answer: &Answer, ttl: Duration) -> Duration {
    match answer {
        Answer::Found { .. } => ttl,
        Answer::Missing { .. } => MISSING_TTL.min(ttl),
    }
}

/// File names keep the reference readable; only what a path cannot hold is escaped.
const FILE_NAME: &AsciiSet = &NON_ALPHANUMERIC.remove(b'.').remove(b'-').remove(b'_');

#[derive(Serialize, Deserialize)]
struct Entry {
    reference: String,
    platform: String,
    /// Seconds since the Unix epoch.
    fetched_at: u64,
    answer: Answer,
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn in_dir(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// `registry/` in the user's cache directory.
    pub fn user() -> Cache {
        Cache::in_dir(crate::cache_dir::cache_dir().join("registry"))
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn path(&self, reference: &str, platform: &str) -> PathBuf {
        let key = format!("{reference} {platform}");
        self.dir
            .join(format!("{}.json", utf8_percent_encode(&key, FILE_NAME)))
    }

    /// The stored answer and when it was fetched, unless there is none, it is stale, or the
    /// file is unreadable.
    pub fn get(
        &self,
        reference: &str,
        platform: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Option<(Answer, SystemTime)> {
        let text = std::fs::read(self.path(reference, platform)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.reference != reference || entry.platform != platform {
            return None;
        }
        let fetched = UNIX_EPOCH + Duration::from_secs(entry.fetched_at);
        let age = now.duration_since(fetched).ok()?;
        (age < kept_for(&entry.answer, ttl)).then_some((entry.answer, fetched))
    }

    /// Stores an answer; written to a temporary file and renamed, so that a reader (another
    /// dockerlean process) never sees half a file.
    pub fn put(
        &self,
        reference: &str,
        platform: &str,
        answer: &Answer,
        fetched: SystemTime,
    ) -> std::io::Result<()> {
        let entry = Entry {
            reference: reference.to_string(),
            platform: platform.to_string(),
            fetched_at: fetched
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            answer: answer.clone(),
        };
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(reference, platform);
        let temporary = path.with_extension(format!("json.{}", std::process::id()));
        std::fs::write(&temporary, serde_json::to_vec_pretty(&entry)?)?;
        std::fs::rename(&temporary, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn found() -> Answer {
        Answer::Found {
            compressed: 10,
            layers: 1,
            platform: "linux/amd64".into(),
        }
    }

    #[test]
    fn answers_are_kept_for_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::in_dir(dir.path().join("registry"));
        let (r, p) = ("docker.io/library/python:3.9", "linux/amd64");
        let then = SystemTime::now() - 2 * DAY;
        assert_eq!(cache.get(r, p, DAY, SystemTime::now()), None);
        cache.put(r, p, &found(), then).unwrap();
        assert!(cache.get(r, p, 3 * DAY, SystemTime::now()).is_some());
        assert_eq!(cache.get(r, p, DAY, SystemTime::now()), None, "stale");
        assert_eq!(
            cache.get(r, "linux/arm64/v8", 3 * DAY, SystemTime::now()),
            None
        );
        let missing = Answer::Missing { why: "x".into() };
        let recently = SystemTime::now() - Duration::from_secs(600);
        cache.put(r, p, &missing, recently).unwrap();
        assert!(cache.get(r, p, DAY, SystemTime::now()).is_some());
        let later = SystemTime::now() + MISSING_TTL;
        assert_eq!(cache.get(r, p, DAY, later), None, "a miss is kept an hour");
    }

    #[test]
    fn an_unreadable_file_is_no_answer_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::in_dir(dir.path().to_path_buf());
        let (r, p) = ("ghcr.io/o/app:1", "linux/amd64");
        std::fs::write(cache.path(r, p), b"{ not json").unwrap();
        assert_eq!(cache.get(r, p, DAY, SystemTime::now()), None);
        cache.put(r, p, &found(), SystemTime::now()).unwrap();
        assert_eq!(
            cache.get(r, p, DAY, SystemTime::now()).map(|(a, _)| a),
            Some(found())
        );
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["ghcr.io%2Fo%2Fapp%3A1%20linux%2Famd64.json"]);
    }
}
