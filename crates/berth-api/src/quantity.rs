//! Kubernetes resource quantities as upstream's `resource.Quantity` parses, compares, rounds
//! and prints them.
//!
//! The value is kept exactly in nano-units: parsing rounds anything finer away from zero to
//! `1n` and caps the magnitude at 2^63-1 units, as upstream's parser does. [`Quantity::canonical`]
//! is `Quantity.String()` computed from the value; [`normalize`] additionally keeps the client's
//! text when upstream's fast parse path would have kept it, which is what upstream writes back
//! when it encodes an object.

use std::cmp::Ordering;

const NANOS_PER_UNIT: i128 = 1_000_000_000;
const NANOS_PER_MILLI: i128 = 1_000_000;
/// The largest magnitude upstream keeps: 2^63-1 units.
const CAP_NANOS: i128 = (i64::MAX as i128) * NANOS_PER_UNIT;
/// Significant digits kept when a value's digits do not fit exact 128-bit arithmetic; anything
/// longer only matters below a nano-unit or above the cap.
const MAX_DIGITS: usize = 20;

/// Why a text is not a quantity; the display text is upstream's error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseQuantityError {
    /// Upstream's `ErrFormatWrong`.
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    Format,
    /// Upstream's `ErrSuffix`.
    #[error("unable to parse quantity's suffix")]
    Suffix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalExponent,
    DecimalSi,
    BinarySi,
}

/// A parsed quantity. Equality and ordering compare values (`Quantity.Cmp`), so `1Gi` equals
/// `1024Mi`.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    nanos: i128,
    format: Format,
    /// Upstream's parser keeps the client's text when it is already canonical.
    keeps_text: bool,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

struct Parts<'a> {
    negative: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn digits_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Upstream's `parseQuantityString`: sign, numerator (leading zeros dropped), optional
