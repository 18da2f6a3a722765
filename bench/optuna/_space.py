"""The seed's MLP search space asked from an Optuna trial (shared by the benches).

Optuna's categorical choices must be None/bool/int/float/str, so hidden_sizes
uses string encodings of the seed's two lists. input_size/output_size are fixed
values: Optuna has no "fixed parameter", so they are just constants in the
config dict (no storage work), as in hpo.
"""
import optuna

HIDDEN = ["1024-512-256", "2048-1024-512"]
FIXED = {"input_size": 3883, "output_size": 214}

DISTRIBUTIONS = {
    "hidden_sizes": optuna.distributions.CategoricalDistribution(HIDDEN),
    "lr": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True),
    "weight_decay": optuna.distributions.FloatDistribution(1e-5, 1e-3, log=True),
    "batch_size": optuna.distributions.CategoricalDistribution([32, 64, 128]),
    "max_epochs": optuna.distributions.CategoricalDistribution([50, 100]),
}


def suggest(trial):
    cfg = dict(FIXED)
    cfg["hidden_sizes"] = trial.suggest_categorical("hidden_sizes", HIDDEN)
    cfg["lr"] = trial.suggest_float("lr", 1e-4, 1e-2, log=True)
    cfg["weight_decay"] = trial.suggest_float("weight_decay", 1e-5, 1e-3, log=True)
    cfg["batch_size"] = trial.suggest_categorical("batch_size", [32, 64, 128])
    cfg["max_epochs"] = trial.suggest_categorical("max_epochs", [50, 100])
    return cfg


def quiet():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.logging.disable_default_handler()
    import warnings
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
