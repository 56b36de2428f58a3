//! A throwaway PostgreSQL cluster in a temporary directory, stopped and
//! deleted by a watchdog once the test process exits (statics are never
//! dropped, so nothing in this process could do it).

use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::tools::{find_program, run};

/// The superuser `initdb` creates, and the OS user that runs the server
/// when the tests run as root (PostgreSQL refuses to run as root).
const SUPERUSER: &str = "postgres";

/// Settings for a server whose data does not need to survive a crash.
const SETTINGS: &str = "
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
";

/// Waits for the test process to exit, then stops the server and deletes
/// its directory. `$1` is the process id, `$2` the directory, the rest the
/// `pg_ctl` command line (prefixed by `runuser` when needed).
const WATCHDOG: &str = r#"pid=$1 dir=$2; shift 2; cd /
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
"$@" stop -m immediate -D "$dir/data" >/dev/null 2>&1
rm -rf "$dir""#;

/// A running throwaway cluster.
#[derive(Debug)]
pub(crate) struct Cluster {
    port: u16,
    dir: std::path::PathBuf,
}

/// How a throwaway cluster differs from the default one (trust
/// authentication, no TLS).
#[derive(Debug, Clone, Default)]
pub struct ClusterSetup {
    /// Lines appended to `postgresql.conf` (`ssl = on`, ...).
    pub settings: String,
    /// The whole `pg_hba.conf`, in place of initdb's (trust for everyone).
    pub hba: Option<String>,
    /// The superuser's password (for `password`/`scram-sha-256` lines).
    pub superuser_password: Option<String>,
    /// Files written into the data directory before the server starts, with
    /// their modes: certificates and keys.
    pub files: Vec<(String, Vec<u8>, u32)>,
}

/// A throwaway PostgreSQL cluster of a test's own, set up as
/// [`ClusterSetup`] says (a TLS-only server with passwords, say): started
/// with `initdb` in a temporary directory on a free port of 127.0.0.1 and
/// stopped and deleted when dropped (or, should the process die, by a
/// watchdog once it has exited). Its superuser is `postgres`; the test
/// process reaches it without a password through its Unix socket
/// directory, [`ThrowawayCluster::socket_dir`], when the `hba` allows
/// `local` connections.
#[derive(Debug)]
pub struct ThrowawayCluster {
    cluster: Cluster,
    pg_ctl: std::path::PathBuf,
    as_root: bool,
}

impl ThrowawayCluster {
    /// Creates and starts the cluster.
    ///
    /// # Errors
    ///
    /// Why it could not be started (no `initdb`, a server that did not come
    /// up), with the server's log.
    pub fn start(setup: &ClusterSetup) -> Result<ThrowawayCluster, String> {
        let (cluster, pg_ctl, as_root) = Cluster::start_with(setup)?;
        Ok(ThrowawayCluster {
            cluster,
            pg_ctl,
            as_root,
        })
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.cluster.port
    }

    /// The directory of the server's Unix socket.
    pub fn socket_dir(&self) -> std::path::PathBuf {
        self.cluster.dir.clone()
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.cluster.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        let mut command = if self.as_root {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", SUPERUSER, "--"]).arg(&self.pg_ctl);
            runuser
        } else {
            Command::new(&self.pg_ctl)
        };
        let _ = command
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.cluster.dir.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = fs::remove_dir_all(&self.cluster.dir);
    }
}

impl Cluster {
    /// Creates and starts a cluster, or says why it could not.
    pub(crate) fn start() -> Result<Cluster, String> {
        Cluster::start_with(&ClusterSetup::default()).map(|(cluster, _, _)| cluster)
    }

