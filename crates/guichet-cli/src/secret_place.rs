//! What `connect` says about where the secret went: the store's name and whether the secret
//! is still there after the machine restarts (the kernel key store forgets it, so a scheduled
//! agent relying on it stops syncing at the first reboot).

use guichet_sync::secret::Backend;
use serde::Serialize;

/// Where a secret went, as `--json` gives it.
#[derive(Debug, Clone, Serialize)]
pub struct SecretPlace {
    /// Stable name: `secret_service`, `keyutils`, `native`, `system_credential`.
    pub store: &'static str,
    /// The store's name for people.
    pub description: String,
    /// Whether the secret survives a reboot.
    pub survives_reboot: bool,
}

impl SecretPlace {
    /// The place of `backend`.
    pub fn of(backend: Backend) -> SecretPlace {
        SecretPlace {
            store: backend.name(),
            description: backend.to_string(),
            survives_reboot: backend.survives_reboot(),
        }
    }

    /// The line for stderr (a warning when the secret will not outlive a reboot).
    pub fn line(&self) -> String {
        if self.survives_reboot {
            format!(
                "secret kept in the {}: it survives a reboot; settings saved",
                self.description
            )
        } else {
            format!(
                "settings saved; warning: the secret is kept in the {}, which forgets it when \
                 the machine restarts (and after days without use): a scheduled agent then \
                 stops syncing. For the agent, run `guichet agent install --system` and \
                 `guichet --system-agent connect …` as root (systemd encrypted credentials); \
                 for a person, connect from a desktop session (Secret Service)",
                self.description
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_kernel_key_store_is_said_to_forget_at_reboot() {
        let k = SecretPlace::of(Backend::Keyutils);
        assert!(!k.survives_reboot && k.line().contains("forgets it"));
        for b in [
            Backend::SecretService,
            Backend::Native,
            Backend::SystemCredential,
        ] {
            let p = SecretPlace::of(b);
            assert!(p.survives_reboot && p.line().contains("survives a reboot"));
        }
    }
}
