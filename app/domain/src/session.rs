//! Workshop sessions, groups and participants: what makes a valid title, name,
//! Kommune, date, colour or join code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Upper bounds for every free text field (in characters, after trimming).
pub mod limits {
    pub const TITLE: usize = 120;
    pub const PLACE: usize = 120;
    pub const GROUP_NAME: usize = 40;
    pub const DISPLAY_NAME: usize = 60;
    pub const KOMMUNE: usize = 80;
    /// Groups per session: a workshop day has at most a dozen tables.
    pub const GROUPS_PER_SESSION: usize = 20;
    /// Participants per session (10-60 expected, generous head room).
    pub const PARTICIPANTS_PER_SESSION: usize = 200;
    /// A saved stand's label ("2. Treffen, nach der Ratssitzung").
    pub const STAND_LABEL: usize = 80;
    /// Saved stands per session (an alliance meets a few times a year).
    pub const STANDS_PER_SESSION: usize = 100;
}

/// Which input a validation error is about; the UI names the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Date,
    Place,
    GroupName,
    Colour,
    DisplayName,
    Kommune,
    JoinCode,
    StandLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValidationError {
    #[error("{field:?} must not be empty")]
    Empty { field: Field },
    #[error("{field:?} is longer than {max} characters")]
    TooLong { field: Field, max: usize },
    #[error("{field:?} contains control characters")]
    ControlCharacters { field: Field },
    #[error("{field:?} has an invalid format")]
    InvalidFormat { field: Field },
    #[error("{field:?} has no letter")]
    NoLetter { field: Field },
}

impl ValidationError {
    pub fn field(&self) -> Field {
        match self {
            Self::Empty { field }
            | Self::TooLong { field, .. }
            | Self::ControlCharacters { field }
            | Self::InvalidFormat { field }
            | Self::NoLetter { field } => *field,
        }
    }
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): tab,
/// line feed, carriage return and everything from U+0020 except U+FFFE and
/// U+FFFF (surrogates cannot occur in a Rust string). Every text that can end
/// up in an export must pass this, or the DOCX/ODT/XLSX files of the whole
/// session become unreadable.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// `text` without the characters XML 1.0 forbids: the export writers' last
/// line of defence for texts stored before the input rule existed.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

/// Unicode format characters (general category Cf): invisible characters
/// that change how the text around them shows, such as bidi overrides and
/// isolates (U+202A..U+202E, U+2066..U+2069), zero-width space, joiners and
/// marks (U+200B..U+200F), the soft hyphen and the byte order mark. A name
/// holding them can look like another name or turn the line around it.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Trims `input` and checks it is non-empty, at most `max` characters and free of
/// control characters (a line break in a name would break exports and lists)
/// and of characters XML 1.0 forbids.
pub fn clean_text(input: &str, field: Field, max: usize) -> Result<String, ValidationError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty { field });
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    if trimmed.chars().any(|c| c.is_control() || !is_xml_char(c)) {
        return Err(ValidationError::ControlCharacters { field });
    }
    Ok(trimmed.to_owned())
}

/// A name of a person, a Kommune or a group: a [`clean_text`] with at least
/// one letter and without invisible format characters, so that no two names
/// look alike while differing and no name is blank to the eye.
pub fn clean_name(input: &str, field: Field, max: usize) -> Result<String, ValidationError> {
    let name = clean_text(input, field, max)?;
    if name.chars().any(is_format_char) {
        return Err(ValidationError::ControlCharacters { field });
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err(ValidationError::NoLetter { field });
    }
    Ok(name)
}

/// A calendar date as `YYYY-MM-DD` (what `<input type="date">` sends).
pub fn clean_date(input: &str) -> Result<String, ValidationError> {
    let bad = ValidationError::InvalidFormat { field: Field::Date };
    let s = input.trim();
    if s.is_empty() {
        return Err(ValidationError::Empty { field: Field::Date });
    }
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad);
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad);
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return Err(bad);
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad),
    };
    if !(2000..=2100).contains(&year) || day == 0 || day > days {
        return Err(bad);
    }
    Ok(s.to_owned())
}

/// Formats `YYYY-MM-DD` the German way (`25.11.2026`); returns the input unchanged
/// when it is not such a date.
pub fn german_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_owned(),
    }
}

