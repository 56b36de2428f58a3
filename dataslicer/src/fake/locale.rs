//! The locales of names, addresses and the like.

use super::*;
/// Locale for names, addresses and the like: every locale `fake` 5.1 ships.
/// English by default.
///
/// ```
/// use dataslicer::fake::Locale;
///
/// let locale: Locale = "FR-fr".parse().unwrap();
/// assert_eq!(locale, Locale::FrFr);
/// assert_eq!(locale.name(), "fr_FR");
/// assert!("xx".parse::<Locale>().unwrap_err().to_string().contains("de_DE"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English (`en`).
    #[default]
    En,
    /// French, France (`fr_FR`).
    FrFr,
    /// German, Germany (`de_DE`).
    DeDe,
    /// Italian, Italy (`it_IT`).
    ItIt,
    /// Dutch, Netherlands (`nl_NL`).
    NlNl,
    /// Portuguese, Brazil (`pt_BR`).
    PtBr,
    /// Portuguese, Portugal (`pt_PT`).
    PtPt,
    /// Turkish, Turkey (`tr_TR`).
    TrTr,
    /// Welsh, United Kingdom (`cy_GB`).
    CyGb,
    /// Arabic, Saudi Arabia (`ar_SA`).
    ArSa,
    /// Persian, Iran (`fa_IR`).
    FaIr,
    /// Japanese, Japan (`ja_JP`).
    JaJp,
    /// Chinese, China (`zh_CN`).
    ZhCn,
    /// Chinese, Taiwan (`zh_TW`).
    ZhTw,
}

impl Locale {
    /// Every locale, in the order error messages list them.
    pub const ALL: &'static [Locale] = &[
        Locale::En,
        Locale::FrFr,
        Locale::DeDe,
        Locale::ItIt,
        Locale::NlNl,
        Locale::PtBr,
        Locale::PtPt,
        Locale::TrTr,
        Locale::CyGb,
        Locale::ArSa,
        Locale::FaIr,
        Locale::JaJp,
        Locale::ZhCn,
        Locale::ZhTw,
    ];

    /// The locale's name: `en`, `fr_FR`, `de_DE`, ...
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::FrFr => "fr_FR",
            Locale::DeDe => "de_DE",
            Locale::ItIt => "it_IT",
            Locale::NlNl => "nl_NL",
            Locale::PtBr => "pt_BR",
            Locale::PtPt => "pt_PT",
            Locale::TrTr => "tr_TR",
            Locale::CyGb => "cy_GB",
            Locale::ArSa => "ar_SA",
            Locale::FaIr => "fa_IR",
            Locale::JaJp => "ja_JP",
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
        }
    }

    /// Whether a street address puts the building number after the street
    /// (`Hauptstraße 12`) rather than before it (`12 Main Street`).
    pub(super) fn number_after_street(self) -> bool {
        matches!(
            self,
            Locale::DeDe
                | Locale::ItIt
                | Locale::NlNl
                | Locale::PtBr
                | Locale::PtPt
                | Locale::TrTr
                | Locale::FaIr
                | Locale::ZhCn
        )
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Locale {
    type Err = Error;

    /// Parses a locale name, ignoring case and accepting `-` for `_`
    /// (`fr_FR`, `fr-fr`, `EN`).
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().replace('-', "_");
        Locale::ALL
            .iter()
            .copied()
            .find(|locale| locale.name().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Locale::ALL.iter().map(|l| l.name()).collect();
                Error::Usage(format!(
                    "unknown locale `{s}`: expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

/// Runs `$body` with `$l` bound to the `fake` crate's data for `$locale`.
macro_rules! with_locale_data {
    ($locale:expr, $l:ident => $body:expr) => {
        match $locale {
            Locale::En => {
                let $l = ::fake::locales::EN;
                $body
            }
            Locale::FrFr => {
                let $l = ::fake::locales::FR_FR;
                $body
            }
            Locale::DeDe => {
                let $l = ::fake::locales::DE_DE;
                $body
            }
            Locale::ItIt => {
                let $l = ::fake::locales::IT_IT;
                $body
            }
            Locale::NlNl => {
                let $l = ::fake::locales::NL_NL;
                $body
            }
            Locale::PtBr => {
                let $l = ::fake::locales::PT_BR;
                $body
            }
            Locale::PtPt => {
                let $l = ::fake::locales::PT_PT;
                $body
            }
            Locale::TrTr => {
                let $l = ::fake::locales::TR_TR;
                $body
            }
            Locale::CyGb => {
                let $l = ::fake::locales::CY_GB;
                $body
            }
            Locale::ArSa => {
                let $l = ::fake::locales::AR_SA;
                $body
            }
            Locale::FaIr => {
                let $l = ::fake::locales::FA_IR;
                $body
            }
            Locale::JaJp => {
                let $l = ::fake::locales::JA_JP;
                $body
            }
            Locale::ZhCn => {
                let $l = ::fake::locales::ZH_CN;
                $body
            }
            Locale::ZhTw => {
                let $l = ::fake::locales::ZH_TW;
                $body
            }
        }
    };
}
