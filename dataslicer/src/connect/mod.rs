//! Connecting to PostgreSQL the way every PostgreSQL tool does: the one
//! place that turns a connection string, the environment and the password
//! file into [`Settings`], and the one place that shows a connection
//! (`postgres://user@host:port/dbname`, from its parsed parts, never with a
//! secret).
//!
//! Every connection dataslicer opens, source and target, goes through here,
//! with libpq's rules (PostgreSQL's "Connection Strings", "Environment
//! Variables" and "The Password File"):
//!
//! 1. The string is a URL (`postgres://` or `postgresql://`, parts
//!    percent-encoded, `?key=value` parameters) or `keyword=value` pairs
//!    (values with spaces in single quotes, `\` escaping). Unknown keywords
//!    are errors; see [`ConnString`].
//! 2. What it leaves out comes from the environment: `PGHOST`, `PGHOSTADDR`,
//!    `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGPASSFILE`,
//!    `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, `PGSSLSNI`,
//!    `PGSSLCERTMODE`, `PGSSLNEGOTIATION`, `PGCONNECT_TIMEOUT`, `PGOPTIONS`,
//!    `PGAPPNAME`, `PGCHANNELBINDING`, `PGTARGETSESSIONATTRS`,
//!    `PGLOADBALANCEHOSTS`, `PGGSSENCMODE`, `PGREQUIRESSL`.
//! 3. Then libpq's defaults: the local socket directory (or `localhost`),
//!    port 5432, the OS user, a database named like the user.
//! 4. Without a password, the password file: `passfile`, `PGPASSFILE`, or
//!    `~/.pgpass`, looked up for each host tried.
//!
//! On top of libpq: a connect timeout of 10 seconds by default
//! (`connect_timeout`, `PGCONNECT_TIMEOUT`; 0 waits forever, as in libpq)
//! that bounds the whole startup (TCP, TLS, authentication), not only the
//! TCP connection, so a server that accepts connections and never answers is
//! an error naming it; TCP keepalives on (probes after 60 s idle); and
//! optional statement and lock timeouts ([`Settings::statement_timeout`],
//! [`Settings::lock_timeout`]).
//!
//! TLS uses rustls; see the [`tls`] module for each `sslmode`.
//!
//! ```no_run
//! // The password comes from PGPASSWORD or ~/.pgpass, TLS is required.
//! let settings = dataslicer::connect::Settings::parse("host=db.internal dbname=shop sslmode=verify-full")?;
//! println!("connecting to {settings}"); // postgres://app@db.internal:5432/shop
//! let client = settings.connect()?;
//! # drop(client);
//! # Ok::<(), dataslicer::Error>(())
//! ```

mod parse;
mod pgpass;
pub mod tls;

pub use self::parse::ConnString;
pub use self::tls::RootCert;

use crate::error::{Error, Result};
use postgres::config::{ChannelBinding, LoadBalanceHosts, SslNegotiation, TargetSessionAttrs};
use postgres::tls::{MakeTlsConnect, TlsConnect};
use postgres::{Client, NoTls, Socket};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) use self::parse::{any_scheme, first_keyword, url_scheme};

/// The connect timeout when none is given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to the database `conn` names (a URL or keyword/value string,
/// possibly empty), with the environment and the password file filling in
/// what it leaves out. See the [module](self) for the rules.
pub fn connect(conn: &str) -> Result<Client> {
    Settings::parse(conn)?.connect()
}

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// Plaintext only.
    Disable,
    /// Plaintext first; TLS if the server refuses plaintext.
    Allow,
    /// TLS when the server offers it (the default).
    #[default]
    Prefer,
    /// TLS or nothing.
    Require,
    /// TLS with a server certificate signed by a trusted CA.
    VerifyCa,
    /// `VerifyCa`, and the certificate names the host.
    VerifyFull,
}

impl std::str::FromStr for SslMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<SslMode> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => {
                return Err(Error::ConnectionString {
                    message: "sslmode must be disable, allow, prefer, require, verify-ca or \
                              verify-full"
                        .into(),
                });
            }
        })
    }
}

impl std::fmt::Display for SslMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        })
    }
}

/// One host to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// A host name, an IP address, or a Unix socket directory (starting
    /// with `/`).
    pub name: String,
    /// `hostaddr`: the address to connect to, with `name` kept for TLS and
    /// the password file.
    pub addr: Option<IpAddr>,
    /// The port.
    pub port: u16,
}