/// Group colours: readable with dark text (contrast ≥ 4.5:1 for #1a1a1a).
pub const GROUP_COLOURS: [&str; 8] = [
    "#8ecae6", "#ffb703", "#90be6d", "#f4a3c1", "#cdb4db", "#f9c74f", "#80cbc4", "#ffab91",
];

/// A colour as `#rrggbb`, lower-cased.
pub fn clean_colour(input: &str) -> Result<String, ValidationError> {
    let s = input.trim();
    let ok = s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(ValidationError::InvalidFormat {
            field: Field::Colour,
        })
    }
}

/// The short code participants type from the projector.
///
/// Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S,
/// 8/B, 6/G): about 2^27 codes, enough for unguessability together with the join
/// rate limit, and short enough to read across a room.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JoinCode(String);

impl JoinCode {
    pub const ALPHABET: &'static [u8] = b"ACDEFHJKMNPQRTUVWXY34679";
    pub const LEN: usize = 6;

    /// Accepts what a person types: any case, spaces or dashes in between.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.is_empty() {
            return Err(ValidationError::Empty {
                field: Field::JoinCode,
            });
        }
        let valid = code.len() == Self::LEN && code.bytes().all(|b| Self::ALPHABET.contains(&b));
        if valid {
            Ok(Self(code))
        } else {
            Err(ValidationError::InvalidFormat {
                field: Field::JoinCode,
            })
        }
    }

    /// Builds a code from random indices (the caller brings the randomness).
    pub fn from_random(indices: [u8; Self::LEN]) -> Self {
        let alphabet = Self::ALPHABET;
        Self(
            indices
                .iter()
                .map(|i| alphabet[*i as usize % alphabet.len()] as char)
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Input of "create a workshop session", validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetails {
    pub title: String,
    pub date: String,
    pub place: String,
}

impl SessionDetails {
    pub fn validate(title: &str, date: &str, place: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            title: clean_text(title, Field::Title, limits::TITLE)?,
            date: clean_date(date)?,
            place: clean_text(place, Field::Place, limits::PLACE)?,
        })
    }
}

/// Input of "add or rename a group", validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetails {
    pub name: String,
    pub colour: String,
}

impl GroupDetails {
    pub fn validate(name: &str, colour: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            name: clean_name(name, Field::GroupName, limits::GROUP_NAME)?,
            colour: clean_colour(colour)?,
        })
    }
}

/// Input of "join a session", validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantDetails {
    pub display_name: String,
    pub kommune: String,
}

