// A rung of early stopping on disk: one folder, one empty file per value recorded there, so
// that one directory listing reads the whole rung and nothing half-written is ever read
// (FIELD-NOTES "Over files"; the rule itself is pruner.hpp). Not yet wired into the tools.
//
//   <16 hex digits>.<trial id>      e.g. "3fb999999999999a.17"
//
// The hex digits are the value, mapped so that names sort by value, best first under the
// campaign's mode (a minimised value as is, a maximised one negated): the IEEE-754 bits, all
// flipped for a negative number and with the sign bit set for a positive one; -0 is 0.
// A value is recorded by an exclusive create; creating the same name again (a requeued
// attempt) is success. Listings on NFS may lag: a missed value only makes the rule more
// lenient. Nothing here tests existence with stat.
#pragma once

#include <boost/filesystem/path.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mode.hpp"
#include "layout.hpp"

namespace hpo {

struct RungEntry {
  TrialId trial = 0;
  double value = 0;  // as the trial reported it (not negated)
};

// The file name of `value` (finite) of `trial` under `mode`.
std::string RungEntryName(TrialId trial, double value, Mode mode);

// Inverse of RungEntryName; nullopt for any other name (temp files, "x", a bad id).
std::optional<RungEntry> ParseRungEntryName(std::string_view name, Mode mode);

// Records the value in `rung_dir` (created if missing) by an exclusive create of its name.
// Throws an Error naming the folder when it cannot.
void RecordRungValue(const fs::path& rung_dir, TrialId trial, double value, Mode mode);

// Every value the rung holds, one per trial, in trial order (when a trial recorded two
// different values, in two attempts, its better value counts). Empty when the folder does not
// exist.
std::vector<RungEntry> ReadRung(const fs::path& rung_dir, Mode mode);

}  // namespace hpo