impl Host {
    fn is_socket(&self) -> bool {
        self.addr.is_none() && self.name.starts_with('/')
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.name.contains(':') && !self.name.starts_with('/') {
            write!(f, "[{}]:{}", self.name, self.port)
        } else {
            write!(f, "{}:{}", self.name, self.port)
        }
    }
}

/// Everything needed to open a connection, resolved: the string's values,
/// then the environment's, then the defaults. Shown (`Display`, `Debug`)
/// without the password.
#[derive(Clone)]
pub struct Settings {
    /// The hosts, tried in order.
    pub hosts: Vec<Host>,
    /// The role.
    pub user: String,
    /// The database.
    pub dbname: String,
    password: Option<String>,
    /// The password file, used when no password is given.
    pub passfile: Option<PathBuf>,
    /// How TLS is used.
    pub sslmode: SslMode,
    /// The trusted roots, when given.
    pub sslrootcert: Option<RootCert>,
    /// The client certificate, when given.
    pub sslcert: Option<PathBuf>,
    /// The client certificate's key, when given.
    pub sslkey: Option<PathBuf>,
    pub(crate) sslcertmode: String,
    /// Whether TLS sends the host name (SNI).
    pub sslsni: bool,
    ssl_negotiation: SslNegotiation,
    /// The limit of the whole startup of one connection; `None` waits forever.
    pub connect_timeout: Option<Duration>,
    /// Whether TCP keepalives are on.
    pub keepalives: bool,
    /// Idle time before the first keepalive probe.
    pub keepalives_idle: Duration,
    /// Time between probes.
    pub keepalives_interval: Duration,
    /// Unanswered probes before the connection is dropped.
    pub keepalives_count: u32,
    /// How long sent data may stay unacknowledged (Linux).
    pub tcp_user_timeout: Option<Duration>,
    /// `application_name`.
    pub application_name: String,
    /// Server options (`-c name=value ...`), from `options` or `PGOPTIONS`.
    pub options: Option<String>,
    channel_binding: ChannelBinding,
    target_session_attrs: TargetSessionAttrs,
    load_balance: bool,
    /// `statement_timeout` of the session: no statement runs longer.
    pub statement_timeout: Option<Duration>,
    /// `lock_timeout` of the session: no lock is waited for longer.
    pub lock_timeout: Option<Duration>,
    home: Option<PathBuf>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("connection", &self.to_string())
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("sslmode", &self.sslmode)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// `postgres://user@host:port[,host:port]/dbname`: never a password.
impl std::fmt::Display for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<String> = self.hosts.iter().map(Host::to_string).collect();
        write!(
            f,
            "postgres://{}@{}/{}",
            self.user,
            hosts.join(","),
            self.dbname
        )
    }
}

impl Settings {
    /// Parses `conn` and resolves it against the process's environment.
    pub fn parse(conn: &str) -> Result<Settings> {
        Settings::resolve(&ConnString::parse(conn)?, &|name| std::env::var(name).ok())
    }

