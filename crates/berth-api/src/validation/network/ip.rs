//! IP and CIDR checks of the legacy API fields (cluster IPs, external IPs, endpoint addresses,
//! pod CIDRs). Parsing follows the apiserver's "sloppy" parser: IPv4 octets may carry leading
//! zeros, and an IPv4-mapped IPv6 address counts as IPv4.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::validation::field::{FieldError, FieldPath};

const INVALID_IP: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const INVALID_CIDR: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// A decimal run at the start of `s`: (value, digits consumed); `None` without digits or when
/// the value grows past 2^24, as Go's `dtoi` gives up.
fn dtoi(s: &str) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut used = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        n = n * 10 + u32::from(b - b'0');
        used += 1;
        if n >= 0x00ff_ffff {
            return None;
        }
    }
    (used > 0).then_some((n, used))
}

/// Dotted-quad IPv4 with leading zeros allowed.
fn parse_ipv4_sloppy(s: &str) -> Option<Ipv4Addr> {
    let mut rest = s;
    let mut octets = [0u8; 4];
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix('.')?;
        }
        let (n, used) = dtoi(rest)?;
        *octet = u8::try_from(n).ok()?;
        rest = &rest[used..];
    }
    rest.is_empty().then(|| Ipv4Addr::from(octets))
}

/// The address family rule: an IPv4-mapped IPv6 address is IPv4.
fn unmap(ip: Ipv6Addr) -> IpAddr {
    match ip.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(ip),
    }
}

/// `netutils.ParseIPSloppy`. The first `.` or `:` decides the family.
pub(crate) fn parse_ip_sloppy(s: &str) -> Option<IpAddr> {
    match s.bytes().find(|b| *b == b'.' || *b == b':') {
        Some(b'.') => parse_ipv4_sloppy(s).map(IpAddr::V4),
        Some(_) => s.parse::<Ipv6Addr>().ok().map(unmap),
        None => None,
    }
}

/// `netutils.IsIPv6String`: parses, and is not IPv4 (mapped addresses are IPv4).
pub(crate) fn is_ipv6_string(s: &str) -> bool {
    matches!(parse_ip_sloppy(s), Some(IpAddr::V6(_)))
}

/// A parsed CIDR: whether its network address is IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    /// The network address is IPv6.
    pub(crate) ipv6: bool,
}

/// `netutils.ParseCIDRSloppy`.
pub(crate) fn parse_cidr_sloppy(s: &str) -> Option<Cidr> {
    let (addr, prefix) = s.split_once('/')?;
    let (bits, ipv6) = if parse_ipv4_sloppy(addr).is_some() {
        (32, false)
    } else {
        let v6: Ipv6Addr = addr.parse().ok()?;
        // A mapped address keeps IPv4 form only while the mask preserves the mapping prefix.
        (
            128,
            !(v6.to_ipv4_mapped().is_some() && prefix_at_least(prefix, 96)),
        )
    };
    let (len, used) = dtoi(prefix)?;
    (used == prefix.len() && len <= bits).then_some(Cidr { ipv6 })
}

fn prefix_at_least(prefix: &str, n: u32) -> bool {
    dtoi(prefix).is_some_and(|(len, _)| len >= n)
}

/// `validation.IsValidIPForLegacyField` with strict validation off: a value listed in
/// `valid_old` passes; otherwise it must parse.
pub(crate) fn legacy_ip(path: &FieldPath, value: &str, valid_old: &[String]) -> Vec<FieldError> {
    if valid_old.iter().any(|o| o == value) || parse_ip_sloppy(value).is_some() {
        Vec::new()
    } else {
        vec![FieldError::invalid(path, value, INVALID_IP)]
    }
}

