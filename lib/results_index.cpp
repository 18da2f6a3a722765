#include "results_index.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <functional>
#include <thread>

#include "error.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// Index segments beyond this number are merged into one.
constexpr size_t kMaxSegments = 8;
constexpr std::uint64_t kMaxSegmentBytes = 1ULL << 31;

struct Segments {
  std::vector<fs::path> current;  // read, in name order
  std::vector<fs::path> old;      // earlier format: removed on the next merge
};

Segments ListSegments(const Layout& L) {
  Segments out;
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.index_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (IsIndexSegmentName(n)) out.current.push_back(it->path());
    else if (IsOldIndexSegmentName(n)) out.old.push_back(it->path());
  }
  std::sort(out.current.begin(), out.current.end());
  return out;
}

// A segment mapped whole; nullptr when it is gone (merged away by another collect: the
// files are parsed instead) or cannot be read (said).
std::unique_ptr<MappedFile> MapSegment(const fs::path& seg) {
  try {
    if (auto file = MappedFile::Open(seg, kMaxSegmentBytes))
      return std::make_unique<MappedFile>(std::move(*file));
  } catch (const Error& e) {
    Warning(std::string("ignoring index segment: ") + e.what());
  }
  return nullptr;
}

// Reads the current segments into `indexed` (views into the segments kept in `out`); true
// when one of them forces a merge (cut short, damaged, or of another format or space).
bool ReadSegments(const Segments& segments, FinishedLines& out, std::vector<IndexLine>& indexed) {
  bool merge = false;
  for (const auto& seg : segments.current) {
    std::unique_ptr<MappedFile> text = MapSegment(seg);  // (by pointer: lines view into it)
    if (!text) continue;
    auto body = SegmentBody(text->text());
    if (!body) {
      // Cut short or damaged by a crash: its files are parsed again, and the merge this
      // forces removes it.
      merge = true;
      continue;
    }
    std::string_view all = *body;
    size_t nl = all.find('\n');
    std::string_view head = all.substr(0, nl == std::string_view::npos ? all.size() : nl + 1);
    if (head != out.format.header) {
      // Another format, or written for another space: its files are parsed again, and
      // the merge this forces removes it.
      merge = true;
      continue;
    }
    for (size_t pos = head.size(); pos < all.size();) {
      nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      if (auto l = LineHead(all.substr(pos, nl - pos))) indexed.push_back(*l);
      pos = nl + 1;
    }
    out.segments.push_back(std::move(text));
  }
  return merge;
}

// One line per trial still in results/ (a trial leaves results/ only by hand) goes to
// `lines`; returns the listed trials the index does not hold (their files are parsed).
std::vector<TrialId> MatchListing(const std::vector<TrialId>& ids, std::vector<IndexLine>& indexed,
                                  std::vector<IndexLine>& lines) {
  if (!std::is_sorted(indexed.begin(), indexed.end(), ById))
    std::stable_sort(indexed.begin(), indexed.end(), ById);
  lines.reserve(ids.size());
  std::vector<TrialId> todo;
  size_t k = 0;
  for (TrialId id : ids) {
    while (k < indexed.size() && indexed[k].id < id) ++k;
    if (k < indexed.size() && indexed[k].id == id) lines.push_back(indexed[k]);
    else todo.push_back(id);
  }
  return todo;
}

// What one thread learned from its share of the new result files.
struct Part {
  std::string index;  // index lines of the parsed files
  struct Head {
    TrialId id;
    double metric;
    bool indexed;  // has a line in `index`
  };
  std::vector<Head> heads;  // the parsed files, in id order
  std::vector<std::string> warnings;
  size_t without_metric = 0;  // finished records without a numeric metric
};

// Parses the result files of todo[begin, end) into `part`. `results_fd`: results/ opened
// (or -1), so that files are opened relative to it, which spares the kernel a path walk per
// file.
void ParseRange(const Campaign& campaign, int results_fd, const std::vector<TrialId>& todo,
                size_t begin, size_t end, const IndexFormat& format, Part& part) {
  const std::string& metric = campaign.config().hpo.metric;
  part.index.reserve((end - begin) * 448);
  part.heads.reserve(end - begin);
  // A result record is a few hundred bytes: read into one buffer, and the whole way
  // (ReadFile: type and size checks, messages with the whole path) only when that fails.
  std::string buf(64 * 1024, '\0');
  for (size_t i = begin; i < end; ++i) {
    TrialId id = todo[i];
    std::optional<TrialRow> row;
    try {
      std::optional<size_t> got;
      if (results_fd >= 0) {
        try {
          got = ReadSmallFileAt(results_fd, TrialFileName(id), buf.data(), buf.size());
        } catch (const Error&) {
          got = buf.size();  // read it again below, for the message
        }
        if (!got) continue;  // gone since the listing (removed by hand)
      }
      if (got && *got < buf.size()) row = FastFinishedRow(id, std::string_view(buf.data(), *got), metric);
      if (!row) {
        auto rec = campaign.Read(TrialState::kFinished, id);
        if (!rec) continue;
        row = RowFromRecord(id, TrialState::kFinished, std::move(*rec), metric);
      }
    } catch (const Error& e) {
      part.warnings.push_back(std::string("skipping unreadable result: ") + e.what());
      continue;
    }
    if (!row->metric) ++part.without_metric;
    part.heads.push_back({id, row->metric.value_or(kNoMetric), AppendIndexLine(part.index, *row, format)});
  }
}

