echo no shebang
#SBATCH -N1