/// `validation.IsValidCIDRForLegacyField` with strict validation off.
pub(crate) fn legacy_cidr(path: &FieldPath, value: &str, valid_old: &[String]) -> Vec<FieldError> {
    if valid_old.iter().any(|o| o == value) || parse_cidr_sloppy(value).is_some() {
        Vec::new()
    } else {
        vec![FieldError::invalid(path, value, INVALID_CIDR)]
    }
}

/// Go's `IsLinkLocalMulticast`: 224.0.0.0/24, or ff02::/16 with any flag bits.
fn is_link_local_multicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            o[0] == 224 && o[1] == 0 && o[2] == 0
        }
        IpAddr::V6(v6) => {
            let o = v6.octets();
            o[0] == 0xff && o[1] & 0x0f == 0x02
        }
    }
}

/// `ValidateEndpointIP`: the address must parse and may not be unspecified, loopback or
/// link-local.
pub(crate) fn endpoint_ip(path: &FieldPath, value: &str) -> Vec<FieldError> {
    let Some(ip) = parse_ip_sloppy(value) else {
        return vec![FieldError::invalid(
            path,
            value,
            "must be a valid IP address",
        )];
    };
    let mut errs = Vec::new();
    if ip.is_unspecified() {
        errs.push(FieldError::invalid(
            path,
            value,
            format!("may not be unspecified ({value})"),
        ));
    }
    if ip.is_loopback() {
        errs.push(FieldError::invalid(
            path,
            value,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    let link_local = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
    };
    if link_local {
        errs.push(FieldError::invalid(
            path,
            value,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if is_link_local_multicast(ip) {
        errs.push(FieldError::invalid(
            path,
            value,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    errs
}

/// `netutils.IsDualStackIPStrings` over values that all parse: one IPv4 and one IPv6 at least.
pub(crate) fn is_dual_stack_ips(ips: &[String]) -> bool {
    let v6 = ips.iter().filter(|ip| is_ipv6_string(ip)).count();
    v6 > 0 && v6 < ips.len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_parsing() {
        let cases: [(&str, Option<&str>); 9] = [
            ("10.0.0.1", Some("10.0.0.1")),
            ("010.000.000.001", Some("10.0.0.1")),
            ("256.0.0.1", None),
            ("1.2.3", None),
            ("1.2.3.4.", None),
            ("::1", Some("::1")),
            ("::ffff:10.1.2.3", Some("10.1.2.3")),
            ("fe80::1%eth0", None),
            ("abc", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_ip_sloppy(input).map(|ip| ip.to_string()).as_deref(),
                want,
                "{input}"
            );
        }
        assert!(is_ipv6_string("2001:db8::1"));
        assert!(!is_ipv6_string("::ffff:1.2.3.4"));
    }

    #[test]
    fn cidrs() {
        let cases = [
            ("10.0.0.0/8", Some(false)),
            ("10.0.0.0/33", None),
            ("10.0.0.0", None),
            ("2001:db8::/64", Some(true)),
            ("2001:db8::/129", None),
            ("10.0.0.0/08", Some(false)),
            ("10.0.0.0/8x", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_cidr_sloppy(input).map(|c| c.ipv6), want, "{input}");
        }
    }

    #[test]
    fn endpoint_ip_messages() {
        let path = FieldPath::new("x");
        let msgs = |v: &str| -> Vec<String> {
            endpoint_ip(&path, v)
                .iter()
                .map(|e| e.detail.clone())
                .collect()
        };
        assert_eq!(msgs("10.1.2.3"), Vec::<String>::new());
        assert_eq!(msgs("0.0.0.0"), vec!["may not be unspecified (0.0.0.0)"]);
        assert_eq!(
            msgs("::1"),
            vec!["may not be in the loopback range (127.0.0.0/8, ::1/128)"]
        );
        assert_eq!(
            msgs("169.254.1.1"),
            vec!["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]
        );
        assert_eq!(
            msgs("224.0.0.5"),
            vec!["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]
        );
        assert_eq!(msgs("nope"), vec!["must be a valid IP address"]);
    }
}
