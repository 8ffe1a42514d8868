// Shared pieces of the probe: the request it was given, the object it
// reports, and small helpers its actions share.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace probe {

struct Request {
  std::string action;
  std::map<std::string, std::string> params;  // --param KEY=VALUE
  std::string self;                           // argv[0], for re-exec

  std::int64_t number(const std::string& key, std::int64_t fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
};

using Json = nlohmann::json;

// Writes one JSON object as one line on stdout with write(2), so that it
// reaches the harness even if the probe dies right after.
void emit(const Json& object);

// Async-signal-safe: writes {"<key>":<value>} and a newline on stdout.
void emit_counter(const char* key, long value) noexcept;

// errno as its name ("EMFILE"), or "" for 0.
std::string errno_text(int error);

// Burns CPU in this thread until it has used `ms` milliseconds of its own
// CPU time (CLOCK_THREAD_CPUTIME_ID), so a busy host only slows it down.
void burn_thread_cpu(std::int64_t ms);
// Likewise for the whole process (CLOCK_PROCESS_CPUTIME_ID).
void burn_process_cpu(std::int64_t ms);

// Touches `bytes` of fresh anonymous memory, page by page; returns the
// mapping, which the caller may leave to exit.
void* touch_memory(std::size_t bytes);

// Counts the tasks (threads included) whose real uid is `uid`, from /proc.
long count_tasks_of(unsigned uid);

// Every action returns the object to report; an action that ends the process
// by a signal reports what it can before.
Json run_action(const Request& request);

struct NamedAction {
  const char* name;
  Json (*run)(const Request&);
};
// The actions of each file, by name.
const std::vector<NamedAction>& limit_actions();
const std::vector<NamedAction>& usage_actions();
const std::vector<NamedAction>& semantics_actions();

}  // namespace probe
