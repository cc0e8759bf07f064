//! The cluster-IP and IP-family rules of a Service: consistency of `clusterIP`,
//! `clusterIPs`, `ipFamilies` and `ipFamilyPolicy` (`ValidateServiceClusterIPsRelatedFields`),
//! and what an update may change (`validateUpgradeDowngradeClusterIPs` / `…IPFamilies`).

use serde_json::Value;

use super::common::{opt_str, str_of, string_slice_value, strings};
use super::ip;
use crate::validation::field::{BadValue, FieldError, FieldPath};

const FAMILIES: [&str; 2] = ["IPv4", "IPv6"];
const FAMILY_POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];

fn spec_path() -> FieldPath {
    FieldPath::new("spec")
}

/// `isHeadlessService`: exactly one cluster IP, `None`.
pub(super) fn is_headless(spec: &Value) -> bool {
    strings(spec, "clusterIPs") == ["None"]
}

/// `ValidateServiceClusterIPsRelatedFields`.
pub(super) fn cluster_ips_related(spec: &Value, old_spec: Option<&Value>) -> Vec<FieldError> {
    if str_of(spec, "type") == "ExternalName" {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let ips_path = spec_path().child("clusterIPs");
    let families_path = spec_path().child("ipFamilies");
    let cluster_ip = str_of(spec, "clusterIP");
    let ips = strings(spec, "clusterIPs");
    if !cluster_ip.is_empty() {
        if ips.is_empty() {
            errs.push(FieldError::required(&ips_path, ""));
        } else if ips[0] != cluster_ip {
            errs.push(FieldError::invalid(
                &ips_path,
                string_slice_value(&ips),
                "first value must match `clusterIP`",
            ));
        }
    } else if !ips.is_empty() {
        errs.push(FieldError::invalid(
            &ips_path,
            string_slice_value(&ips),
            "must be empty when `clusterIP` is not specified",
        ));
    }
    let families = strings(spec, "ipFamilies");
    for (i, family) in families.iter().enumerate() {
        if !FAMILIES.contains(&family.as_str()) {
            errs.push(FieldError::not_supported(
                families_path.index(i),
                family,
                &FAMILIES,
            ));
        }
        if families[..i].contains(family) {
            errs.push(FieldError::duplicate(families_path.index(i), family));
        }
    }
    if let Some(policy) = opt_str(spec, "ipFamilyPolicy")
        && !FAMILY_POLICIES.contains(&policy)
    {
        errs.push(FieldError::not_supported(
            spec_path().child("ipFamilyPolicy"),
            policy,
            &FAMILY_POLICIES,
        ));
    }
    let existing = old_spec
        .map(|o| strings(o, "clusterIPs"))
        .unwrap_or_default();
    let mut has_invalid = false;
    for (i, cip) in ips.iter().enumerate() {
        if i == 0 && cip == "None" {
            if ips.len() > 1 {
                has_invalid = true;
                errs.push(FieldError::invalid(
                    &ips_path,
                    string_slice_value(&ips),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        let ip_errs = ip::legacy_ip(&ips_path.index(i), cip, &existing);
        has_invalid |= !ip_errs.is_empty();
        errs.extend(ip_errs);
    }
    if ips.len() > 2 {
        errs.push(FieldError::invalid(
            &ips_path,
            string_slice_value(&ips),
            "may only hold up to 2 values",
        ));
    }
    if has_invalid {
        return errs;
    }
    if ips.len() > 1 && !ip::is_dual_stack_ips(&ips) {
        errs.push(FieldError::invalid(
            &ips_path,
            string_slice_value(&ips),
            "may specify no more than one IP for each IP family",
        ));
    }
    if !is_headless(spec) && !ips.is_empty() && !families.is_empty() {
        for (i, cip) in ips.iter().enumerate().take(families.len()) {
            let v6 = ip::is_ipv6_string(cip);
            let want = match families[i].as_str() {
                "IPv4" if v6 => "IPv4",
                "IPv6" if !v6 => "IPv6",
                _ => continue,
            };
            errs.push(FieldError::invalid(
                ips_path.index(i),
                cip,
                format!("expected an {want} value as indicated by `ipFamilies[{i}]`"),
            ));
        }
    }
    errs
}

fn invalid_ips(path: FieldPath, ips: &[String], msg: &str) -> FieldError {
    FieldError::invalid(path, string_slice_value(ips), msg)
}

/// `validateUpgradeDowngradeClusterIPs`.
pub(super) fn upgrade_downgrade_cluster_ips(old: &Value, new: &Value) -> Vec<FieldError> {
    if str_of(new, "type") == "ExternalName" || str_of(old, "type") == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old) && is_headless(new) {
        return Vec::new();
    }
    let path0 = || spec_path().child("clusterIPs").index(0);
    let (old_ips, new_ips) = (strings(old, "clusterIPs"), strings(new, "clusterIPs"));
    let mut errs = Vec::new();
    if old_ips.len() == new_ips.len() {
        for (i, ip) in old_ips.iter().enumerate() {
            if *ip != new_ips[i] {
                errs.push(invalid_ips(
                    spec_path().child("clusterIPs").index(i),
                    &new_ips,
                    "may not change once set",
                ));
            }
        }
    } else if old_ips.len() > new_ips.len() {
        if new_ips.is_empty() {
            errs.push(invalid_ips(
                path0(),
                &new_ips,
                "primary clusterIP can not be unset",
            ));
        }
        if !old_ips.is_empty() && !new_ips.is_empty() && new_ips[0] != old_ips[0] {
            errs.push(invalid_ips(path0(), &new_ips, "may not change once set"));
        }
        if new_ips.len() == 1 && opt_str(new, "ipFamilyPolicy") != Some("SingleStack") {
            errs.push(FieldError::invalid(
                spec_path().child("ipFamilyPolicy"),
                opt_str(new, "ipFamilyPolicy").map_or(BadValue::Null, BadValue::from),
                "must be set to 'SingleStack' when releasing the secondary clusterIP",
            ));
        }
    } else if !old_ips.is_empty() && new_ips[0] != old_ips[0] {
        errs.push(invalid_ips(path0(), &new_ips, "may not change once set"));
    }
    errs
}

/// `validateUpgradeDowngradeIPFamilies`.
pub(super) fn upgrade_downgrade_families(old: &Value, new: &Value) -> Vec<FieldError> {
    if str_of(new, "type") == "ExternalName" || str_of(old, "type") == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old) || is_headless(new) {
        // A change to or from headless, or headless on both sides, may change families.
        return Vec::new();
    }
    let path0 = || spec_path().child("ipFamilies").index(0);
    let (old_f, new_f) = (strings(old, "ipFamilies"), strings(new, "ipFamilies"));
    let new_ips = strings(new, "clusterIPs");
    let mut errs = Vec::new();
    if old_f.len() == new_f.len() {
        for (i, f) in old_f.iter().enumerate() {
            if *f != new_f[i] {
                errs.push(invalid_ips(path0(), &new_f, "may not change once set"));
            }
        }
    } else if old_f.len() > new_f.len() {
        if new_ips.is_empty() {
            errs.push(invalid_ips(
                path0(),
                &new_f,
                "primary ipFamily can not be unset",
            ));
        }
        if !new_f.is_empty() && new_f[0] != old_f[0] {
            errs.push(invalid_ips(path0(), &new_ips, "may not change once set"));
        }
        if new_f.len() == 1 && opt_str(new, "ipFamilyPolicy") != Some("SingleStack") {
            errs.push(FieldError::invalid(
                spec_path().child("ipFamilyPolicy"),
                opt_str(new, "ipFamilyPolicy").map_or(BadValue::Null, BadValue::from),
                "must be set to 'SingleStack' when releasing the secondary ipFamily",
            ));
        }
    } else if !old_f.is_empty() && !new_f.is_empty() && new_f[0] != old_f[0] {
        errs.push(invalid_ips(path0(), &new_ips, "may not change once set"));
    }
    errs
}
