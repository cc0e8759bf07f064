//! Format checks against the exact messages of core-kinds §1.5.

use super::names::*;

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MULTI_SLASH_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const ENV_MSG: &str = "a valid environment variable name must consist only of printable ASCII characters other than '='";
const PERCENT_MSG: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const HEADER_MSG: &str = "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')";

type Check = fn(&str) -> Vec<String>;

fn run(check: Check, cases: &[(&str, &[&str])]) {
    for (input, want) in cases {
        assert_eq!(check(input), *want, "input {input:?}");
    }
}

#[test]
fn dns1123_label_cases() {
    let long = "a".repeat(64);
    let max = "a".repeat(63);
    run(
        dns1123_label,
        &[
            ("my-name", &[]),
            ("123-abc", &[]),
            ("a", &[]),
            (&max, &[]),
            (&long, &["must be no more than 63 characters"]),
            ("a.b", &["must not contain dots"]),
            ("Foo", &[LABEL_MSG]),
            ("-a", &[LABEL_MSG]),
            ("a-", &[LABEL_MSG]),
            ("", &[LABEL_MSG]),
            ("a_b", &[LABEL_MSG]),
            ("a\n", &[LABEL_MSG]),
        ],
    );
    let long_dotted = format!("{}.b", "a".repeat(63));
    assert_eq!(
        dns1123_label(&long_dotted),
        vec![
            "must be no more than 63 characters",
            "must not contain dots"
        ]
    );
}

#[test]
fn dns1123_subdomain_cases() {
    let long = format!("{}.{}", "a".repeat(200), "b".repeat(60));
    run(
        dns1123_subdomain,
        &[
            ("example.com", &[]),
            ("a", &[]),
            ("a.b-c.d", &[]),
            ("Foo_", &[SUBDOMAIN_MSG]),
            ("a..b", &[SUBDOMAIN_MSG]),
            (".a", &[SUBDOMAIN_MSG]),
            ("a.", &[SUBDOMAIN_MSG]),
            ("a.-b", &[SUBDOMAIN_MSG]),
            ("", &[SUBDOMAIN_MSG]),
            (&long, &["must be no more than 253 characters"]),
        ],
    );
    let long_bad = format!("{}_", "a".repeat(253));
    assert_eq!(
        dns1123_subdomain(&long_bad),
        vec!["must be no more than 253 characters", SUBDOMAIN_MSG]
    );
}

#[test]
fn dns1035_label_cases() {
    run(
        dns1035_label,
        &[
            ("my-name", &[]),
            ("abc-123", &[]),
            ("a", &[]),
            ("1abc", &[DNS1035_MSG]),
            ("web.svc", &[DNS1035_MSG]),
            ("Web", &[DNS1035_MSG]),
            ("a-", &[DNS1035_MSG]),
            ("", &[DNS1035_MSG]),
            (&"a".repeat(64), &["must be no more than 63 characters"]),
        ],
    );
}

#[test]
fn qualified_name_cases() {
    let prefixed_bad = format!("prefix part {SUBDOMAIN_MSG}");
    run(
        qualified_name,
        &[
            ("MyName", &[]),
            ("my.name", &[]),
            ("123-abc", &[]),
            ("example.com/MyName", &[]),
            ("app.kubernetes.io/name", &[]),
            ("a/b/c", &[QNAME_MULTI_SLASH_MSG]),
            ("/name", &["prefix part must be non-empty"]),
            ("Example.com/name", &[&prefixed_bad]),
            (
                "example.com/",
                &["name part must be non-empty", NAME_PART_MSG],
            ),
            ("", &["name part must be non-empty", NAME_PART_MSG]),
            ("-name", &[NAME_PART_MSG]),
            ("name_", &[NAME_PART_MSG]),
            ("na me", &[NAME_PART_MSG]),
            (
                &"a".repeat(64),
                &["name part must be no more than 63 characters"],
            ),
        ],
    );
}

#[test]
fn label_value_cases() {
    run(
        label_value,
        &[
            ("", &[]),
            ("MyValue", &[]),
            ("my_value", &[]),
            ("12345", &[]),
            ("a.b-c_d", &[]),
            ("-a", &[LABEL_VALUE_MSG]),
            ("a b", &[LABEL_VALUE_MSG]),
            ("a/b", &[LABEL_VALUE_MSG]),
            (&"a".repeat(64), &["must be no more than 63 characters"]),
        ],
    );
}

#[test]
fn config_map_key_cases() {
    run(
        config_map_key,
        &[
            ("key.name", &[]),
            ("KEY_NAME", &[]),
            ("key-name", &[]),
            (".dockercfg", &[]),
            ("a..b", &[]),
            (".", &["must not be '.'"]),
            ("..", &["must not be '..'"]),
            ("..a", &["must not start with '..'"]),
            ("a/b", &[CONFIG_KEY_MSG]),
            ("", &[CONFIG_KEY_MSG]),
            ("a b", &[CONFIG_KEY_MSG]),
            (&"k".repeat(254), &["must be no more than 253 characters"]),
        ],
    );
}

