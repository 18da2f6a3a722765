"""hpo_trial: the trial side of the hpo runner <-> trial contract (stdlib only).

A trial is a process started by ``hpo-run`` (never through a shell). It learns
everything from environment variables:

==================== ======================================================
``HPO_TRIAL_ID``     integer id of the trial
``HPO_CONFIG``       path of a JSON object: parameter name -> value
``HPO_RESULT``       path where the trial writes its result JSON object
``HPO_TRIAL_DIR``    private work folder, kept across attempts (checkpoints)
``HPO_ATTEMPT``      1-based attempt number
``HPO_RESTART_COUNT`` 0 on first start, +1 on every restart / requeue
``HPO_METRIC``       name of the metric key in the result (default ``error``)
``HPO_CAMPAIGN_DIR`` the campaign folder
==================== ======================================================

Typical use::

    import hpo_trial

    cfg = hpo_trial.config()
    hpo_trial.install_preemption_handler()          # SIGUSR2 -> should_stop()
    state = hpo_trial.load_checkpoint("state.pkl")  # None on a fresh start
    for epoch in range(start, cfg["max_epochs"]):
        ...train one epoch...
        hpo_trial.report_intermediate(epoch, val_error)
        if hpo_trial.should_stop():
            hpo_trial.save_checkpoint(state, "state.pkl")
            sys.exit(hpo_trial.EXIT_REQUEUE)        # "checkpointed, requeue me"
    hpo_trial.report(val_error, training_time=t, accuracy=acc)

The result must contain the metric as a finite number; every other key ends
up in the trial record's ``additional_info``. Files are written atomically
(temporary file in the same folder, fsync, ``os.replace``, fsync of the
folder), so a reader never sees a half-written result or checkpoint.

Outside the runner, functions that need a variable raise :class:`HpoTrialError`
(a ``RuntimeError``) whose message names it, e.g.
``hpo_trial: HPO_CONFIG is not set: run this script through hpo-run or set it``.
``attempt()``, ``restart_count()`` and ``metric_name()`` fall back to 1, 0 and
``"error"``.

Compatible with Python 3.7+; imports only the standard library.
"""

import errno
import json
import math
import os
import pathlib
import pickle
import signal
import sys
import time

__all__ = [
    "EXIT_REQUEUE", "HpoTrialError",
    "config", "trial_id", "attempt", "restart_count", "trial_dir",
    "result_path", "metric_name", "campaign_dir", "checkpoint_path",
    "report", "report_intermediate", "should_prune",
    "install_preemption_handler", "should_stop",
    "save_checkpoint", "load_checkpoint",
]

#: Exit code meaning "I saved a checkpoint, please requeue me" (EX_TEMPFAIL).
EXIT_REQUEUE = 75

#: Name of the intermediate-values file inside ``HPO_TRIAL_DIR``.
PROGRESS_FILE = "progress.jsonl"

_DEFAULT_METRIC = "error"


class HpoTrialError(RuntimeError):
    """Raised when the trial environment is missing or invalid."""


# --------------------------------------------------------------------------
# environment
# --------------------------------------------------------------------------

def _require(name):
    value = os.environ.get(name)
    if value is None or value == "":
        raise HpoTrialError(
            "hpo_trial: %s is not set: run this script through hpo-run or set it" % name)
    return value


