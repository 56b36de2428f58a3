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
}

impl Cluster {
    /// Creates and starts a cluster, or says why it could not.
    pub(crate) fn start() -> Result<Cluster, String> {
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
        run(
            program(&initdb)
                .args([
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--username",
                    SUPERUSER,
                ])
                .arg("--pgdata")
                .arg(&data),
            "initdb",
        )?;
        let port = free_port()?;
        let settings = format!(
            "{SETTINGS}port = {port}\nunix_socket_directories = '{}'\n",
            dir.display().to_string().replace('\'', "''")
        );
        OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut conf| conf.write_all(settings.as_bytes()))
            .map_err(|e| format!("could not configure the cluster: {e}"))?;

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
        Ok(Cluster { port })
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
