// The floor for hpo-collect's cold read (bench/json_scan/run.sh): lists results/ and reads
// every file into a 64 KB buffer, relative to the folder, on two threads, as collect does,
// but parses nothing and writes nothing. Prints the bytes read.
//   read_only CAMPAIGN
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = std::string(argv[1]) + "/results";
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    closedir(d);
  }
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 1;
  unsigned long long bytes[2] = {0, 0};
  auto read_part = [&](size_t begin, size_t end, unsigned long long& total) {
    std::string buf(64 * 1024, '\0');
    for (size_t i = begin; i < end; ++i) {
      int f = openat(fd, names[i].c_str(), O_RDONLY | O_CLOEXEC);
      if (f < 0) continue;
      ssize_t n = read(f, buf.data(), buf.size());
      if (n > 0) total += static_cast<unsigned long long>(n);
      close(f);
    }
  };
  std::thread second(read_part, names.size() / 2, names.size(), std::ref(bytes[1]));
  read_part(0, names.size() / 2, bytes[0]);
  second.join();
  close(fd);
  std::printf("%zu files, %llu bytes\n", names.size(), bytes[0] + bytes[1]);
}
