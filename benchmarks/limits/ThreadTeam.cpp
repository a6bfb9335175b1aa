//===- ThreadTeam.cpp - Run one function on N threads at once -------------===//

#include "attn/Limits/ThreadTeam.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace attn::limits {

double runTogether(int threads, const std::function<void(int)> &work) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> team;
  team.reserve(threads);
  for (int index = 0; index < threads; ++index)
    team.emplace_back([&, index] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire))
        std::this_thread::yield();
      work(index);
    });
  while (ready.load() != threads)
    std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread &thread : team)
    thread.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace attn::limits
