//! How money, dates and times read in mail and on every page, and how a time typed in a form is
//! read: in the installation's currency and time zone (`--currency`, `--timezone`), never as a
//! float or a raw UTC timestamp. Storage stays UTC; this is the one place that converts.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::i18n::{self, Language};
use chrono_tz::Tz;

/// The installation's currency and time zone.
#[derive(Debug, Clone)]
pub struct Locale {
    currency: String,
    zone: Tz,
}

#[derive(Debug, thiserror::Error)]
pub enum LocaleError {
    #[error("{0:?} is not a currency code: give three capital letters, as in PKR or EUR")]
    Currency(String),
    #[error("{0:?} is not a time zone of the tz database, as in Asia/Karachi or Europe/London")]
    Zone(String),
}

impl Default for Locale {
    /// Pakistani rupees, Pakistan time: the installation pvara was built for.
    fn default() -> Self {
        Self {
            currency: "PKR".to_owned(),
            zone: chrono_tz::Asia::Karachi,
        }
    }
}

impl Locale {
    /// `currency` is an ISO 4217 code, `zone` an IANA zone name.
    pub fn parse(currency: &str, zone: &str) -> Result<Self, LocaleError> {
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(LocaleError::Currency(currency.to_owned()));
        }
        let zone: Tz = zone.parse().map_err(|_| LocaleError::Zone(zone.to_owned()))?;
        Ok(Self {
            currency: currency.to_owned(),
            zone,
        })
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// "PKR 450,000", or "PKR 450,000.50" when there are cents.
    pub fn money(&self, amount: f64) -> String {
        let cents = (amount.abs() * 100.0).round() as u64;
        let (units, cents) = (cents / 100, cents % 100);
        let sign = if amount < 0.0 && (units > 0 || cents > 0) {
            "-"
        } else {
            ""
        };
        let grouped = group_digits(units);
        if cents == 0 {
            format!("{} {sign}{grouped}", self.currency)
        } else {
            format!("{} {sign}{grouped}.{cents:02}", self.currency)
        }
    }

    /// A salary with what it is paid per: "PKR 150,000 a month". Pages and mail alike.
    pub fn pay(&self, amount: f64, period: pvara_domain::pipeline::SalaryPeriod) -> String {
        let per = match period {
            pvara_domain::pipeline::SalaryPeriod::Monthly => "pay-monthly",
            pvara_domain::pipeline::SalaryPeriod::Yearly => "pay-yearly",
        };
        format!("{} {}", self.money(amount), i18n::t(per))
    }

    /// "Friday 14 February 2030, 10:00 (PKT)", in the installation's zone and the reader's
    /// language ("جمعرات 14 فروری 2030، 10:00 (PKT)").
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.zone);
        let clock = local.format("%H:%M (%Z)");
        match i18n::current() {
            Language::En => format!("{}, {clock}", day_words(local.date_naive(), true)),
            Language::Ur => format!("{}، {clock}", day_words(local.date_naive(), true)),
        }
    }

    /// "Friday 1 March 2030".
    pub fn date(&self, day: NaiveDate) -> String {
        day_words(day, true)
    }

    /// "14 February 2030": the local day of an instant, for lists.
    pub fn day_of(&self, at: DateTime<Utc>) -> String {
        day_words(at.with_timezone(&self.zone).date_naive(), false)
    }

    /// What a form says its times are in: "Asia/Karachi time (PKT)".
    pub fn zone_label(&self) -> String {
        let abbreviation = Utc::now().with_timezone(&self.zone).format("%Z").to_string();
        format!("{} time ({abbreviation})", self.zone.name())
    }

    /// A time typed in a form (the local wall clock of the installation) as the instant it
    /// names. A time the clock skips (a spring-forward gap) names nothing and is `None`; one it
    /// passes twice is the first of the two.
    pub fn from_local(&self, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.zone.from_local_datetime(&wall) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// An instant as a `datetime-local` field's value in the installation's zone, to fill a
    /// form with what is stored.
    pub fn to_local_input(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%Y-%m-%dT%H:%M").to_string()
    }
}

