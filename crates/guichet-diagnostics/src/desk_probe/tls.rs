//! The TLS side of the probe: the system's root certificates (as the sync client trusts them)
//! plus the connection's extra CA file, and a verifier that keeps the server's certificate and
//! the verdict, so that an expired or untrusted certificate is reported with its dates instead
//! of a bare handshake failure.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use x509_cert::der::Decode;

/// What the verification said of the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertVerdict {
    /// Trusted chain, right name, in its validity period.
    Valid,
    /// Past its end date.
    Expired,
    /// Before its start date (often this machine's clock is behind).
    NotYetValid,
    /// Signed by no authority this machine trusts (self-signed, a private CA not installed).
    UnknownIssuer,
    /// Made out for another name than the desk's.
    WrongName,
    /// Revoked by its authority.
    Revoked,
    /// Refused for another reason (the reason).
    Other(String),
}

impl CertVerdict {
    fn from_error(e: &Error) -> CertVerdict {
        match e {
            Error::InvalidCertificate(c) => match c {
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    CertVerdict::Expired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    CertVerdict::NotYetValid
                }
                CertificateError::UnknownIssuer => CertVerdict::UnknownIssuer,
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => CertVerdict::WrongName,
                CertificateError::Revoked => CertVerdict::Revoked,
                other => CertVerdict::Other(format!("{other:?}")),
            },
            other => CertVerdict::Other(other.to_string()),
        }
    }
}

/// The server's certificate as the verifier saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertReading {
    /// The verdict.
    pub verdict: CertVerdict,
    /// Its end of validity, when the certificate could be decoded.
    pub not_after: Option<DateTime<Utc>>,
}

/// Delegates to webpki's verifier and keeps what it was shown and what it said; with
/// `read_anyway` it lets the handshake go on whatever the verdict (to read the desk's clock
/// when its certificate is refused: nothing is sent but a `HEAD` request).
#[derive(Debug)]
pub struct KeepingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<CertReading>>,
    read_anyway: bool,
}

impl KeepingVerifier {
    /// What the last handshake showed, if it got as far as a certificate.
    pub fn seen(&self) -> Option<CertReading> {
        self.seen.lock().ok().and_then(|s| s.clone())
    }
}

impl ServerCertVerifier for KeepingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let result = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let verdict = match &result {
            Ok(_) => CertVerdict::Valid,
            Err(e) => CertVerdict::from_error(e),
        };
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(CertReading {
                verdict,
                not_after: not_after(end_entity),
            });
        }
        match result {
            Err(_) if self.read_anyway => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The end of validity of a DER certificate; `None` when it does not decode.
pub fn not_after(der: &[u8]) -> Option<DateTime<Utc>> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let secs = cert
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration()
        .as_secs();
    DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)
}

/// A client configuration trusting the system's roots and those of `ca_file`, with the
/// verifier it reports through. Fails only when no root at all could be loaded.
pub fn client_config(
    ca_file: Option<&Path>,
    read_anyway: bool,
) -> Result<(rustls::ClientConfig, Arc<KeepingVerifier>), String> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = ca_file {
        let extra: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(Result::ok)
            .collect();
        roots.add_parsable_certificates(extra);
    }
    if roots.is_empty() {
        return Err("no trusted root certificate on this machine".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let verifier = Arc::new(KeepingVerifier {
        inner,
        seen: Mutex::new(None),
        read_anyway,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok((config, verifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_from_rustls_errors() {
        let e = |c| Error::InvalidCertificate(c);
        assert_eq!(
            CertVerdict::from_error(&e(CertificateError::Expired)),
            CertVerdict::Expired
        );
        assert_eq!(
            CertVerdict::from_error(&e(CertificateError::UnknownIssuer)),
            CertVerdict::UnknownIssuer
        );
        assert_eq!(
            CertVerdict::from_error(&e(CertificateError::NotValidForName)),
            CertVerdict::WrongName
        );
        assert!(matches!(
            CertVerdict::from_error(&Error::General("x".into())),
            CertVerdict::Other(_)
        ));
    }

    #[test]
    fn garbage_has_no_end_date() {
        assert_eq!(not_after(b"not a certificate"), None);
    }
}
