#include "slurm.hpp"

#include <cstdlib>

#include "cli.hpp"
#include "error.hpp"

namespace hpo {

std::string TaskName(const std::string& job_id, const std::string& array_job_id,
                     const std::string& array_task_id) {
  if (!array_job_id.empty() && !array_task_id.empty()) return array_job_id + "_" + array_task_id;
  return job_id;
}

SlurmEnv SlurmEnv::FromEnvironment() {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  SlurmEnv e;
  e.job_id = get("SLURM_JOB_ID");
  e.array_job_id = get("SLURM_ARRAY_JOB_ID");
  e.array_task_id = get("SLURM_ARRAY_TASK_ID");
  std::string rc = get("SLURM_RESTART_COUNT");
  auto count = rc.empty() ? std::optional<std::int64_t>(0) : ParseWholeNumber(rc, 0, 1000000);
  if (!count)
    throw UsageError("SLURM_RESTART_COUNT='" + rc +
                     "' is not a whole number from 0 to 1000000; "
                     "it is SLURM's to set: unset it outside a SLURM job");
  e.restart_count = static_cast<int>(*count);
  return e;
}

}  // namespace hpo