#[test]
fn env_var_name_cases() {
    run(
        env_var_name,
        &[
            ("PATH", &[]),
            ("my.env-name", &[]),
            ("1abc", &[]),
            ("a b", &[]),
            ("", &["environment variable name must be non-empty"]),
            ("A=B", &[ENV_MSG]),
            ("tab\there", &[ENV_MSG]),
            ("é", &[ENV_MSG]),
        ],
    );
}

#[test]
fn port_name_cases() {
    run(
        port_name,
        &[
            ("http", &[]),
            ("web-80", &[]),
            ("a", &[]),
            ("sixteen-chars-xx", &["must be no more than 15 characters"]),
            (
                "HTTP",
                &[
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    "must contain at least one letter (a-z)",
                ],
            ),
            ("8080", &["must contain at least one letter (a-z)"]),
            ("a--b", &["must not contain consecutive hyphens"]),
            ("-ab", &["must not begin or end with a hyphen"]),
            ("ab-", &["must not begin or end with a hyphen"]),
            (
                "",
                &[
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    "must contain at least one letter (a-z)",
                ],
            ),
        ],
    );
}

#[test]
fn numeric_and_pattern_checks() {
    assert!(port_number(1).is_empty());
    assert!(port_number(65535).is_empty());
    assert_eq!(
        port_number(0),
        vec!["must be between 1 and 65535, inclusive"]
    );
    assert_eq!(
        port_number(65536),
        vec!["must be between 1 and 65535, inclusive"]
    );
    assert_eq!(
        in_range(-1, 0, 10),
        vec!["must be between 0 and 10, inclusive"]
    );
    run(
        percent,
        &[
            ("1%", &[]),
            ("93%", &[]),
            ("0%", &[]),
            ("%", &[PERCENT_MSG]),
            ("5", &[PERCENT_MSG]),
            ("5.5%", &[PERCENT_MSG]),
        ],
    );
    run(
        http_header_name,
        &[
            ("X-Header-Name", &[]),
            ("X_Header", &[HEADER_MSG]),
            ("", &[HEADER_MSG]),
        ],
    );
    assert!(c_identifier("_my_name1").is_empty());
    assert_eq!(c_identifier("1abc").len(), 1);
}

#[test]
fn path_segment_rules() {
    run(
        path_segment_name,
        &[
            ("web", &[]),
            ("Web_1", &[]),
            (".", &["may not be '.'"]),
            ("..", &["may not be '..'"]),
            ("a/b", &["may not contain '/'"]),
            ("a%b", &["may not contain '%'"]),
            ("a/%", &["may not contain '/'", "may not contain '%'"]),
        ],
    );
    // Prefix mode only applies the character rule.
    assert!(name_is_path_segment("..", true).is_empty());
    assert_eq!(
        name_is_path_segment("a/", true),
        vec!["may not contain '/'"]
    );
}

#[test]
fn prefix_mode_masks_trailing_dash_quirk() {
    // "web-" → "we" + "a": valid.
    assert!(name_is_dns_subdomain("web-", true).is_empty());
    assert!(name_is_dns_label("web-", true).is_empty());
    // Without prefix mode a trailing dash is invalid.
    assert_eq!(name_is_dns_subdomain("web-", false), vec![SUBDOMAIN_MSG]);
    // The character before the dash is dropped, so "Web_-" is judged as "Weba".
    assert_eq!(name_is_dns_label("Web_-", true), vec![LABEL_MSG]);
    assert!(name_is_dns_label("web_-", true).is_empty());
    // A lone "-" is not masked.
    assert_eq!(name_is_dns_label("-", true), vec![LABEL_MSG]);
    assert!(name_is_dns1035_label("svc-", true).is_empty());
}

#[test]
fn name_function_per_kind() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        ("", "Namespace", "a.b", &["must not contain dots"]),
        ("", "Service", "1web", &[DNS1035_MSG]),
        ("", "Pod", "a.b", &[]),
        ("", "ConfigMap", "Bad_Name", &[SUBDOMAIN_MSG]),
        ("", "Event", "Bad_Name.17a", &[]),
        ("", "Event", "a/b", &["may not contain '/'"]),
        ("events.k8s.io", "Event", "Bad_Name", &[SUBDOMAIN_MSG]),
        ("apps", "StatefulSet", "db.x", &["must not contain dots"]),
        ("apps", "Deployment", "web.x", &[]),
        ("coordination.k8s.io", "Lease", "Lease_1", &[SUBDOMAIN_MSG]),
    ];
    for (group, kind, name, want) in cases {
        assert_eq!(
            name_validator(group, kind)(name, false),
            *want,
            "{group}/{kind} {name}"
        );
    }
}
