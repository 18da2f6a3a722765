#!/usr/bin/python3
# The seed README's "3. Analyze Results" snippet, verbatim except:
#   - the results folder is argv[1] instead of the hard-coded 'hpo_results/mlp_example';
#   - matplotlib uses the non-interactive Agg backend, and each plt.show() became
#     plt.savefig(): the first figure (error histogram) goes to argv[2], the second
#     (error vs hyperparameters) to argv[2] with "_hyperparams" before the extension.
# It reads final_results.json and results/trial_<i>.json for i in range(n_trials).
# Usage: /usr/bin/python3 examples/analysis/seed_analysis.py RESULTS_DIR OUT.png
import sys
import os
import matplotlib
matplotlib.use("Agg")

results_dir = sys.argv[1]
out_path = sys.argv[2]
_stem, _ext = os.path.splitext(out_path)
out_path_2 = _stem + "_hyperparams" + (_ext or ".png")
os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)

import json
import matplotlib.pyplot as plt
import pandas as pd

# Load results
with open(f'{results_dir}/final_results.json', 'r') as f:
    results = json.load(f)

print(f"Best configuration: {results['best_config']}")
print(f"Best error: {results['best_error']}")

# Load all trials
trials = []
for i in range(results['n_trials']):
    try:
        with open(f"{results_dir}/results/trial_{i}.json", 'r') as f:
            trial = json.load(f)
            trials.append(trial)
    except FileNotFoundError:
        continue

# Create DataFrame
df = pd.DataFrame([
    {
        'trial_id': t['trial_id'],
        'error': t['error'],
        'runtime': t['additional_info']['training_time'],
        'lr': t['config']['lr'],
        'weight_decay': t['config']['weight_decay'],
        'hidden_sizes': str(t['config']['hidden_sizes']),
        'batch_size': t['config']['batch_size'],
        'max_epochs': t['config']['max_epochs'],
    }
    for t in trials
])

# Plot error distribution
plt.figure(figsize=(10, 6))
plt.hist(df['error'], bins=20)
plt.axvline(results['best_error'], color='r', linestyle='--')
plt.title('Distribution of Validation Errors')
plt.xlabel('Validation Error')
plt.ylabel('Frequency')
plt.savefig(out_path)

# Plot error vs hyperparameters
fig, axs = plt.subplots(2, 2, figsize=(12, 10))
axs[0, 0].scatter(df['lr'], df['error'])
axs[0, 0].set_xlabel('Learning Rate')
axs[0, 0].set_ylabel('Validation Error')
axs[0, 0].set_xscale('log')

axs[0, 1].scatter(df['weight_decay'], df['error'])
axs[0, 1].set_xlabel('Weight Decay')
axs[0, 1].set_ylabel('Validation Error')
axs[0, 1].set_xscale('log')

axs[1, 0].scatter(df['batch_size'], df['error'])
axs[1, 0].set_xlabel('Batch Size')
axs[1, 0].set_ylabel('Validation Error')

axs[1, 1].scatter(df['max_epochs'], df['error'])
axs[1, 1].set_xlabel('Max Epochs')
axs[1, 1].set_ylabel('Validation Error')

plt.tight_layout()
plt.savefig(out_path_2)
