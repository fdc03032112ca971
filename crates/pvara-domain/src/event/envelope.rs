//! The CloudEvents 1.0 envelope of every record: binary content mode (attributes as headers)
//! as the Kafka protocol binding defines it, and structured mode (one JSON object) for reading.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::DecodeError;
use crate::ids::EventId;

/// A CloudEvents 1.0 envelope with JSON data. Serialises to structured-mode JSON; see
/// [`CloudEvent::headers`] for binary mode.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudEvent {
    pub id: EventId,
    pub source: String,
    pub event_type: String,
    pub subject: String,
    pub time: DateTime<Utc>,
    pub dataschema: String,
    /// The HTTP request that caused the event (extension attribute `requestid`).
    pub request_id: Option<String>,
    /// The JSON payload, as bytes.
    pub data: Vec<u8>,
}

pub const CONTENT_TYPE_JSON: &str = "application/json";

impl CloudEvent {
    /// Binary content mode headers (Kafka protocol binding).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("ce_specversion".to_owned(), "1.0".to_owned()),
            ("ce_id".to_owned(), self.id.to_string()),
            ("ce_source".to_owned(), self.source.clone()),
            ("ce_type".to_owned(), self.event_type.clone()),
            ("ce_subject".to_owned(), self.subject.clone()),
            (
                "ce_time".to_owned(),
                self.time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ),
            ("ce_dataschema".to_owned(), self.dataschema.clone()),
            ("content-type".to_owned(), CONTENT_TYPE_JSON.to_owned()),
        ];
        if let Some(request_id) = &self.request_id {
            headers.push(("ce_requestid".to_owned(), request_id.clone()));
        }
        headers
    }

    /// Reads an envelope from a record: binary mode when `ce_id` is a header, else structured mode.
    pub fn from_record(headers: &[(String, String)], value: &[u8]) -> Result<CloudEvent, DecodeError> {
        let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        if header("ce_id").is_none() {
            return Self::from_structured(value);
        }
        let required = |name: &'static str| header(name).ok_or(DecodeError::MissingAttribute(name));
        let spec = required("ce_specversion")?;
        if spec != "1.0" {
            return Err(DecodeError::SpecVersion(spec.to_owned()));
        }
        Ok(CloudEvent {
            id: required("ce_id")?
                .parse()
                .map_err(|_| DecodeError::InvalidAttribute("ce_id"))?,
            source: required("ce_source")?.to_owned(),
            event_type: required("ce_type")?.to_owned(),
            subject: required("ce_subject")?.to_owned(),
            time: DateTime::parse_from_rfc3339(required("ce_time")?)
                .map_err(|_| DecodeError::InvalidAttribute("ce_time"))?
                .with_timezone(&Utc),
            dataschema: header("ce_dataschema").unwrap_or_default().to_owned(),
            request_id: header("ce_requestid").map(str::to_owned),
            data: value.to_vec(),
        })
    }

    fn from_structured(value: &[u8]) -> Result<CloudEvent, DecodeError> {
        let json: StructuredEvent =
            serde_json::from_slice(value).map_err(|e| DecodeError::Data(format!("not a CloudEvent: {e}")))?;
        if json.specversion != "1.0" {
            return Err(DecodeError::SpecVersion(json.specversion));
        }
        Ok(CloudEvent {
            id: json.id,
            source: json.source,
            event_type: json.event_type,
            subject: json.subject,
            time: json.time,
            dataschema: json.dataschema.unwrap_or_default(),
            request_id: json.requestid,
            data: serde_json::to_vec(&json.data).map_err(|e| DecodeError::Data(e.to_string()))?,
        })
    }

    /// Structured content mode: the whole event as one JSON object.
    pub fn to_structured_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(StructuredEvent {
            specversion: "1.0".to_owned(),
            id: self.id,
            source: self.source.clone(),
            event_type: self.event_type.clone(),
            subject: self.subject.clone(),
            time: self.time,
            datacontenttype: Some(CONTENT_TYPE_JSON.to_owned()),
            dataschema: Some(self.dataschema.clone()),
            requestid: self.request_id.clone(),
            data: serde_json::from_slice(&self.data)?,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct StructuredEvent {
    specversion: String,
    id: EventId,
    source: String,
    #[serde(rename = "type")]
    event_type: String,
    subject: String,
    time: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    datacontenttype: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dataschema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requestid: Option<String>,
    data: serde_json::Value,
}
