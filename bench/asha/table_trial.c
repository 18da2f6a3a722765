/* A table-backed trial for the early-stopping quality benchmark (bench/asha/quality.py).

     table_trial CURVES ROW SLEEP_MS CALL_STEPS

   CURVES is a text file with one line per row of the learning-curve table: the validation
   errors after epoch 1..E, separated by spaces (written by quality.py from the committed
   curves_<dataset>.jsonl.gz). ROW is the row this trial replays (the space's one parameter,
   {row}). For epoch 1..E the trial sleeps SLEEP_MS (0: no sleep), appends "epoch time_ns" to
   $HPO_TRIAL_DIR/epochs.log (one write(2) per epoch, O_APPEND, so a trial killed in the middle
   leaves what it ran), and at the steps CALL_STEPS names ("1,3,9", "all" or "none") calls
       "$HPO_PRUNE" EPOCH VALUE
   exit 0: continue; exit 1: stop, and the trial then exits 0 without a result (the runner
   records it as pruned). Any other outcome of hpo-prune fails the trial (exit 4), so a broken
   pruner is never mistaken for "continue". After epoch E it writes
       {"error": <epoch-E error>, "epochs_run": E}
   to $HPO_RESULT through a temp file and rename(2).

   C rather than bash: a bash trial forks /bin/sleep and spends ~3 ms starting; this one costs
   one fork/exec of hpo-prune per call and nothing else. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_EPOCHS 256

static void die(const char* what) {
  fprintf(stderr, "table_trial: %s: %s\n", what, strerror(errno));
  exit(5);
}

static int call_prune(const char* prune, int epoch, const char* value) {
  char step[32];
  snprintf(step, sizeof step, "%d", epoch);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    execl(prune, prune, step, value, (char*)NULL);
    fprintf(stderr, "table_trial: cannot run %s: %s\n", prune, strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) die("waitpid");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: table_trial CURVES ROW SLEEP_MS CALL_STEPS\n");
    return 2;
  }
  const char* curves = argv[1];
  long row = strtol(argv[2], NULL, 10);
  long sleep_ms = strtol(argv[3], NULL, 10);
  const char* steps = argv[4];
  const char* prune = getenv("HPO_PRUNE");
  const char* result = getenv("HPO_RESULT");
  const char* trial_dir = getenv("HPO_TRIAL_DIR");
  if (!result || !trial_dir) {
    fprintf(stderr, "table_trial: HPO_RESULT and HPO_TRIAL_DIR must be set (run by hpo-run)\n");
    return 2;
  }
  int call_all = strcmp(steps, "all") == 0, call_none = strcmp(steps, "none") == 0;
  char call_at[MAX_EPOCHS + 1] = {0};
  if (!call_all && !call_none)
    for (const char* p = steps; *p;) {
      long s = strtol(p, (char**)&p, 10);
      if (s >= 1 && s <= MAX_EPOCHS) call_at[s] = 1;
      while (*p == ',') ++p;
    }
  if (!call_none && (!prune || !*prune)) {
    fprintf(stderr, "table_trial: HPO_PRUNE is not set (no pruner wired?)\n");
    return 2;
  }

  /* Row ROW of CURVES: skip ROW lines. */
  FILE* f = fopen(curves, "r");
  if (!f) die(curves);
  static char line[1 << 16];
  for (long r = 0; r <= row; ++r)
    if (!fgets(line, sizeof line, f)) {
      fprintf(stderr, "table_trial: %s has no row %ld\n", curves, row);
      return 2;
    }
  fclose(f);
  char* values[MAX_EPOCHS];
  int n = 0;
  for (char* tok = strtok(line, " \n"); tok && n < MAX_EPOCHS; tok = strtok(NULL, " \n"))
    values[n++] = tok;
  if (n == 0) {
    fprintf(stderr, "table_trial: row %ld is empty\n", row);
    return 2;
  }

  char log_path[4096];
  snprintf(log_path, sizeof log_path, "%s/epochs.log", trial_dir);
  int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) die(log_path);
  for (int epoch = 1; epoch <= n; ++epoch) {
    if (sleep_ms > 0) {
      struct timespec ts = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
      while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
      }
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%d %lld\n", epoch,
                       (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    if (write(log, buf, (size_t)len) != len) die("write epochs.log");
    if (epoch < n && (call_all || (!call_none && call_at[epoch]))) {
      int rc = call_prune(prune, epoch, values[epoch - 1]);
      if (rc == 1) return 0; /* told to stop */
      if (rc != 0) {
        fprintf(stderr, "table_trial: %s %d %s exited %d\n", prune, epoch, values[epoch - 1], rc);
        return 4;
      }
    }
  }
  close(log);

  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp.%d", result, (int)getpid());
  FILE* out = fopen(tmp, "w");
  if (!out) die(tmp);
  fprintf(out, "{\"error\": %s, \"epochs_run\": %d}\n", values[n - 1], n);
  if (fclose(out) != 0) die(tmp);
  if (rename(tmp, result) != 0) die("rename result");
  return 0;
}
