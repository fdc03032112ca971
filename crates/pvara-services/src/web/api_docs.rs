//! `/api/openapi.json` and `/api/docs`: the OpenAPI document as generated, and a reference page
//! rendered from it on the server (GOV.UK styles, no script, nothing from a CDN).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use serde_json::Value;

use crate::state::AppState;

/// The document, serialised once, and its reference page, served without copying.
#[derive(Debug, Clone)]
pub struct Published {
    json: Bytes,
    page: Bytes,
}

impl Published {
    pub fn new(document: &utoipa::openapi::OpenApi) -> Self {
        let value = serde_json::to_value(document).unwrap_or_default();
        let page = Reference::from_document(&value)
            .render()
            .unwrap_or_else(|e| format!("the API reference could not be rendered: {e}"));
        Self {
            json: Bytes::from(value.to_string()),
            page: Bytes::from(page),
        }
    }
}

/// The reference as Markdown, for the book (`pvara openapi --markdown`): the same reading of the
/// document as the page's.
pub fn markdown(document: &utoipa::openapi::OpenApi) -> String {
    use std::fmt::Write;
    let value = serde_json::to_value(document).unwrap_or_default();
    let reference = Reference::from_document(&value);
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    let _ = writeln!(out, "# API reference\n");
    let _ = writeln!(
        out,
        "{} {}. Generated from the OpenAPI document the server publishes at `/api/openapi.json` \
         (`pvara openapi --markdown`); a test keeps this page equal to it.\n",
        reference.title, reference.version
    );
    for section in &reference.sections {
        let _ = writeln!(out, "## {}\n", section.name);
        if !section.description.is_empty() {
            let _ = writeln!(out, "{}\n", section.description);
        }
        for op in &section.operations {
            let _ = writeln!(out, "### `{} {}`\n", op.method, op.path);
            let summary = [op.summary.as_str(), op.description.as_str()]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !summary.is_empty() {
                let _ = writeln!(out, "{summary}\n");
            }
            if op.signed_in {
                let _ = writeln!(out, "Needs `Authorization: Bearer <token>`.\n");
            }
            if !op.parameters.is_empty() {
                let _ = writeln!(out, "| Parameter | In | |\n|---|---|---|");
                for (name, place, description) in &op.parameters {
                    let _ = writeln!(out, "| `{name}` | {place} | {} |", cell(description));
                }
                let _ = writeln!(out);
            }
            for (kind, schema) in &op.body {
                let _ = writeln!(out, "Body: `{kind}`, {schema}.\n");
            }
            let _ = writeln!(out, "| Status | Meaning | Body |\n|---|---|---|");
            for (status, description, body) in &op.responses {
                let _ = writeln!(out, "| {status} | {} | {} |", cell(description), cell(body));
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "## Schemas\n");
    for schema in &reference.schemas {
        let _ = writeln!(out, "### {}\n", schema.name);
        if !schema.description.is_empty() {
            let _ = writeln!(out, "{}\n", cell(&schema.description));
        }
        if !schema.values.is_empty() {
            let _ = writeln!(out, "One of {}.\n", schema.values);
        }
        if !schema.properties.is_empty() {
            let _ = writeln!(out, "| Field | Type | Required | |\n|---|---|---|---|");
            for (field, kind, required, description) in &schema.properties {
                let required = if *required { "yes" } else { "" };
                let _ = writeln!(
                    out,
                    "| `{field}` | {} | {required} | {} |",
                    cell(kind),
                    cell(description)
                );
            }
            let _ = writeln!(out);
        }
    }
    out
}

/// `/api/openapi.json` and `/api/docs` for `document`.
pub fn router(document: &utoipa::openapi::OpenApi) -> Router<AppState> {
    let Published { json, page } = Published::new(document);
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
        .route(
            "/api/docs",
            get(move || async move { axum::response::Html(page) }),
        )
}

#[derive(Debug)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    signed_in: bool,
    parameters: Vec<(String, String, String)>,
    body: Vec<(String, String)>,
    responses: Vec<(String, String, String)>,
}

#[derive(Debug)]
struct Section {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

#[derive(Debug)]
struct SchemaDoc {
    name: String,
    description: String,
    properties: Vec<(String, String, bool, String)>,
    values: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct Reference {
    layout: super::Layout,
    title: String,
    version: String,
    description: String,
    sections: Vec<Section>,
    schemas: Vec<SchemaDoc>,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A schema in a few words: `JobView`, `array of string`, `string or null`.
fn type_text(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            let words: Vec<String> = options.iter().map(type_text).collect();
            return words.join(if combinator == "allOf" { " and " } else { " or " });
        }
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        Some(Value::String(kind)) => kind.clone(),
        _ => "any".to_owned(),
    };
    match (kind.as_str(), schema.get("items")) {
        (k, Some(items)) if k.starts_with("array") => format!("array of {}", type_text(items)),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{kind} ({format})"),
            None => kind,
        },
    }
}

fn content_types(content: Option<&Value>) -> Vec<(String, String)> {
    content
        .and_then(Value::as_object)
        .map(|types| {
            types
                .iter()
                .map(|(kind, media)| {
                    (
                        kind.clone(),
                        media.get("schema").map(type_text).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn operation(path: &str, method: &str, op: &Value) -> Operation {
    let parameters = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| (text(p, "name"), text(p, "in"), text(p, "description")))
                .collect()
        })
        .unwrap_or_default();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| {
                    let body = content_types(r.get("content"));
                    let body = body.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(", ");
                    (status.clone(), text(r, "description"), body)
                })
                .collect()
        })
        .unwrap_or_default();
    Operation {
        anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        signed_in: op.get("security").is_some(),
        parameters,
        body: content_types(op.pointer("/requestBody/content")),
        responses,
    }
}

fn schema_doc(name: &str, schema: &Value) -> SchemaDoc {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|ps| {
            ps.iter()
                .map(|(field, p)| {
                    let kind = type_text(p);
                    (
                        field.clone(),
                        kind,
                        required.contains(&field.as_str()),
                        text(p, "description"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let values = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|vs| vs.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    SchemaDoc {
        name: name.to_owned(),
        description: text(schema, "description"),
        properties,
        values,
    }
}

impl Reference {
    fn from_document(document: &Value) -> Self {
        let mut sections: Vec<Section> = document
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .map(|t| Section {
                        name: text(t, "name"),
                        description: text(t, "description"),
                        operations: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or_default();
                if let Some(section) = sections.iter_mut().find(|s| s.name == tag) {
                    section.operations.push(operation(path, method, op));
                }
            }
        }
        let schemas = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|all| all.iter().map(|(name, s)| schema_doc(name, s)).collect())
            .unwrap_or_default();
        Reference {
            layout: super::Layout::anonymous(),
            title: document
                .pointer("/info/title")
                .and_then(Value::as_str)
                .unwrap_or("API")
                .to_owned(),
            version: document
                .pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            description: document
                .pointer("/info/description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            sections,
            schemas,
        }
    }
}
