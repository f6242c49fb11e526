#!/bin/sh
#SBATCH --wrap "a \"b\" c" '' ""
#SBATCH -x\
