// What hpo needs from SLURM, behind one small interface: the task's own environment,
// sbatch, one squeue/scontrol call per collect, scontrol requeue.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hpo {

// The name that means exactly one task in SLURM commands (scontrol, squeue -r, scancel):
// "<array job id>_<task id>" for an array task, else the job id. An array task's bare job id
// is not enough: the task whose job id equals the array's (SLURM's array record) would name
// the whole array, and `scontrol requeue` would requeue every sibling.
std::string TaskName(const std::string& job_id, const std::string& array_job_id,
                     const std::string& array_task_id);

// The SLURM variables of the running task (empty strings outside SLURM).
struct SlurmEnv {
  std::string job_id;         // SLURM_JOB_ID (unique per array task)
  std::string array_job_id;   // SLURM_ARRAY_JOB_ID
  std::string array_task_id;  // SLURM_ARRAY_TASK_ID
  // SLURM_RESTART_COUNT, checked to be a whole number (a bad one is a usage error); the
  // runner counts an attempt's restarts from its own record, not from this.
  int restart_count = 0;
  bool present() const { return !job_id.empty(); }
  // This task's name for SLURM commands (see TaskName).
  std::string task_name() const { return TaskName(job_id, array_job_id, array_task_id); }
  static SlurmEnv FromEnvironment();
};

// State of one SLURM job as the controller reports it.
struct JobState {
  std::string state;   // COMPLETED, FAILED, TIMEOUT, CANCELLED, RUNNING, PENDING, ...
  std::string reason;  // the Reason= field where given
};

}  // namespace hpo
