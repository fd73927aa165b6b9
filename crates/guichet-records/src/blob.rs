//! Blob ids: the lower-case hex SHA-256 of a file's bytes. A bundle names its `blobs/` members
//! by them, and the store files its blobs under the same ids, so a blob travels and lands
//! under one name.

use sha2::{Digest, Sha256};

/// The id of a blob: the lower-case hex SHA-256 of its content. Deserialising checks it like
/// [`BlobId::parse`]: ids come from bundles and end up in file paths, so a record naming
/// `../x` is refused as it is read, not trusted until someone remembers to check.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "String", try_from = "String")]
pub struct BlobId(String);

impl TryFrom<String> for BlobId {
    type Error = NotABlobId;

    fn try_from(s: String) -> Result<BlobId, NotABlobId> {
        BlobId::parse(&s)
    }
}

impl From<BlobId> for String {
    fn from(id: BlobId) -> String {
        id.0
    }
}

/// A string that is not a blob id (64 lower-case hex digits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a SHA-256")]
pub struct NotABlobId(pub String);

impl BlobId {
    /// The id of `bytes`.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(
            Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// Parses a stored id, refusing anything that is not 64 lower-case hex digits (ids end up
    /// in file paths: no `..` may sneak in).
    pub fn parse(s: &str) -> Result<BlobId, NotABlobId> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(BlobId(s.to_string()))
        } else {
            Err(NotABlobId(s.to_string()))
        }
    }

    /// The hex string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_sha256_and_only_sha256_strings_parse() {
        let id = BlobId::of(b"screenshot");
        assert_eq!(BlobId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.to_string().len(), 64);
        assert!(BlobId::parse("../../etc/passwd").is_err());
        assert!(BlobId::parse(&id.as_str().to_ascii_uppercase()).is_err());
    }

    #[test]
    fn deserialising_checks_the_id() {
        let id = BlobId::of(b"x");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<BlobId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<BlobId>("\"../../etc/passwd\"").is_err());
    }
}
