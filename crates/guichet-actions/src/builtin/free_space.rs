//! `free-space`: empties the user's trash and the caches that are safe to drop, after showing
//! how much each holds.
//!
//! What is emptied, and why it is safe:
//! * the trash (`$XDG_DATA_HOME/Trash/files` and `info`, as the freedesktop trash
//!   specification lays it out): the user already threw these away; emptying it is what the
//!   file manager's "Empty trash" does. Trash folders on other volumes are left alone.
//! * [`SAFE_CACHES`] under `$XDG_CACHE_HOME`: caches their program rebuilds on its own when
//!   they are missing (picture thumbnails, browsers' disk caches, package managers' download
//!   caches, compiled shader and build caches). Never a browser's profile, cookies or history,
//!   never anything under `~/.config` or `~/.local/share` besides the trash, and never the
//!   whole of `~/.cache` (some programs keep state there that they do not rebuild).
//!
//! The folders are emptied, not removed; symbolic links are removed as links and never
//! followed; nothing on another file system is entered (see `sweep`).

mod sweep;

use std::path::{Path, PathBuf};
use std::time::Instant;

use guichet_records::Sentence;

use super::size_text;
use crate::{Action, ActionContext, ActionError, Outcome, Plan};
pub use sweep::{sweep, Tally};

/// The action's id, the one storage findings name in `fixes`.
pub const ID: &str = "free-space";

/// Caches under `$XDG_CACHE_HOME` that are safe to drop, with their names for people.
/// A `*` component stands for each entry there (a browser profile).
pub const SAFE_CACHES: &[(&str, &str, &str)] = &[
    (
        "thumbnails",
        "les miniatures d'images",
        "picture thumbnails",
    ),
    (
        "mozilla/firefox/*/cache2",
        "le cache de Firefox",
        "Firefox's cache",
    ),
    (
        "chromium/*/Cache",
        "le cache de Chromium",
        "Chromium's cache",
    ),
    (
        "chromium/*/Code Cache",
        "le cache de code de Chromium",
        "Chromium's code cache",
    ),
    (
        "google-chrome/*/Cache",
        "le cache de Chrome",
        "Chrome's cache",
    ),
    (
        "google-chrome/*/Code Cache",
        "le cache de code de Chrome",
        "Chrome's code cache",
    ),
    ("microsoft-edge/*/Cache", "le cache d'Edge", "Edge's cache"),
    ("pip", "le cache de pip", "pip's cache"),
    ("yarn", "le cache de Yarn", "Yarn's cache"),
    (
        "go-build",
        "le cache de compilation de Go",
        "Go's build cache",
    ),
    (
        "mesa_shader_cache",
        "le cache des shaders graphiques",
        "the graphics shader cache",
    ),
];

/// Empties the trash and the safe caches.
#[derive(Debug, Clone, Default)]
pub struct FreeSpace {
    /// `$XDG_DATA_HOME` if set (absolute); else `<home>/.local/share`.
    pub data_home: Option<PathBuf>,
    /// `$XDG_CACHE_HOME` if set (absolute); else `<home>/.cache`.
    pub cache_home: Option<PathBuf>,
}

/// One thing to empty: its folders (below `base`, reached without following links) and its
/// names for people.
struct Target {
    base: PathBuf,
    folders: Vec<PathBuf>,
    fr: String,
    en: String,
}

impl FreeSpace {
    /// Reads `XDG_DATA_HOME` and `XDG_CACHE_HOME` (relative values are ignored, as the XDG
    /// specification says).
    pub fn from_env() -> Self {
        let absolute = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        FreeSpace {
            data_home: absolute("XDG_DATA_HOME"),
            cache_home: absolute("XDG_CACHE_HOME"),
        }
    }

    fn targets(&self, ctx: &ActionContext) -> Result<Vec<Target>, ActionError> {
        let base = |set: &Option<PathBuf>, under_home: &str| {
            set.clone()
                .or_else(|| ctx.home.as_ref().map(|h| h.join(under_home)))
        };
        let (Some(data), Some(cache)) = (
            base(&self.data_home, ".local/share"),
            base(&self.cache_home, ".cache"),
        ) else {
            return Err(ActionError::Unavailable(
                "the home folder is not known".into(),
            ));
        };
        let mut out = vec![Target {
            folders: vec![PathBuf::from("Trash/files"), PathBuf::from("Trash/info")],
            base: data,
            fr: "la corbeille".into(),
            en: "the trash".into(),
        }];
        for (pattern, fr, en) in SAFE_CACHES {
            out.push(Target {
                folders: expand(&cache, pattern),
                base: cache.clone(),
                fr: (*fr).into(),
                en: (*en).into(),
            });
        }
        Ok(out)
    }
}

/// The folders, relative to `base`, a pattern names; `*` stands for each real folder there
/// (links are not expanded).
fn expand(base: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::new()];
    for part in pattern.split('/') {
        if part == "*" {
            let mut found: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| Some((p, std::fs::read_dir(base.join(p)).ok()?)))
                .flat_map(|(p, rd)| {
                    rd.filter_map(Result::ok)
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(move |e| p.join(e.file_name()))
                })
                .collect();
            found.sort();
            paths = found;
        } else {
            paths.iter_mut().for_each(|p| p.push(part));
        }
    }
    paths
}

