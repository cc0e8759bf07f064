//! Label selectors: the `labelSelector` string grammar, `LabelSelector` objects, and matching.
//!
//! Parsing follows the Kubernetes 1.33 apiserver exactly, including its error messages, because
//! kubectl shows them verbatim (`Error from server (BadRequest): unable to parse requirement: …`).
//! Requirements are kept sorted by key (stably), as upstream does, so that [`Selector`]'s
//! `Display` form is canonical and parses back to the same selector.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use serde_json::{Map, Value};

mod names;
mod parse;

use crate::validation::field::FieldError;
use crate::validation::gofmt;
/// Go's `%q`, under the name `fields` and `table` import it by.
pub(crate) use crate::validation::gofmt::quote as go_quote;
use names::{aggregate, key_error, value_error, values_bad_value};

/// A label selector could not be parsed or built; the message is upstream's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LabelSelectorError(pub String);

/// How a requirement relates a key to its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `k in (a,b)`.
    In,
    /// `k notin (a,b)`.
    NotIn,
    /// `k=v`.
    Equals,
    /// `k==v`.
    DoubleEquals,
    /// `k!=v`.
    NotEquals,
    /// `k`.
    Exists,
    /// `!k`.
    DoesNotExist,
    /// `k>5` (integer comparison).
    GreaterThan,
    /// `k<5` (integer comparison).
    LessThan,
}

/// One `key op values` term of a selector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    key: String,
    op: Operator,
    values: Vec<String>,
}

/// Anything that can answer "what is the value of label `key`".
pub trait Labels {
    /// The value of `key`, or `None` when the label is absent.
    fn label(&self, key: &str) -> Option<&str>;
}

impl Labels for Map<String, Value> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

impl Labels for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl<S: BuildHasher> Labels for HashMap<String, String, S> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl Requirement {
    /// Builds a requirement, validating key and values as upstream `labels.NewRequirement` does.
    pub fn new(key: &str, op: Operator, values: Vec<String>) -> Result<Self, LabelSelectorError> {
        let mut errs: Vec<FieldError> = key_error(key, "key").into_iter().collect();
        let bad_count = match op {
            Operator::In | Operator::NotIn if values.is_empty() => {
                Some("for 'in', 'notin' operators, values set can't be empty")
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                Some("exact-match compatibility requires one single value")
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                Some("values set must be empty for exists and does not exist")
            }
            Operator::GreaterThan | Operator::LessThan if values.len() != 1 => {
                Some("for 'Gt', 'Lt' operators, exactly one value is required")
            }
            _ => None,
        };
        if let Some(detail) = bad_count {
            errs.push(FieldError::invalid(
                "values",
                values_bad_value(&values),
                detail,
            ));
        }
        if matches!(op, Operator::GreaterThan | Operator::LessThan) {
            for (i, v) in values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(FieldError::invalid(
                        format!("values[{i}]"),
                        v,
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    ));
                }
            }
        }
        for (i, v) in values.iter().enumerate() {
            errs.extend(value_error(key, v, &format!("values[{i}]")));
        }
        if errs.is_empty() {
            Ok(Requirement {
                key: key.to_owned(),
                op,
                values,
            })
        } else {
            Err(LabelSelectorError(aggregate(&errs)))
        }
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.op
    }

    /// The values, in the order given (sorted and de-duplicated when parsed from a string).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether the labels satisfy this requirement.
    pub fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        let value = labels.label(&self.key);
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.op {
            Operator::In | Operator::Equals | Operator::DoubleEquals => value.is_some_and(has),
            Operator::NotIn | Operator::NotEquals => !value.is_some_and(has),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(actual), [wanted]) = (value, self.values.as_slice()) else {
                    return false;
                };
                match (actual.parse::<i64>(), wanted.parse::<i64>()) {
                    (Ok(a), Ok(w)) if self.op == Operator::GreaterThan => a > w,
                    (Ok(a), Ok(w)) => a < w,
                    _ => false,
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            Operator::DoesNotExist => return write!(f, "!{}", self.key),
            Operator::Exists => return f.write_str(&self.key),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        let values = if self.values.len() == 1 {
            self.values[0].clone()
        } else {
            // Upstream sorts for output only; the stored order is kept for matching.
            let mut sorted = self.values.clone();
            sorted.sort();
            sorted.join(",")
        };
        if matches!(self.op, Operator::In | Operator::NotIn) {
            write!(f, "{}{op}({values})", self.key)
        } else {
            write!(f, "{}{op}{values}", self.key)
        }
    }
}