    /// Resolves a parsed string against an environment (`env` looks a
    /// variable up): the string's values first, then `PG*` variables, then
    /// libpq's defaults.
    pub fn resolve(conn: &ConnString, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let get = |key: &str, var: &str| conn.get(key).map(str::to_string).or_else(|| env(var));
        let bad = |message: String| Error::ConnectionString { message };
        let home = env("HOME").map(PathBuf::from).or_else(os_home);

        let ports: Vec<u16> = match get("port", "PGPORT") {
            None => vec![5432],
            Some(list) => list
                .split(',')
                .map(|p| match p.trim() {
                    "" => Ok(5432),
                    p => p.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| {
                        bad(
                            "port must be a number from 1 to 65535 (or a comma-separated list)"
                                .into(),
                        )
                    }),
                })
                .collect::<Result<_>>()?,
        };
        let names: Vec<String> = get("host", "PGHOST")
            .map(|h| h.split(',').map(|h| h.trim().to_string()).collect())
            .unwrap_or_default();
        let addrs: Vec<Option<IpAddr>> = match get("hostaddr", "PGHOSTADDR") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|a| match a.trim() {
                    "" => Ok(None),
                    a => a.parse().map(Some).map_err(|_| {
                        bad(
                            "hostaddr must be a numeric IP address (or a comma-separated list)"
                                .into(),
                        )
                    }),
                })
                .collect::<Result<_>>()?,
        };
        let count = names.len().max(addrs.len()).max(1);
        if (names.len() > 1 && names.len() != count) || (addrs.len() > 1 && addrs.len() != count) {
            return Err(bad(
                "host and hostaddr list different numbers of hosts".into()
            ));
        }
        if ports.len() != 1 && ports.len() != count {
            return Err(bad(format!(
                "{} ports for {count} hosts: give one port, or one per host",
                ports.len()
            )));
        }
        let mut hosts = Vec::with_capacity(count);
        for i in 0..count {
            let port = ports[if ports.len() == 1 { 0 } else { i }];
            let addr = addrs.get(i).copied().flatten();
            let name = match names.get(i).filter(|n| !n.is_empty()) {
                Some(name) => name.clone(),
                None => match addr {
                    Some(addr) => addr.to_string(),
                    None => default_host(port),
                },
            };
            hosts.push(Host { name, addr, port });
        }

        let user = match get("user", "PGUSER") {
            Some(user) => user,
            None => os_user().ok_or_else(|| {
                bad(
                    "no user name: give user=NAME (or PGUSER); the OS user could not be found"
                        .into(),
                )
            })?,
        };
        let dbname = get("dbname", "PGDATABASE").unwrap_or_else(|| user.clone());
        let password = conn
            .get("password")
            .map(str::to_string)
            .or_else(|| env("PGPASSWORD"));
        let passfile = get("passfile", "PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".pgpass")));

        let sslrootcert = get("sslrootcert", "PGSSLROOTCERT").map(|r| match r.as_str() {
            "system" => RootCert::System,
            path => RootCert::File(PathBuf::from(path)),
        });
        let sslmode = match get("sslmode", "PGSSLMODE") {
            Some(mode) => mode.parse()?,
            None if get("requiressl", "PGREQUIRESSL").as_deref() == Some("1") => SslMode::Require,
            None if sslrootcert == Some(RootCert::System) => SslMode::VerifyFull,
            None => SslMode::Prefer,
        };
        if sslrootcert == Some(RootCert::System) && sslmode != SslMode::VerifyFull {
            return Err(bad(format!(
                "sslmode={sslmode} may not be used with sslrootcert=system (use verify-full)"
            )));
        }
        let sslcertmode = get("sslcertmode", "PGSSLCERTMODE").unwrap_or_else(|| "allow".into());
        if !matches!(sslcertmode.as_str(), "disable" | "allow" | "require") {
            return Err(bad("sslcertmode must be disable, allow or require".into()));
        }
        let ssl_negotiation = match get("sslnegotiation", "PGSSLNEGOTIATION").as_deref() {
            None | Some("postgres") => SslNegotiation::Postgres,
            Some("direct") => SslNegotiation::Direct,
            Some(_) => return Err(bad("sslnegotiation must be postgres or direct".into())),
        };
        if ssl_negotiation == SslNegotiation::Direct
            && matches!(sslmode, SslMode::Disable | SslMode::Allow | SslMode::Prefer)
        {
            return Err(bad(format!(
                "sslnegotiation=direct needs sslmode=require or stronger, not {sslmode}"
            )));
        }
        match get("gssencmode", "PGGSSENCMODE").as_deref() {
            None | Some("disable" | "prefer") => {}
            Some("require") => {
                return Err(bad(
                    "gssencmode=require: GSSAPI encryption is not supported; use TLS (sslmode)"
                        .into(),
                ));
            }
            Some(_) => return Err(bad("gssencmode must be disable, prefer or require".into())),
        }
        if env("PGSERVICE").is_some() && conn.params.is_empty() {
            return Err(bad(
                "PGSERVICE is set, but connection service files are not supported: give the \
                 service's settings as a connection string or PG* variables"
                    .into(),
            ));
        }

        let seconds = |key: &str, value: Option<String>| -> Result<Option<u64>> {
            value
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| bad(format!("{key} must be a whole number of seconds")))
                })
                .transpose()
        };
        let connect_timeout = match seconds(
            "connect_timeout",
            get("connect_timeout", "PGCONNECT_TIMEOUT"),
        )? {
            None => Some(DEFAULT_CONNECT_TIMEOUT),
            Some(0) => None,
            // libpq's minimum.
            Some(n) => Some(Duration::from_secs(n.max(2))),
        };
        let flag = |key: &str, default: bool| -> Result<bool> {
            match conn.get(key) {
                None => Ok(default),
                Some("1") => Ok(true),
                Some("0") => Ok(false),
                Some(_) => Err(bad(format!("{key} must be 0 or 1"))),
            }
        };
        let keepalives = flag("keepalives", true)?;
        let sslsni = match get("sslsni", "PGSSLSNI").as_deref() {
            None | Some("1") => true,
            Some("0") => false,
            Some(_) => return Err(bad("sslsni must be 0 or 1".into())),
        };
        let keepalives_idle = seconds(
            "keepalives_idle",
            conn.get("keepalives_idle").map(Into::into),
        )?
        .map_or(Duration::from_secs(60), Duration::from_secs);
        let keepalives_interval = seconds(
            "keepalives_interval",
            conn.get("keepalives_interval").map(Into::into),
        )?
        .map_or(Duration::from_secs(10), Duration::from_secs);
        let keepalives_count = conn
            .get("keepalives_count")
            .map(|v| v.trim().parse::<u32>())
            .transpose()
            .map_err(|_| bad("keepalives_count must be a whole number".into()))?
            .unwrap_or(6);
        let tcp_user_timeout = conn
            .get("tcp_user_timeout")
            .map(|v| v.trim().parse::<u64>())
            .transpose()
            .map_err(|_| bad("tcp_user_timeout must be a whole number of milliseconds".into()))?
            .filter(|&ms| ms > 0)
            .map(Duration::from_millis);
        let channel_binding = match get("channel_binding", "PGCHANNELBINDING").as_deref() {
            None | Some("prefer") => ChannelBinding::Prefer,
            Some("disable") => ChannelBinding::Disable,
            Some("require") => ChannelBinding::Require,
            Some(_) => {
                return Err(bad(
                    "channel_binding must be disable, prefer or require".into()
                ));
            }
        };
        let target_session_attrs =
            match get("target_session_attrs", "PGTARGETSESSIONATTRS").as_deref() {
                None | Some("any") => TargetSessionAttrs::Any,
                Some("read-write") => TargetSessionAttrs::ReadWrite,
                Some("read-only") => TargetSessionAttrs::ReadOnly,
                Some(_) => {
                    return Err(bad(
                        "target_session_attrs must be any, read-write or read-only (dataslicer \
                         does not support primary, standby or prefer-standby)"
                            .into(),
                    ));
                }
            };
        let load_balance = match get("load_balance_hosts", "PGLOADBALANCEHOSTS").as_deref() {
            None | Some("disable") => false,
            Some("random") => true,
            Some(_) => return Err(bad("load_balance_hosts must be disable or random".into())),
        };
        let application_name = get("application_name", "PGAPPNAME")
            .or_else(|| conn.get("fallback_application_name").map(Into::into))
            .unwrap_or_else(|| "dataslicer".into());
        Ok(Settings {
            hosts,
            user,
            dbname,
            password,
            passfile,
            sslmode,
            sslrootcert,
            sslcert: get("sslcert", "PGSSLCERT").map(PathBuf::from),
            sslkey: get("sslkey", "PGSSLKEY").map(PathBuf::from),
            sslcertmode,
            sslsni,
            ssl_negotiation,
            connect_timeout,
            keepalives,
            keepalives_idle,
            keepalives_interval,
            keepalives_count,
            tcp_user_timeout,
            application_name,
            options: get("options", "PGOPTIONS"),
            channel_binding,
            target_session_attrs,
            load_balance,
            statement_timeout: None,
            lock_timeout: None,
            home,
        })
    }

    /// Whether a password was given (in the string or `PGPASSWORD`); the
    /// password itself is never handed out.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// Sets the password (e.g. read from a prompt).
    pub fn set_password(&mut self, password: impl Into<String>) {
        self.password = Some(password.into());
    }

    fn default_root_cert(&self) -> Option<PathBuf> {
        self.default_client_file("root.crt")
    }

    fn default_client_file(&self, name: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(".postgresql").join(name))
    }

    /// `postgres://user@host:port/dbname` of one host.
    fn describe(&self, host: &Host) -> String {
        format!("postgres://{}@{host}/{}", self.user, self.dbname)
    }

    /// Opens a connection: each host in turn until one answers. The error
    /// names every host tried and why it failed, with a hint where the cause
    /// is a common one (TLS required, no password, an untrusted
    /// certificate).
    pub fn connect(&self) -> Result<Client> {
        let mut hosts = self.hosts.clone();
        if self.load_balance {
            use rand::seq::SliceRandom;
            hosts.shuffle(&mut rand::rng());
        }
        let mut errors = Vec::new();
        for host in &hosts {
            match self.connect_host(host) {
                Ok(client) => return Ok(client),
                Err(e) => errors.push(e),
            }
        }
        if errors.len() == 1 {
            return Err(errors.pop().expect("one error"));
        }
        Err(Error::Connection {
            url: self.to_string(),
            message: errors
                .iter()
                .map(|e| format!("\n  {e}"))
                .collect::<String>(),
        })
    }

    fn connect_host(&self, host: &Host) -> Result<Client> {
        let url = self.describe(host);
        let mut notes = Vec::new();
        let password = match &self.password {
            Some(p) => Some(p.clone()),
            None => match &self.passfile {
                Some(file) => {
                    match pgpass::lookup(file, &host.name, host.port, &self.dbname, &self.user) {
                        pgpass::Lookup::Found(p) => Some(p),
                        pgpass::Lookup::None => None,
                        pgpass::Lookup::Ignored(why) => {
                            notes.push(why);
                            None
                        }
                    }
                }
                None => None,
            },
        };
        let mut config = postgres::Config::new();
        config
            .host(&host.name)
            .port(host.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name(&self.application_name)
            .keepalives(self.keepalives)
            .keepalives_idle(self.keepalives_idle)
            .keepalives_interval(self.keepalives_interval)
            .keepalives_retries(self.keepalives_count)
            .channel_binding(self.channel_binding)
            .target_session_attrs(self.target_session_attrs)
            .ssl_negotiation(self.ssl_negotiation)
            .load_balance_hosts(LoadBalanceHosts::Disable);
        if let Some(addr) = host.addr {
            config.hostaddr(addr);
        }
        if let Some(password) = &password {
            config.password(password);
        }
        if let Some(options) = &self.options {
            config.options(options);
        }
        if let Some(limit) = self.connect_timeout {
            config.connect_timeout(limit);
        }
        if let Some(timeout) = self.tcp_user_timeout {
            config.tcp_user_timeout(timeout);
        }
        // libpq never uses TLS over a Unix socket.
        let mode = if host.is_socket() {
            SslMode::Disable
        } else {
            self.sslmode
        };
        let attempt =
            |tls_mode: postgres::config::SslMode| -> std::result::Result<Client, Failure> {
                let mut config = config.clone();
                config.ssl_mode(tls_mode);
                if tls_mode == postgres::config::SslMode::Disable {
                    bounded(config, NoTls, self.connect_timeout)
                } else {
                    let tls = tls::client_config(self).map_err(Failure::Setup)?;
                    bounded(
                        config,
                        tokio_postgres_rustls::MakeRustlsConnect::new(tls),
                        self.connect_timeout,
                    )
                }
            };
        use postgres::config::SslMode as Pg;
        let result = match mode {
            SslMode::Disable => attempt(Pg::Disable),
            SslMode::Allow => match attempt(Pg::Disable) {
                Err(Failure::Driver(e)) if e.as_db_error().is_some() => attempt(Pg::Require),
                other => other,
            },
            SslMode::Prefer => attempt(Pg::Prefer),
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => attempt(Pg::Require),
        };
        let mut client = match result {
            Ok(client) => client,
            Err(Failure::Setup(e)) => return Err(e),
            Err(Failure::TimedOut(limit)) => {
                return Err(Error::Connection {
                    url,
                    message: format!(
                        "{host} did not complete the connection's startup within {} s \
                         (connect_timeout): the server accepted the connection but does not \
                         answer; is it a PostgreSQL server, and is it overloaded?",
                        limit.as_secs()
                    ),
                });
            }
            Err(Failure::Driver(source)) => {
                let hint = self.hint(host, mode, password.is_some(), &source, &notes);
                return Err(Error::Connect { url, source, hint });
            }
        };
        let mut set = String::new();
        if let Some(t) = self.statement_timeout {
            set.push_str(&format!("SET statement_timeout = {}; ", t.as_millis()));
        }
        if let Some(t) = self.lock_timeout {
            set.push_str(&format!("SET lock_timeout = {}; ", t.as_millis()));
        }
        if !set.is_empty() {
            client
                .batch_execute(&set)
                .map_err(|e| Error::query(format!("setting the timeouts of {url}"), e))?;
        }
        Ok(client)
    }

    /// A sentence on the likely cause of a failed connection, or nothing.
    fn hint(
        &self,
        host: &Host,
        mode: SslMode,
        had_password: bool,
        error: &postgres::Error,
        notes: &[String],
    ) -> String {
        let text = crate::error::pg(error);
        let mut hints: Vec<String> = Vec::new();
        if text.contains("no encryption") && matches!(mode, SslMode::Disable | SslMode::Allow) {
            hints.push(format!(
                "the server refuses connections without TLS, and sslmode is {mode}: use \
                 sslmode=require, or verify-full with sslrootcert=CA_FILE"
            ));
        } else if text.contains("server does not support TLS") {
            hints.push(format!(
                "the server at {host} does not offer TLS, and sslmode={mode} requires it"
            ));
        } else if text.contains("UnknownIssuer") || text.contains("unknown issuer") {
            let roots = match &self.sslrootcert {
                Some(RootCert::File(path)) => path.display().to_string(),
                Some(RootCert::System) => "the system's trusted roots".into(),
                None => self
                    .default_root_cert()
                    .map_or("~/.postgresql/root.crt".into(), |p| p.display().to_string()),
            };
            hints.push(format!(
                "the server's certificate is not signed by a CA of {roots} (sslrootcert)"
            ));
        } else if text.contains("NotValidForName") || text.contains("not valid for name") {
            hints.push(format!(
                "the server's certificate does not name {}: sslmode=verify-full checks that it \
                 does; connect by a name the certificate holds, or use verify-ca",
                host.name
            ));
        } else if text.contains("password missing") && !had_password {
            let file = self
                .passfile
                .as_ref()
                .map_or("~/.pgpass".into(), |p| p.display().to_string());
            hints.push(format!(
                "the server asks for a password and none was given: set PGPASSWORD, or add a \
                 line host:port:database:user:password to the password file {file} (mode 0600)"
            ));
        }
        hints.extend(notes.iter().cloned());
        hints.iter().map(|h| format!("\n  hint: {h}")).collect()
    }
}

