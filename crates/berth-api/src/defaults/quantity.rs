//! Resource quantities as upstream's `resource.Quantity` parses, rounds and prints them.
//!
//! A `ResourceList` is defaulted by rounding every value up to milli precision
//! (`SetDefaults_ResourceList`), and every quantity is written back in its canonical form
//! (`0.5` → `500m`, `1024Mi` → `1Gi`), unless the parser's fast path kept the client's text.
//! Values are exact: a mantissa and a power of ten in 128-bit integers. Text that does not
//! parse, or does not fit, is left as it is (validation reports it).

use serde_json::Value;

use super::Obj;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalExponent,
    DecimalSi,
    BinarySi,
}

/// A parsed quantity: `mantissa × 10^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quantity {
    mantissa: i128,
    exp: i32,
    format: Format,
    /// Upstream's parser keeps the client's text when it is already canonical.
    keeps_text: bool,
}

struct Scanned<'a> {
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
fn scan(s: &str) -> Option<Scanned<'_>> {
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
        return Some(Scanned {
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
        return None;
    }
    Some(Scanned {
        negative,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// (base, exponent, format) of a suffix.
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSi));
    let bin = |e| Some((2, e, Format::BinarySi));
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
            Some((10, e, Format::DecimalExponent))
        }
        _ => None,
    }
}

fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

fn len_i32(s: &str) -> Option<i32> {
    i32::try_from(s.len()).ok()
}

/// Divides by `10^places`, rounding away from zero.
fn div_round_up(m: i128, places: u32) -> Option<i128> {
    let d = pow10(places)?;
    let q = m / d;
    Some(if m % d == 0 { q } else { q + m.signum() })
}

/// Upstream's int64 fast path: `Some(quantity)` when it applies.
fn fast_path(q: &Scanned<'_>, base: u32, exponent: i32, format: Format) -> Option<Quantity> {
    let (num_len, denom_len) = (len_i32(q.num)?, len_i32(q.denom)?);
    let (precision, mut scale, mantissa) = if base == 10 {
        (18 - (num_len + denom_len), exponent, 1i64)
    } else if exponent >= 0 && q.denom.is_empty() {
        // Upstream estimates the digits a binary suffix adds in float32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let extra = (exponent as f32 * 3.0 / 10.0) as i32;
        (
            15 - num_len - extra - 1,
            0,
            1i64.checked_shl(exponent.unsigned_abs())?,
        )
    } else {
        return None;
    };
    if precision < 0 {
        return None;
    }
    scale -= denom_len;
    if scale < -9 {
        return None;
    }
    let shifted = format!("{}{}", q.num, q.denom);
    let value: i64 = shifted.parse().ok()?;
    let result = value.checked_mul(mantissa)?;
    let keeps_text = if format == Format::BinarySi {
        exponent % 10 == 0 && value & 7 != 0
    } else {
        scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
    };
    let signed = if q.negative { -result } else { result };
    Some(Quantity {
        mantissa: i128::from(signed),
        exp: scale,
        format,
        keeps_text,
    })
}

impl Quantity {
    /// Parses `s` as upstream's `ParseQuantity` does.
    pub(super) fn parse(s: &str) -> Option<Self> {
        if s.is_empty() {
            return None;
        }
        if s == "0" {
            return Some(Self {
                mantissa: 0,
                exp: 0,
                format: Format::DecimalSi,
                keeps_text: true,
            });
        }
        let q = scan(s)?;
        let (base, exponent, mut format) = interpret(q.suffix)?;
        if let Some(fast) = fast_path(&q, base, exponent, format) {
            return Some(fast);
        }
        let mut mantissa: i128 = format!("{}{}", q.num, q.denom).parse().ok()?;
        let mut exp = -len_i32(q.denom)?;
        if base == 10 {
            exp = exp.checked_add(exponent)?;
        } else {
            mantissa = mantissa.checked_mul(1i128.checked_shl(exponent.unsigned_abs())?)?;
        }
        // Anything finer than nano rounds up, so a tiny request is never zero.
        if exp < -9 {
            mantissa = div_round_up(mantissa, (-9 - exp).unsigned_abs())?;
            exp = -9;
        }
        if format == Format::BinarySi && mantissa > 0 && Self::whole(mantissa, exp)? < 1 {
            format = Format::DecimalSi;
        }
        Some(Self {
            mantissa: if q.negative { -mantissa } else { mantissa },
            exp,
            format,
            keeps_text: false,
        })
    }

