//! The server's PKI and kubeconfig: a CA kept in the data dir, a serving certificate issued at
//! every start (so new addresses are always covered), an admin bearer token, and the rustls
//! configuration. kubectl never sends credentials over plain HTTP, so TLS is the normal path.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rand::Rng;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// PKI failures.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}")]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Generating or loading a key or certificate failed.
    #[error("certificate: {0}")]
    Cert(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("tls configuration: {0}")]
    Tls(#[from] rustls::Error),
}

type Result<T> = std::result::Result<T, Error>;

/// Everything a server needs to serve TLS and hand out credentials.
#[derive(Debug)]
pub struct Pki {
    /// The CA certificate (PEM), as clients must trust it.
    pub ca_pem: String,
    /// The serving certificate chain (DER).
    pub cert_chain: Vec<CertificateDer<'static>>,
    /// The serving key (DER, PKCS#8).
    pub key_der: Vec<u8>,
    /// The admin bearer token.
    pub admin_token: String,
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Writes a file readable by its owner only, atomically (write + rename), so a crash never
/// leaves half a key behind.
pub fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io("create", &tmp))?;
    f.write_all(contents).map_err(io("write", &tmp))?;
    f.sync_all().map_err(io("sync", &tmp))?;
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600)).map_err(io("chmod", &tmp))?;
    fs::rename(&tmp, path).map_err(io("rename", path))
}

/// The CA's parameters. They are rebuilt identically at every start, so the issuer of every
/// serving certificate matches the CA certificate kept on disk.
fn ca_params() -> Result<CertificateParams> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "berth-ca");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2124, 1, 1);
    Ok(params)
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Loads the CA and token from `dir/pki` (creating them on first start) and issues a serving
/// certificate for `hosts` (names and IPs).
pub fn load_or_create(dir: &Path, hosts: &[String]) -> Result<Pki> {
    let pki = dir.join("pki");
    fs::create_dir_all(&pki).map_err(io("create", &pki))?;
    fs::set_permissions(&pki, fs::Permissions::from_mode(0o700)).map_err(io("chmod", &pki))?;
    let (ca_key_path, ca_cert_path, token_path) = (
        pki.join("ca.key"),
        pki.join("ca.crt"),
        pki.join("admin.token"),
    );
    let ca_key = if ca_key_path.exists() && ca_cert_path.exists() {
        let pem = fs::read_to_string(&ca_key_path).map_err(io("read", &ca_key_path))?;
        KeyPair::from_pem(&pem)?
    } else {
        let key = KeyPair::generate()?;
        let cert = ca_params()?.self_signed(&key)?;
        write_private(&ca_key_path, key.serialize_pem().as_bytes())?;
        write_private(&ca_cert_path, cert.pem().as_bytes())?;
        key
    };
    let ca_pem = fs::read_to_string(&ca_cert_path).map_err(io("read", &ca_cert_path))?;
    let admin_token = if token_path.exists() {
        fs::read_to_string(&token_path)
            .map_err(io("read", &token_path))?
            .trim()
            .to_owned()
    } else {
        let t = random_token();
        write_private(&token_path, t.as_bytes())?;
        t
    };
    let issuer = Issuer::new(ca_params()?, ca_key);
    let mut params = CertificateParams::new(hosts.to_vec())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "berth-apiserver");
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2124, 1, 1);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;
    let ca_der = rustls_pemfile::certs(&mut ca_pem.as_bytes())
        .filter_map(std::result::Result::ok)
        .collect::<Vec<_>>();
    let mut cert_chain = vec![cert.der().clone()];
    cert_chain.extend(ca_der);
    Ok(Pki {
        ca_pem,
        cert_chain,
        key_der: key.serialize_der(),
        admin_token,
    })
}

/// The names and addresses the serving certificate covers for a listen address.
pub fn serving_hosts(listen: IpAddr) -> Vec<String> {
    let mut hosts: Vec<String> = vec![
        "localhost".into(),
        "127.0.0.1".into(),
        "::1".into(),
        "kubernetes".into(),
        "kubernetes.default".into(),
        "kubernetes.default.svc".into(),
        "kubernetes.default.svc.cluster.local".into(),
    ];
    if !listen.is_unspecified() && !hosts.contains(&listen.to_string()) {
        hosts.push(listen.to_string());
    }
    if let Ok(name) = fs::read_to_string("/proc/sys/kernel/hostname") {
        let name = name.trim().to_owned();
        if !name.is_empty() && !hosts.contains(&name) {
            hosts.push(name);
        }
    }
    hosts
}

/// rustls server configuration (ring provider; HTTP/1.1, which every kubectl speaks).
pub fn server_config(pki: &Pki) -> Result<Arc<ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key_der.clone()));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(pki.cert_chain.clone(), key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The kubeconfig for the admin: the server URL, the CA and the token.
pub fn kubeconfig(server_url: &str, pki: &Pki) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(pki.ca_pem.as_bytes());
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: berth\n  cluster:\n    server: {server_url}\n    certificate-authority-data: {ca}\nusers:\n- name: berth-admin\n  user:\n    token: {token}\ncontexts:\n- name: berth\n  context:\n    cluster: berth\n    user: berth-admin\n    namespace: default\ncurrent-context: berth\npreferences: {{}}\n",
        token = pki.admin_token
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_and_token_persist_across_starts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = load_or_create(dir.path(), &["localhost".into()]).expect("first start");
        let second = load_or_create(dir.path(), &["localhost".into()]).expect("second start");
        assert_eq!(first.ca_pem, second.ca_pem);
        assert_eq!(first.admin_token, second.admin_token);
        assert_ne!(
            first.cert_chain[0], second.cert_chain[0],
            "serving cert is issued anew"
        );
        let mode = fs::metadata(dir.path().join("pki/ca.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        server_config(&second).expect("rustls accepts the chain");
    }

    #[test]
    fn kubeconfig_names_server_and_token() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pki = load_or_create(dir.path(), &["localhost".into()]).expect("pki");
        let kc = kubeconfig("https://127.0.0.1:6443", &pki);
        assert!(kc.contains("server: https://127.0.0.1:6443"));
        assert!(kc.contains(&format!("token: {}", pki.admin_token)));
    }
}
