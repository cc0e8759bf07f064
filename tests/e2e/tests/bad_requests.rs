//! Bad input gets upstream's status code and reason, and changes nothing.

use berth_e2e::{KUBECTL_NEWEST, Server};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_berth");

const JSON: &str = "application/json";

struct Case {
    what: &'static str,
    method: &'static str,
    path: String,
    content_type: &'static str,
    body: Vec<u8>,
    token: Option<&'static str>,
    code: u16,
    reason: &'static str,
}

fn case(
    what: &'static str,
    method: &'static str,
    path: &str,
    body: impl Into<Vec<u8>>,
    code: u16,
    reason: &'static str,
) -> Case {
    Case {
        what,
        method,
        path: path.to_owned(),
        content_type: JSON,
        body: body.into(),
        token: Some("admin"),
        code,
        reason,
    }
}

fn cm(name: &str) -> String {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})
        .to_string()
}

#[test]
fn bad_requests_get_upstream_codes_and_change_nothing() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    srv.ok(
        KUBECTL_NEWEST,
        &["create", "configmap", "base", "--from-literal=k=v"],
    )?;
    srv.ok(
        KUBECTL_NEWEST,
        &["create", "deployment", "web", "--image=nginx"],
    )?;
    let before = srv.ok(
        KUBECTL_NEWEST,
        &["get", "configmaps,deployments,secrets", "-A", "-o", "json"],
    )?;
    let base_rv = srv.ok(
        KUBECTL_NEWEST,
        &[
            "get",
            "cm",
            "base",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ],
    )?;
    let base_uid = srv.ok(
        KUBECTL_NEWEST,
        &["get", "cm", "base", "-o", "jsonpath={.metadata.uid}"],
    )?;
    let cms = "/api/v1/namespaces/default/configmaps";
    let stale = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "base", "resourceVersion": "1"}, "data": {"k": "stale"}}).to_string();
    let huge = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"}, "data": {"k": "x".repeat(4 * 1024 * 1024)}}).to_string();
    let big = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"}, "data": {"k": "x".repeat(1024 * 1024 + 10)}}).to_string();
    let mut cases = vec![
        case("malformed JSON", "POST", cms, "{\"kind\":", 400, "BadRequest"),
        case("JSON array body", "POST", cms, "[1,2]", 400, "BadRequest"),
        case("empty body", "POST", cms, "", 400, "BadRequest"),
        case("kind of another resource", "POST", cms, json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}).to_string(), 400, "BadRequest"),
        case("apiVersion of another group", "POST", cms, json!({"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "x"}}).to_string(), 400, "BadRequest"),
        case("invalid name", "POST", cms, cm("Bad_Name"), 422, "Invalid"),
        case("no name", "POST", cms, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}).to_string(), 422, "Invalid"),
        case("bad label key", "POST", cms, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "l", "labels": {"a/b/c": "x"}}}).to_string(), 422, "Invalid"),
        case("bad data key", "POST", cms, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}, "data": {"bad key": "v"}}).to_string(), 422, "Invalid"),
        case("configmap over 1 MiB", "POST", cms, big, 422, "Invalid"),
        case("missing namespace", "POST", "/api/v1/namespaces/nowhere/configmaps", cm("x"), 404, "NotFound"),
        case("namespace differs from URL", "POST", cms, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "kube-system"}}).to_string(), 400, "BadRequest"),
        case("name taken", "POST", cms, cm("base"), 409, "AlreadyExists"),
        case("stale resourceVersion", "PUT", &format!("{cms}/base"), stale, 409, "Conflict"),
        case("name differs from URL", "PUT", &format!("{cms}/base"), cm("other"), 400, "BadRequest"),
        case("update of a missing object", "PUT", &format!("{cms}/missing"), cm("missing"), 404, "NotFound"),
        case("body over 3 MiB", "POST", cms, huge, 413, "RequestEntityTooLarge"),
        case("unknown field, Strict", "POST", &format!("{cms}?fieldValidation=Strict"), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u"}, "dataa": {}}).to_string(), 400, "BadRequest"),
        case("wrong type", "POST", "/apis/apps/v1/namespaces/default/deployments", json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "t"}, "spec": {"replicas": "three"}}).to_string(), 400, "BadRequest"),
        case("bad fieldValidation", "POST", &format!("{cms}?fieldValidation=Loose"), cm("fv"), 400, "BadRequest"),
        case("bad dryRun", "POST", &format!("{cms}?dryRun=Some"), cm("dr"), 400, "BadRequest"),
        case("get missing", "GET", &format!("{cms}/missing"), "", 404, "NotFound"),
        case("unknown resource", "GET", "/api/v1/namespaces/default/widgets", "", 404, "NotFound"),
        case("bad label selector", "GET", &format!("{cms}?labelSelector=a%20in%20(b"), "", 400, "BadRequest"),
        case("bad label selector value", "GET", &format!("{cms}?labelSelector=a%3D%25%25"), "", 400, "BadRequest"),
        case("unsupported field selector", "GET", &format!("{cms}?fieldSelector=spec.foo%3Dbar"), "", 400, "BadRequest"),
        case("garbage continue token", "GET", &format!("{cms}?limit=1&continue=garbage"), "", 400, "BadRequest"),
        case("non-numeric limit", "GET", &format!("{cms}?limit=many"), "", 400, "BadRequest"),
        case("non-numeric resourceVersion", "GET", &format!("{cms}?resourceVersion=abc"), "", 400, "BadRequest"),
        case("patch of a missing object", "PATCH", &format!("{cms}/missing"), "{}", 404, "NotFound"),
        case("malformed JSON patch", "PATCH", &format!("{cms}/base"), "[{\"op\":", 400, "BadRequest"),
        case("JSON patch test fails", "PATCH", &format!("{cms}/base"), "[{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"nope\"}]", 422, "Invalid"),
        case("stale resourceVersion in a patch", "PATCH", &format!("{cms}/base"), "{\"metadata\":{\"resourceVersion\":\"1\"},\"data\":{\"k\":\"p\"}}", 409, "Conflict"),
        case("bad propagationPolicy", "DELETE", &format!("{cms}/base?propagationPolicy=Sometimes"), "", 422, "Invalid"),
        case("uid precondition", "DELETE", &format!("{cms}/base"), json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "00000000-0000-0000-0000-000000000000"}}).to_string(), 409, "Conflict"),
        case("resourceVersion precondition", "DELETE", &format!("{cms}/base"), json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"resourceVersion": "1"}}).to_string(), 409, "Conflict"),
        case("delete missing", "DELETE", &format!("{cms}/missing"), "", 404, "NotFound"),
        case("PUT on a collection", "PUT", cms, cm("x"), 405, "MethodNotAllowed"),
        case("negative scale", "PUT", "/apis/apps/v1/namespaces/default/deployments/web/scale", json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"}, "spec": {"replicas": -1}}).to_string(), 422, "Invalid"),
    ];
    for c in cases.iter_mut().filter(|c| c.method == "PATCH") {
        c.content_type = if c.body.starts_with(b"[") {
            "application/json-patch+json"
        } else {
            "application/merge-patch+json"
        };
    }
    let mut merge = case(
        "merge patch with unsupported content type",
        "PATCH",
        &format!("{cms}/base"),
        "{}",
        415,
        "UnsupportedMediaType",
    );
    merge.content_type = "text/plain";
    cases.push(merge);
    let mut pb = case(
        "protobuf of an unsupported kind",
        "POST",
        "/api/v1/namespaces/default/pods",
        b"k8s\0\x0a\x0b\x0a\x02v1\x12\x05Event".to_vec(),
        415,
        "UnsupportedMediaType",
    );
    pb.content_type = "application/vnd.kubernetes.protobuf";
    cases.push(pb);
    let mut bad_pb = case(
        "truncated protobuf",
        "POST",
        cms,
        b"k8s\0\x0a\xff".to_vec(),
        400,
        "BadRequest",
    );
    bad_pb.content_type = "application/vnd.kubernetes.protobuf";
    cases.push(bad_pb);
    let mut yaml = case(
        "malformed YAML",
        "POST",
        cms,
        "kind: ConfigMap\nmetadata: [",
        400,
        "BadRequest",
    );
    yaml.content_type = "application/yaml";
    cases.push(yaml);
    let mut anon = case("no credentials", "GET", cms, "", 401, "Unauthorized");
    anon.token = None;
    cases.push(anon);
    let mut wrong = case("wrong token", "GET", cms, "", 401, "Unauthorized");
    wrong.token = Some("not-the-token");
    cases.push(wrong);
    assert!(cases.len() >= 30);

    let mut failures = Vec::new();
    for c in &cases {
        let (code, status) = srv.raw(c.method, &c.path, c.content_type, &c.body, c.token)?;
        let reason = status.get("reason").and_then(Value::as_str).unwrap_or("");
        let kind = status.get("kind").and_then(Value::as_str).unwrap_or("");
        if code != c.code || reason != c.reason || kind != "Status" {
            failures.push(format!(
                "{}: got {code} {reason} (kind {kind:?}), want {} {}: {status}",
                c.what, c.code, c.reason
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // Nothing changed.
    let after = srv.ok(
        KUBECTL_NEWEST,
        &["get", "configmaps,deployments,secrets", "-A", "-o", "json"],
    )?;
    let strip = |s: &str| -> anyhow::Result<Value> {
        let mut v: Value = serde_json::from_str(s)?;
        v["metadata"] = json!({});
        Ok(v)
    };
    assert_eq!(
        strip(&before)?,
        strip(&after)?,
        "bad requests changed stored objects"
    );
    assert_eq!(
        srv.ok(
            KUBECTL_NEWEST,
            &[
                "get",
                "cm",
                "base",
                "-o",
                "jsonpath={.metadata.resourceVersion}"
            ]
        )?,
        base_rv
    );
    assert_eq!(
        srv.ok(
            KUBECTL_NEWEST,
            &["get", "cm", "base", "-o", "jsonpath={.metadata.uid}"]
        )?,
        base_uid
    );
    Ok(())
}

#[test]
fn invalid_objects_name_the_field_as_upstream() -> anyhow::Result<()> {
    let srv = Server::start(BIN)?;
    let (code, status) = srv.raw(
        "POST",
        "/api/v1/namespaces/default/configmaps",
        JSON,
        cm("Bad_Name").as_bytes(),
        Some("admin"),
    )?;
    assert_eq!(code, 422);
    assert_eq!(status["details"]["kind"], "ConfigMap");
    assert_eq!(status["details"]["name"], "Bad_Name");
    assert_eq!(status["details"]["causes"][0]["field"], "metadata.name");
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "FieldValueInvalid"
    );
    let msg = status["message"].as_str().unwrap_or_default();
    assert!(msg.starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{msg}");
    // kubectl renders the same message.
    let out = srv.kubectl_stdin(
        KUBECTL_NEWEST,
        &["create", "-f", "-"],
        Some(&cm("Bad_Name")),
    )?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""
        ),
        "{stderr}"
    );
    let typo = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\nspec:\n  replica: 2\n  selector:\n    matchLabels: {app: t}\n  template:\n    metadata:\n      labels: {app: t}\n    spec:\n      containers: [{name: c, image: nginx}]\n";
    let out = srv.kubectl_stdin(KUBECTL_NEWEST, &["create", "-f", "-"], Some(typo))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown field \"spec.replica\""),
        "{stderr}"
    );
    Ok(())
}
