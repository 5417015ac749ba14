//! The one rounding and number-format rule of every figure the app shows or
//! exports: half away from zero, as offices round (3,25 → 3,3; 3,75 → 3,8),
//! on the number's shortest decimal representation, so binary floating
//! point cannot turn 2,675 into 2,67; German decimal comma; "–" for none.
//!
//! Places: the Nutzwert without decimals ([`SCORE_PLACES`]), means and
//! medians with one ([`MEAN_PLACES`]), the standard deviation with two
//! ([`SD_PLACES`], so an SD of 1,04 is not shown as "1,0" beside "Dissens").

/// Decimal places of the Nutzwert 0-100.
pub const SCORE_PLACES: usize = 0;
/// Decimal places of means and medians.
pub const MEAN_PLACES: usize = 1;
/// Decimal places of the standard deviation.
pub const SD_PLACES: usize = 2;

/// The text shown for a missing figure (no rank, no mean, no score).
pub const NONE_TEXT: &str = "–";

/// `value` rounded half away from zero to `places` decimals, as digits with
/// a `.` (no exponent); `None` for NaN and infinities.
fn round_digits(value: f64, places: usize) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    // Rust's `Display` for f64 is the shortest text that reads back as the
    // same number, never in exponent form: 2.675 prints "2.675".
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int
        .bytes()
        .chain(frac.bytes().chain(std::iter::repeat(b'0')).take(places))
        .map(|b| b - b'0')
        .collect();
    let round_up = frac.as_bytes().get(places).is_some_and(|&b| b >= b'5');
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - places;
    let mut out: String = digits[..split]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let out_frac: String = digits[split..]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    if out.is_empty() {
        out.push('0');
    }
    let is_zero = out.bytes().chain(out_frac.bytes()).all(|b| b == b'0');
    let mut signed = if value < 0.0 && !is_zero {
        format!("-{out}")
    } else {
        out
    };
    if places > 0 {
        signed.push('.');
        signed.push_str(&out_frac);
    }
    Some(signed)
}

/// `value` rounded half away from zero to `places` decimals.
pub fn round_half_away(value: f64, places: usize) -> f64 {
    round_digits(value, places)
        .and_then(|d| d.parse().ok())
        .unwrap_or(value)
}

/// `value` the German way with `places` decimals: `decimal(3.25, 1)` is "3,3".
pub fn decimal(value: f64, places: usize) -> String {
    round_digits(value, places).map_or_else(|| NONE_TEXT.to_owned(), |d| d.replace('.', ","))
}

/// An optional figure the German way, or "–".
pub fn decimal_or_dash(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| NONE_TEXT.to_owned(), |v| decimal(v, places))
}

/// The Nutzwert as shown: "63", or "–" without one.
pub fn score_text(score: Option<f64>) -> String {
    decimal_or_dash(score, SCORE_PLACES)
}

/// A mean or median as shown: "3,3", or "–".
pub fn mean_text(mean: Option<f64>) -> String {
    decimal_or_dash(mean, MEAN_PLACES)
}

/// A standard deviation as shown: "1,41", or "–".
pub fn sd_text(sd: Option<f64>) -> String {
    decimal_or_dash(sd, SD_PLACES)
}

/// Decimal places of a share shown as a percentage.
pub const PERCENT_PLACES: usize = 0;

/// A share (0..=1) as a percentage: "40 %", or "–".
pub fn percent_text(share: Option<f64>) -> String {
    share.map_or_else(
        || NONE_TEXT.to_owned(),
        |s| format!("{} %", decimal(s * 100.0, PERCENT_PLACES)),
    )
}

/// A rank as shown: "1", or "–" for an unrated idea.
pub fn rank_text(rank: Option<usize>) -> String {
    rank.map_or_else(|| NONE_TEXT.to_owned(), |r| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halves_round_away_from_zero_as_offices_round() {
        assert_eq!(mean_text(Some(3.25)), "3,3");
        assert_eq!(mean_text(Some(3.75)), "3,8");
        assert_eq!(mean_text(Some(13.0 / 4.0)), "3,3");
        assert_eq!(score_text(Some(62.5)), "63");
        assert_eq!(score_text(Some(0.5)), "1");
        assert_eq!(decimal(-2.5, 0), "-3");
        assert_eq!(decimal(-0.04, 1), "0,0");
    }

    #[test]
    fn binary_floating_point_does_not_round_down_a_written_half() {
        // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary.
        assert_eq!(decimal(2.675, 2), "2,68");
        assert_eq!(decimal(1.005, 2), "1,01");
        assert_eq!(decimal(3.35, 1), "3,4");
        assert_eq!(round_half_away(2.675, 2), 2.68);
    }

    #[test]
    fn shares_are_whole_percentages_rounded_half_away() {
        assert_eq!(percent_text(Some(0.4)), "40 %");
        assert_eq!(percent_text(Some(2.0 / 3.0)), "67 %");
        assert_eq!(percent_text(Some(0.125)), "13 %");
        assert_eq!(percent_text(Some(1.0)), "100 %");
        assert_eq!(percent_text(None), "–");
    }

    #[test]
    fn carries_run_through_nines() {
        assert_eq!(decimal(9.96, 1), "10,0");
        assert_eq!(decimal(99.5, 0), "100");
        assert_eq!(decimal(0.999, 2), "1,00");
    }

    #[test]
    fn missing_and_non_finite_figures_are_a_dash() {
        assert_eq!(score_text(None), "–");
        assert_eq!(rank_text(None), "–");
        assert_eq!(rank_text(Some(3)), "3");
        assert_eq!(decimal(f64::NAN, 1), "–");
        assert_eq!(sd_text(Some(2.0_f64.sqrt())), "1,41");
        assert_eq!(decimal(75.0, 0), "75");
        assert_eq!(decimal(2.0 / 3.0, 2), "0,67");
        assert_eq!(decimal(1e-300, 1), "0,0");
    }

    proptest! {
        #[test]
        fn rounding_is_never_more_than_half_a_unit_off(v in -1e6f64..1e6, places in 0usize..4) {
            let r = round_half_away(v, places);
            let unit = 10f64.powi(-(places as i32));
            prop_assert!((r - v).abs() <= unit / 2.0 + 1e-9 * v.abs().max(1.0));
        }
    }
}