fn measure(target: &Target, remove: bool) -> (Tally, Vec<String>) {
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    for folder in &target.folders {
        match sweep(&target.base, folder, remove) {
            Ok(t) => tally.add(t),
            Err(e) => errors.push(format!("{}: {e}", target.base.join(folder).display())),
        }
    }
    (tally, errors)
}

impl Action for FreeSpace {
    fn id(&self) -> String {
        ID.into()
    }

    fn plan(&self, ctx: &ActionContext) -> Result<Plan, ActionError> {
        let mut steps = Vec::new();
        let mut total = 0;
        for target in self.targets(ctx)? {
            let (tally, _) = measure(&target, false);
            if tally.files == 0 {
                continue;
            }
            total += tally.bytes;
            let (fr, en) = size_text(tally.bytes);
            steps.push(Sentence::new(
                format!("Vider {} : {fr}", target.fr),
                format!("Empty {}: {en}", target.en),
            ));
        }
        if steps.len() > 1 {
            let (fr, en) = size_text(total);
            steps.push(Sentence::new(
                format!("En tout : {fr}"),
                format!("In all: {en}"),
            ));
        }
        Ok(Plan {
            action: ID.into(),
            title: Sentence::new("Libérer de l'espace disque", "Free disk space"),
            nothing_to_do: steps.is_empty(),
            steps,
            needs_network: false,
            publisher: None,
        })
    }

    fn run(&self, ctx: &ActionContext) -> Result<Outcome, ActionError> {
        let started = Instant::now();
        let mut lines = Vec::new();
        let mut total = Tally::default();
        let mut failed = false;
        for target in self.targets(ctx)? {
            let (tally, errors) = measure(&target, true);
            failed |= !errors.is_empty();
            lines.extend(errors.iter().map(|e| format!("{}: {e}", target.en)));
            if tally.files == 0 && tally.skipped == 0 {
                continue;
            }
            total.add(tally);
            let mut line = format!(
                "emptied {}: {} freed, {} {}",
                target.en,
                size_text(tally.bytes).1,
                tally.files,
                if tally.files == 1 { "file" } else { "files" }
            );
            if tally.skipped > 0 {
                line.push_str(&format!(", {} left in place", tally.skipped));
            }
            lines.push(line);
        }
        lines.push(format!("freed {} in all", size_text(total.bytes).1));
        Ok(Outcome {
            action: ID.into(),
            started_at: ctx.now,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            succeeded: !failed,
            output: lines.join("\n"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use std::time::Duration;

    fn ctx(home: &Path) -> ActionContext {
        ActionContext {
            now: DateTime::UNIX_EPOCH,
            home: Some(home.to_path_buf()),
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn plan_shows_sizes_and_changes_nothing_then_run_empties_only_the_listed_folders() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        for (path, size) in [
            (".local/share/Trash/files/old.iso", 300_000),
            (".local/share/Trash/info/old.iso.trashinfo", 100),
            (".cache/thumbnails/large/a.png", 50_000),
            (
                ".cache/mozilla/firefox/abcd.default/cache2/entries/E1",
                40_000,
            ),
            (".cache/mozilla/firefox/abcd.default/cookies.sqlite", 1_000),
            (".cache/some-app/state.db", 7_000),
            (".local/share/keyrings/login.keyring", 500),
        ] {
            let p = h.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, vec![7u8; size]).unwrap();
        }
        let action = FreeSpace::default();
        let plan = action.plan(&ctx(h)).unwrap();
        let en: Vec<&str> = plan.steps.iter().map(|s| s.en.as_str()).collect();
        assert_eq!(en.len(), 4, "{en:?}");
        assert!(en[0].starts_with("Empty the trash: "), "{en:?}");
        assert!(en[1].starts_with("Empty picture thumbnails: "), "{en:?}");
        assert!(en[2].starts_with("Empty Firefox's cache: "), "{en:?}");
        assert!(en[3].starts_with("In all: "), "{en:?}");
        assert!(plan.steps[0].fr.starts_with("Vider la corbeille : "));
        assert!(h.join(".local/share/Trash/files/old.iso").exists());

        let outcome = action.run(&ctx(h)).unwrap();
        assert!(outcome.succeeded, "{}", outcome.output);
        assert!(!h.join(".local/share/Trash/files/old.iso").exists());
        assert!(h.join(".local/share/Trash/files").is_dir());
        assert!(!h.join(".cache/thumbnails/large/a.png").exists());
        for kept in [
            ".cache/mozilla/firefox/abcd.default/cookies.sqlite",
            ".cache/some-app/state.db",
            ".local/share/keyrings/login.keyring",
        ] {
            assert!(h.join(kept).exists(), "{kept}");
        }
        assert!(action.plan(&ctx(h)).unwrap().nothing_to_do);
    }

    #[test]
    fn xdg_folders_win_over_the_home() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(data.join("Trash/files")).unwrap();
        std::fs::write(data.join("Trash/files/x"), b"x").unwrap();
        let action = FreeSpace {
            data_home: Some(data.clone()),
            cache_home: Some(tmp.path().join("nocache")),
        };
        let plan = action.plan(&ctx(&tmp.path().join("elsewhere"))).unwrap();
        assert_eq!(plan.steps.len(), 1);
        let no_home = ActionContext {
            home: None,
            ..ctx(tmp.path())
        };
        assert!(matches!(
            FreeSpace::default().plan(&no_home),
            Err(ActionError::Unavailable(_))
        ));
    }
}