/// A parsed label selector: the AND of its requirements.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl Selector {
    /// Matches every object.
    pub fn everything() -> Self {
        Self::default()
    }

    /// Matches no object (what a missing `LabelSelector` means).
    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Parses the `labelSelector` query-parameter grammar.
    pub fn parse(input: &str) -> Result<Self, LabelSelectorError> {
        let mut requirements = parse::parse(input).map_err(LabelSelectorError)?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }

    /// Builds a selector from a `metav1.LabelSelector` JSON object (`matchLabels` and
    /// `matchExpressions`). JSON `null` means "select nothing"; `{}` selects everything.
    pub fn from_label_selector(selector: &Value) -> Result<Self, LabelSelectorError> {
        let obj = match selector {
            Value::Null => return Ok(Self::nothing()),
            Value::Object(obj) => obj,
            _ => return Err(malformed("a label selector must be an object")),
        };
        let match_labels = match obj.get("matchLabels") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => return Err(malformed("matchLabels must be an object")),
        };
        let expressions = match obj.get("matchExpressions") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(a)) => a.as_slice(),
            Some(_) => return Err(malformed("matchExpressions must be a list")),
        };
        let mut requirements = Vec::new();
        if let Some(labels) = match_labels {
            // Upstream walks a Go map (random order); sorted keys make the first error stable.
            let mut keys: Vec<&String> = labels.keys().collect();
            keys.sort();
            for key in keys {
                let value = labels[key.as_str()]
                    .as_str()
                    .ok_or_else(|| malformed("matchLabels values must be strings"))?;
                requirements.push(Requirement::new(
                    key,
                    Operator::Equals,
                    vec![value.to_owned()],
                )?);
            }
        }
        for expr in expressions {
            let key = expr.get("key").and_then(Value::as_str).unwrap_or("");
            let op_name = expr.get("operator").and_then(Value::as_str).unwrap_or("");
            let op = match op_name {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(LabelSelectorError(format!(
                        "{} is not a valid label selector operator",
                        gofmt::quote(other)
                    )));
                }
            };
            let values = match expr.get("values") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| malformed("matchExpressions values must be strings"))?,
                Some(_) => return Err(malformed("matchExpressions values must be a list")),
            };
            requirements.push(Requirement::new(key, op, values)?);
        }
        if requirements.is_empty() {
            return Ok(Self::everything());
        }
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }

    /// A selector requiring exactly these `key=value` pairs (a Service's `spec.selector`),
    /// without validation, as upstream `SelectorFromSet`.
    pub fn from_pairs<'a, I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut requirements: Vec<Requirement> = pairs
            .into_iter()
            .map(|(k, v)| Requirement {
                key: k.to_owned(),
                op: Operator::Equals,
                values: vec![v.to_owned()],
            })
            .collect();
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Selector {
            requirements,
            nothing: false,
        }
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether the selector places no restriction (matches everything).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether this is the "select nothing" selector.
    pub fn is_nothing(&self) -> bool {
        self.nothing
    }

    /// Whether every requirement holds for `labels`.
    pub fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether the object's `metadata.labels` satisfy the selector.
    pub fn matches_object(&self, object: &Value) -> bool {
        let empty = Map::new();
        let labels = object
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        self.matches(labels)
    }

    /// The single value `key` must have, if the selector pins it (`k=v`, `k==v`, `k in (v)`).
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == key)?;
        match (r.op, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [v]) => Some(v),
            _ => None,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

