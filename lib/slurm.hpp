// What hpo needs from SLURM, behind one small interface: the task's own environment,
// sbatch, one squeue/scontrol call per collect, scontrol requeue.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hpo {

// The SLURM variables of the running task (empty strings outside SLURM).
struct SlurmEnv {
  std::string job_id;         // SLURM_JOB_ID (unique per array task)
  std::string array_job_id;   // SLURM_ARRAY_JOB_ID
  std::string array_task_id;  // SLURM_ARRAY_TASK_ID
  int restart_count = 0;      // SLURM_RESTART_COUNT
  bool present() const { return !job_id.empty(); }
  static SlurmEnv FromEnvironment();
};

// State of one SLURM job as the controller reports it.
struct JobState {
  std::string state;   // COMPLETED, FAILED, TIMEOUT, CANCELLED, RUNNING, PENDING, ...
  std::string reason;  // the Reason= field where given
};

}  // namespace hpo