impl ParticipantDetails {
    pub fn validate(display_name: &str, kommune: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            display_name: clean_name(display_name, Field::DisplayName, limits::DISPLAY_NAME)?,
            kommune: clean_name(kommune, Field::Kommune, limits::KOMMUNE)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_code_accepts_lowercase_spaces_and_dashes() {
        let code = JoinCode::parse(" ack-4 79 ").unwrap();
        assert_eq!(code.as_str(), "ACK479");
    }

    #[test]
    fn join_code_rejects_ambiguous_characters() {
        for bad in ["ACK470", "ACKO79", "ACKI79", "ACK1 79", "ACK", "ACK4799"] {
            assert_eq!(
                JoinCode::parse(bad),
                Err(ValidationError::InvalidFormat {
                    field: Field::JoinCode
                }),
                "{bad}"
            );
        }
        assert!(matches!(
            JoinCode::parse("  "),
            Err(ValidationError::Empty { .. })
        ));
    }

    #[test]
    fn random_join_codes_are_always_valid() {
        let code = JoinCode::from_random([0, 23, 24, 255, 7, 100]);
        assert_eq!(JoinCode::parse(code.as_str()), Ok(code));
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        let p = ParticipantDetails::validate("  Anna  ", " Musterstadt ").unwrap();
        assert_eq!(p.display_name, "Anna");
        assert_eq!(p.kommune, "Musterstadt");
        let long = "x".repeat(10_000);
        assert_eq!(
            ParticipantDetails::validate(&long, "A"),
            Err(ValidationError::TooLong {
                field: Field::DisplayName,
                max: limits::DISPLAY_NAME
            })
        );
        assert_eq!(
            ParticipantDetails::validate("   ", "A"),
            Err(ValidationError::Empty {
                field: Field::DisplayName
            })
        );
    }

    #[test]
    fn umlauts_count_as_one_character() {
        let name = "ä".repeat(limits::DISPLAY_NAME);
        assert!(clean_text(&name, Field::DisplayName, limits::DISPLAY_NAME).is_ok());
    }

    #[test]
    fn control_characters_are_rejected() {
        assert_eq!(
            clean_text("Anna\nBerta", Field::DisplayName, 60),
            Err(ValidationError::ControlCharacters {
                field: Field::DisplayName
            })
        );
    }

    #[test]
    fn characters_xml_forbids_are_refused_in_every_text_field() {
        for bad in ["Anna\u{FFFF}", "\u{FFFE}Anna", "An\u{1}na", "An\u{1B}na"] {
            for field in [Field::Title, Field::Place, Field::DisplayName] {
                assert_eq!(
                    clean_text(bad, field, 60),
                    Err(ValidationError::ControlCharacters { field }),
                    "{bad:?}"
                );
            }
        }
        assert_eq!(
            SessionDetails::validate("Workshop\u{FFFF}", "2026-11-25", "Rathaus"),
            Err(ValidationError::ControlCharacters {
                field: Field::Title
            })
        );
        assert!(is_xml_char('\t') && is_xml_char('\n') && is_xml_char('\r'));
        assert!(is_xml_char('\u{FFFD}') && is_xml_char('\u{1F600}'));
        assert!(!is_xml_char('\u{0}') && !is_xml_char('\u{FFFE}'));
        assert_eq!(xml_safe("a\u{FFFF}b\u{1}c\td\n"), "abc\td\n");
        assert!(matches!(xml_safe("Größe"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn names_need_a_letter_and_no_invisible_characters() {
        let zero_width = "\u{200B}\u{200C}\u{200D}";
        for (name, kommune, error) in [
            (
                zero_width,
                "Musterstadt",
                ValidationError::ControlCharacters {
                    field: Field::DisplayName,
                },
            ),
            (
                "Anna \u{202E}rellüM",
                "Musterstadt",
                ValidationError::ControlCharacters {
                    field: Field::DisplayName,
                },
            ),
            (
                "Anna",
                "Muster\u{2066}stadt",
                ValidationError::ControlCharacters {
                    field: Field::Kommune,
                },
            ),
            (
                "Anna",
                "\u{FEFF}Musterstadt",
                ValidationError::ControlCharacters {
                    field: Field::Kommune,
                },
            ),
            (
                "42 !",
                "Musterstadt",
                ValidationError::NoLetter {
                    field: Field::DisplayName,
                },
            ),
            (
                "Anna",
                "---",
                ValidationError::NoLetter {
                    field: Field::Kommune,
                },
            ),
        ] {
            assert_eq!(
                ParticipantDetails::validate(name, kommune),
                Err(error),
                "{name:?} {kommune:?}"
            );
        }
        assert_eq!(
            GroupDetails::validate("\u{2060}", "#8ecae6"),
            Err(ValidationError::ControlCharacters {
                field: Field::GroupName
            })
        );
        assert_eq!(
            GroupDetails::validate("7", "#8ecae6"),
            Err(ValidationError::NoLetter {
                field: Field::GroupName
            })
        );
        // Letters of any script count; digits and marks may join them.
        assert!(ParticipantDetails::validate("Zoë-Łucja 2", "Bad Tölz").is_ok());
        assert!(ParticipantDetails::validate("Ана", "Ἀθῆναι").is_ok());
        assert!(GroupDetails::validate("Tisch 3", "#8ecae6").is_ok());
    }

    #[test]
    fn dates_must_exist() {
        assert!(clean_date("2026-11-25").is_ok());
        assert!(clean_date("2028-02-29").is_ok());
        for bad in [
            "2027-02-29",
            "2026-13-01",
            "2026-1-01",
            "25.11.2026",
            "2026-11-31",
        ] {
            assert!(clean_date(bad).is_err(), "{bad}");
        }
        assert_eq!(german_date("2026-11-25"), "25.11.2026");
    }

    #[test]
    fn colours_are_hex() {
        assert_eq!(clean_colour("#8ECAE6").unwrap(), "#8ecae6");
        assert!(clean_colour("red").is_err());
        assert!(clean_colour("#12345g").is_err());
        for c in GROUP_COLOURS {
            assert!(clean_colour(c).is_ok());
        }
    }
}
