#!/bin/sh
#SBATCH -J 'it'"s"
#SBATCH --export=ALL,FOO=a\ b
#SBATCH -N1 -n4 --mem=1G
echo $FOO
