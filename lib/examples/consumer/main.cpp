// Reads a limit and the process's usage, and meters a piece of work, all
// through the installed rlkit package.
#include <rlkit/rlkit.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <vector>

namespace {

std::uint64_t touch_memory(std::size_t bytes) {
  // One write a page makes each page resident: a minor fault apiece.
  const std::size_t page = rlkit::getpagesize();
  std::vector<unsigned char> block(bytes);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block.size(); i += page) {
    block[i] = static_cast<unsigned char>(i / page);
    sum += block[i];
  }
  return sum;
}

}  // namespace

int main() {
  try {
    const rlkit::Limits files = rlkit::getrlimit(rlkit::Resource::nofile);
    std::cout << "nofile soft " << rlkit::format_limit(files.soft) << " hard "
              << rlkit::format_limit(files.hard) << "\n";

    rlkit::Meter meter;
    const std::uint64_t sum = touch_memory(std::size_t{16} << 20);
    const rlkit::Measurement used = meter.stop();
    std::cout << "touched 16 MiB (checksum " << sum << ") in "
              << used.wall.count() << " ns wall, "
              << used.usage.cpu_time().count() << " us CPU, "
              << used.usage.minflt << " minor faults\n";

    const rlkit::Usage self = rlkit::getrusage(rlkit::Who::self);
    std::cout << "process peak RSS " << self.maxrss_bytes() << " bytes\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rlkit-consumer: " << e.what() << "\n";
    return 1;
  }
}
