//! Normalisers for `consistent` fakes: originals a normaliser maps to the
//! same text get the same fake.
//!
//! `#[fake(email, consistent)]` uses [`email`]; other kinds use [`exact`];
//! `#[fake(name, consistent(normalize = path::to::function))]` uses the
//! user's function, any `fn(&str) -> String`. The normalised text is only
//! hashed, never written or shown.

/// Trimmed and lowercase: `" Gary.Davies@Example.COM "` and
/// `"gary.davies@example.com"` are one person. The default for `email` and
/// `safe_email`.
///
/// ```
/// use dataslicer::fake::normalize::email;
/// assert_eq!(email(" Gary.Davies@Example.COM "), "gary.davies@example.com");
/// ```
pub fn email(original: &str) -> String {
    original.trim().to_lowercase()
}

/// Trimmed, lowercase and with runs of white space as one space: for names
/// typed by hand (`"Gary  DAVIES"`, `"gary davies"`).
///
/// ```
/// use dataslicer::fake::normalize::words;
/// assert_eq!(words("  Gary \t DAVIES "), "gary davies");
/// ```
pub fn words(original: &str) -> String {
    original
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The original as it is: the default for kinds other than e-mails.
pub fn exact(original: &str) -> String {
    original.to_owned()
}
