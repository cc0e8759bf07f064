//! The default `imagePullPolicy`: upstream parses the image as a normalized Docker reference
//! (`ParseNormalizedNamed`) and pulls `Always` when the tag is `latest`, or when there is
//! neither a tag nor a digest (the tag then defaults to `latest`). Anything else, including a
//! reference that does not parse, is `IfNotPresent`.

/// `Always` or `IfNotPresent` for `image`.
pub(super) fn pull_policy(image: &str) -> &'static str {
    match parse(image) {
        Some((Some("latest"), _) | (None, None)) => "Always",
        _ => "IfNotPresent",
    }
}

/// (tag, digest) of a valid reference, `None` when it does not parse.
fn parse(image: &str) -> Option<(Option<&str>, Option<&str>)> {
    if image.len() == 64
        && image
            .bytes()
            .all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9'))
    {
        return None;
    }
    // The first component is a registry when it looks like one; otherwise the name is a
    // Docker Hub path and must be lower case up to the tag.
    let remainder = match image.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            rest
        }
        _ => image,
    };
    let remote = remainder.split(':').next().unwrap_or("");
    if remote.to_lowercase() != remote {
        return None;
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(d) = digest
        && !valid_digest(d)
    {
        return None;
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag
        && !valid_tag(t)
    {
        return None;
    }
    let normalized_len = if remainder.len() == image.len() {
        "docker.io/".len() + name.len()
    } else {
        name.len()
    };
    if normalized_len > 255 || !valid_name(name) {
        return None;
    }
    Some((tag, digest))
}

/// `[\w][\w.-]{0,127}`.
fn valid_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// `[domain[:port]/]component(/component)*`.
fn valid_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let rest_ok = rest.iter().all(|p| path_component(p));
    if rest.is_empty() {
        return path_component(first);
    }
    rest_ok && (path_component(first) || domain(first))
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn path_component(p: &str) -> bool {
    let b = p.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && alnum(b[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == b.len() {
            return true;
        }
        let sep_start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &p[sep_start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-')) {
            return false;
        }
    }
}

/// A host name, IPv4 address or bracketed IPv6 address, with an optional port.
fn domain(d: &str) -> bool {
    let (host, port) = if let Some(inner) = d.strip_prefix('[') {
        let Some((v6, after)) = inner.split_once(']') else {
            return false;
        };
        if v6.is_empty() || !v6.bytes().all(|c| c.is_ascii_hexdigit() || c == b':') {
            return false;
        }
        match after.strip_prefix(':') {
            Some(port) => ("", Some(port)),
            None if after.is_empty() => ("", None),
            None => return false,
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    d.starts_with('[')
        || host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

/// `algorithm:hex` with an algorithm the digest library knows and a hex part of its length.
fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == len && hex.bytes().all(|c| matches!(c, b'a'..=b'f' | b'0'..=b'9'))
}

#[cfg(test)]
mod tests {
    use super::pull_policy;

    #[test]
    fn pull_policy_follows_the_tag() {
        let sha = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let cases = [
            ("nginx".to_owned(), "Always"),
            ("nginx:latest".to_owned(), "Always"),
            ("nginx:1.27".to_owned(), "IfNotPresent"),
            ("postgres:15".to_owned(), "IfNotPresent"),
            (format!("nginx@{sha}"), "IfNotPresent"),
            (format!("nginx:latest@{sha}"), "Always"),
            (format!("nginx:1.0@{sha}"), "IfNotPresent"),
            ("library/busybox".to_owned(), "Always"),
            ("registry.k8s.io/pause:3.9".to_owned(), "IfNotPresent"),
            ("localhost:5000/app".to_owned(), "Always"),
            ("localhost:5000/app:v1".to_owned(), "IfNotPresent"),
            ("localhost/app:latest".to_owned(), "Always"),
            ("[::1]:5000/app".to_owned(), "Always"),
            ("ghcr.io/org/team/app:latest".to_owned(), "Always"),
            ("my_org/my-app__x".to_owned(), "Always"),
            // Tags are case-sensitive: only `latest` means latest.
            ("nginx:LATEST".to_owned(), "IfNotPresent"),
            // References that do not parse.
            ("Nginx".to_owned(), "IfNotPresent"),
            ("nginx:".to_owned(), "IfNotPresent"),
            ("nginx@sha256:abc".to_owned(), "IfNotPresent"),
            (
                "nginx@md5:0123456789abcdef0123456789abcdef".to_owned(),
                "IfNotPresent",
            ),
            ("a..b".to_owned(), "IfNotPresent"),
            ("-nginx".to_owned(), "IfNotPresent"),
            (" nginx".to_owned(), "IfNotPresent"),
            (String::new(), "IfNotPresent"),
            ("a".repeat(64).replace('a', "f"), "IfNotPresent"),
            (format!("{}:latest", "a".repeat(250)), "IfNotPresent"),
        ];
        for (image, want) in cases {
            assert_eq!(pull_policy(&image), want, "{image}");
        }
    }
}