/// Why one connection attempt failed.
enum Failure {
    Driver(postgres::Error),
    TimedOut(Duration),
    Setup(Error),
}

/// Connects on a thread of its own and waits at most `limit` (plus a
/// second, so that the driver reports a TCP timeout itself): the driver's
/// own timeout covers only the TCP connection, not the startup that follows.
/// When the limit passes, the thread is left to end when its socket does.
fn bounded<T>(
    config: postgres::Config,
    tls: T,
    limit: Option<Duration>,
) -> std::result::Result<Client, Failure>
where
    T: MakeTlsConnect<Socket> + 'static + Send,
    T::TlsConnect: Send,
    T::Stream: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let Some(limit) = limit else {
        return config.connect(tls).map_err(Failure::Driver);
    };
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("dataslicer-connect".into())
        .spawn(move || {
            let _ = send.send(config.connect(tls));
        })
        .map_err(|e| {
            Failure::Setup(Error::Connection {
                url: String::new(),
                message: format!("could not start a thread: {e}"),
            })
        })?;
    match receive.recv_timeout(limit + Duration::from_secs(1)) {
        Ok(result) => result.map_err(Failure::Driver),
        Err(_) => Err(Failure::TimedOut(limit)),
    }
}

/// What a database is, whatever URL reaches it: the cluster's system
/// identifier and the database's oid. Two connections with the same
/// identity are the same database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `pg_control_system().system_identifier`, or the postmaster's start
    /// time where a hardened server does not let the role read it.
    pub cluster: String,
    /// The database's oid.
    pub database: i64,
}