/// Urdu's names of the days (Monday first, as chrono counts) and the months, in Urdu spelling
/// (glibc's `ur_PK` writes some days with Arabic letters: پير for پیر, جمعه for جمعہ).
const URDU_DAYS: [&str; 7] = ["پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار"];
const URDU_MONTHS: [&str; 12] = [
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
];

/// A day in the reader's language, with its weekday or not.
fn day_words(day: NaiveDate, weekday: bool) -> String {
    match i18n::current() {
        Language::En if weekday => day.format("%A %-d %B %Y").to_string(),
        Language::En => day.format("%-d %B %Y").to_string(),
        Language::Ur => {
            let month = URDU_MONTHS
                .get(day.month0() as usize)
                .copied()
                .unwrap_or_default();
            let date = format!("{} {month} {}", day.day(), day.year());
            if weekday {
                let name = URDU_DAYS
                    .get(day.weekday().num_days_from_monday() as usize)
                    .copied()
                    .unwrap_or_default();
                format!("{name} {date}")
            } else {
                date
            }
        }
    }
}

fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn karachi() -> Locale {
        Locale::parse("PKR", "Asia/Karachi").expect("valid")
    }

    #[test]
    fn money_has_the_currency_and_grouped_digits() {
        let l = karachi();
        assert_eq!(l.money(450_000.0), "PKR 450,000");
        assert_eq!(l.money(1_234_567.5), "PKR 1,234,567.50");
        assert_eq!(l.money(999.0), "PKR 999");
        assert_eq!(l.money(0.0), "PKR 0");
        assert_eq!(l.money(-1_000.0), "PKR -1,000");
        let monthly = pvara_domain::pipeline::SalaryPeriod::Monthly;
        assert_eq!(l.pay(150_000.0, monthly), "PKR 150,000 a month");
    }

    #[test]
    fn times_are_local_with_the_zone_named() {
        let at = Utc
            .with_ymd_and_hms(2030, 2, 14, 5, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(karachi().date_time(at), "Thursday 14 February 2030, 10:00 (PKT)");
        let london = Locale::parse("GBP", "Europe/London").expect("valid");
        let summer = Utc
            .with_ymd_and_hms(2030, 7, 1, 9, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(london.date_time(summer), "Monday 1 July 2030, 10:30 (BST)");
    }

    #[test]
    fn a_time_typed_in_the_zone_reads_back_the_same() {
        let wall = NaiveDate::from_ymd_opt(2030, 2, 14)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("valid");
        let at = karachi().from_local(wall).expect("exists");
        assert_eq!(
            at,
            Utc.with_ymd_and_hms(2030, 2, 14, 5, 0, 0)
                .single()
                .expect("valid")
        );
        assert_eq!(karachi().date_time(at), "Thursday 14 February 2030, 10:00 (PKT)");
        assert_eq!(karachi().to_local_input(at), "2030-02-14T10:00");
        let london = Locale::parse("GBP", "Europe/London").expect("valid");
        let skipped = NaiveDate::from_ymd_opt(2030, 3, 31)
            .and_then(|d| d.and_hms_opt(1, 30, 0))
            .expect("valid");
        assert_eq!(
            london.from_local(skipped),
            None,
            "01:30 does not happen that night"
        );
    }

    #[test]
    fn dates_read_as_words() {
        let day = NaiveDate::from_ymd_opt(2030, 3, 1).expect("valid");
        assert_eq!(karachi().date(day), "Friday 1 March 2030");
    }

    #[test]
    fn bad_settings_are_refused_with_an_example() {
        assert!(matches!(
            Locale::parse("rupees", "Asia/Karachi"),
            Err(LocaleError::Currency(_))
        ));
        let error = Locale::parse("PKR", "Mars/Olympus").expect_err("unknown zone");
        assert!(error.to_string().contains("Asia/Karachi"));
    }
}