def _int_env(name, default=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if default is None:
            _require(name)  # raises with the standard message
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise HpoTrialError("hpo_trial: %s is not an integer: %r" % (name, raw))


_config_cache = {}


def config(path=None):
    """Return the trial's parameters as a dict.

    Reads the JSON object at ``path`` if given, else at ``$HPO_CONFIG``.
    The result is cached per path; the returned dict is a fresh copy each time.
    Raises :class:`HpoTrialError` if the variable is unset, the file cannot be
    read, or it does not hold a JSON object.
    """
    if path is None:
        path = _require("HPO_CONFIG")
    path = os.fspath(path)
    if path not in _config_cache:
        try:
            with open(path, "r", encoding="utf-8") as f:
                data = json.load(f)
        except OSError as e:
            raise HpoTrialError("hpo_trial: cannot read config %s: %s" % (path, e.strerror))
        except ValueError as e:
            raise HpoTrialError("hpo_trial: config %s is not valid JSON: %s" % (path, e))
        if not isinstance(data, dict):
            raise HpoTrialError("hpo_trial: config %s is not a JSON object" % path)
        _config_cache[path] = data
    return json.loads(json.dumps(_config_cache[path]))  # deep copy


def trial_id():
    """Return ``$HPO_TRIAL_ID`` as an int (required)."""
    return _int_env("HPO_TRIAL_ID")


def attempt():
    """Return ``$HPO_ATTEMPT`` (1-based attempt number); 1 when unset."""
    return _int_env("HPO_ATTEMPT", 1)


def restart_count():
    """Return ``$HPO_RESTART_COUNT`` (0 on first start, +1 per restart); 0 when unset."""
    return _int_env("HPO_RESTART_COUNT", 0)


def metric_name():
    """Return the result key of the metric: ``$HPO_METRIC``, default ``"error"``."""
    return os.environ.get("HPO_METRIC") or _DEFAULT_METRIC


def trial_dir():
    """Return ``$HPO_TRIAL_DIR`` as a :class:`pathlib.Path` (required).

    The folder is private to this trial and kept across attempts; it is created
    if it does not exist yet.
    """
    p = pathlib.Path(_require("HPO_TRIAL_DIR"))
    p.mkdir(parents=True, exist_ok=True)
    return p


def result_path():
    """Return ``$HPO_RESULT`` as a :class:`pathlib.Path` (required)."""
    return pathlib.Path(_require("HPO_RESULT"))


def campaign_dir():
    """Return ``$HPO_CAMPAIGN_DIR`` as a :class:`pathlib.Path` (required)."""
    return pathlib.Path(_require("HPO_CAMPAIGN_DIR"))


def checkpoint_path(name="checkpoint"):
    """Return ``trial_dir() / name``.

    ``name`` must be a plain file name (no ``/``, not ``.``/``..``, not empty)
    so that nothing is ever written outside the trial folder.
    """
    name = os.fspath(name)
    if (not name or name in (".", "..") or "/" in name or "\\" in name
            or "\0" in name or name == PROGRESS_FILE):
        raise ValueError("hpo_trial: invalid checkpoint name %r: use a plain file name" % name)
    return trial_dir() / name


# --------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------

def _fsync_dir(directory):
    try:
        fd = os.open(str(directory), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on directories
    finally:
        os.close(fd)


def _atomic_write_bytes(path, data):
    """Write ``data`` to ``path`` atomically: tmp in same folder, fsync, replace."""
    path = pathlib.Path(path)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(100):
        tmp = directory / (".%s.tmp.%d.%s" % (path.name, os.getpid(), os.urandom(6).hex()))
        try:
            fd = os.open(str(tmp), flags, 0o666)  # the umask applies
            break
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
    else:
        raise OSError(errno.EEXIST, "hpo_trial: cannot create a temporary file", str(directory))
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(str(tmp), str(path))
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(str(tmp))
        except OSError:
            pass
        raise
    _fsync_dir(directory)
    return path


def _json_default(obj):
    # numpy scalars / arrays and similar objects
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, pathlib.PurePath):
        return str(obj)
    raise TypeError("hpo_trial: value of type %s is not JSON serialisable" % type(obj).__name__)


def _sanitize(obj, where, warn=True):
    """Replace non-finite floats (not valid JSON) by None, recursively."""
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        if warn:
            sys.stderr.write("hpo_trial: %s is %r; written as null\n" % (where, obj))
        return None
    if isinstance(obj, dict):
        return {str(k): _sanitize(v, "%s.%s" % (where, k), warn) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_sanitize(v, "%s[%d]" % (where, i), warn) for i, v in enumerate(obj)]
    if not isinstance(obj, (str, int, bool, type(None))):
        return _sanitize(_json_default(obj), where, warn)
    return obj


def _finite_number(value, what):
    if isinstance(value, bool):
        raise ValueError("hpo_trial: %s must be a number, got a bool (%r)" % (what, value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("hpo_trial: %s must be a number, got %r" % (what, value))
    if not math.isfinite(number):
        raise ValueError("hpo_trial: %s is %r; the runner needs a finite number "
                         "(the trial would count as failed)" % (what, number))
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return number


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------

def report(metric_value=None, **extra):
    """Write the final result to ``$HPO_RESULT`` atomically and return its path.

    The metric is stored under ``metric_name()`` (``$HPO_METRIC``, default
    ``error``). It may be given positionally or as a keyword of that name::

        report(0.081, training_time=2.1, accuracy=0.919)
        report(error=0.081, accuracy=0.919)

    Raises ``ValueError`` if the metric is missing, not a number, NaN or
    infinite. Other keywords go to ``additional_info``; they must be JSON
    serialisable (numpy scalars/arrays are converted); NaN/inf among them are
    written as ``null`` with a warning on stderr. Calling ``report`` again
    replaces the previous result.
    """
    key = metric_name()
    if metric_value is None:
        if key not in extra:
            raise ValueError("hpo_trial: report() needs the metric %r: pass it positionally "
                             "or as %s=..." % (key, key))
        metric_value = extra.pop(key)
    elif key in extra:
        raise ValueError("hpo_trial: metric %r given twice (positionally and as keyword)" % key)
    value = _finite_number(metric_value, "metric %r" % key)
    doc = {key: value}
    for k, v in extra.items():
        doc[k] = _sanitize(v, k)
    data = json.dumps(doc, default=_json_default, allow_nan=False, sort_keys=False) + "\n"
    return _atomic_write_bytes(result_path(), data.encode("utf-8"))


def report_intermediate(step, value, **extra):
    """Append one JSON line ``{"step", "value", "time", "attempt", ...extra}`` to
    ``HPO_TRIAL_DIR/progress.jsonl`` and return the file's path.

    The trial is the file's only writer. A non-finite ``value`` is written as
    ``null``. After a resume from an older checkpoint a step may appear more
    than once: readers should keep the last line per step, and skip a last
    line without newline (a write cut by a kill). Not fsynced: it is progress
    information, not a result.
    """
    if isinstance(value, bool):
        raise ValueError("hpo_trial: intermediate value must be a number, got a bool")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("hpo_trial: intermediate value must be a number, got %r" % (value,))
    rec = {"step": _sanitize(step, "step", warn=False),
           "value": number if math.isfinite(number) else None,
           "time": round(time.time(), 3),
           "attempt": attempt()}
    for k, v in extra.items():
        if k not in rec:
            rec[k] = _sanitize(v, k, warn=False)
    line = (json.dumps(rec, default=_json_default, allow_nan=False) + "\n").encode("utf-8")
    path = trial_dir() / PROGRESS_FILE
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND
                 | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        size = os.fstat(fd).st_size
        if size > 0:
            # a previous attempt killed mid-write may have left a partial line
            with open(str(path), "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    line = b"\n" + line
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    _ask_pruner(step, number)
    return path


# --------------------------------------------------------------------------
# early stopping
# --------------------------------------------------------------------------

_prune = False


def _ask_pruner(step, value):
    """Report (step, value) to the campaign's pruner through ``$HPO_PRUNE``.

    The rule lives once, in the hpo-prune tool: it records the value at a
    rung and decides, once per rung (a resumed attempt gets the same answer).
    Exit 0 continue, 1 stop; anything else (it could not run) is warned about
    and the trial goes on.
    """
    global _prune
    kind = os.environ.get("HPO_PRUNER", "none")
    tool = os.environ.get("HPO_PRUNE", "")
    if kind in ("", "none") or not tool or _prune:
        return
    import subprocess
    try:
        rc = subprocess.call([tool, "--no-curve", repr(float(step)), repr(float(value))])
    except OSError as e:
        print("hpo_trial: warning: cannot run %s: %s; the trial continues" % (tool, e),
              file=sys.stderr)
        return
    if rc == 1:
        _prune = True
    elif rc != 0:
        print("hpo_trial: warning: %s exited %d; the trial continues" % (tool, rc),
              file=sys.stderr)


def should_prune():
    """Return True once the campaign's pruner has told this trial to stop.

    Call it after :func:`report_intermediate`; when it is True, end the trial
    (``sys.exit(0)``; a result is not needed): hpo-run records it as pruned,
    with its learning curve and the value where it stopped. Always False when
    the campaign has no ``pruner:`` section (kind none).
    """
    return _prune


# --------------------------------------------------------------------------
# preemption
# --------------------------------------------------------------------------

_stop_requested = False
_stop_signal = None


def _on_signal(signum, frame):
    global _stop_requested, _stop_signal
    _stop_requested = True
    _stop_signal = signum


def install_preemption_handler(signals=None):
    """Install a handler that records a stop request; query it with should_stop().

    By default only ``SIGUSR2`` is handled: the runner forwards it before the
    SLURM time limit. Then save a checkpoint (:func:`save_checkpoint`) promptly
    and exit, preferably with :data:`EXIT_REQUEUE` (75); the next attempt has
    ``restart_count() > 0`` and should resume from the checkpoint. ``SIGTERM``
    means "stop now" and keeps its default action unless you pass it in
    ``signals``. Python runs handlers between bytecodes only, so a long
    C-level step (one big ``fit`` call) delays the flag: check it between
    short steps. Must be called from the main thread. Returns a dict
    signal -> previous handler.
    """
    global _stop_requested, _stop_signal
    _stop_requested = False
    _stop_signal = None
    if signals is None:
        signals = (signal.SIGUSR2,)
    previous = {}
    for sig in signals:
        previous[sig] = signal.signal(sig, _on_signal)
    return previous


def should_stop():
    """Return True once a signal installed by install_preemption_handler() arrived."""
    return _stop_requested


def stop_signal():
    """Return the number of the signal that requested the stop, or None."""
    return _stop_signal


# --------------------------------------------------------------------------
# checkpoints
# --------------------------------------------------------------------------

def _use_json(name, fmt):
    if fmt is None:
        return str(name).endswith(".json")
    if fmt not in ("json", "pickle"):
        raise ValueError("hpo_trial: fmt must be 'json', 'pickle' or None, got %r" % (fmt,))
    return fmt == "json"


def save_checkpoint(obj, name="checkpoint", fmt=None):
    """Save ``obj`` to ``checkpoint_path(name)`` atomically and return the path.

    The format is JSON if ``fmt == "json"`` or (``fmt`` is None and the name
    ends with ``.json``), else pickle (highest protocol). A crash during the
    write leaves the previous checkpoint intact.
    """
    path = checkpoint_path(name)
    if _use_json(name, fmt):
        data = json.dumps(obj, default=_json_default).encode("utf-8")
    else:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _atomic_write_bytes(path, data)


def load_checkpoint(name="checkpoint", default=None, fmt=None):
    """Load the object saved by save_checkpoint(name); ``default`` if there is none.

    Same format rule as :func:`save_checkpoint`. Only load checkpoints your
    own trial wrote: unpickling runs code.
    """
    path = checkpoint_path(name)
    try:
        with open(str(path), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return default
    if _use_json(name, fmt):
        return json.loads(data.decode("utf-8"))
    return pickle.loads(data)
