# One Optuna worker for the coordination benchmark: same shape as tests/Attune.SweepWorker (random sampler, objective
# sleeping SLEEP ms, stop at TRIALS completed), printing "t begin|end <unix µs>" around each objective call.
import os, sys, time
import optuna
from optuna.samplers import RandomSampler
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

storage, name, trials, sleep_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study(study_name=name, storage=storage, load_if_exists=True, sampler=RandomSampler())

# ATTUNE_WORKER_BARRIER=1 (warm start): warm up with a 3-trial study of its own (as the Attune worker does), then wait
# for the go line before optimising the real one.
if os.environ.get("ATTUNE_WORKER_BARRIER") == "1":
    warmup = optuna.create_study(study_name=f"{name}-warmup-{os.getpid()}", storage=storage, sampler=RandomSampler())
    warmup.optimize(lambda t: t.suggest_float("X", 0, 1) + t.suggest_int("N", 1, 10), n_trials=3)
    print("ready", flush=True)
    sys.stdin.readline()

def objective(trial):
    print(f"t begin {int(time.time() * 1e6)}", flush=True)
    x = trial.suggest_float("X", 0, 1)
    n = trial.suggest_int("N", 1, 10)
    time.sleep(sleep_ms / 1000)
    print(f"t end {int(time.time() * 1e6)}", flush=True)
    return x + n

study.optimize(objective, callbacks=[MaxTrialsCallback(trials, states=(TrialState.COMPLETE,))])
