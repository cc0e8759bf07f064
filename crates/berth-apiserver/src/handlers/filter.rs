//! Label and field selectors of a list or watch, checked before any work is done.

use serde_json::Value;

use berth_api::fields::{self, FieldSelector};
use berth_api::registry::ResourceInfo;
use berth_api::selector::Selector;

use crate::request::Query;
use crate::status::{ApiError, ApiResult};

/// What a list or watch keeps.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    info: &'static ResourceInfo,
    labels: Option<Selector>,
    fields: Option<FieldSelector>,
}

impl Filter {
    /// Parses `labelSelector` and `fieldSelector`; a bad one is a `400` before anything runs.
    pub(crate) fn from_query(info: &'static ResourceInfo, query: &Query) -> ApiResult<Self> {
        let labels = query
            .get("labelSelector")
            .map(Selector::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request(e.to_string()))?
            .filter(|s| !s.is_empty());
        let fields = query
            .get("fieldSelector")
            .map(|s| {
                let parsed = FieldSelector::parse(s)?;
                fields::validate(&parsed, info.group, info.plural)
            })
            .transpose()
            .map_err(|e| ApiError::bad_request(e.to_string()))?
            .filter(|s| !s.is_empty());
        Ok(Self {
            info,
            labels,
            fields,
        })
    }

    /// Whether nothing is filtered out.
    pub(crate) fn is_empty(&self) -> bool {
        self.labels.is_none() && self.fields.is_none()
    }

    /// Whether `obj` passes both selectors.
    pub(crate) fn matches(&self, obj: &Value) -> bool {
        self.labels
            .as_ref()
            .is_none_or(|sel| sel.matches_object(obj))
            && self
                .fields
                .as_ref()
                .is_none_or(|sel| sel.matches_object(self.info.group, self.info.plural, obj))
    }
}
