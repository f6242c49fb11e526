#!/bin/sh
#SBATCH -N1
hostname
