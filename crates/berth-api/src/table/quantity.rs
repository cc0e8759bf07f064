//! The canonical text of a resource quantity, as upstream `resource.Quantity.String()` prints
//! it in CAPACITY cells (`1024Mi` → `1Gi`, `1000M` → `1G`, `0.5Gi` → `512Mi`).
//!
//! Values are computed exactly with 128-bit integers; text that does not parse, or whose digits
//! do not fit, is shown unchanged.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalExponent,
    DecimalSi,
    BinarySi,
}

struct Scanned<'a> {
    negative: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// Upstream's quantity scanner: sign, digits, optional fraction, suffix.
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
            let e: i64 = s[1..].parse().ok()?;
            Some((10, i32::try_from(e).ok()?, Format::DecimalExponent))
        }
        _ => None,
    }
}

fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

/// The canonical text of `s`.
pub(super) fn canonical(s: &str) -> String {
    if s == "0" {
        return s.to_owned();
    }
    canonical_checked(s).unwrap_or_else(|| s.to_owned())
}

fn canonical_checked(s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    let q = scan(s)?;
    let (base, exponent, mut format) = interpret(q.suffix)?;
    let digits = format!("{}{}", q.num, q.denom);
    let denom_len = i32::try_from(q.denom.len()).ok()?;
    if keeps_text(&q, &digits, base, exponent, denom_len) {
        return Some(s.to_owned());
    }
    // Exact value: unscaled × 10^scale.
    let mut unscaled: i128 = digits.parse().ok()?;
    let mut scale = -denom_len;
    if base == 10 {
        scale += exponent;
    } else {
        let factor = 1i128.checked_shl(u32::try_from(exponent).ok()?)?;
        unscaled = unscaled.checked_mul(factor)?;
    }
    // Upstream rounds any finer value up (away from zero) to nano precision.
    if scale < -9 {
        let div = pow10(u32::try_from(-9 - scale).ok()?)?;
        unscaled = unscaled / div + i128::from(unscaled % div != 0);
        scale = -9;
    }
    if unscaled == 0 {
        return Some("0".to_owned());
    }
    let sign = if q.negative { "-" } else { "" };
    if format == Format::BinarySi {
        let integer = if scale >= 0 {
            unscaled.checked_mul(pow10(u32::try_from(scale).ok()?)?)?
        } else {
            let div = pow10(u32::try_from(-scale).ok()?)?;
            if unscaled % div == 0 {
                unscaled / div
            } else {
                -1
            }
        };
        // Below 1024, or not a whole number, prints in decimal form so nothing is rounded.
        if integer >= 1024 {
            let mut amount = integer.min(i128::from(i64::MAX));
            let mut power = 0;
            while amount >= 1024 && amount % 1024 == 0 {
                amount /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .get(power)
                .copied()
                .unwrap_or("");
            return Some(format!("{sign}{amount}{suffix}"));
        }
        format = Format::DecimalSi;
    }
    while unscaled % 10 == 0 {
        unscaled /= 10;
        scale += 1;
    }
    while scale.rem_euclid(3) != 0 {
        unscaled = unscaled.checked_mul(10)?;
        scale -= 1;
    }
    let suffix = match format {
        Format::DecimalExponent if scale == 0 => String::new(),
        Format::DecimalExponent => format!("e{scale}"),
        _ => match scale {
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
    Some(format!("{sign}{unscaled}{suffix}"))
}

/// Upstream keeps the client's text when its fast parse path finds it already canonical.
fn keeps_text(q: &Scanned<'_>, digits: &str, base: u32, exponent: i32, denom_len: i32) -> bool {
    let Ok(num_len) = i32::try_from(q.num.len()) else {
        return false;
    };
    let (precision, scale) = if base == 10 {
        (18 - (num_len + denom_len), exponent - denom_len)
    } else if exponent >= 0 && denom_len == 0 {
        // Upstream estimates the digits a binary suffix adds with float32 arithmetic.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let extra = (exponent as f32 * 3.0 / 10.0) as i32;
        (15 - num_len - extra - 1, 0)
    } else {
        (-1, 0)
    };
    if precision < 0 || scale < -9 {
        return false;
    }
    let Ok(value) = digits.parse::<i64>() else {
        return false;
    };
    if base == 2 {
        let Some(mantissa) = 1i64.checked_shl(exponent.unsigned_abs()) else {
            return false;
        };
        return value.checked_mul(mantissa).is_some() && exponent % 10 == 0 && value & 7 != 0;
    }
    scale % 3 == 0 && !digits.ends_with("000") && !digits.starts_with('0')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
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
            assert_eq!(canonical(input), want, "{input}");
        }
    }
}