// Parses the files of `todo`, on two threads when there are many.
void ParseNewFiles(const Campaign& campaign, const std::vector<TrialId>& todo,
                   const IndexFormat& format, Part (&parts)[2]) {
  int results_fd = todo.empty() ? -1
                                : ::open(campaign.layout().state_dir(TrialState::kFinished).c_str(),
                                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (todo.size() >= 512) {
    std::thread second(ParseRange, std::cref(campaign), results_fd, std::cref(todo), todo.size() / 2,
                       todo.size(), std::cref(format), std::ref(parts[1]));
    ParseRange(campaign, results_fd, todo, 0, todo.size() / 2, format, parts[0]);
    second.join();
  } else {
    ParseRange(campaign, results_fd, todo, 0, todo.size(), format, parts[0]);
  }
  if (results_fd >= 0) ::close(results_fd);
}

// Appends the parsed trials to `out.lines` (their index text kept in `out.texts`) and says
// what the parsing found.
void AddParsed(const Campaign& campaign, Part (&parts)[2], FinishedLines& out) {
  if (size_t n = parts[0].without_metric + parts[1].without_metric)
    Warning(std::to_string(n) + " finished trial(s) in " +
            campaign.layout().state_dir(TrialState::kFinished).string() + " have no numeric \"" +
            campaign.config().hpo.metric + "\" (recorded before hpo.metric changed?): counted "
            "as finished, without a value");
  for (auto& part : parts) {
    for (const auto& w : part.warnings) Warning(w);
    if (part.heads.empty()) continue;
    out.texts.push_back(std::make_unique<const std::string>(std::move(part.index)));
    std::string_view all(*out.texts.back());
    size_t pos = 0;
    for (const auto& h : part.heads) {
      if (!h.indexed) {
        out.lines.push_back({h.id, h.metric, {}, 0});
        continue;
      }
      size_t nl = all.find('\n', pos);
      std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      auto head = LineHead(line);  // (always there: the line was just rendered)
      out.lines.push_back({h.id, h.metric, head ? line : std::string_view(), head ? head->csv_at : 0});
    }
  }
}

// Publishes a segment of the lines from `first` on (all of them for a merge, which then
// removes every earlier segment).
void WriteSegment(const Layout& L, const FinishedLines& out, size_t first, bool merge,
                  const Segments& segments) {
  try {
    std::string text = out.format.header;
    size_t bytes = text.size() + 32;  // (32: the end line)
    for (size_t i = first; i < out.lines.size(); ++i) bytes += out.lines[i].text.size() + 1;
    text.reserve(bytes);
    for (size_t i = first; i < out.lines.size(); ++i)
      if (!out.lines[i].text.empty()) (text += out.lines[i].text) += '\n';
    AppendSegmentEnd(text);
    // Not flushed: after a crash a segment can be empty, cut short or hold zeros, which
    // its last line's hash tells (see SegmentBody).
    WriteFileAtomic(L.index_segment(UniqueName()), text, Publish::kNoReplace, L.tmp_dir(),
                    Durability::kNoSync);
    if (merge) {
      for (const auto& seg : segments.current) RemoveFile(seg);
      for (const auto& seg : segments.old) RemoveFile(seg);
    }
  } catch (const Error& e) {
    Warning(std::string("could not update the results index: ") + e.what());
  }
}

}  // namespace

FinishedLines ScanFinishedLines(const Campaign& campaign) {
  const Layout& L = campaign.layout();
  FinishedLines out(campaign.config());
  std::vector<TrialId> ids = campaign.List(TrialState::kFinished);  // sorted
  Segments segments = ListSegments(L);
  std::vector<IndexLine> indexed;
  indexed.reserve(ids.size());
  bool merge = segments.current.size() + 1 > kMaxSegments || !segments.old.empty();
  if (ReadSegments(segments, out, indexed)) merge = true;
  std::vector<TrialId> todo = MatchListing(ids, indexed, out.lines);
  merge = merge || out.lines.size() != indexed.size();  // drop lines of trials gone by hand
  indexed = {};

  Part parts[2];
  ParseNewFiles(campaign, todo, out.format, parts);
  size_t n_indexed = out.lines.size();
  AddParsed(campaign, parts, out);
  size_t n_fresh = out.lines.size() - n_indexed;
  if (n_fresh > 0 || merge) WriteSegment(L, out, merge ? 0 : n_indexed, merge, segments);
  // Both runs are in id order; merge them.
  if (n_fresh > 0 && n_indexed > 0)
    std::inplace_merge(out.lines.begin(), out.lines.begin() + static_cast<std::ptrdiff_t>(n_indexed),
                       out.lines.end(), ById);
  return out;
}

std::optional<TrialRow> FinishedRow(const Campaign& campaign, const IndexFormat& format,
                                    const FinishedLines::Line& line) {
  if (auto row = RowFromIndexLine(line.text, format)) return row;
  try {
    if (auto rec = campaign.Read(TrialState::kFinished, line.id))
      return RowFromRecord(line.id, TrialState::kFinished, std::move(*rec), campaign.config().hpo.metric);
  } catch (const Error& e) {
    Warning(std::string("skipping unreadable result: ") + e.what());
  }
  return std::nullopt;
}

}  // namespace hpo
