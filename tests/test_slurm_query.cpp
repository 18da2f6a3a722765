// Parsing what squeue and scontrol print. The samples are real output of the test cluster
// (slurm 23.x, share/slurm/start-test-cluster.sh), with the formats the library asks for.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "slurm_query.hpp"

namespace {

// `squeue --noheader --states=all --format=%A|%T|%r` with an array 122 (throttled, task 1
// running as job 129), finished and failed jobs, and a dependent job.
constexpr const char* kSqueue =
    "116|CANCELLED|None\n"
    "114|COMPLETED|None\n"
    "118|NODE_FAIL|NodeDown\n"
    "122|PENDING|JobArrayTaskLimit\n"
    "127|PENDING|BeginTime\n"
    "124|PENDING|Dependency\n"
    "129|RUNNING|None\n";

// `scontrol show job -o 129`: task 1 of array 122, running.
constexpr const char* kScontrolRunning =
    "JobId=129 ArrayJobId=122 ArrayTaskId=1 ArrayTaskThrottle=1 JobName=unitprobe UserId=root(0) "
    "GroupId=root(0) MCS_label=N/A Priority=4294901739 Nice=0 Account=(null) QOS=(null) "
    "JobState=RUNNING Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 "
    "ExitCode=0:0 RunTime=00:00:03 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-30T04:10:40 "
    "EligibleTime=2026-11-30T04:10:43 AccrueTime=2026-11-30T04:10:41 StartTime=2026-11-30T04:10:43 "
    "EndTime=Unknown Deadline=N/A SuspendTime=None SecsPreSuspend=0 "
    "LastSchedEval=2026-11-30T04:10:43 "
    "Scheduler=Main Partition=main AllocNode:Sid=localhost:3054 ReqNodeList=(null) "
    "ExcNodeList=(null) "
    "NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* "
    "TRES=cpu=1,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 "
    "MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK "
    "Contiguous=0 Licenses=(null) Network=(null) Command=(null) WorkDir=/tmp StdErr=/dev/null "
    "StdIn=/dev/null StdOut=/dev/null Power= \n";

// `scontrol show job -o 118`: a task whose node went down.
constexpr const char* kScontrolNodeFail =
    "JobId=118 ArrayJobId=117 ArrayTaskId=0 JobName=j.sh UserId=root(0) GroupId=root(0) "
    "MCS_label=N/A Priority=4294901741 Nice=0 Account=(null) QOS=(null) JobState=NODE_FAIL "
    "Reason=NodeDown Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=143:0 "
    "RunTime=00:00:04 TimeLimit=UNLIMITED TimeMin=N/A Partition=main NodeList=vm BatchHost=vm "
    "Command=/tmp/nd-probe/j.sh WorkDir=/tmp/nd-probe StdErr=/tmp/nd-probe/o_117_0.out "
    "StdIn=/dev/null StdOut=/tmp/nd-probe/o_117_0.out Power= \n";

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("ParseSqueue reads every job with its state and reason") {
  auto jobs = hpo::ParseSqueue(kSqueue);
  CHECK(jobs.size() == 7);
  CHECK(jobs["116"].state == "CANCELLED");
  CHECK(jobs["116"].reason == "None");
  CHECK(jobs["118"].state == "NODE_FAIL");
  CHECK(jobs["118"].reason == "NodeDown");
  CHECK(jobs["122"].state == "PENDING");
  CHECK(jobs["122"].reason == "JobArrayTaskLimit");
  CHECK(jobs["129"].state == "RUNNING");
  CHECK(hpo::ParseSqueue("").empty());
}

TEST_CASE("ParseSqueue trims padded fields and keeps array task ids") {
  // squeue pads fields given a width (%.18A|%.10T) and names array tasks 122_1 (%i).
  auto jobs = hpo::ParseSqueue(
      "               116| CANCELLED|None\n"
      "             122_1|   RUNNING|None  \n"
      "         122_[2-9]|   PENDING|JobArrayTaskLimit\n"
      "130|PENDING|ReqNodeNotAvail,_UnavailableNodes:vm\n");
  CHECK(jobs.size() == 4);
  CHECK(jobs["116"].state == "CANCELLED");
  CHECK(jobs["122_1"].state == "RUNNING");
  CHECK(jobs["122_1"].reason == "None");
  CHECK(jobs["122_[2-9]"].reason == "JobArrayTaskLimit");
  CHECK(jobs["130"].reason == "ReqNodeNotAvail,_UnavailableNodes:vm");
}

TEST_CASE("ParseSqueue skips lines that are not job lines without throwing") {
  std::map<std::string, hpo::JobState> jobs;
  CHECK_NOTHROW(jobs = hpo::ParseSqueue("squeue: error: some warning without a separator\n"
                                        "\n"
                                        "|RUNNING|None\n"
                                        "   |PENDING|None\n"
                                        "131|RUNNING\n"));
  CHECK(jobs.size() == 1);
  CHECK(jobs["131"].state == "RUNNING");
  CHECK(jobs["131"].reason.empty());
}

TEST_CASE("ParseScontrolJob reads JobState and Reason of a real line") {
  auto running = hpo::ParseScontrolJob(kScontrolRunning);
  REQUIRE(running.has_value());
  CHECK(running->state == "RUNNING");
  CHECK(running->reason == "None");
  auto failed = hpo::ParseScontrolJob(kScontrolNodeFail);
  REQUIRE(failed.has_value());
  CHECK(failed->state == "NODE_FAIL");
  CHECK(failed->reason == "NodeDown");
  // The key may open the line, and the value may end it.
  auto first = hpo::ParseScontrolJob("JobState=TIMEOUT Reason=TimeLimit");
  REQUIRE(first.has_value());
  CHECK(first->state == "TIMEOUT");
  CHECK(first->reason == "TimeLimit");
}

TEST_CASE("ParseScontrolJob gives nullopt without a JobState") {
  CHECK_FALSE(hpo::ParseScontrolJob("").has_value());
  CHECK_FALSE(
      hpo::ParseScontrolJob("slurm_load_jobs error: Invalid job id specified\n").has_value());
  // A key that only ends in JobState is not JobState.
  CHECK_FALSE(hpo::ParseScontrolJob("JobId=1 OldJobState=RUNNING").has_value());
}

TEST_SUITE_END();