    /// The integer part of `mantissa × 10^exp`.
    fn whole(mantissa: i128, exp: i32) -> Option<i128> {
        if exp >= 0 {
            mantissa.checked_mul(pow10(exp.unsigned_abs())?)
        } else {
            Some(mantissa / pow10(exp.unsigned_abs())?)
        }
    }

    /// The value in units of 10^-9, for sums and comparisons.
    pub(super) fn nanos(&self) -> Option<i128> {
        let shift = self.exp.checked_add(9)?;
        if shift >= 0 {
            self.mantissa.checked_mul(pow10(shift.unsigned_abs())?)
        } else {
            div_round_up(self.mantissa, shift.unsigned_abs())
        }
    }

    /// `RoundUp(Milli)`: drops the kept text only when the value had to change scale.
    fn round_up_milli(&mut self) -> Option<()> {
        if self.exp < -3 {
            self.mantissa = div_round_up(self.mantissa, (-3 - self.exp).unsigned_abs())?;
            self.exp = -3;
            self.keeps_text = false;
        }
        Some(())
    }

    /// `Quantity.String()` when the text is not kept.
    fn canonical(&self) -> Option<String> {
        if self.mantissa == 0 {
            return Some("0".to_owned());
        }
        let mut format = self.format;
        if format == Format::BinarySi {
            let exact_integer =
                self.exp >= 0 || self.mantissa % pow10(self.exp.unsigned_abs())? == 0;
            let integer = Self::whole(self.mantissa, self.exp)?;
            if integer.abs() < 1024 || !exact_integer {
                format = Format::DecimalSi;
            } else {
                let (mut amount, mut power) = (integer, 0usize);
                while amount.abs() >= 1024 && amount % 1024 == 0 {
                    amount /= 1024;
                    power += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                    .get(power)
                    .copied()
                    .unwrap_or("");
                return Some(format!("{amount}{suffix}"));
            }
        }
        let (mut m, mut e) = (self.mantissa, self.exp);
        while m.abs() >= 10 && m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        while e.rem_euclid(3) != 0 {
            m = m.checked_mul(10)?;
            e -= 1;
        }
        let suffix = match format {
            Format::DecimalExponent if e == 0 => String::new(),
            Format::DecimalExponent => format!("e{e}"),
            _ => match e {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => "",
            }
            .to_owned(),
        };
        Some(format!("{m}{suffix}"))
    }
}

/// The text upstream writes for the quantity `text`, rounded up to milli precision when it
/// belongs to a `ResourceList`. `None` when it does not parse.
pub(super) fn normalize(text: &str, round_milli: bool) -> Option<String> {
    let mut q = Quantity::parse(text)?;
    if round_milli {
        q.round_up_milli()?;
    }
    if q.keeps_text {
        Some(text.to_owned())
    } else {
        q.canonical()
    }
}

/// Rewrites one quantity value in place (Go writes quantities as strings).
fn normalize_value(v: &mut Value, round_milli: bool) {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Some(out) = normalize(&text, round_milli) {
        *v = Value::String(out);
    }
}

/// `SetDefaults_ResourceList` on the map at `key`, plus canonical printing.
pub(super) fn resource_list(m: &mut Obj, key: &str) {
    if let Some(list) = m.get_mut(key).and_then(Value::as_object_mut) {
        for v in list.values_mut() {
            normalize_value(v, true);
        }
    }
}

/// A single quantity field (not in a `ResourceList`): canonical printing only.
pub(super) fn single(m: &mut Obj, key: &str) {
    if let Some(v) = m.get_mut(key) {
        normalize_value(v, false);
    }
}

#[cfg(test)]
mod tests {
    use super::{Quantity, normalize};

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
    fn values_compare_exactly() {
        let nanos = |s: &str| Quantity::parse(s).and_then(|q| q.nanos());
        assert_eq!(nanos("1"), nanos("1000m"));
        assert_eq!(nanos("1Gi"), nanos("1024Mi"));
        assert_eq!(nanos("0.5"), Some(500_000_000));
        assert!(nanos("100Mi") > nanos("100M"));
    }
}
