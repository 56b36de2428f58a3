//! Connection strings taken apart, as libpq reads them: a URL
//! (`postgres://user:password@host:port/dbname?key=value`) or keyword/value
//! pairs (`host=db port=5433 password='it''s'`).
//!
//! Nothing here ever repeats a value in an error: a password may be anywhere,
//! half of it taken for a keyword by a missing quote. Errors say where (the
//! word's position) and which keyword, and only known keywords are named.

use crate::error::{Error, Result};

/// The connection options libpq knows, and whether dataslicer honours them.
/// `Support::Ignored` options are accepted and have no effect here (as libpq
/// itself ignores `sslcompression`, or because the tool fixes the setting).
pub(crate) const KEYWORDS: &[(&str, Support)] = &[
    ("host", Support::Yes),
    ("hostaddr", Support::Yes),
    ("port", Support::Yes),
    ("dbname", Support::Yes),
    ("user", Support::Yes),
    ("password", Support::Yes),
    ("passfile", Support::Yes),
    ("connect_timeout", Support::Yes),
    ("options", Support::Yes),
    ("application_name", Support::Yes),
    ("fallback_application_name", Support::Yes),
    ("keepalives", Support::Yes),
    ("keepalives_idle", Support::Yes),
    ("keepalives_interval", Support::Yes),
    ("keepalives_count", Support::Yes),
    ("tcp_user_timeout", Support::Yes),
    ("sslmode", Support::Yes),
    ("requiressl", Support::Yes),
    ("sslcert", Support::Yes),
    ("sslkey", Support::Yes),
    ("sslrootcert", Support::Yes),
    ("sslsni", Support::Yes),
    ("sslnegotiation", Support::Yes),
    ("channel_binding", Support::Yes),
    ("target_session_attrs", Support::Yes),
    ("load_balance_hosts", Support::Yes),
    ("gssencmode", Support::Yes),
    // The tool pins its own session encoding (UTF8).
    ("client_encoding", Support::Ignored),
    // libpq ignores it too.
    ("sslcompression", Support::Ignored),
    ("ssl_min_protocol_version", Support::Ignored),
    ("ssl_max_protocol_version", Support::Ignored),
    ("krbsrvname", Support::Ignored),
    ("gsslib", Support::Ignored),
    ("gssdelegation", Support::Ignored),
    ("sslcertmode", Support::Yes),
    ("sslpassword", Support::No),
    ("sslcrl", Support::No),
    ("sslcrldir", Support::No),
    ("requirepeer", Support::No),
    ("service", Support::No),
    ("replication", Support::No),
];

/// Whether a keyword is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Support {
    /// Honoured.
    Yes,
    /// Accepted, no effect.
    Ignored,
    /// Refused with a clear error: ignoring it could weaken what the user
    /// asked for (a CRL, a peer check) or misroute the connection.
    No,
}

/// Whether `key` is a libpq connection keyword.
pub(crate) fn is_keyword(key: &str) -> bool {
    KEYWORDS.iter().any(|(k, _)| *k == key)
}

fn support(key: &str) -> Option<Support> {
    KEYWORDS.iter().find(|(k, _)| *k == key).map(|&(_, s)| s)
}

/// A connection string as written: its keywords and values in order (later
/// ones win), before the environment fills what it leaves out.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConnString {
    pub(crate) params: Vec<(String, String)>,
}

impl std::fmt::Debug for ConnString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ConnString")
            .field("keywords", &keys)
            .finish_non_exhaustive()
    }
}

impl ConnString {
    /// The last value given for `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Parses a URL (`postgres://`, `postgresql://`) or keyword/value
    /// string. An empty string is valid: everything comes from the
    /// environment and libpq's defaults.
    pub fn parse(s: &str) -> Result<ConnString> {
        let params = if url_scheme(s).is_some() {
            parse_url(s)?
        } else {
            parse_keywords(s)?
        };
        let mut out = ConnString::default();
        for (key, value) in params {
            let key = match key.as_str() {
                // JDBC's spelling, which libpq's URLs accept.
                "ssl" if value == "true" => {
                    out.params.push(("sslmode".into(), "require".into()));
                    continue;
                }
                _ => key,
            };
            match support(&key) {
                Some(Support::No) => {
                    return Err(bad(format!(
                        "the `{key}` option is not supported by dataslicer; remove it \
                         (for `service`, write the service's settings out)"
                    )));
                }
                Some(_) => {}
                None => return Err(bad(unknown_keyword(&key))),
            }
            // libpq expands a dbname that is itself a connection string.
            if key == "dbname"
                && out.params.iter().all(|(k, _)| k != "dbname")
                && (url_scheme(&value).is_some() || first_keyword(&value).is_some())
            {
                let inner = ConnString::parse(&value)?;
                out.params.extend(inner.params);
                continue;
            }
            out.params.push((key, value));
        }
        Ok(out)
    }
}

