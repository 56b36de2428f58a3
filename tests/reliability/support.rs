//! What the reliability tests share: a TLS-only, password-protected
//! throwaway cluster with certificates made here, the shop example's binary
//! run as a user runs it (with a clean environment), and checks that a
//! secret appears nowhere.

use dataslicer_dev::{ClusterSetup, Scratch, ThrowawayCluster};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

/// The superuser's password on the TLS server: an `@`, a space and a quote,
/// so that every way of writing it in a connection string is exercised.
pub const PASSWORD: &str = "p@ss w'rd-xyzzy";

/// Pieces of [`PASSWORD`] that must not show either (half of a quoted
/// value, the part after the `@`).
pub const PASSWORD_PIECES: &[&str] = &["p@ss", "w'rd", "xyzzy"];

/// The role that logs in with a client certificate (`cert` authentication).
pub const CERT_USER: &str = "certuser";

/// A CA and what it signed, as PEM.
pub struct Pki {
    pub ca: String,
    pub server_cert: String,
    pub server_key: String,
    pub client_cert: String,
    pub client_key: String,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params
}

/// A fresh CA, a server certificate for `localhost` only (not for
/// 127.0.0.1, so that verify-full can be seen to check the name) and a
/// client certificate for [`CERT_USER`].
pub fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_params = ca_params("dataslicer test CA");
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().expect("server key");
    let mut server = CertificateParams::new(vec!["localhost".to_string()]).expect("server params");
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    let server_cert = server
        .signed_by(&server_key, &issuer)
        .expect("server certificate");

    let client_key = KeyPair::generate().expect("client key");
    let mut client = CertificateParams::new(Vec::<String>::new()).expect("client params");
    client
        .distinguished_name
        .push(DnType::CommonName, CERT_USER);
    let client_cert = client
        .signed_by(&client_key, &issuer)
        .expect("client certificate");
    Pki {
        ca: ca.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    }
}

/// A CA that signed nothing the server holds.
pub fn other_ca() -> String {
    let key = KeyPair::generate().expect("key");
    ca_params("another CA")
        .self_signed(&key)
        .expect("certificate")
        .pem()
}

/// The TLS server: `ssl = on`, a `pg_hba.conf` of `hostssl` lines only
/// (SCRAM passwords, and client certificates for [`CERT_USER`]), and
/// `local` trust for the superuser so that the test can set it up.
pub struct TlsServer {
    pub cluster: ThrowawayCluster,
    pub pki: Pki,
    /// Holds `ca.crt`, `other-ca.crt`, the client certificate and key.
    pub files: Scratch,
}

impl TlsServer {
    pub fn port(&self) -> u16 {
        self.cluster.port()
    }

    /// The file of the server's CA.
    pub fn ca_file(&self) -> PathBuf {
        self.files.path("ca.crt")
    }

    /// The file of a CA that did not sign the server's certificate.
    pub fn other_ca_file(&self) -> PathBuf {
        self.files.path("other-ca.crt")
    }

    /// A connection string for the superuser through the Unix socket (no
    /// password, no TLS): for setting databases up.
    pub fn admin(&self, database: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={database}",
            self.cluster.socket_dir().display(),
            self.port()
        )
    }

    /// A new database on this server, with the shop of `customers` customers
    /// when it is not 0. Dropped with the returned guard.
    pub fn database(&self, prefix: &str, customers: u32) -> TlsDb<'_> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = dataslicer::connect(&self.admin("postgres")).expect("admin connection");
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
            .expect("create database");
        if customers > 0 {
            let mut client = dataslicer::connect(&self.admin(&name)).expect("connect");
            dataslicer_dev::shop::create(&mut client, customers).expect("create the shop");
        }
        TlsDb { server: self, name }
    }
}

/// A database on the TLS server, dropped with the value.
pub struct TlsDb<'a> {
    server: &'a TlsServer,
    pub name: String,
}

impl TlsDb<'_> {
    /// A client as the superuser, through the socket.
    pub fn admin_client(&self) -> postgres::Client {
        dataslicer::connect(&self.server.admin(&self.name)).expect("admin connection")
    }
}

