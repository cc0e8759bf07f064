//! Resource quantities as validation compares them: the exact value in nano-units, rounded
//! away from zero as upstream's parser rounds anything finer than a nano.

use std::cmp::Ordering;

use serde_json::Value;

/// A parsed quantity.
#[derive(Debug, Clone)]
pub(crate) struct Quantity {
    /// The value in units of 10^-9, saturated at the `i128` range.
    nanos: i128,
    /// The text the client sent, trimmed.
    text: String,
}

const NANO: i128 = 1_000_000_000;

fn pow10(e: u32) -> i128 {
    10i128.checked_pow(e).unwrap_or(i128::MAX)
}

/// (base, exponent) of a suffix.
fn suffix(s: &str) -> Option<(u32, i32)> {
    Some(match s {
        "" => (10, 0),
        "n" => (10, -9),
        "u" => (10, -6),
        "m" => (10, -3),
        "k" => (10, 3),
        "M" => (10, 6),
        "G" => (10, 9),
        "T" => (10, 12),
        "P" => (10, 15),
        "E" => (10, 18),
        "Ki" => (2, 10),
        "Mi" => (2, 20),
        "Gi" => (2, 30),
        "Ti" => (2, 40),
        "Pi" => (2, 50),
        "Ei" => (2, 60),
        s if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => {
            (10, s[1..].parse::<i32>().ok()?)
        }
        _ => return None,
    })
}

impl Quantity {
    /// Parses the wire form (a string, or a JSON number); `None` when it is not a quantity.
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => Self::parse(s),
            Value::Number(n) => Self::parse(&n.to_string()),
            _ => None,
        }
    }

    /// Parses `<sign><digits>[.<digits>]<suffix>`.
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        let text = raw.trim();
        let (negative, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let int_end = body
            .bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(body.len());
        let (int_part, rest) = body.split_at(int_end);
        let (frac_part, rest) = match rest.strip_prefix('.') {
            Some(r) => {
                let end = r
                    .bytes()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(r.len());
                r.split_at(end)
            }
            None => ("", rest),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let (base, exponent) = suffix(rest)?;
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        let mut mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().unwrap_or(i128::MAX)
        };
        let mut scale = -i64::try_from(frac_part.len()).ok()?;
        if base == 10 {
            scale += i64::from(exponent);
        } else {
            mantissa = mantissa
                .checked_mul(1i128 << u32::try_from(exponent).ok()?)
                .unwrap_or(i128::MAX);
        }
        let shift = scale + 9;
        let magnitude = if shift >= 0 {
            let factor = pow10(u32::try_from(shift.min(40)).ok()?);
            mantissa.checked_mul(factor).unwrap_or(i128::MAX)
        } else {
            let div = pow10(u32::try_from((-shift).min(40)).ok()?);
            mantissa / div + i128::from(mantissa % div != 0)
        };
        let nanos = if negative { -magnitude } else { magnitude };
        Some(Self {
            nanos,
            text: text.to_owned(),
        })
    }

    /// The sign: negative, zero or positive.
    pub(crate) fn sign(&self) -> Ordering {
        self.nanos.cmp(&0)
    }

    /// `Quantity.Value()`: whole units, rounded up.
    pub(crate) fn value(&self) -> i64 {
        let whole = self.nanos.div_euclid(NANO) + i128::from(self.nanos.rem_euclid(NANO) != 0);
        i64::try_from(whole).unwrap_or(if whole < 0 { i64::MIN } else { i64::MAX })
    }

    /// Whether the value is a whole number of units (`MilliValue() % 1000 == 0`).
    pub(crate) fn is_integer(&self) -> bool {
        let milli =
            self.nanos.div_euclid(1_000_000) + i128::from(self.nanos.rem_euclid(1_000_000) != 0);
        milli % 1000 == 0
    }

    /// How upstream prints the value in a message: zero is always `0`.
    pub(crate) fn display(&self) -> String {
        if self.nanos == 0 {
            "0".to_owned()
        } else {
            self.text.clone()
        }
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.nanos.cmp(&other.nanos))
    }
}

/// Compares two optional wire quantities, a missing one counting as zero.
pub(crate) fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let nanos = |v: Option<&Value>| v.and_then(Quantity::from_json).map_or(0, |q| q.nanos);
    nanos(a).cmp(&nanos(b))
}

/// The canonical exact value of a wire quantity, for semantic comparison of whole specs.
pub(crate) fn normalized(v: &Value) -> Value {
    Quantity::from_json(v).map_or_else(|| v.clone(), |q| Value::String(format!("{}n", q.nanos)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_and_signs() {
        let cases = [
            ("1Gi", 1_073_741_824, Ordering::Greater),
            ("1G", 1_000_000_000, Ordering::Greater),
            ("1500m", 2, Ordering::Greater),
            ("0.5", 1, Ordering::Greater),
            ("0Gi", 0, Ordering::Equal),
            ("-1Ki", -1024, Ordering::Less),
            ("-0.5", 0, Ordering::Less),
            ("1e3", 1000, Ordering::Greater),
            ("1n", 1, Ordering::Greater),
        ];
        for (text, value, sign) in cases {
            let q = Quantity::parse(text).unwrap();
            assert_eq!((q.value(), q.sign()), (value, sign), "{text}");
        }
        assert!(Quantity::parse("1Gi").unwrap() == Quantity::parse("1024Mi").unwrap());
        assert!(Quantity::parse("2Gi").unwrap() > Quantity::parse("1500Mi").unwrap());
        for bad in ["", "Gi", "1GB", "1.2.3", "abc"] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
        assert!(Quantity::parse("2").unwrap().is_integer());
        assert!(!Quantity::parse("1500m").unwrap().is_integer());
        assert_eq!(Quantity::parse("0Gi").unwrap().display(), "0");
        assert_eq!(Quantity::parse("-1Gi").unwrap().display(), "-1Gi");
    }
}