/// The scheme when `s` is a `postgres://` or `postgresql://` URL.
pub(crate) fn url_scheme(s: &str) -> Option<&str> {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    ["postgresql://", "postgres://"]
        .into_iter()
        .find(|scheme| lower.starts_with(scheme))
        .map(|scheme| &s[..scheme.len()])
}

/// The scheme (`mysql`, `http`) when `s` starts like `scheme://`.
pub(crate) fn any_scheme(s: &str) -> Option<&str> {
    let end = s.find("://")?;
    let scheme = &s[..end];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The first keyword of a keyword/value string, when `s` starts with a
/// known keyword followed by `=`: how a connection string is told from a
/// directory name that happens to hold `=`.
pub(crate) fn first_keyword(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let end = s.find(|c: char| c.is_whitespace() || c == '=')?;
    let key = &s[..end];
    let rest = s[end..].trim_start();
    (rest.starts_with('=') && is_keyword(key)).then_some(key)
}

fn bad(message: String) -> Error {
    Error::ConnectionString { message }
}

/// Says a keyword is unknown without repeating it (it may be a piece of a
/// password), but names a known keyword it is close to.
fn unknown_keyword(key: &str) -> String {
    let close = KEYWORDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| edit_distance(k, &key.to_ascii_lowercase()) <= 2)
        .min_by_key(|k| edit_distance(k, key));
    match close {
        Some(k) => format!("an option is not a connection option: did you mean `{k}`?"),
        None => "an option is not a libpq connection option (host, port, dbname, user, password, \
                 sslmode, ...)"
            .into(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// `key = value` pairs, separated by whitespace; values may be single-quoted,
/// and a backslash escapes the next character (libpq's `conninfo_parse`).
fn parse_keywords(s: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    let mut word = 0;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        word += 1;
        let mut key = String::new();
        while let Some(c) = chars.next_if(|&c| !c.is_whitespace() && c != '=') {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let named = || {
            if is_keyword(&key) {
                format!("`{key}`")
            } else {
                format!("word {word}")
            }
        };
        if chars.next() != Some('=') {
            return Err(bad(format!(
                "{} is not followed by `=`: write keyword=value pairs, and quote values that hold \
                 spaces ('like this')",
                named()
            )));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err(bad(format!(
                            "the quoted value of {} is never closed",
                            named()
                        )));
                    }
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => {
                            return Err(bad(format!(
                                "the quoted value of {} is never closed",
                                named()
                            )));
                        }
                    },
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        value.push(next);
                    }
                } else {
                    value.push(c);
                }
            }
        }
        if !is_keyword(&key) && key != "ssl" {
            return Err(bad(unknown_keyword(&key)));
        }
        out.push((key, value));
    }
}

/// `postgres[ql]://[user[:password]@][host[:port][,...]][/dbname][?key=value&...]`.
/// The user information ends at the *last* `@` before the query, so an
/// unencoded `@` in a password stays in the password.
fn parse_url(s: &str) -> Result<Vec<(String, String)>> {
    let scheme = url_scheme(s).expect("called on URLs");
    let rest = &s[scheme.len()..];
    let (main, query) = match rest.split_once('?') {
        Some((main, query)) => (main, Some(query)),
        None => (rest, None),
    };
    let (userinfo, location) = match main.rfind('@') {
        Some(at) => (Some(&main[..at]), &main[at + 1..]),
        None => (None, main),
    };
    let mut out = Vec::new();
    if let Some(userinfo) = userinfo {
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userinfo, None),
        };
        if !user.is_empty() {
            out.push(("user".into(), decode(user, "the user name")?));
        }
        if let Some(password) = password {
            out.push(("password".into(), decode(password, "the password")?));
        }
    }
    let (hostspec, dbname) = match location.split_once('/') {
        Some((hosts, dbname)) => (hosts, Some(dbname)),
        None => (location, None),
    };
    if !hostspec.is_empty() {
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for part in hostspec.split(',') {
            let (host, port) = if let Some(v6) = part.strip_prefix('[') {
                let (host, after) = v6
                    .split_once(']')
                    .ok_or_else(|| bad("an IPv6 address in the URL has no closing `]`".into()))?;
                let port = match after {
                    "" => None,
                    p => Some(p.strip_prefix(':').ok_or_else(|| {
                        bad("unexpected text after an IPv6 address in the URL".into())
                    })?),
                };
                (host.to_string(), port)
            } else {
                match part.rsplit_once(':') {
                    Some((host, port)) => (decode(host, "a host name")?, Some(port)),
                    None => (decode(part, "a host name")?, None),
                }
            };
            hosts.push(host);
            ports.push(port.unwrap_or("").to_string());
        }
        if hosts.iter().any(|h| !h.is_empty()) {
            out.push(("host".into(), hosts.join(",")));
        }
        if ports.iter().any(|p| !p.is_empty()) {
            out.push(("port".into(), ports.join(",")));
        }
    }
    if let Some(dbname) = dbname.filter(|d| !d.is_empty()) {
        out.push(("dbname".into(), decode(dbname, "the database name")?));
    }
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            bad("a parameter of the URL has no `=`: write ?key=value&key=value".into())
        })?;
        let key = decode(key, "a parameter name")?;
        if !is_keyword(&key) && key != "ssl" {
            return Err(bad(unknown_keyword(&key)));
        }
        let value = decode(value, &format!("the value of `{key}`"))?;
        out.push((key, value));
    }
    Ok(out)
}

