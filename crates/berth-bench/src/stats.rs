//! Small statistics over measurements: medians across runs, percentiles within a run.

use std::time::Duration;

/// The median of `values` (mean of the middle two for an even count), `NaN` for none.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The nearest-rank `p`-th percentile (0 < p <= 100) of `sorted`, which must be sorted
/// ascending: the smallest value with at least p% of the values at or below it.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds as a float, for printing.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// KiB as MiB, for printing.
pub(crate) fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Prints one summary row: a label, the median and every run, so the spread stays visible.
pub(crate) fn report(label: &str, unit: &str, runs: &[f64]) {
    let all: Vec<String> = runs.iter().map(|v| format!("{v:.2}")).collect();
    println!(
        "| {label} | {:.2} {unit} | {} |",
        median(runs),
        all.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let cases: [(&[f64], f64); 4] = [
            (&[3.0], 3.0),
            (&[5.0, 1.0, 3.0], 3.0),
            (&[4.0, 1.0, 3.0, 2.0], 2.5),
            (&[2.0, 2.0, 9.0], 2.0),
        ];
        for (values, want) in cases {
            assert_eq!(median(values), want, "{values:?}");
        }
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn nearest_rank_percentiles() {
        // The worked example of the nearest-rank method: 15, 20, 35, 40, 50.
        let ms = |v: u64| Duration::from_millis(v);
        let sorted = [ms(15), ms(20), ms(35), ms(40), ms(50)];
        let cases = [(5.0, 15), (30.0, 20), (40.0, 20), (50.0, 35), (100.0, 50)];
        for (p, want) in cases {
            assert_eq!(percentile(&sorted, p), ms(want), "p{p}");
        }
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
