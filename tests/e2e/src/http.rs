//! A minimal blocking HTTPS/1.1 client with keep-alive, trusting the server's own CA.
//!
//! Spawning curl per request is far too slow to put a server under real load, and the load
//! tests must know precisely whether a failed request can have reached the server: an error
//! before the whole request was written means the server never saw it, an error after that
//! means its outcome is unknown.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde_json::Value;

use crate::Server;

/// How long one read may block before the request counts as failed.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

type Conn = BufReader<StreamOwned<ClientConnection, TcpStream>>;

/// Why a request got no answer.
#[derive(Debug)]
pub enum SendError {
    /// The request was not completely written: the server cannot have acted on it.
    NotSent(anyhow::Error),
    /// The request was written but no complete answer came back: it may or may not have taken
    /// effect.
    Unknown(anyhow::Error),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSent(e) => write!(f, "not sent: {e:#}"),
            Self::Unknown(e) => write!(f, "outcome unknown: {e:#}"),
        }
    }
}

impl std::error::Error for SendError {}

/// One HTTPS client: one keep-alive connection, reopened when it breaks.
pub struct Https {
    tls: Arc<ClientConfig>,
    addr: String,
    token: String,
    conn: Option<Conn>,
}

impl std::fmt::Debug for Https {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Https").field("addr", &self.addr).finish()
    }
}

impl Https {
    /// A client for `srv` with its admin token.
    pub fn new(srv: &Server) -> anyhow::Result<Self> {
        let (url, token) = srv.endpoint()?;
        let addr = url
            .strip_prefix("https://")
            .with_context(|| format!("not an https URL: {url}"))?
            .trim_end_matches('/')
            .to_owned();
        let pem = std::fs::read(srv.data_dir().join("pki/ca.crt")).context("read the CA")?;
        let mut roots = RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            roots.add(cert.context("parse the CA")?)?;
        }
        let tls =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
        Ok(Self {
            tls: Arc::new(tls),
            addr,
            token,
            conn: None,
        })
    }

    fn connect(&self) -> anyhow::Result<Conn> {
        let tcp =
            TcpStream::connect(&self.addr).with_context(|| format!("connect {}", self.addr))?;
        tcp.set_nodelay(true)?;
        tcp.set_read_timeout(Some(READ_TIMEOUT))?;
        let host = self.addr.rsplit_once(':').map_or(&*self.addr, |(h, _)| h);
        let name = ServerName::try_from(host.to_owned()).context("server name")?;
        let conn = ClientConnection::new(self.tls.clone(), name)?;
        Ok(BufReader::new(StreamOwned::new(conn, tcp)))
    }

    fn head(&self, method: &str, path: &str, body_len: usize) -> String {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {body_len}\r\n\r\n",
            self.addr, self.token
        )
    }

    /// Sends one request (with a JSON body, if any) and returns the status code and the body
    /// parsed as JSON (`Null` if it is not JSON).
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), SendError> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self.connect().map_err(SendError::NotSent)?,
        };
        let mut wire = self.head(method, path, body.len()).into_bytes();
        wire.extend_from_slice(body.as_bytes());
        let stream = conn.get_mut();
        stream
            .write_all(&wire)
            .and_then(|()| stream.flush())
            .map_err(|e| SendError::NotSent(e.into()))?;
        let (code, keep, payload) = read_response(&mut conn).map_err(SendError::Unknown)?;
        if keep {
            self.conn = Some(conn);
        }
        Ok((
            code,
            serde_json::from_slice(&payload).unwrap_or(Value::Null),
        ))
    }

    /// Like [`Https::request`], for callers that treat every failure as fatal.
    pub fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        self.request(method, path, body)
            .map_err(|e| anyhow::anyhow!("{method} {path}: {e}"))
    }

    /// Opens a streaming `GET` (a watch) on its own connection and returns its lines once the
    /// response head arrived.
    pub fn stream(&self, path: &str) -> anyhow::Result<LineStream> {
        let mut conn = self.connect()?;
        let stream = conn.get_mut();
        stream.write_all(self.head("GET", path, 0).as_bytes())?;
        stream.flush()?;
        let head = read_head(&mut conn)?;
        if head.code != 200 {
            let body = read_body(&mut conn, &head)?;
            bail!(
                "GET {path}: {} {}",
                head.code,
                String::from_utf8_lossy(&body)
            );
        }
        let body: Box<dyn Read + Send> = if head.chunked {
            Box::new(Chunked::new(conn))
        } else {
            Box::new(conn)
        };
        Ok(LineStream {
            lines: BufReader::new(body),
        })
    }
}

