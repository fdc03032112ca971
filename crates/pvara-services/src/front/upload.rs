//! The application form as `multipart/form-data`: what the apply page posts, and what the JSON
//! API accepts in place of JSON when a CV file comes along. One reader for both.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;

use crate::cv::Upload;

/// Bigger than a 5 MB CV with the other fields, so that an oversized file gets a page explaining
/// the limit rather than a bare 413.
pub const LIMIT_BYTES: usize = 8 * 1024 * 1024;

/// Text fields by name (the JSON API's camelCase names) and the `cv` file, if one was sent.
#[derive(Debug, Default)]
pub struct ApplicationForm {
    pub fields: HashMap<String, String>,
    pub cv: Option<Upload>,
}

impl ApplicationForm {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// The `equality.<question>` fields, by question key.
    pub fn equality_answers(&self) -> std::collections::BTreeMap<String, String> {
        self.fields
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix("equality.")?.to_owned(), value.clone())))
            .collect()
    }

    pub async fn read(mut multipart: Multipart) -> Result<Self, MultipartError> {
        let mut form = ApplicationForm::default();
        while let Some(field) = multipart.next_field().await? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "cv" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content = field.bytes().await?;
                if !content.is_empty() {
                    form.cv = Some(Upload {
                        file_name,
                        content: content.to_vec(),
                    });
                }
            } else {
                let value = field.text().await?;
                form.fields.insert(name, value);
            }
        }
        Ok(form)
    }
}
