#!/bin/bash
  #SBATCH --indented
# SBATCH --spaced
#SBATCHX --glued
#SBATCH	--tab=1
#SBATCH
	
# plain comment
exit 0
