//! Resource quantities as upstream `resource.Quantity` parses, compares and prints them: the
//! value is kept exactly in nano-units (parsing rounds away from zero to 1n, and caps the
//! magnitude at 2^63-1 units), and [`Quantity::canonical`] is `Quantity.String()`.

use std::cmp::Ordering;

/// Upstream's `ErrFormatWrong` text.
pub(crate) const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// Upstream's `ErrSuffix` text.
pub(crate) const SUFFIX_ERROR: &str = "unable to parse quantity's suffix";

const NANOS_PER_UNIT: i128 = 1_000_000_000;
/// The largest magnitude upstream keeps: 2^63-1 units.
const CAP_NANOS: i128 = (i64::MAX as i128) * NANOS_PER_UNIT;
/// Significant digits kept exactly; anything longer only matters below a nano-unit.
const MAX_DIGITS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalExponent,
    DecimalSi,
    BinarySi,
}

/// A parsed quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    nanos: i128,
    format: Format,
}

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

/// Upstream's `parseQuantityString`.
fn split(s: &str) -> Result<Parts<'_>, &'static str> {
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
    let start = pos;
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        let d = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d..pos];
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    if !b[pos..].iter().all(u8::is_ascii_digit) {
        return Err(FORMAT_ERROR);
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

/// `ceil(digits × 10^exp10 × 2^exp2 × 10^9)`, capped at [`CAP_NANOS`].
fn magnitude_nanos(digits: &str, exp10: i64, exp2: u32) -> i128 {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return 0;
    }
    let (kept, dropped) = if digits.len() > MAX_DIGITS {
        digits.split_at(MAX_DIGITS)
    } else {
        (digits, "")
    };
    let mut mantissa: i128 = kept.parse().unwrap_or(0);
    if dropped.bytes().any(|c| c != b'0') {
        mantissa += 1;
    }
    let shift = exp10 + 9 + dropped.len() as i64;
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
            Some(p) => Some((scaled + p - 1) / p),
            // A positive amount below one nano-unit rounds up to one.
            None => Some(1),
        }
    };
    nanos.map_or(CAP_NANOS, |n| n.min(CAP_NANOS))
}

impl Quantity {
    /// Parses a quantity as upstream `ParseQuantity` does; the error is upstream's text.
    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        if s.is_empty() {
            return Err(FORMAT_ERROR);
        }
        let parts = split(s)?;
        let (exp10, exp2, mut format) = interpret(parts.suffix).ok_or(SUFFIX_ERROR)?;
        let digits = format!("{}{}", parts.num, parts.denom);
        let exp10 = i64::from(exp10) - parts.denom.len() as i64;
        let magnitude = magnitude_nanos(&digits, exp10, exp2);
        if format == Format::BinarySi && magnitude > 0 && magnitude < NANOS_PER_UNIT {
            format = Format::DecimalSi;
        }
        let nanos = if parts.negative {
            -magnitude
        } else {
            magnitude
        };
        Ok(Self { nanos, format })
    }

    /// Whether the value is below zero.
    pub(crate) fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Whether the value is a whole number of units (`MilliValue() % 1000 == 0`).
    pub(crate) fn is_integer(&self) -> bool {
        // MilliValue rounds up to milli-units first.
        let millis = ceil_div(self.nanos, 1_000_000);
        millis % 1000 == 0
    }

    /// Upstream's `Quantity.String()`.
    pub(crate) fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_owned();
        }
        let mut format = self.format;
        if format == Format::BinarySi {
            let small = self.nanos.abs() < 1024 * NANOS_PER_UNIT;
            if small || self.nanos % NANOS_PER_UNIT != 0 {
                format = Format::DecimalSi;
            }
        }
        if format == Format::BinarySi {
            let (mut amount, mut exp) = (self.nanos / NANOS_PER_UNIT, 0u32);
            while amount % 1024 == 0 && exp < 6 {
                amount /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp as usize];
            return format!("{amount}{suffix}");
        }
        let (mut amount, mut exp) = (self.nanos, -9i32);
        while amount % 10 == 0 {
            amount /= 10;
            exp += 1;
        }
        match exp % 3 {
            1 | -2 => {
                amount *= 10;
                exp -= 1;
            }
            2 | -1 => {
                amount *= 100;
                exp -= 2;
            }
            _ => {}
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

/// Rounds away from zero, as `inf.RoundUp` does.
fn ceil_div(n: i128, d: i128) -> i128 {
    let q = n / d;
    if n % d == 0 {
        q
    } else if n > 0 {
        q + 1
    } else {
        q - 1
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
        assert!(q("1") < q("1001m"));
        assert_eq!(q("1Gi").cmp(&q("1073741824")), Ordering::Equal);
        assert!(q("1G") < q("1Gi"));
        assert!(q("-1").is_negative());
        assert!(q("0.0").is_zero());
        assert!(q("2").is_integer());
        assert!(!q("1500m").is_integer());
    }

    #[test]
    fn malformed_quantities_use_upstream_errors() {
        assert_eq!(Quantity::parse(""), Err(FORMAT_ERROR));
        assert_eq!(Quantity::parse("1x"), Err(FORMAT_ERROR));
        assert_eq!(Quantity::parse("abc"), Err(FORMAT_ERROR));
        assert_eq!(Quantity::parse("1Ki2"), Err(SUFFIX_ERROR));
        assert_eq!(Quantity::parse("1e"), Err(SUFFIX_ERROR));
    }
}
