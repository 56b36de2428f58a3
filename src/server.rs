//! The one PostgreSQL server a test process shares: `DATABASE_URL`, else a
//! local server, else a throwaway cluster.

use std::sync::LazyLock;

use postgres::Client;

use crate::cluster::Cluster;
use crate::tools::{connect, error_chain};

/// Found (or started) on first use; an error is kept so that every test that
/// needs the server fails with the same explanation, not a poisoned lock.
static SERVER: LazyLock<Result<Server, String>> = LazyLock::new(Server::find);

/// The PostgreSQL server of this test process, found or started on first use.
///
/// In order:
/// 1. `DATABASE_URL`, when set: a `postgres://` URL of a role that may create
///    databases and roles (a superuser is simplest). Its database is used for
///    administration; test databases replace it in [`Server::url`].
/// 2. `postgres://<current user>@127.0.0.1:5432/postgres`, when a server
///    answers there and lets the user in.
/// 3. A throwaway cluster: `initdb` in a fresh temporary directory (as the
///    `postgres` OS user when running as root), trust authentication, a free
///    port on 127.0.0.1. It is stopped and deleted once the process exits.
///
/// # Panics
///
/// When none of these gives a server, with a message that says how to get one.
/// Tests never skip for want of a server.
pub fn server() -> &'static Server {
    match &*SERVER {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

/// A PostgreSQL server that tests may create databases and roles on.
#[derive(Debug)]
pub struct Server {
    url: ServerUrl,
    admin_database: String,
    cluster: Option<Cluster>,
}

impl Server {
    fn find() -> Result<Server, String> {
        if let Some(url) = std::env::var("DATABASE_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
        {
            let url = ServerUrl::parse(url.trim()).map_err(|e| format!("DATABASE_URL: {e}"))?;
            let server = Server::at(url, None);
            return match server.try_admin_client() {
                Ok(_) => Ok(server),
                Err(e) => Err(format!(
                    "dataslicer_dev: cannot connect to DATABASE_URL ({}): {}",
                    server.url.redacted(&server.admin_database),
                    error_chain(&e)
                )),
            };
        }
        let local = format!("postgres://{}@127.0.0.1:5432/postgres", current_user());
        let local = Server::at(ServerUrl::parse(&local)?, None);
        let local_error = match local.try_admin_client() {
            Ok(_) => return Ok(local),
            Err(e) => error_chain(&e),
        };
        let cluster_error = match Cluster::start() {
            Ok(cluster) => {
                let url = ServerUrl::parse(&cluster.url())?;
                let server = Server::at(url, Some(cluster));
                return match server.try_admin_client() {
                    Ok(_) => Ok(server),
                    Err(e) => Err(format!(
                        "dataslicer_dev: started a throwaway cluster, but {}",
                        error_chain(&e)
                    )),
                };
            }
            Err(e) => e,
        };
        Err(format!(
            "dataslicer_dev: no PostgreSQL server for the tests.\n\
             - DATABASE_URL is not set;\n\
             - {}: {local_error};\n\
             - a throwaway cluster could not be started: {cluster_error}\n\
             To get one, either\n\
             - set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/postgres (a role that may create databases and roles), or\n\
             - install PostgreSQL's server package (Debian/Ubuntu: apt-get install postgresql), so that a throwaway \
             cluster can be started with initdb, or\n\
             - start the installed cluster: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            local.url.redacted("postgres")
        ))
    }

    fn at(url: ServerUrl, cluster: Option<Cluster>) -> Server {
        let admin_database = url
            .database
            .clone()
            .unwrap_or_else(|| "postgres".to_owned());
        Server {
            url,
            admin_database,
            cluster,
        }
    }

    /// The URL of `database` on this server, as the administrating role.
    ///
    /// `database` is put in the URL as it is: it must not need escaping
    /// (the names [`TestDb`](crate::TestDb) makes do not).
    pub fn url(&self, database: &str) -> String {
        self.url.to(database, None)
    }

    /// The URL of `database` on this server, as `role`.
    ///
    /// The URL carries the password [`create_role`](crate::create_role) gives
    /// every role (the role's name), so that it works on servers that ask for
    /// passwords as well as on those that trust local connections.
    pub fn url_as(&self, role: &str, database: &str) -> String {
        self.url.to(database, Some(role))
    }

    /// A new connection to the administration database, as the administrating
    /// role (a superuser, or a role that may create databases and roles).
    ///
    /// # Panics
    ///
    /// When the server cannot be reached.
    pub fn admin_client(&self) -> Client {
        self.try_admin_client().unwrap_or_else(|e| {
            panic!(
                "dataslicer_dev: cannot connect to {}: {}",
                self.url.redacted(&self.admin_database),
                error_chain(&e)
            )
        })
    }

    pub(crate) fn try_admin_client(&self) -> Result<Client, postgres::Error> {
        connect(&self.url(&self.admin_database))
    }

    /// Whether this server is a throwaway cluster that this process started
    /// (and that is deleted when it exits).
    pub fn is_throwaway(&self) -> bool {
        self.cluster.is_some()
    }
}

/// The current OS user's name, which libpq also uses as the default role.
fn current_user() -> String {
    ["USER", "LOGNAME"]
        .into_iter()
        .find_map(|var| std::env::var(var).ok().filter(|name| !name.is_empty()))
        .or_else(|| {
            let output = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8(output.stdout).ok()?;
            Some(name.trim().to_owned()).filter(|name| output.status.success() && !name.is_empty())
        })
        .unwrap_or_else(|| "root".to_owned())
}

/// A `postgres://` URL taken apart so that its database and role can be
/// replaced: `scheme://[userinfo@]host[/database][?query]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ServerUrl {
    scheme: String,
    userinfo: Option<String>,
    host: String,
    database: Option<String>,
    query: String,
}

impl ServerUrl {
    fn parse(url: &str) -> Result<ServerUrl, String> {
        let (scheme, rest) = ["postgres", "postgresql"]
            .into_iter()
            .find_map(|scheme| Some((scheme, url.strip_prefix(scheme)?.strip_prefix("://")?)))
            .ok_or_else(|| {
                "expected a URL that starts with postgres:// or postgresql://".to_owned()
            })?;
        let (rest, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
        let (authority, database) = match rest.split_once('/') {
            Some((authority, database)) => (authority, Some(database).filter(|d| !d.is_empty())),
            None => (rest, None),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host),
            None => (None, authority),
        };
        Ok(ServerUrl {
            scheme: scheme.to_owned(),
            userinfo: userinfo.map(str::to_owned),
            host: host.to_owned(),
            database: database.map(str::to_owned),
            query: query.to_owned(),
        })
    }

    /// This URL with `database`, and `role` (whose password is its name) in
    /// place of the user if given.
    fn to(&self, database: &str, role: Option<&str>) -> String {
        let userinfo = match role {
            Some(role) => format!("{role}:{role}@"),
            None => self
                .userinfo
                .as_ref()
                .map(|u| format!("{u}@"))
                .unwrap_or_default(),
        };
        format!(
            "{}://{userinfo}{}/{database}{}",
            self.scheme, self.host, self.query
        )
    }

    /// [`ServerUrl::to`] `database`, with the password (if any) hidden, for
    /// error messages.
    fn redacted(&self, database: &str) -> String {
        let hidden = ServerUrl {
            userinfo: self.userinfo.as_ref().map(|u| match u.split_once(':') {
                Some((user, _)) => format!("{user}:***"),
                None => u.clone(),
            }),
            ..self.clone()
        };
        hidden.to(database, None)
    }
}

#[cfg(test)]
mod tests {
    use super::ServerUrl;

    #[test]
    fn database_is_replaced_and_query_kept() {
        let url = ServerUrl::parse("postgres://u:p@db.example:5433/main?sslmode=disable").unwrap();
        assert_eq!(url.database.as_deref(), Some("main"));
        assert_eq!(
            url.to("t_1", None),
            "postgres://u:p@db.example:5433/t_1?sslmode=disable"
        );
        assert_eq!(
            url.to("t_1", Some("ro")),
            "postgres://ro:ro@db.example:5433/t_1?sslmode=disable"
        );
        assert_eq!(
            url.redacted("t_1"),
            "postgres://u:***@db.example:5433/t_1?sslmode=disable"
        );
    }

    #[test]
    fn url_without_user_or_database_gets_them() {
        let url = ServerUrl::parse("postgresql://localhost").unwrap();
        assert_eq!(url.database, None);
        assert_eq!(url.to("t_1", None), "postgresql://localhost/t_1");
        let socket = ServerUrl::parse("postgres:///?host=/var/run/postgresql").unwrap();
        assert_eq!(
            socket.to("t_1", Some("ro")),
            "postgres://ro:ro@/t_1?host=/var/run/postgresql"
        );
    }

    #[test]
    fn at_sign_in_password_stays_in_userinfo() {
        let url = ServerUrl::parse("postgres://u:p@ss@h/d").unwrap();
        assert_eq!(url.userinfo.as_deref(), Some("u:p@ss"));
        assert_eq!(url.host, "h");
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(ServerUrl::parse("mysql://h/d").is_err());
        assert!(ServerUrl::parse("host=localhost dbname=d").is_err());
    }
}
