//! Authentication: who is calling. Bearer tokens from the kubeconfig identify the admin;
//! in-process components carry an explicit internal identity that no network request can
//! forge (it is a request extension, set only by the in-process router).

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use crate::server::ApiServer;
use crate::status::ApiError;

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// User name.
    pub username: String,
    /// Groups.
    pub groups: Vec<String>,
}

impl Identity {
    /// The cluster admin (`system:masters`).
    pub fn admin() -> Self {
        Self {
            username: "kubernetes-admin".into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        }
    }

    /// berth's own components inside the server process.
    pub fn internal() -> Self {
        Self {
            username: "system:berth:internal".into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Internal;

/// Marks a request as coming from inside the process.
pub async fn mark_internal(mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert(Internal);
    next.run(req).await
}

/// Rejects unauthenticated requests with `401` and attaches the caller's [`Identity`].
pub async fn require(State(srv): State<ApiServer>, mut req: Request, next: Next) -> Response {
    let identity = if req.extensions().get::<Internal>().is_some() {
        Some(Identity::internal())
    } else {
        bearer(&req)
            .filter(|t| token_ok(&srv, t))
            .map(|_| Identity::admin())
    };
    match identity {
        Some(id) => {
            req.extensions_mut().insert(id);
            next.run(req).await
        }
        None => ApiError::unauthorized().into_response(),
    }
}

fn bearer(req: &Request) -> Option<String> {
    let value = req
        .headers()
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Compares in constant time so the token cannot be guessed byte by byte from timings.
fn token_ok(srv: &ApiServer, token: &str) -> bool {
    srv.0.config.admin_tokens.iter().fold(false, |found, t| {
        let same = t.len() == token.len()
            && t.bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        found | same
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized().into_response())
    }
}
