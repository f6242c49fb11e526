#!/bin/sh
#SBATCH --comment="unterminated
echo hi