    /// Creates and starts a cluster set up as `setup` says; also returns
    /// `pg_ctl` and whether it runs as the `postgres` OS user.
    fn start_with(setup: &ClusterSetup) -> Result<(Cluster, std::path::PathBuf, bool), String> {
        let initdb = find_program("initdb")?;
        // pg_ctl must come from the same installation as initdb.
        let pg_ctl = fs::canonicalize(&initdb)
            .ok()
            .and_then(|initdb| Some(initdb.parent()?.join("pg_ctl")))
            .filter(|pg_ctl| pg_ctl.is_file())
            .map_or_else(|| find_program("pg_ctl"), Ok)?;

        let random = RandomState::new().hash_one(std::process::id());
        let dir = std::env::temp_dir().join(format!(
            "dataslicer-pg-{}-{random:016x}",
            std::process::id()
        ));
        fs::create_dir(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        let as_root = fs::metadata(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .uid()
            == 0;
        if as_root {
            run(
                Command::new("chown").arg(format!("{SUPERUSER}:")).arg(&dir),
                "chown",
            )
            .map_err(|e| {
                format!(
                    "running as root, but the server cannot run as the `{SUPERUSER}` OS user: {e}"
                )
            })?;
        }
        let program = |program: &Path| {
            let mut command = if as_root {
                let mut runuser = Command::new("runuser");
                runuser.args(["-u", SUPERUSER, "--"]).arg(program);
                runuser
            } else {
                Command::new(program)
            };
            command.current_dir(&dir).stdin(Stdio::null());
            command
        };

        // The watchdog goes first, so that the directory is deleted however
        // the rest ends. Its own process group keeps it alive through a Ctrl-C.
        let stop = program(&pg_ctl);
        let pg_ctl_line = std::iter::once(stop.get_program()).chain(stop.get_args());
        Command::new("sh")
            .args(["-c", WATCHDOG, "dataslicer-watchdog"])
            .arg(std::process::id().to_string())
            .arg(&dir)
            .args(pg_ctl_line)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("could not start the watchdog shell: {e}"))?;

        let data = dir.join("data");
        let mut initdb_command = program(&initdb);
        initdb_command.args([
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--username",
            SUPERUSER,
        ]);
        if let Some(password) = &setup.superuser_password {
            let pwfile = dir.join("pwfile");
            fs::write(&pwfile, password).map_err(|e| format!("{}: {e}", pwfile.display()))?;
            if as_root {
                run(
                    Command::new("chown")
                        .arg(format!("{SUPERUSER}:"))
                        .arg(&pwfile),
                    "chown",
                )?;
            }
            initdb_command.arg("--pwfile").arg(&pwfile);
        }
        run(initdb_command.arg("--pgdata").arg(&data), "initdb")?;
        let port = free_port()?;
        let settings = format!(
            "{SETTINGS}port = {port}\nunix_socket_directories = '{}'\n{}\n",
            dir.display().to_string().replace('\'', "''"),
            setup.settings
        );
        OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut conf| conf.write_all(settings.as_bytes()))
            .map_err(|e| format!("could not configure the cluster: {e}"))?;
        let mut written: Vec<std::path::PathBuf> = Vec::new();
        if let Some(hba) = &setup.hba {
            fs::write(data.join("pg_hba.conf"), hba)
                .map_err(|e| format!("could not write pg_hba.conf: {e}"))?;
            written.push(data.join("pg_hba.conf"));
        }
        for (name, bytes, mode) in &setup.files {
            use std::os::unix::fs::PermissionsExt;
            let path = data.join(name);
            fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(*mode))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            written.push(path);
        }
        if as_root && !written.is_empty() {
            run(
                Command::new("chown")
                    .arg(format!("{SUPERUSER}:"))
                    .args(&written),
                "chown",
            )?;
        }

        // pg_ctl's output goes to a file, not a pipe: the server it starts
        // must not hold on to a pipe this process waits on.
        let out_path = dir.join("pg_ctl.out");
        let out = File::create(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("{}: {e}", out_path.display()))?;
        let status = program(&pg_ctl)
            .args(["start", "--wait", "--timeout=60", "--pgdata"])
            .arg(&data)
            .arg("--log")
            .arg(dir.join("server.log"))
            .stdout(out)
            .stderr(err)
            .status()
            .map_err(|e| format!("could not run pg_ctl: {e}"))?;
        if !status.success() {
            let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_default();
            return Err(format!(
                "pg_ctl start failed ({status}):\n{}{}",
                read("pg_ctl.out"),
                read("server.log")
            ));
        }
        Ok((Cluster { port, dir }, pg_ctl, as_root))
    }

    /// The URL of the `postgres` database as the superuser.
    pub(crate) fn url(&self) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", self.port)
    }
}

/// A TCP port on 127.0.0.1 that nobody listens on (yet).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("could not find a free port on 127.0.0.1: {e}"))
}
