//! Go's `sort.Stable` (`sort.SliceStable`), reproduced because upstream sorts list items with a
//! comparison that is not a strict ordering, whose result depends on the algorithm.

/// Go's `sort.Stable`: insertion sort on blocks of 20, then in-place `symMerge` of doubling
/// runs.
pub(super) fn go_stable_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    let less = |d: &[T], i: usize, j: usize| less(&d[i], &d[j]);
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, &less);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, &less);
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(data, a, a + block, b, &less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, &less);
        }
        block *= 2;
    }
}

type Less<'a, T> = &'a dyn Fn(&[T], usize, usize) -> bool;

fn insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: Less<'_, T>) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(data, j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(data: &mut [T], a: usize, m: usize, b: usize, less: Less<'_, T>) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(data, h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            data.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(data, m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(data, p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        data[start..end].rotate_left(m - start);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less);
    }
}

#[cfg(test)]
mod tests {
    use super::go_stable_sort;

    /// Go's stable sort with a proper ordering is an ordinary stable sort.
    #[test]
    fn go_stable_sort_is_stable() {
        for n in [0, 1, 2, 19, 20, 21, 45, 100] {
            let mut v: Vec<(u32, usize)> = (0..n).map(|i| ((i * 7 % 5) as u32, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            go_stable_sort(&mut v, |a, b| a.0 < b.0);
            assert_eq!(v, want, "n={n}");
        }
    }

    /// With an always-true comparison Go's insertion sort reverses a short run.
    #[test]
    fn go_stable_sort_with_unknown_positions() {
        let mut v = vec![1, 2, 3];
        go_stable_sort(&mut v, |_, _| true);
        assert_eq!(v, vec![3, 2, 1]);
    }
}
