// Listing the names in a folder with readdir(3): a campaign's folders hold up to 100,000
// names, and building a path object for each costs more than reading them.
#pragma once

#include <boost/filesystem/path.hpp>
#include <functional>
#include <string_view>

namespace hpo {

// Calls `each` with every name in `dir` but "." and "..", in readdir order. Returns false when
// `dir` does not exist; throws an Error naming the folder on any other failure.
bool ForEachName(const boost::filesystem::path& dir, const std::function<void(std::string_view)>& each);

}  // namespace hpo
