#!/usr/bin/env python3
#SBATCH --ntasks=2 --cpus-per-task=2
#SBATCH --dependency=afterok:12:13,singleton
#SBATCH hetjob
#SBATCH -o out.%j -e err.%j
print("hi")