/// The newline-delimited JSON values of a streamed response.
pub struct LineStream {
    lines: BufReader<Box<dyn Read + Send>>,
}

impl std::fmt::Debug for LineStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineStream")
    }
}

impl LineStream {
    /// The next JSON line, `None` when the server ended the stream. Fails when nothing arrives
    /// for 30 s.
    pub fn next_value(&mut self) -> anyhow::Result<Option<Value>> {
        loop {
            let mut line = String::new();
            if self.lines.read_line(&mut line).context("read the stream")? == 0 {
                return Ok(None);
            }
            if line.trim().is_empty() {
                continue;
            }
            return serde_json::from_str(&line)
                .map(Some)
                .with_context(|| format!("not JSON: {line:?}"));
        }
    }
}

struct Head {
    code: u16,
    chunked: bool,
    length: Option<usize>,
    close: bool,
}

fn read_head(conn: &mut impl BufRead) -> anyhow::Result<Head> {
    let mut status = String::new();
    if conn.read_line(&mut status)? == 0 {
        bail!("connection closed before the response");
    }
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("bad status line {status:?}"))?;
    let mut head = Head {
        code,
        chunked: false,
        length: None,
        close: false,
    };
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            bail!("connection closed in the response head");
        }
        let line = line.trim_end();
        if line.is_empty() {
            return Ok(head);
        }
        let Some((name, value)) = line.split_once(':') else {
            bail!("bad header {line:?}");
        };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "transfer-encoding" => head.chunked = value.contains("chunked"),
            "content-length" => head.length = Some(value.parse()?),
            "connection" => head.close = value == "close",
            _ => {}
        }
    }
}

fn read_body(conn: &mut Conn, head: &Head) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    if head.chunked {
        Chunked::new(conn).read_to_end(&mut body)?;
    } else if let Some(n) = head.length {
        body.resize(n, 0);
        conn.read_exact(&mut body)?;
    } else {
        conn.read_to_end(&mut body)?;
    }
    Ok(body)
}

/// Reads one response; also says whether the connection can carry the next request.
fn read_response(conn: &mut Conn) -> anyhow::Result<(u16, bool, Vec<u8>)> {
    let head = read_head(conn)?;
    let body = read_body(conn, &head)?;
    let keep = !head.close && (head.chunked || head.length.is_some());
    Ok((head.code, keep, body))
}

/// Decodes a chunked body, ending at its last chunk.
struct Chunked<R> {
    inner: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Chunked<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            left: 0,
            done: false,
        }
    }

    fn crlf(&mut self) -> io::Result<()> {
        let mut line = String::new();
        self.inner.read_line(&mut line)?;
        if line.trim_end().is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("expected CRLF after a chunk, got {line:?}"),
            ))
        }
    }
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut size = String::new();
            if self.inner.read_line(&mut size)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let digits = size.trim().split(';').next().unwrap_or("");
            self.left = usize::from_str_radix(digits, 16).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad chunk size {size:?}"),
                )
            })?;
            if self.left == 0 {
                // Trailers, then the blank line that ends the body.
                loop {
                    let mut line = String::new();
                    if self.inner.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                        break;
                    }
                }
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        if self.left == 0 {
            self.crlf()?;
        }
        Ok(n)
    }
}
