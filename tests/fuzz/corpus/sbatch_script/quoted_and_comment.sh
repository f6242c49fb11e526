#!/bin/bash
#SBATCH --job-name="my job" -t 10 # ten minutes
#SBATCH --output=slurm-%A_%a.out
#SBATCH --array=0-15%4
srun hostname