/// Percent-decodes `s` (a URL part); `what` names it in an error, which
/// never shows the text.
fn decode(s: &str, what: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    bad(format!(
                        "{what} in the URL has a `%` that is not followed by two hex digits \
                         (write a literal `%` as %25)"
                    ))
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| bad(format!("{what} in the URL does not decode to UTF-8 text")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(s: &str) -> Vec<(String, String)> {
        ConnString::parse(s).unwrap().params
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keyword_values_take_spaces_quotes_and_escapes() {
        assert_eq!(
            params("host = db  password = 'two words' user=a\\ b dbname='it\\'s'"),
            pairs(&[
                ("host", "db"),
                ("password", "two words"),
                ("user", "a b"),
                ("dbname", "it's")
            ])
        );
        assert_eq!(params("password=''"), pairs(&[("password", "")]));
    }

    #[test]
    fn url_parts_are_decoded_and_the_last_at_ends_the_user() {
        assert_eq!(
            params("postgresql://u:p@ss%2Fw@db.example:5433/shop?sslmode=require&password=x"),
            pairs(&[
                ("user", "u"),
                ("password", "p@ss/w"),
                ("host", "db.example"),
                ("port", "5433"),
                ("dbname", "shop"),
                ("sslmode", "require"),
                ("password", "x"),
            ])
        );
        assert_eq!(
            params("postgres://[::1]:5432,other/d"),
            pairs(&[("host", "::1,other"), ("port", "5432,"), ("dbname", "d")])
        );
        assert_eq!(
            params("postgres://%2Fvar%2Frun%2Fpostgresql/d"),
            pairs(&[("host", "/var/run/postgresql"), ("dbname", "d")])
        );
        assert_eq!(params("postgres://"), pairs(&[]));
        assert_eq!(
            params("postgres://h/?ssl=true"),
            pairs(&[("host", "h"), ("sslmode", "require")])
        );
    }

    #[test]
    fn errors_never_repeat_the_text() {
        for s in [
            "password=hunter2 secret",
            "password='hunter2 secret",
            "password=x hunter2secret=1",
            "postgres://u:hunter2%zz@h/d",
            "postgres://u@h/d?hunter2secret=1",
            "postgres://u@h/d?hunter2secret",
        ] {
            let error = ConnString::parse(s).unwrap_err().to_string();
            assert!(!error.contains("hunter2"), "{s}: {error}");
        }
        let error = ConnString::parse("host=h sslmdoe=require")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`sslmode`"), "{error}");
    }

    #[test]
    fn keyword_strings_are_told_from_paths() {
        assert_eq!(first_keyword("host=db dbname=x"), Some("host"));
        assert_eq!(first_keyword(" dbname = x"), Some("dbname"));
        assert_eq!(first_keyword("out/a=b"), None);
        assert_eq!(first_keyword("a=b"), None);
        assert_eq!(any_scheme("mysql://u:p@h/d"), Some("mysql"));
        assert_eq!(any_scheme("dir/x://y"), None);
        assert!(url_scheme("PostgreSQL://h").is_some());
    }

    #[test]
    fn unsupported_options_are_refused_by_name() {
        let error = ConnString::parse("host=h sslcrl=/x")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`sslcrl`"), "{error}");
    }

    #[test]
    fn a_dbname_that_is_a_connection_string_is_expanded() {
        assert_eq!(
            params("dbname='host=h port=1' user=u"),
            pairs(&[("host", "h"), ("port", "1"), ("user", "u")])
        );
    }
}
