//! The published API contract: an OpenAPI 3.1 document generated from the handlers' own
//! annotations (utoipa), served at `/api/openapi.json` and rendered for people at `/api/docs`.
//!
//! Routes are registered through [`utoipa_axum`]'s router, so a route cannot be served without
//! being in the document, nor documented without being served.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Every error, whatever the route: `code` is stable and machine-readable, `message` is for
/// people, `field` names the request field at fault when there is one.
#[derive(Debug, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, ToSchema)]
pub struct ErrorDetail {
    /// One of: `bad_request`, `validation_failed`, `invalid_field`, `unauthorized`, `forbidden`,
    /// `email_unverified`, `not_found`, `method_not_allowed`, `request_timeout`, `conflict`,
    /// `email_taken`, `duplicate_application`, `invalid_transition`, `staff_account`,
    /// `self_deactivation`, `payload_too_large`, `unsupported_media_type`, `unknown_job`,
    /// `job_closed`, `email_not_yours`, `invalid_token`, `too_many_requests`, `overloaded`,
    /// `unavailable`, `internal`.
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// `POST /api/applications` as `multipart/form-data`: the JSON body's fields as form fields,
/// skills comma-separated, and the CV file (PDF, DOCX or text, up to 5 MB) whose text is scored
/// when `resumeText` is empty.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitForm {
    pub job_id: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub skills: String,
    pub years_experience: String,
    pub education: String,
    pub resume_text: Option<String>,
    pub cover_letter: Option<String>,
    /// `true`, `on` or `yes`.
    pub accept_privacy_notice: String,
    #[schema(value_type = String, format = Binary)]
    pub cv: Option<Vec<u8>>,
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "pvara",
        description = "The recruitment pipeline's JSON API. Authenticated routes take \
                       `Authorization: Bearer <token>` from `POST /api/auth/login`. Every error has \
                       one shape (`ErrorBody`); a refused request changes nothing.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail)),
    tags(
        (name = "accounts", description = "Registration, sign-in, verified addresses, password reset"),
        (name = "jobs", description = "Job postings"),
        (name = "applications", description = "Applying, reading and ranking applications"),
        (name = "pipeline", description = "The recruiter's steps and the applicant's withdrawal"),
        (name = "panels", description = "Interview panels, the interviews a person sits on, and scorecards"),
        (name = "national recruitment", description = "Eligibility on the closing date, quotas, marks, merit lists approved by two people, public results and representations"),
        (name = "privacy", description = "The data-protection rights and the audit trail"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}