/// fraction, suffix.
fn split(s: &str) -> Result<Parts<'_>, ParseQuantityError> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut negative = false;
    match b.first() {
        Some(b'-') => {
            negative = true;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < b.len() && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= b.len() {
        return Ok(Parts {
            negative,
            num: "0",
            denom: "",
            suffix: "",
        });
    }
    let end = digits_end(b, pos);
    let num = if end == pos { "0" } else { &s[pos..end] };
    pos = end;
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        let end = digits_end(b, pos + 1);
        denom = &s[pos + 1..end];
        pos = end;
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    if digits_end(b, pos) != b.len() {
        return Err(ParseQuantityError::Format);
    }
    Ok(Parts {
        negative,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// (base-10 exponent, base-2 exponent, format) of a suffix.
fn interpret(suffix: &str) -> Option<(i32, u32, Format)> {
    let dec = |e| Some((e, 0, Format::DecimalSi));
    let bin = |e| Some((0, e, Format::BinarySi));
    match suffix {
        "" => dec(0),
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        s if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => {
            let e: i32 = s[1..].parse().ok()?;
            Some((e, 0, Format::DecimalExponent))
        }
        _ => None,
    }
}

fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

/// Rounds away from zero, as `inf.RoundUp` does.
fn div_away_from_zero(n: i128, d: i128) -> i128 {
    let q = n / d;
    if n % d == 0 { q } else { q + n.signum() }
}

/// `ceil(digits × 2^exp2 × 10^(exp10 + 9))`, capped at [`CAP_NANOS`]; `digits` has no leading
/// zeros.
fn magnitude_nanos(digits: &str, exp10: i64, exp2: u32) -> i128 {
    if digits.is_empty() {
        return 0;
    }
    exact_nanos(digits, exp10, exp2).unwrap_or_else(|| truncated_nanos(digits, exp10, exp2))
}

/// The exact computation; `None` when the digits do not fit it.
fn exact_nanos(digits: &str, exp10: i64, exp2: u32) -> Option<i128> {
    let mantissa: i128 = digits.parse().ok()?;
    let shift = exp10 + 9;
    let Some(scaled) = mantissa.checked_mul(1i128 << exp2) else {
        // Too large to scale: only a whole-unit (or larger) exponent makes that certainly huge.
        return (shift >= 0).then_some(CAP_NANOS);
    };
    let nanos = if shift >= 0 {
        u32::try_from(shift)
            .ok()
            .and_then(pow10)
            .and_then(|p| scaled.checked_mul(p))
            .unwrap_or(CAP_NANOS)
    } else {
        match u32::try_from(-shift).ok().and_then(pow10) {
            Some(p) => div_away_from_zero(scaled, p),
            // A positive amount below one nano-unit rounds up to one.
            None => 1,
        }
    };
    Some(nanos.min(CAP_NANOS))
}

/// The leading [`MAX_DIGITS`] digits, rounded up when any dropped digit is non-zero.
fn truncated_nanos(digits: &str, exp10: i64, exp2: u32) -> i128 {
    let (kept, dropped) = if digits.len() > MAX_DIGITS {
        digits.split_at(MAX_DIGITS)
    } else {
        (digits, "")
    };
    let mut mantissa: i128 = kept.parse().unwrap_or(0);
    if dropped.bytes().any(|c| c != b'0') {
        mantissa += 1;
    }
    let shift = exp10 + 9 + i64::try_from(dropped.len()).unwrap_or(i64::MAX);
    let Some(scaled) = mantissa.checked_mul(1i128 << exp2) else {
        return CAP_NANOS;
    };
    let nanos = if shift >= 0 {
        u32::try_from(shift)
            .ok()
            .and_then(pow10)
            .and_then(|p| scaled.checked_mul(p))
    } else {
        match u32::try_from(-shift).ok().and_then(pow10) {
            Some(p) => Some(div_away_from_zero(scaled, p)),
            None => Some(1),
        }
    };
    nanos.map_or(CAP_NANOS, |n| n.min(CAP_NANOS))
}

/// Whether upstream's int64 fast path applies and finds the text already canonical.
fn keeps_text(parts: &Parts<'_>, exp10: i32, exp2: u32) -> bool {
    let (Ok(num_len), Ok(denom_len)) = (
        i32::try_from(parts.num.len()),
        i32::try_from(parts.denom.len()),
    ) else {
        return false;
    };
    let binary = exp2 > 0;
    let (precision, scale) = if !binary {
        (18 - (num_len + denom_len), exp10 - denom_len)
    } else if denom_len == 0 {
        // Upstream estimates the digits a binary suffix adds with float32 arithmetic.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let extra = (exp2 as f32 * 3.0 / 10.0) as i32;
        (15 - num_len - extra - 1, 0)
    } else {
        (-1, 0)
    };
    if precision < 0 || scale < -9 {
        return false;
    }
    let digits = format!("{}{}", parts.num, parts.denom);
    let Ok(value) = digits.parse::<i64>() else {
        return false;
    };
    if binary {
        let fits = 1i64
            .checked_shl(exp2)
            .and_then(|m| value.checked_mul(m))
            .is_some();
        return fits && exp2.is_multiple_of(10) && value & 7 != 0;
    }
    scale % 3 == 0 && !digits.ends_with("000") && !digits.starts_with('0')
}

impl Quantity {
    /// Parses `s` as upstream's `ParseQuantity` does.
    ///
    /// # Errors
    ///
    /// Upstream's error when `s` is empty, malformed, or has an unknown suffix.
    pub fn parse(s: &str) -> Result<Self, ParseQuantityError> {
        if s.is_empty() {
            return Err(ParseQuantityError::Format);
        }
        let parts = split(s)?;
        let (exp10, exp2, mut format) =
            interpret(parts.suffix).ok_or(ParseQuantityError::Suffix)?;
        let digits = format!("{}{}", parts.num, parts.denom);
        let scale = i64::from(exp10) - i64::try_from(parts.denom.len()).unwrap_or(i64::MAX);
        let magnitude = magnitude_nanos(digits.trim_start_matches('0'), scale, exp2);
        // Below one unit a binary suffix would have to round, so upstream prints it in decimal.
        if format == Format::BinarySi && magnitude > 0 && magnitude < NANOS_PER_UNIT {
            format = Format::DecimalSi;
        }
        Ok(Self {
            nanos: if parts.negative {
                -magnitude
            } else {
                magnitude
            },
            format,
            keeps_text: s == "0" || keeps_text(&parts, exp10, exp2),
        })
    }

    /// The value in units of 10^-9, for sums and comparisons.
    #[must_use]
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// Whether the value is below zero.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Whether the value is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Whether the value is a whole number of units (`MilliValue() % 1000 == 0`).
    #[must_use]
    pub fn is_integer(&self) -> bool {
        // MilliValue rounds up to milli-units first.
        div_away_from_zero(self.nanos, NANOS_PER_MILLI) % 1000 == 0
    }

    /// `RoundUp(Milli)`: the kept text is dropped only when the value had to change scale.
    pub fn round_up_milli(&mut self) {
        if self.nanos % NANOS_PER_MILLI != 0 {
            self.nanos = div_away_from_zero(self.nanos, NANOS_PER_MILLI) * NANOS_PER_MILLI;
            self.keeps_text = false;
        }
    }

    /// Upstream's `Quantity.String()` computed from the value, ignoring the client's text.
    #[must_use]
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_owned();
        }
        let mut format = self.format;
        if format == Format::BinarySi
            && (self.nanos.abs() < 1024 * NANOS_PER_UNIT || self.nanos % NANOS_PER_UNIT != 0)
        {
            format = Format::DecimalSi;
        }
        if format == Format::BinarySi {
            let (mut amount, mut power) = (self.nanos / NANOS_PER_UNIT, 0usize);
            while amount % 1024 == 0 && power < 6 {
                amount /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return format!("{amount}{suffix}");
        }
        let (mut amount, mut exp) = (self.nanos, -9i32);
        while amount % 10 == 0 {
            amount /= 10;
            exp += 1;
        }
        // The capped magnitude leaves room for the two extra digits.
        while exp.rem_euclid(3) != 0 {
            amount *= 10;
            exp -= 1;
        }
        let suffix = match (format, exp) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, -9) => "n".to_owned(),
            (_, -6) => "u".to_owned(),
            (_, -3) => "m".to_owned(),
            (_, 0) => String::new(),
            (_, 3) => "k".to_owned(),
            (_, 6) => "M".to_owned(),
            (_, 9) => "G".to_owned(),
            (_, 12) => "T".to_owned(),
            (_, 15) => "P".to_owned(),
            (_, 18) => "E".to_owned(),
            (_, e) => format!("e{e}"),
        };
        format!("{amount}{suffix}")
    }
}

/// The text upstream writes back for the quantity `text` (its `String()` after parsing, which
/// keeps already-canonical text), rounded up to milli precision first when it belongs to a
/// `ResourceList` (`SetDefaults_ResourceList`). `None` when `text` is not a quantity.
#[must_use]
pub fn normalize(text: &str, round_milli: bool) -> Option<String> {
    let mut q = Quantity::parse(text).ok()?;
    if round_milli {
        q.round_up_milli();
    }
    Some(if q.keeps_text {
        text.to_owned()
    } else {
        q.canonical()
    })
}

/// [`normalize`] without rounding, showing text that is not a quantity unchanged (for table
/// cells).
#[must_use]
pub fn display(text: &str) -> String {
    normalize(text, false).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{ParseQuantityError, Quantity, display, normalize};
    use std::cmp::Ordering;

    #[test]
    fn resource_lists_round_up_to_milli_and_print_canonically() {
        // (input, upstream's text after SetDefaults_ResourceList and encoding)
        let cases = [
            ("0", "0"),
            ("100m", "100m"),
            ("0.5", "500m"),
            ("1.5", "1500m"),
            ("2000m", "2"),
            ("1", "1"),
            ("250m", "250m"),
            ("0.0001", "1m"),
            ("1u", "1m"),
            ("100n", "1m"),
            ("1500u", "2m"),
            ("1Gi", "1Gi"),
            ("8Gi", "8Gi"),
            ("1024Mi", "1Gi"),
            ("512Mi", "512Mi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1.1Gi", "1181116006400m"),
            ("1000M", "1G"),
            ("1500M", "1500M"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("128974848", "128974848"),
            ("129e6", "129e6"),
            ("1e3", "1e3"),
            ("1e4", "10e3"),
            ("0Gi", "0"),
            ("0.5Ki", "512"),
            ("-1Gi", "-1Gi"),
            ("5Ti", "5Ti"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input, true).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn single_quantities_keep_nano_precision() {
        assert_eq!(normalize("1n", false).as_deref(), Some("1n"));
        assert_eq!(normalize("0.0000000001", false).as_deref(), Some("1n"));
        assert_eq!(normalize("2048Mi", false).as_deref(), Some("2Gi"));
    }

    #[test]
    fn malformed_text_is_left_alone() {
        for bad in ["", "abc", "1.5.5", "12Q", "1Gi2", "--1"] {
            assert_eq!(normalize(bad, true), None, "{bad}");
        }
    }

    #[test]
    fn displayed_forms() {
        // (input, upstream's `String()` of the parsed text, as CAPACITY cells show it)
        let cases = [
            ("0", "0"),
            ("10Gi", "10Gi"),
            ("1Gi", "1Gi"),
            ("8Gi", "8Gi"),
            ("1024Mi", "1Gi"),
            ("2048Ki", "2Mi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1.5Gi", "1536Mi"),
            ("1.1Gi", "1181116006400m"),
            ("1000M", "1G"),
            ("1500M", "1500M"),
            ("0.5G", "500M"),
            ("100m", "100m"),
            ("0.1", "100m"),
            ("1000", "1k"),
            ("512", "512"),
            ("1e3", "1e3"),
            ("1e4", "10e3"),
            ("0Gi", "0"),
            ("1Ki", "1Ki"),
            ("0.5Ki", "512"),
            ("1n", "1n"),
            ("0.0000000001", "1n"),
            ("-1Gi", "-1Gi"),
            ("-1024Mi", "-1Gi"),
            ("5Ti", "5Ti"),
            ("not-a-size", "not-a-size"),
        ];
        for (input, want) in cases {
            assert_eq!(display(input), want, "{input}");
        }
    }

    #[test]
    fn canonical_forms_match_quantity_string() {
        let cases = [
            ("0", "0"),
            ("1", "1"),
            ("0.5", "500m"),
            ("500m", "500m"),
            ("1000m", "1"),
            ("1500", "1500"),
            ("2500000", "2500k"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1000Ki", "1000Ki"),
            ("100", "100"),
            ("1e3", "1e3"),
            ("1E6", "1e6"),
            ("-1", "-1"),
            ("+2", "2"),
            ("0.1m", "100u"),
            ("1.5Gi", "1536Mi"),
            ("12345678901234567890123", "9223372036854775807"),
        ];
        for (input, want) in cases {
            assert_eq!(Quantity::parse(input).unwrap().canonical(), want, "{input}");
        }
    }

    #[test]
    fn comparisons_are_exact() {
        let q = |s| Quantity::parse(s).unwrap();
        let nanos = |s| q(s).nanos();
        assert!(q("1") < q("1001m"));
        assert_eq!(q("1Gi").cmp(&q("1073741824")), Ordering::Equal);
        assert_eq!(nanos("1"), nanos("1000m"));
        assert_eq!(nanos("1Gi"), nanos("1024Mi"));
        assert_eq!(nanos("0.5"), 500_000_000);
        assert!(q("1G") < q("1Gi"));
        assert!(nanos("100Mi") > nanos("100M"));
        assert!(q("-1").is_negative());
        assert!(q("0.0").is_zero());
        assert!(q("2").is_integer());
        assert!(!q("1500m").is_integer());
    }

    #[test]
    fn long_and_huge_values_follow_the_slow_parse_path() {
        // Upstream's inf.Dec path: exact to the nano, rounded up below it, capped at 2^63-1.
        let cases = [
            ("1234567890123.456789012", "1234567890123456789012n"),
            ("0.000000000000000000000000000000000000000000001", "1n"),
            ("-0.0000000001", "-1n"),
            ("12345678901234567890123", "9223372036854775807"),
            ("99999999999999999999Ei", "9223372036854775807"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input, false).as_deref(), Some(want), "{input}");
        }
        assert!(Quantity::parse("1Gi").unwrap() == Quantity::parse("1073741824").unwrap());
    }

    #[test]
    fn malformed_quantities_use_upstream_errors() {
        let format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        let suffix = "unable to parse quantity's suffix";
        assert_eq!(ParseQuantityError::Format.to_string(), format);
        assert_eq!(ParseQuantityError::Suffix.to_string(), suffix);
        assert_eq!(Quantity::parse(""), Err(ParseQuantityError::Format));
        assert_eq!(Quantity::parse("1x"), Err(ParseQuantityError::Format));
        assert_eq!(Quantity::parse("abc"), Err(ParseQuantityError::Format));
        assert_eq!(Quantity::parse("1Ki2"), Err(ParseQuantityError::Suffix));
        assert_eq!(Quantity::parse("1e"), Err(ParseQuantityError::Suffix));
    }
}
