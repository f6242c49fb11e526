#!/bin/sh

#SBATCH -p picluster
#SBATCH --time='1-00:00:00
hostname