/// The identity of the database behind `client` (call it outside a
/// transaction: a refused `pg_control_system()` is retried another way).
pub fn identity(client: &mut Client) -> Result<Identity> {
    let oid = "(SELECT oid::int8 FROM pg_database WHERE datname = current_database())";
    let row = match client.query_one(
        &format!("SELECT (SELECT system_identifier::text FROM pg_control_system()), {oid}"),
        &[],
    ) {
        Ok(row) => row,
        Err(_) => client
            .query_one(
                &format!(
                    "SELECT 'started ' || pg_postmaster_start_time()::text || ' port ' || \
                     current_setting('port'), {oid}"
                ),
                &[],
            )
            .map_err(|e| Error::query("reading the database's identity", e))?,
    };
    Ok(Identity {
        cluster: row.get(0),
        database: row.get(1),
    })
}

/// The default host: the local socket directory when a server listens there
/// (Debian's `/var/run/postgresql`, else `/tmp`), else `localhost`.
fn default_host(port: u16) -> String {
    for dir in ["/var/run/postgresql", "/tmp"] {
        if std::path::Path::new(dir)
            .join(format!(".s.PGSQL.{port}"))
            .exists()
        {
            return dir.to_string();
        }
    }
    "localhost".into()
}

/// The passwd entry of the process's user: (name, home).
fn passwd_entry() -> Option<(String, PathBuf)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 6 && fields[2].parse() == Ok(uid))
                .then(|| (fields[0].to_string(), PathBuf::from(fields[5])))
        })
    }
    #[cfg(not(unix))]
    None
}

