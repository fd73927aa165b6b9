//! Proxy credentials: a proxy's address may carry a login and password
//! (`http://user:pw@proxy:3128`). The address is a setting, kept in the store; the login and
//! password are a secret, kept in the [`SecretStore`] under the account `proxy:<address>`, and
//! put back into the address only when a client is built.
//!
//! Stores written before this kept the whole address, credentials included, in their settings:
//! [`keep_credentials`] moves them out when such a setting is read or saved.

use crate::secret::SecretStore;
use crate::SyncError;

/// A proxy address split from its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAddress {
    /// The address without credentials, e.g. `http://proxy:3128`: safe to keep as a setting.
    pub address: String,
    /// The `user:password` part, as written in the address (percent-encoded), if any.
    pub credentials: Option<String>,
}

/// Splits `url` into its address and its credentials (the part before `@` in the authority).
pub fn split(url: &str) -> ProxyAddress {
    let url = url.trim();
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return ProxyAddress {
            address: url.to_string(),
            credentials: None,
        };
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => ProxyAddress {
            address: format!("{}{}", &url[..scheme_end], &rest[at + 1..]),
            credentials: Some(rest[..at].to_string()).filter(|c| !c.is_empty()),
        },
        None => ProxyAddress {
            address: url.to_string(),
            credentials: None,
        },
    }
}

/// The secret-store account of the credentials of the proxy at `address`.
pub fn account(address: &str) -> String {
    format!("proxy:{}", address.trim().trim_end_matches('/'))
}

/// Keeps the credentials of `url`, if it has any, in `secrets`; returns the address alone,
/// the only part that may be written to the store.
pub fn keep_credentials(url: &str, secrets: &SecretStore) -> Result<String, SyncError> {
    let p = split(url);
    if let Some(c) = &p.credentials {
        secrets.store(&account(&p.address), c)?;
    }
    Ok(p.address)
}

/// The address to give the HTTP client: `address` with the credentials kept for it, if any
/// (none kept, or no secret store reachable: the address alone, and the proxy says whether it
/// wants them).
pub fn with_credentials(address: &str, secrets: &SecretStore) -> String {
    let p = split(address);
    match secrets.load(&account(&p.address)) {
        Ok(c) => match p.address.find("://") {
            Some(i) => format!("{}{c}@{}", &p.address[..i + 3], &p.address[i + 3..]),
            None => p.address,
        },
        Err(_) => p.address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_split_from_the_address() {
        let p = split(" http://alice:p%40ss@proxy.example.org:3128/ ");
        assert_eq!(p.address, "http://proxy.example.org:3128/");
        assert_eq!(p.credentials.as_deref(), Some("alice:p%40ss"));
        assert_eq!(
            split("https://proxy:3128").credentials,
            None,
            "no credentials"
        );
        // An `@` after the authority is not a login.
        let p = split("http://proxy:3128/a@b");
        assert_eq!(
            (p.address.as_str(), p.credentials),
            ("http://proxy:3128/a@b", None)
        );
        assert_eq!(split("").address, "");
        assert_eq!(account("http://proxy:3128/"), "proxy:http://proxy:3128");
    }

    #[test]
    fn proxy_credentials_leave_the_settings_for_the_keyring_and_come_back_for_the_client() {
        let account = account("http://proxy-test.invalid:3128");
        let address = match keep_credentials(
            "http://alice:s3cret@proxy-test.invalid:3128",
            &SecretStore::Keyring,
        ) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("SKIP: no keyring here: {e}");
                return;
            }
        };
        assert_eq!(address, "http://proxy-test.invalid:3128");
        assert_eq!(
            with_credentials(&address, &SecretStore::Keyring),
            "http://alice:s3cret@proxy-test.invalid:3128"
        );
        SecretStore::Keyring.delete(&account);
        assert_eq!(
            with_credentials(&address, &SecretStore::Keyring),
            "http://proxy-test.invalid:3128"
        );
    }
}
