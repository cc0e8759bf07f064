//! A minimal HTTP/1.1 client on loopback: TLS (trusting berth's CA) or plain TCP (etcd's
//! gateway), one keep-alive connection per [`Conn`], so every benchmark client owns exactly
//! one connection and the numbers say what one connection costs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// What a kubeconfig written by `berth server` says about reaching it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kubeconfig {
    /// `host:port` of the server URL.
    pub(crate) addr: SocketAddr,
    /// The CA certificate, PEM.
    pub(crate) ca_pem: String,
    /// The admin bearer token.
    pub(crate) token: String,
}

impl Kubeconfig {
    /// Reads the three fields berth writes, one per line. Returns an error for anything else,
    /// which during start-up just means "not written yet".
    pub(crate) fn parse(text: &str) -> anyhow::Result<Self> {
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(str::trim))
                .with_context(|| format!("kubeconfig has no {name}"))
        };
        let server = field("server:")?;
        let hostport = server
            .strip_prefix("https://")
            .with_context(|| format!("server {server:?} is not https"))?;
        let addr = hostport
            .parse()
            .with_context(|| format!("server address {hostport:?}"))?;
        let ca = base64::engine::general_purpose::STANDARD
            .decode(field("certificate-authority-data:")?)
            .context("certificate-authority-data is not base64")?;
        let ca_pem = String::from_utf8(ca).context("the CA is not PEM text")?;
        let token = field("token:")?.to_owned();
        if token.is_empty() {
            bail!("empty token");
        }
        Ok(Self {
            addr,
            ca_pem,
            token,
        })
    }
}

/// Where requests go and how: TLS plus a bearer token for berth, plain TCP for etcd.
#[derive(Clone)]
pub(crate) struct Target {
    addr: SocketAddr,
    tls: Option<TlsConnector>,
    token: Option<String>,
}

impl Target {
    /// berth over HTTPS, trusting only the CA from its kubeconfig.
    pub(crate) fn berth(kc: &Kubeconfig) -> anyhow::Result<Self> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut kc.ca_pem.as_bytes()) {
            roots.add(cert.context("CA PEM")?).context("add the CA")?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS versions")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            addr: kc.addr,
            tls: Some(TlsConnector::from(Arc::new(config))),
            token: Some(kc.token.clone()),
        })
    }

    /// A plain-HTTP endpoint (etcd's JSON gateway).
    pub(crate) fn plain(addr: SocketAddr) -> Self {
        Self {
            addr,
            tls: None,
            token: None,
        }
    }

    /// Opens one keep-alive connection (TCP, then TLS when configured).
    pub(crate) async fn connect(&self) -> anyhow::Result<Conn> {
        let tcp = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("connect to {}", self.addr))?;
        // Requests are small and latency is what we measure: no Nagle delay.
        tcp.set_nodelay(true).context("TCP_NODELAY")?;
        let sender = match &self.tls {
            Some(tls) => {
                let name = ServerName::IpAddress(self.addr.ip().into());
                let stream = tls.connect(name, tcp).await.context("TLS handshake")?;
                handshake(stream).await?
            }
            None => handshake(tcp).await?,
        };
        Ok(Conn {
            sender,
            host: self.addr.to_string(),
            token: self.token.clone(),
        })
    }
}

async fn handshake<S>(io: S) -> anyhow::Result<SendRequest<Full<Bytes>>>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = http1::handshake(TokioIo::new(io))
        .await
        .context("HTTP/1.1 handshake")?;
    // The connection task ends when the sender is dropped or the peer closes.
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// One keep-alive HTTP/1.1 connection.
pub(crate) struct Conn {
    sender: SendRequest<Full<Bytes>>,
    host: String,
    token: Option<String>,
}

impl Conn {
    /// Sends a request and returns the response with its body still streaming.
    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> anyhow::Result<Response<Incoming>> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host)
            .header(header::ACCEPT, "application/json");
        if !body.is_empty() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(token) = &self.token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let req = req.body(Full::new(body)).context("build the request")?;
        self.sender.ready().await.context("connection closed")?;
        self.sender
            .send_request(req)
            .await
            .with_context(|| format!("request {path}"))
    }

    /// Sends a request and reads the whole body.
    pub(crate) async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let resp = self.send(method, path, body).await?;
        let status = resp.status();
        let body = resp
            .into_body()
            .collect()
            .await
            .with_context(|| format!("read the body of {path}"))?
            .to_bytes();
        Ok((status, body))
    }

    /// Like [`Conn::call`], failing unless the status is `want`.
    pub(crate) async fn expect(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
        want: StatusCode,
    ) -> anyhow::Result<Bytes> {
        let (status, body) = self.call(method, path, body).await?;
        if status != want {
            bail!(
                "{path}: got {status}, want {want}: {}",
                String::from_utf8_lossy(&body[..body.len().min(500)])
            );
        }
        Ok(body)
    }
}

/// Reads the next chunk of a streaming body, `None` at its end, failing after `timeout`.
pub(crate) async fn next_chunk(
    body: &mut Incoming,
    timeout: Duration,
) -> anyhow::Result<Option<Bytes>> {
    loop {
        let frame = tokio::time::timeout(timeout, body.frame())
            .await
            .context("no data on the stream")?;
        match frame {
            None => return Ok(None),
            Some(frame) => {
                if let Ok(data) = frame.context("read the stream")?.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The layout `berth server` writes (see its README: server, CA data and token).
    const WRITTEN: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: berth\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority-data: LS0tLS1CRUdJTg==\nusers:\n- name: berth-admin\n  user:\n    token: abc123\ncontexts: []\n";

    #[test]
    fn kubeconfig_fields() {
        let kc = Kubeconfig::parse(WRITTEN).unwrap();
        assert_eq!(kc.addr, "127.0.0.1:6443".parse().unwrap());
        assert_eq!(kc.ca_pem, "-----BEGIN");
        assert_eq!(kc.token, "abc123");
    }

    #[test]
    fn incomplete_kubeconfigs_are_rejected() {
        let cases = [
            ("", "empty file, not written yet"),
            ("server: https://127.0.0.1:6443\n", "no CA, no token"),
            (
                &WRITTEN.replace("https://", "http://"),
                "plain http is not what berth writes without --insecure-http",
            ),
            (&WRITTEN.replace("abc123", ""), "empty token"),
            (&WRITTEN.replace("LS0tLS1CRUdJTg==", "%%%"), "CA not base64"),
        ];
        for (text, why) in cases {
            assert!(Kubeconfig::parse(text).is_err(), "{why}");
        }
    }
}