fn malformed(what: &str) -> LabelSelectorError {
    LabelSelectorError(format!("invalid label selector: {what}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn good_strings_print_back_without_spaces() {
        // Upstream TestSelectorParse: String() equals the input with spaces removed.
        for s in [
            "",
            "x=a",
            "x=a,y=b,z=c",
            "x!=a,y=b",
            "x=",
            "x= ",
            "x=,z= ",
            "x= ,z= ",
            "!x",
            "x>1",
            "x>1,z<5",
            "x==a",
        ] {
            let sel = Selector::parse(s).unwrap();
            let printed = sel.to_string();
            assert_eq!(printed, s.replace(' ', ""), "{s:?}");
        }
        for s in ["x in (a,b)", "x notin (a)", "x in (a),!y"] {
            assert_eq!(Selector::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn requirements_sort_by_key_and_values_sort() {
        let sel = Selector::parse("x=a,a=x, b in (z,y,z)").unwrap();
        assert_eq!(sel.to_string(), "a=x,b in (y,z),x=a");
        assert_eq!(
            Selector::parse("a=x,x=a").unwrap().to_string(),
            Selector::parse("x=a,a=x").unwrap().to_string()
        );
    }

    #[test]
    fn empty_values_in_sets() {
        for (input, values) in [
            ("x in ()", vec![""]),
            ("x in (,a)", vec!["", "a"]),
            ("x in (a,)", vec!["", "a"]),
            ("x in (a,,b)", vec!["", "a", "b"]),
            ("x in (,)", vec![""]),
        ] {
            let sel = Selector::parse(input).unwrap();
            assert_eq!(sel.requirements()[0].values(), values.as_slice(), "{input}");
        }
    }

    #[test]
    fn keywords_are_values_in_value_position() {
        let sel = Selector::parse("notin=in").unwrap();
        assert!(sel.matches(&labels(&[("notin", "in")])));
        let sel = Selector::parse("in in (in,notin)").unwrap();
        assert!(sel.matches(&labels(&[("in", "notin")])));
    }

    #[test]
    fn matching_table() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case<'_>] = &[
            ("", &[("x", "y")], true),
            ("x=y", &[("x", "y")], true),
            ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
            ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
            ("x", &[("x", "z")], true),
            ("!x", &[("y", "z")], true),
            ("x>1", &[("x", "2")], true),
            ("x<1", &[("x", "0")], true),
            ("x=z", &[], false),
            ("x=y", &[("x", "z")], false),
            ("x=y,z=w", &[("x", "w"), ("z", "w")], false),
            ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
            ("x", &[("y", "z")], false),
            ("!x", &[("x", "z")], false),
            ("x>1", &[("x", "0")], false),
            ("x>1", &[("x", "a")], false),
            ("x<1", &[("x", "2")], false),
            ("x notin (a)", &[], true),
            ("x notin (a)", &[("x", "a")], false),
            ("x in (a,b)", &[("x", "b")], true),
            ("x in (a,b)", &[], false),
            ("x=", &[("x", "")], true),
            ("x=", &[], false),
        ];
        for (sel, ls, want) in cases {
            let parsed = Selector::parse(sel).unwrap();
            assert_eq!(parsed.matches(&labels(ls)), *want, "{sel} vs {ls:?}");
        }
    }

    #[test]
    fn parse_errors_have_upstream_text() {
        let name_regex = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        let value_regex = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        let long_key = "k".repeat(64);
        let cases: Vec<(&str, String)> = vec![
            (
                "x=a||y=b",
                format!("unable to parse requirement: values[0][x]: Invalid value: \"a||y\": {value_regex}"),
            ),
            ("x==a==b", "found '==', expected: ',' or 'end of string'".to_owned()),
            ("!x=a", "found '=', expected: ',' or 'end of string'".to_owned()),
            (
                "x<a",
                "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
                    .to_owned(),
            ),
            (
                "app=web db",
                "found 'db', expected: ',' or 'end of string'".to_owned(),
            ),
            (
                "a b",
                "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt".to_owned(),
            ),
            ("a,", "found '', expected: identifier after ','".to_owned()),
            (",a", "found ',', expected: !, identifier, or 'end of string'".to_owned()),
            ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'".to_owned()),
            ("a in b", "unable to parse requirement: found 'b' expected: '('".to_owned()),
            ("a in (", "unable to parse requirement: found '', expected: ',', ')' or identifier".to_owned()),
            ("a=(", "unable to parse requirement: found '(', expected: identifier".to_owned()),
            ("!", "unable to parse requirement: found '', expected: identifier".to_owned()),
            (
                "a/b/c=d",
                "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_owned(),
            ),
            (
                "-a=b",
                format!("unable to parse requirement: <nil>: Invalid value: \"-a\": {name_regex}"),
            ),
            (
                "/a",
                "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty".to_owned(),
            ),
            (
                "Ex.com/a",
                "unable to parse requirement: <nil>: Invalid value: \"Ex.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned(),
            ),
            (
                "a/",
                format!(
                    "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; {name_regex}"
                ),
            ),
            (
                &long_key,
                format!(
                    "unable to parse requirement: <nil>: Invalid value: \"{}\": name part must be no more than 63 characters",
                    "k".repeat(64)
                ),
            ),
            (
                "a in (-x,-y)",
                format!(
                    "unable to parse requirement: [values[0][a]: Invalid value: \"-x\": {value_regex}, values[1][a]: Invalid value: \"-y\": {value_regex}]"
                ),
            ),
        ];
        for (input, want) in cases {
            let err = Selector::parse(input).unwrap_err();
            assert_eq!(err.to_string(), want, "{input}");
        }
    }

    #[test]
    fn bad_values_are_quoted_like_go_strconv() {
        // Upstream prints the value with `%q`: characters Go does not consider printable
        // (a no-break space here) are escaped.
        let err = Selector::parse("k=a\u{a0}b").unwrap_err().to_string();
        assert!(
            err.starts_with("unable to parse requirement: values[0][k]: Invalid value: \"a\\u00a0b\": a valid label"),
            "{err}"
        );
    }

    #[test]
    fn long_value_reports_both_messages() {
        let v = format!("-{}", "a".repeat(63));
        let err = Selector::parse(&format!("k={v}")).unwrap_err().to_string();
        assert!(err.starts_with(&format!(
            "unable to parse requirement: values[0][k]: Invalid value: \"{v}\": must be no more than 63 characters; a valid label"
        )));
    }

    #[test]
    fn label_selector_object() {
        let sel = Selector::from_label_selector(&json!({
            "matchLabels": {"app": "db", "tier": "x"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "gone", "operator": "DoesNotExist"},
            ]
        }))
        .unwrap();
        assert_eq!(sel.to_string(), "app=db,env in (dev,prod),!gone,tier=x");
        assert!(sel.matches(&labels(&[("app", "db"), ("tier", "x"), ("env", "dev")])));
        assert!(!sel.matches(&labels(&[("app", "db"), ("tier", "x"), ("env", "qa")])));

        assert!(
            Selector::from_label_selector(&json!(null))
                .unwrap()
                .is_nothing()
        );
        assert!(!Selector::nothing().matches(&labels(&[])));
        let all = Selector::from_label_selector(&json!({})).unwrap();
        assert!(all.is_empty() && all.matches(&labels(&[("a", "b")])));
    }

    #[test]
    fn label_selector_object_errors() {
        let cases = [
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Foo"}]}),
                "\"Foo\" is not a valid label selector operator",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}),
                "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
                "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist",
            ),
            (
                json!({"matchLabels": {"a b": "c"}}),
                "key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ),
        ];
        for (input, want) in cases {
            let err = Selector::from_label_selector(&input).unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn exact_match_and_object_labels() {
        let sel = Selector::parse("app=db,x in (y),z in (a,b)").unwrap();
        assert_eq!(sel.requires_exact_match("app"), Some("db"));
        assert_eq!(sel.requires_exact_match("x"), Some("y"));
        assert_eq!(sel.requires_exact_match("z"), None);
        let obj = json!({"metadata": {"labels": {"app": "db", "x": "y", "z": "b"}}});
        assert!(sel.matches_object(&obj));
        assert!(!sel.matches_object(&json!({"metadata": {}})));
        let svc = Selector::from_pairs([("b", "2"), ("a", "1")]);
        assert_eq!(svc.to_string(), "a=1,b=2");
    }

    #[test]
    fn nul_ends_input_at_token_start() {
        assert_eq!(
            Selector::parse("a=b, \0c").unwrap_err().to_string(),
            "found '', expected: identifier after ','"
        );
        // Right after a token the NUL is swallowed and lexing goes on.
        assert_eq!(Selector::parse("a=b,\0c").unwrap().to_string(), "a=b,c");
        assert_eq!(Selector::parse("a \0 b").unwrap().to_string(), "a");
    }

    fn key() -> impl Strategy<Value = String> {
        let name = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?";
        prop_oneof![
            name.prop_map(|n| n),
            ("[a-z0-9]{1,5}(\\.[a-z0-9]{1,5}){0,2}", name).prop_map(|(p, n)| format!("{p}/{n}")),
            Just("in".to_owned()),
            Just("notin".to_owned()),
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?",
            Just("in".to_owned()),
        ]
    }

    fn requirement_text() -> impl Strategy<Value = String> {
        (
            key(),
            0..9usize,
            proptest::collection::btree_set(value(), 1..4),
            -99i64..99,
        )
            .prop_map(|(k, op, vals, n)| {
                // Distinct values: upstream rejects a set written with two empty entries (`(,,)`).
                let vals: Vec<String> = vals.into_iter().collect();
                match op {
                    0 => format!("{k}={}", vals[0]),
                    1 => format!("{k} == {}", vals[0]),
                    2 => format!("{k}!={}", vals[0]),
                    3 => format!("{k} in ({})", vals.join(",")),
                    4 => format!("{k} notin ({})", vals.join(",")),
                    5 => k,
                    6 => format!("!{k}"),
                    7 => format!("{k}>{}", n.abs()),
                    _ => format!("{k} < {}", n.abs()),
                }
            })
    }

    proptest! {
        #[test]
        fn parse_display_round_trips(reqs in proptest::collection::vec(requirement_text(), 0..5)) {
            let sel = Selector::parse(&reqs.join(" , ")).unwrap();
            let printed = sel.to_string();
            let again = Selector::parse(&printed).unwrap();
            prop_assert_eq!(&again, &sel);
            prop_assert_eq!(again.to_string(), printed);
        }

        #[test]
        fn parse_never_panics(s in "[ -~\t\n]{0,40}") {
            let _ = Selector::parse(&s);
        }
    }
}
