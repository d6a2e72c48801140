//! What a page form sent and what was wrong with it, shared by the pages
//! whose forms come back with the reason beside the field (settings and
//! exemptions, research projects and problems, political birthdays, the
//! recording form).

use domain::FieldError;
use i18n::Lang;
use std::collections::HashMap;

/// What was typed into one form of a page and what is wrong with it.
#[derive(Default)]
pub struct FormState {
    /// The form shown again (each page names its forms).
    pub form: &'static str,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl FormState {
    pub fn new(form: &'static str, values: HashMap<String, String>) -> Self {
        FormState { form, values, errors: Vec::new() }
    }

    /// The value typed into `field` of `form`, if that form is the one shown again.
    pub fn value(&self, form: &str, field: &str) -> &str {
        if self.form == form { self.values.get(field).map_or("", String::as_str) } else { "" }
    }

    /// Whether a checkbox or option `field` of `form` was chosen.
    pub fn chosen(&self, form: &str, field: &str, value: &str) -> bool {
        self.value(form, field) == value
    }

    /// The error of `field` of `form` (`_form` for the form as a whole).
    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.form != form {
            return None;
        }
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// Notes the first error of `field`.
    pub fn add(&mut self, field: &str, message: String) {
        if !self.errors.iter().any(|(f, _)| f == field) {
            self.errors.push((field.to_owned(), message));
        }
    }

    /// Whether the form shown again has any error.
    pub fn failed_any(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// A field error in the page's language.
pub fn message(lang: Lang, e: &FieldError) -> String {
    i18n::render(lang, &e.message())
}
