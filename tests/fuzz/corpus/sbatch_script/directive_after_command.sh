#!/bin/sh
#SBATCH -N 1
hostname
#SBATCH -N 650000
