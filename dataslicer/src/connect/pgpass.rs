//! The password file (`~/.pgpass`, `PGPASSFILE`, `passfile=`), read by
//! libpq's rules: lines `hostname:port:database:username:password`, `*`
//! matching anything in the first four fields, `\:` and `\\` escaping, `#`
//! starting a comment; a host given as a Unix socket directory matches
//! `localhost`; a file that is not a regular file, or that the group or
//! others may read, is ignored.

use std::path::Path;

/// What the password file says for one connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A matching line's password.
    Found(String),
    /// No file, or no line matches.
    None,
    /// The file was not used; why (a note for the connection error).
    Ignored(String),
}

/// Looks up the password for `host` (a host name, an address, or a socket
/// directory), `port`, `database` and `user` in the file at `path`.
pub(crate) fn lookup(path: &Path, host: &str, port: u16, database: &str, user: &str) -> Lookup {
    let Ok(meta) = std::fs::metadata(path) else {
        return Lookup::None;
    };
    if !meta.is_file() {
        return Lookup::Ignored(format!(
            "the password file {} is not a plain file, so it was not read",
            path.display()
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Lookup::Ignored(format!(
                "the password file {} has group or world access, so it was not read; \
                 permissions should be u=rw (0600) or less: chmod 0600 {}",
                path.display(),
                path.display()
            ));
        }
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Lookup::Ignored(format!(
            "the password file {} could not be read as text",
            path.display()
        ));
    };
    let host = if host.is_empty() || host.starts_with('/') || host.starts_with('@') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    let wanted = [host, port.as_str(), database, user];
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some(fields) = split(line) else { continue };
        let matches = fields[..4]
            .iter()
            .zip(wanted)
            .all(|(field, want)| field == "*" || field == want);
        if matches {
            return Lookup::Found(fields[4].clone());
        }
    }
    Lookup::None
}

/// The five fields of a line, unescaped; `None` when it has fewer. The
/// password is the rest of the line.
fn split(line: &str) -> Option<[String; 5]> {
    let mut fields: Vec<String> = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field at least").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file(text: &str, mode: u32) -> (std::path::PathBuf, impl Drop) {
        struct Remove(std::path::PathBuf);
        impl Drop for Remove {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "dataslicer-pgpass-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        (path.clone(), Remove(path))
    }

    #[test]
    fn first_matching_line_wins_with_wildcards_and_escapes() {
        let (path, _guard) = file(
            "# comment\nother:5432:*:*:no\ndb\\:1:*:shop:alice:p\\:w\\\\d:rest\n*:*:*:*:fallback\n",
            0o600,
        );
        assert_eq!(
            lookup(&path, "db:1", 6543, "shop", "alice"),
            Lookup::Found("p:w\\d:rest".into())
        );
        assert_eq!(
            lookup(&path, "db", 5432, "shop", "bob"),
            Lookup::Found("fallback".into())
        );
    }

    #[test]
    fn socket_directories_match_localhost() {
        let (path, _guard) = file("localhost:5432:d:u:sock\n", 0o600);
        assert_eq!(
            lookup(&path, "/var/run/postgresql", 5432, "d", "u"),
            Lookup::Found("sock".into())
        );
        assert_eq!(lookup(&path, "127.0.0.1", 5432, "d", "u"), Lookup::None);
    }

    #[test]
    fn a_file_others_may_read_is_ignored_with_a_reason() {
        let (path, _guard) = file("*:*:*:*:secret\n", 0o644);
        match lookup(&path, "h", 5432, "d", "u") {
            Lookup::Ignored(why) => assert!(why.contains("0600") && !why.contains("secret")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn short_lines_are_skipped() {
        let (path, _guard) = file("h:5432:d\nh:5432:d:u:ok\n", 0o600);
        assert_eq!(
            lookup(&path, "h", 5432, "d", "u"),
            Lookup::Found("ok".into())
        );
    }
}
