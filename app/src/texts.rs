//! All user-facing text goes through the generated translation module
//! `crate::i18n` (German first, English second); this file translates the typed
//! things that carry no text of their own: API error codes and field names.

use crate::api::{ApiErrorBody, ErrorCode};
use crate::domain::session::Field;
use crate::i18n::*;

/// The translated label of an input field.
pub fn field_label(locale: Locale, field: Field) -> String {
    match field {
        Field::Title => td_string!(locale, fields.title).to_string(),
        Field::Date => td_string!(locale, fields.date).to_string(),
        Field::Place => td_string!(locale, fields.place).to_string(),
        Field::GroupName => td_string!(locale, fields.group_name).to_string(),
        Field::Colour => td_string!(locale, fields.colour).to_string(),
        Field::DisplayName => td_string!(locale, fields.display_name).to_string(),
        Field::Kommune => td_string!(locale, fields.kommune).to_string(),
        Field::JoinCode => td_string!(locale, fields.join_code).to_string(),
        Field::StandLabel => td_string!(locale, fields.stand_label).to_string(),
    }
}

/// The sentence shown for an API error, in `locale`. The server uses it with
/// German for the `message` of every error response, the UI with the user's locale.
pub fn error_message(locale: Locale, body: &ApiErrorBody) -> String {
    let field = body
        .field
        .map(|f| field_label(locale, f))
        .unwrap_or_default();
    let max = body.max.unwrap_or_default();
    match body.code {
        ErrorCode::UnknownJoinCode => td_string!(locale, errors.unknown_join_code).to_string(),
        ErrorCode::UnknownGroup => td_string!(locale, errors.unknown_group).to_string(),
        ErrorCode::UnknownStand => td_string!(locale, errors.unknown_stand).to_string(),
        ErrorCode::UnknownParticipant => td_string!(locale, errors.unknown_participant).to_string(),
        ErrorCode::NotJoined => td_string!(locale, errors.not_joined).to_string(),
        ErrorCode::TokenExpired => td_string!(locale, errors.token_expired).to_string(),
        ErrorCode::ForeignToken => td_string!(locale, errors.foreign_token).to_string(),
        ErrorCode::ModeratorOnly => td_string!(locale, errors.moderator_only).to_string(),
        ErrorCode::GroupNotEmpty => td_string!(locale, errors.group_not_empty).to_string(),
        ErrorCode::TooManyGroups => td_string!(locale, errors.too_many_groups).to_string(),
        ErrorCode::SessionFull => td_string!(locale, errors.session_full).to_string(),
        ErrorCode::TooManyStands => td_string!(
            locale,
            errors.too_many_stands,
            max = crate::domain::session::limits::STANDS_PER_SESSION
        )
        .to_string(),
        ErrorCode::DuplicateGroupName => {
            td_string!(locale, errors.duplicate_group_name).to_string()
        }
        ErrorCode::Empty => td_string!(locale, errors.empty, field = field).to_string(),
        ErrorCode::TooLong => {
            td_string!(locale, errors.too_long, field = field, max = max).to_string()
        }
        ErrorCode::ControlCharacters => {
            td_string!(locale, errors.control_characters, field = field).to_string()
        }
        ErrorCode::InvalidFormat => {
            td_string!(locale, errors.invalid_format, field = field).to_string()
        }
        ErrorCode::NoLetter => td_string!(locale, errors.no_letter, field = field).to_string(),
        ErrorCode::RateLimited => td_string!(locale, errors.rate_limited).to_string(),
        ErrorCode::BadRequest => td_string!(locale, errors.bad_request).to_string(),
        ErrorCode::UnknownFormat => td_string!(locale, errors.unknown_format).to_string(),
        ErrorCode::ImportTooLarge => {
            td_string!(locale, errors.import_too_large, max = max / (1024 * 1024)).to_string()
        }
        ErrorCode::ImportTooDeep => td_string!(locale, errors.import_too_deep).to_string(),
        ErrorCode::ImportMalformed => td_string!(locale, errors.import_malformed).to_string(),
        ErrorCode::ImportVersion => td_string!(locale, errors.import_version).to_string(),
        ErrorCode::ImportInvalid => td_string!(locale, errors.import_invalid).to_string(),
        ErrorCode::ImportNotJson => td_string!(locale, errors.import_not_json).to_string(),
        ErrorCode::ExportBusy => td_string!(locale, errors.export_busy).to_string(),
        ErrorCode::ExportTimedOut => td_string!(locale, errors.export_timed_out).to_string(),
        ErrorCode::WeightsFrozen => td_string!(locale, errors.weights_frozen).to_string(),
        ErrorCode::InvalidSettings => td_string!(locale, errors.invalid_settings).to_string(),
        ErrorCode::StorageUnavailable => td_string!(locale, errors.storage_unavailable).to_string(),
        ErrorCode::JoiningClosed => td_string!(locale, errors.joining_closed).to_string(),
        ErrorCode::OpRefused => td_string!(locale, errors.op_refused).to_string(),
        // The domain's German sentence says what is missing.
        ErrorCode::CostIncomplete => {
            let generic = td_string!(locale, errors.cost_incomplete).to_string();
            if body.message.is_empty() || body.message == generic {
                generic
            } else {
                format!("{generic} {}", body.message)
            }
        }
        ErrorCode::Internal => td_string!(locale, errors.internal).to_string(),
        ErrorCode::Network => td_string!(locale, errors.network).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_german_by_default_with_field_and_limit() {
        let body = ApiErrorBody {
            code: ErrorCode::TooLong,
            field: Some(Field::DisplayName),
            max: Some(60),
            message: String::new(),
        };
        assert_eq!(
            error_message(Locale::de, &body),
            "Das Feld „Name“ ist zu lang (höchstens 60 Zeichen)."
        );
        assert_eq!(
            error_message(Locale::en, &body),
            "The field “Name” is too long (at most 60 characters)."
        );
    }
}
