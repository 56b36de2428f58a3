//! TLS for PostgreSQL connections with rustls, a TLS stack written in Rust
//! (the `ring` crypto provider): nothing to install on a fresh machine, no
//! OpenSSL to match, the same behaviour everywhere.
//!
//! The `sslmode`s do what libpq's do:
//! - `disable`: plaintext; `allow`: plaintext, TLS if the server insists;
//!   `prefer` (the default): TLS when the server offers it; `require`: TLS
//!   or nothing. These three check no certificate, unless a root
//!   certificate is given (`sslrootcert`) or `~/.postgresql/root.crt` exists:
//!   then the server's certificate must be signed by it, as with `verify-ca`.
//! - `verify-ca`: TLS with a server certificate signed by a root of
//!   `sslrootcert` (default `~/.postgresql/root.crt`, which must then exist).
//! - `verify-full`: `verify-ca`, and the certificate names the host.
//!   `sslrootcert=system` trusts the system's roots (read by
//!   rustls-native-certs, or Mozilla's list built in where the system has
//!   none) and requires `verify-full`.
//!
//! A client certificate is sent when `sslcert` (default
//! `~/.postgresql/postgresql.crt`) exists, with its key `sslkey` (default
//! `~/.postgresql/postgresql.key`), which must be readable by its owner only.

use super::{Settings, SslMode};
use crate::error::{Error, Result};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    /// A PEM file of CA certificates.
    File(PathBuf),
    /// The system's trusted roots (`sslrootcert=system`).
    System,
}

/// How the server's certificate is checked.
enum Check {
    Nothing,
    Chain(Arc<RootCertStore>),
    ChainAndName(Arc<RootCertStore>),
}

/// The rustls configuration for `settings`, or a clear error naming the file
/// at fault.
pub(crate) fn client_config(settings: &Settings) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let bad = |message: String| Error::Connection {
        url: settings.to_string(),
        message,
    };
    let roots = match &settings.sslrootcert {
        Some(root) => Some(root.clone()),
        None => settings
            .default_root_cert()
            .filter(|path| path.is_file())
            .map(RootCert::File),
    };
    let check = match (settings.sslmode, roots) {
        (SslMode::VerifyFull, Some(root)) => Check::ChainAndName(load_roots(&root).map_err(bad)?),
        (SslMode::VerifyCa, Some(root)) => Check::Chain(load_roots(&root).map_err(bad)?),
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            let file = settings
                .default_root_cert()
                .map_or("~/.postgresql/root.crt".into(), |p| p.display().to_string());
            return Err(bad(format!(
                "sslmode={} needs the certificate of the CA that signed the server's, and the root \
                 certificate file {file} does not exist: give it with sslrootcert=FILE (or \
                 PGSSLROOTCERT), use the system's roots with sslrootcert=system, or choose \
                 sslmode=require to encrypt without checking the server",
                settings.sslmode
            )));
        }
        (_, Some(root)) => Check::Chain(load_roots(&root).map_err(bad)?),
        (_, None) => Check::Nothing,
    };
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::Nothing => Arc::new(Partial {
            chain: None,
            provider: provider.clone(),
        }),
        Check::Chain(roots) => Arc::new(Partial {
            chain: Some(webpki(roots, &provider).map_err(bad)?),
            provider: provider.clone(),
        }),
        Check::ChainAndName(roots) => webpki(roots, &provider).map_err(bad)?,
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client_certificate(settings).map_err(bad)? {
        Some((certs, key)) => builder
            .with_client_auth_cert(certs, key)
            .map_err(|e| bad(format!("the client certificate or key is not usable: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    config.enable_sni = settings.sslsni;
    // PostgreSQL 17 checks the protocol name when the client offers one.
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(config)
}

fn webpki(
    roots: Arc<RootCertStore>,
    provider: &Arc<CryptoProvider>,
) -> std::result::Result<Arc<WebPkiServerVerifier>, String> {
    WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| format!("TLS setup: {e}"))
}

fn load_roots(root: &RootCert) -> std::result::Result<Arc<RootCertStore>, String> {
    let mut store = RootCertStore::empty();
    match root {
        RootCert::File(path) => {
            let certs = read_certs(path, "root certificate file")?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "the root certificate file {} holds no usable certificate",
                    path.display()
                ));
            }
        }
        RootCert::System => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
        }
    }
    Ok(Arc::new(store))
}

fn read_certs(
    path: &Path,
    what: &str,
) -> std::result::Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect())
        .map_err(|e| format!("the {what} {} cannot be read: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "the {what} {} holds no PEM certificate",
            path.display()
        ));
    }
    Ok(certs)
}

type ClientCert = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// The client certificate and key, when there is one to send.
fn client_certificate(settings: &Settings) -> std::result::Result<Option<ClientCert>, String> {
    if settings.sslcertmode == "disable" {
        return Ok(None);
    }
    let cert = match &settings.sslcert {
        Some(path) if !path.is_file() => {
            return Err(format!(
                "the client certificate file {} (sslcert) does not exist",
                path.display()
            ));
        }
        Some(path) => Some(path.clone()),
        None => settings
            .default_client_file("postgresql.crt")
            .filter(|p| p.is_file()),
    };
    let Some(cert) = cert else {
        if settings.sslcertmode == "require" {
            return Err("sslcertmode=require, but there is no client certificate (sslcert)".into());
        }
        return Ok(None);
    };
    let key = settings
        .sslkey
        .clone()
        .or_else(|| settings.default_client_file("postgresql.key"))
        .ok_or_else(|| "a client certificate needs its key: give sslkey=FILE".to_string())?;
    check_key_permissions(&key)?;
    let certs = read_certs(&cert, "client certificate file")?;
    let pem = std::fs::read_to_string(&key)
        .map_err(|e| format!("the client key file {} cannot be read: {e}", key.display()))?;
    if pem.contains("ENCRYPTED") {
        return Err(format!(
            "the client key file {} is encrypted, which dataslicer does not support (sslpassword): \
             decrypt it (openssl pkey -in KEY -out KEY.plain) and keep it readable by you only",
            key.display()
        ));
    }
    let key_der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| {
        format!(
            "the client key file {} holds no usable private key: {e}",
            key.display()
        )
    })?;
    Ok(Some((certs, key_der)))
}

/// libpq's rule: the key is readable by its owner only (0600), or also by
/// the group when root owns it (0640).
fn check_key_permissions(key: &Path) -> std::result::Result<(), String> {
    let meta = std::fs::metadata(key)
        .map_err(|e| format!("the client key file {} cannot be read: {e}", key.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = meta.permissions().mode();
        let allowed = if meta.uid() == 0 { 0o640 } else { 0o600 };
        if mode & 0o777 & !allowed != 0 {
            return Err(format!(
                "the client key file {} has group or world access; it must have permissions u=rw \
                 (0600) or less if owned by you, or u=rw,g=r (0640) or less if owned by root",
                key.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Ok(())
}

/// What `verify-ca` and the modes without a root certificate check: the
/// chain but not the name, or (`prefer`, `require` without a root
/// certificate, as libpq does) nothing of the certificate. The handshake's
/// signatures are checked either way.
#[derive(Debug)]
struct Partial {
    /// The chain's checker; `None`: any certificate is accepted.
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Partial {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
