//! Kubernetes resource requests and limits turned into cgroup values, with the kubelet's
//! formulas: shares from the cpu request (the limit when no request), CFS quota from the cpu
//! limit over a 100000µs period, the memory limit in bytes, and the runc mapping of shares to
//! the v2 `cpu.weight`.

use std::collections::BTreeMap;

use berth_api::quantity::{ParseQuantityError, Quantity};

/// Shares given when there is no cpu request (`MinShares`).
pub const MIN_SHARES: u64 = 2;
/// Largest `cpu.shares` the kernel accepts (`MaxShares`).
pub const MAX_SHARES: u64 = 262_144;
/// Shares of one whole cpu.
const SHARES_PER_CPU: i128 = 1024;
/// CFS period the kubelet uses, in microseconds.
pub const QUOTA_PERIOD_US: u64 = 100_000;
/// Smallest quota the kernel accepts, in microseconds (`MinQuotaPeriod`).
pub const MIN_QUOTA_US: u64 = 1000;

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// Why requests or limits cannot be turned into cgroup values.
#[derive(Debug, thiserror::Error)]
pub enum LimitsError {
    /// A quantity does not parse.
    #[error("resource {resource}: {source}")]
    Quantity {
        /// The resource name, such as `cpu`.
        resource: String,
        /// The parse failure.
        source: ParseQuantityError,
    },
    /// A quantity is below zero.
    #[error("resource {0}: must not be negative")]
    Negative(String),
}

/// A CFS bandwidth limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuQuota {
    /// Runtime allowed per period, in microseconds.
    pub quota_us: u64,
    /// Period length, in microseconds.
    pub period_us: u64,
}

/// The values written into one cgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// v1 `cpu.shares`; the v2 weight derives from it.
    pub cpu_shares: u64,
    /// CFS quota, `None` for unlimited.
    pub cpu_quota: Option<CpuQuota>,
    /// Memory limit in bytes, `None` for unlimited.
    pub memory_bytes: Option<u64>,
    /// Process count limit, `None` for unlimited.
    pub pids_max: Option<u64>,
}

impl Default for Limits {
    /// No limits, minimal shares: what a best-effort workload gets.
    fn default() -> Self {
        Self {
            cpu_shares: MIN_SHARES,
            cpu_quota: None,
            memory_bytes: None,
            pids_max: None,
        }
    }
}

impl Limits {
    /// Values from a container's `resources.requests` and `resources.limits` (resource name to
    /// quantity text). Resources other than `cpu` and `memory` are ignored; `pids_max` is left
    /// unset because Kubernetes has no per-container pids resource.
    ///
    /// # Errors
    ///
    /// [`LimitsError`] when a cpu or memory quantity is malformed or negative.
    pub fn from_resources(
        requests: &BTreeMap<String, String>,
        limits: &BTreeMap<String, String>,
    ) -> Result<Self, LimitsError> {
        let cpu_request = milli(requests, "cpu")?;
        let cpu_limit = milli(limits, "cpu")?;
        let memory_limit = whole(limits, "memory")?;
        let shares_from = if cpu_request == 0 {
            cpu_limit
        } else {
            cpu_request
        };
        Ok(Self {
            cpu_shares: milli_cpu_to_shares(shares_from),
            cpu_quota: (cpu_limit > 0).then(|| CpuQuota {
                quota_us: milli_cpu_to_quota(cpu_limit, QUOTA_PERIOD_US),
                period_us: QUOTA_PERIOD_US,
            }),
            memory_bytes: (memory_limit > 0).then_some(memory_limit),
            pids_max: None,
        })
    }

    /// The same limits with a process count limit.
    #[must_use]
    pub fn with_pids_max(mut self, pids_max: u64) -> Self {
        self.pids_max = Some(pids_max);
        self
    }

    /// The v2 `cpu.weight` for these shares.
    #[must_use]
    pub fn cpu_weight(&self) -> u64 {
        shares_to_weight(self.cpu_shares)
    }
}

/// `MilliCPUToShares`: 1024 shares per cpu, clamped to [2, 262144]; no request gives 2.
#[must_use]
pub fn milli_cpu_to_shares(milli_cpu: u64) -> u64 {
    let shares = i128::from(milli_cpu) * SHARES_PER_CPU / 1000;
    u64::try_from(shares)
        .unwrap_or(MAX_SHARES)
        .clamp(MIN_SHARES, MAX_SHARES)
}

/// `MilliCPUToQuota`: the share of `period_us` the cpu limit allows, at least 1000µs; no limit
/// gives 0.
#[must_use]
pub fn milli_cpu_to_quota(milli_cpu: u64, period_us: u64) -> u64 {
    if milli_cpu == 0 {
        return 0;
    }
    let quota = i128::from(milli_cpu) * i128::from(period_us) / 1000;
    u64::try_from(quota).unwrap_or(u64::MAX).max(MIN_QUOTA_US)
}