fn os_user() -> Option<String> {
    passwd_entry().map(|(name, _)| name).or_else(|| {
        ["USER", "LOGNAME", "USERNAME"]
            .into_iter()
            .find_map(|v| std::env::var(v).ok().filter(|n| !n.is_empty()))
    })
}

fn os_home() -> Option<PathBuf> {
    passwd_entry().map(|(_, home)| home)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(conn: &str, vars: &[(&str, &str)]) -> Settings {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::resolve(&ConnString::parse(conn).unwrap(), &|name| {
            vars.get(name).cloned()
        })
        .unwrap()
    }

    #[test]
    fn the_string_wins_over_the_environment_which_fills_the_rest() {
        let s = resolve(
            "postgres://alice@db.example/shop",
            &[
                ("PGHOST", "other"),
                ("PGPORT", "6543"),
                ("PGUSER", "bob"),
                ("PGPASSWORD", "secret"),
                ("PGSSLMODE", "require"),
                ("PGCONNECT_TIMEOUT", "1"),
            ],
        );
        assert_eq!(s.to_string(), "postgres://alice@db.example:6543/shop");
        assert!(s.has_password());
        assert_eq!(s.sslmode, SslMode::Require);
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(2)));
        assert!(!format!("{s:?}").contains("secret"));
    }

    #[test]
    fn defaults_are_libpqs() {
        let s = resolve("host=h", &[("HOME", "/home/x")]);
        assert_eq!(s.hosts[0].port, 5432);
        assert_eq!(s.dbname, s.user);
        assert_eq!(s.sslmode, SslMode::Prefer);
        assert_eq!(s.passfile, Some(PathBuf::from("/home/x/.pgpass")));
        assert_eq!(s.connect_timeout, Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(resolve("connect_timeout=0", &[]).connect_timeout, None);
    }

    #[test]
    fn several_hosts_get_their_ports() {
        let s = resolve("postgres://u@a:1,[::1]:2,c/d", &[]);
        let shown: Vec<String> = s.hosts.iter().map(Host::to_string).collect();
        assert_eq!(shown, ["a:1", "[::1]:2", "c:5432"]);
        assert_eq!(s.to_string(), "postgres://u@a:1,[::1]:2,c:5432/d");
    }

    #[test]
    fn system_roots_mean_verify_full() {
        assert_eq!(
            resolve("host=h sslrootcert=system", &[]).sslmode,
            SslMode::VerifyFull
        );
        let conn = ConnString::parse("host=h sslrootcert=system sslmode=require").unwrap();
        assert!(Settings::resolve(&conn, &|_| None).is_err());
    }

    #[test]
    fn every_form_of_a_password_stays_out_of_the_display() {
        for conn in [
            "postgres://u:hunter2@h/d",
            "postgres://u:hun@ter2@h/d",
            "postgres://u@h/d?password=hunter2",
            "host=h user=u password = hunter2",
            "host=h user=u password='hunter2 with spaces'",
            "host=h user=u password=hunter2\\ x",
        ] {
            let s = resolve(conn, &[]);
            assert!(s.has_password(), "{conn}");
            let shown = format!("{s} {s:?}");
            assert!(!shown.contains("hunter2"), "{conn}: {shown}");
            assert!(!shown.contains("hun"), "{conn}: {shown}");
        }
    }
}