impl Drop for TlsDb<'_> {
    fn drop(&mut self) {
        if let Ok(mut admin) = dataslicer::connect(&self.server.admin("postgres")) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The one TLS server of this test process, started on first use.
pub fn tls_server() -> &'static TlsServer {
    static SERVER: LazyLock<TlsServer> = LazyLock::new(|| {
        let pki = pki();
        let setup = ClusterSetup {
            settings: "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
                       ssl_ca_file = 'ca.crt'\npassword_encryption = 'scram-sha-256'\n"
                .into(),
            hba: Some(format!(
                "local all postgres trust\n\
                 hostssl all {CERT_USER} 127.0.0.1/32 cert\n\
                 hostssl all all 127.0.0.1/32 scram-sha-256\n\
                 hostssl all all ::1/128 scram-sha-256\n"
            )),
            superuser_password: Some(PASSWORD.into()),
            files: vec![
                (
                    "server.crt".into(),
                    pki.server_cert.clone().into_bytes(),
                    0o644,
                ),
                (
                    "server.key".into(),
                    pki.server_key.clone().into_bytes(),
                    0o600,
                ),
                ("ca.crt".into(), pki.ca.clone().into_bytes(), 0o644),
            ],
        };
        let cluster = ThrowawayCluster::start(&setup)
            .unwrap_or_else(|e| panic!("could not start the TLS cluster: {e}"));
        let files = Scratch::new("tls-files");
        std::fs::write(files.path("ca.crt"), &pki.ca).unwrap();
        std::fs::write(files.path("other-ca.crt"), other_ca()).unwrap();
        std::fs::write(files.path("client.crt"), &pki.client_cert).unwrap();
        write_private(&files.path("client.key"), &pki.client_key);
        let server = TlsServer {
            cluster,
            pki,
            files,
        };
        let mut admin = dataslicer::connect(&server.admin("postgres")).expect("admin connection");
        admin
            .batch_execute(&format!("CREATE ROLE {CERT_USER} LOGIN"))
            .expect("create the certificate role");
        server
    });
    &SERVER
}

/// Writes a file only its owner may read (0600).
pub fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// The `shop` example binary, which `cargo test` builds next to the tests.
pub fn shop_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary = dir.join("examples").join("shop");
    assert!(
        binary.exists(),
        "{} is missing: run the tests with cargo test",
        binary.display()
    );
    binary
}

/// `shop <args>` with an environment of `vars` only (plus PATH), `HOME`
/// set to `home`, run in `home`: no PG* variable, `DATABASE_URL` or
/// `~/.pgpass` of the machine leaks in.
pub fn shop(home: &Path, args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(shop_binary());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .current_dir(home);
    for (k, v) in vars {
        command.env(k, v);
    }
    command
}

/// Runs a command to its end.
pub fn output(mut command: impl std::borrow::BorrowMut<Command>) -> Output {
    command.borrow_mut().output().expect("the example runs")
}

/// Standard output and error, for messages.
pub fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts that neither the text nor any file under `dir` (names and
/// contents) holds the password or a piece of it.
pub fn assert_no_secret(what: &str, shown: &str, dir: &Path) {
    for piece in std::iter::once(&PASSWORD).chain(PASSWORD_PIECES) {
        assert!(
            !shown.contains(piece),
            "{what}: `{piece}` shows in:\n{shown}"
        );
    }
    for path in walk(dir) {
        let name = path.to_string_lossy();
        let bytes = std::fs::read(&path).unwrap_or_default();
        let content = String::from_utf8_lossy(&bytes);
        for piece in std::iter::once(&PASSWORD).chain(PASSWORD_PIECES) {
            assert!(
                !name.contains(piece),
                "{what}: `{piece}` in the file name {name}"
            );
            assert!(
                !content.contains(piece),
                "{what}: `{piece}` in the file {name}"
            );
        }
    }
}

/// Every file and directory under `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// Percent-encodes everything but letters and digits.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
