#include "slurm.hpp"

#include <cstdlib>

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
  e.restart_count = rc.empty() ? 0 : std::atoi(rc.c_str());
  return e;
}

}  // namespace hpo
