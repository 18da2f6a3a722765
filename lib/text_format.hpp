// Text for people: numbers, values, durations, times and clock offsets as the report page,
// the text summary and the live status (`hpo-collect --status`) print them, and shortening
// a label to a number of characters. Pure functions; no markup (escaping is html_escape's).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace hpo {

// A number for axes and tables: `digits` significant digits, exponents without padding
// ("1e-5"), whole numbers below a million in full ("20000"); "nan", "inf", "-inf".
std::string ShortNumber(double v, int digits = 4);

// The shortest text that reads back as `v`, for messages: "9", "0.5", "1e-05" (no rounding,
// no ".0"; "nan", "inf").
std::string ExactNumber(double v);

// A whole number with thousands separators ("1,234,567", "-12,000"); anything else
// (fractions, beyond 1e15, not finite) as ShortNumber with 6 digits.
std::string GroupedNumber(double v);

// `v` with `decimals` digits after the point ("3.05" for 2).
std::string FormatFixed(double v, int decimals);

// Display text of a configuration value: strings bare, reals short, null empty, the rest as
// JSON.
std::string ValueText(const nlohmann::json& v);

// A moment in local time: "2026-12-05 12:52:13 UTC".
std::string FormatTimestamp(double unix_seconds);

// An offset on a time axis: "0", "45s", "5m", "2m30s", "1h", "1h30", "2d", "1d06h".
std::string ClockLabel(double seconds);

// A length of time: "12 s", "4 min 05 s", "3 h 07 min", "2 d 04 h" (negative or not finite:
// "0.0 s").
std::string FormatDuration(double seconds);

// Shortens to at most `max` code points (with an ellipsis), never splitting a UTF-8 sequence.
std::string Shorten(const std::string& s, std::size_t max);

}  // namespace hpo