/// runc's shares→weight mapping: [2, 262144] onto [1, 10000]; 0 stays 0 (unset).
#[must_use]
pub fn shares_to_weight(shares: u64) -> u64 {
    if shares == 0 {
        return 0;
    }
    1 + (shares.saturating_sub(2) * 9999) / 262_142
}

fn quantity(
    map: &BTreeMap<String, String>,
    resource: &str,
) -> Result<Option<Quantity>, LimitsError> {
    let Some(text) = map.get(resource) else {
        return Ok(None);
    };
    let q = Quantity::parse(text).map_err(|source| LimitsError::Quantity {
        resource: resource.to_owned(),
        source,
    })?;
    if q.is_negative() {
        return Err(LimitsError::Negative(resource.to_owned()));
    }
    Ok(Some(q))
}

/// `MilliValue()`: rounds up to whole millis.
fn milli(map: &BTreeMap<String, String>, resource: &str) -> Result<u64, LimitsError> {
    Ok(quantity(map, resource)?.map_or(0, |q| ceil_div(q.nanos(), NANOS_PER_MILLI)))
}

/// `Value()`: rounds up to whole units.
fn whole(map: &BTreeMap<String, String>, resource: &str) -> Result<u64, LimitsError> {
    Ok(quantity(map, resource)?.map_or(0, |q| ceil_div(q.nanos(), NANOS_PER_UNIT)))
}

fn ceil_div(nanos: i128, per: i128) -> u64 {
    let value = (nanos + per - 1) / per;
    u64::try_from(value).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn shares_quota_weight_table() {
        // (milli, shares, quota at 100000µs, weight)
        let cases = [
            (0, 2, 0, 1),
            (1, 2, 1000, 1),
            (5, 5, 1000, 1),
            (100, 102, 10000, 4),
            (250, 256, 25000, 10),
            (1000, 1024, 100_000, 39),
            (1500, 1536, 150_000, 59),
            (256_000, 262_144, 25_600_000, 10000),
            (1_000_000, 262_144, 100_000_000, 10000),
        ];
        for (milli, shares, quota, weight) in cases {
            assert_eq!(milli_cpu_to_shares(milli), shares, "shares {milli}");
            assert_eq!(
                milli_cpu_to_quota(milli, QUOTA_PERIOD_US),
                quota,
                "quota {milli}"
            );
            assert_eq!(shares_to_weight(shares), weight, "weight {milli}");
        }
        assert_eq!(shares_to_weight(0), 0);
    }

    #[test]
    fn from_resources_table() {
        let q = |quota_us| {
            Some(CpuQuota {
                quota_us,
                period_us: 100_000,
            })
        };
        type Pairs = Vec<(&'static str, &'static str)>;
        let cases: Vec<(Pairs, Pairs, Limits)> = vec![
            (vec![], vec![], Limits::default()),
            (
                vec![("cpu", "250m"), ("memory", "64Mi")],
                vec![("cpu", "1"), ("memory", "1Gi")],
                Limits {
                    cpu_shares: 256,
                    cpu_quota: q(100_000),
                    memory_bytes: Some(1_073_741_824),
                    pids_max: None,
                },
            ),
            // Limits only: shares follow the cpu limit.
            (
                vec![],
                vec![("cpu", "500m"), ("memory", "128M")],
                Limits {
                    cpu_shares: 512,
                    cpu_quota: q(50_000),
                    memory_bytes: Some(128_000_000),
                    pids_max: None,
                },
            ),
            // Fractions of a milli round up; a memory request alone sets no limit.
            (
                vec![("cpu", "0.1001"), ("memory", "1Gi")],
                vec![("memory", "1.5Gi"), ("ephemeral-storage", "1Gi")],
                Limits {
                    cpu_shares: 103,
                    cpu_quota: None,
                    memory_bytes: Some(1_610_612_736),
                    pids_max: None,
                },
            ),
            (
                vec![("cpu", "2")],
                vec![("cpu", "0")],
                Limits {
                    cpu_shares: 2048,
                    ..Limits::default()
                },
            ),
        ];
        for (requests, limits, want) in cases {
            let got = Limits::from_resources(&map(&requests), &map(&limits)).unwrap();
            assert_eq!(got, want, "{requests:?} {limits:?}");
        }
    }

    #[test]
    fn bad_quantities() {
        let err = Limits::from_resources(&map(&[("cpu", "lots")]), &map(&[])).unwrap_err();
        assert!(matches!(err, LimitsError::Quantity { ref resource, .. } if resource == "cpu"));
        let err = Limits::from_resources(&map(&[]), &map(&[("memory", "-1Mi")])).unwrap_err();
        assert!(matches!(err, LimitsError::Negative(ref r) if r == "memory"));
    }

    #[test]
    fn pids_and_weight() {
        let limits = Limits::default().with_pids_max(1024);
        assert_eq!(limits.pids_max, Some(1024));
        assert_eq!(limits.cpu_weight(), 1);
    }
}
